using System.Security.Cryptography;
using FraudWeb.Data;
using FraudWeb.Services.Seeding;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Cli;

/// <summary>
/// `create-admin --email ADDRESS`: the only way to get the first administrator (there are no default credentials).
/// The password is read from standard input when it is piped, otherwise generated and printed once.
/// </summary>
public static class AdminCli
{
    public const string Verb = "create-admin";

    /// <summary>The verb may follow configuration switches (e.g. --FraudWeb:DataDirectory=/srv/fraudweb create-admin ...).</summary>
    public static bool Handles(string[] args) => args is not null && Array.IndexOf(args, Verb) >= 0;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader stdin, bool stdinIsPiped, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        string? email = null;
        for (var i = Array.IndexOf(args, Verb) + 1; i < args.Length; i++)
        {
            if (args[i] == "--email" && i + 1 < args.Length) email = args[++i];
            else if (args[i].StartsWith("--email=", StringComparison.Ordinal)) email = args[i]["--email=".Length..];
        }
        if (string.IsNullOrWhiteSpace(email) || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
        {
            await stderr.WriteLineAsync($"Usage: {Verb} --email ADDRESS   (a valid email address is required; the password is read from piped stdin or generated)");
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        await StartupInitializer.MigrateAsync(scope.ServiceProvider, CancellationToken.None);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(email) is not null)
        {
            await stderr.WriteLineAsync($"An account with the email {email} already exists; nothing was changed.");
            return 1;
        }

        var generated = !stdinIsPiped;
        var password = generated ? GeneratePassword() : (await stdin.ReadLineAsync())?.Trim();
        if (string.IsNullOrEmpty(password))
        {
            await stderr.WriteLineAsync("No password was given on standard input.");
            return 2;
        }
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = DateTime.UtcNow };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            await stderr.WriteLineAsync("Could not create the administrator: " + string.Join(" ", created.Errors.Select(e => e.Description)));
            return 1;
        }
        var role = await users.AddToRoleAsync(user, Roles.Admin);
        if (!role.Succeeded)
        {
            await stderr.WriteLineAsync("Created the account but could not make it an administrator: " + string.Join(" ", role.Errors.Select(e => e.Description)));
            return 1;
        }
        await stdout.WriteLineAsync($"Created administrator {email}.");
        if (generated)
        {
            await stdout.WriteLineAsync($"Password (shown only this once): {password}");
        }
        return 0;
    }

    /// <summary>20 random characters with at least one of each class Identity's password rules ask for.</summary>
    public static string GeneratePassword()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz";
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string digits = "23456789";
        const string symbols = "!@#$%^&*-_=+?";
        const string all = lower + upper + digits + symbols;
        var chars = new char[20];
        chars[0] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[1] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++) chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
