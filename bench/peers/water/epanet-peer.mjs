// EPANET 2.3.5 (epanet-js 0.9.0, WebAssembly) as CivicGrid.Water's reference generator and same-run peer.
//
//   node epanet-peer.mjs series NET.inp OUT.csv     pressures/flows at every hydraulic step (file units),
//                                                   header time_s,P:<node>…,Q:<link>…; summary JSON on stdout
//   node epanet-peer.mjs quality NET.inp OUT.csv    node quality (file units) at every time the quality solver
//                                                   reports (ENrunQ), header time_s,C:<node>…,L:<link>…
//   node epanet-peer.mjs qbench NET.inp [REPEATS]   CPU time of hydraulics + water quality (solveH + solveQ)
//   node epanet-peer.mjs bench NET.inp [REPEATS]    CPU time of a full extended-period run (open excluded),
//                                                   minimum of REPEATS; JSON on stdout
//   node epanet-peer.mjs trace NET.inp              one line per hydraulic step: time, trials, tank heads and the
//                                                   links whose status changed (file units), to find where two
//                                                   engines' runs part
//   node epanet-peer.mjs energy NET.inp             EPANET's pump energy report (ENsaveH + ENreport with
//                                                   ENERGY YES) parsed into JSON, one object per pump + demand charge
//
// Generated references are written wherever the caller says (tests use a temp folder); none are committed.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { Project, Workspace, NodeProperty, LinkProperty, CountType, AnalysisStatistic, InitHydOption } from "epanet-js";

const [mode, inp, arg] = process.argv.slice(2);
if (!mode || !inp) {
  console.error("usage: node epanet-peer.mjs series|quality NET.inp OUT.csv | bench NET.inp [REPEATS]");
  process.exit(2);
}

const ws = new Workspace();
await ws.loadModule();

function open() {
  const model = new Project(ws);
  ws.writeFile("net.inp", readFileSync(inp));
  model.open("net.inp", "net.rpt", "");
  return model;
}

function run(model, onStep) {
  model.openH();
  model.initH(0);
  let steps = 0;
  let iterations = 0;
  let tstep = 0;
  do {
    const t = model.runH();
    steps++;
    iterations += model.getStatistic(AnalysisStatistic.Iterations);
    if (onStep) onStep(t);
    tstep = model.nextH();
  } while (tstep > 0);
  model.closeH();
  return { steps, iterations };
}

if (mode === "series") {
  const model = open();
  const nodes = model.getCount(CountType.NodeCount);
  const links = model.getCount(CountType.LinkCount);
  const header = ["time_s"];
  for (let i = 1; i <= nodes; i++) header.push("P:" + model.getNodeId(i));
  for (let k = 1; k <= links; k++) header.push("Q:" + model.getLinkId(k));
  const rows = [header.join(",")];
  const summary = run(model, (t) => {
    const row = [String(t)];
    for (let i = 1; i <= nodes; i++) row.push(String(model.getNodeValue(i, NodeProperty.Pressure)));
    for (let k = 1; k <= links; k++) row.push(String(model.getLinkValue(k, LinkProperty.Flow)));
    rows.push(row.join(","));
  });
  writeFileSync(arg, rows.join("\n") + "\n");
  console.log(JSON.stringify({ file: basename(inp), nodes, links, ...summary }));
  model.close();
} else if (mode === "quality") {
  const model = open();
  const nodes = model.getCount(CountType.NodeCount);
  const links = model.getCount(CountType.LinkCount);
  const header = ["time_s"];
  for (let i = 1; i <= nodes; i++) header.push("C:" + model.getNodeId(i));
  for (let k = 1; k <= links; k++) header.push("L:" + model.getLinkId(k));
  const rows = [header.join(",")];
  model.solveH();
  model.openQ();
  model.initQ(InitHydOption.NoSave);
  let tstep = 0;
  let steps = 0;
  do {
    const t = model.runQ();
    steps++;
    const row = [String(t)];
    for (let i = 1; i <= nodes; i++) row.push(String(model.getNodeValue(i, NodeProperty.Quality)));
    for (let k = 1; k <= links; k++) row.push(String(model.getLinkValue(k, LinkProperty.LinkQual)));
    rows.push(row.join(","));
    tstep = model.nextQ();
  } while (tstep > 0);
  model.closeQ();
  writeFileSync(arg, rows.join("\n") + "\n");
  console.log(JSON.stringify({ file: basename(inp), nodes, links, steps }));
  model.close();
} else if (mode === "qbench") {
  // CPU time of full hydraulics + water quality (ENsolveH + ENsolveQ), minimum of REPEATS.
  const repeats = Number(arg ?? 3);
  const model = open();
  const nodes = model.getCount(CountType.NodeCount);
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const start = process.cpuUsage();
    model.solveH();
    model.solveQ();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  model.close();
  console.log(JSON.stringify({ file: basename(inp), nodes, cpu_ms_min: Math.min(...times), cpu_ms_all: times, peak_rss_mb: process.memoryUsage().rss / 1048576 }));
} else if (mode === "bench") {
  const repeats = Number(arg ?? 3);
  const model = open();
  const nodes = model.getCount(CountType.NodeCount);
  const times = [];
  let summary = null;
  for (let r = 0; r < repeats; r++) {
    const start = process.cpuUsage();
    summary = run(model);
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  model.close();
  console.log(JSON.stringify({ file: basename(inp), nodes, ...summary, cpu_ms_min: Math.min(...times), cpu_ms_all: times, peak_rss_mb: process.memoryUsage().rss / 1048576 }));
} else if (mode === "trace") {
  const model = open();
  const nodes = model.getCount(CountType.NodeCount);
  const links = model.getCount(CountType.LinkCount);
  const tanks = [];
  for (let i = 1; i <= nodes; i++) if (model.getNodeType(i) !== 0) tanks.push(i);
  let last = null;
  run(model, (t) => {
    const heads = tanks.map((i) => model.getNodeId(i) + "=" + model.getNodeValue(i, NodeProperty.Head).toFixed(6));
    const status = [];
    for (let k = 1; k <= links; k++) status.push(model.getLinkValue(k, LinkProperty.Status));
    const changed = [];
    for (let k = 0; k < links; k++) if (!last || last[k] !== status[k]) changed.push(model.getLinkId(k + 1) + ":" + status[k]);
    last = status;
    console.log([t, model.getStatistic(AnalysisStatistic.Iterations), heads.join(" "), last && changed.length < 50 ? changed.join(" ") : "(" + changed.length + " set)"].join(" | "));
  });
  model.close();
} else if (mode === "energy") {
  const model = open();
  model.setReport("ENERGY YES");
  model.solveH();
  model.saveH();
  model.report();
  model.close();
  const text = ws.readFile("net.rpt");
  // The energy table: one row per pump with % utilisation, average efficiency, kWh per unit volume, average kW,
  // peak kW and cost per day; then "Demand Charge" and "Total Cost".
  const pumps = [];
  let demandCharge = null;
  let totalCost = null;
  let inTable = false;
  for (const line of text.split("\n")) {
    if (/Energy Usage:/.test(line)) inTable = true;
    if (!inTable) continue;
    const charge = line.match(/Demand Charge:\s+([-0-9.eE+]+)/);
    if (charge) { demandCharge = Number(charge[1]); continue; }
    const total = line.match(/Total Cost:\s+([-0-9.eE+]+)/);
    if (total) { totalCost = Number(total[1]); inTable = false; continue; }
    const cells = line.trim().split(/\s+/);
    if (cells.length === 7 && cells.slice(1).every((c) => !Number.isNaN(Number(c)))) {
      const [id, utilisation, efficiency, kwhPerVolume, averageKw, peakKw, costPerDay] = cells;
      pumps.push({ id, utilisation: Number(utilisation), efficiency: Number(efficiency), kwhPerVolume: Number(kwhPerVolume), averageKw: Number(averageKw), peakKw: Number(peakKw), costPerDay: Number(costPerDay) });
    }
  }
  console.log(JSON.stringify({ file: basename(inp), pumps, demandCharge, totalCost }));
} else {
  console.error("unknown mode " + mode);
  process.exit(2);
}
