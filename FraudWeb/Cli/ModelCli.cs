// Contract stub: the features/CLI work replaces this.
namespace FraudWeb.Cli;

/// <summary>The model verbs of the FraudWeb executable (simulate, train, evaluate, ...).</summary>
public static class ModelCli
{
    public static bool Handles(string[] args) => false;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => throw new NotImplementedException();
}
