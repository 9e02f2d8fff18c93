using CivicGrid.Platform.Storage;

namespace CivicGrid.Platform.DemoCity;

/// <summary>A generated city: plain data, identical for identical seeds.</summary>
public sealed record DemoCityModel(
    int Seed,
    string Name,
    IReadOnlyList<DemoRegion> Regions,
    IReadOnlyList<DemoHousehold> Households,
    IReadOnlyList<DemoResident> Residents,
    DemoElectricityNetwork Electricity,
    DemoWaterNetwork Water,
    DemoRoadNetwork Roads);

public sealed record DemoRegion(string Id, string Name, double AreaSquareKilometers, double CentreXMeters, double CentreYMeters);

public sealed record DemoHousehold(
    string Id,
    string RegionId,
    IncomeGroup IncomeGroup,
    int Residents,
    double AnnualElectricityKilowattHours,
    double DailyWaterCubicMeters,
    string ElectricityBusId,
    string WaterJunctionId);

public sealed record DemoResident(string Id, string HouseholdId, string GivenName, string FamilyName, int AgeYears);

/// <summary>A radial distribution network: one substation, one feeder per region, buses along each feeder.</summary>
public sealed record DemoElectricityNetwork(
    string SubstationId,
    double SubstationVoltageKilovolts,
    IReadOnlyList<DemoFeeder> Feeders,
    IReadOnlyList<DemoBus> Buses,
    IReadOnlyList<DemoLine> Lines,
    IReadOnlyList<DemoDistributedResource> Resources);

public sealed record DemoFeeder(string Id, string RegionId, double RatingKilowatts);

public sealed record DemoBus(string Id, string FeederId, double NominalVoltageKilovolts);

public sealed record DemoLine(string Id, string FromBusId, string ToBusId, double LengthMeters, double ResistanceOhms, double ReactanceOhms, double RatingAmperes);

/// <summary>Kind of a distributed energy resource behind a household meter.</summary>
public enum DistributedResourceKind
{
    Photovoltaic,
    Battery,
    ElectricVehicle,
}

/// <summary>A PV system (kW peak), battery (kW, kWh) or EV (charger kW, battery kWh) at a household.</summary>
public sealed record DemoDistributedResource(
    string Id,
    string HouseholdId,
    DistributedResourceKind Kind,
    double PowerKilowatts,
    double EnergyCapacityKilowattHours);

/// <summary>A gravity-fed water network: a reservoir, a tank, junctions on a grid and the pipes between them.</summary>
public sealed record DemoWaterNetwork(
    DemoWaterSource Reservoir,
    DemoWaterTank Tank,
    IReadOnlyList<DemoWaterJunction> Junctions,
    IReadOnlyList<DemoWaterPipe> Pipes,
    IReadOnlyList<string> SensorJunctionIds);

public sealed record DemoWaterSource(string Id, double HeadMeters);

public sealed record DemoWaterTank(string Id, string JunctionId, double ElevationMeters, double DiameterMeters, double InitialLevelMeters, double MaximumLevelMeters);

public sealed record DemoWaterJunction(string Id, string RegionId, double ElevationMeters, double BaseDemandCubicMetersPerSecond, double XMeters, double YMeters);

public sealed record DemoWaterPipe(string Id, string FromId, string ToId, double LengthMeters, double DiameterMeters, double HazenWilliamsRoughness);

/// <summary>A street grid per region, joined by arterials.</summary>
public sealed record DemoRoadNetwork(IReadOnlyList<DemoRoadNode> Nodes, IReadOnlyList<DemoRoadLink> Links);

public sealed record DemoRoadNode(string Id, string RegionId, double XMeters, double YMeters, bool Signalised);

public sealed record DemoRoadLink(string Id, string FromNodeId, string ToNodeId, double LengthMeters, int Lanes, double SpeedLimitKilometersPerHour, double CapacityVehiclesPerHour);
