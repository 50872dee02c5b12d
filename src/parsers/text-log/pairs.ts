/** Numbers and `key: value` / `key=value` / `| key value |` pairs of a text-log line. Pure. */
import { axisOfName } from '../axis-columns.js';
import { parseNumber } from '../text.js';

/** A number as logs print it, `nan` and `inf` included. */
export const NUM = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)\b`;
/** What may follow a value: a separator, the end, the next key, ` - `, a closing period. */
const AFTER = String.raw`(?=\s*(?:[,;|)\]}]|$)|\s+-(?:\s|$)|\s+["'(\[]?[A-Za-z_]|\.(?:\s|$)|\s*\()`;
/** A key: one identifier, optionally after up to two plain words (`Train Loss`, `val acc`). */
const KEY = String.raw`((?:[A-Za-z][A-Za-z]{0,19} ){0,2}[A-Za-z_][\w./@\-]*(?:\(\w+\))?)`;
const PAIR = new RegExp(
  String.raw`(?<![\w./@\-'"])["']?${KEY}["']?\s*[:=]\s*(${NUM})(%|ms|s|sec|secs|min|h|it\/s|s\/it|ms\/step|s\/step|\/s)?${AFTER}`,
  'g',
);
/** `| key value |` segments (fairseq simple, `iter 120 | loss 0.41`). */
const SPACE_PAIR = new RegExp(String.raw`^\s*([A-Za-z_][\w./@\-]*)\s+(${NUM})\s*$`);

const TIME_UNITS = new Set(['ms', 's', 'sec', 'secs', 'min', 'h', 'it/s', 's/it', 'ms/step', 's/step', '/s']);
const LOG_WORDS = new Set(['info', 'debug', 'warning', 'warn', 'error', 'critical', 'root', 'trace', 'notice']);
/** Plural / total counters are configuration, not progress. */
const CONFIG_COUNTS = /^(?:(?:num|max|total)_)?(?:epochs|steps|iters|iterations|updates|batches)$/;

/** Keys that are never metrics: timing / progress / bookkeeping. */
export function skipKey(name: string): boolean {
  const k = name.toLowerCase();
  return (
    k === 'eta' ||
    k === 'eta_seconds' ||
    k === 'v_num' ||
    k === 'wall' ||
    k === 'train_wall' ||
    k.endsWith('gb_free') ||
    k === 'oom' ||
    k === 'loss_scale' ||
    k === 'total_flos' ||
    k.endsWith('_runtime') ||
    k.endsWith('per_second') ||
    k.endsWith('_wall') ||
    /(^|_)best_/.test(k) ||
    k === 'percentage' ||
    k === 'elapsed_time' ||
    k === 'remaining_time' ||
    CONFIG_COUNTS.test(k) ||
    axisOfName(k) === 'time'
  );
}

/** Multi-word keys become `lower_snake`; log-level words in front are dropped. */
function normaliseKey(raw: string): string {
  if (raw.indexOf(' ') < 0) return raw;
  const words = raw.split(' ');
  while (words.length > 1 && LOG_WORDS.has(words[0].toLowerCase())) words.shift();
  return words.length === 1 ? words[0] : words.join('_').toLowerCase();
}

export interface Pair {
  key: string;
  value: number;
}

/** `key: value` and `key=value` pairs of a line (values with time units and non-numbers skipped). */
export function keyValuePairs(text: string): Pair[] {
  const out: Pair[] = [];
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(text); m; m = PAIR.exec(text)) {
    const unit = m[3];
    if (unit && TIME_UNITS.has(unit)) continue;
    const v = parseNumber(m[2]);
    if (typeof v !== 'number') continue;
    out.push({ key: normaliseKey(m[1]), value: v });
  }
  return out.length === 0 && text.includes('|') ? pipePairs(text) : out;
}

/** `| loss 7.2 | nll_loss 6.9 |` segments. */
export function pipePairs(rest: string): Pair[] {
  const out: Pair[] = [];
  for (const seg of rest.split('|')) {
    const m = SPACE_PAIR.exec(seg);
    if (!m) continue;
    const v = parseNumber(m[2]);
    if (typeof v === 'number') out.push({ key: m[1], value: v });
  }
  return out;
}
