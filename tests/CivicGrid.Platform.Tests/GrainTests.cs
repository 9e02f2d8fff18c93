using CivicGrid.Platform.Runtime;
using CivicGrid.Platform.Runtime.Grains;
using CivicGrid.Platform.Storage;
using CivicGrid.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>Grains on a one-silo test cluster persisting through <see cref="SqliteGrainStorage"/>.</summary>
public sealed class GrainTests : IAsyncLifetime
{
    private readonly TempFolder _folder = RepositoryPaths.CreateTempFolder();
    private TestCluster? _cluster;

    private string GrainDb => Path.Combine(_folder.Path, "grains.db");

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var path = siloBuilder.Configuration["CivicGridTest:GrainDb"]!;
            siloBuilder.Services.AddGrainStorage(GrainStorageNames.CivicGrid, (_, _) => new SqliteGrainStorage(path, "test"));
        }
    }

    private async Task<TestCluster> StartClusterAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["CivicGridTest:GrainDb"] = GrainDb }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public async ValueTask InitializeAsync() => _cluster = await StartClusterAsync();

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Meter_readings_accumulate_energy_and_roll_up_into_the_region()
    {
        var grains = _cluster!.GrainFactory;
        var house = grains.GetGrain<IMeterGrain>("riverside-h001-meter");
        var pv = grains.GetGrain<IMeterGrain>("riverside-h001-pv");
        await house.ConfigureAsync("riverside", AssetKind.ElectricityMeter);
        await pv.ConfigureAsync("riverside", AssetKind.PhotovoltaicSystem);

        await house.RecordReadingAsync(new MeterReading(T0, 2.0, 0.25));
        await house.RecordReadingAsync(new MeterReading(T0.AddMinutes(15), 4.0, 0.25));
        await house.RecordReadingAsync(new MeterReading(T0.AddMinutes(15), 99.0, 0.25)); // duplicate interval, ignored
        await pv.RecordReadingAsync(new MeterReading(T0.AddMinutes(15), -3.0, 0.25));

        var meter = await house.GetSnapshotAsync();
        Assert.Equal(1.5, meter.ImportedKilowattHours, 1e-12);
        Assert.Equal(2, meter.ReadingCount);
        Assert.Equal(0.75, (await pv.GetSnapshotAsync()).ExportedKilowattHours, 1e-12);
        var region = await grains.GetGrain<IRegionGrain>("riverside").GetSnapshotAsync();
        Assert.Equal(1.0, region.NetDemandKilowatts, 1e-12);
        Assert.Equal(2, region.ReportingAssets);
        Assert.Equal(T0.AddMinutes(15), region.LastReportAt);
    }

    [Fact]
    public async Task Grain_state_survives_a_restart_of_the_cluster()
    {
        var grains = _cluster!.GrainFactory;
        await grains.GetGrain<IRegionGrain>("harbour").SetRestrictionAsync("Water: no garden irrigation");
        var sensor = grains.GetGrain<IWaterSensorGrain>("harbour-j00-sensor");
        await sensor.ConfigureAsync("harbour");
        await sensor.RecordReadingAsync(new WaterSensorReading(T0, 31.5, 0.004));
        await sensor.RecordReadingAsync(new WaterSensorReading(T0.AddMinutes(1), 29.0, 0.005));
        var crossing = grains.GetGrain<IIntersectionGrain>("harbour-n11");
        await crossing.ConfigureAsync("harbour");
        await crossing.SetSignalPlanAsync(new SignalPlan(90, new Dictionary<string, double> { ["north-south"] = 40, ["east-west"] = 35 }));
        await crossing.RecordQueueAsync("north-south", 7, T0);

        await _cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
        await _cluster.DisposeAsync();
        _cluster = await StartClusterAsync();
        grains = _cluster.GrainFactory;

        Assert.Equal("Water: no garden irrigation", (await grains.GetGrain<IRegionGrain>("harbour").GetSnapshotAsync()).Restriction);
        var s = await grains.GetGrain<IWaterSensorGrain>("harbour-j00-sensor").GetSnapshotAsync();
        Assert.Equal(2, s.ReadingCount);
        Assert.Equal(29.0, s.MinimumPressureHeadMeters);
        Assert.Equal(0.005, s.Last!.FlowCubicMetersPerSecond);
        var x = await grains.GetGrain<IIntersectionGrain>("harbour-n11").GetSnapshotAsync();
        Assert.Equal(90, x.Plan!.CycleSeconds);
        Assert.Equal(35, x.Plan.GreenSecondsByApproach["east-west"]);
        Assert.Equal(7, x.QueuedVehiclesByApproach["north-south"]);
    }

    [Fact]
    public async Task Invalid_inputs_are_refused_and_leave_state_unchanged()
    {
        var grains = _cluster!.GrainFactory;
        var crossing = grains.GetGrain<IIntersectionGrain>("old-town-n22");
        await Assert.ThrowsAsync<ArgumentException>(() =>
            crossing.SetSignalPlanAsync(new SignalPlan(60, new Dictionary<string, double> { ["a"] = 40, ["b"] = 30 })));
        Assert.Null((await crossing.GetSnapshotAsync()).Plan);
        var meter = grains.GetGrain<IMeterGrain>("old-town-h001-meter");
        await Assert.ThrowsAsync<ArgumentException>(() => meter.RecordReadingAsync(new MeterReading(T0, double.NaN, 0.25)));
        Assert.Equal(0, (await meter.GetSnapshotAsync()).ReadingCount);
    }
}
