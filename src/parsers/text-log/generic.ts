/**
 * Generic `key: value` / `key=value` / `| key value |` lines carrying a step / epoch / iter
 * counter: `Step 120: 3.3s, loss: 0.41`, `step=120 loss=0.41`, `iter 120 | loss 0.41`, and
 * PyTorch-example `Train Epoch: 1 [640/60000 (1%)]\tLoss: 0.41` (progress within the epoch).
 */
import { isGlobalStepName, TEXT_COUNTER_WORDS, textCounterAxis } from '../axis-columns.js';
import type { Counters, KindInfo, ParseState } from './collector.js';
import { keyValuePairs, skipKey, type Pair } from './pairs.js';

/** A counter in prose (`Step 120`, `global step: 5`, `[iter 3/100]`); multi-word names may use a blank. */
export const COUNTER = new RegExp(
  String.raw`(?<![\w./\-'"])(${TEXT_COUNTER_WORDS.map((w) => w.replace('_', '[ _]')).join('|')})\b\s*(?:[:=#]\s*)?\[?\s*(\d+)(?![\d.]*\.\d)(?:\s*\/\s*(\d+))?\s*\]?`,
  'gi',
);
const BRACKET_PROGRESS = /\[\s*(\d+)\s*\/\s*(\d+)\b[^\]]*\]/;

export function parseGeneric(text: string, lineNo: number, st: ParseState): boolean {
  COUNTER.lastIndex = 0;
  const counters: Counters = {};
  let sigLabel = '';
  let sigNext = '';
  let body = text;
  const found: { label: string; value: number; total?: number; index: number; length: number }[] = [];
  for (let m = COUNTER.exec(text); m; m = COUNTER.exec(text)) {
    found.push({
      label: m[1].toLowerCase().replace(/_/g, ' '),
      value: Number(m[2]),
      ...(m[3] !== undefined ? { total: Number(m[3]) } : {}),
      index: m.index,
      length: m[0].length,
    });
  }
  const rank = (label: string): number =>
    /^global/.test(label) ? 0 : label === 'num updates' ? 1 : /^step/.test(label) ? 2 : /^iter/.test(label) ? 3 : 4;
  let main: (typeof found)[number] | undefined;
  for (const f of found) {
    if (/^epoch/.test(f.label)) {
      if (counters.epoch === undefined) counters.epoch = f.value;
    } else if (!main || rank(f.label) < rank(main.label)) main = f;
  }
  if (main) {
    counters.label = main.label.replace(/s$/, '');
    counters.stepLike = main.value;
    if (main.total !== undefined) counters.stepTotal = main.total;
    counters.global = rank(main.label) <= 1;
  }
  // Blank the counters out so that their numbers are not read as metrics (one pass: found is in line order).
  if (found.length) {
    const parts: string[] = [];
    let from = 0;
    for (const f of found) {
      parts.push(text.slice(from, f.index), ' | ');
      from = f.index + f.length;
    }
    parts.push(text.slice(from));
    body = parts.join('');
  }
  if (!main && counters.epoch !== undefined) {
    // `Train Epoch: 1 [640/60000 (1%)]`: progress within the epoch.
    const b = BRACKET_PROGRESS.exec(body);
    if (b) {
      counters.stepLike = Number(b[1]);
      counters.stepTotal = Number(b[2]);
      counters.label = 'progress';
      body = body.replace(BRACKET_PROGRESS, ' | ');
    }
  }
  const pairs: Pair[] = [];
  for (const p of keyValuePairs(body)) {
    const axis = textCounterAxis(p.key);
    if (axis === 'epoch') {
      if (counters.epoch === undefined) counters.epoch = p.value;
    } else if (axis === 'step') {
      if (counters.stepLike === undefined) {
        counters.stepLike = p.value;
        counters.label = p.key.toLowerCase().replace(/_/g, ' ');
        counters.global = isGlobalStepName(p.key);
      }
    } else if (!skipKey(p.key)) pairs.push(p);
  }
  // Under a Keras-style `Epoch 3/20` header, the header's epoch applies.
  if (counters.epoch === undefined && counters.stepLike !== undefined && st.kerasEpoch !== undefined) {
    counters.epoch = st.kerasEpoch;
  }
  if (pairs.length === 0 || (counters.stepLike === undefined && counters.epoch === undefined)) return false;
  if (main) {
    sigLabel = counters.label ?? '';
    const after = text.slice(main.index + main.length).trimStart();
    sigNext = after === '' ? '$' : /[A-Za-z]/.test(after[0]) ? 'a' : /\d/.test(after[0]) ? '0' : after[0];
  } else {
    sigLabel = counters.stepLike !== undefined ? (counters.label ?? 'step') : 'epoch';
    sigNext = '=';
  }
  const kind = `generic:${sigLabel}${sigNext}${counters.epoch !== undefined ? '+e' : ''}`;
  st.c.add(kind, { generic: true }, { line: lineNo, step: Number.NaN, epoch: Number.NaN, pairs, counters });
  return true;
}

/** Resolve generic counters per kind into step / epoch. */
export function resolveGenericCounters(info: KindInfo): void {
  const recs = info.records;
  let minEpoch = Infinity;
  for (const r of recs) if (r.counters?.epoch !== undefined) minEpoch = Math.min(minEpoch, r.counters.epoch);
  const base = minEpoch === 0 ? 0 : 1;
  // Within-epoch counters (iter/batch/step with an epoch, not global) are combined with the epoch.
  let offset = 0;
  let prevEpoch: number | undefined;
  let maxInEpoch = 0;
  let prevIter = -Infinity;
  for (const r of recs) {
    const c = r.counters!;
    const e = c.epoch;
    r.epoch = e ?? Number.NaN;
    if (c.stepLike === undefined) continue;
    if (e === undefined || c.global) {
      r.step = c.stepLike;
      continue;
    }
    if (c.stepTotal !== undefined && c.stepTotal > 0) {
      r.step = (e - base) * c.stepTotal + c.stepLike;
      r.epoch = e - base + c.stepLike / c.stepTotal;
      continue;
    }
    // No total: the counter either runs on across epochs, or restarts at each new epoch.
    if (prevEpoch !== undefined && e > prevEpoch && c.stepLike < prevIter) {
      offset += maxInEpoch;
      maxInEpoch = 0;
    }
    if (prevEpoch !== e) prevEpoch = e;
    maxInEpoch = Math.max(maxInEpoch, c.stepLike);
    prevIter = c.stepLike;
    r.step = offset + c.stepLike;
  }
}
