import { decimate, finitePoints } from './stats/decimate.js';

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line picture of a curve: bucket medians of the finite points, min→▁, max→█. */
export function sparkline(x: Float64Array, y: Float64Array, width = 24): string {
  const pts = decimate(finitePoints(x, y), width);
  if (pts.y.length === 0) return '';
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pts.y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const range = hi - lo;
  return Array.from(pts.y, (v) => BARS[range > 0 ? Math.round(((v - lo) / range) * (BARS.length - 1)) : 0]).join('');
}
