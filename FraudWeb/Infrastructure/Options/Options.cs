using System.ComponentModel.DataAnnotations;

namespace FraudWeb.Infrastructure.Options;

/// <summary>Section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (default: one instance, a file in the data directory) or Postgres (one or several instances).</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>SQLite: optional (default: fraudweb.db in the data directory). Postgres: required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite: the web app holds a lock beside the database so that a second one on the same file stops at start
    /// (<see cref="FraudWeb.Infrastructure.Database.SqliteInstanceLock"/>). False only where several apps share one file on purpose and no card
    /// holder pays through them: the test suite's in-process hosts.
    /// </summary>
    public bool InstanceLock { get; set; } = true;

    /// <summary>
    /// Seconds a command waits for a locked SQLite database (busy timeout) before the request answers 503. Short: a
    /// write waits for another write's commit (milliseconds), so a longer wait means something holds the lock.
    /// </summary>
    [Range(1, 600)]
    public int BusyTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// PostgreSQL: seconds a command may run, a lock wait included, before it is cancelled and the request answers
    /// 503. SQLite has no statement timeout; its lock waits are bounded by <see cref="BusyTimeoutSeconds"/>.
    /// </summary>
    [Range(1, 3600)]
    public int CommandTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// PostgreSQL: seconds the app waits at start for a server that refuses connections or is still starting (a
    /// container started beside its database), before it exits with the error. 0: no wait.
    /// </summary>
    [Range(0, 3600)]
    public int StartupWaitSeconds { get; set; } = 60;
}

/// <summary>Section "Scoring": Stripe Radar's defaults (review at 65, block at 75).</summary>
public sealed class ScoringOptions : IValidatableObject
{
    public const string Section = "Scoring";

    [Range(1, 99)]
    public int ReviewThreshold { get; set; } = 65;

    [Range(1, 99)]
    public int BlockThreshold { get; set; } = 75;

    /// <summary>How many feature contributions a verdict keeps.</summary>
    [Range(1, 10)]
    public int TopReasons { get; set; } = 4;

    /// <summary>
    /// Days before a fraud's label counts in the terminal features. At least 1: at 0 the terminal window ends at the
    /// payment's own time, where a live payment would count another made at the same instant that the batch features
    /// (training) leave out (review).
    /// </summary>
    [Range(1, 60)]
    public int LabelDelayDays { get; set; } = 7;

    /// <summary>
    /// The card issuer's time zone (an IANA id such as Asia/Shanghai): the clock of the model's night and weekend
    /// features and of the rules' <c>hour</c>, and the calendar of card expiry and the 18-year check. Timestamps stay UTC. Changing it changes what those features mean for
    /// the serving model, so retrain after a change (the Models page).
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    private Domain.Features.FeatureOptions? _features;

    /// <summary>The feature options these settings make (kept: asked for on every payment).</summary>
    public Domain.Features.FeatureOptions Features() => _features ??= new Domain.Features.FeatureOptions
    {
        LabelDelayDays = LabelDelayDays,
        LocalTime = TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc,
    };

    /// <summary>The thresholds' order and the time zone (ValidateDataAnnotations runs it at start-up).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReviewThreshold > BlockThreshold)
        {
            yield return new ValidationResult("Scoring:ReviewThreshold must not be above Scoring:BlockThreshold.", [nameof(ReviewThreshold)]);
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out _))
        {
            yield return new ValidationResult($"Scoring:TimeZone '{TimeZone}' is not a time zone this machine knows; use an IANA id such as Asia/Shanghai or UTC.", [nameof(TimeZone)]);
        }
    }
}

/// <summary>Section "Seed": the first start's simulated history and first model.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    public bool Enabled { get; set; } = true;

    [Range(1, 100_000)]
    public int CardHolders { get; set; } = 500;

    [Range(1, 100_000)]
    public int Terminals { get; set; } = 1000;

    [Range(1, 3650)]
    public int Days { get; set; } = 90;

    public int RandomSeed { get; set; } = 20_240_601;

    public bool TrainModel { get; set; } = true;

    /// <summary>
    /// Trees of the first model; unset, Retraining:Trees. One shape for every model the app trains, so the first
    /// retraining's challenger is compared with a champion of its own kind (with 100 trees here and 200 there, the
    /// demo's challengers lost about 0.01 of AUC to the first model and were often refused).
    /// </summary>
    [Range(1, 2000)]
    public int? Trees { get; set; }
}

/// <summary>Section "Mail": outgoing mail is written as .eml files to a pickup folder.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Default: "mail" under the data directory.</summary>
    public string? PickupDirectory { get; set; }

    public string From { get; set; } = "FraudWeb <no-reply@fraudweb.local>";

    /// <summary>
    /// How long a message waits in the pickup folder for a relay before it is deleted (each write deletes older ones);
    /// 00:00:00 keeps them. Messages hold addresses, reset links and the notice that an account was closed: without a
    /// relay to take them, a folder kept for ever kept personal data the erasure had removed everywhere else (ADR 0004).
    /// </summary>
    public TimeSpan PickupRetention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Section "Retraining": label maturity, windows, promotion tolerance and the triggers.</summary>
public sealed class RetrainingSettings
{
    public const string Section = "Retraining";

    /// <summary>An unreported transaction older than this counts as legitimate.</summary>
    [Range(0, 365)]
    public int MaturityDays { get; set; } = 30;

    [Range(2, 3650)]
    public int TrainingDays { get; set; } = 120;

    [Range(1, 365)]
    public int HoldoutDays { get; set; } = 7;

    /// <summary>Promote unless AUC or AP is worse than the serving model's by more than this.</summary>
    [Range(0.0, 1.0)]
    public double Tolerance { get; set; } = 0.01;

    [Range(0.0, 1.0)]
    public double CardPrecisionTolerance { get; set; } = 0.02;

    [Range(1, 100_000)]
    public int MinimumTrainingFrauds { get; set; } = 10;

    [Range(1, 10_000)]
    public int CardPrecisionK { get; set; } = 100;

    /// <summary>Trees of a retrained model (the validated settings of TransactionModelDefaults otherwise).</summary>
    [Range(1, 2000)]
    public int Trees { get; set; } = Domain.Features.TransactionModelDefaults.NumberOfTrees;

    /// <summary>Queue a run after this many new confirmed labels since the last run; 0 turns the trigger off.</summary>
    [Range(0, 1_000_000)]
    public int LabelThreshold { get; set; } = 50;

    /// <summary>Queue a run this long after the last one; 00:00:00 turns the schedule off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the worker looks for queued runs and triggers.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A running run's lease: its instance renews it while training (every quarter of it); a run not renewed for this
    /// long was left by a stopped or crashed instance and any instance fails it and queues it again.
    /// </summary>
    public TimeSpan RunLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Train in a child process at below-normal priority (the default), so ML.NET's training never holds up requests;
    /// false trains inside the web process (docs/decisions/0006 has the measurements).
    /// </summary>
    public bool TrainInChildProcess { get; set; } = true;

    /// <summary>
    /// Attempts a run gets in all, the first included: a failed training (an error, its process killed or out of
    /// memory) is queued again until then; 1 never retries. A run cut off by a stop is recovered, not retried.
    /// </summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry, doubled for each further one (5, 10, 20 minutes by default).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The training child process's GC heap limit in MB (DOTNET_GCHeapHardLimit), so a runaway training dies of
    /// OutOfMemoryException in its own process instead of taking the machine's memory from the server; 0: no limit.
    /// The runtime alone needs a few MB; a limit below that fails the run at the child's start (out of memory too).
    /// </summary>
    [Range(0, 1_048_576)]
    public int ChildProcessMemoryLimitMb { get; set; }
}

/// <summary>
/// Section "FraudWeb": where the site is reached publicly and which proxies may say so. Links in mail are built from
/// PublicBaseUrl, never from the request's Host header (which a client chooses).
/// </summary>
public sealed class PublicSiteOptions
{
    public const string Section = "FraudWeb";

    /// <summary>The Development default (launchSettings.json's address).</summary>
    public const string DevelopmentBaseUrl = "http://localhost:5080";

    /// <summary>Absolute https URL of the site as users reach it, e.g. https://fraud.example.com; required outside Development.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Addresses or CIDR networks of the TLS proxies whose X-Forwarded-* headers are trusted; empty: loopback only.</summary>
    public string[] KnownProxies { get; set; } = [];
}

/// <summary>One rate-limit rule: permits per fixed window per client IP and per account; 0 turns that limit off.</summary>
public sealed class RateLimitRule
{
    public int PerIp { get; set; }
    public int PerAccount { get; set; }
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Section "RateLimits": one rule per policy (FraudWeb/README.md lists the defaults).</summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "RateLimits";

    public RateLimitRule SignIn { get; set; } = new() { PerIp = 30, PerAccount = 10, Window = TimeSpan.FromMinutes(5) };
    public RateLimitRule Register { get; set; } = new() { PerIp = 10, PerAccount = 0, Window = TimeSpan.FromHours(1) };
    public RateLimitRule PasswordReset { get; set; } = new() { PerIp = 10, PerAccount = 5, Window = TimeSpan.FromMinutes(15) };
    public RateLimitRule AddCard { get; set; } = new() { PerIp = 20, PerAccount = 10, Window = TimeSpan.FromHours(1) };
    public RateLimitRule Payment { get; set; } = new() { PerIp = 120, PerAccount = 60, Window = TimeSpan.FromMinutes(1) };
    /// <summary>A person's data download: it reads their whole history, and nobody needs it more than a few times an hour.</summary>
    public RateLimitRule DataExport { get; set; } = new() { PerIp = 20, PerAccount = 5, Window = TimeSpan.FromHours(1) };
    /// <summary>
    /// Staff's card lookup: a card number answered "on file" or not is worth guessing at, so per staff member; a call
    /// centre shares one address, so no per-IP limit by default.
    /// </summary>
    public RateLimitRule CardLookup { get; set; } = new() { PerIp = 0, PerAccount = 30, Window = TimeSpan.FromMinutes(10) };
    /// <summary>The API: per key (PerAccount); integrators often share an address, so no per-IP limit by default.</summary>
    public RateLimitRule Api { get; set; } = new() { PerIp = 0, PerAccount = 1200, Window = TimeSpan.FromMinutes(1) };
    /// <summary>
    /// API keys that do not work (unknown, wrong, revoked, expired), per client address (PerIp; PerAccount is unused):
    /// past it, a key from that address whose prefix no key has answers 429 without a hash (the Api limit counts only
    /// requests that authenticated); keys that exist are still checked. Off by default, as the Api limit per address:
    /// integrators share addresses, and behind a proxy without the client's real address every client shares one.
    /// </summary>
    public RateLimitRule ApiKeyFailures { get; set; } = new() { PerIp = 0, PerAccount = 0, Window = TimeSpan.FromMinutes(1) };

    /// <summary>The rules by policy name (the names [EnableRateLimiting] uses).</summary>
    public IReadOnlyDictionary<string, RateLimitRule> GetRules() => new Dictionary<string, RateLimitRule>(StringComparer.Ordinal)
    {
        [nameof(SignIn)] = SignIn,
        [nameof(Register)] = Register,
        [nameof(PasswordReset)] = PasswordReset,
        [nameof(AddCard)] = AddCard,
        [nameof(Payment)] = Payment,
        [nameof(DataExport)] = DataExport,
        [nameof(CardLookup)] = CardLookup,
        [nameof(Api)] = Api,
        [nameof(ApiKeyFailures)] = ApiKeyFailures,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, rule) in GetRules())
        {
            if (rule.PerIp < 0 || rule.PerAccount < 0)
                yield return new ValidationResult($"{Section}:{name}: PerIp and PerAccount must be 0 (off) or more.", [name]);
            if (rule.Window < TimeSpan.FromSeconds(1) || rule.Window > TimeSpan.FromDays(1))
                yield return new ValidationResult($"{Section}:{name}:Window must be between 00:00:01 and 1.00:00:00.", [name]);
        }
    }
}

/// <summary>Section "Telemetry": who may read /metrics, where traces and metrics are pushed, how often the queue is counted.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Addresses or CIDR networks (beside loopback) whose requests read /metrics without signing in; empty: loopback only.</summary>
    public string[] MetricsAllowedNetworks { get; set; } = [];

    /// <summary>OTLP collector address for traces and metrics; unset (and no OTEL_EXPORTER_OTLP_ENDPOINT): nothing is pushed.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// A span for every SQL command (EF Core instrumentation); unset: only when spans are pushed (OTLP), as building
    /// them for nobody cost 4% of a payment's CPU.
    /// </summary>
    public bool? DatabaseSpans { get; set; }

    /// <summary>
    /// A span for every request (ASP.NET Core instrumentation); unset: only when spans are pushed (OTLP), as building
    /// and tagging them for nobody cost 7% of a payment's CPU (A/B on held apps). Requests carry a trace id either way.
    /// </summary>
    public bool? RequestSpans { get; set; }

    /// <summary>How often the review queue is counted for fraudweb.review.queue_depth (a scrape never queries the database).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueDepthInterval { get; set; } = TimeSpan.FromSeconds(15);
}
