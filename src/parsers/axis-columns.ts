/**
 * The names that give a row's position in training rather than a metric, shared by the CSV,
 * JSON and text-log readers: a column, a record key or a `key: value` pair with one of these
 * names is an axis. Names are compared lower-cased. Pure.
 */

export type Axis = 'step' | 'epoch' | 'time';

/**
 * Where a record's step is read from, most specific first (the first one present wins). All
 * count optimizer steps: fairseq's `num_updates` is its update counter, W&B's `_step` its own
 * log-call counter, `trainer/global_step` Lightning's step logged to W&B.
 */
export const STEP_KEY_ORDER = [
  'step',
  'global_step',
  'iteration',
  'num_updates',
  'current_steps',
  'trainer/global_step',
  'train/global_step',
  '_step',
] as const;

/** Step counters that never restart at an epoch boundary (text logs never combine them with the epoch). */
const GLOBAL_STEP_NAMES = new Set<string>(['global_step', 'num_updates', 'current_steps', 'trainer/global_step', 'train/global_step', '_step']);

/**
 * Other step names. `iter` may count within an epoch (mmcv's `{"epoch": 2, "iter": 50}`), so the
 * JSON reader combines it with the epoch instead of reading it as the step. `steps` is a step
 * column in a table; in prose (`Total steps: 1000`) a plural is a total, see TEXT_COUNTER_WORDS.
 */
const OTHER_STEP_NAMES = ['iter', 'steps'];

const EPOCH_NAMES = new Set<string>(['epoch', 'epochs']);

/** Wall-clock positions: never a metric, never the step. */
const TIME_NAMES = new Set<string>(['_timestamp', 'timestamp', 'wall_time', 'walltime']);

const STEP_NAMES = new Set<string>([...STEP_KEY_ORDER, ...OTHER_STEP_NAMES]);

/** The axis a column or key name gives, if it is one. */
export function axisOfName(name: string): Axis | undefined {
  const lower = name.trim().toLowerCase();
  if (STEP_NAMES.has(lower)) return 'step';
  if (EPOCH_NAMES.has(lower)) return 'epoch';
  if (TIME_NAMES.has(lower)) return 'time';
  return undefined;
}

/** A step counter that counts on across epochs (`global_step`, `num_updates`). */
export function isGlobalStepName(name: string): boolean {
  return GLOBAL_STEP_NAMES.has(name.trim().toLowerCase());
}

/**
 * Counters as prose writes them (`Step 120`, `global step 5`, `iter 3`, `epoch 2`, and the
 * prose-only `batch 12` / `update 300`: as a JSON key `update` is fairseq's fractional epoch).
 * Singular only: `epochs: 10`, `steps: 500` in prose are totals, not positions.
 */
export const TEXT_COUNTER_WORDS = ['global_step', 'num_updates', 'step', 'iteration', 'iter', 'batch', 'update', 'epoch'] as const;

/** How the text reader takes a `key: value` pair named like a counter. */
export function textCounterAxis(name: string): 'step' | 'epoch' | undefined {
  const lower = name.toLowerCase();
  if (lower === 'epoch') return 'epoch';
  return (TEXT_COUNTER_WORDS as readonly string[]).includes(lower) ? 'step' : undefined;
}
