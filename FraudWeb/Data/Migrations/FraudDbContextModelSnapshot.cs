using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace FraudWeb.Data.Migrations;

/// <summary>
/// The model as of the latest migration, written without the EF design-time package (see
/// docs/decisions/0002-hand-written-migrations.md), so that HasPendingModelChanges() can tell when the model has moved
/// on without a migration. Update it together with each new migration.
/// </summary>
[DbContext(typeof(FraudDbContext))]
public partial class FraudDbContextModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.HasAnnotation("ProductVersion", "10.0.14");

        modelBuilder.Entity("FraudWeb.Data.ApplicationUser", b =>
            {
                b.Property<string>("Id")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<int>("AccessFailedCount")
                    .HasColumnType("INTEGER");

                b.Property<string>("ConcurrencyStamp")
                    .IsConcurrencyToken()
                    .HasColumnType("TEXT");

                b.Property<DateTime>("CreatedUtc")
                    .HasColumnType("TEXT");

                b.Property<string>("Email")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<bool>("EmailConfirmed")
                    .HasColumnType("INTEGER");

                b.Property<bool>("LockoutEnabled")
                    .HasColumnType("INTEGER");

                b.Property<DateTimeOffset?>("LockoutEnd")
                    .HasColumnType("TEXT");

                b.Property<string>("NormalizedEmail")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<string>("NormalizedUserName")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<string>("PasswordHash")
                    .HasColumnType("TEXT");

                b.Property<string>("PhoneNumber")
                    .HasColumnType("TEXT");

                b.Property<bool>("PhoneNumberConfirmed")
                    .HasColumnType("INTEGER");

                b.Property<string>("SecurityStamp")
                    .HasColumnType("TEXT");

                b.Property<bool>("TwoFactorEnabled")
                    .HasColumnType("INTEGER");

                b.Property<string>("UserName")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("NormalizedEmail").HasDatabaseName("EmailIndex");

                b.HasIndex("NormalizedUserName").IsUnique().HasDatabaseName("UserNameIndex");

                b.ToTable("AspNetUsers");
            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.Card", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<DateTime>("AddedUtc")
                    .HasColumnType("TEXT");

                b.Property<long>("Balance")
                    .IsConcurrencyToken()
                    .HasColumnType("INTEGER");

                b.Property<string>("Brand")
                    .IsRequired()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                b.Property<long>("CardHolderId")
                    .HasColumnType("INTEGER");

                b.Property<string>("CardholderName")
                    .IsRequired()
                    .HasMaxLength(100)
                    .HasColumnType("TEXT");

                b.Property<long>("CreditLimit")
                    .HasColumnType("INTEGER");

                b.Property<int>("ExpiryMonth")
                    .HasColumnType("INTEGER");

                b.Property<int>("ExpiryYear")
                    .HasColumnType("INTEGER");

                b.Property<string>("Fingerprint")
                    .IsRequired()
                    .HasMaxLength(64)
                    .IsFixedLength()
                    .HasColumnType("TEXT");

                b.Property<string>("Last4")
                    .IsRequired()
                    .HasMaxLength(4)
                    .IsFixedLength()
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("CardHolderId").HasDatabaseName("IX_Cards_CardHolderId");

                b.HasIndex("Fingerprint").IsUnique().HasDatabaseName("IX_Cards_Fingerprint");

                b.ToTable("Cards");
            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.CardHolder", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<DateTime>("CreatedUtc")
                    .HasColumnType("TEXT");

                b.Property<DateOnly?>("DateOfBirth")
                    .HasColumnType("TEXT");

                b.Property<string>("FullName")
                    .IsRequired()
                    .HasMaxLength(100)
                    .HasColumnType("TEXT");

                b.Property<bool>("IsSimulated")
                    .HasColumnType("INTEGER");

                b.Property<string>("PhoneNumber")
                    .HasMaxLength(30)
                    .HasColumnType("TEXT");

                b.Property<string>("UserId")
                    .HasMaxLength(450)
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("UserId").IsUnique().HasDatabaseName("IX_CardHolders_UserId");

                b.ToTable("CardHolders");

                b.OwnsOne("FraudWeb.Domain.Entities.Address", "Address", b1 =>
                    {
                        b1.Property<long>("CardHolderId")
                            .HasColumnType("INTEGER")
                            .HasColumnName("Id");

                        b1.Property<string>("City")
                            .IsRequired()
                            .HasMaxLength(60)
                            .HasColumnType("TEXT")
                            .HasColumnName("City");

                        b1.Property<string>("Country")
                            .IsRequired()
                            .HasMaxLength(60)
                            .HasColumnType("TEXT")
                            .HasColumnName("Country");

                        b1.Property<string>("Line1")
                            .IsRequired()
                            .HasMaxLength(100)
                            .HasColumnType("TEXT")
                            .HasColumnName("AddressLine1");

                        b1.Property<string>("Line2")
                            .HasMaxLength(100)
                            .HasColumnType("TEXT")
                            .HasColumnName("AddressLine2");

                        b1.Property<string>("Postcode")
                            .IsRequired()
                            .HasMaxLength(12)
                            .HasColumnType("TEXT")
                            .HasColumnName("Postcode");

                        b1.HasKey("CardHolderId");

                        b1.ToTable("CardHolders");

                        b1.WithOwner().HasForeignKey("CardHolderId");
                    });
            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.CardTransaction", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<long>("Amount")
                    .HasColumnType("INTEGER");

                b.Property<long>("CardId")
                    .HasColumnType("INTEGER");

                b.Property<string>("Label")
                    .IsRequired()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                b.Property<string>("LabelledBy")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("LabelledUtc")
                    .HasColumnType("TEXT");

                b.Property<string>("Source")
                    .IsRequired()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                // 20261122040000_FraudRefunds: a charged payment confirmed as fraud, credited back to the card.
                b.Property<string>("RefundReason")
                    .HasMaxLength(200)
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("RefundedUtc")
                    .HasColumnType("TEXT");

                // 20261122030000_HeldPaymentSettlement: the outcome of a payment held for review, and a concurrency token.
                b.Property<Guid?>("RowVersion")
                    .IsConcurrencyToken()
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("SettledUtc")
                    .HasColumnType("TEXT");

                b.Property<string>("Settlement")
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                b.Property<string>("SettlementReason")
                    .HasMaxLength(200)
                    .HasColumnType("TEXT");

                b.Property<long>("TerminalId")
                    .HasColumnType("INTEGER");

                b.Property<DateTime>("TimestampUtc")
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("Label").HasDatabaseName("IX_Transactions_Label");

                b.HasIndex("CardId", "TimestampUtc").HasDatabaseName("IX_Transactions_CardId_TimestampUtc");

                b.HasIndex("TerminalId", "TimestampUtc").HasDatabaseName("IX_Transactions_TerminalId_TimestampUtc");

                b.ToTable("Transactions");

                b.OwnsOne("FraudWeb.Domain.Entities.Verdict", "Verdict", b1 =>
                    {
                        b1.Property<long>("CardTransactionId")
                            .HasColumnType("INTEGER")
                            .HasColumnName("Id");

                        b1.Property<string>("Decision")
                            .IsRequired()
                            .HasMaxLength(20)
                            .HasColumnType("TEXT")
                            .HasColumnName("Decision");

                        b1.Property<string>("DeclineReason")
                            .HasMaxLength(200)
                            .HasColumnType("TEXT")
                            .HasColumnName("DeclineReason");

                        b1.Property<string>("ModelVersion")
                            .IsRequired()
                            .HasMaxLength(64)
                            .HasColumnType("TEXT")
                            .HasColumnName("ModelVersion");

                        b1.Property<string>("ReasonsJson")
                            .IsRequired()
                            .HasMaxLength(4000)
                            .HasColumnType("TEXT")
                            .HasColumnName("Reasons");

                        b1.Property<int>("RiskScore")
                            .HasColumnType("INTEGER")
                            .HasColumnName("RiskScore");

                        b1.Property<double>("ScoringMilliseconds")
                            .HasColumnType("REAL")
                            .HasColumnName("ScoringMilliseconds");

                        b1.HasKey("CardTransactionId");

                        b1.HasIndex("Decision").HasDatabaseName("IX_Transactions_Decision");

                        b1.ToTable("Transactions");

                        b1.WithOwner().HasForeignKey("CardTransactionId");
                    });
            });

        // 20261122020000_AdminAudit
        modelBuilder.Entity("FraudWeb.Domain.Entities.AuditEntry", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<string>("Action")
                    .IsRequired()
                    .HasMaxLength(64)
                    .HasColumnType("TEXT");

                b.Property<string>("ActorEmail")
                    .IsRequired()
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<string>("ActorId")
                    .IsRequired()
                    .HasMaxLength(450)
                    .HasColumnType("TEXT");

                b.Property<string>("After")
                    .HasMaxLength(8000)
                    .HasColumnType("TEXT");

                b.Property<string>("Before")
                    .HasMaxLength(8000)
                    .HasColumnType("TEXT");

                b.Property<string>("TargetId")
                    .IsRequired()
                    .HasMaxLength(450)
                    .HasColumnType("TEXT");

                b.Property<string>("TargetType")
                    .IsRequired()
                    .HasMaxLength(32)
                    .HasColumnType("TEXT");

                b.Property<DateTime>("TimestampUtc")
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("TimestampUtc").HasDatabaseName("IX_AuditEntries_TimestampUtc");

                b.HasIndex("TargetType", "TargetId").HasDatabaseName("IX_AuditEntries_TargetType_TargetId");

                b.ToTable("AuditEntries");
            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.ModelVersion", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<DateTime?>("ActivatedUtc")
                    .HasColumnType("TEXT");

                b.Property<DateTime>("CreatedUtc")
                    .HasColumnType("TEXT");

                b.Property<string>("FileName")
                    .IsRequired()
                    .HasMaxLength(260)
                    .HasColumnType("TEXT");

                b.Property<bool>("IsActive")
                    .HasColumnType("INTEGER");

                b.Property<string>("MetricsJson")
                    .IsRequired()
                    .HasMaxLength(4000)
                    .HasColumnType("TEXT");

                b.Property<int>("TrainingFrauds")
                    .HasColumnType("INTEGER");

                b.Property<int>("TrainingRows")
                    .HasColumnType("INTEGER");

                b.Property<string>("Version")
                    .IsRequired()
                    .HasMaxLength(64)
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                // Issue 4 (20261122010000_FraudReports): registry status, trigger, data window, label counts.
                b.Property<string>("Status")
                    .IsRequired()
                    .ValueGeneratedOnAdd()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT")
                    .HasDefaultValueSql("'Candidate'");

                b.Property<string>("Trigger")
                    .HasMaxLength(300)
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("TrainingWindowStart")
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("TrainingWindowEnd")
                    .HasColumnType("TEXT");

                b.Property<string>("LabelsJson")
                    .HasMaxLength(1000)
                    .HasColumnType("TEXT");

                b.Property<string>("DecisionReason")
                    .HasMaxLength(1000)
                    .HasColumnType("TEXT");

                b.HasIndex("Version").IsUnique().HasDatabaseName("IX_ModelVersions_Version");

                b.ToTable("ModelVersions");
            });

        // Issue 4 (20261122010000_FraudReports).
        modelBuilder.Entity("FraudWeb.Domain.Entities.FraudReport", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<DateTime>("CreatedUtc")
                    .HasColumnType("TEXT");

                b.Property<string>("DecidedBy")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("DecidedUtc")
                    .HasColumnType("TEXT");

                b.Property<string>("Kind")
                    .IsRequired()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                b.Property<string>("Reason")
                    .IsRequired()
                    .HasMaxLength(500)
                    .HasColumnType("TEXT");

                b.Property<Guid>("RowVersion")
                    .IsConcurrencyToken()
                    .HasColumnType("TEXT");

                b.Property<string>("Status")
                    .IsRequired()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                b.Property<long>("TransactionId")
                    .HasColumnType("INTEGER");

                b.HasKey("Id");

                b.HasIndex("TransactionId", "Status").HasDatabaseName("IX_FraudReports_TransactionId_Status");

                b.ToTable("FraudReports");
            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.RetrainingRun", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<string>("Error")
                    .HasMaxLength(2000)
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("FinishedUtc")
                    .HasColumnType("TEXT");

                b.Property<int>("LabelCountAtRequest")
                    .HasColumnType("INTEGER");

                b.Property<string>("ModelVersion")
                    .HasMaxLength(64)
                    .HasColumnType("TEXT");

                b.Property<string>("Outcome")
                    .HasMaxLength(1000)
                    .HasColumnType("TEXT");

                b.Property<string>("RequestedBy")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<DateTime>("RequestedUtc")
                    .HasColumnType("TEXT");

                b.Property<DateTime?>("StartedUtc")
                    .HasColumnType("TEXT");

                b.Property<string>("Status")
                    .IsRequired()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                b.Property<string>("Trigger")
                    .IsRequired()
                    .HasMaxLength(20)
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("Status").HasDatabaseName("IX_RetrainingRuns_Status");

                b.ToTable("RetrainingRuns");
            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.Terminal", b =>
            {
                b.Property<long>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<string>("Category")
                    .IsRequired()
                    .HasMaxLength(40)
                    .HasColumnType("TEXT");

                b.Property<string>("Name")
                    .IsRequired()
                    .HasMaxLength(100)
                    .HasColumnType("TEXT");

                b.Property<double>("X")
                    .HasColumnType("REAL");

                b.Property<double>("Y")
                    .HasColumnType("REAL");

                b.HasKey("Id");

                b.HasIndex("Name").HasDatabaseName("IX_Terminals_Name");

                b.ToTable("Terminals");
            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityRole", b =>
            {
                b.Property<string>("Id")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<string>("ConcurrencyStamp")
                    .IsConcurrencyToken()
                    .HasColumnType("TEXT");

                b.Property<string>("Name")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.Property<string>("NormalizedName")
                    .HasMaxLength(256)
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("NormalizedName").IsUnique().HasDatabaseName("RoleNameIndex");

                b.ToTable("AspNetRoles");
            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityRoleClaim<string>", b =>
            {
                b.Property<int>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<string>("ClaimType")
                    .HasColumnType("TEXT");

                b.Property<string>("ClaimValue")
                    .HasColumnType("TEXT");

                b.Property<string>("RoleId")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("RoleId").HasDatabaseName("IX_AspNetRoleClaims_RoleId");

                b.ToTable("AspNetRoleClaims");
            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserClaim<string>", b =>
            {
                b.Property<int>("Id")
                    .ValueGeneratedOnAdd()
                    .HasColumnType("INTEGER");

                b.Property<string>("ClaimType")
                    .HasColumnType("TEXT");

                b.Property<string>("ClaimValue")
                    .HasColumnType("TEXT");

                b.Property<string>("UserId")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.HasKey("Id");

                b.HasIndex("UserId").HasDatabaseName("IX_AspNetUserClaims_UserId");

                b.ToTable("AspNetUserClaims");
            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserLogin<string>", b =>
            {
                b.Property<string>("LoginProvider")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<string>("ProviderKey")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<string>("ProviderDisplayName")
                    .HasColumnType("TEXT");

                b.Property<string>("UserId")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.HasKey("LoginProvider", "ProviderKey");

                b.HasIndex("UserId").HasDatabaseName("IX_AspNetUserLogins_UserId");

                b.ToTable("AspNetUserLogins");
            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserRole<string>", b =>
            {
                b.Property<string>("UserId")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<string>("RoleId")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.HasKey("UserId", "RoleId");

                b.HasIndex("RoleId").HasDatabaseName("IX_AspNetUserRoles_RoleId");

                b.ToTable("AspNetUserRoles");
            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserToken<string>", b =>
            {
                b.Property<string>("UserId")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<string>("LoginProvider")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<string>("Name")
                    .IsRequired()
                    .HasColumnType("TEXT");

                b.Property<string>("Value")
                    .HasColumnType("TEXT");

                b.HasKey("UserId", "LoginProvider", "Name");

                b.ToTable("AspNetUserTokens");
            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.Card", b =>
            {
                b.HasOne("FraudWeb.Domain.Entities.CardHolder", null)
                    .WithMany()
                    .HasForeignKey("CardHolderId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.CardHolder", b =>
            {
                b.HasOne("FraudWeb.Data.ApplicationUser", null)
                    .WithMany()
                    .HasForeignKey("UserId")
                    .OnDelete(DeleteBehavior.Cascade);

            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.CardTransaction", b =>
            {
                b.HasOne("FraudWeb.Domain.Entities.Card", null)
                    .WithMany()
                    .HasForeignKey("CardId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

                b.HasOne("FraudWeb.Domain.Entities.Terminal", null)
                    .WithMany()
                    .HasForeignKey("TerminalId")
                    .OnDelete(DeleteBehavior.Restrict)
                    .IsRequired();

            });

        modelBuilder.Entity("FraudWeb.Domain.Entities.FraudReport", b =>
            {
                b.HasOne("FraudWeb.Domain.Entities.CardTransaction", null)
                    .WithMany()
                    .HasForeignKey("TransactionId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityRoleClaim<string>", b =>
            {
                b.HasOne("Microsoft.AspNetCore.Identity.IdentityRole", null)
                    .WithMany()
                    .HasForeignKey("RoleId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserClaim<string>", b =>
            {
                b.HasOne("FraudWeb.Data.ApplicationUser", null)
                    .WithMany()
                    .HasForeignKey("UserId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserLogin<string>", b =>
            {
                b.HasOne("FraudWeb.Data.ApplicationUser", null)
                    .WithMany()
                    .HasForeignKey("UserId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserRole<string>", b =>
            {
                b.HasOne("Microsoft.AspNetCore.Identity.IdentityRole", null)
                    .WithMany()
                    .HasForeignKey("RoleId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

                b.HasOne("FraudWeb.Data.ApplicationUser", null)
                    .WithMany()
                    .HasForeignKey("UserId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

            });

        modelBuilder.Entity("Microsoft.AspNetCore.Identity.IdentityUserToken<string>", b =>
            {
                b.HasOne("FraudWeb.Data.ApplicationUser", null)
                    .WithMany()
                    .HasForeignKey("UserId")
                    .OnDelete(DeleteBehavior.Cascade)
                    .IsRequired();

            });
    }
}
