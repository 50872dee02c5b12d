import { median } from './robust.js';

export interface XY {
  x: Float64Array;
  y: Float64Array;
}

/**
 * The finite points of a series: the arrays themselves when every y is finite (no copy of a long
 * series; like every series, the result is never modified).
 */
export function finitePoints(x: ArrayLike<number>, y: ArrayLike<number>): XY {
  let n = 0;
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) n++;
  if (n === y.length && x.length === y.length && x instanceof Float64Array && y instanceof Float64Array) return { x, y };
  const ox = new Float64Array(n);
  const oy = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isFinite(y[i])) {
      ox[j] = x[i];
      oy[j++] = y[i];
    }
  }
  return { x: ox, y: oy };
}

/**
 * Reduce a long curve to at most `maxPoints` bucket medians (by index), so that O(n²) statistics
 * stay cheap while single spikes cannot move the result. Short curves are returned as they are.
 */
export function decimate(points: XY, maxPoints: number): XY {
  const n = points.y.length;
  if (n <= maxPoints) return points;
  const ox = new Float64Array(maxPoints);
  const oy = new Float64Array(maxPoints);
  for (let b = 0; b < maxPoints; b++) {
    const lo = Math.floor((b * n) / maxPoints);
    const hi = Math.floor(((b + 1) * n) / maxPoints);
    ox[b] = points.x[(lo + hi - 1) >> 1];
    oy[b] = median(points.y.subarray(lo, hi));
  }
  return { x: ox, y: oy };
}

/** Points with x in [from, to]. */
export function window(points: XY, from: number, to: number): XY {
  let lo = 0;
  while (lo < points.x.length && points.x[lo] < from) lo++;
  let hi = lo;
  while (hi < points.x.length && points.x[hi] <= to) hi++;
  return { x: points.x.subarray(lo, hi), y: points.y.subarray(lo, hi) };
}

/** Linear interpolation of a sorted series at `at` (clamped to the ends). */
export function interpolate(points: XY, at: number): number {
  const { x, y } = points;
  const n = x.length;
  if (n === 0) return Number.NaN;
  if (at <= x[0]) return y[0];
  if (at >= x[n - 1]) return y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= at) lo = mid;
    else hi = mid;
  }
  const t = (at - x[lo]) / (x[hi] - x[lo] || 1);
  return y[lo] + t * (y[hi] - y[lo]);
}
