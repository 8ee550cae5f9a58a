using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FraudWeb.Data.Migrations.Postgres
{
    /// <summary>
    /// Administrators review by default since 2026-12-01 (Permissions.DefaultGrants), but defaults are given only to a
    /// role created new: an installation from before kept an Admin role that could not open the review queue the README
    /// sends administrators to. Granted once here, as the system, with an audit entry; not where an administrator has
    /// ever set the role's permissions by hand (their choice stands).
    /// </summary>
    public partial class AdministratorsReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            System.ArgumentNullException.ThrowIfNull(migrationBuilder);
            // The entry first (its condition reads the role as it is), then the grant it records.
            migrationBuilder.Sql("""
                INSERT INTO "AuditEntries" ("TimestampUtc", "ActorId", "Action", "TargetType", "TargetId", "Before", "After")
                SELECT now(), 'system', 'role.permissions', 'role', r."Name",
                       json_build_object('Permissions', (SELECT coalesce(json_agg(v ORDER BY v), '[]'::json) FROM (SELECT "ClaimValue" AS v FROM "AspNetRoleClaims" WHERE "RoleId" = r."Id" AND "ClaimType" = 'permission') p))::text,
                       json_build_object('Permissions', (SELECT json_agg(v ORDER BY v) FROM (SELECT "ClaimValue" AS v FROM "AspNetRoleClaims" WHERE "RoleId" = r."Id" AND "ClaimType" = 'permission' UNION SELECT 'reports.review') p))::text
                FROM "AspNetRoles" r
                WHERE r."Name" = 'Admin'
                  AND NOT EXISTS (SELECT 1 FROM "AspNetRoleClaims" c WHERE c."RoleId" = r."Id" AND c."ClaimType" = 'permission' AND c."ClaimValue" = 'reports.review')
                  AND NOT EXISTS (SELECT 1 FROM "AuditEntries" a WHERE a."Action" = 'role.permissions' AND a."TargetType" = 'role' AND a."TargetId" = r."Name");
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AspNetRoleClaims" ("RoleId", "ClaimType", "ClaimValue")
                SELECT r."Id", 'permission', 'reports.review' FROM "AspNetRoles" r
                WHERE r."Name" = 'Admin'
                  AND NOT EXISTS (SELECT 1 FROM "AspNetRoleClaims" c WHERE c."RoleId" = r."Id" AND c."ClaimType" = 'permission' AND c."ClaimValue" = 'reports.review')
                  AND EXISTS (SELECT 1 FROM "AuditEntries" a WHERE a."Action" = 'role.permissions' AND a."TargetType" = 'role' AND a."TargetId" = r."Name" AND a."ActorId" = 'system');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing: a grant administrators may since have relied on is theirs to take back (the Roles page).
        }
    }
}
