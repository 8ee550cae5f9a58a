using System.Text.Json;

namespace FraudWeb.Tests.Cli;

/// <summary>bench-rules runs in-process and reports its figures; what they are is the benchmark's business, not a test's.</summary>
public sealed class RulesBenchTests
{
    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => CommandLineRun.DomainOnlyAsync(args);

    [Fact]
    public async Task BenchRules_FewCalls_ReportsEveryFigure()
    {
        var (code, stdout, stderr) = await RunAsync("bench-rules", "--calls", "2000");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal(100, json.GetProperty("rules").GetInt32());
        Assert.Equal(100, json.GetProperty("allow_rules").GetInt32() + json.GetProperty("review_rules").GetInt32() + json.GetProperty("block_rules").GetInt32());
        Assert.True(json.GetProperty("allow_rules").GetInt32() > 0 && json.GetProperty("review_rules").GetInt32() > 0 && json.GetProperty("block_rules").GetInt32() > 0);
        Assert.Equal(2, json.GetProperty("lists").GetInt32());
        Assert.Equal(2000, json.GetProperty("list_entries").GetInt32());
        Assert.Equal(2000, json.GetProperty("calls").GetInt32());
        Assert.Equal(20, json.GetProperty("goal_us").GetDouble());
        Assert.True(json.GetProperty("compile_ms").GetDouble() > 0);
        Assert.True(json.GetProperty("compile_warm_ms").GetDouble() > 0);
        foreach (var variant in (string[])["worst_case", "random"])
        {
            var median = json.GetProperty($"{variant}_median_us").GetDouble();
            Assert.True(median > 0, $"{variant} median {median}");
            Assert.True(json.GetProperty($"{variant}_p99_us").GetDouble() >= median);
            // Deciding allocates next to nothing (README: 32 bytes); one allocation per rule or entry would be thousands.
            Assert.InRange(json.GetProperty($"{variant}_allocated_bytes_per_call").GetDouble(), 0, 1024);
        }
        // Random rules decide some payments and not others: neither all nor none.
        var byRule = json.GetProperty("random_decided_by_rule_share").GetDouble();
        Assert.InRange(byRule, 0.001, 0.999);
        Assert.Equal(json.GetProperty("worst_case_p99_us").GetDouble() < 20, json.GetProperty("worst_case_p99_within_goal").GetBoolean());
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task BenchRules_TooFewCalls_UsageErrorNamesFlag()
    {
        var (code, _, stderr) = await RunAsync("bench-rules", "--calls", "10");

        Assert.Equal(2, code);
        Assert.Contains("--calls '10' must be an integer in [1000, 100000000].", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_RootHelp_ListsBenchRules()
    {
        var (code, stdout, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Contains("  bench-rules ", stdout, StringComparison.Ordinal);
    }
}
