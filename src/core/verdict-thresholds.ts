/**
 * Every number the verdict decision (verdict.ts, metric-evidence.ts) compares against, in one
 * place. Relative values are shares of a level; "noise units" are the curve's robust noise
 * (SeriesProfile.noise), in which riseSinceMin and improvementZ are counted.
 */

// Enough to judge.
/** Fewest finite points of a loss curve for a trend verdict. */
export const MIN_POINTS = 5;
/** Share of the starting loss a run must remove to count as having learned. */
export const MIN_IMPROVEMENT = 0.05;
/** Standard errors of improvement, clear of the scatter, that count as having fallen. */
export const FELL_Z = 2;

// Broken curves.
/** A train loss with this many NaN/Inf points and too few finite ones for a trend has diverged. */
export const DIVERGED_NON_FINITE = 2;
/** A negative loss this many times its start (and its noise) has run off: the objective is unbounded. */
export const UNBOUNDED_FACTOR = 10;
/** Blew up at the start: sustained best ≥ this × the first value… */
export const BLOWUP_BEST_RATIO = 1.3;
/** …the end ≥ this × the first value… */
export const BLOWUP_END_RATIO = 1.5;
/** …and never below this × the first value. */
export const BLOWUP_MIN_RATIO = 0.9;
/** Back where it started: the end within this share of the start and of the median… */
export const REBOUND_NEAR = 0.1;
/** …with under this share of the points ever below the start by REBOUND_NEAR. */
export const REBOUND_BELOW_SHARE = 0.1;

// Rising curves.
/** A train loss rising at the end: this share above its best… */
export const TRAIN_RISE_REL = 0.2;
/** …and this many noise units. */
export const TRAIN_RISE_NOISE = 3;
/** A train loss that jumped up and stayed: this share above its best… */
export const TRAIN_JUMP_REL = 0.5;
/** …and this many noise units. */
export const TRAIN_JUMP_NOISE = 5;
/** A held-out U-shape whose tail test is noisy: this share back above its best… */
export const HELD_OUT_RISE_REL = 0.1;
/** …and this many noise units. */
export const HELD_OUT_RISE_NOISE = 2;
/** A zig-zagging held-out curve (noise inflated): this share above its best… */
export const HELD_OUT_LARGE_RISE_REL = 0.25;
/** …and this many noise units. */
export const HELD_OUT_LARGE_RISE_NOISE = 1;

// Held-out curve near its best.
/** At its best at the end: at most this many evaluations after the lowest one… */
export const AT_BEST_POINTS_AFTER = 1;
/** …and less than this many noise units above its sustained best. */
export const AT_BEST_NOISE = 1;
/** Still drifting down: the last third falls by this many noise units. */
export const DRIFT_NOISE = 2;
/** Past its best: the lowest point before this share of the run… */
export const PAST_BEST_POSITION = 0.8;
/** …or this many noise units above the best. */
export const PAST_BEST_NOISE = 1;

// A clear held-out fall (§C3).
/** The held-out curve ends at least this share below its start… */
export const CLEAR_FALL = 0.1;
/** …with a falling trend or this many standard errors of improvement… */
export const CLEAR_FALL_Z = 3;
/** …ending within this many noise units of its best, or… */
export const CLEAR_FALL_NEAR_BEST_NOISE = 3;
/** …within this share of it… */
export const CLEAR_FALL_NEAR_BEST_REL = 0.1;
/** …and not a recovery from a climb to this × its start… */
export const CLIMB_RATIO = 1.5;
/** …after this share of the run. */
export const CLIMB_AFTER_SHARE = 0.1;
/** With a flat train loss, the held-out last third must fall by at least this share. */
export const C3_TAIL_FALL = 0.1;
/** A training loss that fell by at least this share of its start has learned something (§C3 needs it to barely move). */
export const LEARNED_IMPROVEMENT = 0.3;

/** A swing of at least this share of the level (per epoch or per zig-zag) is no healthy plateau. */
export const UNHEALTHY_SWING = 0.05;

/** Never generalised: a held-out loss that never improved this many times above the train loss. */
export const FAR_ABOVE_TRAIN = 3;

// A held-out metric that keeps a loss plateau still-learning.
/** The metric's last third moves this share toward better (significantly)… */
export const METRIC_TAIL_GAIN = 0.05;
/** …and its last sixth still this share. */
export const METRIC_LATE_GAIN = 0.025;

// Confidences of verdicts that no trend test measures.
/** Non-finite or broken curves. */
export const CONFIDENCE_BROKEN = 0.9;
/** A train loss that ends in NaN/Inf or runs away. */
export const CONFIDENCE_TRAIN_BROKEN = 0.95;
/** Judged on a held-out curve alone; also the floor of a trend-based not-learning or overfitting. */
export const CONFIDENCE_HELD_OUT_ONLY = 0.6;
export const CONFIDENCE_FLOOR = 0.6;
/** A held-out rise seen in the rise since the best rather than the tail test. */
export const CONFIDENCE_RISE_SINCE_BEST = 0.7;
/** Borderline calls: still improving but not significantly, or a held-out plateau without a widening gap. */
export const CONFIDENCE_BORDERLINE = 0.5;
/** Weight of the gap's trend confidence when a widening gap makes a held-out plateau overfitting. */
export const GAP_WIDENING_WEIGHT = 0.8;
/** Discount of that overfitting while the held-out curve is still at its best at the very end. */
export const AT_BEST_DISCOUNT = 0.7;
