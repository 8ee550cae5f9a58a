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

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
