using System.Reflection;
using FraudWeb.Controllers;
using FraudWeb.Domain.Entities;
using NetArchTest.Rules;

namespace FraudWeb.Tests.Architecture;

/// <summary>The layers' rules (docs/decisions/0008-layers.md), checked on the compiled assemblies.</summary>
public sealed class LayerTests
{
    private static readonly Assembly Web = typeof(HomeController).Assembly;
    private static readonly Assembly Domain = typeof(Card).Assembly;

    private static string Describe(TestResult result) =>
        string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []);

    [Fact]
    public void Domain_Dependencies_NoAspNetCoreEntityFrameworkOrWeb()
    {
        // Act
        var result = Types.InAssembly(Domain).ShouldNot()
            .HaveDependencyOnAny("Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "FraudWeb.Data", "FraudWeb.Services")
            .GetResult();

        // Assert
        Assert.True(result.IsSuccessful, Describe(result));
    }

    [Fact]
    public void ApplicationServices_Dependencies_NoViewModelsOrControllers()
    {
        // Act
        var result = Types.InAssembly(Web).That().ResideInNamespace("FraudWeb.Services").ShouldNot()
            .HaveDependencyOnAny("FraudWeb.ViewModels", "FraudWeb.ViewModelBuilders", "FraudWeb.Controllers", "Microsoft.AspNetCore.Mvc")
            .GetResult();

        // Assert
        Assert.True(result.IsSuccessful, Describe(result));
    }

    [Fact]
    public void ApplicationServices_PublicMembers_TakeNoClaimsPrincipal()
    {
        // Arrange: services take the user id and permissions the web layer reads from the principal.
        var services = Web.GetTypes().Where(t => t.IsPublic && t.Namespace?.StartsWith("FraudWeb.Services", StringComparison.Ordinal) == true);

        // Act
        var taking = services.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Cast<MethodBase>()
                .Concat(t.GetConstructors()).Select(m => (Type: t, Member: m)))
            .Where(x => x.Member.GetParameters().Any(p => typeof(System.Security.Claims.ClaimsPrincipal).IsAssignableFrom(p.ParameterType)))
            .Select(x => x.Type.FullName + "." + x.Member.Name).ToList();

        // Assert
        Assert.True(taking.Count == 0, "services taking a ClaimsPrincipal: " + string.Join(", ", taking));
    }

    [Fact]
    public void ApiControllers_Dependencies_NoHashingJsonOrIdempotencyStore()
    {
        // Act: API controllers map HTTP to a service call and its result to a response; keys, hashes and stored JSON
        // are read in the application layer.
        var result = Types.InAssembly(Web).That().ResideInNamespace("FraudWeb.Controllers.Api").ShouldNot()
            .HaveDependencyOnAny("System.Security.Cryptography", "System.Text.Json", "FraudWeb.Api.IdempotencyStore")
            .GetResult();

        // Assert
        Assert.True(result.IsSuccessful, Describe(result));
    }

    [Fact]
    public void Controllers_Dependencies_NoDbContextOrEntityFramework()
    {
        // Act
        var result = Types.InAssembly(Web).That().ResideInNamespace("FraudWeb.Controllers").ShouldNot()
            .HaveDependencyOnAny("FraudWeb.Data.FraudDbContext", "Microsoft.EntityFrameworkCore")
            .GetResult();

        // Assert
        Assert.True(result.IsSuccessful, Describe(result));
    }

    [Fact]
    public void ViewModels_Dependencies_NoDbContext()
    {
        // Act: view models are data for screens; the builders query.
        var result = Types.InAssembly(Web).That().ResideInNamespace("FraudWeb.ViewModels").ShouldNot()
            .HaveDependencyOnAny("FraudWeb.Data.FraudDbContext")
            .GetResult();

        // Assert
        Assert.True(result.IsSuccessful, Describe(result));
    }

    [Fact]
    public void ServiceNamespaces_Dependencies_FormNoCycle()
    {
        // Arrange: which service namespace uses which.
        var namespaces = Web.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith("FraudWeb.Services.", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
        var uses = namespaces.ToDictionary(n => n, n => namespaces.Where(other => other != n && !Types.InAssembly(Web).That().ResideInNamespaceMatching("^" + n.Replace(".", "\\.", StringComparison.Ordinal) + "$")
            .ShouldNot().HaveDependencyOnAny(other).GetResult().IsSuccessful).ToList());

        // Act
        var cycle = FindCycle(uses);

        // Assert
        Assert.True(namespaces.Count >= 5, "the service namespaces were not found");
        Assert.True(cycle is null, "service namespaces depend on each other in a cycle: " + string.Join(" -> ", cycle ?? []));
    }

    /// <summary>A cycle in the graph as its path, or null (depth-first search with colours).</summary>
    private static List<string>? FindCycle(Dictionary<string, List<string>> graph)
    {
        var state = graph.Keys.ToDictionary(k => k, _ => 0);
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph[node])
            {
                if (state[next] == 1) return [.. path.SkipWhile(p => p != next), next];
                if (state[next] == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in graph.Keys)
        {
            if (state[node] == 0 && Visit(node) is { } cycle) return cycle;
        }
        return null;
    }
}
