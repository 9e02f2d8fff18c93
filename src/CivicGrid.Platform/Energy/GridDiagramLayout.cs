using CivicGrid.Energy.Grid.Matpower;

namespace CivicGrid.Platform.Energy;

/// <summary>
/// A one-line diagram layout for any case: buses in columns by their distance (in branches) from the reference bus,
/// ordered within a column by the order their parents were placed, so radial feeders come out as straight rows.
/// Coordinates are scaled to [0, 1]; buses not connected to the reference go to a last column.
/// </summary>
public static class GridDiagramLayout
{
    public static (double[] X, double[] Y) Compute(PowerCase powerCase)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        var n = powerCase.Buses.Count;
        var index = powerCase.BusIndex();
        var neighbours = new List<int>[n];
        for (var i = 0; i < n; i++)
        {
            neighbours[i] = [];
        }
        foreach (var br in powerCase.Branches)
        {
            if (br.InService && index.TryGetValue(br.FromBus, out var f) && index.TryGetValue(br.ToBus, out var t))
            {
                neighbours[f].Add(t);
                neighbours[t].Add(f);
            }
        }
        var depth = new int[n];
        Array.Fill(depth, -1);
        var root = Math.Max(0, powerCase.Buses.FindIndex(b => b.Type == BusType.Reference));
        var queue = new Queue<int>();
        var columns = new List<List<int>>();
        if (n > 0)
        {
            depth[root] = 0;
            queue.Enqueue(root);
        }
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            if (columns.Count <= depth[v])
            {
                columns.Add([]);
            }
            columns[depth[v]].Add(v);
            foreach (var w in neighbours[v])
            {
                if (depth[w] < 0)
                {
                    depth[w] = depth[v] + 1;
                    queue.Enqueue(w);
                }
            }
        }
        var unreached = Enumerable.Range(0, n).Where(i => depth[i] < 0).ToList();
        if (unreached.Count > 0)
        {
            columns.Add(unreached);
        }
        var x = new double[n];
        var y = new double[n];
        var widest = Math.Max(1, columns.Max(c => c.Count));
        for (var c = 0; c < columns.Count; c++)
        {
            var col = columns[c];
            for (var k = 0; k < col.Count; k++)
            {
                x[col[k]] = columns.Count == 1 ? 0.5 : (double)c / (columns.Count - 1);
                // Spread each column over the full height, centred, so a single bus sits in the middle.
                y[col[k]] = widest == 1 ? 0.5 : (k + 0.5) / col.Count;
            }
        }
        return (x, y);
    }
}
