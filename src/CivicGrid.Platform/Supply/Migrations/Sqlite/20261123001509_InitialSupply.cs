using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CivicGrid.Platform.Supply.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialSupply : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "supply_events",
                columns: table => new
                {
                    Position = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Time = table.Column<long>(type: "INTEGER", nullable: false),
                    SignedJson = table.Column<string>(type: "TEXT", nullable: false),
                    Digest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DecisionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RegionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LogIndex = table.Column<long>(type: "INTEGER", nullable: true),
                    Receipt = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supply_events", x => x.Position);
                });

            migrationBuilder.CreateTable(
                name: "supply_footprints",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    LotId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    OrganisationId = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    Created = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supply_footprints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "supply_lots",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Material = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Grade = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    MassKilograms = table.Column<double>(type: "REAL", nullable: false),
                    SiteId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    HolderId = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    RecycledShare = table.Column<double>(type: "REAL", nullable: false),
                    Consumed = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedByPosition = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supply_lots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "supply_organisations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 96, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CountryCode = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Region = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PublicKey = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supply_organisations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "supply_pact_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_supply_pact_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_supply_events_Digest",
                table: "supply_events",
                column: "Digest",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_supply_events_OrganisationId_Sequence",
                table: "supply_events",
                columns: new[] { "OrganisationId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_supply_footprints_Created",
                table: "supply_footprints",
                column: "Created");

            migrationBuilder.CreateIndex(
                name: "IX_supply_footprints_LotId",
                table: "supply_footprints",
                column: "LotId");

            migrationBuilder.CreateIndex(
                name: "IX_supply_lots_HolderId_Consumed",
                table: "supply_lots",
                columns: new[] { "HolderId", "Consumed" });

            migrationBuilder.CreateIndex(
                name: "IX_supply_pact_events_Source_EventId",
                table: "supply_pact_events",
                columns: new[] { "Source", "EventId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "supply_events");

            migrationBuilder.DropTable(
                name: "supply_footprints");

            migrationBuilder.DropTable(
                name: "supply_lots");

            migrationBuilder.DropTable(
                name: "supply_organisations");

            migrationBuilder.DropTable(
                name: "supply_pact_events");
        }
    }
}
