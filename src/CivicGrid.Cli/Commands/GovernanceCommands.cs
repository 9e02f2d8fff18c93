using System.CommandLine;
using System.Globalization;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Governance.OpinionMap;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid governance …</c>: participatory budgeting outcomes and opinion maps from files.</summary>
public sealed class GovernanceCommands : ICommandGroup
{
    public Command Build()
    {
        var command = new Command("governance", "Participatory budgeting (Pabulib .pb) and opinion maps (Polis votes)");
        command.Subcommands.Add(BuildPb());
        command.Subcommands.Add(BuildPolis());
        return command;
    }

    private static Command BuildPb()
    {
        var file = new Argument<FileInfo>("file") { Description = "A Pabulib .pb file" };
        var rule = new Option<string>("--rule") { Description = "mes (Method of Equal Shares) or greedy", DefaultValueFactory = _ => "mes" };
        rule.AcceptOnlyFromAmong("mes", "greedy");
        var completion = new Option<string>("--completion") { Description = "MES completion: none, add1, add1u or utilitarian", DefaultValueFactory = _ => "none" };
        completion.AcceptOnlyFromAmong("none", "add1", "add1u", "utilitarian");
        var exhaustive = new Option<bool>("--exhaustive") { Description = "add1: stop once no further project fits the budget" };
        var integral = new Option<bool>("--integral") { Description = "add1: start from a whole-number budget per voter" };
        var increment = new Option<string>("--increment") { Description = "add1: budget added per voter and step (default 1)", DefaultValueFactory = _ => "1" };
        var ties = new Option<string>("--tie-breaking") { Description = "comma-separated: maxVotes, minCost, maxCost" };
        var shares = new Option<bool>("--shares") { Description = "also list each voter's share of the money behind each MES winner" };
        var cmd = new Command("pb", "Compute the outcome of a participatory budget");
        cmd.Arguments.Add(file);
        foreach (var o in new Option[] { rule, completion, exhaustive, integral, increment, ties, shares })
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                return CliOutput.Error(parse, $"{path.FullName}: file not found");
            }
            PbElection election;
            try
            {
                election = PabulibReader.ReadFile(path.FullName);
            }
            catch (PabulibFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            if (!Fraction.TryParseDecimal(parse.GetValue(increment) ?? "1", out var inc) || inc.Sign <= 0)
            {
                return CliOutput.Error(parse, "--increment must be a positive number");
            }
            List<TieBreakingStep> steps;
            try
            {
                steps = (parse.GetValue(ties) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(TieBreakingStep.Parse).ToList();
            }
            catch (ArgumentException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var profile = ApprovalProfile.FromElection(election);
            var ruleName = parse.GetValue(rule)!;
            var completionName = parse.GetValue(completion)!;
            IReadOnlyList<string> selected;
            BudgetOutcome? outcome = null;
            try
            {
                if (ruleName == "greedy" && election.VoteType is PbVoteType.Cumulative or PbVoteType.Scoring or PbVoteType.Ordinal)
                {
                    // Points (or Borda points of a ranking) per unit of cost, as pabutools' greedy_utilitarian_welfare.
                    selected = UtilityGreedyRule.Compute(election, election.VoteType == PbVoteType.Ordinal ? SatisfactionMeasure.Borda : SatisfactionMeasure.Points);
                }
                else if (ruleName == "greedy")
                {
                    outcome = GreedyRule.Compute(profile);
                    selected = outcome.Winners;
                }
                else if (election.VoteType is PbVoteType.Cumulative or PbVoteType.Scoring or PbVoteType.Ordinal)
                {
                    if (completionName != "none")
                    {
                        return CliOutput.Error(parse, $"completions are implemented for approval ballots; this file has {PbElection.VoteTypeName(election.VoteType)} ballots");
                    }
                    selected = UtilityEqualSharesRule.Compute(election, election.VoteType == PbVoteType.Ordinal ? SatisfactionMeasure.Borda : SatisfactionMeasure.Points);
                }
                else
                {
                    outcome = EqualSharesRule.Compute(profile, new EqualSharesOptions
                    {
                        Completion = completionName switch
                        {
                            "add1" => EqualSharesCompletion.Add1,
                            "add1u" => EqualSharesCompletion.Add1Utilitarian,
                            "utilitarian" => EqualSharesCompletion.Utilitarian,
                            _ => EqualSharesCompletion.None,
                        },
                        Exhaustive = parse.GetValue(exhaustive),
                        Integral = parse.GetValue(integral),
                        Increment = inc,
                        TieBreaking = steps,
                    });
                    selected = outcome.Winners;
                }
            }
            catch (EqualSharesTieException e)
            {
                return CliOutput.Error(parse, e.Message, CliOutput.Failed);
            }
            var costs = election.Projects.ToDictionary(p => p.Id, p => p.Cost, StringComparer.Ordinal);
            var total = selected.Aggregate(Fraction.Zero, (s, id) => s + costs[id]);
            var withShares = parse.GetValue(shares) && outcome is not null;
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    rule = ruleName,
                    completion = ruleName == "mes" ? completionName : null,
                    selected,
                    total_cost = total.ToDouble(),
                    budget = election.Budget.ToDouble(),
                    endowment = outcome?.Endowment?.ToDouble(),
                    shares = withShares
                        ? selected.ToDictionary(id => id, id => outcome!.PaymentsFor(id).Select(x => new { voter = x.VoterId, payment = x.Payment.ToDouble(), exact = x.Payment.ToString() }).ToList())
                        : null,
                });
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            var table = new Table().AddColumns("#", "project", "cost", "approvals", "MES payers", "largest share");
            var approvals = profile.ProjectIds.Select((id, i) => (id, n: profile.Approvers[i].Length)).ToDictionary(x => x.id, x => x.n, StringComparer.Ordinal);
            var rank = 0;
            foreach (var id in selected)
            {
                var pay = outcome?.PaymentsFor(id) ?? [];
                table.AddRow(
                    (++rank).ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(id),
                    costs[id].ToDecimalString(0),
                    approvals[id].ToString(CultureInfo.InvariantCulture),
                    pay.Count == 0 ? "-" : pay.Count(x => x.Payment.Sign > 0).ToString(CultureInfo.InvariantCulture),
                    pay.Count == 0 ? "-" : pay.Max(x => x.Payment).ToDecimalString(2));
            }
            console.Write(table);
            console.MarkupLine($"{selected.Count} projects selected, total cost {total.ToDecimalString(0)} of budget {election.Budget.ToDecimalString(0)}");
            if (withShares)
            {
                foreach (var id in selected)
                {
                    foreach (var (voter, payment) in outcome!.PaymentsFor(id))
                    {
                        console.WriteLine($"{id}\t{voter}\t{payment.ToDecimalString(4)}");
                    }
                }
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static Command BuildPolis()
    {
        var votes = new Argument<FileInfo>("votes") { Description = "Polis votes: the votes.json export, or CSV participant_id,statement_id,vote (-1 agree, 1 disagree, 0 pass)" };
        var exclude = new Option<string>("--exclude") { Description = "comma-separated statement ids to leave out (moderated or meta statements)" };
        var cmd = new Command("polis", "Opinion map: PCA of the vote matrix and groups by k-means with silhouette");
        cmd.Arguments.Add(votes);
        cmd.Options.Add(exclude);
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(votes)!;
            if (!path.Exists)
            {
                return CliOutput.Error(parse, $"{path.FullName}: file not found");
            }
            PolisVotes data;
            try
            {
                data = PolisVotesReader.ReadFile(path.FullName);
            }
            catch (PolisFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var excluded = new HashSet<int>();
            foreach (var part in (parse.GetValue(exclude) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                {
                    return CliOutput.Error(parse, $"--exclude: '{part}' is not a statement id");
                }
                excluded.Add(id);
            }
            var map = OpinionMapper.Compute(data, new OpinionMapOptions { ExcludedStatements = excluded });
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    participants = map.Participants.Count,
                    statements = map.Statements.Count,
                    k = map.Groups.Count,
                    silhouette = map.Silhouette,
                    groups = map.Groups.Select((g, i) => new { id = i, members = g }).ToList(),
                    points = map.Participants.Select((p, i) => new { participant = p, x = map.Coordinates[i].X, y = map.Coordinates[i].Y }).ToList(),
                    consensus = map.Consensus.Select(c => new { statement = c.Statement, agree_share = c.AgreeShare }).ToList(),
                });
                return CliOutput.Ok;
            }
            var console = CliOutput.Human(parse);
            console.MarkupLine($"{map.Participants.Count} participants, {map.Statements.Count} statements, {map.Groups.Count} groups (silhouette {map.Silhouette.ToString("F3", CultureInfo.InvariantCulture)})");
            var table = new Table().AddColumns("group", "members", "participants");
            for (var i = 0; i < map.Groups.Count; i++)
            {
                table.AddRow(i.ToString(CultureInfo.InvariantCulture), map.Groups[i].Count.ToString(CultureInfo.InvariantCulture), string.Join(' ', map.Groups[i].Take(20)) + (map.Groups[i].Count > 20 ? " …" : string.Empty));
            }
            console.Write(table);
            foreach (var c in map.Consensus)
            {
                console.MarkupLine($"consensus: statement {c.Statement} (agree share in every group ≥ {c.AgreeShare.ToString("F2", CultureInfo.InvariantCulture)})");
            }
            return CliOutput.Ok;
        });
        return cmd;
    }
}
