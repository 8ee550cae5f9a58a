using System.Text;
using System.Text.Json;

namespace FraudWeb.ViewModels.Common;

/// <summary>
/// One recorded value in words ("Roles: Analyst, Admin"), read from JSON kept for people to read later: an audit
/// entry's before and after (ids, role and permission names, yes/no facts; never personal data, services record
/// nothing else) or a model version's label counts. Read in English, as recorded; pages translate the names and the
/// words <see cref="Yes"/>, <see cref="No"/> and <see cref="None"/> as they show them.
/// </summary>
public sealed record RecordedField(string Name, string Value)
{
    /// <summary>A time recorded in UTC (a property named "...Utc"): pages show it in the visitor's zone, so its name drops the "Utc".</summary>
    public bool IsUtcTime { get; init; }

    public const string Yes = "yes";
    public const string No = "no";
    public const string None = "none";

    /// <summary>
    /// The names recorded values carry (audit entries' fields and a model version's label counts, in words): pages
    /// translate them, so each is listed here with its translation in the shared resources (a test checks both).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "Action", "Action filter", "Actor filter", "Added", "Already there", "Assignee", "Block entry", "Block reason", "Blocked since", "Card holder id", "Card id", "Cards found", "Changed", "Confirm", "Confirmed fraud", "Confirmed legitimate", "Days back",
        "Deleted", "Email", "Entry", "Evaluated", "Excluded unlabelled", "Expires", "Expression", "Failed attempts", "Finished registration", "Format", "From", "Had note", "Had profile",
        "Has password", "Has profile", "Invitation sent", "Invited", "Key", "Key created by", "Key id", "Keys revoked", "Kind", "Label", "List reasons erased", "Locked", "Looked up by", "Matched",
        "Matched fraud", "Matched legitimate", "Matured legitimate", "Method", "Minutes", "Name", "Notice", "Other sessions ended", "Owner", "Page", "Password generated", "Payment id", "Pending", "Permissions",
        "Purpose", "Recorded", "Refunded", "Report id", "Report kind", "Report texts erased", "Reset link sent", "Retraining run", "Revoked", "Roles", "Rule id", "Scopes", "Serving", "Settlement",
        "Status", "Stopped as", "Target filter", "To", "Trigger", "Two step", "Unusable", "Value", "Version", "Via", "Waiting for approval",
    ];

    /// <summary>
    /// Values whose words depend on the field they are in: a rule's action and status are recorded as code names that
    /// other things share ("Block" is also a list's purpose, shown "Block list"). Words of a context are "context|word"
    /// (<c>Text.InContext</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> FieldValues { get; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["Action"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["Allow"] = "rule|allow", ["Review"] = "rule|review", ["Block"] = "rule|block" },
            // A rule's status, or a retraining run's (model.retrain records the run as queued).
            ["Status"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Draft"] = "draft", ["Enabled"] = "enabled", ["Disabled"] = "disabled",
                ["Queued"] = "Queued", ["Running"] = "Running", ["Succeeded"] = "Succeeded", ["Failed"] = "Failed",
            },
            // A card's stop (card.remove, card.lost-or-stolen, card.block, card.unblock) and why staff blocked it.
            ["Stopped as"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Removed"] = "Removed", ["LostOrStolen"] = "Lost or stolen", ["Blocked"] = "Blocked by the bank",
            },
            ["Block reason"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SuspectedFraud"] = "Suspected fraud", ["HolderRequest"] = "Holder's request by phone", ["Other"] = "Other (see the note)",
            },
            // How staff looked a card up (card.lookup): the lookup page's number or email, a card list's search's last four or name.
            ["Looked up by"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["CardNumber"] = "Card number", ["Email"] = "Email", ["Last4"] = "Last four digits", ["Name"] = "Name on card",
            },
            // Which page showed a holder's details (user.details-view), and how a password was chosen (user.password-set).
            ["Page"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["details"] = "Details page", ["edit"] = "Edit page", ["delete"] = "Delete page" },
            ["Via"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["reset-link"] = "Reset link", ["invitation"] = "Invitation" },
            ["Trigger"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Manual"] = "Manual", ["LabelThreshold"] = "Label threshold", ["Schedule"] = "Schedule", ["Recovery"] = "Recovery",
                // A training's promotion (model.promote by the system): the first start's model, or the starter model.
                ["FirstStart"] = "first start", ["Starter"] = "starter: learnt from simulated payments", ["Other"] = "Other",
            },
        };

    /// <summary>A recorded value as a page shows it in its field (<see cref="FieldValues"/>), otherwise as <see cref="Shown(string, Func{string, string})"/>.</summary>
    public static string Shown(string name, string value, Func<string, string> translate)
    {
        ArgumentNullException.ThrowIfNull(translate);
        return name is not null && value is not null && FieldValues.TryGetValue(name, out var words) && words.TryGetValue(value, out var word)
            ? translate(word)
            : Shown(value!, translate);
    }

    /// <summary>
    /// Values services record as code names (role names, labels, settlement states, report kinds, list kinds and
    /// purposes) and the English words pages show for them, translated like any phrase (a test checks each has Chinese).
    /// </summary>
    public static IReadOnlyDictionary<string, string> KnownValues { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Customer"] = "Customer", ["Analyst"] = "Analyst", ["Admin"] = "Admin",
        ["Unknown"] = "Not labelled", ["Fraud"] = "Fraud", ["Legitimate"] = "Legitimate",
        ["Charged"] = "Charged", ["Declined"] = "Declined",
        ["NotMe"] = "Not me", ["ThisWasMe"] = "This was me",
        ["Card"] = "Card", ["Merchant"] = "Merchant", ["MerchantCategory"] = "Merchant category",
        ["Reference"] = "Only for rules", ["Allow"] = "Allow list", ["Block"] = "Block list",
        // The personal details an administrator's edit changed (user.edit records their names, never their values).
        ["FullName"] = "Full name", ["PhoneNumber"] = "Phone number", ["DateOfBirth"] = "Date of birth", ["Address"] = "Address",
        // An audit log filter that held an email no account has (audit.read keeps ids, never addresses: AccessAuditService).
        ["EmailAddress"] = "an email address",
    };

    /// <summary>
    /// A recorded value as a page shows it: yes/no/none and each known code name of a list ("Analyst, Admin") in the
    /// page's language through <paramref name="translate"/>; anything else (ids, names, numbers) as recorded.
    /// </summary>
    public static string Shown(string value, Func<string, string> translate)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(translate);
        if (value is Yes or No or None) return translate(value);
        var parts = value.Split(", ");
        return parts.All(KnownValues.ContainsKey) ? string.Join(", ", parts.Select(p => translate(KnownValues[p]))) : value;
    }

    public static IReadOnlyList<RecordedField> Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            using var document = JsonDocument.Parse(json);
            var fields = new List<RecordedField>();
            Flatten("", document.RootElement, fields);
            return fields;
        }
        catch (JsonException)
        {
            // Written by older versions in another shape: shown as it is rather than lost.
            return [new RecordedField("Recorded", json)];
        }
    }

    private static void Flatten(string prefix, JsonElement element, List<RecordedField> fields, bool utcTime = false)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
                Flatten(prefix.Length == 0 ? Words(property.Name) : prefix + ", " + Words(property.Name).ToLowerInvariant(), property.Value, fields,
                    property.Name.EndsWith("Utc", StringComparison.Ordinal));
            return;
        }
        var name = prefix.Length == 0 ? "Value" : prefix;
        var time = utcTime && element.ValueKind == JsonValueKind.String;
        // Counts with the page's thousands separators, as everywhere else ("Confirmed fraud 6,497"); ids stay as recorded.
        fields.Add(new RecordedField(name, element.ValueKind == JsonValueKind.Number && Counts.Contains(name) && element.TryGetInt64(out var count)
            ? count.ToString("N0", System.Globalization.CultureInfo.CurrentCulture)
            : Text(element)) { IsUtcTime = time });
    }

    /// <summary>Recorded fields that are counts (a model's labels, a backtest's figures, keys revoked), not ids or versions.</summary>
    private static readonly HashSet<string> Counts = new(StringComparer.Ordinal)
    {
        "Confirmed fraud", "Confirmed legitimate", "Matured legitimate", "Excluded unlabelled", "Evaluated", "Matched", "Matched fraud",
        "Matched legitimate", "Keys revoked", "Report texts erased", "List reasons erased", "Cards found",
    };

    private static string Text(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => Yes,
        JsonValueKind.False => No,
        JsonValueKind.Null or JsonValueKind.Undefined => None,
        JsonValueKind.Array => element.GetArrayLength() == 0 ? None : string.Join(", ", element.EnumerateArray().Select(Text)),
        JsonValueKind.String => element.GetString() ?? "",
        JsonValueKind.Object => string.Join("; ", element.EnumerateObject().Select(p => Words(p.Name) + " " + Text(p.Value))),
        _ => element.GetRawText(),
    };

    /// <summary>"HadProfile" -> "Had profile", "ReportId" -> "Report id", "ExpiresUtc" -> "Expires" (<see cref="IsUtcTime"/>).</summary>
    public static string Words(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1])) builder.Append(' ').Append(char.ToLowerInvariant(c));
            else builder.Append(c);
        }
        const string Utc = " utc";
        if (builder.Length > Utc.Length && builder.ToString(builder.Length - Utc.Length, Utc.Length) == Utc) builder.Length -= Utc.Length;
        return builder.ToString();
    }
}
