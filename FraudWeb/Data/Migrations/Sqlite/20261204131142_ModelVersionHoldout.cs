using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ModelVersionHoldout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "HoldoutEndUtc",
                table: "ModelVersions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "HoldoutStartUtc",
                table: "ModelVersions",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HoldoutEndUtc",
                table: "ModelVersions");

            migrationBuilder.DropColumn(
                name: "HoldoutStartUtc",
                table: "ModelVersions");
        }
    }
}
