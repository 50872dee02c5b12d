/**
 * mmcv 1.x / mmengine (mmdet, mmseg, …): `Epoch [1][50/742]\tlr: ..., loss: 0.9` (global step
 * from epoch and iter), `Iter [50/80000]`, `Epoch(val) [1][742]` / `Epoch(val) [1]` (val metrics).
 */
import type { ParseState } from './collector.js';
import { keyValuePairs, skipKey } from './pairs.js';

const MM_TRAIN_EPOCH = /\bEpoch(?:\(train\))?\s*\[\s*(\d+)\s*\]\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]\s*(.*)$/;
const MM_TRAIN_ITER = /\bIter(?:\(train\))?\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]\s*(.*)$/;
const MM_VAL = /\b(Epoch|Iter)\((val|test)\)\s*\[\s*(\d+)\s*(?:\/\s*(\d+)\s*)?\](?:\s*\[\s*(\d+)\s*(?:\/\s*(\d+)\s*)?\])?\s*(.*)$/;
const MM_VAL_SKIP = new Set(['time', 'data_time', 'memory', 'eta']);

export function parseMmcv(text: string, lineNo: number, st: ParseState): boolean {
  let m = MM_TRAIN_EPOCH.exec(text);
  if (m) {
    const e = Number(m[1]);
    const i = Number(m[2]);
    const n = Number(m[3]);
    const pairs = keyValuePairs(m[4]).filter((p) => !skipKey(p.key));
    if (n > 0) st.mmItersPerEpoch = n;
    const step = (e - 1) * n + i;
    st.mmLastTrainStep = step;
    if (pairs.length) st.c.add('mmcv', { generic: false }, { line: lineNo, step, epoch: e - 1 + (n > 0 ? i / n : 0), pairs });
    return true;
  }
  m = MM_TRAIN_ITER.exec(text);
  if (m) {
    const step = Number(m[1]);
    st.mmLastTrainStep = step;
    const pairs = keyValuePairs(m[3]).filter((p) => !skipKey(p.key));
    if (pairs.length) st.c.add('mmcv', { generic: false }, { line: lineNo, step, epoch: Number.NaN, pairs });
    return true;
  }
  m = MM_VAL.exec(text);
  if (m) {
    const byEpoch = m[1] === 'Epoch';
    const first = Number(m[3]);
    const pairs = keyValuePairs(m[7]).filter((p) => !skipKey(p.key) && !MM_VAL_SKIP.has(p.key));
    let step: number;
    let epoch = Number.NaN;
    if (byEpoch) {
      epoch = first;
      step = st.mmItersPerEpoch !== undefined ? first * st.mmItersPerEpoch : (st.mmLastTrainStep ?? Number.NaN);
    } else {
      // mmcv 1.x `Iter(val) [8000]` is the train iteration; mmengine `Iter(val) [500/500]` is val progress.
      step = m[4] === undefined ? first : (st.mmLastTrainStep ?? Number.NaN);
    }
    if (pairs.length) {
      st.c.add(`mmcv-${m[2]}`, { generic: false, role: m[2] === 'test' ? 'test' : 'val', prefix: `${m[2]}_` }, { line: lineNo, step, epoch, pairs });
    }
    return true;
  }
  return false;
}
