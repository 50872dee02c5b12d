/**
 * Display decimation for the HTML charts. Charts stay responsive with ~2000 points per series;
 * decimation keeps the extremes (spikes must stay visible) and the first and last points.
 */

/** At most this many points of one series are embedded for drawing. */
export const MAX_DISPLAY_POINTS = 2000;

export interface XY {
  x: number[];
  /** null where the log holds NaN/±Infinity (the chart leaves a gap there). */
  y: Array<number | null>;
}

/** Report values (`data.y` holds non-finite values as strings) → finite number or null. */
export function finiteOrNull(v: number | string | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** 6 significant digits: what a chart or a tooltip can show, and a smaller file. */
export function round6(v: number): number {
  return Number.isInteger(v) ? v : Number(v.toPrecision(6));
}

/** Points of a series as finite x and finite-or-null y (points without a finite x are dropped). */
export function cleanPoints(xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | string>): XY {
  const x: number[] = [];
  const y: Array<number | null> = [];
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const xi = xs[i];
    if (typeof xi !== 'number' || !Number.isFinite(xi)) continue;
    x.push(xi);
    const yi = finiteOrNull(ys[i]);
    y.push(yi === null ? null : round6(yi));
  }
  return { x, y };
}

/**
 * Min/max decimation: the inner points are cut into equal-count buckets and each bucket keeps
 * its lowest and highest finite point (in x order), so spikes and dips survive; a bucket holding
 * a non-finite value also keeps one null there, so the line still breaks where the log has NaN.
 * First and last points are always kept. At most `max` points.
 */
export function minMaxDownsample(data: XY, max = MAX_DISPLAY_POINTS): XY {
  const n = data.x.length;
  if (n <= max) return data;
  let buckets = Math.max(1, Math.floor((max - 2) / 2));
  for (;;) {
    const out = bucketExtremes(data, buckets);
    // Gaps cost a point each: with many of them, use fewer buckets.
    if (out.x.length <= max || buckets === 1) return out;
    buckets = Math.max(1, buckets - Math.ceil((out.x.length - max) / 2));
  }
}

function bucketExtremes(data: XY, buckets: number): XY {
  const n = data.x.length;
  const x: number[] = [data.x[0]];
  const y: Array<number | null> = [data.y[0]];
  const inner = n - 2;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (end <= start) continue;
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = start; i < end; i++) {
      const v = data.y[i];
      if (v === null) {
        if (gap < 0) gap = i;
        continue;
      }
      if (lo < 0 || v < (data.y[lo] as number)) lo = i;
      if (hi < 0 || v > (data.y[hi] as number)) hi = i;
    }
    const keep = [...new Set([lo, hi, gap].filter((i) => i >= 0))].sort((a, b) => a - b);
    for (const i of keep) {
      x.push(data.x[i]);
      y.push(data.y[i]);
    }
  }
  x.push(data.x[n - 1]);
  y.push(data.y[n - 1]);
  return { x, y };
}

/**
 * The input of the smoothed line when a series is longer than `max`: bucket means (of the finite
 * values; null for a bucket with none), at the buckets' mean x. Smoothing min/max pairs would
 * follow the envelope, not the level; TensorBoard too smooths a sample of the points (1000 by default).
 */
export function meanDownsample(data: XY, max = MAX_DISPLAY_POINTS): XY {
  const n = data.x.length;
  if (n <= max) return data;
  const x: number[] = [];
  const y: Array<number | null> = [];
  for (let b = 0; b < max; b++) {
    const start = Math.floor((b * n) / max);
    const end = Math.floor(((b + 1) * n) / max);
    if (end <= start) continue;
    let sx = 0;
    let sy = 0;
    let k = 0;
    for (let i = start; i < end; i++) {
      sx += data.x[i];
      const v = data.y[i];
      if (v !== null) {
        sy += v;
        k++;
      }
    }
    x.push(round6(sx / (end - start)));
    y.push(k > 0 ? round6(sy / k) : null);
  }
  return { x, y };
}

/** Runs of consecutive non-finite values, from the full data (before decimation). */
export interface NonFiniteRun {
  from: number;
  to: number;
  count: number;
  value: string;
}

export function nonFiniteRuns(xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | string>, limit = 100): NonFiniteRun[] {
  const runs: NonFiniteRun[] = [];
  let current: NonFiniteRun | undefined;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const xi = xs[i];
    if (typeof xi !== 'number' || !Number.isFinite(xi)) continue;
    const v = ys[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      current = undefined;
      continue;
    }
    if (current) {
      current.to = xi;
      current.count++;
    } else {
      current = { from: xi, to: xi, count: 1, value: String(v) };
      runs.push(current);
    }
  }
  if (runs.length <= limit) return runs;
  // Too many separate runs to mark one by one: merge neighbours into `limit` groups.
  const merged: NonFiniteRun[] = [];
  const per = Math.ceil(runs.length / limit);
  for (let i = 0; i < runs.length; i += per) {
    const group = runs.slice(i, i + per);
    merged.push({
      from: group[0].from,
      to: group[group.length - 1].to,
      count: group.reduce((s, r) => s + r.count, 0),
      value: group[0].value,
    });
  }
  return merged;
}
