/**
 * Weights & Biases chart CSV export: an x column (`Step`, `epoch_id`, …) then, per run,
 * `"<run> - <metric>"` with `__MIN`/`__MAX` bucket extremes. Each run becomes its own RawRun.
 */
import { defineParser, type LogParser } from '../types.js';
import { axisOfName } from '../axis-columns.js';
import { collect, type GroupPlan, type MetricPlan, type TablePlan } from './collect.js';
import { collectFast } from './fast.js';
import { stem } from './tabular.js';
import { numericShare, openTable, sniffTable } from './table.js';

const SEP = ' - ';
const EXTREME = /__(MIN|MAX)$/;

interface SplitName {
  run: string;
  metric: string;
}

/** `"<run> - <metric>"` → parts (split at the first ` - `: W&B joins them that way). */
function splitColumn(name: string): SplitName | undefined {
  const i = name.indexOf(SEP);
  if (i <= 0 || i + SEP.length >= name.length) return undefined;
  return { run: name.slice(0, i).trim(), metric: name.slice(i + SEP.length).trim() };
}

/**
 * Which x the shared column gives: epoch when its name says so, nothing for a wall-clock axis
 * (`Wall Time`, `Relative Time (Process)`: not a training position), else step.
 */
function axisOf(name: string): 'step' | 'epoch' | 'time' {
  if (/epoch/i.test(name)) return 'epoch';
  if (/time/i.test(name)) return 'time';
  return 'step';
}

/** Which columns are x and which run each metric column belongs to. */
function wandbPlan(header: string[], defaultRun: string): TablePlan {
  // The shared x column: the first column when it is not a `<run> - <metric>` column.
  let globalStep = -1;
  let globalEpoch = -1;
  let globalTime = -1;
  if (splitColumn(header[0]) === undefined) {
    const axis = axisOf(header[0]);
    if (axis === 'epoch') globalEpoch = 0;
    else if (axis === 'step') globalStep = 0;
    else globalTime = 0;
  }

  const groups: (GroupPlan & { ownStep: number; ownEpoch: number })[] = [];
  const groupOf = new Map<string, number>();
  const group = (run: string): number => {
    let g = groupOf.get(run);
    if (g === undefined) {
      g = groups.push({ name: run, stepCol: -1, epochCol: -1, ownStep: -1, ownEpoch: -1 }) - 1;
      groupOf.set(run, g);
    }
    return g;
  };
  const metrics: MetricPlan[] = [];

  header.forEach((name, col) => {
    if (col === globalStep || col === globalEpoch || col === globalTime) return;
    const parts = splitColumn(name);
    if (parts === undefined) {
      // A plain column next to the run columns: a metric of the file's own run, or another x.
      if (axisOfName(name) !== undefined) return;
      metrics.push({ col, group: group(defaultRun), name });
      return;
    }
    // Bucket extremes of W&B's sampled export, not logged values.
    if (EXTREME.test(parts.metric)) return;
    const g = group(parts.run);
    const kind = axisOfName(parts.metric);
    if (kind === 'time') return;
    if (kind === 'step') {
      if (groups[g].ownStep < 0) groups[g].ownStep = col;
      return;
    }
    if (kind === 'epoch') {
      if (groups[g].ownEpoch < 0) groups[g].ownEpoch = col;
      return;
    }
    metrics.push({ col, group: g, name: parts.metric });
  });

  for (const g of groups) {
    g.stepCol = g.ownStep >= 0 ? g.ownStep : globalStep;
    g.epochCol = g.ownEpoch >= 0 ? g.ownEpoch : globalEpoch;
  }
  if (groups.length === 0) groups.push({ name: defaultRun, stepCol: globalStep, epochCol: globalEpoch, ownStep: -1, ownEpoch: -1 });

  return { groups, metrics };
}

export const wandbCsvParser: LogParser = defineParser({
  id: 'wandb-csv',
  description: 'Weights & Biases chart CSV export ("<run> - <metric>" columns with __MIN/__MAX; one run per prefix)',
  sniff(head, fileName) {
    const t = sniffTable(head);
    if (!t || t.header.length < 2) return 0;
    const split = t.header.filter((h) => splitColumn(h) !== undefined);
    if (split.length === 0) return 0;
    if (split.some((h) => EXTREME.test(h))) return 0.9;
    // Without the __MIN/__MAX tell-tale, ask for mostly run columns and a numeric first row.
    const row = t.rows[0];
    if (!row || numericShare(row) < 0.5 || !t.consistent) return 0;
    if (split.length < (t.header.length - 1) / 2) return 0;
    return /wandb/i.test(fileName) ? 0.85 : 0.6;
  },
  parse(input) {
    const defaultRun = stem(input.name);
    const fast = collectFast(input, (header) => wandbPlan(header, defaultRun));
    if (fast) return { format: 'wandb-csv', runs: fast };
    const table = openTable(input);
    const runs = collect(table, wandbPlan(table.header, defaultRun));
    return { format: 'wandb-csv', runs };
  },
});
