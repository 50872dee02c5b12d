import { MIN_EFFECT } from './profile.js';
import type { Direction, GapProfile, SeriesProfile } from './types.js';

export type VerdictId =
  | 'still-learning'
  | 'converged'
  | 'overfitting'
  | 'not-learning'
  | 'data-problem'
  | 'diverging'
  | 'insufficient-data';

export const VERDICT_IDS: readonly VerdictId[] = [
  'still-learning',
  'converged',
  'overfitting',
  'not-learning',
  'data-problem',
  'diverging',
  'insufficient-data',
];

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
}

export const MIN_POINTS = 5;
/** Share of the starting loss a run must remove to count as having learned. */
export const MIN_IMPROVEMENT = 0.05;

export interface VerdictInput {
  train?: SeriesProfile;
  val?: SeriesProfile;
  test?: SeriesProfile;
  gap?: GapProfile;
}

/** Ends in non-finite values, or a bounded-below loss running off to large negative values. */
export function isBroken(p: SeriesProfile): boolean {
  if (p.nonFinite.count > 0 && p.nonFinite.first && p.last.x < p.span[1]) return true;
  return isUnbounded(p);
}

/** A loss that goes negative and keeps falling by orders of magnitude: the objective is wrong. */
export function isUnbounded(p: SeriesProfile): boolean {
  return (
    p.kind === 'loss' &&
    p.endLevel < 0 &&
    p.trend.direction === 'falling' &&
    Math.abs(p.endLevel) >= 10 * Math.max(Math.abs(p.startLevel), p.noise)
  );
}

function trainState(p: SeriesProfile): CurveState {
  if (isBroken(p)) return 'broken';
  const risingTail = p.tail.direction === 'rising' || p.trend.direction === 'rising';
  if (risingTail && p.relRiseSinceMin >= 0.2 && p.riseSinceMin >= 3) return 'rising';
  // Jumped up and stayed there: the tail is flat, but far above the sustained best.
  if (p.relRiseSinceMin >= 0.5 && p.riseSinceMin >= 5) return 'rising';
  // Judged on the whole curve: a dip in the last third of a flat run is not learning.
  if (p.improvement < MIN_IMPROVEMENT && p.trend.direction !== 'falling') {
    return p.trend.direction === 'rising' && p.relRiseSinceMin >= 0.2 ? 'rising' : 'never-fell';
  }
  return p.tail.direction === 'falling' ? 'falling' : 'flat';
}

function heldOutState(p: SeriesProfile): CurveState {
  if (isBroken(p)) return 'broken';
  if (p.tail.direction === 'rising') return 'rising';
  // A U-shape whose tail test is noisy: clearly back above the best value.
  if (p.relRiseSinceMin >= 0.1 && p.riseSinceMin >= 2 && p.min.x < p.span[1]) return 'rising';
  // A zig-zagging held-out curve inflates the noise estimate; a large rise still counts.
  if (p.relRiseSinceMin >= 0.25 && p.riseSinceMin >= 1 && p.min.x < p.span[1]) return 'rising';
  if (p.tail.direction === 'falling') return 'falling';
  return 'flat';
}

/** True when the held-out curve stopped improving some time before the end. */
function pastItsBest(p: SeriesProfile): boolean {
  const position = (p.min.x - p.span[0]) / (p.span[1] - p.span[0] || 1);
  return position < 0.8 || p.riseSinceMin >= 1;
}

export function decideVerdict(input: VerdictInput): Verdict {
  const enough = (p?: SeriesProfile) => p !== undefined && p.nFinite >= MIN_POINTS;
  const heldOutProfile = enough(input.val) ? input.val : enough(input.test) ? input.test : undefined;
  const heldOutRole: Verdict['heldOutRole'] = heldOutProfile ? (heldOutProfile === input.val ? 'val' : 'test') : undefined;
  const withRole: Pick<Verdict, 'heldOutRole'> = heldOutRole ? { heldOutRole } : {};

  if (!enough(input.train)) {
    // Some logs hold only a validation curve; judge it alone rather than not at all.
    if (!heldOutProfile) {
      const broken = [input.train, input.val, input.test].some((p) => p && p.nonFinite.count > 0 && isBroken(p));
      if (broken) return { id: 'diverging', train: 'broken', confidence: 0.9, reason: 'non-finite' };
      return { id: 'insufficient-data', confidence: 1, reason: input.train || input.val ? 'too-few-points' : 'no-loss' };
    }
    const state = heldOutState(heldOutProfile);
    const alone = trainState(heldOutProfile);
    if (state === 'broken') return { id: 'diverging', heldOut: state, ...withRole, confidence: 0.9, reason: 'held-out-broken' };
    if (alone === 'never-fell') return { id: 'not-learning', heldOut: alone, ...withRole, confidence: 0.6, reason: 'held-out-only' };
    if (state === 'rising') return { id: 'overfitting', heldOut: state, ...withRole, confidence: 0.6, reason: 'held-out-only-rising' };
    return {
      id: state === 'falling' ? 'still-learning' : 'converged',
      heldOut: state,
      ...withRole,
      confidence: 0.6 * heldOutProfile.tail.confidence,
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
      confidence: t === 'broken' ? 0.95 : train.tail.confidence,
      reason: t === 'broken' ? 'train-broken' : 'train-rising',
    };
  }
  if (t === 'never-fell') {
    return { id: 'not-learning', train: t, ...withRole, confidence: Math.max(0.6, train.trend.confidence), reason: 'train-never-fell' };
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
    return { id: 'diverging', train: t, heldOut: h, ...withRole, confidence: 0.9, reason: 'held-out-broken' };
  }
  if (h === 'rising') {
    return {
      id: 'overfitting',
      train: t,
      heldOut: h,
      ...withRole,
      ...(t === 'falling' ? { seedRow: 'C2' as const } : {}),
      confidence: Math.max(0.6, heldOutProfile.tail.direction === 'rising' ? heldOutProfile.tail.confidence : 0.7),
      reason: 'held-out-rising',
    };
  }
  if (t === 'falling') {
    if (h === 'falling') return { id: 'still-learning', train: t, heldOut: h, ...withRole, seedRow: 'C1', confidence: both, reason: 'both-falling' };
    // Still drifting down, just not significantly: not yet past its best.
    if (heldOutProfile.tail.relChange <= -MIN_EFFECT && !pastItsBest(heldOutProfile)) {
      return { id: 'still-learning', train: t, heldOut: h, ...withRole, confidence: 0.5, reason: 'held-out-still-drifting-down' };
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
      confidence: (widening ? Math.max(0.6, input.gap!.trend.confidence * 0.8) : 0.5) * (atBest ? 0.7 : 1),
      reason: 'held-out-flat',
    };
  }
  // Train flat.
  if (h === 'falling' && heldOutProfile.tail.relChange <= -0.1) {
    return { id: 'data-problem', train: t, heldOut: h, ...withRole, seedRow: 'C3', confidence: both, reason: 'held-out-falling' };
  }
  return { id: 'converged', train: t, heldOut: h, ...withRole, seedRow: 'C4', confidence: both, reason: 'both-flat' };
}
