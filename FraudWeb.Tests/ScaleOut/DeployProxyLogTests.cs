using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FraudWeb.Tests.ScaleOut;

/// <summary>
/// The proxy as deploy/nginx.conf configures it (only its addresses and file paths changed to a test's), with both
/// instances down: what its logs keep of a request that carried a card number in its query string (PCI DSS 3.4.1).
/// </summary>
public sealed class DeployProxyLogTests : IDisposable
{
    private const string CardNumber = "4111111111111111";
    private readonly string _prefix = Path.Combine(Path.GetTempPath(), "fraudweb-nginx-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Get_CardNumberInTheQueryWithTheInstancesDown_NeitherLogKeepsIt()
    {
        // Arrange
        Directory.CreateDirectory(_prefix);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_prefix, (UnixFileMode)0x1FF); // workers may run as nobody
        var port = FreePort();
        var config = Path.Combine(_prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, ForThisTest(await File.ReadAllTextAsync(Path.Combine(TwoInstanceClusterPaths.Repository, "deploy", "nginx.conf")), port));
        using var nginx = Start(config);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var address = new Uri($"http://127.0.0.1:{port}/Review?Search={CardNumber}");

        // Act: both instances refuse the connection, so nginx answers 502 and logs the failure
        HttpStatusCode status;
        try
        {
            status = await GetWhenListeningAsync(http, address, nginx);
        }
        finally
        {
            // The workers too (worker_processes auto): killing the master alone leaves them running.
            nginx.Kill(entireProcessTree: true);
            await nginx.WaitForExitAsync();
        }

        // Assert: the request reached the logs (its path, its status, the upstreams tried), its query did not
        Assert.Equal(HttpStatusCode.BadGateway, status);
        var access = await File.ReadAllTextAsync(Path.Combine(_prefix, "access.log"));
        Assert.Contains("\"GET /Review HTTP/1.1\" 502", access, StringComparison.Ordinal);
        Assert.Contains("upstream_status=502", access, StringComparison.Ordinal);
        var error = File.Exists(Path.Combine(_prefix, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(_prefix, "error.log")) : "";
        Assert.DoesNotContain(CardNumber, access, StringComparison.Ordinal);
        Assert.DoesNotContain(CardNumber, error, StringComparison.Ordinal);
    }

    /// <summary>The deployed file with the test's port, two closed upstream ports and its own directory for files.</summary>
    private string ForThisTest(string deployed, int port)
    {
        var replaced = deployed
            .Replace("listen 80;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal)
            .Replace("app1:8080", $"127.0.0.1:{FreePort()}", StringComparison.Ordinal)
            .Replace("app2:8080", $"127.0.0.1:{FreePort()}", StringComparison.Ordinal)
            .Replace("/var/log/nginx/", _prefix + "/", StringComparison.Ordinal)
            .Replace("http {", $"http {{ client_body_temp_path {_prefix}/body; proxy_temp_path {_prefix}/proxy; fastcgi_temp_path {_prefix}/fastcgi; " +
                $"uwsgi_temp_path {_prefix}/uwsgi; scgi_temp_path {_prefix}/scgi;", StringComparison.Ordinal);
        Assert.DoesNotContain("listen 80;", replaced, StringComparison.Ordinal);
        Assert.DoesNotContain("/var/log/", replaced, StringComparison.Ordinal);
        return replaced;
    }

    private Process Start(string config)
    {
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var info = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", _prefix, "-c", config, "-g", $"daemon off; pid {_prefix}/nginx.pid;" }) info.ArgumentList.Add(argument);
        return Process.Start(info) ?? throw new InvalidOperationException("nginx did not start.");
    }

    private static async Task<HttpStatusCode> GetWhenListeningAsync(HttpClient http, Uri address, Process nginx)
    {
        for (var i = 0; i < 100; i++)
        {
            if (nginx.HasExited) throw new InvalidOperationException("nginx stopped: " + await nginx.StandardError.ReadToEndAsync());
            try
            {
                using var response = await http.GetAsync(address);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100); // not listening yet
            }
        }
        throw new InvalidOperationException("nginx did not listen.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
            // A worker's file still open; the temp folder is cleaned by the OS.
        }
    }
}
