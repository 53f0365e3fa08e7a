using System.Text;
using Shouldly;
using Xunit;

namespace Trailmap.Delivery.Tests;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec-test-0123456789";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"x\"}");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1772442000);

    [Fact]
    public void The_signature_is_hex_hmac_sha256_over_timestamp_dot_body()
    {
        // Oracle: python3 -c "import hmac,hashlib; print(hmac.new(b'whsec-test-0123456789',
        //   b'1772442000.{\"id\":\"x\"}', hashlib.sha256).hexdigest())"
        WebhookSignature.Sign(Secret, 1772442000, Body)
            .ShouldBe("b87ca0239904040f4faae5c32b1b14ca289db41f5e8a01701b9a174df9381746");
    }

    [Fact]
    public void Verify_accepts_a_genuine_request_and_rejects_changed_stale_or_malformed_ones()
    {
        const string signature = "b87ca0239904040f4faae5c32b1b14ca289db41f5e8a01701b9a174df9381746";

        WebhookSignature.Verify(Secret, "1772442000", Body, signature, At).ShouldBe(WebhookVerification.Valid);
        WebhookSignature.Verify(Secret, "1772442000", Body, signature.ToUpperInvariant(), At.AddMinutes(4)).ShouldBe(WebhookVerification.Valid);
        WebhookSignature.Verify(Secret, "1772442000", Encoding.UTF8.GetBytes("{\"id\":\"y\"}"), signature, At).ShouldBe(WebhookVerification.BadSignature);
        WebhookSignature.Verify(Secret, "1772442001", Body, signature, At).ShouldBe(WebhookVerification.BadSignature);
        WebhookSignature.Verify("another-secret-0123456789", "1772442000", Body, signature, At).ShouldBe(WebhookVerification.BadSignature);
        // 5 min tolerance: 6 min later (or earlier) is a replay.
        WebhookSignature.Verify(Secret, "1772442000", Body, signature, At.AddMinutes(6)).ShouldBe(WebhookVerification.Stale);
        WebhookSignature.Verify(Secret, "1772442000", Body, signature, At.AddMinutes(-6)).ShouldBe(WebhookVerification.Stale);
        WebhookSignature.Verify(Secret, null, Body, signature, At).ShouldBe(WebhookVerification.Malformed);
        WebhookSignature.Verify(Secret, "1772442000", Body, "zz" + signature[2..], At).ShouldBe(WebhookVerification.Malformed);
        WebhookSignature.Verify(Secret, "1772442000", Body, signature[..10], At).ShouldBe(WebhookVerification.Malformed);
    }
}
