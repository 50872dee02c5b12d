/**
 * What a run is compared with: the baseline run, both analyses, and the measures the baseline
 * rules (rules/regression-*.ts) read: the two runs' primary losses aligned on their common x range,
 * and where each first turned NaN/Inf. Pure: runs and reports in, numbers out.
 */
import type { RunReport } from './report-schema.js';
import { finitePoints } from './stats/decimate.js';
import { median, rollingMedian } from './stats/robust.js';
import type { Axis, Run, Series, Severity } from './types.js';

/** Relative worsening (0.1 = 10 % worse than the baseline) that makes a warning / an error; null = never. */
export interface Tolerance {
  warning: number | null;
  error: number | null;
}

export interface CompareTolerances {
  /** Loss level at the end of the common x range (median of its last 10 %). */
  finalLoss: Tolerance;
  /** Lowest (smoothed) loss over the common x range. */
  bestLoss: Tolerance;
  /** Mean relative gap between the two curves over the common x range (signed: noise cancels). */
  curveArea: Tolerance;
}

/**
 * Defaults. tt-blacksmith#311 notifies at a relative error of 0.1 against one reference run and
 * fails the job at a final-loss relative error of 0.5; SkyRL PR#1199 uses ±5 % around a band made of
 * the last 10 CI runs (a band already absorbs run-to-run noise, one reference run does not).
 * So: +10 % warns, +50 % fails; the whole-curve gap only warns.
 */
export const DEFAULT_TOLERANCES: CompareTolerances = {
  finalLoss: { warning: 0.1, error: 0.5 },
  bestLoss: { warning: 0.1, error: 0.5 },
  curveArea: { warning: 0.1, error: null },
};

/** A run with its analysis: the points for alignment, the report for verdict and findings. */
export interface AnalyzedRun {
  run: Run;
  report: RunReport;
}

const CURVE_ROLES = ['train', 'val'] as const;
type CurveRole = (typeof CURVE_ROLES)[number];

/** Why two runs' curves cannot be compared (the not-comparable rule words it). */
export type NotComparableReason =
  | { kind: 'different-axes'; current: Axis; baseline: Axis }
  | { kind: 'short-overlap'; current: string; baseline: string; axis: Axis }
  | { kind: 'no-common-loss' };

/** A run and the reference it is compared with: what the baseline rules read from RuleContext.baseline. */
export interface Baseline {
  /** This run with its analysis (its verdict and findings are compared too). */
  current: AnalyzedRun;
  /** The baseline run with its analysis; undefined when no baseline run matches this one. */
  reference?: AnalyzedRun;
  /** The primary train / val losses of both runs aligned on their common x range. */
  curves: CurveComparison[];
  /** Why some (or all) primary losses could not be aligned. */
  notComparable: NotComparableReason[];
}

/** Tolerances given in part: missing keys and levels take the defaults. */
export type PartialTolerances = { [K in keyof CompareTolerances]?: Partial<Tolerance> };

/** Resolve partial tolerances over the defaults. */
export function resolveTolerances(options: PartialTolerances = {}): CompareTolerances {
  return {
    finalLoss: { ...DEFAULT_TOLERANCES.finalLoss, ...options.finalLoss },
    bestLoss: { ...DEFAULT_TOLERANCES.bestLoss, ...options.bestLoss },
    curveArea: { ...DEFAULT_TOLERANCES.curveArea, ...options.curveArea },
  };
}

/** Severity of a relative worsening under a tolerance, or undefined when within it. */
export function severityFor(rel: number, tol: Tolerance): Severity | undefined {
  if (Number.isNaN(rel)) return undefined;
  if (tol.error !== null && rel > tol.error) return 'error';
  if (tol.warning !== null && rel > tol.warning) return 'warning';
  return undefined;
}

/** Relative difference, worse (higher loss) positive. */
export function relDiff(current: number, baseline: number): number {
  const d = current - baseline;
  const scale = Math.abs(baseline);
  if (scale > 1e-12) return d / scale;
  return d > 1e-12 ? Number.POSITIVE_INFINITY : d < -1e-12 ? Number.NEGATIVE_INFINITY : 0;
}

const MAX_GRID = 1000;
const MIN_COMMON_POINTS = 3;

/** Linear interpolation of sorted (x, y) at t (t inside [x0, xn]). */
function interpolate(x: Float64Array, y: Float64Array, t: number, start: number): { value: number; index: number } {
  let i = start;
  while (i < x.length - 2 && x[i + 1] < t) i++;
  const x0 = x[i];
  const x1 = x[i + 1] ?? x0;
  if (x1 === x0) return { value: y[i], index: i };
  const w = Math.min(1, Math.max(0, (t - x0) / (x1 - x0)));
  return { value: y[i] + w * (y[i + 1] - y[i]), index: i };
}

function resample(pts: { x: Float64Array; y: Float64Array }, grid: Float64Array): Float64Array {
  const out = new Float64Array(grid.length);
  let index = 0;
  for (let g = 0; g < grid.length; g++) {
    const r = interpolate(pts.x, pts.y, grid[g], index);
    out[g] = r.value;
    index = r.index;
  }
  return out;
}

function countIn(x: Float64Array, lo: number, hi: number): number {
  let n = 0;
  for (const v of x) if (v >= lo && v <= hi) n++;
  return n;
}

/** One role's curves aligned on a common grid, with the measures the gate uses. */
export interface CurveComparison {
  role: CurveRole;
  current: string;
  baseline: string;
  axis: Axis;
  from: number;
  to: number;
  points: number;
  final: { current: number; baseline: number; rel: number };
  best: { current: number; baseline: number; rel: number; x: number };
  area: { rel: number };
}

/**
 * Align two curves on their common x range (linear interpolation on an even grid as fine as the
 * denser curve, at most 1000 points) and measure final level, best level and mean relative gap.
 * Undefined when they share fewer than 3 points' worth of range.
 */
export function compareCurves(current: Series, baseline: Series, role: CurveRole = 'train'): CurveComparison | undefined {
  const a = finitePoints(current.x, current.y);
  const b = finitePoints(baseline.x, baseline.y);
  if (a.x.length < 2 || b.x.length < 2) return undefined;
  const lo = Math.max(a.x[0], b.x[0]);
  const hi = Math.min(a.x[a.x.length - 1], b.x[b.x.length - 1]);
  if (!(hi > lo)) return undefined;
  const na = countIn(a.x, lo, hi);
  const nb = countIn(b.x, lo, hi);
  if (na < MIN_COMMON_POINTS || nb < MIN_COMMON_POINTS) return undefined;
  const size = Math.min(MAX_GRID, Math.max(na, nb));
  const grid = new Float64Array(size);
  for (let g = 0; g < size; g++) grid[g] = lo + ((hi - lo) * g) / (size - 1);
  const ya = resample(a, grid);
  const yb = resample(b, grid);
  // A light smoothing (about 5 % of the range) so one noisy point does not decide best or area.
  const window = 2 * Math.floor(size / 40) + 1;
  const sa = rollingMedian(ya, window);
  const sb = rollingMedian(yb, window);

  const tail = Math.max(1, Math.ceil(size * 0.1));
  const finalA = median(ya.subarray(size - tail));
  const finalB = median(yb.subarray(size - tail));
  let bestA = Number.POSITIVE_INFINITY;
  let bestAx = lo;
  let bestB = Number.POSITIVE_INFINITY;
  let gap = 0;
  for (let g = 0; g < size; g++) {
    if (sa[g] < bestA) {
      bestA = sa[g];
      bestAx = grid[g];
    }
    bestB = Math.min(bestB, sb[g]);
    const r = relDiff(sa[g], sb[g]);
    gap += Number.isFinite(r) ? r : 0;
  }
  return {
    role,
    current: current.name,
    baseline: baseline.name,
    axis: current.axis,
    from: lo,
    to: hi,
    points: size,
    final: { current: finalA, baseline: finalB, rel: relDiff(finalA, finalB) },
    best: { current: bestA, baseline: bestB, rel: relDiff(bestA, bestB), x: bestAx },
    area: { rel: gap / size },
  };
}

function primarySeries(run: Run, role: CurveRole): Series | undefined {
  const name = run.primary[role];
  return name ? run.series.find((s) => s.name === name) : undefined;
}

/** Pair a run with its reference: align their primary losses, or say why they cannot be aligned. */
export function baselineOf(current: AnalyzedRun, reference: AnalyzedRun | undefined): Baseline {
  const curves: CurveComparison[] = [];
  const notComparable: NotComparableReason[] = [];
  if (!reference) return { current, curves, notComparable };
  if (current.run.axis !== reference.run.axis) {
    notComparable.push({ kind: 'different-axes', current: current.run.axis, baseline: reference.run.axis });
  } else {
    for (const role of CURVE_ROLES) {
      const a = primarySeries(current.run, role);
      const b = primarySeries(reference.run, role);
      if (!a || !b) continue;
      const c = compareCurves(a, b, role);
      if (c) curves.push(c);
      else notComparable.push({ kind: 'short-overlap', current: a.name, baseline: b.name, axis: a.axis });
    }
    if (curves.length === 0 && notComparable.length === 0) notComparable.push({ kind: 'no-common-loss' });
  }
  return { current, reference, curves, notComparable };
}

/** x of the first non-finite value of the run's primary train/val losses, or undefined. */
function firstNonFinite(report: RunReport): number | undefined {
  let first: number | undefined;
  for (const s of report.series) {
    if (s.primary !== 'train' && s.primary !== 'val') continue;
    const x = s.nonFinite.first?.x;
    if (x !== null && x !== undefined && (first === undefined || x < first)) first = x;
  }
  return first;
}

/** Verdicts that mean the run failed to train. */
const BROKEN_VERDICTS = new Set(['diverging', 'not-learning']);

/**
 * How this run diverged where its baseline did not: a broken verdict the baseline did not have,
 * or a loss that turned NaN/Inf earlier than the baseline's (or where the baseline's never did).
 */
export function divergence(b: Baseline): { kind: 'verdict' | 'non-finite'; at?: number; baselineAt?: number } | undefined {
  if (!b.reference) return undefined;
  const at = firstNonFinite(b.current.report);
  const baselineAt = firstNonFinite(b.reference.report);
  const where = { ...(at !== undefined ? { at } : {}), ...(baselineAt !== undefined ? { baselineAt } : {}) };
  if (BROKEN_VERDICTS.has(b.current.report.verdict.id) && !BROKEN_VERDICTS.has(b.reference.report.verdict.id)) return { kind: 'verdict', ...where };
  if (at !== undefined && (baselineAt === undefined || at < baselineAt)) return { kind: 'non-finite', ...where };
  return undefined;
}
