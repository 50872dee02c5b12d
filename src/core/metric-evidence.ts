/**
 * Held-out metrics as evidence for the verdict. A loss plateau whose held-out metric (mAP,
 * accuracy, WER…) still improves clearly is not converged: the model is still getting better at the
 * task. Pure.
 */
import { indexAtOrAfter } from './curve-signals.js';
import { primaryLossNames, seriesDirection, type Better } from './metric-direction.js';
import { decimate, finitePoints } from './stats/decimate.js';
import { theilSen } from './stats/trend-tests.js';
import type { Run, Series, SeriesProfile } from './types.js';
import type { Verdict } from './verdict.js';
import { CONFIDENCE_BORDERLINE, METRIC_LATE_GAIN, METRIC_TAIL_GAIN, MIN_POINTS } from './verdict-thresholds.js';

/** Points of the late window the slope is fitted on (a sample keeps it cheap). */
const LATE_SAMPLE = 200;

/** Relative change toward better of `series` (profiled as `p`) over the second half of its tail window (Theil–Sen on ≤ 200 points). */
function lateGain(series: Series, p: SeriesProfile, better: Better): number {
  const pts = finitePoints(series.x, series.y);
  const mid = (p.tail.from + p.tail.to) / 2;
  // Not found is x.length: fewer than 3 points either way.
  let start = indexAtOrAfter(pts.x, mid);
  if (pts.x.length - start < 3) start = Math.max(0, pts.x.length - 3);
  const late = decimate({ x: pts.x.subarray(start), y: pts.y.subarray(start) }, LATE_SAMPLE);
  const n = late.y.length;
  if (n < 2) return 0;
  const { slope } = theilSen(late.x, late.y);
  const change = (slope * (late.x[n - 1] - late.x[0])) / (Math.abs(late.y[n - 1]) || 1);
  return better === 'higher' ? change : -change;
}

/** A converged verdict becomes still-learning when a held-out metric still improves clearly. */
export function heldOutMetricVerdict(verdict: Verdict, run: Run, profiles: ReadonlyMap<string, SeriesProfile>, overrides?: ReadonlyMap<string, Better>): Verdict | undefined {
  if (verdict.id !== 'converged') return undefined;
  const primaries = primaryLossNames(run);
  for (const s of run.series) {
    if (s.kind !== 'metric' || s.role === 'train') continue;
    const p = profiles.get(s.name);
    const better = seriesDirection(s, primaries, overrides);
    if (!p || !better || p.nFinite < MIN_POINTS) continue;
    const toward = better === 'higher' ? 'rising' : 'falling';
    if (p.tail.direction !== toward || Math.abs(p.tail.relChange) < METRIC_TAIL_GAIN) continue;
    if (lateGain(s, p, better) >= METRIC_LATE_GAIN) {
      return { ...verdict, id: 'still-learning', confidence: CONFIDENCE_BORDERLINE, reason: 'held-out-metric-improving', seedRow: undefined, metric: s.name };
    }
  }
  return undefined;
}
