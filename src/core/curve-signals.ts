/**
 * Signal helpers shared by the shape rules (spikes, staircase, sawtooth, early instability):
 * a log working scale, a near-linear rolling level, epoch boundaries of a per-step log, and the
 * staircase detector. Pure; every function is O(n·small) on raw per-step data.
 */
import { finitePoints } from './stats/decimate.js';
import { mad, median, robustNoise, rollingMedian } from './stats/robust.js';
import { acf } from './stats/trend-tests.js';
import { ForwardWindowMin } from './stats/sliding-min.js';
import type { Run, Series } from './types.js';

/**
 * A curve on the scale its noise is homogeneous on: ln(loss) when every finite value is positive
 * (minibatch noise is multiplicative, and ratios become differences), else undefined —
 * the ratio-based rules need a positive loss.
 */
export interface LogCurve {
  x: Float64Array;
  /** ln(y) */
  v: Float64Array;
  /** The raw finite values. */
  y: Float64Array;
  /** Robust noise of v: 1.4826·MAD(Δv)/√2. */
  noise: number;
  /**
   * 1, or the sampling stride of an analysis sample (src/core/resolution.ts): each point stands
   * for `stride` logged points, so tail tests scale their background counts by it.
   */
  stride: number;
}

/** Several rules look at the same curve: build it once per series (series are never mutated). */
const logCurves = new WeakMap<Series, LogCurve | null>();

export function logCurve(series: Series | undefined, minPoints = 8): LogCurve | undefined {
  if (!series) return undefined;
  let curve = logCurves.get(series);
  if (curve === undefined) {
    curve = buildLogCurve(series);
    logCurves.set(series, curve);
  }
  return curve && curve.v.length >= minPoints ? curve : undefined;
}

function buildLogCurve(series: Series): LogCurve | null {
  const pts = finitePoints(series.x, series.y);
  const n = pts.y.length;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(pts.y[i] > 0)) return null;
    v[i] = Math.log(pts.y[i]);
  }
  return { x: pts.x, v, y: pts.y, noise: robustNoise(v), stride: series.resolution?.stride ?? 1 };
}

/**
 * Rolling median with a window of `window` points. Short windows are exact; long ones use the
 * median of 9 neighbouring block medians (blocks of window/9 points), so the cost stays
 * O(n log(window)) instead of O(n·window·log(window)).
 */
export function rollingLevel(v: Float64Array, window: number): Float64Array {
  const n = v.length;
  const w = Math.max(3, Math.min(window, n)) | 1;
  if (w <= 41) return rollingMedian(v, w);
  const block = Math.max(1, Math.floor(w / 9));
  const nb = Math.ceil(n / block);
  const bm = new Float64Array(nb);
  const centre = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    const lo = b * block;
    const hi = Math.min(n, lo + block);
    bm[b] = median(v.subarray(lo, hi));
    centre[b] = (lo + hi - 1) / 2;
  }
  const level = rollingMedian(bm, 9);
  const out = new Float64Array(n);
  let b = 0;
  for (let i = 0; i < n; i++) {
    while (b + 1 < nb && centre[b + 1] <= i) b++;
    if (b + 1 >= nb || i <= centre[0]) out[i] = level[i <= centre[0] ? 0 : b];
    else {
      const t = (i - centre[b]) / (centre[b + 1] - centre[b]);
      out[i] = level[b] + t * (level[b + 1] - level[b]);
    }
  }
  return out;
}

/** Median of v over the index range [from, to), clamped to the array. */
export function medianOf(v: Float64Array, from: number, to: number): number {
  const lo = Math.max(0, from);
  const hi = Math.min(v.length, to);
  return hi > lo ? median(v.subarray(lo, hi)) : Number.NaN;
}

/** First index with x ≥ at (binary search). */
export function indexAtOrAfter(x: Float64Array, at: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface EpochGrid {
  /** x where each new epoch begins, inside the requested range. */
  boundaries: number[];
  /** Median x distance between boundaries (or from the epoch/step slope). */
  stepsPerEpoch: number;
  /** The period was found in the curve itself (a log without an epoch column): boundaries are cycle starts, not epochs. */
  inferred?: boolean;
}

/**
 * A curve on m uniform x cells: the mean of the points in each cell (which also averages away
 * anything faster than a cell, so a per-step zig-zag cannot alias into a slow false period), and
 * linear interpolation for cells no point falls in.
 */
function resampleUniform(x: Float64Array, v: Float64Array, m: number): Float64Array {
  const n = v.length;
  const x0 = x[0];
  const dx = (x[n - 1] - x0) / (m - 1);
  const sum = new Float64Array(m);
  const count = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const k = Math.min(m - 1, Math.max(0, Math.round((x[i] - x0) / dx)));
    sum[k] += v[i];
    count[k]++;
  }
  const u = new Float64Array(m);
  let prev = -1;
  for (let k = 0; k < m; k++) {
    if (count[k] === 0) continue;
    u[k] = sum[k] / count[k];
    // Fill the empty cells since the previous filled one.
    for (let e = prev + 1; e < k; e++) u[e] = prev < 0 ? u[k] : u[prev] + ((e - prev) / (k - prev)) * (u[k] - u[prev]);
    prev = k;
  }
  return u;
}

/** Points of the uniform grid the period search resamples a curve onto (keeps it O(n + m·m/3)). */
const PERIOD_GRID_POINTS = 1024;

/**
 * The period of a per-step curve that repeats itself, for logs that carry no epoch column (a
 * TensorBoard CSV export has only steps). The curve is resampled onto a uniform grid, its slow
 * trend removed (rolling median over a quarter of the run), and the autocorrelation of the rest
 * searched for its first clear peak: a local maximum ≥ 0.3 that stands ≥ 0.3 above the dip before
 * it, at a lag of at least MIN_POINTS_PER_EPOCH logs and at most a third of the run (three cycles).
 * Undefined when nothing repeats. Boundaries are cycle starts from the first x.
 */
export function inferPeriodGrid(x: Float64Array, v: Float64Array): EpochGrid | undefined {
  const n = v.length;
  if (n < 6 * MIN_POINTS_PER_EPOCH) return undefined;
  const m = Math.min(n, PERIOD_GRID_POINTS);
  const x0 = x[0];
  const dx = (x[n - 1] - x0) / (m - 1);
  if (!(dx > 0)) return undefined;
  const u = resampleUniform(x, v, m);
  const level = rollingLevel(u, Math.max(5, Math.round(m / 4)) | 1);
  for (let k = 0; k < m; k++) u[k] -= level[k];
  const minLag = Math.max(2, Math.ceil((MIN_POINTS_PER_EPOCH * m) / n));
  const maxLag = Math.floor(m / 3);
  if (maxLag <= minLag + 2) return undefined;
  const r = acf(u, maxLag);
  let dip = r[minLag];
  for (let k = minLag + 1; k < maxLag; k++) {
    dip = Math.min(dip, r[k]);
    const peak = r[k] >= r[k - 1] && r[k] >= r[k + 1];
    if (peak && r[k] >= 0.3 && r[k] - dip >= 0.3) {
      const P = k * dx;
      // By index, not by adding P: on x values far from 0 an increment can vanish in rounding.
      const boundaries: number[] = [];
      for (let j = 1; j * k < m; j++) boundaries.push(x0 + j * P);
      return { boundaries, stepsPerEpoch: P, inferred: true };
    }
  }
  return undefined;
}

/** Longest period (in logs) the staircase search tries: at least this many cycles must fit. */
const MIN_STAIR_CYCLES = 5;
/** The staircase search looks at most at this many points (bucket means of a longer curve). */
const STAIR_SEARCH_POINTS = 2048;

/**
 * Epoch boundaries of a per-step log that has no epoch column, found from the staircase itself: the
 * period P (in logs) and phase whose boundaries show the largest mean drop between the half
 * periods on either side beyond the drop half a period later (a second difference of half-period
 * means of ln(loss), zero for any smooth decline), in units of its standard error. Means come from
 * prefix sums: O(m) per period and O(m²/5) in all, on m ≤ STAIR_SEARCH_POINTS bucket means of
 * the curve. Undefined when no period gives at least 3 standard errors. The grid is marked
 * inferred: the staircase found on it must then be sustained (detectStaircase).
 */
export function inferStairGrid(curve: LogCurve): EpochGrid | undefined {
  // Long curves are searched on bucket means: the search is quadratic in the points it sees.
  const per = Math.ceil(curve.v.length / STAIR_SEARCH_POINTS);
  const n = Math.ceil(curve.v.length / per);
  const v = new Float64Array(n);
  const x = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const lo = k * per;
    const hi = Math.min(curve.v.length, lo + per);
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += curve.v[i];
    v[k] = sum / (hi - lo);
    x[k] = curve.x[lo];
  }
  const sigma = (curve.noise || 1e-12) / Math.sqrt(per);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + v[i];
  const mean = (a: number, b: number) => (prefix[b] - prefix[a]) / (b - a);
  let best: { period: number; phase: number; z: number } | undefined;
  for (let period = Math.max(4, Math.ceil(MIN_POINTS_PER_EPOCH / per)); period * MIN_STAIR_CYCLES <= n; period++) {
    const h = period >> 1;
    const se = sigma * Math.sqrt(6 / h);
    for (let phase = h; phase < h + period; phase++) {
      let sum = 0;
      let count = 0;
      for (let b = phase; b + 2 * h <= n; b += period) {
        // The drop across the boundary minus the one half a period later: a staircase drops at
        // its boundaries only, a smooth decline (whatever its slope) drops alike everywhere.
        sum += mean(b - h, b) - 2 * mean(b, b + h) + mean(b + h, b + 2 * h);
        count++;
      }
      if (count < MIN_STAIR_CYCLES - 1) continue;
      const z = (sum / count / se) * Math.sqrt(count);
      if (!best || z > best.z) best = { period, phase, z };
    }
  }
  if (!best || best.z < 3) return undefined;
  const boundaries: number[] = [];
  for (let b = best.phase; b < n; b += best.period) boundaries.push(x[b]);
  const last = curve.x[curve.x.length - 1];
  return { boundaries, stepsPerEpoch: (last - curve.x[0]) * ((best.period * per) / (curve.v.length - 1)), inferred: true };
}

/**
 * Epoch boundaries of a per-step log, from the run's step→epoch mapping: the x where the epoch
 * counter crosses each integer (fractional HF epochs and integer epoch labels alike).
 * Undefined for per-epoch logs and logs without epochs.
 */
export function epochGrid(run: Run, from: number, to: number): EpochGrid | undefined {
  if (run.axis !== 'step' || !run.epochAt) return undefined;
  const { x, epoch } = run.epochAt;
  const all: number[] = [];
  let lastX = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 1 < x.length; i++) {
    const e0 = epoch[i];
    const e1 = epoch[i + 1];
    if (!Number.isFinite(e0) || !Number.isFinite(e1) || e1 <= e0 || x[i + 1] <= x[i]) continue;
    for (let k = Math.floor(e0 + 1e-9) + 1; k <= e1 + 1e-9; k++) {
      const at = x[i] + ((k - e0) / (e1 - e0)) * (x[i + 1] - x[i]);
      if (at > lastX) {
        all.push(at);
        lastX = at;
      }
    }
  }
  let stepsPerEpoch: number;
  if (all.length >= 2) {
    const gaps = all.slice(1).map((b, i) => b - all[i]);
    stepsPerEpoch = median(gaps);
  } else {
    const n = x.length;
    const de = epoch[n - 1] - epoch[0];
    stepsPerEpoch = de > 0 ? (x[n - 1] - x[0]) / de : Number.NaN;
  }
  if (!(stepsPerEpoch > 0)) return undefined;
  return { boundaries: all.filter((b) => b > from && b <= to), stepsPerEpoch };
}

export interface StairStep {
  /** x of the boundary (first step of the new epoch). */
  x: number;
  /** Loss level (median) at the end of the epoch before and the start of the epoch after. */
  before: number;
  after: number;
  /** Relative drop 1 − after/before. */
  drop: number;
  /** Drop in units of its standard error. */
  z: number;
  /** Relative fall inside the epoch that follows (its start vs its end). */
  fallAfter: number;
  /** An LR step decay at this boundary explains the drop. */
  lrDrop: boolean;
  qualifies: boolean;
}

export interface Staircase {
  steps: StairStep[];
  /** Median loss of each epoch (whole epochs and the partial ones at the edges). */
  epochLevels: Array<{ from: number; to: number; level: number }>;
  qualifying: number;
  stepsPerEpoch: number;
  fires: boolean;
}

/** A staircase boundary's drop must stand this many standard errors clear (each of ≥ 2 boundaries, 60% of them). */
const STAIR_Z = 2;

/** ... or this many consecutive boundaries must count. */
const STAIR_STRETCH = 5;

/** Minimum logged points per epoch for within-epoch patterns. */
export const MIN_POINTS_PER_EPOCH = 8;

/**
 * Abrupt drops at epoch boundaries with flat epochs in between: the signature of a model
 * memorising the training set (each new pass over the same examples starts lower).
 * A boundary qualifies when the drop between the half epochs on either side is ≥ 5%, ≥ 2 standard
 * errors, at least twice what a smooth decline would give there (against the fall inside the
 * following epoch), that epoch does not climb back more than half of it, and no LR step decay
 * explains it.
 * Fires with ≥ 2 qualifying boundaries making up ≥ 60% of the judged ones, or with ≥ 5 consecutive
 * qualifying boundaries.
 */
export function detectStaircase(curve: LogCurve, grid: EpochGrid, lrDropsAt: readonly number[] = []): Staircase | undefined {
  const { x, v } = curve;
  const cuts = grid.boundaries.map((b) => indexAtOrAfter(x, b));
  const starts = [0, ...cuts];
  const ends = [...cuts, x.length];
  const perEpoch = grid.stepsPerEpoch;
  const avgPoints = x.length / ((x[x.length - 1] - x[0]) / perEpoch || 1);
  if (cuts.length < 1 || avgPoints < MIN_POINTS_PER_EPOCH) return undefined;
  const sigma = curve.noise || 1e-12;
  const epochLevels = starts
    .map((s, k) => ({ from: x[s] ?? Number.NaN, to: x[Math.max(s, ends[k] - 1)] ?? Number.NaN, level: Math.exp(medianOf(v, s, ends[k])), points: ends[k] - s }))
    .filter((e) => e.points >= MIN_POINTS_PER_EPOCH / 2)
    .map(({ from, to, level }) => ({ from, to, level }));
  const steps: StairStep[] = [];
  for (let k = 0; k < cuts.length; k++) {
    const prevLen = ends[k] - starts[k];
    const nextLen = ends[k + 1] - starts[k + 1];
    if (prevLen < MIN_POINTS_PER_EPOCH / 2 || nextLen < MIN_POINTS_PER_EPOCH / 2) continue;
    // An even number of points: on a per-step zig-zag an odd window's median flips between the
    // high and the low points, an even one averages the two middle values.
    // Half-epoch windows: a per-step loss is noisy, and a window of a few points cannot tell a 30%
    // drop from noise.
    const q = 2 * Math.max(2, Math.floor(0.25 * Math.min(prevLen, nextLen, avgPoints)));
    const before = medianOf(v, ends[k] - q, ends[k]);
    const after = medianOf(v, starts[k + 1], starts[k + 1] + q);
    const nextEnd = medianOf(v, ends[k + 1] - q, ends[k + 1]);
    const drop = before - after;
    const fall = after - nextEnd;
    const se = 1.2533 * sigma * Math.sqrt(2 / q);
    const z = drop / se;
    const bx = x[cuts[k]];
    const lrDrop = lrDropsAt.some((d) => Math.abs(d - bx) <= 0.2 * perEpoch);
    const rel = 1 - Math.exp(-drop);
    // Abrupt: at least the whole fall inside the next epoch happens across the boundary (a smooth
    // curve drops only ~0.15 of an epoch's fall between these windows, ~0.85 inside the epoch).
    // ... and the next epoch stays down (does not climb back more than half the drop).
    // With half-epoch windows the centres are q apart across the boundary and len − q apart inside
    // the next epoch, so a smooth decline gives drop ÷ fall ≈ q ÷ (len − q): an abrupt step is twice that.
    const abruptRatio = (2 * q) / Math.max(1, nextLen - q);
    const qualifies = !lrDrop && z >= STAIR_Z && rel >= 0.05 && drop >= abruptRatio * Math.max(0, fall) && fall >= -0.5 * drop;
    steps.push({
      x: bx,
      before: Math.exp(before),
      after: Math.exp(after),
      drop: rel,
      z,
      fallAfter: 1 - Math.exp(-fall),
      lrDrop,
      qualifies,
    });
  }
  const judged = steps.filter((s) => !s.lrDrop);
  const qualifying = judged.filter((s) => s.qualifies).length;
  // Memorisation often sets in after a few epochs and fades as the loss nears zero: a sustained
  // stretch of consecutive stairs says it as well as a majority of all boundaries.
  let stretch = 0;
  let longest = 0;
  for (const s of judged) {
    stretch = s.qualifies ? stretch + 1 : 0;
    longest = Math.max(longest, stretch);
  }
  return {
    steps,
    epochLevels,
    qualifying,
    stepsPerEpoch: perEpoch,
    // On a period found by searching the curve, only a sustained staircase counts.
    fires: grid.inferred ? longest >= STAIR_STRETCH : (qualifying >= 2 && qualifying >= 0.6 * judged.length) || longest >= STAIR_STRETCH,
  };
}

/** Share of the x span that counts as "the start of training" for early instability. */
export const EARLY_SHARE = 0.1;
/** A lone one-point early rise, with no other episode, must reach this factor. */
export const LONE_EARLY_FACTOR = 2.5;
/** A volatile start may show its rises over this share of the span. */
export const VOLATILE_SHARE = 0.25;

export interface EarlyEpisode {
  /** Index range of the episode: last point at the pre-rise level → first point back near it. */
  startIndex: number;
  peakIndex: number;
  endIndex: number;
  startX: number;
  peakX: number;
  endX: number;
  /** Raw loss before the rise (lowest level reached so far), at the peak, and after recovery. */
  ref: number;
  peak: number;
  recovered: number;
  /** peak ÷ ref */
  factor: number;
  /** Rise in noise units (log scale). */
  z: number;
  /** The peak is a lone point (not held for 2 of 3 consecutive logs). */
  single: boolean;
  /** Which test found it: a clear rise, or a rise inside a start far noisier than the rest. */
  kind: 'rise' | 'volatile-start';
  /** Short-term volatility of the first quarter ÷ that of the rest (log scale). */
  volatilityRatio: number;
}

/** Short-term volatility of the first quarter of the x span against the rest: 1.4826·MAD of v − rolling median(5). */
export function startVolatility(curve: LogCurve): number {
  const { x, v } = curve;
  const n = v.length;
  if (n < 40) return Number.NaN;
  const sm = rollingMedian(v, 5);
  const cut = x[0] + 0.25 * (x[n - 1] - x[0]);
  const early: number[] = [];
  const late: number[] = [];
  for (let i = 0; i < n; i++) (x[i] <= cut ? early : late).push(v[i] - sm[i]);
  if (early.length < 10 || late.length < 10) return Number.NaN;
  const e = 1.4826 * mad(early);
  const l = 1.4826 * mad(late);
  return l > 1e-6 ? e / l : Number.NaN;
}

/**
 * A rise of the loss early in training, above the lowest level it had reached, that is abrupt
 * (reached within 4 logs or 0.5% of the span) and later comes back down. Two tests:
 * - a clear rise in the first 10% of the span: held over 2 of 3 consecutive logs by ×1.5 and 6σ,
 *   or a lone point by ×2 and 8σ that the tail of the background noise does not explain (and
 *   ×2.5 when it is the only episode: heavy-tailed minibatch noise makes lone points now and then);
 * - a volatile start: the first quarter is ≥ 3× as jumpy as the rest (which inflates σ), and holds
 *   a ×1.5 held or ×2 lone rise.
 * Recovery: the smoothed curve returns within a quarter of the rise (log scale) of the level before.
 */
export function findEarlyInstability(curve: LogCurve): EarlyEpisode | undefined {
  return findEarlyEpisodes(curve)[0];
}

const earlyEpisodes = new WeakMap<LogCurve, EarlyEpisode[]>();

/** Every early episode (see findEarlyInstability), in x order, non-overlapping. */
export function findEarlyEpisodes(curve: LogCurve): EarlyEpisode[] {
  let episodes = earlyEpisodes.get(curve);
  if (!episodes) {
    episodes = searchEarlyEpisodes(curve);
    earlyEpisodes.set(curve, episodes);
  }
  return episodes;
}

function searchEarlyEpisodes(curve: LogCurve): EarlyEpisode[] {
  const { x, v } = curve;
  const n = v.length;
  if (n < 6) return [];
  const s = rollingMedian(v, 3);
  // Marginal noise: residuals against a rolling level keep slow (autocorrelated) wander that
  // first differences cancel.
  const level = rollingLevel(v, Math.max(5, Math.round(0.05 * n)) | 1);
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) resid[i] = v[i] - level[i];
  const sigma = Math.max(curve.noise, 1.4826 * mad(resid)) || 1e-12;
  // The level reached so far: a rolling median whose window grows with n, so that the running
  // minimum of many noisy points is not biased low; only windows that end before i count.
  const refWindow = Math.max(3, Math.round(0.02 * n)) | 1;
  const smooth = refWindow === 3 ? s : rollingLevel(v, refWindow);
  const lag = (refWindow >> 1) + 1;
  const span = x[n - 1] - x[0];
  const volatilityRatio = startVolatility(curve);
  const volatile = volatilityRatio >= 3;
  const until = x[0] + (volatile ? VOLATILE_SHARE : EARLY_SHARE) * span;
  const held = Math.max(Math.log(1.5), volatile ? 0 : 6 * sigma);
  const lone = Math.max(Math.log(2), volatile ? 0 : 8 * sigma);
  // Heavy-tailed noise makes lone high points now and then: count the background residuals above
  // half the lone threshold; with an exponential tail (log scale) they predict how many reach a rise.
  let background = 0;
  for (let i = 0; i < n; i++) if (resid[i] >= lone / 2) background++;
  // (Not on a volatile start, where that jitter is the symptom itself.)
  const tailExpected = (rise: number) => (volatile ? 0 : Math.max(0, background * curve.stride - 1) * Math.exp(-2.5 * (rise - lone / 2)));
  const episodes: EarlyEpisode[] = [];
  // Start from the median of the first three logs: one low first point must not be the baseline.
  const floor = new Float64Array(n);
  for (let k = 0; k < n; k++) floor[k] = Math.min(v[k], s[k]);
  const nearBase = new ForwardWindowMin(floor);
  let refIndex = 0;
  let ref = median(v.subarray(0, 3));
  let failures = 0;
  let i = 1;
  while (i < n && x[i] <= until) {
    if (i - lag >= 0 && i - lag > refIndex && smooth[i - lag] < ref) {
      ref = smooth[i - lag];
      refIndex = i - lag;
    }
    const heldRise = s[i] - ref;
    const loneRise = v[i] - ref;
    const single = !(heldRise >= held) && loneRise >= lone && tailExpected(loneRise) < 0.25;
    if ((heldRise >= held || single) && abrupt(i, ref, single ? loneRise : heldRise)) {
      // The episode's peak: highest raw point while the curve stays up (a held median may owe its
      // height to the neighbours, so start from the highest of the three).
      let peakIndex = i;
      if (!single) for (let k = i - 1; k <= i + 1; k++) if (k > refIndex && k < n && v[k] > v[peakIndex]) peakIndex = k;
      let j = Math.max(i, peakIndex);
      while (j + 1 < n && s[j + 1] - ref >= 0.5 * (v[peakIndex] - ref)) {
        j++;
        if (v[j] > v[peakIndex]) peakIndex = j;
      }
      const rise = v[peakIndex] - ref;
      if (rise < (single ? lone : held)) {
        i = j + 1;
        continue;
      }
      // Recovery must come within the first 35% of the run: scan no further (keeps this linear).
      const recoverBy = x[0] + 0.35 * span;
      let endIndex = -1;
      for (let k = peakIndex + 1; k < n && x[k] <= recoverBy; k++) {
        if (s[k] <= ref + 0.25 * rise) {
          endIndex = k;
          break;
        }
      }
      if (endIndex < 0 && ++failures >= 20) break;
      if (endIndex >= 0) {
        episodes.push({
          startIndex: refIndex,
          peakIndex,
          endIndex,
          startX: x[refIndex],
          peakX: x[peakIndex],
          endX: x[endIndex],
          ref: Math.exp(ref),
          peak: Math.exp(v[peakIndex]),
          recovered: Math.exp(s[endIndex]),
          factor: Math.exp(rise),
          z: rise / sigma,
          single,
          kind: volatile && !(rise >= 6 * sigma && x[peakIndex] <= x[0] + EARLY_SHARE * span) ? 'volatile-start' : 'rise',
          volatilityRatio,
        });
        // Continue after the recovery, from the recovered level.
        i = endIndex + 1;
        ref = s[endIndex];
        refIndex = endIndex;
        continue;
      }
      i = j + 1;
      continue;
    }
    i++;
  }
  // A single one-point episode is the weakest evidence: on its own it must reach ×2.5.
  if (episodes.length === 1 && episodes[0].single && episodes[0].factor < LONE_EARLY_FACTOR) return [];
  return episodes;

  /**
   * The rise to point i happened within 4 logs or 0.5% of the span (an explosion, not a slow
   * climb): some point in that window (or the first point) is still near the base. The window
   * only moves forward as i does, so its minimum is kept in a deque: O(n) over all calls.
   */
  function abrupt(at: number, base: number, size: number): boolean {
    if (at <= 0) return true;
    // First j with x[at] - x[j] <= 0.005·span (x increases, so the test is monotone in j).
    let a = 0;
    let b = at;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (x[at] - x[mid] <= 0.005 * span) b = mid;
      else a = mid + 1;
    }
    const lo = Math.min(at - 4, a);
    if (lo <= 0) return true;
    return nearBase.min(lo, at - 1) <= base + 0.25 * size;
  }
}

/** The primary train loss series of a run, when it has one. */
export function trainSeries(run: Run, lookup: (name: string) => Series | undefined): Series | undefined {
  return run.primary.train ? lookup(run.primary.train) : undefined;
}

