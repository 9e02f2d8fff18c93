namespace CivicGrid.Mobility.Assignment;

/// <summary>
/// A turn movement at the node between two links (0-based link indices of the base network): a constant
/// generalised-cost penalty, or a prohibition.
/// </summary>
public readonly record struct TurnRule(int FromLink, int ToLink, double Penalty, bool Prohibited = false)
{
    public static TurnRule Prohibit(int fromLink, int toLink) => new(fromLink, toLink, 0, true);
}

/// <summary>
/// Turn penalties and prohibitions by node expansion: every node named by a rule is split into one entry port per
/// incoming link and one exit port per outgoing link, joined by one turn link per allowed movement (constant
/// cost = the penalty, 0 when no rule names it). Base links keep their indices, so the first
/// <see cref="AssignmentNetwork.LinkCount"/> flows of the expanded network are the base link flows; any assignment
/// algorithm runs on <see cref="Network"/> unchanged.
/// </summary>
public sealed class TurnExpandedNetwork
{
    private readonly Dictionary<(int From, int To), int> _turnLink;

    private TurnExpandedNetwork(AssignmentNetwork baseNetwork, AssignmentNetwork network, Dictionary<(int, int), int> turnLink, int[] turnFrom, int[] turnTo)
    {
        Base = baseNetwork;
        Network = network;
        _turnLink = turnLink;
        TurnFromLink = turnFrom;
        TurnToLink = turnTo;
    }

    public AssignmentNetwork Base { get; }

    /// <summary>The expanded network: base links first (same indices), then one link per allowed turn.</summary>
    public AssignmentNetwork Network { get; }

    /// <summary>For expanded link <c>Base.LinkCount + t</c>: the base link the turn comes from.</summary>
    public int[] TurnFromLink { get; }

    /// <summary>For expanded link <c>Base.LinkCount + t</c>: the base link the turn goes to.</summary>
    public int[] TurnToLink { get; }

    /// <summary>Expands the nodes named by <paramref name="rules"/>; the node of a rule is the head of its from-link.</summary>
    public static TurnExpandedNetwork Build(AssignmentNetwork network, IEnumerable<TurnRule> rules)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(rules);
        var m = network.LinkCount;
        var byMovement = new Dictionary<(int, int), TurnRule>();
        var expanded = new SortedSet<int>();
        foreach (var r in rules)
        {
            if ((uint)r.FromLink >= (uint)m || (uint)r.ToLink >= (uint)m)
            {
                throw new ArgumentException($"turn {r.FromLink}→{r.ToLink} names a link outside 0..{m - 1}", nameof(rules));
            }
            var node = network.Head[r.FromLink];
            if (network.Tail[r.ToLink] != node)
            {
                throw new ArgumentException($"turn {r.FromLink}→{r.ToLink}: link {r.ToLink} does not leave node {node + 1}", nameof(rules));
            }
            if (node < network.ZoneCount)
            {
                // A zone must stay one node for its demand; splitting it would also let paths bypass the rule.
                throw new ArgumentException($"turn {r.FromLink}→{r.ToLink} is at zone {node + 1}; turns are modelled at non-zone nodes only", nameof(rules));
            }
            if (!r.Prohibited && !(r.Penalty >= 0 && double.IsFinite(r.Penalty)))
            {
                throw new ArgumentException($"turn {r.FromLink}→{r.ToLink} has penalty {r.Penalty}; it must be finite and ≥ 0", nameof(rules));
            }
            if (!byMovement.TryAdd((r.FromLink, r.ToLink), r))
            {
                throw new ArgumentException($"turn {r.FromLink}→{r.ToLink} is given twice", nameof(rules));
            }
            expanded.Add(node);
        }
        var nodes = network.NodeCount;
        var tail = new List<int>(network.Tail);
        var head = new List<int>(network.Head);
        var penalties = new List<double>();
        var turnFrom = new List<int>();
        var turnTo = new List<int>();
        var turnLink = new Dictionary<(int, int), int>();
        foreach (var j in expanded)
        {
            var entry = new Dictionary<int, int>();
            for (var e = network.InStart[j]; e < network.InStart[j + 1]; e++)
            {
                var a = network.InLinks[e];
                entry[a] = nodes;
                head[a] = nodes++;
            }
            var exit = new Dictionary<int, int>();
            for (var e = network.OutStart[j]; e < network.OutStart[j + 1]; e++)
            {
                var b = network.OutLinks[e];
                exit[b] = nodes;
                tail[b] = nodes++;
            }
            foreach (var (a, entryNode) in entry)
            {
                foreach (var (b, exitNode) in exit)
                {
                    byMovement.TryGetValue((a, b), out var rule);
                    if (rule.Prohibited)
                    {
                        continue;
                    }
                    turnLink[(a, b)] = tail.Count;
                    tail.Add(entryNode);
                    head.Add(exitNode);
                    penalties.Add(rule.Penalty);
                    turnFrom.Add(a);
                    turnTo.Add(b);
                }
            }
        }
        var expandedNetwork = network.WithTopology(nodes, [.. tail], [.. head], [.. penalties]);
        return new TurnExpandedNetwork(network, expandedNetwork, turnLink, [.. turnFrom], [.. turnTo]);
    }

    /// <summary>The base network's link flows (the first <c>Base.LinkCount</c> entries).</summary>
    public double[] BaseLinkFlows(ReadOnlySpan<double> expandedFlows) => expandedFlows[..Base.LinkCount].ToArray();

    /// <summary>Flow of a turn movement at an expanded node; 0 when it is prohibited.</summary>
    public double TurnFlow(ReadOnlySpan<double> expandedFlows, int fromLink, int toLink) =>
        _turnLink.TryGetValue((fromLink, toLink), out var t) ? expandedFlows[t] : 0;

    /// <summary>Index in <see cref="Network"/> of the turn link of a movement, or -1 when it is prohibited or not expanded.</summary>
    public int TurnLinkIndex(int fromLink, int toLink) => _turnLink.TryGetValue((fromLink, toLink), out var t) ? t : -1;

    /// <summary>True when the movement exists in the expanded network (not prohibited and at an expanded node).</summary>
    public bool HasTurn(int fromLink, int toLink) => _turnLink.ContainsKey((fromLink, toLink));
}
