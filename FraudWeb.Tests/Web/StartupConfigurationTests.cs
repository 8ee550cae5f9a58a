using System.Diagnostics;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

/// <summary>
/// The real executable with bad settings: one line naming the setting, exit 1, no stack trace, nothing created.
/// (In-process, WebApplicationFactory only sees that the entry point returned, so these run the process.)
/// </summary>
[Trait("Category", TestPostgres.ProviderIndependent)]
public sealed class StartupConfigurationTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("fraudweb-config-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Start_ProductionWithoutFingerprintKey_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Production"));

        Assert.Equal(1, code);
        Assert.StartsWith("error: Cards:FingerprintKey is not set.", stderr, StringComparison.Ordinal);
        Assert.Contains("Cards__FingerprintKey=$(openssl rand -base64 32)", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "fraudweb.db")));
    }

    [Fact]
    public async Task Start_ProductionWithoutModelSigningKey_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Production"), ("Cards__FingerprintKey", FraudWebFactory.TestFingerprintKey));

        Assert.Equal(1, code);
        Assert.StartsWith("error: Models:SigningKey is not set.", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_UnknownDatabaseProvider_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Database__Provider", "Oracle"));

        Assert.Equal(1, code);
        Assert.Equal("error: Database:Provider 'Oracle' is not supported; set it to 'Sqlite' or 'Postgres'.", stderr.Trim());
    }

    [Fact]
    public async Task Start_ReviewThresholdAboveBlock_OneLineNamingTheSettingsExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"),
            ("Scoring__ReviewThreshold", "90"), ("Scoring__BlockThreshold", "80"));

        Assert.Equal(1, code);
        Assert.Contains("Scoring:ReviewThreshold must not be above Scoring:BlockThreshold.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownTimeZone_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Scoring__TimeZone", "Mars/Olympus_Mons"));

        Assert.Equal(1, code);
        Assert.Contains("Scoring:TimeZone 'Mars/Olympus_Mons' is not a time zone this machine knows; use an IANA id such as Asia/Shanghai or UTC.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RetrainingSettingOutOfRange_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Retraining__MinimumTrainingFrauds", "1000000"));

        Assert.Equal(1, code);
        Assert.Contains("MinimumTrainingFrauds must be between 1 and 100000", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TwoSectionsOutOfRange_OneLineNamingBothExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Retraining__MinimumTrainingFrauds", "1000000"),
            ("RateLimits__SignIn__PerIp", "-1"));

        Assert.Equal(1, code);
        Assert.Contains("MinimumTrainingFrauds", stderr, StringComparison.Ordinal);
        Assert.Contains("PerIp", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MetricsNetworkNotANetwork_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Telemetry__MetricsAllowedNetworks__0", "10.0.0.0/33"));

        Assert.Equal(1, code);
        Assert.Equal("error: Telemetry:MetricsAllowedNetworks '10.0.0.0/33' is not an IP address or CIDR network (e.g. 10.0.0.5 or 10.0.0.0/24).", stderr.Trim());
    }

    [Fact]
    public async Task Start_OtlpEndpointNotAUrl_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Telemetry__OtlpEndpoint", "collector:4317"));

        Assert.Equal(1, code);
        Assert.Contains("Telemetry:OtlpEndpoint must be an absolute http(s) URL", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_ProductionWithoutPublicBaseUrl_OneLineNamingTheSettingExit1()
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Production"), ("Cards__FingerprintKey", FraudWebFactory.TestFingerprintKey),
            ("Models__SigningKey", FraudWebFactory.TestModelSigningKey));

        Assert.Equal(1, code);
        Assert.StartsWith("error: FraudWeb:PublicBaseUrl is not set;", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("FraudWeb__PublicBaseUrl", "http://fraud.example.com", "error: FraudWeb:PublicBaseUrl 'http://fraud.example.com' is not valid;")]
    [InlineData("FraudWeb__KnownProxies__0", "proxy.example.com", "error: FraudWeb:KnownProxies 'proxy.example.com' is not an IP address")]
    public async Task Start_ProductionBadPublicSiteSetting_OneLineNamingTheSettingExit1(string name, string value, string expected)
    {
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Production"), ("Cards__FingerprintKey", FraudWebFactory.TestFingerprintKey),
            ("Models__SigningKey", FraudWebFactory.TestModelSigningKey), ("FraudWeb__PublicBaseUrl", "https://fraud.example.com"), (name, value));

        Assert.Equal(1, code);
        Assert.StartsWith(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("Telemetry__RequestSpans", "maybe", "Telemetry:RequestSpans")]
    [InlineData("Telemetry__DatabaseSpans", "maybe", "Telemetry:DatabaseSpans")]
    [InlineData("Identity__Lockout__MaxFailedAccessAttempts", "abc", "Identity:Lockout:MaxFailedAccessAttempts")]
    [InlineData("Models__ServingPollSeconds", "abc", "Models:ServingPollSeconds")]
    [InlineData("Mail__From", "not an address", "Mail:From must be a mail address")]
    [InlineData("Scoring__LabelDelayDays", "0", "LabelDelayDays")]
    [InlineData("Logging__LogLevel__Default", "Verbose", "'Verbose' is not supported: a log level under Logging:LogLevel is one of")]
    public async Task Start_TypedSettingWrittenWrong_OneLineNamingItExit1(string name, string value, string named)
    {
        // Operations review: these aborted (exit 134) with a stack trace, some after migrating and seeding
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), (name, value));

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_AnotherWebAppHoldsTheSqliteDatabase_OneLineSayingSoExit1()
    {
        // Arrange (operations review: two web apps ran on one SQLite file, each trusting its in-memory balances): the
        // lock a running web app holds on the database of this data directory
        var database = Path.Combine(_dataDirectory, "fraudweb.db");
        await using var running = new FileStream(database + "-instance.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        // Act
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"));

        // Assert: refused before it migrates or seeds anything
        Assert.Equal(1, code);
        Assert.StartsWith($"error: Another FraudWeb web app is running on the SQLite database {database}", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(database));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    public async Task Start_RunLeaseOfNothing_OneLineNamingTheSettingExit1(string lease)
    {
        // Review: never renewed, so every instance took every running retraining for abandoned and ran it again.
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Retraining__RunLease", lease));

        Assert.Equal(1, code);
        Assert.Contains("Retraining:RunLease must be at least 00:00:01", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_DataProtectionCertificateNotPkcs12_OneLineSayingItCannotBeReadExit1()
    {
        var garbage = Path.Combine(_dataDirectory, "not-a-certificate.pfx");
        await File.WriteAllTextAsync(garbage, "not a certificate");

        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"),
            ("FraudWeb__DataProtectionCertificate__Path", garbage), ("FraudWeb__DataProtectionCertificate__Password", "x"));

        Assert.Equal(1, code);
        Assert.StartsWith("error: FraudWeb:DataProtectionCertificate:Path: the certificate cannot be read", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_UnreadableDataProtectionCertificate_OneLineNamingTheSettingExit1()
    {
        var missing = Path.Combine(_dataDirectory, "no-such-certificate.pfx");

        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"),
            ("FraudWeb__DataProtectionCertificate__Path", missing), ("FraudWeb__DataProtectionCertificate__Password", "x"));

        Assert.Equal(1, code);
        Assert.Equal($"error: FraudWeb:DataProtectionCertificate:Path: there is no file {missing}.", stderr.Trim());
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RelativeContentRootThatDoesNotExist_NamedFromTheCurrentFolder()
    {
        // Arrange (QA: a relative --contentRoot was taken from FraudWeb.dll's folder, not from where it was typed)
        var missing = Path.Combine(Directory.GetCurrentDirectory(), "no-such-content-root");

        // Act: the app starts in this process's folder
        var (code, stderr) = await StartAsync(["--contentRoot", "no-such-content-root", "--urls=http://127.0.0.1:0"]);

        // Assert
        Assert.Equal(1, code);
        Assert.StartsWith($"error: the content root {missing} does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ContentRootThatDoesNotExist_OneLineNamingItExit1()
    {
        var missing = Path.Combine(_dataDirectory, "no-such-content-root");

        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("ASPNETCORE_CONTENTROOT", missing));

        Assert.Equal(1, code);
        Assert.StartsWith($"error: the content root {missing} does not exist", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAdmin_AnotherFingerprintKeyThanTheDatabaseWasStartedWith_OneLineNamingTheSettingExit1()
    {
        // Arrange (operations review: a new Cards:FingerprintKey on the same data made every card new and every API
        // key unknown, silently): the database first used with one key.
        var other = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
        var (firstCode, firstError) = await StartAsync(["create-admin", "--email", "first@example.com"],
            ("ASPNETCORE_ENVIRONMENT", "Development"), ("Cards__FingerprintKey", FraudWebFactory.TestFingerprintKey));

        // Act
        var (code, stderr) = await StartAsync(["create-admin", "--email", "second@example.com"],
            ("ASPNETCORE_ENVIRONMENT", "Development"), ("Cards__FingerprintKey", other));
        var (againCode, _) = await StartAsync(["create-admin", "--email", "third@example.com"],
            ("ASPNETCORE_ENVIRONMENT", "Development"), ("Cards__FingerprintKey", FraudWebFactory.TestFingerprintKey));

        // Assert
        Assert.True(firstCode == 0, firstError);
        Assert.Equal(1, code);
        Assert.StartsWith("error: Cards:FingerprintKey is not the key this database's cards and API keys were stored with", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, againCode);
    }

    [Fact]
    [Trait("Category", TestPostgres.SqliteOnly)] // SQLite's own files and its refusal
    public async Task CreateAdmin_DatabaseANewerReleaseUpgraded_OneLineRefusalAndNothingWritten()
    {
        // Arrange (operator test: an older build ran on a database a newer one had upgraded, and wrote rows the newer
        // one then read wrongly): a database holding a migration this release does not know.
        var (firstCode, firstError) = await StartAsync(["create-admin", "--email", "first@example.com"],
            ("ASPNETCORE_ENVIRONMENT", "Development"), ("Cards__FingerprintKey", FraudWebFactory.TestFingerprintKey));
        Assert.True(firstCode == 0, firstError);
        var file = Path.Combine(_dataDirectory, "fraudweb.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO __EFMigrationsHistory (MigrationId, ProductVersion) VALUES ('29991231000000_FromTheFuture', '99.0.0');";
            await insert.ExecuteNonQueryAsync();
        }

        // Act
        var (code, stderr) = await StartAsync(["create-admin", "--email", "second@example.com"],
            ("ASPNETCORE_ENVIRONMENT", "Development"), ("Cards__FingerprintKey", FraudWebFactory.TestFingerprintKey));

        // Assert
        Assert.Equal(1, code);
        Assert.Equal("error: This database was upgraded by a newer release of FraudWeb (its migration 29991231000000_FromTheFuture is unknown to this one): " +
            "run that release or a later one, or restore the backup taken before the upgrade.", stderr.Trim());
        await using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await check.OpenAsync();
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM AspNetUsers WHERE NormalizedEmail = 'SECOND@EXAMPLE.COM';";
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    [Trait("Category", TestPostgres.SqliteOnly)] // SQLite's own files and its refusal
    public async Task Start_CleanStop_TheDatabaseFileHoldsEverythingAndTheWriteAheadLogIsEmpty()
    {
        // Arrange (operator test: after a clean stop fraudweb.db was an empty 4 KB file and the data was all in
        // fraudweb.db-wal, so a copy of the file alone after stopping held nothing)
        var app = new FraudWebFactory();
        using var everything = app.Logs.KeepEverything(); // the host's stopping messages, for a failure's message
        _ = app.Services;
        var file = app.DatabaseFile;

        // Act: stopped as a host stops, keeping its files
        var next = app.Restart();

        // Assert
        try
        {
            var log = new FileInfo(file + "-wal");
            Assert.True(!log.Exists || log.Length == 0, $"the write-ahead log holds {log.Length} bytes after a clean stop; the app logged:\n"
                + string.Join('\n', app.Logs.Entries.Where(e => e.Contains("SqliteCheckpointOnStop", StringComparison.Ordinal) || e.Contains("Hosting", StringComparison.Ordinal)
                    || e.StartsWith("Warning", StringComparison.Ordinal) || e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal))
                    .Select(e => e.Length > 300 ? e[..300] : e).TakeLast(30)));
            Assert.True(new FileInfo(file).Length > 1 << 20, "the database file should hold the seeded history");
        }
        finally
        {
            next.Dispose();
        }
    }

    [Fact]
    public async Task Start_PortAlreadyInUse_OneLineExit1NotAnUnhandledException()
    {
        // Arrange (operations review: a taken port, like an unreachable database, ended in a stack trace and SIGABRT)
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        // Act
        var (code, stderr) = await StartAsync([$"--urls=http://127.0.0.1:{port}"], ("ASPNETCORE_ENVIRONMENT", "Development"), ("Seed__Enabled", "false"));

        // Assert
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Foo=bar", "error: Database:ConnectionString is not a valid SQLite connection string")]
    [InlineData("this is junk", "error: Database:ConnectionString is not a valid SQLite connection string")]
    [InlineData("Data Source=/nonexistent-fraudweb/dir/x.db", "error: Database:ConnectionString names a database file in /nonexistent-fraudweb/dir, which does not exist")]
    public async Task Start_SqliteConnectionStringUnusable_OneLineNamingTheSettingExit1(string connectionString, string expected)
    {
        // Exploratory testing: an unhandled ArgumentException (exit 134), or a path error naming no setting.
        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Database__ConnectionString", connectionString));

        Assert.Equal(1, code);
        Assert.StartsWith(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_MailFolderCannotBeWritten_OneLineNamingTheSettingExit1()
    {
        // Exploratory testing: the app started, and every registration then failed with an error page. A file stands where
        // the folder's parent should be, which refuses even root.
        var blocker = Path.Combine(_dataDirectory, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "");

        var (code, stderr) = await StartAsync(("ASPNETCORE_ENVIRONMENT", "Development"), ("Mail__PickupDirectory", Path.Combine(blocker, "mail")));

        Assert.Equal(1, code);
        Assert.StartsWith($"error: Mail:PickupDirectory ({Path.Combine(blocker, "mail")}) cannot be written by this user", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "fraudweb.db")));
    }

    [Theory]
    [InlineData("notaurl", "error: The listen address 'notaurl' (--urls, ASPNETCORE_URLS) is not a URL such as http://0.0.0.0:8080.")]
    [InlineData("http://127.0.0.1:99999", "error: The listen address 'http://127.0.0.1:99999' (--urls, ASPNETCORE_URLS) has a port outside 0-65535.")]
    public async Task Start_ListenAddressUnusable_OneLineBeforeTheDatabaseIsTouched(string url, string expected)
    {
        // Exploratory testing: Kestrel's FormatException or ArgumentOutOfRangeException, a stack trace after migrating and seeding.
        var (code, stderr) = await StartAsync([$"--urls={url}"], ("ASPNETCORE_ENVIRONMENT", "Development"));

        Assert.Equal(1, code);
        Assert.Equal(expected, stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "fraudweb.db")));
    }

    [Fact]
    public async Task Start_PortHeldByAnotherProgram_OneLineBeforeTheDatabaseIsTouched()
    {
        // Exploratory testing (an operator): Kestrel's "address already in use" came after the first start's migrations and seeding.
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;

        var (code, stderr) = await StartAsync([$"--urls=http://127.0.0.1:{port}"], ("ASPNETCORE_ENVIRONMENT", "Development"));

        Assert.Equal(1, code);
        Assert.Equal($"error: The listen address 'http://127.0.0.1:{port}' is in use by another program (port {port}); stop it, or give another address with --urls.", stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "fraudweb.db")));
    }

    [Fact]
    public async Task Train_SigningKeyUnusable_SaidBeforeTheDataIsRead()
    {
        // Arrange: a table that does not exist, so a verb that read its data before the key would name the file instead.
        var table = Path.Combine(_dataDirectory, "missing.csv");
        var model = Path.Combine(_dataDirectory, "out.model");

        // Act
        var (code, stderr) = await StartAsync(["train", "--table", table, "--label", "y", "--out", model], ("FRAUDWEB_MODEL_SIGNING_KEY", "not a key"));

        // Assert
        Assert.Equal(1, code);
        Assert.Equal("error: FRAUDWEB_MODEL_SIGNING_KEY must be base64 (e.g. the output of `openssl rand -base64 32`).", stderr.Trim());
        Assert.False(File.Exists(model));
    }

    private Task<(int Code, string Stderr)> StartAsync(params (string Name, string Value)[] environment) => StartAsync(["--urls=http://127.0.0.1:0"], environment);

    private async Task<(int Code, string Stderr)> StartAsync(string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FraudWeb.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["FraudWeb__DataDirectory"] = _dataDirectory;
        start.Environment.Remove("Cards__FingerprintKey");
        start.Environment.Remove("Models__SigningKey");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        // create-admin reads the password from piped input; the web app ignores it, and one that stopped at once on a bad
        // setting has closed its end already (a broken pipe here is that, not a failure).
        try
        {
            await process.StandardInput.WriteLineAsync("Glacier mosaic 7 tundra");
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("FraudWeb kept running despite the bad setting.");
        }
        return (process.ExitCode, await stderr);
    }
}
