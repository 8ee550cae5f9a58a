using AngleSharp.Html.Dom;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Models;

/// <summary>An administrator's steps on the models page, through the forms a browser submits.</summary>
public static class ModelSteps
{
    /// <summary>The Roll back form's fields as the models page shows them now (the version it shows serving).</summary>
    public static async Task<Dictionary<string, string>> RollbackFormAsync(HttpClient admin)
    {
        var page = await Html.GetPageAsync(admin, "/Models");
        var from = (IHtmlInputElement)page.QuerySelector("form[action='/Models/Rollback'] input[name=from]")!;
        return new() { ["from"] = from.Value };
    }

    /// <summary>Presses Roll back on the models page as it shows now.</summary>
    public static async Task<HttpResponseMessage> RollbackAsync(HttpClient admin) =>
        await Html.SubmitAsync(admin, "/Models/Rollback", await RollbackFormAsync(admin), "/Models");
}
