using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CivicGrid.Platform.Governance.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "governance_ballots",
                columns: table => new
                {
                    ContestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    BallotJson = table.Column<string>(type: "TEXT", nullable: false),
                    Commitment = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CastAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_ballots", x => new { x.ContestId, x.ResidentId });
                });

            migrationBuilder.CreateTable(
                name: "governance_budgets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RegionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MinProjects = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxProjects = table.Column<int>(type: "INTEGER", nullable: true),
                    ThresholdPercent = table.Column<decimal>(type: "TEXT", precision: 9, scale: 4, nullable: false),
                    Phase = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResultJson = table.Column<string>(type: "TEXT", nullable: true),
                    BallotsFile = table.Column<string>(type: "TEXT", nullable: true),
                    DecisionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_budgets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "governance_issues",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RegionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    LatitudeDegrees = table.Column<double>(type: "REAL", nullable: false),
                    LongitudeDegrees = table.Column<double>(type: "REAL", nullable: false),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IsHidden = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_issues", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "governance_participants",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    RegionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    JoinedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_participants", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "governance_statements",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RegionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IsHidden = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_statements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "governance_votes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RegionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OptionsJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreditBudget = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResultJson = table.Column<string>(type: "TEXT", nullable: true),
                    DecisionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_votes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "governance_proposals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    BudgetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Cost = table.Column<long>(type: "INTEGER", nullable: false),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_proposals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_governance_proposals_governance_budgets_BudgetId",
                        column: x => x.BudgetId,
                        principalTable: "governance_budgets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "governance_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_audit", x => x.Id);
                    table.ForeignKey(
                        name: "FK_governance_audit_governance_issues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "governance_issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "governance_comments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_comments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_governance_comments_governance_issues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "governance_issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "governance_issue_scenarios",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Technologies = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Preset = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    GrossSavedMinutesPerDay = table.Column<double>(type: "REAL", nullable: false),
                    FreeGainedMinutesPerDay = table.Column<double>(type: "REAL", nullable: false),
                    DisposableBeforeMinutes = table.Column<double>(type: "REAL", nullable: false),
                    DisposableAfterMinutes = table.Column<double>(type: "REAL", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_issue_scenarios", x => x.Id);
                    table.ForeignKey(
                        name: "FK_governance_issue_scenarios_governance_issues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "governance_issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "governance_reports",
                columns: table => new
                {
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_reports", x => new { x.IssueId, x.ResidentId });
                    table.ForeignKey(
                        name: "FK_governance_reports_governance_issues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "governance_issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "governance_supports",
                columns: table => new
                {
                    IssueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_supports", x => new { x.IssueId, x.ResidentId });
                    table.ForeignKey(
                        name: "FK_governance_supports_governance_issues_IssueId",
                        column: x => x.IssueId,
                        principalTable: "governance_issues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "governance_opinions",
                columns: table => new
                {
                    StatementId = table.Column<int>(type: "INTEGER", nullable: false),
                    ResidentId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Value = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_governance_opinions", x => new { x.StatementId, x.ResidentId });
                    table.ForeignKey(
                        name: "FK_governance_opinions_governance_statements_StatementId",
                        column: x => x.StatementId,
                        principalTable: "governance_statements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_governance_audit_IssueId",
                table: "governance_audit",
                column: "IssueId");

            migrationBuilder.CreateIndex(
                name: "IX_governance_budgets_RegionId",
                table: "governance_budgets",
                column: "RegionId");

            migrationBuilder.CreateIndex(
                name: "IX_governance_comments_IssueId_At",
                table: "governance_comments",
                columns: new[] { "IssueId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_governance_issue_scenarios_IssueId",
                table: "governance_issue_scenarios",
                column: "IssueId");

            migrationBuilder.CreateIndex(
                name: "IX_governance_issues_CreatedAt",
                table: "governance_issues",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_governance_issues_RegionId_Category",
                table: "governance_issues",
                columns: new[] { "RegionId", "Category" });

            migrationBuilder.CreateIndex(
                name: "IX_governance_proposals_BudgetId_Number",
                table: "governance_proposals",
                columns: new[] { "BudgetId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_governance_statements_RegionId",
                table: "governance_statements",
                column: "RegionId");

            migrationBuilder.CreateIndex(
                name: "IX_governance_votes_RegionId",
                table: "governance_votes",
                column: "RegionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "governance_audit");

            migrationBuilder.DropTable(
                name: "governance_ballots");

            migrationBuilder.DropTable(
                name: "governance_comments");

            migrationBuilder.DropTable(
                name: "governance_issue_scenarios");

            migrationBuilder.DropTable(
                name: "governance_opinions");

            migrationBuilder.DropTable(
                name: "governance_participants");

            migrationBuilder.DropTable(
                name: "governance_proposals");

            migrationBuilder.DropTable(
                name: "governance_reports");

            migrationBuilder.DropTable(
                name: "governance_supports");

            migrationBuilder.DropTable(
                name: "governance_votes");

            migrationBuilder.DropTable(
                name: "governance_statements");

            migrationBuilder.DropTable(
                name: "governance_budgets");

            migrationBuilder.DropTable(
                name: "governance_issues");
        }
    }
}
