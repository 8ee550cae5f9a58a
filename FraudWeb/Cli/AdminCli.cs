using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using FraudWeb.Data;
using FraudWeb.Services.Admin;
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

    internal static Command Command(FraudWebHost host, CliConsole console, Argument<string[]> configurationBeforeVerb)
    {
        var email = CliOptions.Text("--email", "The administrator's email address (the sign-in name).", "ADDRESS", required: true);
        email.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { Length: > 0 } value && !new EmailAddressAttribute().IsValid(value))
                result.AddError($"--email '{value}' is not a valid email address.");
        });
        var configuration = FraudWebCommandLine.ConfigurationArgument(anyKey: false);
        var command = new Command(Verb, "Create the first administrator: the password is read from piped stdin, otherwise generated and printed once.")
        {
            email, configuration,
        };
        command.SetAction(parse => FraudWebCommandLine.GuardAsync(console.Error, () =>
            FraudWebCommandLine.OnHostAsync(host, parse, configurationBeforeVerb, configuration, new Dictionary<string, string?>(),
                services => RunAsync(services, parse.GetRequiredValue(email), console.In, console.InputIsRedirected, console.Out, console.Error))));
        return command;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string email, TextReader stdin, bool stdinIsPiped, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        // As the sign-in form reads it: spaces around a pasted address would make an account nobody can sign in to.
        email = email.Trim();
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        await using var scope = services.CreateAsyncScope();
        await StartupInitializer.MigrateAsync(scope.ServiceProvider, CancellationToken.None);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(email) is not null)
        {
            await stderr.WriteLineAsync($"error: An account with the email {email} already exists; nothing was changed.");
            return 1;
        }

        var generated = !stdinIsPiped;
        // The line as given (ReadLine drops only its ending): the sign-in form takes a password exactly as typed.
        var password = generated ? GeneratePassword() : await stdin.ReadLineAsync();
        if (string.IsNullOrWhiteSpace(password))
        {
            await stderr.WriteLineAsync("error: No password was given on standard input, which is not a terminal (an empty pipe, /dev/null under cron): pipe the password in, or run the command on a terminal to have one generated and printed.");
            return 2;
        }
        if (char.IsWhiteSpace(password[0]) || char.IsWhiteSpace(password[^1]))
        {
            // Trimmed, as it once was, the account's password was not the one the operator knows.
            await stderr.WriteLineAsync("error: The password on standard input starts or ends with a space or tab; nothing was changed. Give it without them (the sign-in form takes a password exactly as typed).");
            return 2;
        }
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = DateTime.UtcNow };
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        // Account, role and audit entry together: an administrator never exists without its entry.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            await stderr.WriteLineAsync("error: Could not create the administrator: " + string.Join(" ", created.Errors.Select(e => e.Description)));
            return 1;
        }
        var role = await users.AddToRoleAsync(user, Roles.Admin);
        if (!role.Succeeded)
        {
            await stderr.WriteLineAsync("error: Could not make the account an administrator: " + string.Join(" ", role.Errors.Select(e => e.Description)));
            return 1;
        }
        // The actor is the command itself: nobody is signed in on the command line. Ids only, never the address: the log
        // is append-only, so an erasure could not take it out again (ADR 0004).
        await scope.ServiceProvider.GetRequiredService<AuditLog>().AppendAsync(Verb, AuditActions.AdminCreatedByCommand, "user", user.Id, null,
            new { Roles = new[] { Roles.Admin }, PasswordGenerated = generated }, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
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
