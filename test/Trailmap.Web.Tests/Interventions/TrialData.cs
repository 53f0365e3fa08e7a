using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Delivery;
using Trailmap.Events;
using Trailmap.Journeys.Model;
using Trailmap.Web.Analysis;
using Trailmap.Web.Journeys;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Interventions;

/// <summary>
/// A trial journey with three rules and 21 customers, on a clock stopped at 1 February 2026. Every expected number in
/// the tests is worked out from these rows by hand, or by <see cref="IsHeldOut"/>, an independent SHA-256 of the
/// holdout definition in docs/automation.md#planning.
/// </summary>
internal static class TrialData
{
    public static readonly DateTimeOffset Now = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Journey = """
        id: trial
        title: Trial
        stages:
          - { id: trial, name: Trial, entry: Trial Started }
          - { id: paid, name: Paid, entry: Paid }
        interventions:
          - { id: nudge, name: Nudge to pay, stage: trial, when: { event: Trial Started }, then: { channel: in-app, message: Upgrade today }, goal: Paid, holdout: 50% }
          - { id: welcome, name: Welcome email, stage: trial, when: { event: Trial Started }, then: { channel: email, subject: Welcome }, goal: Paid }
          - { id: tell-csm, name: Tell the CSM, stage: paid, when: { event: Paid }, then: { channel: slack, message: paid } }
        """;

    /// <summary>c0..c19 start a trial on 1 January.</summary>
    public static readonly string[] Customers = [.. Enumerable.Range(0, 20).Select(i => "c" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>
    /// c0..c19 start on 1 Jan; i % 3 == 0 pay on 5 Jan (4 days later: inside the 14-day window), i % 3 == 1 pay on
    /// 20 Jan (19 days: outside), the rest never. "late" starts on 25 Jan, so its window (to 8 Feb) is still open on 1 Feb.
    /// </summary>
    public static string Events()
    {
        var csv = new StringBuilder("user_id,event,timestamp\n");
        for (var i = 0; i < Customers.Length; i++)
        {
            csv.Append(Customers[i]).Append(",Trial Started,2026-01-01T00:00:00Z\n");
            if (i % 3 == 0)
            {
                csv.Append(Customers[i]).Append(",Paid,2026-01-05T00:00:00Z\n");
            }
            else if (i % 3 == 1)
            {
                csv.Append(Customers[i]).Append(",Paid,2026-01-20T00:00:00Z\n");
            }
        }

        csv.Append("late,Trial Started,2026-01-25T00:00:00Z\n");
        return csv.ToString();
    }

    public static bool ConvertsInWindow(string customer) =>
        int.Parse(customer[1..], CultureInfo.InvariantCulture) % 3 == 0;

    /// <summary>
    /// A workspace whose own rules and dispatcher stay off: these tests enqueue messages and dispatch them themselves,
    /// and the server's dispatcher would otherwise race them for the same messages.
    /// </summary>
    public static WorkspaceFactory Factory() => new(o => o with { Time = new FakeTimeProvider(Now), SignInPerMinute = 1000, RunAutomation = false });

    /// <summary>Imports the events and creates the journey.</summary>
    public static async Task SeedAsync(WorkspaceFactory factory, CancellationToken cancel)
    {
        var csv = Path.Combine(factory.Dir, "trial.csv");
        await File.WriteAllTextAsync(csv, Events(), cancel);
        var data = factory.Service<EventData>();
        var summary = await data.UseAsync(store => EventImporter.Import(store, [csv], new ImportOptions(), null, cancel), cancel);
        // 20 starts + 7 early payers (0, 3, ..., 18) + 7 late payers (1, 4, ..., 19) + late's start.
        summary.Imported.ShouldBe(20 + 7 + 7 + 1);
        data.Changed();
        factory.Service<JourneyStore>().Create(Journey, "test");
    }

    /// <summary>
    /// The holdout as docs/automation.md#planning defines it, written again here: SHA-256 of "rule:customer", the
    /// first 8 bytes big-endian over 2^64, held out below the share.
    /// </summary>
    public static bool IsHeldOut(string rule, string customer, double share)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(rule + ":" + customer));
        var position = BinaryPrimitives.ReadUInt64BigEndian(hash) / Math.Pow(2, 64);
        return position < share;
    }

    /// <summary>A message of the trial journey's <paramref name="rule"/>, named as the running rules name it: "trial/RULE" (rule ids are per journey).</summary>
    public static OutboxMessage Message(string rule, string customer, string occurrence, InterventionAction action, Dictionary<string, string?>? data = null) =>
        new($"trial/{rule}:{customer}:{occurrence}", "trial/" + rule, customer, action, Now, data ?? new Dictionary<string, string?> { ["customer.id"] = customer });

    public static InterventionAction InApp(string? message) => new() { Channel = ActionChannel.InApp, Message = message };

    public static InterventionAction Email(string subject) => new() { Channel = ActionChannel.Email, Subject = subject };

    /// <summary>
    /// Sends what is due through real channels: the in-app queue, and email to a server that is never reached,
    /// because every recipient used here is suppressed and the channel checks the list before connecting.
    /// </summary>
    public static Task<DispatchSummary> DispatchAsync(WorkspaceFactory factory, CancellationToken cancel)
    {
        var email = new EmailChannel(
            new EmailOptions { Host = "127.0.0.1", Port = 9, From = "Trial <hello@trial.example>", UnsubscribeUrl = "http://localhost/unsubscribe" },
            factory.Service<SuppressionList>(),
            factory.Service<TimeProvider>());
        var dispatcher = new Dispatcher(
            factory.Service<Outbox>(),
            [new InAppChannel(factory.Service<InAppQueue>()), email],
            time: factory.Service<TimeProvider>());
        return dispatcher.RunOnceAsync(cancel);
    }
}
