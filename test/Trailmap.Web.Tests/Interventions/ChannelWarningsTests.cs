using Trailmap.Automation.Running;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Web.Interventions;

namespace Trailmap.Web.Tests.Interventions;

public sealed class ChannelWarningsTests
{
    private static readonly Journey Trial = JourneyFile.FromText(TrialData.Journey).Journey!;

    [Fact]
    public void Only_the_channels_the_rules_use_and_the_server_lacks_are_warned_about()
    {
        // Nothing configured: welcome sends email, tell-csm posts to Slack; nudge is in-app, which needs no settings.
        var none = ChannelWarnings.For(Trial, new DeliverySettings());
        none.Select(w => (w.Channel, string.Join(",", w.Rules))).ShouldBe([(ActionChannel.Email, "Welcome email"), (ActionChannel.Slack, "Tell the CSM")]);

        // SMTP and the public address set: email is ready, Slack still is not.
        var smtp = new DeliverySettings { SmtpHost = "127.0.0.1", SmtpFrom = "news@example.test", PublicUrl = "https://journeys.example.test" };
        ChannelWarnings.For(Trial, smtp).ShouldHaveSingleItem().Channel.ShouldBe(ActionChannel.Slack);

        // SMTP without the public address still cannot send: unsubscribe links need it.
        var noUrl = smtp with { PublicUrl = null };
        ChannelWarnings.For(Trial, noUrl).Select(w => w.Channel).ShouldBe([ActionChannel.Email, ActionChannel.Slack]);
        ChannelWarnings.For(Trial, noUrl)[0].Why.ShouldContain("--public-url");
    }
}
