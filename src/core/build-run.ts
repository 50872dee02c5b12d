import { inferKind, inferRole, totalLossScore } from './roles.js';
import type { Axis, FormatId, ParseWarning, RawMetric, RawRun, Role, Run, Series } from './types.js';

export interface BuildOptions {
  /** Force the x axis; by default step when the log has steps, else epoch. */
  x?: Axis;
  /** Column names to use as the train / val / test loss (several = components to sum). */
  train?: string[];
  val?: string[];
  test?: string[];
}

const MAX_RESTART_WARNINGS = 5;

/** Turn a parser's raw metrics into a Run: one x axis, restarts resolved, roles and kinds set. */
export function buildRun(raw: RawRun, format: FormatId, sources: string[], options: BuildOptions = {}): Run {
  const warnings: ParseWarning[] = [...raw.warnings];
  const axis = options.x ?? chooseAxis(raw.metrics);
  const overrides = roleOverrides(options);
  const restartLines = new Map<number, { from: number; to: number }>();
  const series: Series[] = [];
  let missingAxis = 0;

  const axes = raw.metrics.map((metric) => axisValues(metric, axis, raw.metrics));
  // Metrics of one table share their x array: look at each array once.
  const orders = new Map<Float64Array, XOrder>();
  const orderOf = (xs: Float64Array): XOrder => {
    let order = orders.get(xs);
    if (!order) orders.set(xs, (order = xOrder(xs)));
    return order;
  };
  // x going back with no x ever logged twice is a log written out of order (rows sorted some
  // other way, async loggers), not a restart: nothing is there to replace, so sort instead.
  const unordered =
    axes.some((xs) => xs !== undefined && orderOf(xs).firstBackward >= 0) && axes.every((xs) => xs === undefined || !hasRepeatedX(xs));
  let unorderedAt: { metric: RawMetric; index: number } | undefined;

  /** Points left out for their x (non-finite) or folded into the previous one (same x), counted once per x array. */
  const defects = new Map<Float64Array, AxisDefects>();

  raw.metrics.forEach((metric, m) => {
    const xs = axes[m];
    if (!xs) {
      missingAxis++;
      return;
    }
    const order = orderOf(xs);
    if (!order.clean && !defects.has(xs)) defects.set(xs, axisDefects(xs, metric, metric.step !== undefined && xs === metric.epoch));
    if (unordered && !unorderedAt && order.firstBackward >= 0) unorderedAt = { metric, index: order.firstBackward };
    const cleaned = unordered
      ? sortByX(xs, metric.value)
      : order.clean && xs.length === metric.value.length
        ? { x: xs, y: metric.value } // already clean: the arrays are used as they are, no copies
        : resolveRestarts(xs, metric, restartLines);
    if (cleaned.x.length === 0) return;
    const overridden = overrides.get(metric.name);
    series.push({
      name: metric.name,
      role: overridden ?? inferRole(metric.name, metric.roleHint),
      kind: overridden ? 'loss' : inferKind(metric.name),
      axis,
      x: cleaned.x,
      y: cleaned.y,
    });
  });

  if (unorderedAt) {
    const { metric, index } = unorderedAt;
    const line = metric.line ? metric.line[index] : undefined;
    warnings.push({
      code: 'unordered',
      ...(line !== undefined ? { line } : {}),
      message: `${axis} is out of order (no ${axis} appears twice, so this is not a restart): the points are read in ${axis} order`,
    });
  }
  warnings.push(...defectWarnings([...defects.values()], axis));
  if (missingAxis > 0) {
    warnings.push({
      code: 'no-axis',
      message: `${missingAxis} metric(s) have no ${axis} values and were left out (try --x ${axis === 'step' ? 'epoch' : 'step'})`,
    });
  }
  // A restart the parser already reported at that line is reported once.
  const known = new Set(raw.warnings.filter((w) => w.code === 'restart' && w.line !== undefined).map((w) => w.line));
  for (const line of known) restartLines.delete(line as number);
  // One restart seen by several series on neighbouring lines (one record per tag) is one restart.
  let previous: { line: number; from: number; to: number } | undefined;
  for (const [line, r] of [...restartLines].sort((a, b) => a[0] - b[0])) {
    if (previous && previous.from === r.from && previous.to === r.to && line - previous.line <= raw.metrics.length) restartLines.delete(line);
    else previous = { line, ...r };
  }
  let reported = 0;
  for (const [line, { from, to }] of [...restartLines].sort((a, b) => a[0] - b[0])) {
    if (reported++ >= MAX_RESTART_WARNINGS) {
      warnings.push({ code: 'restart', message: `${restartLines.size - MAX_RESTART_WARNINGS} more restarts` });
      break;
    }
    warnings.push({
      code: 'restart',
      line,
      message: `${axis} goes back from ${fmt(from)} to ${fmt(to)} (a resumed or appended run): later points replace earlier ones from ${axis} ${fmt(to)} on`,
    });
  }
  for (const name of overrides.keys()) {
    if (!series.some((s) => s.name === name)) {
      warnings.push({ code: 'unknown-column', message: `column "${name}" given as a role override is not in the log` });
    }
  }

  const primary: Run['primary'] = {};
  for (const role of ['train', 'val', 'test'] as const) {
    const chosen = choosePrimary(series, role, options[role]);
    if (chosen) {
      if (!series.includes(chosen)) series.push(chosen);
      primary[role] = chosen.name;
    }
  }
  const epochAt = epochMapping(raw.metrics, axis, primary.train);
  return {
    name: raw.name,
    sources,
    format,
    axis,
    series,
    primary,
    warnings,
    ...(epochAt ? { epochAt } : {}),
    ...(raw.hyperparameters?.length ? { hyperparameters: raw.hyperparameters } : {}),
  };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

function roleOverrides(options: BuildOptions): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const role of ['train', 'val', 'test'] as const) {
    for (const name of options[role] ?? []) map.set(name, role);
  }
  return map;
}

function hasFinite(values: Float64Array | undefined): boolean {
  if (!values) return false;
  for (const v of values) if (Number.isFinite(v)) return true;
  return false;
}

function chooseAxis(metrics: RawMetric[]): Axis {
  const losses = metrics.filter((m) => inferKind(m.name) === 'loss');
  const pool = losses.length ? losses : metrics;
  if (pool.some((m) => hasFinite(m.step))) return 'step';
  if (pool.some((m) => hasFinite(m.epoch))) return 'epoch';
  return 'step';
}

/**
 * x of every point on the chosen axis. A metric without that axis falls back to the other one
 * when the log has no point on the chosen axis at all, else to its source line order.
 */
function axisValues(metric: RawMetric, axis: Axis, all: RawMetric[]): Float64Array | undefined {
  const own = axis === 'step' ? metric.step : metric.epoch;
  if (hasFinite(own)) return own;
  const anyHasAxis = all.some((m) => hasFinite(axis === 'step' ? m.step : m.epoch));
  if (anyHasAxis) return undefined;
  if (metric.line) return Float64Array.from(metric.line, (l) => l);
  return Float64Array.from(metric.value, (_, i) => i);
}

interface XOrder {
  /** Index of the first finite x below the largest finite x before it, or -1 when x never goes back. */
  firstBackward: number;
  /** Every x finite and strictly increasing. */
  clean: boolean;
}

function xOrder(xs: Float64Array): XOrder {
  let max = Number.NEGATIVE_INFINITY;
  let clean = true;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!Number.isFinite(x)) {
      clean = false;
      continue;
    }
    if (x < max) return { firstBackward: i, clean: false };
    if (x === max) clean = false;
    max = x;
  }
  return { firstBackward: -1, clean };
}

interface AxisDefects {
  nonFinite: number;
  nonFiniteLine?: number;
  /** Points whose x equals the one just before (not averaged): only the last of them is kept. */
  repeated: number;
  repeatedLine?: number;
  finite: number;
}

function axisDefects(xs: Float64Array, metric: RawMetric, averaged: boolean): AxisDefects {
  const out: AxisDefects = { nonFinite: 0, repeated: 0, finite: 0 };
  const lineAt = (i: number) => (metric.line ? metric.line[i] : i + 1);
  let prev = Number.NaN;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!Number.isFinite(x)) {
      if (out.nonFinite++ === 0) out.nonFiniteLine = lineAt(i);
      continue;
    }
    out.finite++;
    if (x === prev && !averaged && out.repeated++ === 0) out.repeatedLine = lineAt(i);
    prev = x;
  }
  return out;
}

/** One warning per kind of defect, summed over the run's x arrays. */
function defectWarnings(all: AxisDefects[], axis: Axis): ParseWarning[] {
  const out: ParseWarning[] = [];
  const nonFinite = all.reduce((n, d) => n + d.nonFinite, 0);
  const repeated = all.reduce((n, d) => n + d.repeated, 0);
  if (nonFinite > 0) {
    const line = all.find((d) => d.nonFiniteLine !== undefined)?.nonFiniteLine;
    out.push({
      code: 'non-finite-x',
      ...(line !== undefined ? { line } : {}),
      message: `${nonFinite} point(s) have no finite ${axis} (empty, NaN or infinite) and were left out`,
    });
  }
  if (repeated > 0) {
    const line = all.find((d) => d.repeatedLine !== undefined)?.repeatedLine;
    const everyOne = all.every((d) => d.finite === 0 || d.repeated === d.finite - 1);
    out.push({
      code: 'repeated-x',
      ...(line !== undefined ? { line } : {}),
      message: everyOne
        ? `every point has the same ${axis}: ${repeated + 1} point(s) were read as one (the last value)`
        : `${repeated} point(s) repeat the ${axis} just before them and were folded into one (the last value)`,
    });
  }
  return out;
}

/** True when some finite x occurs more than once. */
function hasRepeatedX(xs: Float64Array): boolean {
  const finite = Float64Array.from(xs).filter(Number.isFinite).sort();
  for (let i = 1; i < finite.length; i++) if (finite[i] === finite[i - 1]) return true;
  return false;
}

/** The points with a finite x, in x order (x all distinct). */
function sortByX(xs: Float64Array, ys: Float64Array): { x: Float64Array; y: Float64Array } {
  const idx: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) idx.push(i);
  idx.sort((a, b) => xs[a] - xs[b]);
  return { x: Float64Array.from(idx, (i) => xs[i]), y: Float64Array.from(idx, (i) => ys[i]) };
}

/**
 * Walk the points in file order. Where x goes backwards, the later segment replaces the earlier
 * points from that x on (TensorBoard's behaviour after a restart); a repeated x keeps the last
 * value, except that repeated epochs of a per-step log on the epoch axis are averaged.
 */
function resolveRestarts(
  xs: Float64Array,
  metric: RawMetric,
  restartLines: Map<number, { from: number; to: number }>,
): { x: Float64Array; y: Float64Array } {
  const n = xs.length;
  const outX = new Float64Array(n);
  const outY = new Float64Array(n);
  const counts = new Float64Array(n);
  let len = 0;
  const averageTies = metric.step !== undefined && xs === metric.epoch;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (!Number.isFinite(x)) continue;
    const y = metric.value[i];
    if (len > 0 && x < outX[len - 1]) {
      const line = metric.line ? metric.line[i] : i + 1;
      if (!restartLines.has(line)) restartLines.set(line, { from: outX[len - 1], to: x });
      let lo = 0;
      let hi = len;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (outX[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      len = lo;
    }
    if (len > 0 && x === outX[len - 1]) {
      if (averageTies && Number.isFinite(y) && Number.isFinite(outY[len - 1])) {
        counts[len - 1]++;
        outY[len - 1] += (y - outY[len - 1]) / counts[len - 1];
      } else {
        outY[len - 1] = y;
        counts[len - 1] = 1;
      }
      continue;
    }
    outX[len] = x;
    outY[len] = y;
    counts[len] = 1;
    len++;
  }
  return { x: outX.slice(0, len), y: outY.slice(0, len) };
}

/** Words that mark a summable component of a detection-style loss. */
const COMPONENT = /(box|bbox|cls|obj|dfl|rpn|mask|seg|pose|kobj|centerness|iou|giou|reg|ctr)/;

function stripRole(name: string): string {
  return name.toLowerCase().replace(/^(train|training|val|valid|validation|eval|test)[/_.\- ]*/, '');
}

function choosePrimary(series: Series[], role: Role, explicit: string[] | undefined): Series | undefined {
  if (explicit && explicit.length > 0) {
    const parts = series.filter((s) => explicit.includes(s.name));
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : sumSeries(parts, role);
  }
  const candidates = series.filter((s) => s.role === role && s.kind === 'loss' && !s.components);
  if (candidates.length === 0) return undefined;
  const ranked = [...candidates].sort(
    (a, b) => totalLossScore(b.name) - totalLossScore(a.name) || b.x.length - a.x.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const best = ranked[0];
  if (totalLossScore(best.name) > 1) return best;
  const components = candidates.filter((s) => COMPONENT.test(stripRole(s.name)));
  if (components.length >= 2) return sumSeries(components, role);
  return best;
}

/** Sum loss components on the x values they all share. */
function sumSeries(parts: Series[], role: Role): Series {
  let xs = parts[0].x;
  for (const p of parts.slice(1)) {
    const set = new Set(p.x);
    xs = xs.filter((v) => set.has(v));
  }
  const y = new Float64Array(xs.length);
  for (const p of parts) {
    const index = new Map<number, number>();
    p.x.forEach((v, i) => index.set(v, i));
    xs.forEach((v, i) => {
      y[i] += p.y[index.get(v)!];
    });
  }
  return {
    name: `${role} loss (sum of ${parts.map((p) => p.name).join(' + ')})`,
    role,
    kind: 'loss',
    axis: parts[0].axis,
    x: Float64Array.from(xs),
    y,
    components: parts.map((p) => p.name),
  };
}

function epochMapping(metrics: RawMetric[], axis: Axis, trainName: string | undefined): Run['epochAt'] {
  if (axis !== 'step') return undefined;
  const source =
    metrics.find((m) => m.name === trainName && hasFinite(m.epoch) && hasFinite(m.step)) ??
    metrics.find((m) => hasFinite(m.epoch) && hasFinite(m.step));
  if (!source || !source.step || !source.epoch) return undefined;
  const { step, epoch } = source;
  let n = 0;
  let sorted = true;
  let prev = -Infinity;
  for (let i = 0; i < step.length; i++) {
    if (!Number.isFinite(step[i]) || !Number.isFinite(epoch[i])) continue;
    if (step[i] < prev) sorted = false;
    prev = step[i];
    n++;
  }
  if (sorted) {
    // Already in step order (the usual case): no per-point pairs, no sort.
    if (n === step.length) return { x: step, epoch };
    const x = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0, j = 0; i < step.length; i++) {
      if (!Number.isFinite(step[i]) || !Number.isFinite(epoch[i])) continue;
      x[j] = step[i];
      e[j++] = epoch[i];
    }
    return { x, epoch: e };
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < step.length; i++) {
    if (Number.isFinite(step[i]) && Number.isFinite(epoch[i])) pairs.push([step[i], epoch[i]]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  return { x: Float64Array.from(pairs, (p) => p[0]), epoch: Float64Array.from(pairs, (p) => p[1]) };
}
