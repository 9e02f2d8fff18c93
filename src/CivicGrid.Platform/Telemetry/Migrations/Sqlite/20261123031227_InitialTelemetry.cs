using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CivicGrid.Platform.Telemetry.Migrations.Sqlite;

/// <inheritdoc />
public partial class InitialTelemetry : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "telemetry_readings",
            columns: table => new
            {
                device_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                time = table.Column<long>(type: "INTEGER", nullable: false),
                sequence = table.Column<long>(type: "INTEGER", nullable: false),
                kind = table.Column<short>(type: "INTEGER", nullable: false),
                power_kw = table.Column<double>(type: "REAL", nullable: true),
                energy_kwh = table.Column<double>(type: "REAL", nullable: true),
                interval_s = table.Column<double>(type: "REAL", nullable: true),
                pressure_head_m = table.Column<double>(type: "REAL", nullable: true),
                flow_m3_per_s = table.Column<double>(type: "REAL", nullable: true),
                state = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                received_at = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_telemetry_readings", x => new { x.device_id, x.time, x.sequence });
            });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "telemetry_readings");
    }
}
