using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListEntryApproval : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ApprovedBy",
                table: "RuleListEntries",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ApprovedUtc",
                table: "RuleListEntries",
                type: "timestamp with time zone",
                nullable: true);

            // Entries made before four eyes on lists were in force at once: their author approved them.
            migrationBuilder.Sql("""UPDATE "RuleListEntries" SET "ApprovedBy" = "AddedBy", "ApprovedUtc" = "AddedUtc";""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ApprovedBy",
                table: "RuleListEntries");

            migrationBuilder.DropColumn(
                name: "ApprovedUtc",
                table: "RuleListEntries");
        }
    }
}
