/**
 * fairseq: `| epoch 001 | loss 7.2 | ...`, `epoch 001:  100 / 1102 loss=9.4, ...`,
 * `| valid on 'valid' subset | ...` and `| train_inner | {json}`. `num_updates` is the step.
 */
import type { Role } from '../../core/types.js';
import { toNumber } from '../json/records.js';
import type { ParseState } from './collector.js';
import { keyValuePairs, pipePairs, skipKey, type Pair } from './pairs.js';

/** The `| tag |` right before a fairseq JSON record (matched against the text before its `{`). */
const FS_JSON_TAG = /\|\s*(train_inner|train|valid[\w-]*|test[\w-]*)\s*\|\s*$/;

/**
 * `| train_inner | {json}`: the tag and the JSON text, found by scanning (a regex `\{.*\}` after
 * an unanchored tag retries from every `|`, quadratic in the line length).
 */
function fairseqJson(text: string): { tag: string; json: string } | undefined {
  const end = text.trimEnd();
  if (!end.endsWith('}')) return undefined;
  const open = end.indexOf('{');
  if (open < 0) return undefined;
  const tag = FS_JSON_TAG.exec(end.slice(0, open));
  return tag ? { tag: tag[1], json: end.slice(open) } : undefined;
}
const FS_EPOCH = /(?:^|\|)\s*(?:(train_inner|train|valid[\w-]*|test[\w-]*)\s*\|\s*)?epoch\s+(\d+)(?:\s*:\s*(\d+)\s*\/\s*(\d+))?(.*)$/;

export function parseFairseq(text: string, lineNo: number, st: ParseState): boolean {
  const record = fairseqJson(text);
  if (record) {
    let obj: unknown;
    try {
      obj = JSON.parse(record.json);
    } catch {
      return false;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return false;
    const tag = record.tag;
    const rec = obj as Record<string, unknown>;
    const prefix = tag === 'train_inner' ? '' : `${tag}_`;
    const step = toNumber(rec.num_updates ?? rec[`${prefix}num_updates`]) ?? Number.NaN;
    const epoch = toNumber(tag === 'train_inner' ? (rec.update ?? rec.epoch) : (rec.epoch ?? rec[`${prefix}epoch`])) ?? Number.NaN;
    const pairs: Pair[] = [];
    for (const [k, raw] of Object.entries(rec)) {
      if (k === 'epoch' || k === 'update' || k === 'num_updates' || k === `${prefix}num_updates` || k === `${prefix}epoch`) continue;
      if (skipKey(k)) continue;
      const v = toNumber(raw);
      if (v !== undefined) pairs.push({ key: k, value: v });
    }
    const role: Role | undefined = tag.startsWith('valid') ? 'val' : tag.startsWith('test') ? 'test' : undefined;
    if (pairs.length) st.c.add(`fairseq-${tag}`, { generic: false, ...(role ? { role } : {}) }, { line: lineNo, step, epoch, pairs });
    return true;
  }
  const m = FS_EPOCH.exec(text);
  if (!m) return false;
  const rest = m[5];
  const inner = m[3] !== undefined;
  // `| epoch 001 | loss ...` needs the pipe layout; `epoch 001: 100 / 1102 loss=...` needs key=value.
  if (!inner && !/^\s*\|/.test(rest)) return false;
  if (inner && !/=/.test(rest)) return false;
  const e = Number(m[2]);
  const tag = m[1] ?? '';
  const isValid = tag.startsWith('valid') || /\|\s*valid on '/.test(rest) || tag.startsWith('test');
  const raw = inner ? keyValuePairs(rest) : pipePairs(rest);
  const pairs: Pair[] = [];
  let step = Number.NaN;
  for (const p of raw) {
    if (p.key === 'num_updates') step = p.value;
    else if (p.key === 'epoch' || skipKey(p.key)) continue;
    else pairs.push(p);
  }
  if (pairs.length === 0) return true;
  if (inner) {
    const i = Number(m[3]);
    const n = Number(m[4]);
    st.c.add('fairseq-train_inner', { generic: false }, { line: lineNo, step, epoch: e - 1 + (n > 0 ? i / n : 0), pairs });
  } else if (isValid) {
    const split = tag.startsWith('test') ? 'test' : 'valid';
    st.c.add(
      `fairseq-${split}`,
      { generic: false, role: split === 'test' ? 'test' : 'val' },
      { line: lineNo, step, epoch: e, pairs: pairs.map((p) => ({ key: p.key.startsWith(`${split}_`) ? p.key : `${split}_${p.key}`, value: p.value })) },
    );
  } else {
    st.c.add(
      'fairseq-train',
      { generic: false },
      { line: lineNo, step, epoch: e, pairs: pairs.map((p) => ({ key: p.key.startsWith('train_') ? p.key : `train_${p.key}`, value: p.value })) },
    );
  }
  return true;
}
