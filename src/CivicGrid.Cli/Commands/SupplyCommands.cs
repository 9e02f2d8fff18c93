using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CivicGrid.Supply.Analysis;
using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Provenance;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid supply …</c>: trace lots, measure supply concentration and footprints in a signed supply-chain file.</summary>
public sealed class SupplyCommands : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("supply", "Material supply chains: provenance, concentration, withholding, carbon footprints");
        command.Subcommands.Add(BuildDemo());
        command.Subcommands.Add(BuildTrace());
        command.Subcommands.Add(BuildConcentration());
        command.Subcommands.Add(BuildWithholding());
        command.Subcommands.Add(BuildFootprint());
        command.Subcommands.Add(BuildPact());
        return command;
    }

    private static Argument<FileInfo> ChainArgument() => new("chain") { Description = "A supply-chain JSON file (organisations with public keys, signed events)" };

    private static Command BuildDemo()
    {
        var output = new Option<FileInfo>("--out") { Description = "Where to write the generated chain", Required = true };
        var months = new Option<int>("--months") { Description = "Months of history", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 2026 };
        var withhold = new Option<string>("--withhold") { Description = "Inject selective withholding: SUPPLIER:CUSTOMER (e.g. refiner-a:maker-east)" };
        var cmd = new Command("demo", "Generate a signed demo copper supply chain (mines, recycler, refiners, manufacturers, municipal reserve)");
        cmd.Options.Add(output);
        cmd.Options.Add(months);
        cmd.Options.Add(seed);
        cmd.Options.Add(withhold);
        cmd.SetAction(parse =>
        {
            var options = new GeneratedChainOptions(parse.GetValue(seed), parse.GetValue(months));
            if (options.Months < 5)
            {
                return CliOutput.Error(parse, "--months must be at least 5");
            }
            if (parse.GetValue(withhold) is { } w)
            {
                var parts = w.Split(':');
                if (parts.Length != 2)
                {
                    return CliOutput.Error(parse, "--withhold takes SUPPLIER:CUSTOMER");
                }
                options = options with { WithholdingSupplierId = parts[0], WithholdingCustomerId = parts[1], WithholdingFromMonth = options.Months - 3 };
            }
            var registry = SupplyChainGenerator.Generate(options, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            var file = parse.GetValue(output)!;
            File.WriteAllText(file.FullName, SupplyChainDocument.From(registry).ToJson());
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new { file = file.FullName, organisations = registry.Organisations.Count, events = registry.Events.Count, lots = registry.Lots.Count });
            }
            else
            {
                Console.Out.WriteLine($"wrote {file.FullName}: {registry.Organisations.Count} organisations, {registry.Events.Count} signed events, {registry.Lots.Count} lots");
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildTrace()
    {
        var chain = ChainArgument();
        var lot = new Option<string>("--lot") { Description = "The lot to trace back to its sources", Required = true };
        var cmd = new Command("trace", "Trace a lot back to the mines, scrap and stocks it came from; shows recycled content and origin shares");
        cmd.Arguments.Add(chain);
        cmd.Options.Add(lot);
        cmd.SetAction(parse => WithChain(parse, chain, registry =>
        {
            var id = parse.GetValue(lot)!;
            if (!registry.Lots.TryGetValue(id, out var record))
            {
                return CliOutput.Error(parse, $"lot '{id}' is not in the chain");
            }
            var steps = ProvenanceQueries.Trace(registry, id);
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    lot = id,
                    material = record.Lot.Material,
                    mass_kg = record.Lot.MassKilograms,
                    holder = record.HolderId,
                    recycled_share = record.Lot.RecycledShare,
                    origin_shares = record.Lot.OriginShares,
                    events_in_history = ProvenanceQueries.History(registry, id).Count,
                    steps = steps.Select(s => new { depth = s.Depth, lot = s.Lot.Id, material = s.Lot.Material, mass_kg = s.Lot.MassKilograms, holder = s.HolderId, created_by = s.CreatedBy.GetType().Name, parents = s.ParentLotIds }),
                });
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            var table = new Table().AddColumns("depth", "lot", "material", "kg", "holder", "made by");
            foreach (var s in steps)
            {
                table.AddRow(s.Depth.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Lot.Id), Markup.Escape(s.Lot.Material),
                    s.Lot.MassKilograms.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(s.HolderId), s.CreatedBy.GetType().Name);
            }
            console.Write(table);
            console.MarkupLine(Markup.Escape($"recycled content {record.Lot.RecycledShare:P1}; origins: " +
                string.Join(", ", record.Lot.OriginShares.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:P1}"))));
            return CliOutput.Ok;
        }));
        return cmd;
    }

    private static Command BuildConcentration()
    {
        var chain = ChainArgument();
        var material = new Option<string>("--material") { Description = "Only this material" };
        var cmd = new Command("concentration", "Herfindahl–Hirschman concentration of deliveries by supplier and by country of origin, with advice");
        cmd.Arguments.Add(chain);
        cmd.Options.Add(material);
        cmd.SetAction(parse => WithChain(parse, chain, registry =>
        {
            var results = ConcentrationAnalysis.Analyse(registry).Where(r => parse.GetValue(material) is not { } m || r.Material == m).ToList();
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(results.Select(r => new
                {
                    material = r.Material,
                    total_mass_kg = r.TotalMassKilograms,
                    supplier_hhi = r.SupplierHhi,
                    country_hhi = r.CountryHhi,
                    supplier_level = r.SupplierLevel.ToString(),
                    country_level = r.CountryLevel.ToString(),
                    suppliers = r.Suppliers.Select(s => new { id = s.Key, mass_kg = s.MassKilograms, share = s.Share }),
                    countries = r.Countries.Select(s => new { country = s.Key, mass_kg = s.MassKilograms, share = s.Share }),
                    advice = r.Advice,
                }));
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            var table = new Table().AddColumns("material", "kg delivered", "HHI suppliers", "HHI countries", "top supplier", "top country");
            foreach (var r in results)
            {
                table.AddRow(Markup.Escape(r.Material), r.TotalMassKilograms.ToString("N0", CultureInfo.InvariantCulture),
                    $"{r.SupplierHhi:0} ({r.SupplierLevel})", $"{r.CountryHhi:0} ({r.CountryLevel})",
                    Markup.Escape($"{r.Suppliers[0].Key} {r.Suppliers[0].Share:P0}"), Markup.Escape($"{r.Countries[0].Key} {r.Countries[0].Share:P0}"));
            }
            console.Write(table);
            foreach (var advice in results.SelectMany(r => r.Advice))
            {
                console.MarkupLine("• " + Markup.Escape(advice));
            }
            return CliOutput.Ok;
        }));
        return cmd;
    }

    private static Command BuildWithholding()
    {
        var chain = ChainArgument();
        var days = new Option<int>("--period-days") { Description = "Length of one period in days", DefaultValueFactory = _ => 30 };
        var recent = new Option<int>("--recent") { Description = "How many latest periods to test", DefaultValueFactory = _ => 3 };
        var cmd = new Command("withholding", "Flag suppliers whose deliveries to particular customers or regions dropped while their output did not");
        cmd.Arguments.Add(chain);
        cmd.Options.Add(days);
        cmd.Options.Add(recent);
        cmd.SetAction(parse => WithChain(parse, chain, registry =>
        {
            if (registry.Deliveries.Count == 0)
            {
                return CliOutput.Error(parse, "the chain has no deliveries to analyse");
            }
            var start = registry.Deliveries.Min(d => d.Time);
            var end = registry.Deliveries.Max(d => d.Time).AddTicks(1);
            IReadOnlyList<WithholdingAlert> alerts;
            try
            {
                alerts = WithholdingDetector.Detect(registry.Deliveries, start, end, new WithholdingOptions(TimeSpan.FromDays(parse.GetValue(days)), parse.GetValue(recent)));
            }
            catch (ArgumentException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new { alerts });
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            console.MarkupLine(alerts.Count == 0 ? "no selective withholding found" : $"[red]{alerts.Count} alert(s)[/]");
            foreach (var a in alerts)
            {
                console.MarkupLine("• " + Markup.Escape(a.Explanation));
            }
            return CliOutput.Ok;
        }));
        return cmd;
    }

    private static Command BuildFootprint()
    {
        var chain = ChainArgument();
        var lot = new Option<string>("--lot") { Description = "The lot whose footprint to issue", Required = true };
        var cmd = new Command("footprint", "Issue the PACT v3 product carbon footprint of a lot (cradle to gate along its signed history)");
        cmd.Arguments.Add(chain);
        cmd.Options.Add(lot);
        cmd.SetAction(parse => WithChain(parse, chain, registry =>
        {
            var id = parse.GetValue(lot)!;
            if (!registry.Lots.ContainsKey(id))
            {
                return CliOutput.Error(parse, $"lot '{id}' is not in the chain");
            }
            var footprint = FootprintAggregator.ForLot(registry, id, registry.Events[^1].Event.Time);
            // PACT's own camelCase names, whatever the output mode: this is the interchange document.
            Console.Out.WriteLine(JsonSerializer.Serialize(footprint, new JsonSerializerOptions { WriteIndented = true }));
            return CliOutput.Ok;
        }));
        return cmd;
    }

    private static Command BuildPact()
    {
        var url = new Argument<string>("url") { Description = "Base URL of a PACT v3 host system (its /auth/token and /3/footprints)" };
        var clientId = new Option<string>("--client-id") { Description = "OAuth2 client id issued by the data owner", Required = true };
        var clientSecret = new Option<string>("--client-secret") { Description = "OAuth2 client secret (or set CIVICGRID_PACT_SECRET)" };
        var limit = new Option<int?>("--limit") { Description = "Footprints per page (the limit parameter)" };
        var maxPages = new Option<int>("--max-pages") { Description = "Stop after this many pages", DefaultValueFactory = _ => 100 };
        var productId = new Option<string[]>("--product-id") { Description = "Filter: product URN (repeatable)", AllowMultipleArgumentsPerToken = false };
        var companyId = new Option<string[]>("--company-id") { Description = "Filter: company URN (repeatable)" };
        var output = new Option<FileInfo>("--out") { Description = "Write the fetched footprints to this JSON file" };
        var fetch = new Command("fetch", "Fetch footprints from a PACT v3 host: authenticate, follow pagination, check every response against the v3 schema");
        fetch.Arguments.Add(url);
        fetch.Options.Add(clientId);
        fetch.Options.Add(clientSecret);
        fetch.Options.Add(limit);
        fetch.Options.Add(maxPages);
        fetch.Options.Add(productId);
        fetch.Options.Add(companyId);
        fetch.Options.Add(output);
        fetch.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(clientSecret) ?? Environment.GetEnvironmentVariable("CIVICGRID_PACT_SECRET");
            if (string.IsNullOrEmpty(secret))
            {
                return CliOutput.Error(parse, "--client-secret (or CIVICGRID_PACT_SECRET) is required");
            }
            var text = parse.GetValue(url)!;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
            {
                return CliOutput.Error(parse, $"{text}: not an http(s) URL");
            }
            if (parse.GetValue(limit) is <= 0 || parse.GetValue(maxPages) <= 0)
            {
                return CliOutput.Error(parse, "--limit and --max-pages must be positive");
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var client = new CivicGrid.Supply.Pact.PactClient(http, baseUri, parse.GetValue(clientId)!, secret);
            var filter = new CivicGrid.Supply.Pact.FootprintFilter { ProductIds = parse.GetValue(productId) ?? [], CompanyIds = parse.GetValue(companyId) ?? [] };
            CivicGrid.Supply.Pact.PactListResult result;
            try
            {
                result = await client.ListAsync(filter, parse.GetValue(limit), parse.GetValue(maxPages), ct);
            }
            catch (CivicGrid.Supply.Pact.PactClientException e)
            {
                return CliOutput.Error(parse, e.Message + (e.Violations.Count > 0 ? " — " + string.Join("; ", e.Violations) : ""));
            }
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(new { data = result.Footprints }, new JsonSerializerOptions { WriteIndented = true }));
            }
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new { footprints = result.Footprints.Count, pages = result.Pages, violations = result.Violations, ids = result.Footprints.Select(f => f.Id) });
            }
            else
            {
                var console = CliOutput.Human(parse);
                var table = new Table().AddColumns("id", "product", "company", "kg CO2e / unit");
                foreach (var f in result.Footprints.Take(50))
                {
                    table.AddRow(Markup.Escape(f.Id), Markup.Escape(f.ProductIds[0]), Markup.Escape(f.CompanyName), Markup.Escape(f.Pcf.PcfExcludingBiogenicUptake));
                }
                console.Write(table);
                console.MarkupLine($"{result.Footprints.Count} footprint(s) in {result.Pages} page(s); {result.Violations.Count} schema violation(s)");
                foreach (var v in result.Violations.Take(20))
                {
                    console.MarkupLine("[red]• " + Markup.Escape(v) + "[/]");
                }
            }
            return result.Violations.Count == 0 ? CliOutput.Ok : 1;
        });
        var pact = new Command("pact", "PACT Technical Specifications v3 data exchange (product carbon footprints)");
        pact.Subcommands.Add(fetch);
        return pact;
    }

    private static int WithChain(ParseResult parse, Argument<FileInfo> chain, Func<ProvenanceRegistry, int> action)
    {
        var file = parse.GetValue(chain)!;
        if (!file.Exists)
        {
            return CliOutput.Error(parse, $"{file.FullName}: file not found");
        }
        ProvenanceRegistry registry;
        try
        {
            registry = SupplyChainDocument.Parse(File.ReadAllText(file.FullName), file.FullName).Replay(file.FullName);
        }
        catch (SupplyChainFormatException e)
        {
            return CliOutput.Error(parse, e.Message);
        }
        return action(registry);
    }
}
