import { describe, expect, it } from 'vitest';
import { nearestDouble, tokenDouble } from '../../src/parsers/csv/decimal.js';
import { rng } from '../helpers/curves.js';

const encoder = new TextEncoder();

/** What the CSV scanner hands over for a plain decimal token: its digits and power of ten. */
function viaToken(text: string): number {
  const bytes = encoder.encode(text);
  const mantissa = text.replace(/^[+-]/, '').split(/[eE]/)[0];
  const exp = Number(text.split(/[eE]/)[1] ?? 0);
  const digits = mantissa.replace(/[.,]/, '').length;
  const frac = mantissa.includes('.') ? mantissa.length - mantissa.indexOf('.') - 1 : 0;
  return tokenDouble(bytes, 0, bytes.length, digits, exp - frac, text.startsWith('-'));
}

describe('correctly rounded 16–17 digit decimals', () => {
  it('agrees with Number() on every decimal it decides, and decides nearly all', () => {
    const random = rng(99);
    let decided = 0;
    let total = 0;
    for (let i = 0; i < 200_000; i++) {
      const magnitude = 10 ** Math.floor(random() * 12 - 6);
      const d = (random() - 0.5) * 2 * magnitude;
      // Python's repr (shortest round trip), 17 and 16 significant digits, and float32 values.
      for (const text of [String(d), d.toPrecision(17), d.toPrecision(16), String(Math.fround(d))]) {
        if (/e/.test(text) && !/e-/.test(text)) continue;
        const got = viaToken(text);
        total++;
        if (Number.isNaN(got)) continue;
        decided++;
        if (!Object.is(got, Number(text))) expect.fail(`${text}: ${got} ≠ ${Number(text)}`);
      }
    }
    expect(decided / total).toBeGreaterThan(0.7);
  });

  it('leaves near-halfway decimals, powers of two and out-of-range exponents to Number()', () => {
    // 0.125 = 2^-3: the spacing of doubles changes there.
    expect(nearestDouble(12500000000000, 0, -16, false)).toBeNaN();
    expect(nearestDouble(1, 23, -23, false)).toBeNaN();
    expect(nearestDouble(2 ** 53, 0, -2, false)).toBeNaN();
    // 4503599627370496.5 is exactly halfway between two doubles (ties go to even: Number() decides).
    expect(nearestDouble(450359962737049, 65, -1, false)).toBeNaN();
    expect(viaToken('4503599627370496.5')).toBeNaN();
    expect(viaToken('4503599627370499.6')).toBe(4503599627370500);
  });

  it('decides ordinary cases of the benchmark and Lightning logs', () => {
    for (const text of ['0.21007005870342255', '12.420103073120117', '0.0010000000474974513', '-3.4027068614959717', '1.2345678901234567e-5']) {
      const got = viaToken(text);
      expect(Object.is(got, Number(text)) || Number.isNaN(got), text).toBe(true);
    }
    expect(viaToken('0.21007005870342255')).toBe(0.21007005870342255);
  });
});
