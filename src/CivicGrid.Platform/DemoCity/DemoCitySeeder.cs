using System.Globalization;
using System.Text.Json.Nodes;
using CivicGrid.Platform.Storage;

namespace CivicGrid.Platform.DemoCity;

/// <summary>Turns a generated city into platform rows: regions, households and one asset per physical thing.</summary>
public static class DemoCitySeeder
{
    /// <summary>The rows for <paramref name="city"/>, in insertion order.</summary>
    public static (IReadOnlyList<Region> Regions, IReadOnlyList<Household> Households, IReadOnlyList<Asset> Assets) ToEntities(DemoCityModel city)
    {
        ArgumentNullException.ThrowIfNull(city);
        var regions = city.Regions.Select(r => new Region { Id = r.Id, Name = r.Name, AreaSquareKilometers = r.AreaSquareKilometers }).ToList();
        var households = city.Households.Select(h => new Household
        {
            Id = h.Id,
            RegionId = h.RegionId,
            IncomeGroup = h.IncomeGroup,
            Residents = h.Residents,
            AnnualElectricityKilowattHours = h.AnnualElectricityKilowattHours,
            DailyWaterCubicMeters = h.DailyWaterCubicMeters,
        }).ToList();
        var householdRegion = city.Households.ToDictionary(h => h.Id, h => h.RegionId);
        var firstRegion = city.Regions[0].Id;
        var assets = new List<Asset>();

        var e = city.Electricity;
        assets.Add(Make(e.SubstationId, firstRegion, AssetKind.Substation, "Main substation", e.SubstationVoltageKilovolts,
            new JsonObject { ["voltage_kv"] = e.SubstationVoltageKilovolts }));
        foreach (var f in e.Feeders)
        {
            var lines = e.Lines.Where(l => e.Buses.Any(b => b.Id == l.ToBusId && b.FeederId == f.Id))
                .Select(l => (JsonNode?)new JsonObject
                {
                    ["id"] = l.Id, ["from"] = l.FromBusId, ["to"] = l.ToBusId, ["length_m"] = l.LengthMeters,
                    ["r_ohm"] = l.ResistanceOhms, ["x_ohm"] = l.ReactanceOhms, ["rating_a"] = l.RatingAmperes,
                }).ToArray();
            assets.Add(Make(f.Id, f.RegionId, AssetKind.Feeder, $"Feeder {f.RegionId}", f.RatingKilowatts,
                new JsonObject { ["lines"] = new JsonArray(lines) }, parent: e.SubstationId));
        }
        foreach (var h in city.Households)
        {
            assets.Add(Make(h.Id + "-meter", h.RegionId, AssetKind.ElectricityMeter, $"Meter {h.Id}", 0,
                new JsonObject { ["bus"] = h.ElectricityBusId }, household: h.Id, parent: h.RegionId + "-feeder"));
        }
        foreach (var d in e.Resources)
        {
            var region = householdRegion[d.HouseholdId];
            var (kind, label) = d.Kind switch
            {
                DistributedResourceKind.Photovoltaic => (AssetKind.PhotovoltaicSystem, "PV"),
                DistributedResourceKind.Battery => (AssetKind.Battery, "Battery"),
                _ => (AssetKind.ElectricVehicleCharger, "EV charger"),
            };
            assets.Add(Make(d.Id, region, kind, $"{label} {d.HouseholdId}", d.PowerKilowatts,
                new JsonObject { ["power_kw"] = d.PowerKilowatts, ["energy_kwh"] = d.EnergyCapacityKilowattHours },
                household: d.HouseholdId, parent: d.HouseholdId + "-meter"));
        }

        var w = city.Water;
        assets.Add(Make(w.Reservoir.Id, firstRegion, AssetKind.WaterReservoir, "Reservoir", w.Reservoir.HeadMeters,
            new JsonObject { ["head_m"] = w.Reservoir.HeadMeters }));
        var junctionRegion = w.Junctions.ToDictionary(j => j.Id, j => j.RegionId);
        foreach (var j in w.Junctions)
        {
            assets.Add(Make(j.Id, j.RegionId, AssetKind.WaterJunction, $"Junction {j.Id}", j.BaseDemandCubicMetersPerSecond,
                new JsonObject { ["elevation_m"] = j.ElevationMeters, ["base_demand_m3s"] = j.BaseDemandCubicMetersPerSecond, ["x_m"] = j.XMeters, ["y_m"] = j.YMeters }));
        }
        foreach (var p in w.Pipes)
        {
            var region = junctionRegion.GetValueOrDefault(p.ToId) ?? junctionRegion[p.FromId];
            assets.Add(Make(p.Id, region, AssetKind.WaterPipe, $"Pipe {p.Id}", p.DiameterMeters,
                new JsonObject { ["from"] = p.FromId, ["to"] = p.ToId, ["length_m"] = p.LengthMeters, ["diameter_m"] = p.DiameterMeters, ["roughness_hw"] = p.HazenWilliamsRoughness }));
        }
        assets.Add(Make(w.Tank.Id, junctionRegion[w.Tank.JunctionId], AssetKind.WaterTank, "Elevated tank",
            Math.PI * w.Tank.DiameterMeters * w.Tank.DiameterMeters / 4 * w.Tank.MaximumLevelMeters,
            new JsonObject
            {
                ["junction"] = w.Tank.JunctionId, ["elevation_m"] = w.Tank.ElevationMeters, ["diameter_m"] = w.Tank.DiameterMeters,
                ["initial_level_m"] = w.Tank.InitialLevelMeters, ["max_level_m"] = w.Tank.MaximumLevelMeters,
            }));
        foreach (var s in w.SensorJunctionIds)
        {
            assets.Add(Make(s + "-sensor", junctionRegion[s], AssetKind.WaterSensor, $"Pressure sensor {s}", 0, new JsonObject(), parent: s));
        }

        foreach (var n in city.Roads.Nodes)
        {
            assets.Add(Make(n.Id, n.RegionId, n.Signalised ? AssetKind.Intersection : AssetKind.RoadNode, $"{(n.Signalised ? "Intersection" : "Node")} {n.Id}", 0,
                new JsonObject { ["x_m"] = n.XMeters, ["y_m"] = n.YMeters }));
        }
        var nodeRegion = city.Roads.Nodes.ToDictionary(n => n.Id, n => n.RegionId);
        foreach (var l in city.Roads.Links)
        {
            assets.Add(Make(l.Id, nodeRegion[l.FromNodeId], AssetKind.RoadLink, $"Street {l.Id}", l.CapacityVehiclesPerHour,
                new JsonObject
                {
                    ["from"] = l.FromNodeId, ["to"] = l.ToNodeId, ["length_m"] = l.LengthMeters, ["lanes"] = l.Lanes,
                    ["speed_kmh"] = l.SpeedLimitKilometersPerHour, ["capacity_vph"] = l.CapacityVehiclesPerHour,
                }));
        }
        return (regions, households, assets);
    }

    private static Asset Make(string id, string region, AssetKind kind, string name, double rating, JsonObject properties, string? household = null, string? parent = null) =>
        new()
        {
            Id = id,
            RegionId = region,
            Kind = kind,
            Name = name,
            Rating = double.IsFinite(rating) ? Math.Round(rating, 9) : 0,
            PropertiesJson = properties.ToJsonString(),
            HouseholdId = household,
            ParentAssetId = parent,
        };

    internal static string Describe(DemoCityModel city) => string.Create(CultureInfo.InvariantCulture,
        $"{city.Regions.Count} regions, {city.Households.Count} households, {city.Residents.Count} residents");
}
