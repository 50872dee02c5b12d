/**
 * Several runs appended to one file: a Keras CSVLogger with append=True, a text log of a sweep,
 * sessions of a script run again and again. Pure.
 *
 * Rule: where the epoch (else the step) of the file's main series goes back to the first value
 * the file logged, or below it, a new run starts; every series is cut at the source lines where
 * that happens. A resume that goes back to a later epoch (a checkpoint reloaded) continues the same
 * run and is merged as before (later points replace earlier ones). Each split is warned once.
 */
import type { ParseWarning, RawMetric, RawRun } from '../core/types.js';

/** The x a metric is logged against in file order: its epochs when it has any, else its steps. */
function xOf(m: RawMetric): Float64Array | undefined {
  const finite = (a: Float64Array | undefined) => a !== undefined && a.some(Number.isFinite);
  if (finite(m.epoch)) return m.epoch;
  if (finite(m.step)) return m.step;
  return undefined;
}

interface Restart {
  /** Source line where the new run starts. */
  line: number;
  from: number;
  to: number;
}

/**
 * Lines where the reference series starts again at (or below) its first x. A log whose x never
 * repeats is out of order rather than restarted (build-run sorts it), so it has none.
 */
function restartsOf(x: Float64Array, line: Int32Array): Restart[] {
  // Most logs never go back: settle that without building a set of every x.
  let back = false;
  let last = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    if (!Number.isFinite(v)) continue;
    if (v < last) {
      back = true;
      break;
    }
    last = v;
  }
  if (!back) return [];
  const seen = new Set<number>();
  let repeats = false;
  for (const v of x) {
    if (!Number.isFinite(v)) continue;
    if (seen.has(v)) {
      repeats = true;
      break;
    }
    seen.add(v);
  }
  if (!repeats) return [];
  const out: Restart[] = [];
  let first = Number.NaN;
  let prev = Number.NaN;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v < prev && v <= first) out.push({ line: line[i], from: prev, to: v });
    prev = v;
  }
  return out;
}

/** The points of `m` at the indexes `keep` (ascending), as a new metric of the same arrays. */
export function pickPoints(m: RawMetric, keep: readonly number[]): RawMetric {
  const take = <T extends Float64Array | Int32Array>(a: T | undefined): T | undefined => {
    if (!a) return undefined;
    const out = new (a.constructor as new (n: number) => T)(keep.length);
    for (let j = 0; j < keep.length; j++) out[j] = a[keep[j]];
    return out;
  };
  const out: RawMetric = { name: m.name, value: take(m.value)! };
  const step = take(m.step);
  const epoch = take(m.epoch);
  const line = take(m.line);
  if (step) out.step = step;
  if (epoch) out.epoch = epoch;
  if (line) out.line = line;
  if (m.roleHint) out.roleHint = m.roleHint;
  return out;
}

/** Index of the segment a source line belongs to (starts: ascending first lines of runs 2…). */
function segmentOf(line: number, starts: readonly number[]): number {
  // Binary search: a log that restarts every few lines has as many starts as points.
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (line >= starts[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The runs of one parsed file: `[raw]` when it holds one run (or its points carry no source
 * lines to cut at), else one RawRun per appended run, in file order.
 */
export function splitAppendedRuns(raw: RawRun): RawRun[] {
  const candidates = raw.metrics.filter((m) => m.line !== undefined && xOf(m) !== undefined);
  if (candidates.length === 0 || candidates.length < raw.metrics.length) return [raw];
  // The series with the most points sets the boundaries (sparser ones, like validation, follow it).
  const reference = candidates.reduce((a, b) => (b.value.length > a.value.length ? b : a));
  const restarts = restartsOf(xOf(reference)!, reference.line!);
  if (restarts.length === 0) return [raw];
  const starts = restarts.map((r) => r.line);
  const parts: RawRun[] = starts.concat(Number.POSITIVE_INFINITY).map(() => ({ name: raw.name, metrics: [], warnings: [] }));
  for (const m of raw.metrics) {
    const keep: number[][] = parts.map(() => []);
    for (let i = 0; i < m.value.length; i++) keep[segmentOf(m.line![i], starts)].push(i);
    keep.forEach((idx, k) => {
      if (idx.length > 0) parts[k].metrics.push(pickPoints(m, idx));
    });
  }
  const boundary = new Set(starts);
  for (const w of raw.warnings) {
    // The parser's "goes back" at a boundary is the split itself, warned below.
    if (w.code === 'restart' && w.line !== undefined && boundary.has(w.line)) continue;
    parts[w.line === undefined ? 0 : segmentOf(w.line, starts)].warnings.push(w);
  }
  const axis = reference.epoch !== undefined && xOf(reference) === reference.epoch ? 'epoch' : 'step';
  restarts.forEach((r, k) => {
    const warning: ParseWarning = {
      code: 'split',
      line: r.line,
      message: `${axis} starts again at ${r.to} after ${r.from}: an appended run, read as run #${k + 2} of ${parts.length} in this file`,
    };
    parts[k + 1].warnings.unshift(warning);
  });
  if (raw.hyperparameters) for (const p of parts) p.hyperparameters = raw.hyperparameters;
  return parts.filter((p) => p.metrics.length > 0);
}
