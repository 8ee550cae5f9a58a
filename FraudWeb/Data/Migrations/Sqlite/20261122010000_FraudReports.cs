using FraudWeb.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Data.Migrations.Sqlite;

/// <summary>
/// Issue 4: fraud reports, persisted retraining runs and the model registry's status, trigger, data window and label
/// counts (additive: existing model rows become Candidate, the active one Serving).
/// </summary>
[DbContext(typeof(SqliteFraudDbContext))]
[Migration("20261122010000_FraudReports")]
public partial class FraudReports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.AddColumn<string>(name: "Status", table: "ModelVersions", maxLength: 20, nullable: false, defaultValueSql: "'Candidate'");
        migrationBuilder.AddColumn<string>(name: "Trigger", table: "ModelVersions", maxLength: 300, nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "TrainingWindowStart", table: "ModelVersions", nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "TrainingWindowEnd", table: "ModelVersions", nullable: true);
        migrationBuilder.AddColumn<string>(name: "LabelsJson", table: "ModelVersions", maxLength: 1000, nullable: true);
        migrationBuilder.AddColumn<string>(name: "DecisionReason", table: "ModelVersions", maxLength: 1000, nullable: true);
        migrationBuilder.Sql("UPDATE ModelVersions SET Status = 'Serving' WHERE IsActive = 1;");

        migrationBuilder.CreateTable(
            name: "FraudReports",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                TransactionId = table.Column<long>(nullable: false),
                Kind = table.Column<string>(maxLength: 20, nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: false),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                CreatedUtc = table.Column<DateTime>(nullable: false),
                DecidedUtc = table.Column<DateTime>(nullable: true),
                DecidedBy = table.Column<string>(maxLength: 256, nullable: true),
                RowVersion = table.Column<Guid>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_FraudReports", x => x.Id);
                table.ForeignKey(
                    name: "FK_FraudReports_Transactions_TransactionId",
                    column: x => x.TransactionId,
                    principalTable: "Transactions",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "RetrainingRuns",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                Trigger = table.Column<string>(maxLength: 20, nullable: false),
                RequestedBy = table.Column<string>(maxLength: 256, nullable: true),
                RequestedUtc = table.Column<DateTime>(nullable: false),
                StartedUtc = table.Column<DateTime>(nullable: true),
                FinishedUtc = table.Column<DateTime>(nullable: true),
                Error = table.Column<string>(maxLength: 2000, nullable: true),
                Outcome = table.Column<string>(maxLength: 1000, nullable: true),
                ModelVersion = table.Column<string>(maxLength: 64, nullable: true),
                LabelCountAtRequest = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RetrainingRuns", x => x.Id);
            });

        migrationBuilder.CreateIndex(name: "IX_FraudReports_TransactionId_Status", table: "FraudReports", columns: ["TransactionId", "Status"]);
        migrationBuilder.CreateIndex(name: "IX_RetrainingRuns_Status", table: "RetrainingRuns", column: "Status");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "FraudReports");
        migrationBuilder.DropTable(name: "RetrainingRuns");
        migrationBuilder.DropColumn(name: "Status", table: "ModelVersions");
        migrationBuilder.DropColumn(name: "Trigger", table: "ModelVersions");
        migrationBuilder.DropColumn(name: "TrainingWindowStart", table: "ModelVersions");
        migrationBuilder.DropColumn(name: "TrainingWindowEnd", table: "ModelVersions");
        migrationBuilder.DropColumn(name: "LabelsJson", table: "ModelVersions");
        migrationBuilder.DropColumn(name: "DecisionReason", table: "ModelVersions");
    }
}
