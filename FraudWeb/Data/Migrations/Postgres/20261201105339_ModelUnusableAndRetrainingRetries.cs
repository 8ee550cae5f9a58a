using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ModelUnusableAndRetrainingRetries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempt",
                table: "RetrainingRuns",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTime>(
                name: "NotBeforeUtc",
                table: "RetrainingRuns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RetryOfRunId",
                table: "RetrainingRuns",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UnusableReason",
                table: "ModelVersions",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UnusableSinceUtc",
                table: "ModelVersions",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Attempt",
                table: "RetrainingRuns");

            migrationBuilder.DropColumn(
                name: "NotBeforeUtc",
                table: "RetrainingRuns");

            migrationBuilder.DropColumn(
                name: "RetryOfRunId",
                table: "RetrainingRuns");

            migrationBuilder.DropColumn(
                name: "UnusableReason",
                table: "ModelVersions");

            migrationBuilder.DropColumn(
                name: "UnusableSinceUtc",
                table: "ModelVersions");
        }
    }
}
