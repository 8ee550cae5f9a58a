using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>The app's outgoing mail, as the pickup directory holds it (.eml files), read as the recipient would.</summary>
public static partial class Mailbox
{
    public static IReadOnlyList<string> MessagesTo(FraudWebFactory factory, string email)
    {
        ArgumentNullException.ThrowIfNull(factory);
        WaitForQueuedMail(factory);
        return Directory.Exists(factory.MailDirectory)
            ? Directory.GetFiles(factory.MailDirectory, "*.eml").Select(File.ReadAllText).Where(m => m.Contains("To: " + email, StringComparison.Ordinal)).ToList()
            : [];
    }

    /// <summary>
    /// Waits until the mails the app sends after answering (password resets, docs/decisions/0031) are written, so a test
    /// reads the mailbox as the person would a moment later.
    /// </summary>
    public static void WaitForQueuedMail(FraudWebFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var queue = factory.Services.GetRequiredService<FraudWeb.Services.Accounts.PasswordResetMailer>();
        Assert.True(SpinWait.SpinUntil(() => queue.Pending == 0, TimeSpan.FromSeconds(30)), "queued mail was not written within 30 s");
    }

    /// <summary>The one message to <paramref name="email"/> with this subject.</summary>
    public static string MessageTo(FraudWebFactory factory, string email, string subject) =>
        Assert.Single(MessagesTo(factory, email), m => Subject(m).Contains(subject, StringComparison.Ordinal));

    /// <summary>The message's subject as a mail program shows it (RFC 2047 encoded words decoded, folding undone).</summary>
    public static string Subject(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var header = SubjectHeader().Match(message);
        if (!header.Success) return "";
        var unfolded = header.Groups["value"].Value.Replace("\r\n ", " ", StringComparison.Ordinal);
        return EncodedWord().Replace(unfolded, w => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(w.Groups["b64"].Value)));
    }

    [GeneratedRegex(@"^Subject: (?<value>.*(?:\r\n .*)*)\r\n", RegexOptions.Multiline)]
    private static partial Regex SubjectHeader();

    // Adjacent encoded words are one text: the space between them is not part of it (RFC 2047 6.2).
    [GeneratedRegex(@"=\?utf-8\?B\?(?<b64>[A-Za-z0-9+/=]*)\?=(?: (?==\?utf-8\?B\?))?", RegexOptions.IgnoreCase)]
    private static partial Regex EncodedWord();

    /// <summary>The path and query of the first link in the message whose path starts with <paramref name="path"/>.</summary>
    public static string LinkTo(string message, string path)
    {
        var links = Link().Matches(message).Select(m => new Uri(System.Net.WebUtility.HtmlDecode(m.Groups["url"].Value)));
        return links.First(u => u.AbsolutePath.StartsWith(path, StringComparison.Ordinal)).PathAndQuery;
    }

    /// <summary>Every absolute link in the message.</summary>
    public static IReadOnlyList<Uri> Links(string message) =>
        Link().Matches(message).Select(m => new Uri(System.Net.WebUtility.HtmlDecode(m.Groups["url"].Value))).ToList();

    [GeneratedRegex("href=\"(?<url>[^\"]+)\"")]
    private static partial Regex Link();
}
