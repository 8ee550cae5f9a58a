using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Email;
using Microsoft.Extensions.Logging.Abstractions;

namespace FraudWeb.Tests.Web.Email;

public sealed class PickupDirectoryEmailSenderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-mail-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SendEmailAsync_ResetLinkMessage_FileAndFolderReadableByOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes only.

        // Arrange: a pickup folder that does not exist yet.
        var pickup = Path.Combine(_directory, "mail");
        var sender = new PickupDirectoryEmailSender(Microsoft.Extensions.Options.Options.Create(new MailOptions { PickupDirectory = pickup }),
            new FraudWebPaths(_directory), TimeProvider.System, NullLogger<PickupDirectoryEmailSender>.Instance);

        // Act
        await sender.SendEmailAsync("ada@example.test", "Reset your password", "<a href=\"https://x/reset?token=secret\">Reset</a>");

        // Assert
        var file = Assert.Single(Directory.GetFiles(pickup, "*.eml"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(pickup));
        Assert.Contains("token=secret", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, new[] { "fresh" })]
    [InlineData(0, new[] { "fresh", "old" })]
    public async Task SendEmailAsync_MessagesOlderThanTheRetention_DeletedOthersAndNewKept(int retentionDays, string[] keptBefore)
    {
        // Arrange (review: without a relay the folder kept every message for ever, the notice that an account was closed
        // with the erased address in it too): one message eight days old, one a day old.
        var pickup = Path.Combine(_directory, "mail");
        Directory.CreateDirectory(pickup);
        foreach (var (name, age) in new[] { ("old", 8), ("fresh", 1) })
        {
            var path = Path.Combine(pickup, name + ".eml");
            await File.WriteAllTextAsync(path, "To: gone@example.test\r\n\r\nYour account is closed");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-age));
        }
        var sender = new PickupDirectoryEmailSender(
            Microsoft.Extensions.Options.Options.Create(new MailOptions { PickupDirectory = pickup, PickupRetention = TimeSpan.FromDays(retentionDays) }),
            new FraudWebPaths(_directory), TimeProvider.System, NullLogger<PickupDirectoryEmailSender>.Instance);

        // Act
        await sender.SendEmailAsync("ada@example.test", "Reset your password", "<p>Reset</p>");

        // Assert: the new message and the ones within the retention stay (all of them with none)
        var names = Directory.GetFiles(pickup, "*.eml").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(keptBefore.Order(StringComparer.Ordinal), names.Where(n => n is "old" or "fresh").Order(StringComparer.Ordinal));
        Assert.Equal(keptBefore.Length + 1, names.Count);
    }

    [Theory]
    [InlineData("ada@example.test", "ada@example.test")]
    [InlineData("用户@例子.中国", "用户@xn--fsqu00a.xn--fiqs8s")]
    [InlineData("josé@café.example", "josé@xn--caf-dma.example")]
    public void RecipientHeader_DomainInAnotherScript_ItsAsciiFormForRelays(string address, string header) =>
        Assert.Equal(header, PickupDirectoryEmailSender.RecipientHeader(address));

    [Fact]
    public void EncodeHeader_Ascii_Unchanged() =>
        Assert.Equal("Confirm your FraudWeb account", PickupDirectoryEmailSender.EncodeHeader("Confirm your FraudWeb account"));

    [Theory]
    [InlineData("确认您的 FraudWeb 账户")]
    [InlineData("您受邀加入 FraudWeb：管理员已为您开设了 FraudWeb 工作人员账户，请在七天内设置密码并开启两步登录。")]
    [InlineData("Emoji 🛡️ and Chinese 欺诈 mixed")]
    public void EncodeHeader_NonAscii_ShortEncodedWordsThatDecodeBack(string subject)
    {
        // Act
        var encoded = PickupDirectoryEmailSender.EncodeHeader(subject);
        var message = $"To: a@example.test\r\nSubject: {encoded}\r\nDate: x\r\n\r\nbody";

        // Assert: ASCII only, no line over 76 characters (RFC 2047), and a mail program reads the same subject
        Assert.All(encoded, c => Assert.True(char.IsAscii(c)));
        Assert.All(("Subject: " + encoded).Split("\r\n"), line => Assert.True(line.Length <= 76, line));
        Assert.Equal(subject, Infrastructure.Mailbox.Subject(message));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
