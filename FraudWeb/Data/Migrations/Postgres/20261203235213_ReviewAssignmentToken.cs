using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReviewAssignmentToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // No schema change: ReviewAssignments.AssigneeId became a concurrency token, which only adds it to the
            // WHERE clause of EF Core's UPDATE and DELETE (a give-back no longer deletes another analyst's assignment).
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
