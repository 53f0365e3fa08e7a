using MailKit.Security;

namespace Trailmap.Delivery;

/// <summary>How the email channel reaches its SMTP server and builds messages. See docs/delivery.md, "Email".</summary>
public sealed record EmailOptions
{
    /// <summary>The SMTP server's host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>The SMTP port. Default 587 (submission).</summary>
    public int Port { get; init; } = 587;

    /// <summary>TLS: Auto (the default) uses TLS on 465 and STARTTLS elsewhere when the server offers it.</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.Auto;

    /// <summary>Log in with these when both are set.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The From header, e.g. <c>Acme &lt;hello@acme.example&gt;</c>.</summary>
    public required string From { get; init; }

    /// <summary>The right-hand side of every Message-ID; default the From address's domain.</summary>
    public string? MessageIdDomain { get; init; }

    /// <summary>The folder of NAME.subject.liquid, NAME.text.liquid and NAME.html.liquid files; null for none.</summary>
    public string? TemplateFolder { get; init; }

    /// <summary>The unsubscribe endpoint; each message links to it with <c>?token=...</c> appended.</summary>
    public required string UnsubscribeUrl { get; init; }

    /// <summary>How long one SMTP operation (connect, a command, the data) may take. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
