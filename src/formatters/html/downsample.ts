/**
 * Display decimation for the HTML charts. Charts stay responsive with ~2000 points per series;
 * decimation keeps the extremes (spikes must stay visible) and the first and last points.
 *
 * The report holds every point of the log (millions in a long run), so decimation reads the
 * report's arrays in place and cleans and rounds only the points it keeps: a cleaned copy of
 * every point made the page 4x slower and 5x larger in memory than the text report.
 */
import { round6 } from '../../core/number-format.js';

/** At most this many points of one series are embedded for drawing. */
export const MAX_DISPLAY_POINTS = 2000;

export interface XY {
  x: number[];
  /** null where the log holds NaN/±Infinity (the chart leaves a gap there). */
  y: Array<number | null>;
}

/** A series as the report holds it: x null where not finite, non-finite y as strings. */
type Xs = ReadonlyArray<number | null>;
type Ys = ReadonlyArray<number | string>;

/** Report values (`data.y` holds non-finite values as strings) → finite number or null. */
export function finiteOrNull(v: number | string | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}


/** A point without a finite x cannot be placed on the chart: it is dropped. */
function hasX(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** The value a chart shows for a report value: rounded, or null (a gap). */
function shownY(v: number | string | undefined): number | null {
  const f = finiteOrNull(v);
  return f === null ? null : round6(f);
}

/** Points of a series that a chart can place (those with a finite x). */
export function countPoints(xs: Xs, ys: Ys): number {
  const n = Math.min(xs.length, ys.length);
  let count = 0;
  for (let i = 0; i < n; i++) if (hasX(xs[i])) count++;
  return count;
}

/** Points of a series as finite x and rounded finite-or-null y (points without a finite x are dropped). */
export function cleanPoints(xs: Xs, ys: Ys): XY {
  const x: number[] = [];
  const y: Array<number | null> = [];
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const xi = xs[i];
    if (!hasX(xi)) continue;
    x.push(xi);
    y.push(shownY(ys[i]));
  }
  return { x, y };
}

/**
 * Buckets are cut by position among the points with a finite x; this finds their indices in
 * the report's arrays without a copy, for positions asked in increasing order (buckets go left
 * to right). When no x is missing, position and index are the same.
 */
class PointIndex {
  private index = 0;
  private position = 0;
  private readonly length: number;

  constructor(
    private readonly xs: Xs,
    ys: Ys,
    private readonly count: number,
  ) {
    this.length = Math.min(xs.length, ys.length);
  }

  /** Array index of the point at `position` (the array length for position = count). */
  of(position: number): number {
    if (this.count === this.length) return position;
    for (;;) {
      while (this.index < this.length && !hasX(this.xs[this.index])) this.index++;
      if (this.position === position || this.index === this.length) return this.index;
      this.index++;
      this.position++;
    }
  }
}

/**
 * Min/max decimation: the inner points are cut into equal-count buckets and each bucket keeps
 * its lowest and highest finite point (in x order), so spikes and dips survive; a bucket holding
 * a non-finite value also keeps one null there, so the line still breaks where the log has NaN.
 * First and last points are always kept. At most `max` points, cleaned and rounded.
 */
export function minMaxDownsample(xs: Xs, ys: Ys, max = MAX_DISPLAY_POINTS): XY {
  const n = countPoints(xs, ys);
  if (n <= max) return cleanPoints(xs, ys);
  let buckets = Math.max(1, Math.floor((max - 2) / 2));
  for (;;) {
    const out = bucketExtremes(xs, ys, n, buckets);
    // Gaps cost a point each: with many of them, use fewer buckets.
    if (out.x.length <= max || buckets === 1) return out;
    buckets = Math.max(1, buckets - Math.ceil((out.x.length - max) / 2));
  }
}

function bucketExtremes(xs: Xs, ys: Ys, n: number, buckets: number): XY {
  const at = new PointIndex(xs, ys, n);
  const out: XY = { x: [], y: [] };
  const keep = (i: number): void => {
    out.x.push(xs[i] as number);
    out.y.push(shownY(ys[i]));
  };
  keep(at.of(0));
  const inner = n - 2;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (end <= start) continue;
    bucketKeeps(xs, ys, at.of(start), at.of(end)).forEach(keep);
  }
  keep(at.of(n - 1));
  return out;
}

/** Indices (in order) a bucket keeps: its lowest and highest value, and its first non-finite one. */
function bucketKeeps(xs: Xs, ys: Ys, from: number, to: number): number[] {
  let lo = -1;
  let hi = -1;
  let gap = -1;
  for (let i = from; i < to; i++) {
    if (!hasX(xs[i])) continue;
    const v = ys[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      if (gap < 0) gap = i;
      continue;
    }
    if (lo < 0 || v < (ys[lo] as number)) lo = i;
    if (hi < 0 || v > (ys[hi] as number)) hi = i;
  }
  if (lo >= 0) {
    lo = firstShownExtreme(xs, ys, from, to, lo, -1);
    hi = firstShownExtreme(xs, ys, from, to, hi, 1);
  }
  return [...new Set([lo, hi, gap].filter((i) => i >= 0))].sort((a, b) => a - b);
}

/**
 * The chart shows rounded values, and of points that tie once rounded it keeps the first (the
 * page has always picked its extremes that way). `extreme` is the raw lowest (`sign` -1) or
 * highest (+1) value; rounding moves a value by less than 1e-5 of it, so only values that close
 * to the extreme can tie with it or pass it once rounded, and only those are rounded here.
 */
function firstShownExtreme(xs: Xs, ys: Ys, from: number, to: number, extreme: number, sign: 1 | -1): number {
  const target = round6(ys[extreme] as number);
  // Below 1e6 rounding keeps the order, so the shown extreme is the target, first reached no
  // later than the raw extreme: stop there. (From 1e6 on round6 keeps integers whole but rounds
  // the fractions between them, so every close value must be compared.)
  const ordered = Math.abs(target) < 5e5;
  const end = ordered ? extreme + 1 : to;
  let best = -1;
  let bestShown = 0;
  let last = Number.NaN;
  let lastShown = 0;
  for (let i = from; i < end; i++) {
    const v = ys[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || !hasX(xs[i])) continue;
    if (sign * (target - v) > 1e-5 * Math.abs(v)) continue;
    // Plateaus repeat one value: round it once.
    if (v !== last) {
      last = v;
      lastShown = round6(v);
    }
    if (ordered) {
      if (lastShown === target) return i;
    } else if (best < 0 || sign * (lastShown - bestShown) > 0) {
      best = i;
      bestShown = lastShown;
    }
  }
  return best;
}

/**
 * The input of the smoothed line when a series is longer than `max`: bucket means (of the finite
 * values; null for a bucket with none), at the buckets' mean x, rounded. Smoothing min/max pairs
 * would follow the envelope, not the level; TensorBoard too smooths a sample of the points (1000
 * by default). The means are of the logged values, rounded once: rounding every point before
 * averaging costs a toPrecision per point, and only the points shown need rounding.
 */
export function meanDownsample(xs: Xs, ys: Ys, max = MAX_DISPLAY_POINTS): XY {
  const n = countPoints(xs, ys);
  if (n <= max) return cleanPoints(xs, ys);
  const at = new PointIndex(xs, ys, n);
  const x: number[] = [];
  const y: Array<number | null> = [];
  for (let b = 0; b < max; b++) {
    const start = Math.floor((b * n) / max);
    const end = Math.floor(((b + 1) * n) / max);
    if (end <= start) continue;
    const from = at.of(start);
    const to = at.of(end);
    let sx = 0;
    let sy = 0;
    let k = 0;
    for (let i = from; i < to; i++) {
      const xi = xs[i];
      if (!hasX(xi)) continue;
      sx += xi;
      const v = ys[i];
      if (typeof v === 'number' && Number.isFinite(v)) {
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
