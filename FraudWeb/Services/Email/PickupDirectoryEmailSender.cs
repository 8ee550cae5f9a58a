using System.Globalization;
using System.Text;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Email;

/// <summary>
/// Writes each message as an RFC 5322 .eml file to Mail:PickupDirectory (default: "mail" in the data directory),
/// where a mail relay, or a person during development, can pick it up. No SMTP server is needed to run the app.
/// </summary>
public sealed partial class PickupDirectoryEmailSender(IOptions<MailOptions> options, FraudWebPaths paths, TimeProvider clock, ILogger<PickupDirectoryEmailSender> logger) : IEmailSender
{
    public string PickupDirectory { get; } = string.IsNullOrWhiteSpace(options?.Value.PickupDirectory)
        ? Path.Combine(paths?.DataDirectory ?? throw new ArgumentNullException(nameof(paths)), "mail")
        : Path.GetFullPath(options.Value.PickupDirectory);

    /// <summary>
    /// Creates the folder and writes a probe there: checked at start (StartupChecks), since a folder this user cannot
    /// write failed every registration later with an error page.
    /// </summary>
    public void EnsureWritable()
    {
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(PickupDirectory);
            else Directory.CreateDirectory(PickupDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var probe = new FileStream(Path.Combine(PickupDirectory, $".probe-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ConfigurationException($"Mail:PickupDirectory ({PickupDirectory}) cannot be written by this user ({Environment.UserName}): {e.Message} Give it a folder this user can write.");
        }
    }

    public async Task SendEmailAsync(string recipient, string subject, string htmlBody, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(htmlBody);
        if (recipient.AsSpan().ContainsAny('\r', '\n') || subject.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("Header values cannot contain line breaks.");
        }
        var now = clock.GetUtcNow();
        var id = Guid.NewGuid().ToString("N");
        var message = new StringBuilder()
            .Append("From: ").Append(options.Value.From).Append("\r\n")
            .Append("To: ").Append(RecipientHeader(recipient)).Append("\r\n")
            .Append("Subject: ").Append(EncodeHeader(subject)).Append("\r\n")
            .Append("Date: ").Append(now.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Message-ID: <").Append(id).Append("@fraudweb.local>\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: text/html; charset=utf-8\r\n")
            .Append("Content-Transfer-Encoding: 8bit\r\n\r\n")
            .Append(htmlBody.ReplaceLineEndings("\r\n"))
            .Append("\r\n");
        var file = Path.Combine(PickupDirectory, $"{now:yyyyMMdd-HHmmss}-{id}.eml");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            // Messages carry reset links: owner-only folder and files (0700/0600) where the OS has Unix modes.
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(PickupDirectory);
            else Directory.CreateDirectory(PickupDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var stream = new FileStream(file, fileOptions);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await writer.WriteAsync(message.ToString().AsMemory(), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder was writable at start (StartupChecks); it stopped being so since (a full disk, a changed mount).
            // A half-written message (a full disk) must not be picked up.
            DeleteQuietly(file);
            LogNotWritten(logger, PickupDirectory, e);
            throw new MailNotSentException($"The mail could not be written to {PickupDirectory}.", e);
        }
        LogWritten(logger, file);
        DeleteExpired();
    }

    /// <summary>Deletes the messages older than Mail:PickupRetention that no relay took (<see cref="MailOptions.PickupRetention"/>).</summary>
    private void DeleteExpired()
    {
        var retention = options.Value.PickupRetention;
        if (retention <= TimeSpan.Zero) return;
        // The files' own clock (their write times), not the app's TimeProvider, decides their age.
        var cutoff = DateTime.UtcNow - retention;
        try
        {
            foreach (var message in Directory.EnumerateFiles(PickupDirectory, "*.eml"))
            {
                if (File.GetLastWriteTimeUtc(message) < cutoff) DeleteQuietly(message);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next message tries again; the one just written is kept either way.
            LogNotCleaned(logger, PickupDirectory, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old mail in the pickup folder {Folder} could not be deleted")]
    private static partial void LogNotCleaned(ILogger logger, string folder, Exception exception);

    private static void DeleteQuietly(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done here; the error above is logged.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail written to {File}")]
    private static partial void LogWritten(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail could not be written to the pickup folder {Folder}; it was not sent")]
    private static partial void LogNotWritten(ILogger logger, string folder, Exception exception);

    /// <summary>
    /// The recipient as relays route it: a domain in another script as its ASCII form (IDNA: 例子.中国 is
    /// xn--fsqu00a.xn--fiqs8s), which every relay accepts; a local part in another script stays UTF-8 (RFC 6532), the
    /// only form it has.
    /// </summary>
    internal static string RecipientHeader(string address)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || address[(at + 1)..].All(char.IsAscii)) return address;
        try
        {
            return string.Concat(address.AsSpan(0, at + 1), new IdnMapping().GetAscii(address[(at + 1)..]));
        }
        catch (ArgumentException)
        {
            // Not a domain IDNA can write: as given (the relay decides).
            return address;
        }
    }

    /// <summary>
    /// A header value as RFC 5322 allows: ASCII as it is; other text (a Chinese subject) as RFC 2047 UTF-8 encoded words
    /// of at most 60 characters each, folded onto continuation lines, never splitting a character.
    /// </summary>
    internal static string EncodeHeader(string value)
    {
        if (value.All(char.IsAscii)) return value;
        var words = new List<string>();
        var chunk = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            // 36 bytes of UTF-8 make 48 of base64: a word of 60 characters, so even the first line, after "Subject: ",
            // stays within RFC 2047's 76.
            if (Encoding.UTF8.GetByteCount(chunk.ToString()) + rune.Utf8SequenceLength > 36)
            {
                words.Add(chunk.ToString());
                chunk.Clear();
            }
            chunk.Append(rune.ToString());
        }
        if (chunk.Length > 0) words.Add(chunk.ToString());
        return string.Join("\r\n ", words.Select(w => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(w)) + "?="));
    }
}
