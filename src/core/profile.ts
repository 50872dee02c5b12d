import { decimate, finitePoints, interpolate, type XY } from './stats/decimate.js';
import { clamp01, mad, median, quantile, robustNoise, rollingMedian } from './stats/robust.js';
import { linearSegments } from './stats/segments.js';
import { mannKendall, theilSen } from './stats/trend-tests.js';
import type { Direction, GapProfile, Phase, Point, Series, SeriesFacts, SeriesProfile, Trend } from './types.js';

/** Curves longer than this are reduced to bucket medians before O(n²) statistics. */
export const MAX_STAT_POINTS = 300;
/** Significance level of the trend test. */
export const ALPHA = 0.05;
/** A change smaller than this share of the typical level over a window counts as flat. */
export const MIN_EFFECT = 0.05;

/**
 * Decide falling / flat / rising on one window: Mann–Kendall (autocorrelation-corrected) for
 * significance, Theil–Sen slope × span ÷ level for a scale-free effect size. Both must agree.
 */
export function classifyTrend(points: XY, scale: number, minEffect = MIN_EFFECT): Trend {
  const pts = decimate(points, MAX_STAT_POINTS);
  const n = pts.y.length;
  const from = n ? pts.x[0] : Number.NaN;
  const to = n ? pts.x[n - 1] : Number.NaN;
  if (n < 4) {
    return { direction: 'flat', p: 1, tau: 0, slope: 0, relChange: 0, confidence: 0, from, to, n };
  }
  const mk = mannKendall(pts.x, pts.y);
  const { slope, intercept } = theilSen(pts.x, pts.y);
  const change = slope * (to - from);
  const relChange = change / (scale || 1);
  // The change must also stand out from the wander around the trend line: with few,
  // autocorrelated points a significant-looking slope can be one slow excursion.
  const residuals = Float64Array.from(pts.y, (v, i) => v - (intercept + slope * pts.x[i]));
  // Wander is the slow part of the residuals: point-to-point scatter (minibatch noise) averages
  // out over the window, a slow excursion does not. A rolling median keeps the second only.
  const slow = n >= 30 ? rollingMedian(residuals, Math.max(3, Math.round(n / 10)) | 1) : residuals;
  const wander = 1.4826 * mad(slow);
  const clear = Math.abs(change) >= 1.5 * wander;
  let direction: Direction = 'flat';
  if (mk.p < ALPHA && clear && relChange <= -minEffect && mk.tau < 0) direction = 'falling';
  else if (mk.p < ALPHA && clear && relChange >= minEffect && mk.tau > 0) direction = 'rising';
  const size = Math.min(1, Math.abs(relChange) / (4 * minEffect));
  const confidence =
    direction === 'flat'
      ? clamp01(1 - Math.min(1, Math.abs(relChange) / minEffect) * (1 - mk.p))
      : clamp01((1 - mk.p) * (0.5 + 0.5 * size));
  return { direction, p: mk.p, tau: mk.tau, slope, relChange, confidence, from, to, n };
}

/** Smallest effect a clean curve's tail may show and still count as moving (2%). */
export const MIN_CLEAN_EFFECT = 0.02;

/**
 * The effect size a tail must show to count as falling or rising: 5% of its level, lowered to 2%
 * for a clean curve (point noise under 1% of the level): a steady 3% fall that stands 6+ noise
 * units clear of the scatter is still learning, not a plateau.
 */
export function cleanEffect(relNoise: number): number {
  if (!Number.isFinite(relNoise)) return MIN_EFFECT;
  return Math.min(MIN_EFFECT, Math.max(MIN_CLEAN_EFFECT, 5 * relNoise));
}

/** Typical size of a curve's values, never zero (falls back to spread, then 1). */
export function typicalLevel(y: ArrayLike<number>): number {
  const abs = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) abs[i] = Math.abs(y[i]);
  const level = median(abs);
  if (Number.isFinite(level) && level > 0) return level;
  const spread = quantile(y, 0.9) - quantile(y, 0.1);
  return spread > 0 ? spread : 1;
}

/** The last third of the x span, widened to at least `minPoints` points. */
export function tailWindow(points: XY, minPoints = 6): XY {
  const n = points.x.length;
  if (n === 0) return points;
  const cut = points.x[0] + ((points.x[n - 1] - points.x[0]) * 2) / 3;
  let start = n - 1;
  while (start > 0 && points.x[start - 1] >= cut) start--;
  start = Math.min(start, Math.max(0, n - minPoints));
  return { x: points.x.subarray(start), y: points.y.subarray(start) };
}

/** Points in the window that gives the start (small: early loss moves fast) or end level. */
function edgeWindow(n: number, share: number): number {
  return Math.max(1, Math.min(n, Math.max(3, Math.ceil(n * share))));
}

/**
 * Profile of a series. `series` may be an analysis sample (src/core/resolution.ts): the statistics
 * come from the sample, the exact facts (counts, first/last/min/max) from the whole series.
 */
export function profileSeries(series: Series): SeriesProfile {
  const pts = finitePoints(series.x, series.y);
  const exact = series.resolution?.facts ?? seriesFacts(series);
  const { n, nFinite, min, max } = exact;
  const level = typicalLevel(pts.y);
  const noise = robustNoise(pts.y);
  const sampled = pts.y.length;
  const headMedian = sampled ? median(pts.y.subarray(0, edgeWindow(sampled, 0.03))) : Number.NaN;
  // Per-step logs often catch the steep first drop in their first record or two; a first value
  // far above the head (5 noise units and 20%) is the real start, not an outlier.
  const firstIsStart = sampled > 0 && pts.y[0] > headMedian + 5 * noise && pts.y[0] > 1.2 * headMedian && headMedian > 0;
  const startLevel = firstIsStart ? pts.y[0] : headMedian;
  const endLevel = sampled ? median(pts.y.subarray(sampled - edgeWindow(sampled, 0.1))) : Number.NaN;

  const coarse = decimate(pts, MAX_STAT_POINTS);
  const coarseNoise = robustNoise(coarse.y) || noise || level * 1e-9;
  // A best value must be sustained: a lone low point (one easy batch) is not the curve's best.
  const smooth = rollingMedian(coarse.y, Math.max(3, Math.floor(coarse.y.length / 20)) | 1);
  let smoothMin = Number.POSITIVE_INFINITY;
  for (const v of smooth) if (v < smoothMin) smoothMin = v;
  if (!Number.isFinite(smoothMin)) smoothMin = min.value;

  const trend = classifyTrend(pts, level);
  const tailPts = tailWindow(pts);
  const tailLevel = typicalLevel(tailPts.y);
  const tail = classifyTrend(tailPts, tailLevel, cleanEffect(robustNoise(tailPts.y) / tailLevel));
  const endSmooth = smooth.length ? smooth[smooth.length - 1] : endLevel;
  const rise = Math.max(0, Math.min(endLevel, endSmooth) - smoothMin);

  return {
    name: series.name,
    role: series.role,
    kind: series.kind,
    axis: series.axis,
    n,
    nFinite,
    nonFinite: exact.nonFinite,
    span: exact.span,
    first: exact.first,
    last: exact.last,
    min,
    max,
    startLevel,
    endLevel,
    noise,
    relNoise: noise / level,
    bestLevel: smoothMin,
    improvement: (startLevel - endLevel) / (Math.abs(startLevel) || level),
    riseSinceMin: rise / coarseNoise,
    relRiseSinceMin: rise / (Math.abs(smoothMin) || level),
    pointsAfterMin: pointsAfterLowest(pts.y),
    trend,
    tail,
    phases: phases(coarse, coarseNoise, level),
  };
}

/** Points after the lowest value (the last occurrence of it). */
function pointsAfterLowest(y: Float64Array): number {
  let at = -1;
  for (let i = 0; i < y.length; i++) if (at < 0 || y[i] <= y[at]) at = i;
  return at < 0 ? 0 : y.length - 1 - at;
}

/** Counts and edge points of a series, in one pass. */
function seriesFacts({ x, y }: Series): SeriesFacts {
  const scan = new FactsScan(x, y);
  for (let i = 0; i < y.length; i++) {
    if (Number.isFinite(y[i])) scan.finite(i);
    else scan.nonFinite(i);
  }
  return scan.facts();
}

/**
 * SeriesFacts gathered point by point, in index order: by seriesFacts, and by the sampling pass
 * over a long series (src/core/resolution.ts), which walks every point anyway.
 */
export class FactsScan {
  private nFinite = 0;
  private firstNonFinite = -1;
  private first = -1;
  private last = -1;
  /** Indices of the lowest and the highest finite value (-1: none yet). */
  lo = -1;
  hi = -1;

  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
  ) {}

  /** Point i, whose value is finite. */
  finite(i: number): void {
    const v = this.y[i];
    this.nFinite++;
    if (this.first < 0) this.first = i;
    this.last = i;
    if (this.lo < 0 || v < this.y[this.lo]) this.lo = i;
    if (this.hi < 0 || v > this.y[this.hi]) this.hi = i;
  }

  /** Point i, whose value is NaN or ±Infinity. */
  nonFinite(i: number): void {
    if (this.firstNonFinite < 0) this.firstNonFinite = i;
  }

  facts(): SeriesFacts {
    const { x, y } = this;
    const n = y.length;
    const at = (i: number): Point => (i < 0 ? { x: Number.NaN, value: Number.NaN } : { x: x[i], value: y[i] });
    const bad = this.firstNonFinite;
    return {
      n,
      nFinite: this.nFinite,
      nonFinite: { count: n - this.nFinite, ...(bad >= 0 ? { first: { x: x[bad], value: String(y[bad]) } } : {}) },
      span: n ? [x[0], x[n - 1]] : [Number.NaN, Number.NaN],
      first: at(this.first),
      last: at(this.last),
      min: at(this.lo),
      max: at(this.hi),
    };
  }
}

/** Change-point segments of the curve, labelled and merged where neighbours agree. */
function phases(points: XY, noise: number, level: number): Phase[] {
  if (points.y.length < 6) return [];
  const segments = linearSegments(points, { noise });
  const out: Phase[] = [];
  for (const [a, b] of segments) {
    const seg = { x: points.x.subarray(a, b), y: points.y.subarray(a, b) };
    const { slope } = theilSen(seg.x, seg.y);
    const change = slope * (seg.x[seg.x.length - 1] - seg.x[0]);
    const threshold = Math.max(MIN_EFFECT * level, 2 * noise);
    const direction: Direction = change <= -threshold ? 'falling' : change >= threshold ? 'rising' : 'flat';
    const phase: Phase = { from: seg.x[0], to: seg.x[seg.x.length - 1], direction, relChange: change / level };
    const prev = out[out.length - 1];
    if (prev && prev.direction === direction) {
      prev.to = phase.to;
      prev.relChange += phase.relChange;
    } else {
      out.push(phase);
    }
  }
  return out;
}

/**
 * The generalization gap val − train at the val points inside the train range. Each evaluation is
 * compared with the training loss averaged over the interval since the previous evaluation (what
 * the model saw meanwhile), not with a single point of a noisy or periodic per-step curve; an
 * interval with no training point falls back to the train curve interpolated at the evaluation.
 */
export function profileGap(train: Series, val: Series): GapProfile | undefined {
  const t = finitePoints(train.x, train.y);
  const v = finitePoints(val.x, val.y);
  if (t.x.length < 2 || v.x.length < 2) return undefined;
  const coarse = decimate(t, MAX_STAT_POINTS);
  const lo = t.x[0];
  const hi = t.x[t.x.length - 1];
  const gx: number[] = [];
  const gy: number[] = [];
  let lastVal = Number.NaN;
  let lastTrain = Number.NaN;
  let j = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.x.length; i++) {
    const at = v.x[i];
    if (at < lo || at > hi) continue;
    // Train points in (previous evaluation, this one]; the first evaluation takes those up to it.
    while (j < t.x.length && t.x[j] <= previous) j++;
    let sum = 0;
    let count = 0;
    for (let k = j; k < t.x.length && t.x[k] <= at; k++) {
      sum += t.y[k];
      count++;
    }
    const trainHere = count > 0 ? sum / count : interpolate(coarse, at);
    previous = at;
    gx.push(at);
    gy.push(v.y[i] - trainHere);
    lastVal = v.y[i];
    lastTrain = trainHere;
  }
  if (gx.length < 2) return undefined;
  const trainLevel = typicalLevel(coarse.y);
  const gap = { x: Float64Array.from(gx), y: Float64Array.from(gy) };
  const k = Math.min(3, gy.length);
  return {
    train: train.name,
    val: val.name,
    startRel: median(gap.y.subarray(0, k)) / trainLevel,
    endRel: median(gap.y.subarray(gy.length - k)) / trainLevel,
    valBelowShare: gy.filter((g) => g < 0).length / gy.length,
    trend: classifyTrend(gap, trainLevel),
    n: gy.length,
    last: { x: gx[gx.length - 1], val: lastVal, trainMean: lastTrain },
  };
}
