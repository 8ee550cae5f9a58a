namespace FraudWeb.ViewModels.Common;

/// <summary>
/// Marks a form staff fill in about someone else: its validation messages come from StaffForms.resx ("Enter the full
/// name.") instead of the card holder's wording ("Enter your full name."), so the fields are declared once.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1040:Avoid empty interfaces", Justification = "A marker the localizer provider checks.")]
public interface IStaffForm;

/// <summary>The resource set of staff wording (StaffForms.resx, StaffForms.zh-CN.resx); keys are the card holder's messages.</summary>
public sealed class StaffForms
{
    private StaffForms() { }
}
