/**
 * src/core/stats/fast-median.ts must return exactly what the sort-based statistics in robust.ts
 * return (same doubles, same sign of zero), on random data with NaN/±Infinity, ties and ±0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { madSelect, medianSelect, quantileSelect, rollingMedianFast } from '../../src/core/stats/fast-median.js';
import { mad, median, quantile, rollingMedian } from '../../src/core/stats/robust.js';

const num = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
const value = fc.oneof(
  { weight: 5, arbitrary: fc.double({ noNaN: false }) },
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 5 }).map((i) => i / 2) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity) },
);
const series = fc.array(value, { minLength: 0, maxLength: 200 });

describe('fast-median = robust.ts', () => {
  it('median, mad and quantiles', () => {
    fc.assert(
      fc.property(series, fc.double({ min: 0, max: 1, noNaN: true }), (y, q) => {
        expect(num(medianSelect(y))).toBe(num(median(y)));
        expect(num(madSelect(y))).toBe(num(mad(y)));
        for (const p of [q, 0, 0.1, 0.5, 0.9, 1]) expect(num(quantileSelect(y, p))).toBe(num(quantile(y, p)));
      }),
      { numRuns: 2000 },
    );
  });

  it('rolling median', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 160 }), (y, w) => {
        expect(Array.from(rollingMedianFast(y, w), num)).toEqual(Array.from(rollingMedian(y, w), num));
      }),
      { numRuns: 1000 },
    );
  });

  it('large inputs', () => {
    const y = Float64Array.from({ length: 20000 }, (_, i) => Math.sin(i / 37) + ((i * 7919) % 101) / 50 + (i % 97 === 0 ? Number.NaN : 0));
    expect(num(medianSelect(y))).toBe(num(median(y)));
    expect(num(quantileSelect(y, 0.9))).toBe(num(quantile(y, 0.9)));
    expect(Array.from(rollingMedianFast(y, 301), num)).toEqual(Array.from(rollingMedian(y, 301), num));
    const sorted = Float64Array.from({ length: 5001 }, (_, i) => i % 3);
    expect(num(medianSelect(sorted))).toBe(num(median(sorted)));
  });
});
