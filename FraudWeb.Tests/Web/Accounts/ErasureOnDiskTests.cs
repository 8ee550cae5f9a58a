using System.Net;
using System.Text;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Admin;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>
/// Erased details gone from the database's files, not only from its tables: a privacy test read a closed account's
/// name, phone and address in the SQLite file's free space and in its write-ahead log.
/// </summary>
/// <remarks>The SQLite files themselves: run once, not again in the PostgreSQL pass.</remarks>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class ErasureOnDiskTests : IClassFixture<AdminFactory>
{
    private readonly AdminFactory _factory;

    public ErasureOnDiskTests(AdminFactory factory)
    {
        _factory = factory;
        _ = factory.Services; // started before a client is made
    }

    private byte[] Files() =>
        [.. Read(_factory.DatabaseFile), .. Read(_factory.DatabaseFile + "-wal")];

    private static byte[] Read(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Holds(byte[] file, string text) => file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    [Fact]
    public async Task Close_HoldersOwnAccount_NameAndPhoneNoLongerInTheDatabaseFiles()
    {
        // Arrange: details no other test writes
        var name = "Zebulon Quackenbush " + Guid.NewGuid().ToString("N")[..6];
        const string street = "77 Erasure Lane";
        var session = CardHolderSession.Anonymous(_factory, _factory.NewEmail());
        using var holder = session;
        var registered = await holder.RegisterAsync(new RegistrationBuilder(holder.Email, FraudWebFactory.Password).With("FullName", name).With("AddressLine1", street));
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(registered));
        await CardHolderSession.ConfirmAndSignInAsync(_factory, holder.Client, holder.Email);
        Assert.True(Holds(Files(), name), "the name should be in the files before the erasure (or the test proves nothing)");

        // Act
        var closed = await Html.SubmitAsync(holder.Client, "/Privacy/Close", [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close");

        // Assert: in neither the database file nor its log
        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        var files = Files();
        Assert.False(Holds(files, name), "the erased name is still in the database's files");
        Assert.False(Holds(files, street), "the erased address is still in the database's files");
        Assert.False(Holds(files, holder.Email.ToUpperInvariant()), "the erased address's normalised form is still in the database's files");
    }
}
