using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Governance.Voting;
using CivicGrid.Platform.Decisions;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Governance;

public sealed partial class ParticipationService
{
    /// <summary>Version of the tally procedures recorded in decision records; bump when counting changes.</summary>
    public const string TallyVersion = "1";

    private static readonly byte[] CommitmentDomain = Encoding.ASCII.GetBytes("civicgrid/ballot-commitment/v1\n");

    public async Task<Guid> CreateVoteAsync(string userId, NewVote vote, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vote);
        var access = await AccessAsync(userId, ct);
        await RequireRegionAsync(vote.RegionId, ct);
        RequireModerator(access, vote.RegionId);
        RequireTitle(vote.Title);
        if (!Enum.IsDefined(vote.Method))
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "unknown counting method");
        }
        if (vote.Options is null || vote.Options.Count is < 2 or > 50 || vote.Options.Any(o => string.IsNullOrWhiteSpace(o) || o.Length > 200)
            || vote.Options.Select(o => o.Trim()).Distinct(StringComparer.Ordinal).Count() != vote.Options.Count)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a vote has 2 to 50 distinct options of 1 to 200 characters");
        }
        if (vote.Method == VoteMethod.Quadratic ? vote.CreditBudget is < 1 or > 10_000 : vote.CreditBudget != 0)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "quadratic votes have a credit budget of 1 to 10000 per resident; other methods none");
        }
        RequireFutureClose(vote.ClosesAt);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var id = Guid.NewGuid();
        db.Votes.Add(new VoteEntity
        {
            Id = id,
            RegionId = vote.RegionId,
            Title = vote.Title.Trim(),
            Method = vote.Method.ToString(),
            OptionsJson = JsonSerializer.Serialize(vote.Options.Select(o => o.Trim()).ToArray()),
            CreditBudget = vote.CreditBudget,
            CreatedBy = userId,
            CreatedAt = time.GetUtcNow(),
            ClosesAt = vote.ClosesAt?.ToUniversalTime(),
        });
        await db.SaveChangesAsync(ct);
        return id;
    }

    public async Task<IReadOnlyList<VoteView>> ListVotesAsync(string userId, string? regionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Votes.AsNoTracking();
        if (regionId is { Length: > 0 })
        {
            query = query.Where(v => v.RegionId == regionId);
        }
        var ids = await query.OrderByDescending(v => v.CreatedAt).Select(v => v.Id).Take(100).ToListAsync(ct);
        var views = new List<VoteView>();
        foreach (var id in ids)
        {
            views.Add(await GetVoteAsync(userId, id, ct));
        }
        return views;
    }

    /// <summary>A vote as the viewer may see it: ballots stay secret until it closes, then the tally and the published ballots.</summary>
    public async Task<VoteView> GetVoteAsync(string userId, Guid voteId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var vote = await db.Votes.AsNoTracking().FirstOrDefaultAsync(v => v.Id == voteId, ct) ?? throw NotFound("vote");
        var commitments = await SortedCommitmentsAsync(db, voteId, ct);
        var voted = await db.Ballots.AnyAsync(b => b.ContestId == voteId && b.ResidentId == userId, ct);
        var closed = vote.ClosedAt is not null;
        ContestDecision? decision = vote.DecisionId is { } d && await decisions.GetAsync(d, ct) is { } receipt ? ContestDecision.From(receipt) : null;
        return new VoteView(vote.Id, vote.RegionId, vote.Title, Enum.Parse<VoteMethod>(vote.Method), Options(vote), vote.CreditBudget, closed,
            commitments.Count, voted, commitments,
            closed && vote.ResultJson is not null ? JsonSerializer.Deserialize<VoteTallyView>(vote.ResultJson) : null,
            closed ? await PublishedVoteBallotsAsync(db, vote, ct) : null,
            decision,
            vote.ClosesAt,
            await LogIndexesInCommitmentOrderAsync(db, voteId, ct));
    }

    /// <summary>
    /// Casts the resident's secret ballot: option indices (single choice: one; approval: a set; ranked: an order;
    /// quadratic: votes per option, v votes costing v² credits). One per resident, enforced by the database key.
    /// </summary>
    public async Task<BallotReceiptView> CastVoteAsync(string userId, Guid voteId, IReadOnlyList<int> ballot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ballot);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var vote = await db.Votes.AsNoTracking().FirstOrDefaultAsync(v => v.Id == voteId, ct) ?? throw NotFound("vote");
        RequireHome(access, vote.RegionId, "vote");
        if (vote.ClosedAt is not null || vote.ClosesAt <= time.GetUtcNow())
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "the vote is closed");
        }
        var problem = CheckVoteBallot(Enum.Parse<VoteMethod>(vote.Method), Options(vote).Count, vote.CreditBudget, ballot);
        if (problem is not null)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, problem);
        }
        return await StoreBallotAsync(db, voteId, vote.RegionId, userId, JsonSerializer.Serialize(ballot.ToArray()), ct);
    }

    /// <summary>Closes the vote, counts it once and records the tally as a decision; a closed tally never changes.</summary>
    public async Task<VoteView> CloseVoteAsync(string userId, Guid voteId, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        await using (var check = await contexts.CreateDbContextAsync(ct))
        {
            var region = await check.Votes.AsNoTracking().Where(v => v.Id == voteId).Select(v => v.RegionId).FirstOrDefaultAsync(ct) ?? throw NotFound("vote");
            RequireModerator(access, region);
        }
        await CloseVoteCoreAsync(voteId, DecisionActor.Operator(userId), ct);
        return await GetVoteAsync(userId, voteId, ct);
    }

    /// <summary>Closes and counts a vote once, as <paramref name="actor"/> (an operator, or the platform at the closing time).</summary>
    private async Task CloseVoteCoreAsync(Guid voteId, DecisionActor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var vote = await db.Votes.FirstOrDefaultAsync(v => v.Id == voteId, ct) ?? throw NotFound("vote");
        if (vote.ClosedAt is not null)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "the vote is closed; its tally cannot be changed");
        }
        // Claim the close first (the concurrency token refuses a second closer), then count.
        vote.ClosedAt = time.GetUtcNow();
        await SaveOrConflictAsync(db, ct);

        var method = Enum.Parse<VoteMethod>(vote.Method);
        var options = Options(vote);
        var ballots = await PublishedBallotListAsync(db, voteId, ct);
        var tally = method switch
        {
            VoteMethod.SingleChoice => VotingRules.SingleChoice(options.Count, ballots.Select(b => b.Count == 1 ? b[0] : -1)),
            VoteMethod.Approval => VotingRules.Approval(options.Count, ballots),
            VoteMethod.RankedChoice => VotingRules.InstantRunoff(options.Count, ballots),
            _ => VotingRules.Quadratic(options.Count, ballots, vote.CreditBudget),
        };
        var view = new VoteTallyView(tally.Scores, tally.Winners, tally.CountedBallots, tally.RejectedBallots, tally.Rounds);
        var published = await PublishedVoteBallotsAsync(db, vote, ct);
        var commitments = await SortedCommitmentsAsync(db, voteId, ct);
        var algorithm = method switch
        {
            VoteMethod.SingleChoice => "governance/single-choice",
            VoteMethod.Approval => "governance/approval",
            VoteMethod.RankedChoice => "governance/instant-runoff",
            _ => "governance/quadratic",
        };
        var parameters = new Dictionary<string, string>
        {
            ["contest"] = vote.Id.ToString(),
            ["options"] = options.Count.ToString(CultureInfo.InvariantCulture),
            ["ballots"] = ballots.Count.ToString(CultureInfo.InvariantCulture),
            ["commitments_digest"] = DecisionRequest.DigestOf(string.Join('\n', commitments)),
        };
        if (method == VoteMethod.Quadratic)
        {
            parameters["credit_budget"] = vote.CreditBudget.ToString(CultureInfo.InvariantCulture);
        }
        var (logged, logDigest) = await BallotLogAsync(db, voteId, ct);
        parameters["ballot_log_entries"] = logged.ToString(CultureInfo.InvariantCulture);
        parameters["ballot_log_digest"] = logDigest;
        if (vote.ClosesAt is { } closesAt)
        {
            parameters["scheduled_close"] = closesAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        }
        var winners = string.Join(", ", tally.Winners.Select(w => options[w]));
        var receipt = await decisions.AppendAsync(new DecisionRequest(
            DecisionKind.VoteTally,
            vote.RegionId,
            [],
            actor,
            new DecisionAlgorithm(algorithm, TallyVersion, parameters),
            DecisionRequest.DigestOf(published),
            $"winner{(tally.Winners.Count == 1 ? "" : "s (tie)")}: {winners}; scores {string.Join(", ", tally.Scores)}; {tally.CountedBallots} counted, {tally.RejectedBallots} rejected",
            actor.Kind == "automatic" ? $"vote '{vote.Title}' closed at its scheduled time" : $"vote '{vote.Title}' closed"), ct);
        vote.ResultJson = JsonSerializer.Serialize(view);
        vote.DecisionId = receipt.Record.Id;
        await SaveOrConflictAsync(db, ct);
    }

    /// <summary>An operator cannot replace a closed tally: always refused (and stated so the API can say why).</summary>
    public static void RefuseTallyChange(VoteView vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        throw new ParticipationException(ParticipationErrorKind.Conflict,
            vote.IsClosed ? "a closed tally cannot be changed" : "the vote is still open; it is counted when it closes");
    }

    internal static string? CheckVoteBallot(VoteMethod method, int options, int creditBudget, IReadOnlyList<int> ballot)
    {
        if (method == VoteMethod.Quadratic)
        {
            if (ballot.Count != options)
            {
                return $"a quadratic ballot gives a number of votes to each of the {options} options";
            }
            var cost = VotingRules.QuadraticCost(ballot);
            return cost > creditBudget ? $"the ballot costs {cost} credits, more than the {creditBudget} each resident has" : null;
        }
        if (ballot.Any(o => (uint)o >= (uint)options))
        {
            return "the ballot names an unknown option";
        }
        if (ballot.Distinct().Count() != ballot.Count)
        {
            return "the ballot names an option twice";
        }
        return method switch
        {
            VoteMethod.SingleChoice when ballot.Count != 1 => "choose exactly one option",
            VoteMethod.Approval or VoteMethod.RankedChoice when ballot.Count == 0 => "choose at least one option",
            _ => null,
        };
    }

    public async Task<Guid> CreateBudgetAsync(string userId, NewBudget budget, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var access = await AccessAsync(userId, ct);
        await RequireRegionAsync(budget.RegionId, ct);
        RequireModerator(access, budget.RegionId);
        RequireTitle(budget.Title);
        if (budget.Amount is < 1 or > 1_000_000_000_000 || budget.Rule is not ("mes" or "greedy") || budget.MinProjects < 0
            || budget.MaxProjects is < 1 || budget.MaxProjects < budget.MinProjects || budget.ThresholdPercent is < 0 or > 100)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid,
                "a budget needs an amount of 1 to 10^12, rule 'mes' or 'greedy', 0 ≤ minimum ≤ maximum projects and a threshold of 0–100 %");
        }
        if (!BallotKinds.Contains(budget.BallotKind))
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "the ballot kind is 'approval', 'cumulative' or 'ordinal'");
        }
        if (budget.BallotKind == "cumulative" ? budget.PointsPerVoter is < 1 or > 10_000 : budget.PointsPerVoter != 0)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "cumulative ballots give each voter 1 to 10000 points to spread; other kinds none");
        }
        if (budget.BallotKind != "approval" && budget.ThresholdPercent != 0)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a spending threshold applies to approval ballots only");
        }
        RequireFutureClose(budget.ClosesAt);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var id = Guid.NewGuid();
        db.Budgets.Add(new BudgetEntity
        {
            Id = id,
            RegionId = budget.RegionId,
            Title = budget.Title.Trim(),
            Amount = budget.Amount,
            Rule = budget.Rule,
            MinProjects = budget.MinProjects,
            MaxProjects = budget.MaxProjects,
            ThresholdPercent = budget.ThresholdPercent,
            Phase = "proposals",
            CreatedBy = userId,
            CreatedAt = time.GetUtcNow(),
            BallotKind = budget.BallotKind,
            PointsPerVoter = budget.PointsPerVoter,
            ClosesAt = budget.ClosesAt?.ToUniversalTime(),
        });
        await db.SaveChangesAsync(ct);
        return id;
    }

    public async Task<IReadOnlyList<BudgetView>> ListBudgetsAsync(string userId, string? regionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Budgets.AsNoTracking();
        if (regionId is { Length: > 0 })
        {
            query = query.Where(b => b.RegionId == regionId);
        }
        var ids = await query.OrderByDescending(b => b.CreatedAt).Select(b => b.Id).Take(100).ToListAsync(ct);
        var views = new List<BudgetView>();
        foreach (var id in ids)
        {
            views.Add(await GetBudgetAsync(userId, id, ct));
        }
        return views;
    }

    /// <summary>A resident of the budget's region proposes a project while proposals are open.</summary>
    public async Task<int> ProposeAsync(string userId, Guid budgetId, NewProposal proposal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.Id == budgetId, ct) ?? throw NotFound("budget");
        RequireHome(access, budget.RegionId, "propose projects");
        RequireTitle(proposal.Title);
        if (budget.Phase != "proposals")
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "proposals are closed for this budget");
        }
        if (proposal.Cost < 1 || proposal.Cost > budget.Amount || (proposal.Description?.Length ?? 0) > 4000)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, $"a project costs between 1 and the budget ({budget.Amount})");
        }
        if (proposal.IssueId is { } issueId && !await db.Issues.AnyAsync(i => i.Id == issueId && i.RegionId == budget.RegionId, ct))
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "the linked issue is not an issue of this region");
        }
        // Numbers are the project ids of the published ballots; the unique key settles concurrent proposals.
        for (var attempt = 0; ; attempt++)
        {
            var number = (await db.Proposals.Where(p => p.BudgetId == budgetId).MaxAsync(p => (int?)p.Number, ct) ?? 0) + 1;
            var entity = new ProposalEntity
            {
                Id = Guid.NewGuid(),
                BudgetId = budgetId,
                Number = number,
                Title = proposal.Title.Trim(),
                Description = proposal.Description?.Trim() ?? "",
                Cost = proposal.Cost,
                AuthorId = userId,
                IssueId = proposal.IssueId,
                CreatedAt = time.GetUtcNow(),
            };
            db.Proposals.Add(entity);
            try
            {
                await db.SaveChangesAsync(ct);
                return number;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                db.Entry(entity).State = EntityState.Detached;
            }
        }
    }

    /// <summary>An operator of the region ends the proposal phase and opens the ballot.</summary>
    public async Task OpenBudgetVotingAsync(string userId, Guid budgetId, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var budget = await db.Budgets.FirstOrDefaultAsync(b => b.Id == budgetId, ct) ?? throw NotFound("budget");
        RequireModerator(access, budget.RegionId);
        if (budget.Phase != "proposals")
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "voting has already opened");
        }
        if (!await db.Proposals.AnyAsync(p => p.BudgetId == budgetId, ct))
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "a budget needs at least one proposal before voting");
        }
        budget.Phase = "voting";
        await SaveOrConflictAsync(db, ct);
    }

    /// <summary>Casts the resident's approval ballot (proposal numbers), checked against the budget's ballot rules.</summary>
    public Task<BallotReceiptView> CastBudgetBallotAsync(string userId, Guid budgetId, IReadOnlyList<int> proposals, CancellationToken ct) =>
        CastBudgetBallotAsync(userId, budgetId, proposals, null, ct);

    /// <summary>
    /// Casts the resident's budget ballot of the budget's kind: approval (proposal numbers, within the ballot rules),
    /// ordinal (proposal numbers, best first) or cumulative (proposal numbers with <paramref name="points"/> each, at
    /// most the budget's points per voter in total).
    /// </summary>
    public async Task<BallotReceiptView> CastBudgetBallotAsync(string userId, Guid budgetId, IReadOnlyList<int> proposals, IReadOnlyList<int>? points, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.Id == budgetId, ct) ?? throw NotFound("budget");
        RequireHome(access, budget.RegionId, "vote on budgets");
        if (budget.Phase != "voting" || budget.ClosesAt <= time.GetUtcNow())
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, budget.Phase == "proposals" ? "voting has not opened yet" : "the budget vote is closed");
        }
        var projects = await db.Proposals.AsNoTracking().Where(p => p.BudgetId == budgetId).OrderBy(p => p.Number).ToListAsync(ct);
        var election = Election(budget, projects, []);
        var json = BudgetBallotJson(budget, election, proposals, points);
        return await StoreBallotAsync(db, budgetId, budget.RegionId, userId, json, ct);
    }

    /// <summary>
    /// Closes the budget vote: publishes the ballots as a Pabulib file (voters anonymous, in commitment order),
    /// computes the outcome with the budget's rule and records it as a decision whose input digest is the
    /// digest of that file, so anyone can recompute the outcome from the published file and the rule.
    /// </summary>
    public async Task<BudgetView> CloseBudgetAsync(string userId, Guid budgetId, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        await using (var check = await contexts.CreateDbContextAsync(ct))
        {
            var region = await check.Budgets.AsNoTracking().Where(b => b.Id == budgetId).Select(b => b.RegionId).FirstOrDefaultAsync(ct) ?? throw NotFound("budget");
            RequireModerator(access, region);
        }
        await CloseBudgetCoreAsync(budgetId, DecisionActor.Operator(userId), ct);
        return await GetBudgetAsync(userId, budgetId, ct);
    }

    /// <summary>Closes and tallies a budget once, as <paramref name="actor"/> (an operator, or the platform at the closing time).</summary>
    private async Task CloseBudgetCoreAsync(Guid budgetId, DecisionActor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var budget = await db.Budgets.FirstOrDefaultAsync(b => b.Id == budgetId, ct) ?? throw NotFound("budget");
        if (budget.Phase != "voting")
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict,
                budget.Phase == "closed" ? "the budget is closed; its outcome cannot be changed" : "voting has not opened yet");
        }
        budget.Phase = "closed";
        budget.ClosedAt = time.GetUtcNow();
        await SaveOrConflictAsync(db, ct);

        var projects = await db.Proposals.AsNoTracking().Where(p => p.BudgetId == budgetId).OrderBy(p => p.Number).ToListAsync(ct);
        var ballots = await PublishedBudgetBallotListAsync(db, budget, ct);
        var votes = ballots.Select((b, i) =>
        {
            var voter = (i + 1).ToString(CultureInfo.InvariantCulture);
            return new PbVote(voter, [.. b.Projects.Select(n => n.ToString(CultureInfo.InvariantCulture))],
                b.Points is null ? null : [.. b.Points.Select(Fraction.FromInt64)], new Dictionary<string, string> { ["voter_id"] = voter });
        }).ToList();
        var election = Election(budget, projects, votes);
        var file = PabulibWriter.Write(election);
        var outcome = ComputeOutcome(budget, election);
        var commitments = await SortedCommitmentsAsync(db, budgetId, ct);
        var parameters = BudgetParameters(budget);
        parameters["contest"] = budget.Id.ToString();
        parameters["ballots"] = ballots.Count.ToString(CultureInfo.InvariantCulture);
        parameters["ballots_format"] = "pabulib";
        parameters["commitments_digest"] = DecisionRequest.DigestOf(string.Join('\n', commitments));
        var (logged, logDigest) = await BallotLogAsync(db, budgetId, ct);
        parameters["ballot_log_entries"] = logged.ToString(CultureInfo.InvariantCulture);
        parameters["ballot_log_digest"] = logDigest;
        if (budget.Source is { } source)
        {
            parameters["source"] = source;
        }
        if (budget.ClosesAt is { } closesAt)
        {
            parameters["scheduled_close"] = closesAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        }
        var algorithm = budget.Rule == "mes" ? "governance/method-of-equal-shares"
            : budget.BallotKind == "approval" ? "governance/greedy-approval" : "governance/greedy-utilitarian";
        var receipt = await decisions.AppendAsync(new DecisionRequest(
            DecisionKind.VoteTally,
            budget.RegionId,
            [],
            actor,
            new DecisionAlgorithm(algorithm, TallyVersion, parameters),
            DecisionRequest.DigestOf(file),
            $"selected projects {(outcome.Winners.Count == 0 ? "none" : string.Join(", ", outcome.Winners))}; total cost {outcome.TotalCost} of {budget.Amount}",
            $"participatory budget '{budget.Title}' closed{(actor.Kind == "automatic" ? " at its scheduled time" : "")} with {ballots.Count} ballots"), ct);
        budget.BallotsFile = file;
        budget.ResultJson = JsonSerializer.Serialize(outcome);
        budget.DecisionId = receipt.Record.Id;
        await SaveOrConflictAsync(db, ct);
    }

    /// <summary>The published ballots of a closed budget (a Pabulib file), or null while it is open.</summary>
    public async Task<string?> PublishedBudgetBallotsAsync(Guid budgetId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.Id == budgetId, ct) ?? throw NotFound("budget");
        return budget.Phase == "closed" ? budget.BallotsFile : null;
    }

    public async Task<BudgetView> GetBudgetAsync(string userId, Guid budgetId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var budget = await db.Budgets.AsNoTracking().FirstOrDefaultAsync(b => b.Id == budgetId, ct) ?? throw NotFound("budget");
        var projects = await db.Proposals.AsNoTracking().Where(p => p.BudgetId == budgetId).OrderBy(p => p.Number).ToListAsync(ct);
        var names = await NamesAsync(projects.Select(p => p.AuthorId), ct);
        var commitments = await SortedCommitmentsAsync(db, budgetId, ct);
        var own = await db.Ballots.AsNoTracking().FirstOrDefaultAsync(b => b.ContestId == budgetId && b.ResidentId == userId, ct);
        var closed = budget.Phase == "closed";
        Dictionary<int, int>? approvals = null;
        BudgetResultView? result = null;
        if (closed && budget.ResultJson is not null)
        {
            var stored = JsonSerializer.Deserialize<StoredOutcome>(budget.ResultJson)!;
            var ballots = await PublishedBudgetBallotListAsync(db, budget, ct);
            approvals = projects.ToDictionary(p => p.Number, p => ballots.Count(b => b.Projects.Contains(p.Number)));
            // The viewer is voter (position in commitment order + 1) in the published file.
            var voter = own is null ? null : (commitments.IndexOf(own.Commitment) + 1).ToString(CultureInfo.InvariantCulture);
            var winners = stored.Winners.Select(w =>
            {
                var p = projects.First(x => x.Number.ToString(CultureInfo.InvariantCulture) == w);
                var shares = stored.Payments.GetValueOrDefault(w);
                return new BudgetWinnerView(p.Number, p.Title, p.Cost, approvals[p.Number], shares?.Count ?? 0,
                    voter is not null && shares is not null && shares.TryGetValue(voter, out var share) ? share : null);
            }).ToList();
            result = new BudgetResultView(budget.Rule, winners, winners.Sum(w => w.Cost), stored.Endowment, ballots.Count, Explain(budget, stored, ballots.Count));
        }
        ContestDecision? decision = budget.DecisionId is { } d && await decisions.GetAsync(d, ct) is { } receipt ? ContestDecision.From(receipt) : null;
        BudgetOverrideView? overridden = null;
        if (budget.OverrideJson is { } overrideJson && JsonSerializer.Deserialize<StoredOverride>(overrideJson) is { } o
            && await decisions.GetAsync(o.DecisionId, ct) is { } overrideReceipt)
        {
            var who = await NamesAsync([o.ActorId], ct);
            overridden = new BudgetOverrideView(o.Selected, o.TotalCost, o.Reason, who(o.ActorId), o.At, ContestDecision.From(overrideReceipt));
        }
        return new BudgetView(budget.Id, budget.RegionId, budget.Title, budget.Amount, budget.Rule, budget.MinProjects, budget.MaxProjects,
            budget.ThresholdPercent, Enum.Parse<BudgetPhase>(budget.Phase, ignoreCase: true),
            [.. projects.Select(p => new ProposalView(p.Id, p.Number, p.Title, p.Description, p.Cost, names(p.AuthorId), p.IssueId, approvals?[p.Number]))],
            commitments.Count, own is not null, commitments, result, decision, budget.BallotKind, budget.PointsPerVoter, budget.ClosesAt, overridden, budget.Source,
            await LogIndexesInCommitmentOrderAsync(db, budgetId, ct));
    }

    private static string Explain(BudgetEntity budget, StoredOutcome outcome, int ballots)
    {
        if (budget.BallotKind != "approval")
        {
            var utility = budget.BallotKind == "cumulative" ? "the points each voter gave" : "Borda points of each ranking (a ranking of L projects gives the top one L − 1, the last 0)";
            return budget.Rule == "greedy"
                ? $"Greedy utilitarian (as pabutools' greedy_utilitarian_welfare): projects are taken in order of total utility per unit of cost, utility being {utility}, skipping any that no longer fits the budget of {budget.Amount}; ties by lowest project number as text."
                : $"Method of Equal Shares for additive utilities (as pabutools' method_of_equal_shares, no completion): the budget of {budget.Amount} is split equally among the {ballots} voters, utility being {utility}; "
                    + "a project is bought at the lowest price per unit of utility its supporters can pay together; ties by lowest project number as text.";
        }
        if (budget.Rule == "greedy")
        {
            return $"Greedy approval (as Consul counts): projects are taken in order of approvals among the {ballots} ballots, skipping any that no longer fits the budget of {budget.Amount}.";
        }
        return $"Method of Equal Shares (equalshares.net default: add1 completion, exhaustive, integral; ties by most votes, then lowest cost, then lowest number): "
            + $"the budget of {budget.Amount} is split equally among the {ballots} voters; a project is bought when its supporters can pay for it together, "
            + "each paying as equal a share as their remaining money allows, cheapest price per supporter first. The voters' budgets are raised step by step "
            + $"while the outcome still fits the real budget{(outcome.Endowment is null ? "" : $" (final endowment {outcome.Endowment} per voter)")}. "
            + "The shares below are exact: each winner's supporters paid its full cost.";
    }

    private static StoredOutcome ComputeOutcome(BudgetEntity budget, PbElection election)
    {
        if (budget.BallotKind != "approval")
        {
            var measure = budget.BallotKind == "cumulative" ? SatisfactionMeasure.Points : SatisfactionMeasure.Borda;
            var selected = election.Votes.Count == 0 ? []
                : budget.Rule == "greedy" ? UtilityGreedyRule.Compute(election, measure) : UtilityEqualSharesRule.Compute(election, measure);
            var costs = election.Projects.ToDictionary(p => p.Id, p => p.Cost, StringComparer.Ordinal);
            var total = selected.Aggregate(Fraction.Zero, (sum, id) => sum + costs[id]);
            return new StoredOutcome([.. selected], total.ToString(), null, new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal));
        }
        return StoredOutcome.From(ComputeApprovalOutcome(budget, election));
    }

    private static BudgetOutcome ComputeApprovalOutcome(BudgetEntity budget, PbElection election)
    {
        var profile = ApprovalProfile.FromElection(election);
        if (profile.VoterCount == 0)
        {
            return GreedyRule.Compute(profile);
        }
        if (budget.Rule == "greedy")
        {
            return GreedyRule.Compute(profile, GreedyOrder.ApprovalCount, lexicographicTies: true);
        }
        var priority = election.Projects.Select(p => p.Id).ToList();
        return EqualSharesRule.Compute(profile, new EqualSharesOptions
        {
            Completion = EqualSharesCompletion.Add1,
            Exhaustive = true,
            Integral = true,
            TieBreaking = [TieBreakingStep.MaxVotes, TieBreakingStep.MinCost, new TieBreakingStep(TieBreakingKind.PriorityList, priority)],
        });
    }

    private static Dictionary<string, string> BudgetParameters(BudgetEntity budget)
    {
        var p = new Dictionary<string, string>
        {
            ["budget"] = budget.Amount.ToString(CultureInfo.InvariantCulture),
            ["rule"] = budget.Rule,
            ["min_projects"] = budget.MinProjects.ToString(CultureInfo.InvariantCulture),
            ["threshold_percent"] = budget.ThresholdPercent.ToString(CultureInfo.InvariantCulture),
        };
        if (budget.MaxProjects is { } max)
        {
            p["max_projects"] = max.ToString(CultureInfo.InvariantCulture);
        }
        p["ballot_kind"] = budget.BallotKind;
        if (budget.BallotKind != "approval")
        {
            p["satisfaction"] = budget.BallotKind == "cumulative" ? "points" : "borda";
            p["tie_breaking"] = "lexicographic project_id";
            if (budget.BallotKind == "cumulative")
            {
                p["points_per_voter"] = budget.PointsPerVoter.ToString(CultureInfo.InvariantCulture);
            }
            if (budget.Rule == "mes")
            {
                p["completion"] = "none";
            }
            return p;
        }
        if (budget.Rule == "mes")
        {
            p["completion"] = "add1";
            p["exhaustive"] = "true";
            p["integral"] = "true";
            p["tie_breaking"] = "maxVotes,minCost,priority:project_id";
        }
        else
        {
            p["order"] = "approvals, then lowest project_id";
        }
        return p;
    }

    private static PbBallotRules Rules(BudgetEntity budget) => new()
    {
        MinProjects = budget.MinProjects,
        MaxProjects = budget.MaxProjects,
        ThresholdPercent = budget.ThresholdPercent,
    };

    private static PbElection Election(BudgetEntity budget, IReadOnlyList<ProposalEntity> projects, IReadOnlyList<PbVote> votes)
    {
        var amount = budget.Amount.ToString(CultureInfo.InvariantCulture);
        KeyValuePair<string, string>[] meta =
        [
            new("description", budget.Title),
            new("country", "CivicGrid"),
            new("unit", budget.RegionId),
            new("instance", budget.Id.ToString()),
            new("num_projects", projects.Count.ToString(CultureInfo.InvariantCulture)),
            new("num_votes", votes.Count.ToString(CultureInfo.InvariantCulture)),
            new("budget", amount),
            new("vote_type", budget.BallotKind),
            new("rule", budget.Rule == "mes" ? (budget.BallotKind == "approval" ? "equalshares/add1" : "equalshares") : "greedy"),
            new("min_length", budget.MinProjects.ToString(CultureInfo.InvariantCulture)),
        ];
        if (budget.BallotKind == "cumulative")
        {
            meta = [.. meta, new("max_sum_points", budget.PointsPerVoter.ToString(CultureInfo.InvariantCulture))];
        }
        var pbProjects = projects.Select(p => new PbProject(p.Number.ToString(CultureInfo.InvariantCulture), Fraction.FromInt64(p.Cost),
            new Dictionary<string, string> { ["project_id"] = p.Number.ToString(CultureInfo.InvariantCulture), ["name"] = p.Title })).ToList();
        var type = budget.BallotKind switch { "cumulative" => PbVoteType.Cumulative, "ordinal" => PbVoteType.Ordinal, _ => PbVoteType.Approval };
        string[] voteColumns = type == PbVoteType.Cumulative ? ["voter_id", "vote", "points"] : ["voter_id", "vote"];
        return new PbElection(meta, ["project_id", "cost", "name"], pbProjects, voteColumns, votes, Fraction.FromInt64(budget.Amount), type);
    }

    private async Task<BallotReceiptView> StoreBallotAsync(GovernanceDbContext db, Guid contestId, string regionId, string userId, string json, CancellationToken ct)
    {
        var nonce = RandomNumberGenerator.GetBytes(32);
        var commitment = Convert.ToHexStringLower(Commit(nonce, Encoding.UTF8.GetBytes(json)));
        var now = time.GetUtcNow();
        if (await db.Ballots.AnyAsync(b => b.ContestId == contestId && b.ResidentId == userId, ct))
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "you have already voted");
        }
        var row = new BallotEntity { ContestId = contestId, ResidentId = userId, BallotJson = json, Commitment = commitment, CastAt = now };
        db.Ballots.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "you have already voted", ex);
        }
        // The key claimed the one ballot; now log its commitment. A ballot whose commitment cannot be logged is withdrawn.
        TransparencyLogAppend logged;
        try
        {
            logged = await LogCommitmentAsync(regionId, contestId, commitment, ct);
        }
        catch
        {
            db.Ballots.Remove(row);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        row.LogIndex = logged.Index;
        row.LedgerReceipt = logged.Receipt;
        await db.SaveChangesAsync(ct);
        return new BallotReceiptView(contestId, commitment, Convert.ToHexStringLower(nonce), now, logged.Index, logged.Receipt);
    }

    /// <summary>The commitment of a ballot: SHA-256 over the domain tag, the 32-byte nonce and the ballot's canonical JSON (as the engine's <see cref="BallotCommitment"/>).</summary>
    public static byte[] Commit(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ballot) => BallotCommitment.Compute(nonce, ballot);

    /// <summary>True when the receipt's nonce and the claimed ballot open its commitment.</summary>
    public static bool VerifyReceipt(BallotReceiptView receipt, IReadOnlyList<int> ballot)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(ballot);
        var expected = Commit(Convert.FromHexString(receipt.Nonce), Encoding.UTF8.GetBytes(JsonSerializer.Serialize(ballot.ToArray())));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(receipt.Commitment));
    }

    private static async Task<List<string>> SortedCommitmentsAsync(GovernanceDbContext db, Guid contestId, CancellationToken ct) =>
        [.. (await db.Ballots.AsNoTracking().Where(b => b.ContestId == contestId).Select(b => b.Commitment).ToListAsync(ct)).Order(StringComparer.Ordinal)];

    /// <summary>Ballot contents in commitment order: the order of the published file, which hides who cast which.</summary>
    private static async Task<List<IReadOnlyList<int>>> PublishedBallotListAsync(GovernanceDbContext db, Guid contestId, CancellationToken ct)
    {
        var rows = await db.Ballots.AsNoTracking().Where(b => b.ContestId == contestId).Select(b => new { b.Commitment, b.BallotJson }).ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Commitment, StringComparer.Ordinal).Select(r => (IReadOnlyList<int>)JsonSerializer.Deserialize<int[]>(r.BallotJson)!)];
    }

    private static async Task<string> PublishedVoteBallotsAsync(GovernanceDbContext db, VoteEntity vote, CancellationToken ct)
    {
        var ballots = await PublishedBallotListAsync(db, vote.Id, ct);
        return JsonSerializer.Serialize(new
        {
            vote = vote.Id,
            method = vote.Method,
            options = Options(vote),
            credit_budget = vote.CreditBudget,
            ballots,
        });
    }

    private static List<string> Options(VoteEntity vote) => JsonSerializer.Deserialize<List<string>>(vote.OptionsJson) ?? [];

    private static ParticipationException NotFound(string what) => new(ParticipationErrorKind.NotFound, $"no such {what}");

    private void RequireFutureClose(DateTimeOffset? closesAt)
    {
        if (closesAt is { } at && at <= time.GetUtcNow())
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "the closing time must lie in the future");
        }
    }

    private static void RequireTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > 200)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a title has 1 to 200 characters");
        }
    }

    /// <summary>The outcome as stored with the budget: winners in order, endowment and each voter's exact share per MES winner.</summary>
    private sealed record StoredOutcome(List<string> Winners, string TotalCost, string? Endowment, Dictionary<string, Dictionary<string, string>> Payments)
    {
        public static StoredOutcome From(BudgetOutcome outcome)
        {
            var payments = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            if (outcome.Endowment is not null)
            {
                foreach (var w in outcome.Winners)
                {
                    var shares = outcome.PaymentsFor(w);
                    if (shares.Count > 0)
                    {
                        payments[w] = shares.Where(s => !s.Payment.IsZero).ToDictionary(s => s.VoterId, s => s.Payment.ToDecimalString(2), StringComparer.Ordinal);
                    }
                }
            }
            return new StoredOutcome([.. outcome.Winners], outcome.TotalCost.ToString(), outcome.Endowment?.ToDecimalString(2), payments);
        }
    }
}
