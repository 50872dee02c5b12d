/** Number styles shared by rule messages and formatters. Pure. */

/** 2000000 → 2,000,000 (without Intl, whose locale data costs megabytes of memory). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * An x value (step, epoch, iteration) as people count them: whole numbers, with thousands
 * separators from five digits on (1500, 348,000 — never 3.48e5), fractional epochs with up to 4
 * significant digits.
 */
export function xLabel(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) || Math.abs(v) >= 1000) {
    const whole = Math.round(v);
    if (Math.abs(whole) < 10_000) return String(whole);
    return whole < 0 ? `-${thousands(-whole)}` : thousands(whole);
  }
  return String(Number(v.toPrecision(4)));
}

/**
 * A measured value as people read it: 4 significant digits, exponent form below 0.001 and from
 * 100,000 on (1.23e-4, 2.5e6); NaN and ±Infinity as JavaScript writes them.
 */
export function readableNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(2).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** A relative change as a signed percentage to `digits` significant digits (`+24%`, `-70%`). */
export function signedPercent(v: number, digits: number): string {
  const p = Number((v * 100).toPrecision(digits));
  return `${p > 0 ? '+' : ''}${p}%`;
}

/** 6 significant digits, as a number (integers too; non-finite values as they are). */
export function sig6(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/** 6 significant digits, as a number: what a chart or a report needs, in a smaller file. */
export function round6(v: number): number {
  return Number.isInteger(v) ? v : Number(v.toPrecision(6));
}
