using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>Deleting a staff account erases its address from the records it acted on (docs/decisions/0004), on the seeded app.</summary>
[Collection(WebTestGroup.Name)]
public sealed class StaffErasureTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Delete_AnalystWhoDecidedAndRetrained_AddressLeftInNoColumnOfAnyTable()
    {
        // Arrange: the analyst decides a holder's report (label and report name the decider) and, as records made
        // before would, a retraining run and a model version name them too.
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20_000m);
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 42m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(payment, ReportKind.NotMe, "Not me: my card never left home.")).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.DecideAsync(payment, confirm: true)).StatusCode);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == analyst.Email).Select(u => u.Id).FirstAsync());
        await factory.QueryAsync(async db =>
        {
            var run = RetrainingRun.Queue(RetrainingTrigger.Manual, analyst.Email, DateTime.UtcNow, 0);
            run.Start(DateTime.UtcNow);
            run.Succeed("test-version", "kept the serving model", DateTime.UtcNow);
            db.RetrainingRuns.Add(run);
            await db.SaveChangesAsync();
            var version = await db.ModelVersions.OrderBy(m => m.Id).FirstAsync();
            return await db.ModelVersions.Where(m => m.Id == version.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Trigger, "manual: " + analyst.Email));
        });
        Assert.True(await CountColumnsHoldingAsync(analyst.Email) >= 4);

        // Act
        var response = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Delete/{id}", [], $"/AdminUsers/Delete/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await CountColumnsHoldingAsync(analyst.Email));
        Assert.Equal(AdminUserService.DeletedAccount(id), await factory.QueryAsync(db => db.Transactions.Where(t => t.Id == payment).Select(t => t.LabelledBy).FirstAsync()));
    }

    /// <summary>Rows, over every text column of every table the model maps, whose value contains the text.</summary>
    private Task<int> CountColumnsHoldingAsync(string text) => factory.QueryAsync(async db =>
    {
        var total = 0;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is not { } table) continue;
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(string)))
            {
                if (property.GetColumnName(store) is not { } column) continue;
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" LIKE @text";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@text";
                parameter.Value = "%" + text + "%";
                command.Parameters.Add(parameter);
                total += Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return total;
    });
}
