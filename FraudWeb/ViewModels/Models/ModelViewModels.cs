using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Models;
using FraudWeb.Services.Retraining;

namespace FraudWeb.ViewModels.Models;

public sealed record ModelVersionRow(
    long Id,
    string Version,
    ModelStatus Status,
    string? Trigger,
    DateTime CreatedUtc,
    DateTime? PromotedUtc,
    DateTime? WindowStart,
    DateTime? WindowEnd,
    int TrainingRows,
    int TrainingFrauds,
    string? Labels,
    IReadOnlyDictionary<string, double> Metrics,
    string? DecisionReason,
    string? UnusableReason = null,
    DateTime? UnusableSinceUtc = null)
{
    /// <summary>Its latest promotion by hand or rollback, if staff ever put it in service.</summary>
    public Services.Models.StaffSwap? StaffSwap { get; init; }

    /// <summary>False once its model file was found missing or corrupt: shown with the reason, never offered for promotion.</summary>
    public bool IsUsable => UnusableReason is null;

    /// <summary>The retired format of its model file (1 or 2), which no release serves: shown instead of Promote.</summary>
    public int? RetiredFormat { get; init; }

    /// <summary>The retraining run whose training was promoted automatically to serve it (its audit entry names the run).</summary>
    public long? PromotedByRun { get; init; }

    /// <summary>Whether staff may be offered to put it in service: not serving, usable and of a format that still serves.</summary>
    public bool CanServe => Status != ModelStatus.Serving && IsUsable && RetiredFormat is null;
}

/// <param name="Attempt">1 for a run requested anew, more for a retry of a failed one.</param>
/// <param name="MaxAttempts">Retraining:MaxAttempts, the attempts a run gets in all.</param>
/// <param name="WaitsUntil">For a queued retry waiting out its backoff: when it may run, in the visitor's time; else null.</param>
public sealed record RetrainingRunRow(long Id, RetrainingRunStatus Status, RetrainingTrigger Trigger, string? RequestedBy,
    DateTime RequestedUtc, DateTime? StartedUtc, DateTime? FinishedUtc, string? ModelVersion, string? Outcome, string? Error,
    int Attempt = 1, int MaxAttempts = 1, string? WaitsUntil = null)
{
    /// <summary>The run this one retries or recovers (shown with a recovery's trigger).</summary>
    public long? RetryOf { get; init; }
}

public sealed class ModelDashboardViewModel
{
    public ModelVersionRow? Serving { get; init; }
    /// <summary>Serialised as is for the page's charts script.</summary>
    public ModelCharts? Charts { get; init; }
    public required IReadOnlyList<ModelVersionRow> Versions { get; init; }
    public required IReadOnlyList<RetrainingRunRow> Runs { get; init; }
    public bool CanRetrain { get; init; }
    public bool CanManage { get; init; }
    public bool CanRollBack { get; init; }
    /// <summary>The instance that built this page and the version it serves (the same as the registry's within seconds).</summary>
    public required string Instance { get; init; }
    public string? InstanceServing { get; init; }
}

/// <summary>
/// The Models page's words for what the registry and the retraining queue store: statuses, triggers and the
/// recorded decision reasons, in the page's language. Stored text that is not one of the known forms is shown as is.
/// </summary>
public static partial class ModelTexts
{
    private const string ManualPrefix = "manual: ";
    private const string PromotedWithin = "Promoted: not worse than the serving model beyond the tolerance (";
    private const string RejectedWorse = "Rejected: worse than the serving model on ";

    public static string Status(ModelStatus status) => status switch
    {
        ModelStatus.Candidate => Text.Get("Candidate"),
        ModelStatus.Serving => Text.Get("Serving"),
        // A model not promoted: the word the decisions use ("Rejected: worse than …"), not a report's "not upheld".
        ModelStatus.Rejected => Text.InContext("model", "Rejected"),
        ModelStatus.Retired => Text.Get("Retired"),
        _ => status.ToString(),
    };

    public static string RunStatus(RetrainingRunStatus status) => status switch
    {
        RetrainingRunStatus.Queued => Text.Get("Queued"),
        RetrainingRunStatus.Running => Text.Get("Running"),
        RetrainingRunStatus.Succeeded => Text.Get("Succeeded"),
        RetrainingRunStatus.Failed => Text.Get("Failed"),
        _ => status.ToString(),
    };

    public static string RunTrigger(RetrainingTrigger trigger) => trigger switch
    {
        RetrainingTrigger.Manual => Text.Get("Manual"),
        RetrainingTrigger.LabelThreshold => Text.Get("Label threshold"),
        RetrainingTrigger.Schedule => Text.Get("Schedule"),
        RetrainingTrigger.Recovery => Text.Get("Recovery"),
        _ => trigger.ToString(),
    };

    /// <summary>
    /// A version's stored trigger ("first start", "manual: alice@example", "label threshold", "schedule", "recovery").
    /// "schedule" and "recovery" are the run triggers' words (keys that differ only in case cannot both be resources):
    /// translated as those, and shown as stored where there is no translation.
    /// </summary>
    /// <summary>
    /// Who asked for a run, as stored: a sign-in name, or a deleted account's marker, shown as the audit log names it
    /// ("deleted account {id}", in the page's language), not as the raw marker.
    /// </summary>
    public static string Person(string? stored) =>
        stored is not null && stored.StartsWith(DeletedAccountPrefix, StringComparison.Ordinal)
            ? Text.Format("deleted account {0}", stored[DeletedAccountPrefix.Length..])
            : stored ?? "";

    private static readonly string DeletedAccountPrefix = FraudWeb.Services.Admin.AdminUserService.DeletedAccount("");

    public static string VersionTrigger(string? trigger)
    {
        if (trigger is null) return "";
        if (trigger.StartsWith(ManualPrefix, StringComparison.Ordinal)) return Text.Format("manual: {0}", Person(trigger[ManualPrefix.Length..]));
        return trigger switch
        {
            "first start" => Text.Get("first start"),
            ModelRegistry.StarterTrigger => Text.Get("starter: learnt from simulated payments"),
            "label threshold" => Text.Get("Label threshold"),
            "schedule" => Translated(Text.Get("Schedule"), "Schedule", trigger),
            "recovery" => Translated(Text.Get("Recovery"), "Recovery", trigger),
            _ => trigger,
        };
    }

    /// <summary>A recorded promotion decision (a version's reason, a run's outcome) in the page's language.</summary>
    public static string Reason(string? reason)
    {
        if (reason is null) return "";
        if (reason.StartsWith(PromotedWithin, StringComparison.Ordinal) && reason.EndsWith(").", StringComparison.Ordinal))
            return Text.Format("Promoted: not worse than the serving model beyond the tolerance ({0}).", reason[PromotedWithin.Length..^2]);
        if (reason.StartsWith(RejectedWorse, StringComparison.Ordinal) && reason.EndsWith(").", StringComparison.Ordinal))
        {
            var rest = reason[RejectedWorse.Length..^2];
            var open = rest.IndexOf(" (", StringComparison.Ordinal);
            if (open > 0) return Text.Format("Rejected: worse than the serving model on {0} ({1}).", rest[..open], rest[(open + 2)..]);
        }
        if (NotComparedReason().Match(reason) is { Success: true } notCompared)
            return Text.Format("Not promoted: version {0} was put in service while this one trained, and was not compared with it. Promote this version by hand if it is better. ({1})",
                notCompared.Groups[1].Value, Reason(notCompared.Groups[2].Value));
        if (PinnedReason().Match(reason) is { Success: true } pinned)
            return Text.Format("Not promoted: an administrator rolled back to version {0}, which serves until a version is promoted by hand. ({1})",
                pinned.Groups[1].Value, Reason(pinned.Groups[2].Value));
        // Its own decision after the prefix, in brackets; a long one is cut by the registry (ending in "…", no bracket).
        if (reason.StartsWith(ModelRegistry.RunTakenOverPrefix + "(", StringComparison.Ordinal))
            return Text.Format("Not promoted: its retraining run was taken over by another instance after its lease ran out, and trains again there. ({0})",
                Reason(reason.EndsWith(')') ? reason[(ModelRegistry.RunTakenOverPrefix.Length + 1)..^1] : reason[(ModelRegistry.RunTakenOverPrefix.Length + 1)..]));
        if (InPlaceOfReason().Match(reason) is { Success: true } inPlace)
            return Text.Format("Promoted in place of version {0}, which cannot serve on this instance: {1}", inPlace.Groups[1].Value, inPlace.Groups[2].Value);
        if (NewerNotReplacedReason().Match(reason) is { Success: true } newer)
            return Text.Format("Not promoted: version {0}, written by a newer release, serves and cannot be loaded by this one: {1}", newer.Groups[1].Value, newer.Groups[2].Value);
        return reason switch
        {
            "Promoted: no model was serving." => Text.Get("Promoted: no model was serving."),
            "Promoted: the serving model uses another feature schema and cannot be compared." =>
                Text.Get("Promoted: the serving model uses another feature schema and cannot be compared."),
            "Rejected: the holdout has a single class, so the models cannot be compared; the serving model stays." =>
                Text.Get("Rejected: the holdout has a single class, so the models cannot be compared; the serving model stays."),
            _ => reason,
        };
    }

    /// <summary>Why a version cannot serve (<see cref="ModelVersion.UnusableReason"/>), the registry's known forms in the page's language.</summary>
    public static string Unusable(string? reason)
    {
        if (reason is null) return "";
        if (reason == ModelRegistry.MissingFileReason) return Text.Get("The model file is missing.");
        // The detail after the prefix is the model file's own English message, shown as recorded.
        if (reason.StartsWith(ModelRegistry.CorruptFileReasonPrefix, StringComparison.Ordinal))
            return Text.Format("The model file is corrupt: {0}", reason[ModelRegistry.CorruptFileReasonPrefix.Length..]);
        if (reason.StartsWith(ModelRegistry.CannotServeReasonPrefix, StringComparison.Ordinal))
            return Text.Format("This version cannot serve: {0}", reason[ModelRegistry.CannotServeReasonPrefix.Length..]);
        return reason;
    }

    /// <summary>A failed run's stored error: the known ones in the page's language, any other as recorded.</summary>
    public static string RunError(string? error)
    {
        switch (error)
        {
            case null:
                return "";
            case "There is no history to train a model on." or "The training window has no legitimate transactions; no model was trained."
                or "The training process could not be started." or "Interrupted: the instance training it stopped."
                or RetrainingService.DatabaseUnavailableError:
                return Text.Get(error);
        }
        if (TooFewFrauds().Match(error) is { Success: true } few)
            return Text.Format("Only {0} confirmed frauds in the training window (at least {1} are needed); no model was trained.", few.Groups[1].Value, few.Groups[2].Value);
        // The training process's failures: what happened in the page's language, then its exit code and last output as recorded.
        foreach (var lead in ProcessFailures)
        {
            if (error.StartsWith(lead, StringComparison.Ordinal)) return Text.Get(lead) + error[lead.Length..];
        }
        // Anything else (the disk, the database, a permission) is the platform's own English: said to be an error in
        // the page's language, the detail as recorded.
        return Text.Format("The training stopped with an error: {0}", error);
    }

    /// <summary>How the training process's failures begin (ChildProcessTrainer), each translated as a phrase.</summary>
    public static IReadOnlyList<string> ProcessFailures { get; } =
    [
        "The training process ran out of memory", "The training process was killed", "The training process was stopped by signal",
        "The training process failed",
    ];

    // Anchored sentences over a stored reason, linear: no wall-clock time-out, which a garbage collection's pause trips
    // as well as backtracking (the models page would answer 500).
    [System.Text.RegularExpressions.GeneratedRegex(@"^Only (\d+) confirmed frauds in the training window \(at least (\d+) are needed\); no model was trained\.$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex TooFewFrauds();

    [System.Text.RegularExpressions.GeneratedRegex(@"^Not promoted: version (\S+) was put in service while this one trained, and was not compared with it\. Promote this version by hand if it is better\. \((.*)\)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex NotComparedReason();

    [System.Text.RegularExpressions.GeneratedRegex(@"^Not promoted: an administrator rolled back to version (\S+), which serves until a version is promoted by hand\. \((.*)\)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex PinnedReason();

    // The model file's own message after the colon is shown as recorded (English), as Unusable does.
    [System.Text.RegularExpressions.GeneratedRegex(@"^Promoted in place of version (\S+), which cannot serve on this instance: (.*)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex InPlaceOfReason();

    [System.Text.RegularExpressions.GeneratedRegex(@"^Not promoted: version (\S+), written by a newer release, serves and cannot be loaded by this one: (.*)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex NewerNotReplacedReason();

    /// <summary>
    /// A run's result cell: its error, or the version it trained and the decision on it; with the attempt when it is
    /// a retry or a failure the policy may retry ("attempt 1 of 3"), and when a waiting retry runs.
    /// </summary>
    public static string RunResult(RetrainingRunRow run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var result = run.Error is not null ? RunError(run.Error)
            : run.ModelVersion is null ? "" : run.ModelVersion + ": " + Reason(run.Outcome);
        // A first attempt that did not fail is the usual case: no word on attempts.
        if (run.Attempt <= 1 && (run.Status != RetrainingRunStatus.Failed || run.MaxAttempts <= 1)) return result;
        // Retraining:MaxAttempts may have been lowered since the run was queued.
        var of = Math.Max(run.MaxAttempts, run.Attempt);
        if (run.WaitsUntil is { } until) return Text.Format("Attempt {0} of {1}, runs after {2}", run.Attempt, of, until);
        return result.Length == 0
            ? Text.Format("Attempt {0} of {1}", run.Attempt, of)
            : Text.Format("{0} (attempt {1} of {2})", result, run.Attempt, of);
    }

    // Untranslated (English), the stored words stay as they were recorded.
    private static string Translated(string translation, string key, string stored) => translation == key ? stored : translation;
}
