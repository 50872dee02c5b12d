/**
 * Drop-in faster versions of the order statistics in robust.ts, returning exactly the same
 * numbers (including the sign of a zero: like Float64Array#sort, -0 ranks below +0):
 * - medianSelect / quantileSelect: O(n) selection instead of an O(n log n) sort;
 * - rollingMedianFast: O(n log n) instead of O(n·w·log w). robust.rollingMedian
 *   over the whole curve with a window of n/20 (rules/chance-level.ts) is O(n²): 2 M points
 *   would take hours.
 * All ignore non-finite values, as robust.ts does. Pure; inputs are not modified.
 */

/** a before b in Float64Array#sort order (for finite values: numeric, -0 before +0). */
function less(a: number, b: number): boolean {
  return a < b || (a === 0 && b === 0 && 1 / a < 1 / b);
}

function finiteCopy(values: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count++;
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out[j++] = v;
  }
  return out;
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && less(v, a[j])) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * Rearrange a[lo..hi] so that a[k] holds the value sorted order puts there, everything before
 * it is not after it and everything after it is not before it (Hoare partition, median of
 * three; falls back to sorting the range if partitioning stops making progress).
 */
function select(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi - lo > 16) {
    if (budget-- <= 0) {
      const part = a.subarray(lo, hi + 1).sort();
      a.set(part, lo);
      return;
    }
    const mid = (lo + hi) >> 1;
    // Median of three to a[mid], then use it as the pivot.
    if (less(a[mid], a[lo])) swap(a, mid, lo);
    if (less(a[hi], a[lo])) swap(a, hi, lo);
    if (less(a[hi], a[mid])) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (less(a[i], pivot)) i++;
      while (less(pivot, a[j])) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  insertionSort(a, lo, hi);
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Largest value of a[lo..hi] in sort order. */
function maxOf(a: Float64Array, lo: number, hi: number): number {
  let m = a[lo];
  for (let i = lo + 1; i <= hi; i++) if (less(m, a[i])) m = a[i];
  return m;
}

/** Smallest value of a[lo..hi] in sort order. */
function minOf(a: Float64Array, lo: number, hi: number): number {
  let m = a[lo];
  for (let i = lo + 1; i <= hi; i++) if (less(a[i], m)) m = a[i];
  return m;
}

/** Same as robust.median: median of the finite values, NaN when there are none. */
export function medianSelect(values: ArrayLike<number>): number {
  const v = finiteCopy(values);
  const n = v.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  select(v, mid);
  if (n % 2) return v[mid];
  return (maxOf(v, 0, mid - 1) + v[mid]) / 2;
}

/** Same as robust.quantile (linear interpolation between order statistics). */
export function quantileSelect(values: ArrayLike<number>, q: number): number {
  const v = finiteCopy(values);
  const n = v.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  select(v, lo);
  const a = v[lo];
  const b = hi === lo ? a : minOf(v, lo + 1, n - 1);
  return a + (b - a) * (pos - lo);
}

/** Same as robust.mad: median absolute deviation from the median (unscaled). */
export function madSelect(values: ArrayLike<number>): number {
  const m = medianSelect(values);
  const v = finiteCopy(values);
  for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i] - m);
  return medianSelect(v);
}

/** First position in sorted `a` whose value is not before `v` (Float64Array#sort order). */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (less(a[mid], v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Windows up to 2·this+1 points keep a sorted copy of the window instead (O(n·w), no setup). */
const SMALL_HALF_WINDOW = 32;

/** rollingMedianFast for small windows: the window's finite values kept sorted, shifted in place. */
function rollingMedianSmall(y: ArrayLike<number>, half: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  const win = new Float64Array(2 * half + 1);
  let len = 0;
  let from = 0;
  let to = -1;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n - 1, i + half);
    // Leave first, then enter: the window never holds more than 2·half+1 values.
    while (from < a) {
      const v = y[from++];
      if (!Number.isFinite(v)) continue;
      let j = 0;
      while (less(win[j], v)) j++;
      len--;
      for (; j < len; j++) win[j] = win[j + 1];
    }
    while (to < b) {
      const v = y[++to];
      if (!Number.isFinite(v)) continue;
      let j = len++;
      while (j > 0 && less(v, win[j - 1])) {
        win[j] = win[j - 1];
        j--;
      }
      win[j] = v;
    }
    const mid = len >> 1;
    out[i] = len === 0 ? Number.NaN : len % 2 ? win[mid] : (win[mid - 1] + win[mid]) / 2;
  }
  return out;
}

/**
 * Same as robust.rollingMedian(y, window): the median of the finite values among the points
 * at most ⌊window/2⌋ away (fewer at the edges), NaN where there are none. Large windows: O(n log n): the values
 * are ranked once (one native sort), then the window is a Fenwick tree of counts per rank and
 * each median is one or two k-th-smallest searches.
 */
export function rollingMedianFast(y: ArrayLike<number>, window: number): Float64Array {
  const n = y.length;
  const half = Math.max(0, Math.floor(window / 2));
  if (half <= SMALL_HALF_WINDOW) return rollingMedianSmall(y, half);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const sorted = finiteCopy(y).sort();
  const m = sorted.length;
  /** Rank slot of each point (the first position of its value in `sorted`), -1 when not finite. */
  const slot = new Int32Array(n);
  for (let i = 0; i < n; i++) slot[i] = Number.isFinite(y[i]) ? lowerBound(sorted, y[i]) : -1;
  const tree = new Int32Array(m + 1);
  let top = 1;
  while (top * 2 <= m) top *= 2;
  const update = (s: number, delta: number) => {
    for (let i = s + 1; i <= m; i += i & -i) tree[i] += delta;
  };
  /** Slot holding the k-th smallest value in the window (k ≥ 1). */
  const kth = (k: number): number => {
    let pos = 0;
    for (let step = top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= m && tree[next] < k) {
        pos = next;
        k -= tree[next];
      }
    }
    return pos;
  };

  let count = 0;
  let from = 0;
  let to = -1;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n - 1, i + half);
    while (to < b) {
      const s = slot[++to];
      if (s >= 0) {
        update(s, 1);
        count++;
      }
    }
    while (from < a) {
      const s = slot[from++];
      if (s >= 0) {
        update(s, -1);
        count--;
      }
    }
    if (count === 0) out[i] = Number.NaN;
    else if (count % 2) out[i] = sorted[kth((count >> 1) + 1)];
    else out[i] = (sorted[kth(count >> 1)] + sorted[kth((count >> 1) + 1)]) / 2;
  }
  return out;
}
