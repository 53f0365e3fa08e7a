using MimeKit;
using Xunit;

namespace Trailmap.Testing;

/// <summary>
/// The real SMTP server the email tests send to: started by eng/smtp.sh (eng/test.sh does it), found through
/// TRAILMAP_SMTP (host:port) and TRAILMAP_MAILDIR (where it stores what it accepted). Without them the tests skip
/// with a message saying how to start it; on CI (CI set) they fail instead, because a skipped mail test proves nothing.
/// </summary>
internal static class SmtpServer
{
    private const string Missing =
        "no SMTP server for the email tests: TRAILMAP_SMTP and TRAILMAP_MAILDIR are not set. Run ./eng/test.sh, or "
        + "`while read -r l; do export \"$l\"; done < <(eng/smtp.sh start)` and then dotnet test.";

    public static (string Host, int Port, string Maildir) Require()
    {
        var smtp = Environment.GetEnvironmentVariable("TRAILMAP_SMTP");
        var maildir = Environment.GetEnvironmentVariable("TRAILMAP_MAILDIR");
        if (string.IsNullOrWhiteSpace(smtp) || string.IsNullOrWhiteSpace(maildir))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException(Missing + " On CI the email tests must run, so this is a failure.");
            }

            Assert.Skip(Missing);
        }

        var colon = smtp.LastIndexOf(':');
        return (smtp[..colon], int.Parse(smtp[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), maildir);
    }

    /// <summary>
    /// Every message in the Maildir addressed to <paramref name="recipient"/> (the server adds X-RcptTo), oldest first
    /// by its Date header, so a test can check the order of a sequence.
    /// </summary>
    public static IReadOnlyList<MimeMessage> MessagesTo(string maildir, string recipient)
    {
        var found = new List<MimeMessage>();
        foreach (var sub in new[] { "new", "cur" })
        {
            var dir = Path.Combine(maildir, sub);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var message = MimeMessage.Load(file);
                if (string.Equals(message.Headers["X-RcptTo"], recipient, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add(message);
                }
            }
        }

        return [.. found.OrderBy(m => m.Date.UtcDateTime)];
    }

    /// <summary>A recipient no other test uses, so tests sharing the one Maildir never see each other's mail.</summary>
    public static string UniqueAddress(string local, string domain = "example.test") =>
        $"{local}-{Guid.NewGuid():N}@{domain}";
}
