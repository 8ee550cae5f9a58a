using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Staff;

/// <summary>
/// Staff tables at phone width stack each row's cells (site.css), each cell shown after its column's heading. Without
/// JavaScript only the server's data-label can give that heading, so every stacked table's cells must carry it.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class StackedTableTests(FraudWebFactory factory)
{
    [Fact]
    public async Task StaffPages_WithoutJavaScript_EveryStackedCellCarriesItsColumnsHeading()
    {
        // Arrange (exploratory testing: about 70 cells in the staff views showed values with no headings at phone
        // width with JavaScript off, as only table-stack.js labelled them): a reported payment, a rule, a holder
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        await holder.PayAndGetIdAsync(card, merchant, 20m); // the queue item lists the holder's other payments
        var payment = await holder.PayAndGetIdAsync(card, merchant, 21m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(payment, ReportKind.NotMe, "I never shopped there.")).StatusCode);
        var last4 = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.Last4).SingleAsync());
        var holderId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var created = await Html.SubmitAsync(analyst.Client, "/Rules/Create", new Dictionary<string, string>
        {
            ["Name"] = "stacked_" + Guid.NewGuid().ToString("N")[..6],
            ["Action"] = "Review",
            ["Expression"] = "amount = 19.71",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var pages = new (CardHolderSession Session, string Url)[]
        {
            (analyst, "/Review?Search=" + last4),
            (analyst, "/Rules"),
            (analyst, Html.Location(created)),
            (analyst, "/Models"),
            (admin, "/AdminUsers"),
            (admin, "/AdminUsers/Details/" + holderId),
            (admin, "/AdminAudit"),
        };

        foreach (var (session, url) in pages)
        {
            // Act
            var page = await Html.GetPageAsync(session.Client, url);

            // Assert: each page has stacked rows, and each of their cells names its column
            Assert.True(CheckedCells(page, url) > 0, $"{url} showed no stacked table row to check");
        }
    }

    /// <summary>Checks each cell of each stacked table's rows against its column's heading; returns how many it checked.</summary>
    private static int CheckedCells(IHtmlDocument page, string url)
    {
        var checkedCells = 0;
        foreach (var table in page.QuerySelectorAll("main table.table-stack"))
        {
            var headings = table.QuerySelectorAll("thead th").Select(th => th.TextContent.Trim()).ToList();
            if (headings.Count == 0) continue; // a table of row headings labels its own rows
            foreach (var row in table.QuerySelectorAll("tbody tr"))
            {
                var cells = row.Children.ToList();
                if (cells.Any(cell => cell.HasAttribute("colspan"))) continue; // one cell saying the table is empty
                for (var i = 0; i < cells.Count; i++)
                {
                    Assert.True(cells[i].GetAttribute("data-label") == headings[i],
                        string.Create(CultureInfo.InvariantCulture, $"{url}: cell {i} of a row under \"{headings[i]}\" is labelled \"{cells[i].GetAttribute("data-label")}\""));
                    checkedCells++;
                }
            }
        }
        return checkedCells;
    }
}
