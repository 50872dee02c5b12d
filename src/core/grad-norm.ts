/** The gradient-norm series of a run, as the gradient rules read it. Pure. */
import { finitePoints, type XY } from './stats/decimate.js';
import type { Run, Series } from './types.js';

/**
 * The run's gradient-norm series: the first one whose name says total/global when several are
 * logged (per-layer norms beside a total), else the first one.
 */
export function gradNormSeries(run: Run): Series | undefined {
  const all = run.series.filter((s) => s.kind === 'grad-norm');
  return all.find((s) => /total|global/i.test(s.name)) ?? all[0];
}

/** Finite, non-negative points of a gradient-norm series (a norm below zero is not a norm). */
export function normPoints(series: Series): XY {
  const pts = finitePoints(series.x, series.y);
  let n = 0;
  for (let i = 0; i < pts.y.length; i++) if (pts.y[i] >= 0) n++;
  if (n === pts.y.length) return pts;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0, j = 0; i < pts.y.length; i++) {
    if (pts.y[i] >= 0) {
      x[j] = pts.x[i];
      y[j++] = pts.y[i];
    }
  }
  return { x, y };
}
