import { MIN_EFFECT } from './profile.js';
import type { Direction, GapProfile, SeriesProfile } from './types.js';
import type { VerdictId } from './verdict-ids.js';
import * as T from './verdict-thresholds.js';

/** The curve's behaviour as the verdict table reads it. `broken` = ends in NaN/Inf or runs away. */
export type CurveState = Direction | 'broken' | 'never-fell';

export interface Verdict {
  id: VerdictId;
  /** States that decided it (train, held-out). */
  train?: CurveState;
  heldOut?: CurveState;
  /** Which series played the held-out role (val, or test when there is no val). */
  heldOutRole?: 'val' | 'test';
  /** Row of the seed's trend table (§C1–C5) when the combination is one of its rows. */
  seedRow?: 'C1' | 'C2' | 'C3' | 'C4' | 'C5';
  confidence: number;
  /** Short machine-readable reason, e.g. 'val-rising', 'train-nan'. */
  reason: string;
  /** The held-out metric whose improvement made a loss plateau read still-learning. */
  metric?: string;
}

export interface VerdictInput {
  train?: SeriesProfile;
  val?: SeriesProfile;
  test?: SeriesProfile;
  gap?: GapProfile;
}

/** Ends in non-finite values, or a bounded-below loss running off to large negative values. */
export function isBroken(p: SeriesProfile): boolean {
  // NaN from the first point (nothing finite at all), or a curve that ends in NaN/Inf. A NaN that
  // recovers is the non-finite finding's business, not a verdict.
  if (p.nonFinite.count > 0 && (p.nFinite === 0 || (p.nonFinite.first && p.last.x < p.span[1]))) return true;
  return isUnbounded(p);
}

/** A loss that goes negative and keeps falling by orders of magnitude: the objective is wrong. */
export function isUnbounded(p: SeriesProfile): boolean {
  return (
    p.kind === 'loss' &&
    p.endLevel < 0 &&
    p.trend.direction === 'falling' &&
    Math.abs(p.endLevel) >= T.UNBOUNDED_FACTOR * Math.max(Math.abs(p.startLevel), p.noise)
  );
}

/**
 * Blew up within the first logs and never came back: the first value is well below where the curve
 * sustains itself afterwards (its sustained best ≥ 1.3× and its end ≥ 1.5× the first value). The
 * start level and the sustained best are both taken after the blow-up, so only the first point shows it.
 */
function blewUpAtStart(p: SeriesProfile): boolean {
  const first = p.first.value;
  return first > 0 && p.bestLevel >= T.BLOWUP_BEST_RATIO * first && p.endLevel >= T.BLOWUP_END_RATIO * first && p.min.value >= T.BLOWUP_MIN_RATIO * first;
}

/**
 * Back where it started after a short dip: the end is within 10% of the start and of the whole
 * curve's median, and under 10% of the points ever sat 10% below the start. A rise from such a dip
 * is no divergence; the curve never learned.
 */
function reboundToStart(p: SeriesProfile): boolean {
  const near = (a: number, b: number) => Math.abs(a - b) <= T.REBOUND_NEAR * Math.abs(b);
  return near(p.endLevel, p.startLevel) && near(p.endLevel, p.medianLevel) && p.shareBelowStart < T.REBOUND_BELOW_SHARE;
}

/** Improvement under 5%, or not two standard errors clear of the scatter, with no falling trend. */
function neverFell(p: SeriesProfile): boolean {
  return (p.improvement < T.MIN_IMPROVEMENT || p.improvementZ < T.FELL_Z) && p.trend.direction !== 'falling';
}

function trainState(p: SeriesProfile): CurveState {
  if (isBroken(p)) return 'broken';
  if (blewUpAtStart(p)) return 'rising';
  if (!reboundToStart(p)) {
    const risingTail = p.tail.direction === 'rising' || p.trend.direction === 'rising';
    if (risingTail && p.relRiseSinceMin >= T.TRAIN_RISE_REL && p.riseSinceMin >= T.TRAIN_RISE_NOISE) return 'rising';
    // Jumped up and stayed there: the tail is flat, but far above the sustained best.
    if (p.relRiseSinceMin >= T.TRAIN_JUMP_REL && p.riseSinceMin >= T.TRAIN_JUMP_NOISE) return 'rising';
  }
  // Judged on the whole curve: a dip in the last third of a flat run is not learning.
  if (neverFell(p)) {
    return p.trend.direction === 'rising' && p.relRiseSinceMin >= T.TRAIN_RISE_REL ? 'rising' : 'never-fell';
  }
  return p.tail.direction === 'falling' ? 'falling' : 'flat';
}

function heldOutState(p: SeriesProfile): CurveState {
  if (isBroken(p)) return 'broken';
  if (p.tail.direction === 'rising') return 'rising';
  // A U-shape whose tail test is noisy: clearly back above the best value.
  if (p.relRiseSinceMin >= T.HELD_OUT_RISE_REL && p.riseSinceMin >= T.HELD_OUT_RISE_NOISE && p.min.x < p.span[1]) return 'rising';
  // A zig-zagging held-out curve inflates the noise estimate; a large rise still counts.
  if (p.relRiseSinceMin >= T.HELD_OUT_LARGE_RISE_REL && p.riseSinceMin >= T.HELD_OUT_LARGE_RISE_NOISE && p.min.x < p.span[1]) return 'rising';
  if (p.tail.direction === 'falling') return 'falling';
  return 'flat';
}

/**
 * The held-out curve is at its best at the end: its lowest point is the last evaluation or the one
 * before, and it has not climbed back above its sustained best by a noise unit. Such a curve is
 * still improving, however flat its trend test reads: never overfitting.
 */
function atBestAtEnd(p: SeriesProfile): boolean {
  return p.pointsAfterMin <= T.AT_BEST_POINTS_AFTER && p.riseSinceMin < T.AT_BEST_NOISE;
}

/** The last third still falls by at least twice the curve's own noise (its own slope and noise, not the train curve's). */
function fallsBeyondItsNoise(p: SeriesProfile): boolean {
  return p.tail.slope < 0 && -p.tail.relChange * Math.abs(p.endLevel) >= T.DRIFT_NOISE * p.noise;
}

/**
 * A clear fall of the held-out curve, as §C3 needs: ≥ 10% below where it started, a falling trend
 * (or an improvement three standard errors clear of the scatter), ending near its best — and not a recovery: a curve that first climbed well above its start
 * (spikes, a disturbance) and is coming back down has not improved on its start.
 */
function fellClearly(p: SeriesProfile): boolean {
  const climbedFirst = p.max.value >= T.CLIMB_RATIO * p.startLevel && p.max.x > p.span[0] + T.CLIMB_AFTER_SHARE * (p.span[1] - p.span[0]);
  // A fall that came early and then held reads flat to a whole-curve trend test: three standard errors of improvement say it too.
  const fell = p.trend.direction === 'falling' || p.improvementZ >= T.CLEAR_FALL_Z;
  const nearBest = p.riseSinceMin < T.CLEAR_FALL_NEAR_BEST_NOISE || p.relRiseSinceMin < T.CLEAR_FALL_NEAR_BEST_REL;
  return p.improvement >= T.CLEAR_FALL && fell && nearBest && !climbedFirst;
}

/**
 * The held-out curve never improved (no 5% gain, no falling trend) while sitting far above the
 * training curve (≥ 3× its level) or drifting away from it: the model does not generalise,
 * whatever the noise hides.
 */
function neverGeneralised(train: SeriesProfile, heldOut: SeriesProfile, gap: GapProfile | undefined): boolean {
  if (heldOut.improvement >= T.MIN_IMPROVEMENT || heldOut.trend.direction === 'falling') return false;
  // Far above training, or the gap to it widening significantly over the run (§C2 from the start).
  return (train.endLevel > 0 && heldOut.endLevel >= T.FAR_ABOVE_TRAIN * train.endLevel) || gap?.trend.direction === 'rising';
}

/** True when the held-out curve stopped improving some time before the end. */
function pastItsBest(p: SeriesProfile): boolean {
  const position = (p.min.x - p.span[0]) / (p.span[1] - p.span[0] || 1);
  return position < T.PAST_BEST_POSITION || p.riseSinceMin >= T.PAST_BEST_NOISE;
}

export function decideVerdict(input: VerdictInput): Verdict {
  const enough = (p?: SeriesProfile) => p !== undefined && p.nFinite >= T.MIN_POINTS;
  const heldOutProfile = enough(input.val) ? input.val : enough(input.test) ? input.test : undefined;
  const heldOutRole: Verdict['heldOutRole'] = heldOutProfile ? (heldOutProfile === input.val ? 'val' : 'test') : undefined;
  const withRole: Pick<Verdict, 'heldOutRole'> = heldOutRole ? { heldOutRole } : {};

  // A train loss that is NaN/Inf at (nearly) every point has diverged, whatever the held-out curve does.
  if (input.train && input.train.nonFinite.count >= T.DIVERGED_NON_FINITE && input.train.nFinite < T.MIN_POINTS && isBroken(input.train)) {
    return { id: 'diverging', train: 'broken', ...withRole, confidence: T.CONFIDENCE_BROKEN, reason: 'train-non-finite' };
  }
  if (!enough(input.train)) {
    // Some logs hold only a validation curve; judge it alone rather than not at all.
    if (!heldOutProfile) {
      const broken = [input.train, input.val, input.test].some((p) => p && p.nonFinite.count > 0 && isBroken(p));
      if (broken) return { id: 'diverging', train: 'broken', confidence: T.CONFIDENCE_BROKEN, reason: 'non-finite' };
      return { id: 'insufficient-data', confidence: 1, reason: input.train || input.val ? 'too-few-points' : 'no-loss' };
    }
    const state = heldOutState(heldOutProfile);
    const alone = trainState(heldOutProfile);
    if (state === 'broken') return { id: 'diverging', heldOut: state, ...withRole, confidence: T.CONFIDENCE_BROKEN, reason: 'held-out-broken' };
    if (alone === 'never-fell') return { id: 'not-learning', heldOut: alone, ...withRole, confidence: T.CONFIDENCE_HELD_OUT_ONLY, reason: 'held-out-only' };
    if (state === 'rising') return { id: 'overfitting', heldOut: state, ...withRole, confidence: T.CONFIDENCE_HELD_OUT_ONLY, reason: 'held-out-only-rising' };
    return {
      id: state === 'falling' ? 'still-learning' : 'converged',
      heldOut: state,
      ...withRole,
      confidence: T.CONFIDENCE_HELD_OUT_ONLY * heldOutProfile.tail.confidence,
      reason: 'held-out-only',
    };
  }

  const train = input.train!;
  const t = trainState(train);
  if (t === 'broken' || t === 'rising') {
    const h = heldOutProfile ? heldOutState(heldOutProfile) : undefined;
    return {
      id: 'diverging',
      train: t,
      ...(h ? { heldOut: h } : {}),
      ...withRole,
      ...(h === 'rising' || h === 'broken' ? { seedRow: 'C5' as const } : {}),
      confidence: t === 'broken' ? T.CONFIDENCE_TRAIN_BROKEN : train.tail.confidence,
      reason: t === 'broken' ? 'train-broken' : 'train-rising',
    };
  }
  if (t === 'never-fell') {
    // §C3 is exactly "train flat, held-out falling": the never-fell pre-check must not hide it.
    // The held-out curve may have plateaued since: a clear fall beside a train loss that never moved is §C3.
    const h = heldOutProfile ? heldOutState(heldOutProfile) : undefined;
    if (heldOutProfile && (h === 'falling' || h === 'flat') && fellClearly(heldOutProfile)) {
      return { id: 'data-problem', train: t, heldOut: 'falling', ...withRole, seedRow: 'C3', confidence: heldOutProfile.trend.confidence, reason: 'held-out-falling' };
    }
    return { id: 'not-learning', train: t, ...withRole, confidence: Math.max(T.CONFIDENCE_FLOOR, train.trend.confidence), reason: 'train-never-fell' };
  }
  if (!heldOutProfile) {
    return {
      id: t === 'falling' ? 'still-learning' : 'converged',
      train: t,
      confidence: train.tail.confidence,
      reason: 'train-only',
    };
  }

  const h = heldOutState(heldOutProfile);
  const both = Math.min(train.tail.confidence, heldOutProfile.tail.confidence);
  if (h === 'broken') {
    return { id: 'diverging', train: t, heldOut: h, ...withRole, confidence: T.CONFIDENCE_BROKEN, reason: 'held-out-broken' };
  }
  if (h === 'rising') {
    return {
      id: 'overfitting',
      train: t,
      heldOut: h,
      ...withRole,
      ...(t === 'falling' ? { seedRow: 'C2' as const } : {}),
      confidence: Math.max(T.CONFIDENCE_FLOOR, heldOutProfile.tail.direction === 'rising' ? heldOutProfile.tail.confidence : T.CONFIDENCE_RISE_SINCE_BEST),
      reason: 'held-out-rising',
    };
  }
  if (t === 'falling') {
    if (h === 'falling') return { id: 'still-learning', train: t, heldOut: h, ...withRole, seedRow: 'C1', confidence: both, reason: 'both-falling' };
    // Still improving, just not significantly: at its best at the end, or drifting down by more
    // than its own noise and not yet past its best. Never overfitting.
    if (atBestAtEnd(heldOutProfile)) {
      return { id: 'still-learning', train: t, heldOut: h, ...withRole, confidence: T.CONFIDENCE_BORDERLINE, reason: 'held-out-at-best' };
    }
    if ((heldOutProfile.tail.relChange <= -MIN_EFFECT || fallsBeyondItsNoise(heldOutProfile)) && !pastItsBest(heldOutProfile)) {
      return { id: 'still-learning', train: t, heldOut: h, ...withRole, confidence: T.CONFIDENCE_BORDERLINE, reason: 'held-out-still-drifting-down' };
    }
    // §C2: the held-out loss stopped improving while training goes on. Milder than a rise:
    // less confident when the held-out curve is still at its best at the very end.
    const widening = input.gap?.trend.direction === 'rising';
    const atBest = !pastItsBest(heldOutProfile);
    return {
      id: 'overfitting',
      train: t,
      heldOut: h,
      ...withRole,
      seedRow: 'C2',
      confidence: (widening ? Math.max(T.CONFIDENCE_FLOOR, input.gap!.trend.confidence * T.GAP_WIDENING_WEIGHT) : T.CONFIDENCE_BORDERLINE) * (atBest ? T.AT_BEST_DISCOUNT : 1),
      reason: 'held-out-flat',
    };
  }
  // Train flat.
  // A training loss that learned and still drifts down by 5% of its level, too noisily for its
  // trend test, beside a held-out loss that clearly still falls: still learning, not §C3.
  const trainStillDrifting = train.improvement >= T.LEARNED_IMPROVEMENT && train.tail.relChange <= -MIN_EFFECT;
  if (h === 'falling' && trainStillDrifting && heldOutProfile.tail.relChange <= -MIN_EFFECT) {
    return { id: 'still-learning', train: t, heldOut: h, ...withRole, confidence: T.CONFIDENCE_BORDERLINE, reason: 'held-out-still-falling' };
  }
  if (h === 'falling' && heldOutProfile.tail.relChange <= -T.C3_TAIL_FALL && fellClearly(heldOutProfile)) {
    return { id: 'data-problem', train: t, heldOut: h, ...withRole, seedRow: 'C3', confidence: both, reason: 'held-out-falling' };
  }
  if (h === 'flat' && neverGeneralised(train, heldOutProfile, input.gap)) {
    return { id: 'overfitting', train: t, heldOut: h, ...withRole, confidence: Math.max(T.CONFIDENCE_FLOOR, heldOutProfile.trend.confidence), reason: 'held-out-never-improved' };
  }
  return { id: 'converged', train: t, heldOut: h, ...withRole, seedRow: 'C4', confidence: both, reason: 'both-flat' };
}

/** What reconcileVerdict needs of a finding. */
interface FindingSummary {
  id: string;
  severity: 'error' | 'warning' | 'info';
  confidence: number;
  evidence: Record<string, unknown>;
}

const HEALTHY: readonly VerdictId[] = ['converged', 'still-learning'];

/**
 * The verdict once the symptom rules have spoken, when it must change (undefined otherwise):
 * - a chance-level error (the class count is known) means the model has not learned, whatever
 *   the loss curve's shape says;
 * - a converged plateau that swings by ±5% or more between epochs with no net progress (the
 *   training loss has no falling trend over the run) is the oscillation of a learning rate or
 *   batch that is off (§C4, §T5, §T8), not a healthy end — nor overfitting, when the held-out
 *   rise sits beside a training loss that only swings.
 */
export function reconcileVerdict(verdict: Verdict, findings: readonly FindingSummary[], train?: SeriesProfile): Verdict | undefined {
  if (!HEALTHY.includes(verdict.id) && verdict.id !== 'overfitting') return undefined;
  const chance = findings.find((f) => f.id === 'chance-level' && f.severity === 'error');
  if (chance) {
    return { ...verdict, id: 'not-learning', seedRow: 'C4', confidence: chance.confidence, reason: 'chance-level' };
  }
  // Overfitting needs a training loss that keeps fitting: one that only swings makes a held-out rise no §C2.
  const plateau = verdict.id === 'converged' || (verdict.id === 'overfitting' && verdict.train === 'flat');
  if (!plateau) return undefined;
  // A training loss that fell over the run as a whole has learned: its late swings are a symptom
  // to report, not a reason to call the run not learning.
  if (train?.trend.direction === 'falling') return undefined;
  const swing = findings.find((f) => f.id === 'oscillation' && f.severity !== 'info');
  const amplitude = swing ? Number(swing.evidence.amplitudeRel) : 0;
  if (swing && amplitude >= T.UNHEALTHY_SWING) {
    return { ...verdict, id: 'not-learning', seedRow: 'C4', confidence: swing.confidence, reason: 'train-oscillating' };
  }
  return undefined;
}
