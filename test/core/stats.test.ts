import { describe, expect, it } from 'vitest';
import { decimate, interpolate } from '../../src/core/stats/decimate.js';
import { mad, median, normalCdf, robustNoise, rollingMedian } from '../../src/core/stats/robust.js';
import { linearSegments } from '../../src/core/stats/segments.js';
import { acf, mannKendall, theilSen } from '../../src/core/stats/trend-tests.js';
import { curve, decay, noiseSeries, steps } from '../helpers/curves.js';

const f64 = (a: number[]) => Float64Array.from(a);

describe('robust summaries', () => {
  it('median and MAD ignore non-finite values and do not reorder the input', () => {
    const v = f64([5, 1, NaN, 3, Infinity]);
    expect(median(v)).toBe(3);
    expect(mad(f64([1, 2, 3, 4, 100]))).toBe(1);
    expect(Array.from(v.slice(0, 2))).toEqual([5, 1]);
  });

  it('robustNoise recovers the noise sigma of a trending curve and ignores spikes', () => {
    const eps = noiseSeries(4000, 'gaussian', 3);
    const y = Float64Array.from(eps, (e, i) => 100 - i * 0.01 + 0.5 * e);
    y[100] = 1e6;
    expect(robustNoise(y)).toBeGreaterThan(0.45);
    expect(robustNoise(y)).toBeLessThan(0.55);
  });

  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 4);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 5);
  });

  it('rollingMedian removes a lone spike', () => {
    expect(Array.from(rollingMedian(f64([1, 1, 9, 1, 1]), 3))).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('Mann-Kendall and Theil-Sen', () => {
  it('S and tau on a small monotone series match the textbook values', () => {
    const mk = mannKendall(f64([0, 1, 2, 3, 4]), f64([1, 2, 3, 4, 5]));
    expect(mk.s).toBe(10);
    expect(mk.tau).toBe(1);
    // Var(S) = n(n-1)(2n+5)/18 = 5·4·15/18
    expect(mk.varS).toBeCloseTo(16.6667, 3);
    expect(mk.p).toBeLessThan(0.05);
  });

  it('pure noise is not significant, even when autocorrelated', () => {
    for (const model of ['gaussian', 'heavy', 'ar1'] as const) {
      const y = noiseSeries(300, model, 11);
      const x = steps(300);
      expect(mannKendall(x, y).p).toBeGreaterThan(0.05);
    }
  });

  it('the Hamed-Rao correction inflates the variance of an autocorrelated series', () => {
    const y = noiseSeries(300, 'ar1', 5);
    const mk = mannKendall(steps(300), y);
    expect(mk.correction).toBeGreaterThan(1.5);
  });

  it('Theil-Sen recovers a slope on irregular x despite 20% outliers', () => {
    const x = steps(200, { irregular: true, every: 10, seed: 4 });
    const y = Float64Array.from(x, (v, i) => 2 + 0.5 * v + (i % 5 === 0 ? 1000 : 0));
    expect(theilSen(x, y).slope).toBeCloseTo(0.5, 6);
  });

  it('acf of an alternating series is -1 at lag 1', () => {
    const r = acf(f64([1, -1, 1, -1, 1, -1, 1, -1]), 2);
    expect(r[1]).toBeLessThan(-0.8);
    expect(r[2]).toBeGreaterThan(0.7);
  });
});

describe('decimation and change points', () => {
  it('decimate keeps at most maxPoints bucket medians and is robust to a spike', () => {
    const x = steps(10_000);
    const y = Float64Array.from(x, () => 1);
    y[5000] = 1e9;
    const d = decimate({ x, y }, 100);
    expect(d.y.length).toBe(100);
    expect(Math.max(...d.y)).toBe(1);
  });

  it('interpolate is linear between points and clamps outside', () => {
    const pts = { x: f64([0, 10]), y: f64([0, 1]) };
    expect(interpolate(pts, 5)).toBe(0.5);
    expect(interpolate(pts, 20)).toBe(1);
  });

  it('linearSegments finds a falling→flat knee', () => {
    const n = 200;
    const x = steps(n);
    const y = curve({ n, shape: (t) => (t < 0.4 ? 2 - 4 * t : 0.4), noise: 0.01, seed: 2 });
    const segs = linearSegments({ x, y }, { noise: robustNoise(y) });
    expect(segs.length).toBeGreaterThanOrEqual(2);
    // Multiplicative noise is larger early on, so extra early splits are allowed; the knee must be found.
    expect(segs.some(([a]) => a > 70 && a < 90)).toBe(true);
  });

  it('a smooth decay needs no more than a few segments', () => {
    const n = 300;
    const y = curve({ n, shape: (t) => decay(t, 2, 0.3), noise: 0.03, seed: 9 });
    const segs = linearSegments({ x: steps(n), y }, { noise: robustNoise(y) });
    expect(segs.length).toBeLessThanOrEqual(6);
  });
});
