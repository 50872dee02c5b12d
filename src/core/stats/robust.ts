import { madSelect, medianSelect, quantileSelect, rollingMedianFast } from './fast-median.js';
/** Robust summaries. All functions ignore non-finite values unless stated. */

export function finiteValues(y: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) count++;
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) out[j++] = y[i];
  return out;
}

/** Median of the finite values (NaN when there are none). Does not modify its input. O(n) (fast-median.ts). */
export function median(values: ArrayLike<number>): number {
  return medianSelect(values);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSelect(values, q);
}

/** Median absolute deviation (unscaled). */
export function mad(values: ArrayLike<number>): number {
  return madSelect(values);
}

/**
 * Noise scale of a curve: 1.4826·MAD(Δy)/√2. First differences remove the trend, MAD ignores
 * spikes, and /√2 undoes the variance doubling of differencing.
 */
export function robustNoise(y: ArrayLike<number>): number {
  const v = finiteValues(y);
  if (v.length < 3) return 0;
  const d = new Float64Array(v.length - 1);
  for (let i = 1; i < v.length; i++) d[i - 1] = v[i] - v[i - 1];
  return (1.4826 * mad(d)) / Math.SQRT2 || (1.2533 * meanAbs(d)) / Math.SQRT2;
}

function meanAbs(d: Float64Array): number {
  let s = 0;
  for (const v of d) s += Math.abs(v);
  return d.length ? s / d.length : 0;
}

/** Rolling median with an odd window, edges use the available neighbours. O(n·w) for small windows, O(n log n) for large ones (fast-median.ts). */
export function rollingMedian(y: ArrayLike<number>, window: number): Float64Array {
  return rollingMedianFast(y, window);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf), accurate to ~1e-7. */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
