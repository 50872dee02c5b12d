/**
 * Minimum of a fixed series over a window [lo, hi] whose ends only move forward from one query
 * to the next (a monotonic deque): O(n) for all queries together instead of O(window) each.
 * Replaces "walk back while the point is within the window" loops that are O(n²) over a curve
 * (core/curve-signals.ts `abrupt`). NaN counts as +Infinity (it is never ≤ anything). On ties
 * the earliest index wins (so -0 vs 0 comes out as a left-to-right scan would). Pure.
 */
export class ForwardWindowMin {
  private readonly q: Int32Array;
  private head = 0;
  private tail = 0;
  /** Next index to enter the deque. */
  private next = 0;
  private lastLo = 0;
  private lastHi = -1;

  constructor(private readonly w: ArrayLike<number>) {
    this.q = new Int32Array(w.length);
  }

  /** min(w[lo..hi]) (Infinity for an empty window). A window that moves back restarts the scan. */
  min(lo: number, hi: number): number {
    const { w, q } = this;
    lo = Math.max(0, lo);
    hi = Math.min(w.length - 1, hi);
    if (hi < lo) return Infinity;
    if (lo < this.lastLo || hi < this.lastHi) {
      this.head = 0;
      this.tail = 0;
      this.next = lo;
    }
    this.lastLo = lo;
    this.lastHi = hi;
    if (this.next < lo) {
      this.head = 0;
      this.tail = 0;
      this.next = lo;
    }
    while (this.next <= hi) {
      const i = this.next++;
      const v = w[i];
      const key = v === v ? v : Infinity;
      while (this.tail > this.head) {
        const last = w[q[this.tail - 1]];
        if ((last === last ? last : Infinity) > key) this.tail--;
        else break;
      }
      q[this.tail++] = i;
    }
    while (this.head < this.tail && q[this.head] < lo) this.head++;
    if (this.head === this.tail) return Infinity;
    const m = w[q[this.head]];
    return m === m ? m : Infinity;
  }
}
