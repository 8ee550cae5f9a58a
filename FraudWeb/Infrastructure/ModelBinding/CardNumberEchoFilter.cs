using FraudWeb.Domain.Cards;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// PCI DSS 3.4.1: a form shown again (an error, a confirmation step) writes back what was typed, so a card number typed
/// into another field (a name, the sign-in's address, a merchant's number) came back whole, in the field and in
/// binding's message ("4000… is not a valid value"). Before the page renders, such values and messages are masked as
/// free text is (brand and last four). The add-card form clears its number field itself. Account ids and row versions
/// (GUIDs, in hidden fields) are not numbers: about one in 800 holds a Luhn-valid run, and masked it would make the
/// form unsaveable (flaky-test review: a profile whose version held one could not be saved after an error).
/// </summary>
public sealed class CardNumberEchoFilter : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Result is not ViewResult view) return;
        var typedNumber = false;
        foreach (var entry in context.ModelState.Values)
        {
            if (entry.AttemptedValue is { } typed && MayHoldNumber(typed) && SearchTerm.HoldsCardNumber(typed))
            {
                var masked = CardNumber.Redact(typed);
                entry.AttemptedValue = masked;
                entry.RawValue = masked;
                typedNumber = true;
            }
            if (!entry.Errors.Any(e => MayHoldNumber(e.ErrorMessage) && CardNumber.IsIn(e.ErrorMessage))) continue;
            var errors = entry.Errors.ToList();
            entry.Errors.Clear();
            foreach (var error in errors) entry.Errors.Add(error.Exception is null ? new ModelError(CardNumber.Redact(error.ErrorMessage)) : error);
        }
        // A field whose form state is kept under another name than the field's (asp-for="Form.Name" posted as "Name")
        // is written from the model, as is a summary of what was typed: the posted values in the page's model too
        // (privacy test: the rule editor and the administrators' key form wrote the number back whole).
        if (typedNumber && view.ViewData.Model is { } model) MaskModel(model, 0);
    }

    private static void MaskModel(object model, int depth)
    {
        foreach (var property in model.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0) continue;
            if (property.PropertyType == typeof(string))
            {
                if (property.CanWrite && property.GetValue(model) is string text && MayHoldNumber(text) && SearchTerm.HoldsCardNumber(text))
                    property.SetValue(model, CardNumber.Redact(text));
            }
            else if (depth < 3 && property.PropertyType is { IsClass: true, Namespace: { } space } && space.StartsWith(ViewModelsNamespace, StringComparison.Ordinal)
                     && property.GetValue(model) is { } inner)
            {
                MaskModel(inner, depth + 1);
            }
        }
    }

    private static readonly string ViewModelsNamespace = typeof(SearchTerm).Namespace![..typeof(SearchTerm).Namespace!.LastIndexOf('.')];

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }

    /// <summary>Fewer than 12 digits hold no card number: most values are passed over without a search (every page runs this).</summary>
    private static bool MayHoldNumber(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsDigit(c) && ++digits >= 12) return true;
        }
        return false;
    }
}
