import { median, normalCdf } from './robust.js';

export interface MannKendall {
  s: number;
  /** Variance of S after the Hamed–Rao autocorrelation correction. */
  varS: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
  tau: number;
  /** n / n*: how much autocorrelation inflated the variance (1 = none). */
  correction: number;
}

/**
 * Mann–Kendall trend test with the Hamed–Rao (1998) variance correction: the ACF of the ranks
 * of the Theil–Sen-detrended series, significant lags only, inflates Var(S) so that smooth,
 * autocorrelated loss curves do not produce spurious certainty. O(n²): callers decimate first.
 */
export function mannKendall(x: Float64Array, y: Float64Array): MannKendall {
  const n = y.length;
  if (n < 3) return { s: 0, varS: 0, z: 0, p: 1, tau: 0, correction: 1 };
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const yi = y[i];
    for (let j = i + 1; j < n; j++) s += Math.sign(y[j] - yi);
  }
  // Ties correction.
  const sorted = Float64Array.from(y).sort();
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const t = j - i + 1;
    if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
    i = j + 1;
  }
  let varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const correction = hamedRaoFactor(x, y);
  varS *= correction;
  const sd = Math.sqrt(varS);
  const z = sd === 0 ? 0 : s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0;
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  return { s, varS, z, p, tau: s / ((n * (n - 1)) / 2), correction };
}

function hamedRaoFactor(x: Float64Array, y: Float64Array): number {
  const n = y.length;
  if (n < 8) return 1;
  const { slope } = theilSen(x, y);
  const detrended = new Float64Array(n);
  for (let i = 0; i < n; i++) detrended[i] = y[i] - slope * x[i];
  const ranks = rank(detrended);
  const maxLag = Math.max(1, Math.floor(n / 3));
  const r = acf(ranks, maxLag);
  const band = 1.96 / Math.sqrt(n);
  let sum = 0;
  for (let k = 1; k <= maxLag; k++) {
    if (Math.abs(r[k]) > band) sum += (n - k) * (n - k - 1) * (n - k - 2) * r[k];
  }
  const factor = 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
  return Math.max(1, factor);
}

function rank(values: Float64Array): Float64Array {
  const idx = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1]] === values[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[idx[k]] = avg;
    i = j + 1;
  }
  return out;
}

/** Sample autocorrelation at lags 0..maxLag. */
export function acf(y: ArrayLike<number>, maxLag: number): Float64Array {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n || 1;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (y[i] - mean) ** 2;
  const out = new Float64Array(maxLag + 1);
  out[0] = 1;
  if (c0 === 0) return out;
  for (let k = 1; k <= maxLag && k < n; k++) {
    let c = 0;
    for (let i = 0; i + k < n; i++) c += (y[i] - mean) * (y[i + k] - mean);
    out[k] = c / c0;
  }
  return out;
}

/**
 * Theil–Sen slope: the median of pairwise slopes (works on irregular x; ~29% breakdown point).
 * O(n²) memory-light: pairs are collected into one typed array. Callers decimate first.
 */
export function theilSen(x: Float64Array, y: Float64Array): { slope: number; intercept: number } {
  const n = y.length;
  if (n < 2) return { slope: 0, intercept: n ? y[0] : Number.NaN };
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j] - x[i];
      if (dx !== 0) slopes[k++] = (y[j] - y[i]) / dx;
    }
  }
  const slope = k ? median(slopes.subarray(0, k)) : 0;
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = y[i] - slope * x[i];
  return { slope, intercept: median(residual) };
}
