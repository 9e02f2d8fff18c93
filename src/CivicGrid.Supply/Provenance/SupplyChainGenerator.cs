using NSec.Cryptography;

namespace CivicGrid.Supply.Provenance;

/// <summary>What to generate, and what to inject into a generated chain.</summary>
/// <param name="Seed">Random seed: the same seed gives the same chain (but fresh keys).</param>
/// <param name="Months">Length of the generated history, in 30-day months.</param>
/// <param name="WithholdingSupplierId">A refiner that cuts one customer off in the last months while its output holds.</param>
/// <param name="WithholdingCustomerId">The customer it cuts off.</param>
/// <param name="WithholdingFromMonth">First month (0-based) of the cut.</param>
/// <param name="WithholdingFraction">Fraction of its usual deliveries that the customer still receives.</param>
/// <param name="Mines">How many of the four mines (Chile, Peru, DR Congo, Australia) supply the refiners, 1–4.</param>
/// <param name="IntervalDays">Days between two production rounds (deliveries of concentrate, scrap and cathode).</param>
public sealed record GeneratedChainOptions(
    int Seed = 2026,
    int Months = 12,
    string? WithholdingSupplierId = null,
    string? WithholdingCustomerId = null,
    int WithholdingFromMonth = 9,
    double WithholdingFraction = 0.1,
    int Mines = 4,
    int IntervalDays = 7);

/// <summary>
/// Generates a signed, valid copper supply chain: mines in several countries and an e-waste recycler feed
/// refiners, which deliver cathode to manufacturers in several regions every week, and a municipal reserve.
/// Deterministic for a seed. Used by tests, benchmarks and <c>civicgrid supply demo</c>.
/// </summary>
public static class SupplyChainGenerator
{
    public static ProvenanceRegistry Generate(GeneratedChainOptions options, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rng = new Random(options.Seed);
        var registry = new ProvenanceRegistry();
        var keys = new Dictionary<string, Key>(StringComparer.Ordinal);
        var sequence = new Dictionary<string, long>(StringComparer.Ordinal);
        void Org(string id, string name, OrganisationKind kind, string country, string region)
        {
            var key = EventSigning.CreateKey();
            keys[id] = key;
            registry.AddOrganisation(new Organisation(id, name, kind, country, region, EventSigning.PublicKeyBytes(key)));
        }
        void Apply(SupplyEvent e) => registry.Apply(EventSigning.Sign(e, keys[e.OrganisationId]));
        long Next(string org) => sequence[org] = sequence.GetValueOrDefault(org) + 1;

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Mines, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Mines, 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntervalDays, 1);
        var mines = new[] { ("mine-cl", "CL"), ("mine-pe", "PE"), ("mine-cd", "CD"), ("mine-au", "AU") }.Take(options.Mines).ToArray();
        foreach (var (id, country) in mines)
        {
            Org(id, $"Copper mine {country}", OrganisationKind.Miner, country, "abroad");
        }
        Org("recycler-1", "City e-waste recycler", OrganisationKind.Recycler, "JP", "north");
        Org("refiner-a", "Refinery A", OrganisationKind.Refiner, "JP", "port");
        Org("refiner-b", "Refinery B", OrganisationKind.Refiner, "KR", "port");
        var customers = new[] { ("maker-north", "north"), ("maker-south", "south"), ("maker-east", "east"), ("maker-west", "west") };
        foreach (var (id, region) in customers)
        {
            Org(id, $"Manufacturer {region}", OrganisationKind.Manufacturer, "JP", region);
        }
        Org("city-reserve", "Municipal disaster stockpile", OrganisationKind.Municipality, "JP", "centre");

        var lot = 0;
        var rounds = options.Months * 30 / options.IntervalDays;
        foreach (var round in Enumerable.Range(0, rounds))
        {
            var t = start.AddDays(options.IntervalDays * round);
            var month = (int)((t - start).TotalDays / 30);
            foreach (var refiner in new[] { "refiner-a", "refiner-b" })
            {
                // Concentrate from every contracted mine and scrap from the recycler go into this week's cathode.
                var inputs = new List<string>();
                foreach (var (mine, _) in mines)
                {
                    var id = $"conc-{++lot}";
                    var mass = (20_000 + rng.NextDouble() * 5_000) * 4 / mines.Length;
                    Apply(new LotRegistration(mine, Next(mine), t, id, "copper concentrate", "28 % Cu", mass, mine + "-pit", registry.Organisations[mine].CountryCode, 0, mass * 0.3));
                    Apply(new LotTransfer(mine, Next(mine), t.AddHours(1), id, refiner, refiner + "-plant", mass * 0.05));
                    inputs.Add(id);
                }
                var cathodeIn = inputs.Sum(i => registry.Lots[i].Lot.MassKilograms) * 0.27;
                var cathode = $"cathode-{++lot}";
                Apply(new LotTransformation(refiner, Next(refiner), t.AddHours(2), TransformationKind.Refine, inputs,
                    [new TransformationOutput(cathode, "copper", "cathode 99.99 %", cathodeIn)], 0.2, 0.3, cathodeIn * 3.0));

                var scrap = $"scrap-{++lot}";
                var scrapMass = 5_000 + rng.NextDouble() * 1_000;
                Apply(new LotRegistration("recycler-1", Next("recycler-1"), t, scrap, "e-waste (PCB)", "mixed boards", scrapMass, "recycler-yard", "JP", 1.0, scrapMass * 0.05));
                var recovered = $"recovered-{++lot}";
                Apply(new LotTransformation("recycler-1", Next("recycler-1"), t.AddHours(1), TransformationKind.Recycle, [scrap],
                    [new TransformationOutput(recovered, "copper", "cathode 99.99 %", scrapMass * 0.18)], 0.1, 0.25, scrapMass * 0.4));
                Apply(new LotTransfer("recycler-1", Next("recycler-1"), t.AddHours(2), recovered, refiner, refiner + "-plant", 50));

                var merged = $"copper-{++lot}";
                var mergedMass = registry.Lots[cathode].Lot.MassKilograms + registry.Lots[recovered].Lot.MassKilograms;
                Apply(new LotTransformation(refiner, Next(refiner), t.AddHours(3), TransformationKind.Merge, [cathode, recovered],
                    [new TransformationOutput(merged, "copper", "cathode 99.99 %", mergedMass)], 1, 1, 0));

                // Split the week's copper among customers with steady, noisy demand shares.
                var weights = customers.Select((c, i) => (1.0 + 0.25 * i) * (0.8 + 0.4 * rng.NextDouble())).ToArray();
                if (refiner == options.WithholdingSupplierId && month >= options.WithholdingFromMonth)
                {
                    var target = Array.FindIndex(customers, c => c.Item1 == options.WithholdingCustomerId);
                    if (target >= 0)
                    {
                        weights[target] *= options.WithholdingFraction;
                    }
                }
                var reserveShare = 0.05;
                var total = weights.Sum();
                var outputs = customers.Select((c, i) => new TransformationOutput($"{merged}-{c.Item1}", "copper", "cathode 99.99 %", mergedMass * (1 - reserveShare) * weights[i] / total)).ToList();
                outputs.Add(new TransformationOutput($"{merged}-reserve", "copper", "cathode 99.99 %", mergedMass * reserveShare));
                Apply(new LotTransformation(refiner, Next(refiner), t.AddHours(4), TransformationKind.Split, [merged], outputs, 1, 1, 0));
                foreach (var (customer, _) in customers)
                {
                    Apply(new LotTransfer(refiner, Next(refiner), t.AddHours(5), $"{merged}-{customer}", customer, customer + "-works", 20));
                }
                Apply(new LotTransfer(refiner, Next(refiner), t.AddHours(5), $"{merged}-reserve", "city-reserve", "reserve-warehouse-1", 10));
            }
        }
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
        return registry;
    }
}
