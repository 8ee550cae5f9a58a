using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <summary>
    /// Status alone says which version serves: IsActive goes, and a unique index on the Serving status lets only one row
    /// serve. IsActive was what served, so Status is first made to agree with it; were two rows ever active, the newest
    /// (the one start-up loaded) keeps serving and the others are retired, so the index can be built.
    /// </summary>
    public partial class SingleServingVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE ModelVersions SET Status = 'Retired' WHERE Status = 'Serving' AND IsActive = 0;");
            migrationBuilder.Sql("UPDATE ModelVersions SET Status = 'Serving' WHERE IsActive = 1;");
            migrationBuilder.Sql(
                "UPDATE ModelVersions SET Status = 'Retired' WHERE Status = 'Serving' AND Id <> " +
                "(SELECT Id FROM ModelVersions WHERE Status = 'Serving' ORDER BY CreatedUtc DESC, Id DESC LIMIT 1);");

            migrationBuilder.DropColumn(
                name: "IsActive",
                table: "ModelVersions");

            migrationBuilder.CreateIndex(
                name: "IX_ModelVersions_Serving",
                table: "ModelVersions",
                column: "Status",
                unique: true,
                filter: "\"Status\" = 'Serving'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ModelVersions_Serving",
                table: "ModelVersions");

            migrationBuilder.AddColumn<bool>(
                name: "IsActive",
                table: "ModelVersions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.Sql("UPDATE ModelVersions SET IsActive = 1 WHERE Status = 'Serving';");
        }
    }
}
