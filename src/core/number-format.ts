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
