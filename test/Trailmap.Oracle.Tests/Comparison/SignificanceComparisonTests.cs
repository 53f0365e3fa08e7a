using Shouldly;
using Trailmap.Analytics.Funnels;
using Trailmap.Events;
using Trailmap.Oracle.Tests.Data;
using Trailmap.Oracle.Tests.Oracle;
using Xunit;
using Duration = Trailmap.Journeys.Model.Duration;

namespace Trailmap.Oracle.Tests.Comparison;

/// <summary>
/// Funnel breakdown significance against the oracle on REES46: counts per value and z must agree. The trait is made
/// up for the test (the user id's last digit modulo 3), given to both sides as the same input.
/// </summary>
public sealed class SignificanceComparisonTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("view", "cart")]
    [InlineData("view", "purchase")]
    public async Task Rees46_breakdown_by_a_trait_counts_and_z_per_value(string first, string second)
    {
        OracleData.RequireFile(OracleData.Rees46Path);
        database.RequireServer();
        await OracleData.LoadRees46Async(database, TestContext.Current.CancellationToken);
        var events = OracleData.ReadRees46().ToList();
        var traits = events.Select(e => e.CustomerId).Distinct()
            .ToDictionary(c => c, c => "d" + ((c[^1] - '0') % 3), StringComparer.Ordinal);
        var builder = new EventLogBuilder();
        foreach (var e in events)
        {
            builder.Add(e.CustomerId, e.Event, (e.Timestamp.Ticks - DateTime.UnixEpoch.Ticks) / 10, e.Seq);
        }

        var log = builder.WithTraits(traits.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["tm_bucket"] = kv.Value }, StringComparer.Ordinal))
            .Build();

        var engine = FunnelSignificance.Of(FunnelEngine.Run(log, new FunnelSpec
        {
            Steps = [new FunnelStep(first), new FunnelStep(second)],
            Window = Duration.Parse("14d"),
            BreakdownProperty = "tm_bucket",
        }))!;
        var oracle = await new OracleSignificance(database).BreakdownAsync(
            new OracleFunnel([first, second], TimeSpan.FromDays(14)), traits, TestContext.Current.CancellationToken);

        engine.Select(t => (t.Value, t.Entered, t.Converted, t.RestEntered, t.RestConverted))
            .ShouldBe(oracle.Select(o => (o.Value, o.Entered, o.Converted, o.RestEntered, o.RestConverted)), $"{first} -> {second}");
        for (var i = 0; i < oracle.Count; i++)
        {
            if (oracle[i].Z is { } z)
            {
                engine[i].Z!.Value.ShouldBe(z, 1e-9, oracle[i].Value);
            }
            else
            {
                engine[i].Z.ShouldBeNull(oracle[i].Value);
            }
        }

        oracle.Count.ShouldBe(3); // d0, d1, d2: every digit's remainder occurs among thousands of users.
    }
}
