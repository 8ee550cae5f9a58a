using FraudWeb.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Data.Migrations.Sqlite;

/// <summary>
/// The initial schema, written without the EF design-time package (see docs/decisions/0002-hand-written-migrations.md).
/// Column types are left to the provider's type mapping so the migration stays provider-neutral; money columns are
/// 64-bit cents. FraudWeb.Tests/Web/Data/MigrationSchemaTests proves it builds exactly the model's schema.
/// </summary>
[DbContext(typeof(SqliteFraudDbContext))]
[Migration("20261121000000_Initial")]
public partial class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.CreateTable(
            name: "AspNetRoles",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                Name = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedName = table.Column<string>(maxLength: 256, nullable: true),
                ConcurrencyStamp = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetRoles", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUsers",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                CreatedUtc = table.Column<DateTime>(nullable: false),
                UserName = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedUserName = table.Column<string>(maxLength: 256, nullable: true),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedEmail = table.Column<string>(maxLength: 256, nullable: true),
                EmailConfirmed = table.Column<bool>(nullable: false),
                PasswordHash = table.Column<string>(nullable: true),
                SecurityStamp = table.Column<string>(nullable: true),
                ConcurrencyStamp = table.Column<string>(nullable: true),
                PhoneNumber = table.Column<string>(nullable: true),
                PhoneNumberConfirmed = table.Column<bool>(nullable: false),
                TwoFactorEnabled = table.Column<bool>(nullable: false),
                LockoutEnd = table.Column<DateTimeOffset>(nullable: true),
                LockoutEnabled = table.Column<bool>(nullable: false),
                AccessFailedCount = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUsers", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "ModelVersions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                Version = table.Column<string>(maxLength: 64, nullable: false),
                FileName = table.Column<string>(maxLength: 260, nullable: false),
                CreatedUtc = table.Column<DateTime>(nullable: false),
                TrainingRows = table.Column<int>(nullable: false),
                TrainingFrauds = table.Column<int>(nullable: false),
                MetricsJson = table.Column<string>(maxLength: 4000, nullable: false),
                IsActive = table.Column<bool>(nullable: false),
                ActivatedUtc = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ModelVersions", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "Terminals",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Category = table.Column<string>(maxLength: 40, nullable: false),
                X = table.Column<double>(nullable: false),
                Y = table.Column<double>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Terminals", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AspNetRoleClaims",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                RoleId = table.Column<string>(nullable: false),
                ClaimType = table.Column<string>(nullable: true),
                ClaimValue = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                    column: x => x.RoleId,
                    principalTable: "AspNetRoles",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserClaims",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                UserId = table.Column<string>(nullable: false),
                ClaimType = table.Column<string>(nullable: true),
                ClaimValue = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserLogins",
            columns: table => new
            {
                LoginProvider = table.Column<string>(nullable: false),
                ProviderKey = table.Column<string>(nullable: false),
                ProviderDisplayName = table.Column<string>(nullable: true),
                UserId = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                table.ForeignKey(
                    name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserRoles",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false),
                RoleId = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                table.ForeignKey(
                    name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                    column: x => x.RoleId,
                    principalTable: "AspNetRoles",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserTokens",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false),
                LoginProvider = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: false),
                Value = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                table.ForeignKey(
                    name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "CardHolders",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                UserId = table.Column<string>(maxLength: 450, nullable: true),
                IsSimulated = table.Column<bool>(nullable: false),
                FullName = table.Column<string>(maxLength: 100, nullable: false),
                PhoneNumber = table.Column<string>(maxLength: 30, nullable: true),
                DateOfBirth = table.Column<DateOnly>(nullable: true),
                AddressLine1 = table.Column<string>(maxLength: 100, nullable: true),
                AddressLine2 = table.Column<string>(maxLength: 100, nullable: true),
                City = table.Column<string>(maxLength: 60, nullable: true),
                Postcode = table.Column<string>(maxLength: 12, nullable: true),
                Country = table.Column<string>(maxLength: 60, nullable: true),
                CreatedUtc = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_CardHolders", x => x.Id);
                table.ForeignKey(
                    name: "FK_CardHolders_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Cards",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                CardHolderId = table.Column<long>(nullable: false),
                Fingerprint = table.Column<string>(maxLength: 64, fixedLength: true, nullable: false),
                Last4 = table.Column<string>(maxLength: 4, fixedLength: true, nullable: false),
                Brand = table.Column<string>(maxLength: 20, nullable: false),
                ExpiryMonth = table.Column<int>(nullable: false),
                ExpiryYear = table.Column<int>(nullable: false),
                CardholderName = table.Column<string>(maxLength: 100, nullable: false),
                CreditLimit = table.Column<long>(nullable: false),
                Balance = table.Column<long>(nullable: false),
                AddedUtc = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Cards", x => x.Id);
                table.ForeignKey(
                    name: "FK_Cards_CardHolders_CardHolderId",
                    column: x => x.CardHolderId,
                    principalTable: "CardHolders",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Transactions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                CardId = table.Column<long>(nullable: false),
                TerminalId = table.Column<long>(nullable: false),
                Amount = table.Column<long>(nullable: false),
                TimestampUtc = table.Column<DateTime>(nullable: false),
                Source = table.Column<string>(maxLength: 20, nullable: false),
                Decision = table.Column<string>(maxLength: 20, nullable: true),
                ModelVersion = table.Column<string>(maxLength: 64, nullable: true),
                Reasons = table.Column<string>(maxLength: 4000, nullable: true),
                ScoringMilliseconds = table.Column<double>(nullable: true),
                DeclineReason = table.Column<string>(maxLength: 200, nullable: true),
                RiskScore = table.Column<int>(nullable: true),
                Label = table.Column<string>(maxLength: 20, nullable: false),
                LabelledUtc = table.Column<DateTime>(nullable: true),
                LabelledBy = table.Column<string>(maxLength: 256, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Transactions", x => x.Id);
                table.ForeignKey(
                    name: "FK_Transactions_Cards_CardId",
                    column: x => x.CardId,
                    principalTable: "Cards",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "FK_Transactions_Terminals_TerminalId",
                    column: x => x.TerminalId,
                    principalTable: "Terminals",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex(
            name: "IX_AspNetRoleClaims_RoleId",
            table: "AspNetRoleClaims",
            column: "RoleId");

        migrationBuilder.CreateIndex(
            name: "RoleNameIndex",
            table: "AspNetRoles",
            column: "NormalizedName",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserClaims_UserId",
            table: "AspNetUserClaims",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserLogins_UserId",
            table: "AspNetUserLogins",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserRoles_RoleId",
            table: "AspNetUserRoles",
            column: "RoleId");

        migrationBuilder.CreateIndex(
            name: "EmailIndex",
            table: "AspNetUsers",
            column: "NormalizedEmail");

        migrationBuilder.CreateIndex(
            name: "UserNameIndex",
            table: "AspNetUsers",
            column: "NormalizedUserName",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_CardHolders_UserId",
            table: "CardHolders",
            column: "UserId",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Cards_CardHolderId",
            table: "Cards",
            column: "CardHolderId");

        migrationBuilder.CreateIndex(
            name: "IX_Cards_Fingerprint",
            table: "Cards",
            column: "Fingerprint",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_ModelVersions_Version",
            table: "ModelVersions",
            column: "Version",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Terminals_Name",
            table: "Terminals",
            column: "Name");

        migrationBuilder.CreateIndex(
            name: "IX_Transactions_CardId_TimestampUtc",
            table: "Transactions",
            columns: new[] { "CardId", "TimestampUtc" });

        migrationBuilder.CreateIndex(
            name: "IX_Transactions_Decision",
            table: "Transactions",
            column: "Decision");

        migrationBuilder.CreateIndex(
            name: "IX_Transactions_Label",
            table: "Transactions",
            column: "Label");

        migrationBuilder.CreateIndex(
            name: "IX_Transactions_TerminalId_TimestampUtc",
            table: "Transactions",
            columns: new[] { "TerminalId", "TimestampUtc" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "Transactions");

        migrationBuilder.DropTable(name: "Cards");

        migrationBuilder.DropTable(name: "CardHolders");

        migrationBuilder.DropTable(name: "AspNetUserTokens");

        migrationBuilder.DropTable(name: "AspNetUserRoles");

        migrationBuilder.DropTable(name: "AspNetUserLogins");

        migrationBuilder.DropTable(name: "AspNetUserClaims");

        migrationBuilder.DropTable(name: "AspNetRoleClaims");

        migrationBuilder.DropTable(name: "Terminals");

        migrationBuilder.DropTable(name: "ModelVersions");

        migrationBuilder.DropTable(name: "AspNetUsers");

        migrationBuilder.DropTable(name: "AspNetRoles");
    }
}
