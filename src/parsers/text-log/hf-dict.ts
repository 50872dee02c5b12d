/** Hugging Face Trainer printed dicts: `{'loss': 0.51, 'learning_rate': 4e-05, 'epoch': 0.5}`. */
import { parseNumber } from '../text.js';
import type { ParseState } from './collector.js';
import { skipKey, type Pair } from './pairs.js';

const HF_DICT = /\{\s*'[^'{}]+'\s*:[^{}]*\}/;
const HF_ITEM = /'((?:[^'\\]|\\.)*)'\s*:\s*([^,}]+)/g;

/** Parse a Python-literal value as HF prints it: 0.5, nan, inf, np.float64(0.5), tensor(0.5). */
function pythonNumber(raw: string): number | undefined {
  let s = raw.trim();
  // (the item regex stops at a comma, so `tensor(0.5, device='cuda:0')` arrives as `tensor(0.5`)
  const wrapped = /^(?:np\.\w+|numpy\.\w+|tensor|torch\.tensor|float)\(\s*([^,)]*)/.exec(s);
  if (wrapped) s = wrapped[1];
  const v = parseNumber(s);
  return typeof v === 'number' ? v : undefined;
}

export function parseHfDict(text: string, lineNo: number, st: ParseState): boolean {
  const m = HF_DICT.exec(text);
  if (!m) return false;
  const items: Pair[] = [];
  let hasAnchor = false;
  let summary = false;
  HF_ITEM.lastIndex = 0;
  for (let it = HF_ITEM.exec(m[0]); it; it = HF_ITEM.exec(m[0])) {
    const key = it[1];
    if (key === 'train_runtime') summary = true;
    if (key === 'epoch' || key === 'step' || key === 'global_step' || /loss/i.test(key)) hasAnchor = true;
    const v = pythonNumber(it[2]);
    if (v !== undefined) items.push({ key, value: v });
  }
  if (!hasAnchor || items.length === 0) return false;
  if (summary) return true; // the end-of-training summary is not a curve point
  let step = Number.NaN;
  let epoch = Number.NaN;
  const pairs: Pair[] = [];
  for (const p of items) {
    if (p.key === 'epoch') epoch = p.value;
    else if (p.key === 'step' || p.key === 'global_step') step = p.value;
    else if (!skipKey(p.key)) pairs.push(p);
  }
  if (pairs.length) st.c.add('hf', { generic: false }, { line: lineNo, step, epoch, pairs });
  return true;
}
