/**
 * Correctly rounded decimal → double for the 16–17 digit mantissas that Python writes for every
 * float (`str(0.1 + 0.2)` is `0.30000000000000004`), without building a string for Number().
 * The mantissa is split as hi·100 + lo (hi < 2^53, so both parts are exact), divided by an exact
 * power of ten in double-double arithmetic (Dekker's exact product), and the remainder tells which
 * neighbouring double is nearest. Cases this cannot decide with a wide margin (a decimal within
 * 10⁻⁶ ulp of a halfway point, a power of two, exponents outside 10⁻²²..10⁻¹) return NaN, and the
 * caller falls back to Number(). Pure.
 */

/** Dekker's splitter 2^27 + 1. */
const SPLIT = 134217729;

/** A double split into two halves of 26 bits whose products are exact. */
function split(a: number): [number, number] {
  const c = SPLIT * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const POW10_HI = POW10.map((p) => split(p)[0]);
const POW10_LO = POW10.map((p) => split(p)[1]);
const [HUNDRED_HI, HUNDRED_LO] = split(100);
/** 2^(e − 1075): the spacing of doubles whose biased exponent is e. */
const ULP = Float64Array.from({ length: 2048 }, (_, e) => 2 ** (e - 1075));
/** Below this an integer is exact in a double. */
const MAX_EXACT = 2 ** 53;
/** Decisions closer than this (in ulps) to a halfway point go to Number(). */
const MARGIN = 1e-6;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index of the high 32-bit word of a double (endianness of the platform). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The double nearest to ±(hi·100 + lo)·10^e10, or NaN when it is not decided here.
 * hi: the mantissa without its last two digits; lo: those two digits (0..99); −22 ≤ e10 ≤ −1.
 */
export function nearestDouble(hi: number, lo: number, e10: number, negative: boolean): number {
  if (!(hi < MAX_EXACT) || e10 < -22 || e10 > -1) return Number.NaN;
  const k = -e10;
  const P = POW10[k];
  // M = hi·100 + lo exactly, as mh + ml (mh the nearest double to M).
  const t = hi * 100;
  const te = productError(hi, HUNDRED_HI, HUNDRED_LO, t);
  const mh = t + lo;
  const se = lo - (mh - t); // exact: |lo| ≤ 99 and t is far larger (fast two-sum)
  const ml = te + se;
  // q: the division rounded once; R = M − q·P, the exact remainder (up to a negligible rounding).
  const q = mh / P;
  const ph = q * P;
  const pl = productError(q, POW10_HI[k], POW10_LO[k], ph);
  const r = mh - ph - pl + ml;
  // q's exponent: the spacing of doubles around q.
  bits[0] = q;
  const high = words[HIGH];
  const exponent = (high >>> 20) & 0x7ff;
  if (exponent === 0 || exponent === 0x7ff) return Number.NaN;
  if ((high & 0xfffff) === 0 && words[1 - HIGH] === 0) return Number.NaN; // a power of two: uneven spacing
  const ulp = ULP[exponent];
  // True value = q + r/P; in ulps of q:
  const steps = r / (P * ulp);
  const nearest = Math.round(steps);
  if (Math.abs(Math.abs(steps - nearest) - 0.5) < MARGIN || Math.abs(nearest) > 2) return Number.NaN;
  const value = q + nearest * ulp;
  if (nearest !== 0) {
    // Crossing into another binade changes the spacing: leave that to Number().
    bits[0] = value;
    if (((words[HIGH] >>> 20) & 0x7ff) !== exponent) return Number.NaN;
  }
  return negative ? -value : value;
}

/** a·b − p exactly, for p = fl(a·b) and b = bh + bl split (Dekker; no fused multiply-add needed). */
function productError(a: number, bh: number, bl: number, p: number): number {
  const c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * The value of the numeric token buf[from, to) (digits, one '.' or ',', an optional exponent)
 * whose mantissa has `digits` digits and whose value is (mantissa)·10^e10, or NaN when
 * nearestDouble cannot decide it.
 */
export function tokenDouble(buf: Uint8Array, from: number, to: number, digits: number, e10: number, negative: boolean): number {
  let hi = 0;
  let lo = 0;
  let seen = 0;
  for (let i = from; i < to; i++) {
    const b = buf[i];
    if (b === 101 || b === 69) break;
    if (b < 48 || b > 57) continue;
    if (seen++ < digits - 2) hi = hi * 10 + (b - 48);
    else lo = lo * 10 + (b - 48);
  }
  return nearestDouble(hi, lo, e10, negative);
}
