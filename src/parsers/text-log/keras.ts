/**
 * Keras progress: `Epoch 3/20` then `1875/1875 [===] - 5s 2ms/step - loss: 0.41 - val_loss: 0.52`
 * (the last line of an epoch wins); Keras 1.x `67s - loss: ... - val_acc: ...` without Epoch
 * lines → epoch = running count.
 */
import { parseNumber } from '../text.js';
import type { ParseState } from './collector.js';
import { COUNTER } from './generic.js';
import { NUM, skipKey, type Pair } from './pairs.js';

const KERAS_EPOCH = /^\s*Epoch\s+(\d+)\s*\/\s*(\d+)\s*$/;
/** A progress-bar line with at least one `- name: value`. */
export const KERAS_LINE = new RegExp(
  String.raw`^\s*(?:-\s+)?(?:(\d+)\/(\d+)|\d+(?:\.\d+)?m?s\b)(?:.*?\s)?-\s+[A-Za-z_][\w./]*:\s*(?:${NUM})`,
);

const KERAS_CHUNK = new RegExp(String.raw`^\s*([A-Za-z_][\w./]*):\s*(${NUM})\s*$`);

export function flushKeras(st: ParseState): void {
  const p = st.kerasPending;
  if (!p) return;
  st.kerasPending = undefined;
  st.kerasFlushedEpoch = p.epoch;
  st.c.add(p.kind, { generic: false }, { line: p.line, step: Number.NaN, epoch: p.epoch, pairs: p.pairs });
}

export function parseKeras(text: string, lineNo: number, st: ParseState): boolean {
  let m = KERAS_EPOCH.exec(text);
  if (m) {
    flushKeras(st);
    st.kerasFlushedEpoch = undefined;
    st.kerasEpoch = Number(m[1]);
    return true;
  }
  const k = KERAS_LINE.exec(text);
  if (!k) return false;
  // `2023/05/21 10:00 - step 5 - loss: 0.4` is a generic line, not a Keras bar.
  COUNTER.lastIndex = 0;
  if (COUNTER.test(text)) return false;
  const pairs: Pair[] = [];
  for (const chunk of text.split(/\s+-\s+/)) {
    m = KERAS_CHUNK.exec(chunk);
    if (!m || m[1] === 'ETA') continue;
    const v = parseNumber(m[2]);
    if (typeof v === 'number' && !skipKey(m[1])) pairs.push({ key: m[1], value: v });
  }
  if (pairs.length === 0) return false;
  const total = k[2] !== undefined ? Number(k[2]) : undefined;
  if (st.kerasEpoch !== undefined) {
    const pending = st.kerasPending;
    if (pending && pending.epoch === st.kerasEpoch) {
      // A bar of another length after the epoch's own (model.evaluate) is not the epoch's state.
      if (total !== undefined && pending.total !== undefined && total !== pending.total) {
        flushKeras(st);
        return true;
      }
    } else if (!pending && st.kerasFlushedEpoch === st.kerasEpoch) {
      return true; // after the epoch was closed by an evaluate bar
    }
    // Progress lines of one epoch overwrite each other: the final state carries the epoch's values.
    st.kerasPending = { line: lineNo, epoch: st.kerasEpoch, pairs, kind: 'keras', total };
  } else {
    st.kerasNoEpochCounted = true;
    st.kerasRunning++;
    st.c.add('keras', { generic: false }, { line: lineNo, step: Number.NaN, epoch: st.kerasRunning, pairs });
  }
  return true;
}
