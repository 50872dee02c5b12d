/**
 * What a learning-rate series does: warm-up, step decays, restarts / cycles, smooth decay shape.
 * Pure and linear in the number of logged values, so any rule can ask for it as evidence
 * ("the loss blew up right after the LR rose", "the plateau ended at an LR drop").
 */
import type { Series } from './types.js';

/** Consecutive logged values that differ by at least this factor are a step (decay or rise). */
export const STEP_FACTOR = 2;
/** Float32 logs store 5e-4 as 0.0005000000237: compare factors with this slack. */
const FACTOR_SLACK = 1e-3;
/** Relative differences below this are float noise, not a change of the learning rate. */
const SAME = 1e-3;

/** One abrupt change of the learning rate between two consecutive logged values. */
export interface LrStep {
  /** x of the first value at the new learning rate. */
  x: number;
  /** x of the last value at the old learning rate. */
  prevX: number;
  from: number;
  to: number;
  /** ≥ 1: from/to for a drop, to/from for a rise (Infinity when one side is 0). */
  factor: number;
}

export interface LrWarmup {
  /** x range of the rise: first logged value → first value at the peak. */
  from: number;
  to: number;
  startValue: number;
  peakValue: number;
  /** Share of the lr series' x span the warm-up takes. */
  share: number;
}

export interface LrCycles {
  /** Number of rises after the first peak (each starts a new cycle). */
  restarts: number;
  /** x of each peak, the first one included. */
  peaks: number[];
  /** Median distance between consecutive peaks. */
  period: number;
}

export type LrDecayShape = 'none' | 'step' | 'linear' | 'cosine' | 'exponential' | 'smooth';

export interface LrSchedule {
  series: string;
  n: number;
  span: [number, number];
  first: number;
  last: number;
  peak: { x: number; value: number };
  min: number;
  /** The learning rate never changes by more than float noise. */
  constant: boolean;
  warmup?: LrWarmup;
  /** Step decays: drops by a factor ≥ 2 between consecutive logged values, abrupt against their neighbours. */
  drops: LrStep[];
  /** Abrupt rises by a factor ≥ 2 after the warm-up (warm restarts). */
  rises: LrStep[];
  /** Two or more rises back up after a decay: a cyclic schedule (SGDR, cyclic LR). */
  cycles?: LrCycles;
  /** How the learning rate comes down after its peak. */
  decay: LrDecayShape;
}

function finite(lr: Series): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < lr.y.length; i++) {
    if (Number.isFinite(lr.y[i]) && lr.y[i] >= 0) {
      x.push(lr.x[i]);
      y.push(lr.y[i]);
    }
  }
  return { x, y };
}

function ratio(a: number, b: number): number {
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  return lo > 0 ? hi / lo : hi > 0 ? Number.POSITIVE_INFINITY : 1;
}

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= SAME * Math.max(Math.abs(a), Math.abs(b));
}

/** Several rules ask for the same series' schedule: detect it once (series are never mutated). */
const schedules = new WeakMap<Series, LrSchedule | null>();

/** Detect the schedule of a learning-rate series; undefined when it has fewer than 3 usable values. */
export function detectLrSchedule(lr: Series): LrSchedule | undefined {
  let schedule = schedules.get(lr);
  if (schedule === undefined) {
    schedule = scheduleOf(lr) ?? null;
    schedules.set(lr, schedule);
  }
  return schedule ?? undefined;
}

function scheduleOf(lr: Series): LrSchedule | undefined {
  const { x, y } = finite(lr);
  const n = y.length;
  if (n < 3) return undefined;
  let peakIndex = 0;
  let min = y[0];
  for (let i = 1; i < n; i++) {
    if (y[i] > y[peakIndex] * (1 + SAME)) peakIndex = i;
    if (y[i] < min) min = y[i];
  }
  const peakValue = y[peakIndex];
  const span: [number, number] = [x[0], x[n - 1]];
  const width = span[1] - span[0] || 1;
  const constant = peakValue === 0 || y.every((v) => same(v, peakValue));
  const base: LrSchedule = {
    series: lr.name,
    n,
    span,
    first: y[0],
    last: y[n - 1],
    peak: { x: x[peakIndex], value: peakValue },
    min,
    constant,
    drops: [],
    rises: [],
    decay: 'none',
  };
  if (constant) return base;

  // Warm-up: a monotone rise from the first value to the first peak, then no further rise for a while.
  let warmup: LrWarmup | undefined;
  let top = 0;
  while (top + 1 < n && y[top + 1] >= y[top] * (1 - SAME)) {
    top++;
    if (same(y[top], peakValue)) break;
  }
  const risesToPeak = same(y[top], peakValue) || y[top] >= 0.9 * peakValue;
  if (top > 0 && risesToPeak && ratio(y[0], y[top]) >= STEP_FACTOR * (1 - FACTOR_SLACK) && y[top] > y[0]) {
    // First index at the peak level (a warm-up ends when the top is reached).
    let end = 0;
    while (end < top && y[end] < y[top] * (1 - SAME)) end++;
    const after = x[n - 1] - x[end];
    if (end > 0 && after >= 0.1 * width) {
      warmup = { from: x[0], to: x[end], startValue: y[0], peakValue: y[end], share: (x[end] - x[0]) / width };
    }
  }
  const warmEnd = warmup ? x.indexOf(warmup.to) : 0;

  // Abrupt steps between consecutive values.
  const drops: LrStep[] = [];
  const rises: LrStep[] = [];
  for (let i = Math.max(0, warmEnd); i + 1 < n; i++) {
    const a = y[i];
    const b = y[i + 1];
    const f = ratio(a, b);
    if (f < STEP_FACTOR * (1 - FACTOR_SLACK)) continue;
    const change = Math.abs(b - a);
    const before = i > 0 ? Math.abs(y[i] - y[i - 1]) : 0;
    const next = i + 2 < n ? Math.abs(y[i + 2] - y[i + 1]) : 0;
    // A linear decay to 0 halves between its last values too; a step stands out from its neighbours.
    if (change < 3 * Math.max(before, next)) continue;
    const step: LrStep = { x: x[i + 1], prevX: x[i], from: a, to: b, factor: f };
    if (b < a) drops.push(step);
    else rises.push(step);
  }

  // Cycles: reversals of at least STEP_FACTOR between alternating extremes (zig-zag with hysteresis).
  const peaks: number[] = [];
  let restarts = 0;
  {
    let dir = 0; // +1 rising towards a peak, -1 falling towards a trough
    let extreme = y[0];
    let extremeX = x[0];
    for (let i = 1; i < n; i++) {
      const v = y[i];
      if (dir >= 0) {
        if (v >= extreme) {
          extreme = v;
          extremeX = x[i];
        } else if (ratio(extreme, v) >= STEP_FACTOR * (1 - FACTOR_SLACK)) {
          peaks.push(extremeX);
          if (dir === 1 && peaks.length > 1) restarts++;
          dir = -1;
          extreme = v;
          extremeX = x[i];
        }
      } else if (v <= extreme) {
        extreme = v;
        extremeX = x[i];
      } else if (ratio(extreme, v) >= STEP_FACTOR * (1 - FACTOR_SLACK)) {
        dir = 1;
        extreme = v;
        extremeX = x[i];
      }
    }
    if (dir === 1 && peaks.length > 0) {
      // Still rising at the end: the last rise counts as a restart once it has doubled.
      peaks.push(extremeX);
      restarts++;
    }
  }
  let cycles: LrCycles | undefined;
  if (restarts >= 2 && peaks.length >= 3) {
    const gaps = peaks.slice(1).map((p, i) => p - peaks[i]).sort((a, b) => a - b);
    cycles = { restarts, peaks, period: gaps[gaps.length >> 1] };
  }

  return {
    ...base,
    ...(warmup ? { warmup } : {}),
    drops,
    rises,
    ...(cycles ? { cycles } : {}),
    decay: cycles ? 'none' : decayShape(x, y, peakIndex, drops.length > 0),
  };
}

/** Shape of the decay from the peak to the end: step, linear, cosine, exponential or just smooth. */
function decayShape(x: number[], y: number[], peakIndex: number, hasDrops: boolean): LrDecayShape {
  if (hasDrops) return 'step';
  const n = y.length;
  const peak = y[peakIndex];
  const end = y[n - 1];
  if (n - peakIndex < 4 || end > 0.8 * peak) return 'none';
  const x0 = x[peakIndex];
  const w = x[n - 1] - x0 || 1;
  const errors = { linear: 0, cosine: 0, exponential: 0 };
  const logOk = end > 0;
  for (let i = peakIndex; i < n; i++) {
    const u = (x[i] - x0) / w;
    const r = (y[i] - end) / (peak - end || 1);
    errors.linear += Math.abs(r - (1 - u));
    errors.cosine += Math.abs(r - (1 + Math.cos(Math.PI * u)) / 2);
    if (logOk) {
      const lr = Math.log(y[i] / end) / Math.log(peak / end || Math.E);
      errors.exponential += Math.abs(lr - (1 - u));
    } else errors.exponential = Number.POSITIVE_INFINITY;
  }
  const m = n - peakIndex;
  const best = (Object.entries(errors) as Array<[LrDecayShape, number]>).sort((a, b) => a[1] - b[1])[0];
  return best[1] / m <= 0.05 ? best[0] : 'smooth';
}

/** The learning-rate step (drop or rise) closest to x within `tolerance` x units, if any. */
export function stepNear(steps: readonly LrStep[], x: number, tolerance: number): LrStep | undefined {
  let best: LrStep | undefined;
  for (const s of steps) {
    const d = x < s.prevX ? s.prevX - x : x > s.x ? x - s.x : 0;
    if (d <= tolerance && (!best || d < Math.abs(best.x - x))) best = s;
  }
  return best;
}
