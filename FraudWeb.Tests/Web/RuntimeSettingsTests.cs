using System.Text.Json;

namespace FraudWeb.Tests.Web;

/// <summary>The runtime settings the built app ships with (FraudWeb.runtimeconfig.json, beside FraudWeb.dll).</summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "FraudWeb.runtimeconfig.json"));
        using var document = JsonDocument.Parse(file);
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void RuntimeConfig_ThreadPool_IdleWorkersBlockWithoutSpinning()
    {
        // Spinning idle workers cost a third of the app's CPU samples under load on two cores (issue 17).
        Assert.Equal(0, ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
