using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Platform.Decisions;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Governance;

public sealed partial class ParticipationService
{
    /// <summary>Ballot kinds of a participatory budget.</summary>
    public static IReadOnlyList<string> BallotKinds { get; } = ["approval", "cumulative", "ordinal"];

    /// <summary>
    /// Closes every vote and budget whose closing time has come on the platform clock (<paramref name="now"/>): each is
    /// counted once, by the platform itself, and its tally recorded as an automatic decision. Budgets still collecting
    /// proposals at their closing time are left for an operator (there is nothing to count). Returns how many closed.
    /// </summary>
    public async Task<int> CloseDueContestsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Few rows carry a closing time; compare in memory so the stored clock format does not matter.
        var votes = (await db.Votes.AsNoTracking().Where(v => v.ClosesAt != null && v.ClosedAt == null).Select(v => new { v.Id, v.ClosesAt }).ToListAsync(ct))
            .Where(v => v.ClosesAt <= now).Select(v => v.Id).ToList();
        var budgets = (await db.Budgets.AsNoTracking().Where(b => b.ClosesAt != null && b.Phase == "voting").Select(b => new { b.Id, b.ClosesAt }).ToListAsync(ct))
            .Where(b => b.ClosesAt <= now).Select(b => b.Id).ToList();
        var closed = 0;
        foreach (var id in votes)
        {
            try
            {
                await CloseVoteCoreAsync(id, DecisionActor.Automatic, ct);
                closed++;
            }
            catch (ParticipationException ex) when (ex.Kind == ParticipationErrorKind.Conflict)
            {
                // Closed meanwhile by an operator or another instance.
            }
        }
        foreach (var id in budgets)
        {
            try
            {
                await CloseBudgetCoreAsync(id, DecisionActor.Automatic, ct);
                closed++;
            }
            catch (ParticipationException ex) when (ex.Kind == ParticipationErrorKind.Conflict)
            {
                // Closed meanwhile.
            }
        }
        return closed;
    }

    /// <summary>
    /// An administrator replaces a closed budget's outcome with another selection, giving a reason. The override is a
    /// new decision record (actor, reason, the replaced decision and the selection) in the region's log; the computed
    /// outcome stays published next to it. Operators cannot override.
    /// </summary>
    public async Task<BudgetView> OverrideBudgetAsync(string userId, Guid budgetId, IReadOnlyList<int> selected, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(selected);
        var access = await AccessAsync(userId, ct);
        if (!access.IsAdministrator)
        {
            throw new ParticipationException(ParticipationErrorKind.Forbidden, "only administrators override a budget's outcome");
        }
        RequireReason(reason);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var budget = await db.Budgets.FirstOrDefaultAsync(b => b.Id == budgetId, ct) ?? throw NotFound("budget");
        if (budget.Phase != "closed" || budget.DecisionId is null)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "only a closed and tallied budget can be overridden");
        }
        var projects = await db.Proposals.AsNoTracking().Where(p => p.BudgetId == budgetId).ToDictionaryAsync(p => p.Number, ct);
        if (selected.Any(n => !projects.ContainsKey(n)))
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "the selection names an unknown project");
        }
        if (selected.Distinct().Count() != selected.Count)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "the selection names a project twice");
        }
        var total = selected.Sum(n => projects[n].Cost);
        if (total > budget.Amount)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, $"the selection costs {total}, more than the budget of {budget.Amount}");
        }
        var previous = budget.OverrideJson is { } json ? JsonSerializer.Deserialize<StoredOverride>(json) : null;
        var ordered = selected.Order().ToList();
        var parameters = new Dictionary<string, string>
        {
            ["contest"] = budget.Id.ToString(),
            ["replaces_decision"] = (previous?.DecisionId ?? budget.DecisionId.Value).ToString(),
            ["selected"] = string.Join(',', ordered.Select(n => n.ToString(CultureInfo.InvariantCulture))),
            ["total_cost"] = total.ToString(CultureInfo.InvariantCulture),
        };
        var receipt = await decisions.AppendAsync(new DecisionRequest(
            DecisionKind.VoteTally,
            budget.RegionId,
            [],
            DecisionActor.Operator(userId),
            new DecisionAlgorithm("governance/administrator-override", TallyVersion, parameters),
            DecisionRequest.DigestOf(budget.BallotsFile ?? ""),
            $"override: selected projects {(ordered.Count == 0 ? "none" : string.Join(", ", ordered))}; total cost {total} of {budget.Amount}",
            reason.Trim()), ct);
        budget.OverrideJson = JsonSerializer.Serialize(new StoredOverride(ordered, total, reason.Trim(), userId, receipt.Record.DecidedAt, receipt.Record.Id));
        await SaveOrConflictAsync(db, ct);
        return await GetBudgetAsync(userId, budgetId, ct);
    }

    /// <summary>
    /// Creates a budget of <paramref name="regionId"/> from a Pabulib file (projects, budget and ballots; approval,
    /// cumulative or ordinal), ready to be tallied with <paramref name="rule"/>. The imported ballots belong to no
    /// account. Operators of the region and administrators import; a malformed file is refused with its line and reason.
    /// </summary>
    public async Task<Guid> ImportPabulibAsync(string userId, string regionId, string fileName, string content, string rule, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        await RequireRegionAsync(regionId, ct);
        RequireModerator(access, regionId);
        if (rule is not ("mes" or "greedy"))
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "rule must be 'mes' or 'greedy'");
        }
        var name = string.IsNullOrWhiteSpace(fileName) ? "upload.pb" : Path.GetFileName(fileName.Trim());
        name = name.Length > 200 ? name[..200] : name;
        PbElection election;
        try
        {
            election = PabulibReader.Parse(content ?? "", name);
        }
        catch (PabulibFormatException ex)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, ex.Message, ex)
            {
                Details = new Dictionary<string, object?> { ["file"] = ex.File, ["line"] = ex.Line, ["column"] = ex.Column, ["reason"] = ex.Reason },
            };
        }
        var kind = election.VoteType switch
        {
            PbVoteType.Approval => "approval",
            PbVoteType.Cumulative => "cumulative",
            PbVoteType.Ordinal => "ordinal",
            _ => throw Refused(name, $"vote_type '{PbElection.VoteTypeName(election.VoteType)}' is not supported (approval, cumulative or ordinal)"),
        };
        if (!IsWhole(election.Budget, out var amount) || amount < 1)
        {
            throw Refused(name, "the budget must be a positive whole amount");
        }
        if (election.Projects.Count == 0)
        {
            throw Refused(name, "the file has no projects");
        }
        // Keep the file's numeric project ids as proposal numbers; otherwise number the projects in file order.
        var numeric = election.Projects.All(p => int.TryParse(p.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < election.Projects.Count; i++)
        {
            var p = election.Projects[i];
            numbers[p.Id] = numeric ? int.Parse(p.Id, CultureInfo.InvariantCulture) : i + 1;
            if (!IsWhole(p.Cost, out var cost) || cost < 0)
            {
                throw Refused(name, $"project '{p.Id}' has a cost that is not a whole non-negative amount");
            }
        }
        var now = time.GetUtcNow();
        var id = Guid.NewGuid();
        var title = election.MetaValue("description") is { Length: > 0 } d ? d : Path.GetFileNameWithoutExtension(name);
        var budget = new BudgetEntity
        {
            Id = id,
            RegionId = regionId,
            Title = title.Length > 200 ? title[..200] : title,
            Amount = amount,
            Rule = rule,
            Phase = "voting",
            CreatedBy = userId,
            CreatedAt = now,
            BallotKind = kind,
            PointsPerVoter = 0,
            Source = name,
        };
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Budgets.Add(budget);
        foreach (var p in election.Projects)
        {
            IsWhole(p.Cost, out var cost);
            var projectName = p.Name.Length > 200 ? p.Name[..200] : p.Name;
            db.Proposals.Add(new ProposalEntity
            {
                Id = Guid.NewGuid(),
                BudgetId = id,
                Number = numbers[p.Id],
                Title = string.IsNullOrWhiteSpace(projectName) ? "Project " + p.Id : projectName,
                Description = numeric ? "" : $"Pabulib project id {p.Id}",
                Cost = cost,
                AuthorId = userId,
                CreatedAt = now,
            });
        }
        var maxPoints = 0L;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vote in election.Votes)
        {
            if (!seen.Add(vote.VoterId))
            {
                throw Refused(name, $"voter '{vote.VoterId}' has two ballots");
            }
            string json;
            if (kind == "cumulative")
            {
                var pairs = new List<long[]>();
                for (var k = 0; k < vote.Projects.Count; k++)
                {
                    var points = vote.Points?[k] ?? Fraction.Zero;
                    if (!IsWhole(points, out var whole) || whole < 0)
                    {
                        throw Refused(name, $"voter '{vote.VoterId}' gives a number of points that is not a whole non-negative number");
                    }
                    pairs.Add([numbers[vote.Projects[k]], whole]);
                }
                maxPoints = Math.Max(maxPoints, pairs.Sum(x => x[1]));
                json = JsonSerializer.Serialize(pairs.OrderBy(x => x[0]).ToArray());
            }
            else
            {
                var chosen = vote.Projects.Select(p => numbers[p]);
                json = JsonSerializer.Serialize(kind == "ordinal" ? chosen.ToArray() : [.. chosen.Order()]);
            }
            var nonce = RandomNumberGenerator.GetBytes(32);
            var voter = "pabulib:" + vote.VoterId;
            db.Ballots.Add(new BallotEntity
            {
                ContestId = id,
                ResidentId = voter.Length > 450 ? voter[..450] : voter,
                BallotJson = json,
                Commitment = Convert.ToHexStringLower(Commit(nonce, Encoding.UTF8.GetBytes(json))),
                CastAt = now,
            });
        }
        if (kind == "cumulative")
        {
            budget.PointsPerVoter = (int)Math.Clamp(maxPoints, 1, int.MaxValue);
        }
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>Checks a budget ballot of the budget's kind and returns its stored canonical JSON, or throws with every problem named.</summary>
    private static string BudgetBallotJson(BudgetEntity budget, PbElection election, IReadOnlyList<int> proposals, IReadOnlyList<int>? points)
    {
        var known = election.Projects.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        switch (budget.BallotKind)
        {
            case "cumulative":
            {
                if (points is null || points.Count != proposals.Count)
                {
                    throw new ParticipationException(ParticipationErrorKind.Invalid, "a cumulative ballot gives points to each project it names (as many points as projects)");
                }
                if (proposals.Count == 0)
                {
                    problems.Add("give points to at least one project");
                }
                if (proposals.Any(n => !known.Contains(n.ToString(CultureInfo.InvariantCulture))))
                {
                    problems.Add("the ballot names an unknown project");
                }
                if (proposals.Distinct().Count() != proposals.Count)
                {
                    problems.Add("a project is named twice");
                }
                if (points.Any(p => p < 1))
                {
                    problems.Add("each named project gets at least 1 point");
                }
                var sum = points.Sum(p => (long)p);
                if (sum > budget.PointsPerVoter)
                {
                    problems.Add($"the ballot gives {sum} points, more than the {budget.PointsPerVoter} each voter has");
                }
                if (problems.Count > 0)
                {
                    throw new ParticipationException(ParticipationErrorKind.Invalid, string.Join("; ", problems));
                }
                return JsonSerializer.Serialize(proposals.Zip(points, (n, p) => new long[] { n, p }).OrderBy(x => x[0]).ToArray());
            }
            case "ordinal":
            {
                if (points is { Count: > 0 })
                {
                    throw new ParticipationException(ParticipationErrorKind.Invalid, "a ranking carries no points: list the projects best first");
                }
                if (proposals.Count == 0)
                {
                    problems.Add("rank at least one project");
                }
                if (proposals.Any(n => !known.Contains(n.ToString(CultureInfo.InvariantCulture))))
                {
                    problems.Add("the ranking names an unknown project");
                }
                if (proposals.Distinct().Count() != proposals.Count)
                {
                    problems.Add("a project is ranked twice");
                }
                if (proposals.Count < budget.MinProjects)
                {
                    problems.Add($"rank at least {budget.MinProjects} projects");
                }
                if (budget.MaxProjects is { } max && proposals.Count > max)
                {
                    problems.Add($"rank at most {max} projects");
                }
                if (problems.Count > 0)
                {
                    throw new ParticipationException(ParticipationErrorKind.Invalid, string.Join("; ", problems));
                }
                // The order is the ranking: kept as cast.
                return JsonSerializer.Serialize(proposals.ToArray());
            }
            default:
            {
                if (points is { Count: > 0 })
                {
                    throw new ParticipationException(ParticipationErrorKind.Invalid, "an approval ballot carries no points");
                }
                var found = Rules(budget).Check(election, [.. proposals.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
                if (found.Count > 0)
                {
                    throw new ParticipationException(ParticipationErrorKind.Invalid, string.Join("; ", found));
                }
                return JsonSerializer.Serialize(proposals.Order().ToArray());
            }
        }
    }

    /// <summary>A stored budget ballot read back: projects (ranking order for ordinal ballots) and, for cumulative ones, points.</summary>
    private sealed record BudgetBallot(IReadOnlyList<int> Projects, IReadOnlyList<long>? Points);

    private static BudgetBallot ReadBudgetBallot(string kind, string json)
    {
        if (kind == "cumulative")
        {
            var pairs = JsonSerializer.Deserialize<long[][]>(json) ?? [];
            return new BudgetBallot([.. pairs.Select(p => (int)p[0])], [.. pairs.Select(p => p[1])]);
        }
        return new BudgetBallot(JsonSerializer.Deserialize<int[]>(json) ?? [], null);
    }

    /// <summary>Budget ballots in commitment order (the published order).</summary>
    private static async Task<List<BudgetBallot>> PublishedBudgetBallotListAsync(GovernanceDbContext db, BudgetEntity budget, CancellationToken ct)
    {
        var rows = await db.Ballots.AsNoTracking().Where(b => b.ContestId == budget.Id).Select(b => new { b.Commitment, b.BallotJson }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Commitment, StringComparer.Ordinal).Select(r => ReadBudgetBallot(budget.BallotKind, r.BallotJson))];
    }

    /// <summary>
    /// Appends the ballot's commitment (never the voter, never the content) to the region's transparency log; the
    /// receipt proves it is logged, and the tally's decision names the digest of all logged commitments.
    /// </summary>
    private async Task<TransparencyLogAppend> LogCommitmentAsync(string regionId, Guid contestId, string commitment, CancellationToken ct)
    {
        var entry = new JsonObject
        {
            ["type"] = "civicgrid/ballot-commitment/v1",
            ["region"] = regionId,
            ["contest"] = contestId.ToString(),
            ["commitment"] = commitment,
        };
        return await logs.AppendAsync(regionId, logs.Canonicalize(entry), ct);
    }

    /// <summary>The log entries of a contest's ballots: "index commitment" lines in log order, and how many were logged.</summary>
    private static async Task<(int Count, string Digest)> BallotLogAsync(GovernanceDbContext db, Guid contestId, CancellationToken ct)
    {
        var rows = await db.Ballots.AsNoTracking().Where(b => b.ContestId == contestId && b.LogIndex != null).Select(b => new { b.LogIndex, b.Commitment }).ToListAsync(ct);
        var lines = rows.OrderBy(r => r.LogIndex).Select(r => $"{r.LogIndex!.Value.ToString(CultureInfo.InvariantCulture)} {r.Commitment}");
        return (rows.Count, DecisionRequest.DigestOf(string.Join('\n', lines)));
    }

    private static async Task<List<long?>> LogIndexesInCommitmentOrderAsync(GovernanceDbContext db, Guid contestId, CancellationToken ct) =>
        [.. (await db.Ballots.AsNoTracking().Where(b => b.ContestId == contestId).Select(b => new { b.Commitment, b.LogIndex }).ToListAsync(ct))
            .OrderBy(r => r.Commitment, StringComparer.Ordinal).Select(r => r.LogIndex)];

    private static bool IsWhole(Fraction value, out long whole)
    {
        whole = 0;
        if (value.Denominator != 1 || value.Numerator > long.MaxValue || value.Numerator < long.MinValue)
        {
            return false;
        }
        whole = (long)value.Numerator;
        return true;
    }

    private static ParticipationException Refused(string file, string reason) =>
        new(ParticipationErrorKind.Invalid, $"{file}: {reason}")
        {
            Details = new Dictionary<string, object?> { ["file"] = file, ["line"] = 0, ["column"] = 0, ["reason"] = reason },
        };

    private sealed record StoredOverride(List<int> Selected, long TotalCost, string Reason, string ActorId, DateTimeOffset At, Guid DecisionId);
}
