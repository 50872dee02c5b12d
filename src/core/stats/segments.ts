import type { XY } from './decimate.js';

/**
 * Piecewise-linear change points by binary segmentation with a BIC-style penalty.
 * The cost of a segment is the residual sum of squares of its least-squares line, computed in
 * O(1) from prefix sums, so one split scan is linear and the whole search is O(n log n).
 * Returns segment boundaries as index ranges [start, end) over the input points.
 */
export function linearSegments(
  points: XY,
  options: { noise: number; minSize?: number; maxSegments?: number },
): Array<[number, number]> {
  const n = points.y.length;
  const minSize = Math.max(3, options.minSize ?? Math.ceil(n / 20));
  const maxSegments = options.maxSegments ?? 6;
  if (n < 2 * minSize) return [[0, n]];
  // Center and scale x to keep the prefix sums well conditioned.
  const x0 = points.x[0];
  const xs = points.x[n - 1] - x0 || 1;
  const p = prefixSums(points, x0, xs);
  const sigma2 = Math.max(options.noise ** 2, 1e-300);
  // Each extra segment adds 2 parameters (slope, intercept) and a location.
  const penalty = 3 * sigma2 * Math.log(n) * 2;

  const segments: Array<[number, number]> = [[0, n]];
  while (segments.length < maxSegments) {
    let best: { gain: number; seg: number; at: number } | undefined;
    segments.forEach(([a, b], segIndex) => {
      if (b - a < 2 * minSize) return;
      const whole = cost(p, a, b);
      for (let k = a + minSize; k <= b - minSize; k++) {
        const gain = whole - cost(p, a, k) - cost(p, k, b);
        if (!best || gain > best.gain) best = { gain, seg: segIndex, at: k };
      }
    });
    if (!best || best.gain <= penalty) break;
    const [a, b] = segments[best.seg];
    segments.splice(best.seg, 1, [a, best.at], [best.at, b]);
  }
  return segments;
}

interface Prefix {
  sx: Float64Array;
  sy: Float64Array;
  sxx: Float64Array;
  sxy: Float64Array;
  syy: Float64Array;
}

function prefixSums(points: XY, x0: number, xs: number): Prefix {
  const n = points.y.length;
  const p: Prefix = {
    sx: new Float64Array(n + 1),
    sy: new Float64Array(n + 1),
    sxx: new Float64Array(n + 1),
    sxy: new Float64Array(n + 1),
    syy: new Float64Array(n + 1),
  };
  for (let i = 0; i < n; i++) {
    const x = (points.x[i] - x0) / xs;
    const y = points.y[i];
    p.sx[i + 1] = p.sx[i] + x;
    p.sy[i + 1] = p.sy[i] + y;
    p.sxx[i + 1] = p.sxx[i] + x * x;
    p.sxy[i + 1] = p.sxy[i] + x * y;
    p.syy[i + 1] = p.syy[i] + y * y;
  }
  return p;
}

/** Residual sum of squares of the least-squares line over [a, b). */
function cost(p: Prefix, a: number, b: number): number {
  const m = b - a;
  if (m < 2) return 0;
  const sx = p.sx[b] - p.sx[a];
  const sy = p.sy[b] - p.sy[a];
  const sxx = p.sxx[b] - p.sxx[a];
  const sxy = p.sxy[b] - p.sxy[a];
  const syy = p.syy[b] - p.syy[a];
  const vxx = sxx - (sx * sx) / m;
  const vxy = sxy - (sx * sy) / m;
  const vyy = syy - (sy * sy) / m;
  const rss = vxx > 1e-300 ? vyy - (vxy * vxy) / vxx : vyy;
  return Math.max(0, rss);
}
