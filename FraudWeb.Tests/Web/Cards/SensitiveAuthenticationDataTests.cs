using System.Text.RegularExpressions;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Data.Sqlite;

namespace FraudWeb.Tests.Web.Cards;

/// <summary>PCI DSS 3.3.1: the card verification code and track data are never asked for, so never kept.</summary>
[Collection(WebTestGroup.Name)]
public sealed partial class SensitiveAuthenticationDataTests(FraudWebFactory factory)
{
    [Fact]
    public async Task AddCardForm_Shown_AsksForNoVerificationCodeOrTrackData()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var page = await Html.GetPageAsync(holder.Client, "/Cards/Add");

        // Assert
        var fields = page.QuerySelectorAll("form input, form select, form textarea")
            .Select(e => $"{e.GetAttribute("name")} {e.Id} {e.GetAttribute("autocomplete")} {e.GetAttribute("aria-label")}").ToList();
        Assert.Contains(fields, f => f.Contains("Number", StringComparison.Ordinal));
        Assert.DoesNotContain(fields, f => SensitiveName().IsMatch(f));
        Assert.DoesNotMatch(SensitiveLabel(), string.Join('\n', page.QuerySelectorAll("form label").Select(l => l.TextContent)));
    }

    [Fact]
    public async Task Schema_EveryTable_HasNoVerificationCodeOrTrackDataColumn()
    {
        // Arrange
        using var _ = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var columns = await StoredData.ColumnsAsync(factory);

        // Assert
        Assert.Contains("Cards.Last4", columns);
        Assert.DoesNotContain(columns, c => SensitiveName().IsMatch(c));
    }

    [GeneratedRegex("cvv|cvc|cv2|csc|securitycode|security_code|pin\\b|track", RegexOptions.IgnoreCase)]
    private static partial Regex SensitiveName();

    [GeneratedRegex("security code|verification|CVV|CVC|magnetic", RegexOptions.IgnoreCase)]
    private static partial Regex SensitiveLabel();
}
