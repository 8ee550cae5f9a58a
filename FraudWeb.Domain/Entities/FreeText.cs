namespace FraudWeb.Domain.Entities;

/// <summary>
/// Free text that someone else reads (staff lists, the review queue, mails, exports): no control character (a bell, an
/// escape, a NUL; a line break in a one-line field, which no browser sends from one) and no direction control.
/// Scripts sent them, and the queue showed a reason of four bells as nothing (exploratory testing).
/// </summary>
public static class FreeText
{
    public const string ControlMessage = "Remove the invisible control characters.";

    /// <summary>A C0 or C1 control character; in text of several lines, line breaks and tabs are not counted.</summary>
    public static bool IsControl(char c, bool lines = false) => char.IsControl(c) && !(lines && c is '\n' or '\r' or '\t');

    /// <summary>
    /// The text as kept, or a <see cref="DomainException"/> when it holds a control or direction character. In one line a
    /// tab (pasted from a spreadsheet: text inputs keep it) becomes a space.
    /// </summary>
    public static string Checked(string text, bool lines = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!lines && text.Contains('\t', StringComparison.Ordinal)) text = text.Replace('\t', ' ');
        foreach (var c in text)
        {
            if (IsControl(c, lines)) throw new DomainException(ControlMessage);
        }
        return TextDirection.RefusedIn(text);
    }
}
