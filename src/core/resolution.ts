/**
 * Analysis resolution of long per-step logs. A curve of millions of points is analysed as if it
 * had been logged every `stride` steps (what a `logging_steps` setting would have written), so the
 * cost of the rules stays bounded while the diagnosis stays that of the whole curve:
 * - the sample keeps every stride-th point (the stride is odd and not a multiple of 3, so
 *   period-2 and period-3 zig-zags, which the oscillation rule looks for, are not aliased away);
 * - points the sampling would skip are kept when they carry an event: the edges of the first
 *   1,000 non-finite stretches, the lowest and the highest point, and a bucket's highest point
 *   when it stands out as a spike would (≥ 2× and ≥ 7 robust σ above the running level) — unless
 *   such buckets are common (the noise's own tail, which the sample already holds at its rate);
 * - exact facts (point counts, non-finite counts, first/last/min/max) of the whole series are
 *   found in the same pass and travel with the sample (Series.resolution.facts);
 * - the tail tests of the spike rules scale their background counts by the stride
 *   (LogCurve.stride).
 * Pure; O(n).
 */
import { mad } from './stats/robust.js';
import { rollingMedianFast } from './stats/fast-median.js';
import { FactsScan } from './profile.js';
import type { Run, Series, SeriesFacts } from './types.js';

/** Series with more points than this are analysed on a sample of about this many. */
export const MAX_ANALYSIS_POINTS = 10_000;
/** At most this share of the buckets may add their spike point (more is the noise's tail). */
const MAX_SPIKE_SHARE = 0.01;
/** At most this many non-finite stretches keep their edges. */
const MAX_NON_FINITE_EDGES = 1000;
/** Same thresholds as the loss-spikes rule (rules/loss-spikes.ts). */
const SPIKE_LOG_RATIO = Math.log(2);
const SPIKE_Z = 7;

/** The sampling stride for n points: ≥ n / maxPoints, odd, not a multiple of 3. */
export function analysisStride(n: number, maxPoints: number): number {
  if (!(maxPoints > 0) || n <= maxPoints) return 1;
  let k = Math.ceil(n / maxPoints);
  while (k % 2 === 0 || k % 3 === 0) k++;
  return k;
}

/** The series to analyse in place of `series` (the same object when it is short enough). */
export function analysisSeries(series: Series, maxPoints = MAX_ANALYSIS_POINTS): Series {
  const { x, y } = series;
  const n = y.length;
  const k = analysisStride(n, maxPoints);
  if (k === 1) return series;
  const { events: found, facts } = walk(x, y, k);
  // Off-stride points that carry events, in index order, without duplicates.
  const events = [...found, n - 1]
    .filter((i) => i % k !== 0)
    .sort((a, b) => a - b)
    .filter((i, j, all) => j === 0 || i !== all[j - 1]);
  const m = Math.ceil(n / k) + events.length;
  const sx = new Float64Array(m);
  const sy = new Float64Array(m);
  let e = 0;
  let j = 0;
  for (let i = 0; i < n; i += k) {
    for (; e < events.length && events[e] < i; e++, j++) {
      sx[j] = x[events[e]];
      sy[j] = y[events[e]];
    }
    sx[j] = x[i];
    sy[j++] = y[i];
  }
  for (; e < events.length; e++, j++) {
    sx[j] = x[events[e]];
    sy[j] = y[events[e]];
  }
  return { ...series, x: sx, y: sy, resolution: { stride: k, points: n, facts } };
}

/** The run with every long series (and the step → epoch map) replaced by its analysis sample. */
export function analysisRun(run: Run, maxPoints = MAX_ANALYSIS_POINTS): Run {
  const longEpochMap = run.epochAt !== undefined && analysisStride(run.epochAt.x.length, maxPoints) > 1;
  if (!longEpochMap && !run.series.some((s) => analysisStride(s.y.length, maxPoints) > 1)) return run;
  const sampled: Run = { ...run, series: run.series.map((s) => analysisSeries(s, maxPoints)) };
  if (run.epochAt && longEpochMap) {
    // Epoch boundaries are interpolated between samples: off by less than one stride.
    const { x, epoch } = run.epochAt;
    const k = analysisStride(x.length, maxPoints);
    const keep = (a: Float64Array) => Float64Array.from({ length: Math.ceil((a.length - 1) / k) + 1 }, (_, i) => a[Math.min(a.length - 1, i * k)]);
    sampled.epochAt = { x: keep(x), epoch: keep(epoch) };
  }
  return sampled;
}

/**
 * One pass over a long series: the points that carry events — the edges of its first non-finite
 * stretches (and the finite points around them), its lowest and highest point, the spike
 * candidates among the buckets' highest points — and the facts of the whole series.
 */
function walk(x: Float64Array, y: Float64Array, k: number): { events: number[]; facts: SeriesFacts } {
  const n = y.length;
  const buckets = Math.ceil(n / k);
  const tops = new Int32Array(buckets).fill(-1);
  const events: number[] = [];
  const scan = new FactsScan(x, y);
  let stretches = 0;
  let positive = true;
  for (let b = 0; b < buckets; b++) {
    const to = Math.min(n, (b + 1) * k);
    let top = -1;
    for (let i = b * k; i < to; i++) {
      const v = y[i];
      if (!Number.isFinite(v)) {
        scan.nonFinite(i);
        if (i === 0) events.push(0);
        else if (Number.isFinite(y[i - 1]) && stretches < MAX_NON_FINITE_EDGES) {
          events.push(i - 1, i);
          stretches++;
        }
        continue;
      }
      if (i > 0 && !Number.isFinite(y[i - 1]) && stretches <= MAX_NON_FINITE_EDGES) events.push(i - 1, i);
      scan.finite(i);
      if (!(v > 0)) positive = false;
      if (top < 0 || v > y[top]) top = i;
    }
    tops[b] = top;
  }
  if (scan.lo >= 0) events.push(scan.lo, scan.hi);
  if (positive) events.push(...spikeCandidates(y, k, tops));
  return { events, facts: scan.facts() };
}

/**
 * Buckets whose highest point stands out as a spike would against the running level of the
 * stride sample (ln scale; the spike rules need a positive loss) — unless they are common.
 */
function spikeCandidates(y: Float64Array, k: number, tops: Int32Array): number[] {
  const buckets = tops.length;
  const level = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) level[b] = Math.log(y[b * k]);
  const running = rollingMedianFast(level, 9);
  const resid = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) resid[b] = level[b] - running[b];
  const sigma = 1.4826 * mad(resid);
  const threshold = Math.max(SPIKE_LOG_RATIO, SPIKE_Z * sigma);
  const candidates: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const top = tops[b];
    if (top >= 0 && Number.isFinite(running[b]) && Math.log(y[top]) - running[b] >= threshold) candidates.push(top);
  }
  return candidates.length > MAX_SPIKE_SHARE * buckets ? [] : candidates;
}
