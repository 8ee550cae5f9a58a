namespace FraudWeb.Tests;

public class SmokeTests
{
    [Fact]
    public void Solution_Builds_TestsRun() => Assert.True(true);
}
