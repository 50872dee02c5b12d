import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForwardWindowMin } from '../../src/core/stats/sliding-min.js';

function naive(w: number[], lo: number, hi: number): number {
  let m = Infinity;
  for (let j = Math.max(0, lo); j <= Math.min(w.length - 1, hi); j++) if (w[j] < m) m = w[j];
  return m;
}

describe('ForwardWindowMin', () => {
  it('equals the naive minimum for forward-moving windows (and after a window moves back)', () => {
    const value = fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 80 }), fc.array(fc.tuple(fc.nat(6), fc.nat(8), fc.boolean()), { maxLength: 60 }), (w, moves) => {
        const m = new ForwardWindowMin(w);
        let lo = 0;
        let hi = 0;
        for (const [dl, dh, back] of moves) {
          if (back) {
            lo = Math.max(0, lo - dl);
            hi = lo + dh;
          } else {
            hi += dh;
            lo = Math.min(hi, lo + dl);
          }
          expect(m.min(lo, hi)).toBe(naive(w, lo, hi));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
