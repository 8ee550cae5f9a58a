using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.ScaleOut;

/// <summary>
/// Two FraudWeb processes (the built app, Production mode) on one PostgreSQL database, behind Debian's nginx
/// balancing round-robin, as an operator would run them. Each instance has its own data directory: nothing is shared
/// but the database. nginx adds X-Upstream to every answer, so a test knows which instance served it.
/// </summary>
public sealed partial class TwoInstanceCluster : IAsyncLifetime
{
    /// <summary>Tries at starting a process on a port chosen free beforehand (another process may take it meanwhile).</summary>
    private const int StartAttempts = 3;

    private static readonly string Repository = FindRepository();
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fraudweb-cluster", Guid.NewGuid().ToString("N"));
    private readonly Process?[] _instances = new Process?[2];
    private readonly int[] _ports = [FreePort(), FreePort()];
    private readonly string _fingerprintKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private Process? _nginx;

    public string Database { get; private set; } = "";
    public int ProxyPort { get; private set; } = FreePort();
    public Uri ProxyAddress => new($"http://127.0.0.1:{ProxyPort}");

    /// <summary>The upstream address nginx reports for instance 0 or 1.</summary>
    public string UpstreamOf(int instance) => $"127.0.0.1:{_ports[instance]}";

    public string DataDirectory(int instance) => Path.Combine(_root, $"instance{instance}");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        Database = TestPostgres.CreateDatabase();
        // Both at once on the empty database, as an orchestrator may start them: they take turns through the start (the
        // scale-out review saw one crash on a table the other had just made, 2 runs of 2, and a history seeded twice).
        await Task.WhenAll(StartInstanceAsync(0), StartInstanceAsync(1));
        await StartProxyAsync();
    }

    /// <summary>A client through the proxy that keeps cookies itself (they are Secure; the proxy speaks plain HTTP).</summary>
    public HttpClient Client() =>
        new(new CookieJarHandler { InnerHandler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false } })
        {
            BaseAddress = ProxyAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    public PostgresFraudDbContext Db() =>
        new(new DbContextOptionsBuilder<PostgresFraudDbContext>().UseNpgsql(Database).Options);

    /// <summary>
    /// Starts instance <paramref name="instance"/> and waits until it is healthy. Its port is chosen free beforehand
    /// and only bound by the child process later, so another process may take it in between: on the first start
    /// (before nginx knows the port) a bind failure is retried on a new port, up to <see cref="StartAttempts"/> times.
    /// A restart after <see cref="Kill"/> keeps its port, as nginx sends to it.
    /// </summary>
    public async Task StartInstanceAsync(int instance)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await TryStartInstanceAsync(instance) is not { } bindFailure) return;
            if (_nginx is not null || attempt == StartAttempts)
            {
                throw new InvalidOperationException($"Instance {instance} could not bind port {_ports[instance]} (attempt {attempt}): {bindFailure}");
            }
            _ports[instance] = FreePort();
        }
    }

    /// <summary>Null once healthy; the process's last output when it stopped because its port was taken; throws on anything else.</summary>
    private async Task<string?> TryStartInstanceAsync(int instance)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(Repository, "FraudWeb"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppDll);
        info.ArgumentList.Add("--contentRoot");
        info.ArgumentList.Add(Path.Combine(Repository, "FraudWeb"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{_ports[instance]}");
        foreach (var (name, value) in Environment(instance)) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var log = Path.Combine(_root, $"instance{instance}.log");
        var copying = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log + ".err"));
        _instances[instance] = process;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // Its last lines are still on their way through the pipes: the copies end at end of stream.
                try
                {
                    await copying.WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (TimeoutException)
                {
                    // Read what has arrived.
                }
                var output = $"{await TailAsync(log + ".err")} {await TailAsync(log)}";
                // Kestrel: "Failed to bind to address http://127.0.0.1:NNNN: address already in use."
                if (output.Contains($":{_ports[instance]}: address already in use", StringComparison.OrdinalIgnoreCase)) return output;
                throw new InvalidOperationException($"Instance {instance} stopped: {output}");
            }
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{_ports[instance]}/healthz"))).StatusCode == HttpStatusCode.OK) return null;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Instance {instance} did not become healthy: {await TailAsync(log)}");
    }

    /// <summary>Until the proxy sends requests to both instances again (it skips a failed one for 10 s).</summary>
    public async Task WaitUntilBothServeAsync()
    {
        using var http = new HttpClient { BaseAddress = ProxyAddress, Timeout = TimeSpan.FromSeconds(5) };
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < 2 && DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK && response.Headers.TryGetValues("X-Upstream", out var values)) seen.Add(values.Last());
            await Task.Delay(200);
        }
        if (seen.Count < 2) throw new TimeoutException("The proxy did not return to both instances.");
    }

    /// <summary>Both instances' log lines containing <paramref name="text"/> (for a failing assertion's message).</summary>
    public string LogLines(string text) => string.Join("\n", Directory.GetFiles(_root, "instance*.log*")
        .SelectMany(f => ReadShared(f).Split('\n').Where(l => l.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(l => Path.GetFileName(f) + ": " + l)));

    private static string ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Kills the instance's process at once (no graceful stop), as a crash would.</summary>
    public void Kill(int instance)
    {
        var process = _instances[instance];
        if (process is { HasExited: false }) process.Kill(entireProcessTree: true);
        process?.WaitForExit();
    }

    /// <summary>The settings of instance <paramref name="instance"/>: the same for both but the data directory.</summary>
    public Dictionary<string, string> Environment(int instance)
    {
        var settings = TwoInstanceClusterPaths.AppProcessSettings(DataDirectory(instance), _fingerprintKey, _signingKey);
        settings["Models__ServingPollSeconds"] = "0.5";
        settings["Database__Provider"] = "Postgres";
        settings["Database__ConnectionString"] = Database;
        settings["Seed__Trees"] = "40";
        // Each instance's retraining worker looks every second (the retraining test waits on it).
        settings["Retraining__PollInterval"] = "00:00:01";
        settings["Retraining__Trees"] = "20";
        return settings;
    }

    /// <summary>The confirmation link mailed to <paramref name="email"/> by whichever instance registered it.</summary>
    public async Task<string> ConfirmationLinkAsync(string email)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var instance in new[] { 0, 1 })
            {
                var mail = Path.Combine(DataDirectory(instance), "mail");
                if (!Directory.Exists(mail)) continue;
                foreach (var file in Directory.GetFiles(mail))
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (!text.Contains($"To: {email}", StringComparison.Ordinal)) continue;
                    var link = ConfirmLink().Match(text);
                    if (link.Success) return new Uri(WebUtility.HtmlDecode(link.Groups[1].Value)).PathAndQuery;
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No confirmation mail for {email}.");
    }

    public async Task DisposeAsync()
    {
        // Its worker too: killing the master alone left the worker running after the suite, one a run.
        if (_nginx is { HasExited: false }) _nginx.Kill(entireProcessTree: true);
        for (var i = 0; i < _instances.Length; i++) Kill(i);
        if (Database.Length > 0) TestPostgres.DropDatabase(Database);
        await Task.Delay(100);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // nginx or an instance still closing a file; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>nginx on <see cref="ProxyPort"/>, retried on a new port when another process took it meanwhile.</summary>
    private async Task StartProxyAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await TryStartProxyAsync() is not { } bindFailure) return;
            if (attempt == StartAttempts) throw new InvalidOperationException($"nginx could not bind port {ProxyPort} (attempt {attempt}): {bindFailure}");
            ProxyPort = FreePort();
        }
    }

    /// <summary>Null once nginx answers; its error output when it stopped because its port was taken; throws on anything else.</summary>
    private async Task<string?> TryStartProxyAsync()
    {
        var prefix = Path.Combine(_root, "nginx");
        Directory.CreateDirectory(prefix);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(prefix, (UnixFileMode)0x1FF); // workers may run as nobody
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes 1;
            daemon off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                upstream fraudweb {
                    server {{UpstreamOf(0)}} max_fails=1 fail_timeout=10s;
                    server {{UpstreamOf(1)}} max_fails=1 fail_timeout=10s;
                    keepalive 32;
                }
                server {
                    listen 127.0.0.1:{{ProxyPort}};
                    location / {
                        proxy_pass http://fraudweb;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        # TLS is taken to end in front of this proxy, as in production.
                        proxy_set_header X-Forwarded-Proto https;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_next_upstream error timeout;
                        add_header X-Upstream $upstream_addr always;
                    }
                }
            }
            """);
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var info = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", prefix, "-c", config }) info.ArgumentList.Add(argument);
        _nginx = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start.");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; i < 100; i++)
        {
            if (_nginx.HasExited)
            {
                var error = await _nginx.StandardError.ReadToEndAsync() + " " + await TailAsync(Path.Combine(prefix, "error.log"));
                // nginx: "[emerg] bind() to 127.0.0.1:NNNN failed (98: Address already in use)".
                if (error.Contains($":{ProxyPort} failed", StringComparison.Ordinal) && error.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)) return error;
                throw new InvalidOperationException("nginx stopped: " + error);
            }
            try
            {
                // X-Upstream: this nginx answered, not another process that had the port first.
                using var response = await http.GetAsync(new Uri(ProxyAddress, "/healthz"));
                if (response.StatusCode == HttpStatusCode.OK && response.Headers.Contains("X-Upstream")) return null;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("nginx did not answer.");
    }

    private static string AppDll => TwoInstanceClusterPaths.AppDll;

    private static string FindRepository() => TwoInstanceClusterPaths.Repository;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task CopyAsync(StreamReader reader, string file)
    {
        await using var writer = new StreamWriter(file, append: true) { AutoFlush = true };
        while (await reader.ReadLineAsync() is { } line) await writer.WriteLineAsync(line);
    }

    private static async Task<string> TailAsync(string file)
    {
        if (!File.Exists(file)) return "";
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        return text.Length > 2000 ? text[^2000..] : text;
    }

    [GeneratedRegex("href=\"([^\"]+/Account/ConfirmEmail[^\"]*)\"")]
    private static partial Regex ConfirmLink();
}

/// <summary>Keeps cookies by name and sends them on every request, whatever their Secure flag (plain HTTP here).</summary>
public sealed class CookieJarHandler : DelegatingHandler
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            lock (_gate)
            {
                foreach (var value in values)
                {
                    var pair = value.Split(';', 2)[0];
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0) continue;
                    var name = pair[..equals];
                    var content = pair[(equals + 1)..];
                    var expired = value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || content.Length == 0;
                    if (expired) _cookies.Remove(name);
                    else _cookies[name] = content;
                }
            }
        }
        return response;
    }
}

/// <summary>Where the built app is: FraudWeb/bin/Release (test.sh builds the solution before the tests).</summary>
public static class TwoInstanceClusterPaths
{
    public static string Repository { get; } = Find();

    public static string AppDll => Path.Combine(Repository, "FraudWeb", "bin", "Release", "net10.0", "FraudWeb.dll");

    /// <summary>
    /// The environment of the built app run as a process by a test: Production, its own data directory and keys, a
    /// small seeded history, training in process, and rate limits far above what the test sends.
    /// </summary>
    public static Dictionary<string, string> AppProcessSettings(string dataDirectory, string fingerprintKey, string signingKey) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_NOLOGO"] = "1",
        ["FraudWeb__DataDirectory"] = dataDirectory,
        ["FraudWeb__PublicBaseUrl"] = "https://127.0.0.1",
        ["AllowedHosts"] = "127.0.0.1",
        ["Cards__FingerprintKey"] = fingerprintKey,
        ["Models__SigningKey"] = signingKey,
        ["Seed__CardHolders"] = "80",
        ["Seed__Terminals"] = "60",
        ["Seed__Days"] = "45",
        ["Seed__Trees"] = "10",
        ["Retraining__TrainInChildProcess"] = "false",
        ["RateLimits__SignIn__PerIp"] = "100000",
        ["RateLimits__SignIn__PerAccount"] = "100000",
        ["RateLimits__Register__PerIp"] = "100000",
        ["RateLimits__AddCard__PerIp"] = "100000",
        ["RateLimits__AddCard__PerAccount"] = "100000",
        ["RateLimits__Payment__PerIp"] = "100000",
        ["RateLimits__Payment__PerAccount"] = "100000",
        ["RateLimits__Api__PerAccount"] = "100000",
    };

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FraudDetection.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("The repository (FraudDetection.sln) is not above the test binaries.");
    }
}
