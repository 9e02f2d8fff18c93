using CivicGrid.Governance.OpinionMap;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Governance;

public sealed partial class ParticipationService
{
    /// <summary>A resident adds a short statement to their region's opinion map.</summary>
    public async Task<int> AddStatementAsync(string userId, string regionId, string text, CancellationToken ct)
    {
        var access = await AccessAsync(userId, ct);
        RequireHome(access, regionId, "add statements");
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > 500)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a statement has 1 to 500 characters");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var statement = new StatementEntity { RegionId = regionId, Text = text.Trim(), AuthorId = userId, CreatedAt = time.GetUtcNow() };
        db.Statements.Add(statement);
        await db.SaveChangesAsync(ct);
        return statement.Id;
    }

    /// <summary>Agree (1), disagree (−1) or pass (0) on a statement of the resident's region; a later vote replaces an earlier one.</summary>
    public async Task OpineAsync(string userId, int statementId, int value, CancellationToken ct)
    {
        if (value is < -1 or > 1)
        {
            throw new ParticipationException(ParticipationErrorKind.Invalid, "a vote is agree (1), disagree (-1) or pass (0)");
        }
        var access = await AccessAsync(userId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var statement = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == statementId, ct) ?? throw NotFound("statement");
        RequireHome(access, statement.RegionId, "vote on statements");
        var now = time.GetUtcNow();
        var existing = await db.Opinions.FirstOrDefaultAsync(o => o.StatementId == statementId && o.ResidentId == userId, ct);
        if (existing is null)
        {
            db.Opinions.Add(new OpinionEntity { StatementId = statementId, ResidentId = userId, Value = value, At = now });
        }
        else
        {
            existing.Value = value;
            existing.At = now;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            throw new ParticipationException(ParticipationErrorKind.Conflict, "your vote on this statement changed at the same time; try again", ex);
        }
    }

    /// <summary>
    /// The region's opinion map: statements with their counts and, once at least four residents have voted on
    /// two statements each, the Polis-style map (PCA, k-means with k by silhouette, consensus statements).
    /// </summary>
    public async Task<OpinionMapView> GetOpinionMapAsync(string userId, string regionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var statements = await db.Statements.AsNoTracking().Where(s => s.RegionId == regionId && !s.IsHidden).OrderBy(s => s.Id).ToListAsync(ct);
        var ids = statements.Select(s => s.Id).ToList();
        var opinions = await db.Opinions.AsNoTracking().Where(o => ids.Contains(o.StatementId)).ToListAsync(ct);
        var views = statements.Select(s =>
        {
            var mine = opinions.FirstOrDefault(o => o.StatementId == s.Id && o.ResidentId == userId);
            var of = opinions.Where(o => o.StatementId == s.Id).ToList();
            return new StatementView(s.Id, s.Text, of.Count(o => o.Value == 1), of.Count(o => o.Value == -1), of.Count(o => o.Value == 0), mine?.Value);
        }).ToList();

        // Participants are numbered by first vote so the map does not reveal account ids.
        var residents = opinions.OrderBy(o => o.At).ThenBy(o => o.StatementId).Select(o => o.ResidentId).Distinct(StringComparer.Ordinal).ToList();
        var number = residents.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i, StringComparer.Ordinal);
        const int minVotes = 2, minParticipants = 4;
        var eligible = opinions.GroupBy(o => o.ResidentId).Count(g => g.Count() >= minVotes);
        if (statements.Count < 2 || eligible < minParticipants)
        {
            return new OpinionMapView(regionId, views, [], 0, [],
                $"The map appears once at least {minParticipants} residents have voted on {minVotes} statements (now {eligible}).");
        }
        // Polis's convention: agree −1, disagree 1.
        var votes = new PolisVotes([.. opinions.Select(o => new PolisVote(number[o.ResidentId], o.StatementId, -o.Value))]);
        var map = OpinionMapper.Compute(votes, new OpinionMapOptions { MinVotes = minVotes, MaxGroups = Math.Min(5, eligible - 1) });
        var groupOf = new Dictionary<int, int>();
        for (var g = 0; g < map.Groups.Count; g++)
        {
            foreach (var p in map.Groups[g])
            {
                groupOf[p] = g;
            }
        }
        var viewer = number.TryGetValue(userId, out var v) ? v : -1;
        var points = map.Participants.Select((p, i) => new OpinionPoint(p, map.Coordinates[i].X, map.Coordinates[i].Y, groupOf.GetValueOrDefault(p), p == viewer)).ToList();
        return new OpinionMapView(regionId, views, points, map.Groups.Count, [.. map.Consensus.Select(c => c.Statement)], null);
    }
}
