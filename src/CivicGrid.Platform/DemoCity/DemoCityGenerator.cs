using System.Globalization;
using CivicGrid.Platform.Storage;

namespace CivicGrid.Platform.DemoCity;

/// <summary>
/// Generates the demo city the platform runs on from its first start: four regions with households
/// (income groups, residents), a radial electricity network with PV, batteries and EVs, a gravity-fed
/// water network and a street grid. Deterministic: the same seed always gives the same city.
/// </summary>
public static class DemoCityGenerator
{
    private static readonly (string Id, string Name)[] RegionNames =
    [
        ("riverside", "Riverside"), ("old-town", "Old Town"), ("hillcrest", "Hillcrest"), ("harbour", "Harbour"),
    ];

    private static readonly string[] GivenNames =
    [
        "Ada", "Amir", "Bea", "Chen", "Dara", "Elif", "Femi", "Greta", "Hana", "Ivo", "Jonas", "Kofi",
        "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tuva", "Uma", "Viktor", "Wen", "Yara", "Zeno",
    ];

    private static readonly string[] FamilyNames =
    [
        "Alvarez", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jansen", "Kowalski",
        "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Rossi", "Silva", "Tanaka", "Umar", "Vogel", "Weber", "Yilmaz",
    ];

    /// <summary>Households per region at the default size.</summary>
    public const int DefaultHouseholdsPerRegion = 48;

    /// <summary>Builds the city for <paramref name="seed"/>.</summary>
    public static DemoCityModel Generate(int seed, int householdsPerRegion = DefaultHouseholdsPerRegion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(householdsPerRegion, 1);
        var random = new DemoCityRandom(seed);
        var regions = new List<DemoRegion>();
        var households = new List<DemoHousehold>();
        var residents = new List<DemoResident>();
        var feeders = new List<DemoFeeder>();
        var buses = new List<DemoBus>();
        var lines = new List<DemoLine>();
        var resources = new List<DemoDistributedResource>();
        var junctions = new List<DemoWaterJunction>();
        var pipes = new List<DemoWaterPipe>();
        var sensors = new List<string>();
        var roadNodes = new List<DemoRoadNode>();
        var roadLinks = new List<DemoRoadLink>();

        const string substationId = "substation-1";
        const string reservoirId = "reservoir-1";
        const double blockMeters = 150;
        const int gridSide = 4; // 4 x 4 junctions / road nodes per region

        for (var r = 0; r < RegionNames.Length; r++)
        {
            var (regionId, regionName) = RegionNames[r];
            var centreX = (r % 2) * 1200.0;
            var centreY = (r / 2) * 1200.0;
            regions.Add(new DemoRegion(regionId, regionName, Math.Round(random.Between(1.5, 4.0), 2), centreX, centreY));

            // Electricity: a feeder from the substation with buses in a chain; ~6 households per bus.
            var feederId = $"{regionId}-feeder";
            var busCount = Math.Max(2, (householdsPerRegion + 5) / 6);
            var regionBuses = new List<string>();
            for (var b = 0; b < busCount; b++)
            {
                var busId = $"{regionId}-bus-{b + 1:00}";
                regionBuses.Add(busId);
                buses.Add(new DemoBus(busId, feederId, 0.4));
                var from = b == 0 ? substationId : regionBuses[b - 1];
                var length = Math.Round(random.Between(60, 220), 1);
                // Typical 95 mm² aluminium LV cable: about 0.32 Ω/km and 0.08 Ω/km.
                lines.Add(new DemoLine($"{regionId}-line-{b + 1:00}", from, busId, length,
                    Math.Round(0.32 * length / 1000, 5), Math.Round(0.08 * length / 1000, 5), 240));
            }

            // Water: a grid of junctions falling away from the reservoir, pipes along rows and columns.
            var baseElevation = random.Between(8, 35);
            var regionJunctions = new string[gridSide, gridSide];
            for (var i = 0; i < gridSide; i++)
            {
                for (var j = 0; j < gridSide; j++)
                {
                    var id = $"{regionId}-j{i}{j}";
                    regionJunctions[i, j] = id;
                    junctions.Add(new DemoWaterJunction(id, regionId, Math.Round(baseElevation + random.Between(-3, 3), 2), 0,
                        centreX + (i * blockMeters), centreY + (j * blockMeters)));
                }
            }
            for (var i = 0; i < gridSide; i++)
            {
                for (var j = 0; j < gridSide; j++)
                {
                    if (i + 1 < gridSide)
                    {
                        pipes.Add(Pipe(random, $"{regionId}-p{i}{j}e", regionJunctions[i, j], regionJunctions[i + 1, j], blockMeters));
                    }
                    if (j + 1 < gridSide)
                    {
                        pipes.Add(Pipe(random, $"{regionId}-p{i}{j}n", regionJunctions[i, j], regionJunctions[i, j + 1], blockMeters));
                    }
                }
            }
            pipes.Add(new DemoWaterPipe($"{regionId}-main", reservoirId, regionJunctions[0, 0], Math.Round(random.Between(800, 1600), 1), 0.3, 120));
            sensors.Add(regionJunctions[0, 0]);
            sensors.Add(regionJunctions[gridSide - 1, gridSide - 1]);

            // Roads: the same grid, two-way links, signals where four streets meet.
            var regionNodes = new string[gridSide, gridSide];
            for (var i = 0; i < gridSide; i++)
            {
                for (var j = 0; j < gridSide; j++)
                {
                    var id = $"{regionId}-n{i}{j}";
                    regionNodes[i, j] = id;
                    var interior = i > 0 && j > 0 && i < gridSide - 1 && j < gridSide - 1;
                    roadNodes.Add(new DemoRoadNode(id, regionId, centreX + (i * blockMeters), centreY + (j * blockMeters), interior));
                }
            }
            for (var i = 0; i < gridSide; i++)
            {
                for (var j = 0; j < gridSide; j++)
                {
                    if (i + 1 < gridSide)
                    {
                        AddStreet(roadLinks, random, regionNodes[i, j], regionNodes[i + 1, j], blockMeters, arterial: j == 0);
                    }
                    if (j + 1 < gridSide)
                    {
                        AddStreet(roadLinks, random, regionNodes[i, j], regionNodes[i, j + 1], blockMeters, arterial: i == 0);
                    }
                }
            }

            // Households.
            var regionPeak = 0.0;
            for (var h = 0; h < householdsPerRegion; h++)
            {
                var householdId = $"{regionId}-h{h + 1:000}";
                var roll = random.NextDouble();
                var income = roll < 0.3 ? IncomeGroup.Low : roll < 0.8 ? IncomeGroup.Middle : IncomeGroup.High;
                var size = random.Next(1, 6);
                var electricity = Math.Round((1400 + (900 * size)) * random.Between(0.8, 1.25) * (income == IncomeGroup.High ? 1.2 : 1.0));
                var water = Math.Round(size * random.Between(0.11, 0.16), 3);
                var bus = regionBuses[h * busCount / householdsPerRegion];
                var junction = regionJunctions[random.Next(0, gridSide), random.Next(0, gridSide)];
                households.Add(new DemoHousehold(householdId, regionId, income, size, electricity, water, bus, junction));
                regionPeak += electricity / 8760 * 2.5;

                var family = random.Pick(FamilyNames);
                for (var p = 0; p < size; p++)
                {
                    var age = p < 2 ? random.Next(19, 86) : random.Next(0, 18);
                    residents.Add(new DemoResident($"{householdId}-r{p + 1}", householdId, random.Pick(GivenNames), family, age));
                }

                // Ownership of DER rises with income.
                var pvChance = income switch { IncomeGroup.Low => 0.12, IncomeGroup.Middle => 0.3, _ => 0.55 };
                if (random.Chance(pvChance))
                {
                    resources.Add(new DemoDistributedResource($"{householdId}-pv", householdId, DistributedResourceKind.Photovoltaic,
                        Math.Round(random.Between(3, 10), 1), 0));
                    if (random.Chance(0.45))
                    {
                        var capacity = random.Pick(new[] { 5.0, 10.0, 13.5 });
                        resources.Add(new DemoDistributedResource($"{householdId}-battery", householdId, DistributedResourceKind.Battery,
                            Math.Round(capacity / 2, 1), capacity));
                    }
                }
                var evChance = income switch { IncomeGroup.Low => 0.08, IncomeGroup.Middle => 0.22, _ => 0.45 };
                if (random.Chance(evChance))
                {
                    resources.Add(new DemoDistributedResource($"{householdId}-ev", householdId, DistributedResourceKind.ElectricVehicle,
                        random.Pick(new[] { 3.7, 7.4, 11.0 }), random.Pick(new[] { 40.0, 58.0, 77.0 })));
                }
            }
            feeders.Add(new DemoFeeder(feederId, regionId, Math.Round(regionPeak * 1.6 / 10) * 10));
        }

        // Junction demands follow the households connected to them (m³/day → m³/s).
        var demandByJunction = households.GroupBy(h => h.WaterJunctionId).ToDictionary(g => g.Key, g => g.Sum(h => h.DailyWaterCubicMeters) / 86400);
        var waterJunctions = junctions
            .Select(j => j with { BaseDemandCubicMetersPerSecond = Math.Round(demandByJunction.GetValueOrDefault(j.Id), 9) })
            .ToList();
        var highest = waterJunctions.Max(j => j.ElevationMeters);
        var tankJunction = waterJunctions.OrderByDescending(j => j.ElevationMeters).ThenBy(j => j.Id, StringComparer.Ordinal).First();

        return new DemoCityModel(
            seed,
            "CivicGrid Demo City " + seed.ToString(CultureInfo.InvariantCulture),
            regions,
            households,
            residents,
            new DemoElectricityNetwork(substationId, 10, feeders, buses, lines, resources),
            new DemoWaterNetwork(
                new DemoWaterSource(reservoirId, Math.Round(highest + 45, 1)),
                new DemoWaterTank("tank-1", tankJunction.Id, tankJunction.ElevationMeters + 20, 12, 3, 6),
                waterJunctions,
                pipes,
                sensors),
            new DemoRoadNetwork(roadNodes, roadLinks));
    }

    private static DemoWaterPipe Pipe(DemoCityRandom random, string id, string from, string to, double length) =>
        new(id, from, to, length, random.Pick(new[] { 0.1, 0.15, 0.2 }), Math.Round(random.Between(100, 140)));

    private static void AddStreet(List<DemoRoadLink> links, DemoCityRandom random, string a, string b, double length, bool arterial)
    {
        var lanes = arterial ? 2 : 1;
        var speed = arterial ? 50.0 : 30.0;
        // Roughly 900 vehicles/h per urban lane, less on local streets.
        var capacity = lanes * (arterial ? 900.0 : 600.0) * random.Between(0.9, 1.1);
        capacity = Math.Round(capacity);
        links.Add(new DemoRoadLink($"{a}>{b}", a, b, length, lanes, speed, capacity));
        links.Add(new DemoRoadLink($"{b}>{a}", b, a, length, lanes, speed, capacity));
    }
}
