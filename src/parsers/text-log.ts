/**
 * Plain-text training output (stdout captures, `train.log`). Pure. Recognised line kinds:
 *
 * - Keras progress: `Epoch 3/20` then `1875/1875 [===] - 5s 2ms/step - loss: 0.41 - val_loss: 0.52`
 *   (progress bars with `\r` / `\b` reduced to their final state; the last line of an epoch wins);
 *   Keras 1.x `67s - loss: ... - val_acc: ...` without Epoch lines → epoch = running count.
 * - Hugging Face Trainer printed dicts: `{'loss': 0.51, 'learning_rate': 4e-05, 'epoch': 0.5}`.
 * - fairseq: `| epoch 001 | loss 7.2 | ...`, `epoch 001:  100 / 1102 loss=9.4, ...`,
 *   `| valid on 'valid' subset | ...` and `| train_inner | {json}`.
 * - mmcv / mmengine: `Epoch [1][50/742]\tlr: ..., loss: 0.9` (global step from epoch and iter),
 *   `Iter [50/80000]`, `Epoch(val) [1][742]` / `Epoch(val) [1]` (val metrics).
 * - Generic `key: value` / `key=value` / `| key value |` lines carrying a step / epoch / iter
 *   counter: `Step 120: 3.3s, loss: 0.41`, `step=120 loss=0.41`, `iter 120 | loss 0.41`.
 *
 * Lines that match nothing are ignored. Counters that restart are kept in file order.
 */

import { InputError } from '../errors.js';
import type { ParseWarning, RawMetric, Role } from '../core/types.js';
import { DEFAULT_MAX_SERIES, SeriesCap, seriesLimit } from './series-cap.js';
import { baseName, decodeText, parseNumber } from './text.js';
import { defineParser } from './types.js';

// ---------------------------------------------------------------------------------------------
// Lines

/**
 * The final visible state of one output line: `\r` returns to the start (the last non-blank
 * rewrite wins, as progress bars redraw the whole line) and `\b` deletes one character.
 */
export function finalLineState(line: string): string {
  if (line.indexOf('\r') < 0 && line.indexOf('\b') < 0) return line;
  const segments = line.split('\r');
  for (let i = segments.length - 1; i >= 0; i--) {
    let seg = segments[i];
    if (seg.indexOf('\b') >= 0) {
      const out: string[] = [];
      for (const ch of seg) {
        if (ch === '\b') out.pop();
        else out.push(ch);
      }
      seg = out.join('');
    }
    if (seg.trim() !== '') return seg;
  }
  return '';
}

/** ANSI colour / cursor escapes (Keras 3 and rich progress bars colour their output). */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Physical lines (LF / CRLF) reduced to their final state, without ANSI escapes. */
function outputLines(text: string): string[] {
  const raw = text.split('\n');
  return raw.map((l) => {
    const line = l.indexOf('\x1b') >= 0 ? l.replace(ANSI, '') : l;
    return finalLineState(line.replace(/\r+$/, ''));
  });
}

// ---------------------------------------------------------------------------------------------
// Numbers and key/value pairs

const NUM = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|NaN|NAN|inf|Inf|INF|infinity|Infinity)\b`;
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

/** Keys that are never metrics: timing / progress / bookkeeping. */
function skipKey(name: string): boolean {
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
    CONFIG_COUNTS.test(k)
  );
}

/** Multi-word keys become `lower_snake`; log-level words in front are dropped. */
function normaliseKey(raw: string): string {
  if (raw.indexOf(' ') < 0) return raw;
  const words = raw.split(' ');
  while (words.length > 1 && LOG_WORDS.has(words[0].toLowerCase())) words.shift();
  return words.length === 1 ? words[0] : words.join('_').toLowerCase();
}

interface Pair {
  key: string;
  value: number;
}

/** `key: value` and `key=value` pairs of a line (values with time units and non-numbers skipped). */
function keyValuePairs(text: string): Pair[] {
  const out: Pair[] = [];
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(text); m; m = PAIR.exec(text)) {
    const unit = m[3];
    if (unit && TIME_UNITS.has(unit)) continue;
    const v = parseNumber(m[2]);
    if (typeof v !== 'number') continue;
    out.push({ key: normaliseKey(m[1]), value: v });
  }
  if (out.length === 0 && text.includes('|')) {
    for (const seg of text.split('|')) {
      const m = SPACE_PAIR.exec(seg);
      if (!m) continue;
      const v = parseNumber(m[2]);
      if (typeof v === 'number') out.push({ key: m[1], value: v });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Records

interface Counters {
  /** Label of the main step-like counter (`step`, `iter`, `global step`, ...). */
  label?: string;
  stepLike?: number;
  stepTotal?: number;
  /** `global step` / `num_updates`: never combined with the epoch. */
  global?: boolean;
  epoch?: number;
}

interface Rec {
  kind: string;
  line: number;
  step: number;
  epoch: number;
  pairs: Pair[];
  counters?: Counters;
}

interface KindInfo {
  id: string;
  /** Example line number, for warnings. */
  firstLine: number;
  role?: Role;
  /** Colliding names get this prefix instead of being dropped (val kinds). */
  prefix?: string;
  generic: boolean;
  records: Rec[];
}

class Collector {
  readonly kinds = new Map<string, KindInfo>();
  readonly order: Rec[] = [];

  add(kind: string, meta: Omit<KindInfo, 'id' | 'records' | 'firstLine'>, rec: Omit<Rec, 'kind'>): void {
    let info = this.kinds.get(kind);
    if (!info) {
      info = { id: kind, firstLine: rec.line, records: [], ...meta };
      this.kinds.set(kind, info);
    }
    const r: Rec = { kind, ...rec };
    info.records.push(r);
    this.order.push(r);
  }
}

// ---------------------------------------------------------------------------------------------
// Line kinds

/** Timestamps and logger prefixes (`2020-10-17 19:14:17,027 - mmdet - INFO - `). */
function stripLogPrefix(line: string): string {
  const m = /^.{0,120}?\b(?:INFO|DEBUG|WARNING|WARN|ERROR|CRITICAL)\b\s*[:\]|\-]*\s*/.exec(line);
  if (m) return line.slice(m[0].length);
  return line.replace(/^\s*\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\]?\s*[-|:]?\s*/, '');
}

// mmcv 1.x / mmengine
const MM_TRAIN_EPOCH = /\bEpoch(?:\(train\))?\s*\[\s*(\d+)\s*\]\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]\s*(.*)$/;
const MM_TRAIN_ITER = /\bIter(?:\(train\))?\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]\s*(.*)$/;
const MM_VAL = /\b(Epoch|Iter)\((val|test)\)\s*\[\s*(\d+)\s*(?:\/\s*(\d+)\s*)?\](?:\s*\[\s*(\d+)\s*(?:\/\s*(\d+)\s*)?\])?\s*(.*)$/;
const MM_VAL_SKIP = new Set(['time', 'data_time', 'memory', 'eta']);

// fairseq
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

// Keras
const KERAS_EPOCH = /^\s*Epoch\s+(\d+)\s*\/\s*(\d+)\s*$/;
const KERAS_LINE = new RegExp(
  String.raw`^\s*(?:-\s+)?(?:(\d+)\/(\d+)|\d+(?:\.\d+)?m?s\b)(?:.*?\s)?-\s+[A-Za-z_][\w./]*:\s*(?:${NUM})`,
);

const KERAS_CHUNK = new RegExp(String.raw`^\s*([A-Za-z_][\w./]*):\s*(${NUM})\s*$`);

// HF printed dicts
const HF_DICT = /\{\s*'[^'{}]+'\s*:[^{}]*\}/;
const HF_ITEM = /'((?:[^'\\]|\\.)*)'\s*:\s*([^,}]+)/g;

// Generic counters
const COUNTER =
  /(?<![\w./\-'"])(global[ _]step|num_updates|step|iteration|iter|batch|update|epoch)\b\s*(?:[:=#]\s*)?\[?\s*(\d+)(?![\d.]*\.\d)(?:\s*\/\s*(\d+))?\s*\]?/gi;
const BRACKET_PROGRESS = /\[\s*(\d+)\s*\/\s*(\d+)\b[^\]]*\]/;

const ROLE_WORD = /(^|[^a-z])(val|valid|validation|eval|evaluation|test|dev)([^a-z]|$)/i;
const STEP_NAMES = new Set(['step', 'global_step', 'iter', 'iteration', 'num_updates', 'batch', 'update']);
const EPOCH_NAMES = new Set(['epoch']);
/** Plural / total counters are configuration, not progress. */
const CONFIG_COUNTS = /^(?:(?:num|max|total)_)?(?:epochs|steps|iters|iterations|updates|batches)$/;

function fairseqValue(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    const v = parseNumber(raw);
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/** Parse a Python-literal value as HF prints it: 0.5, nan, inf, np.float64(0.5), tensor(0.5). */
function pythonNumber(raw: string): number | undefined {
  let s = raw.trim();
  // (the item regex stops at a comma, so `tensor(0.5, device='cuda:0')` arrives as `tensor(0.5`)
  const wrapped = /^(?:np\.\w+|numpy\.\w+|tensor|torch\.tensor|float)\(\s*([^,)]*)/.exec(s);
  if (wrapped) s = wrapped[1];
  const v = parseNumber(s);
  return typeof v === 'number' ? v : undefined;
}

interface ParseState {
  c: Collector;
  // Keras
  kerasEpoch?: number;
  kerasPending?: { line: number; epoch: number; pairs: Pair[]; kind: string; total?: number };
  /** Epoch whose Keras values were already recorded. */
  kerasFlushedEpoch?: number;
  kerasRunning: number;
  kerasNoEpochCounted: boolean;
  // mmcv
  mmItersPerEpoch?: number;
  mmLastTrainStep?: number;
}

function flushKeras(st: ParseState): void {
  const p = st.kerasPending;
  if (!p) return;
  st.kerasPending = undefined;
  st.kerasFlushedEpoch = p.epoch;
  st.c.add(p.kind, { generic: false }, { line: p.line, step: Number.NaN, epoch: p.epoch, pairs: p.pairs });
}

function parseMmcv(text: string, lineNo: number, st: ParseState): boolean {
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

function parseFairseq(text: string, lineNo: number, st: ParseState): boolean {
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
    const step = fairseqValue(rec.num_updates ?? rec[`${prefix}num_updates`]) ?? Number.NaN;
    const epoch = fairseqValue(tag === 'train_inner' ? (rec.update ?? rec.epoch) : (rec.epoch ?? rec[`${prefix}epoch`])) ?? Number.NaN;
    const pairs: Pair[] = [];
    for (const [k, raw] of Object.entries(rec)) {
      if (k === 'epoch' || k === 'update' || k === 'num_updates' || k === `${prefix}num_updates` || k === `${prefix}epoch`) continue;
      if (skipKey(k)) continue;
      const v = fairseqValue(raw);
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

/** `| loss 7.2 | nll_loss 6.9 |` segments. */
function pipePairs(rest: string): Pair[] {
  const out: Pair[] = [];
  for (const seg of rest.split('|')) {
    const m = SPACE_PAIR.exec(seg);
    if (!m) continue;
    const v = parseNumber(m[2]);
    if (typeof v === 'number') out.push({ key: m[1], value: v });
  }
  return out;
}

function parseHfDict(text: string, lineNo: number, st: ParseState): boolean {
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

function parseKeras(text: string, lineNo: number, st: ParseState): boolean {
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

function parseGeneric(text: string, lineNo: number, st: ParseState): boolean {
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
    const k = p.key.toLowerCase();
    if (EPOCH_NAMES.has(k)) {
      if (counters.epoch === undefined) counters.epoch = p.value;
    } else if (STEP_NAMES.has(k)) {
      if (counters.stepLike === undefined) {
        counters.stepLike = p.value;
        counters.label = k.replace(/_/g, ' ');
        counters.global = k === 'global_step' || k === 'num_updates';
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
function resolveGenericCounters(info: KindInfo): void {
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

// ---------------------------------------------------------------------------------------------
// Assembly

function finish(c: Collector, source: string, warnings: ParseWarning[], cap: SeriesCap): RawMetric[] {
  const kinds = [...c.kinds.values()];
  for (const k of kinds) if (k.generic) resolveGenericCounters(k);

  // A generic line kind whose counter never moves (e.g. `Global step 0 ... loss: 0.000000`
  // summaries) is not a curve when other kinds are.
  const moving = (k: KindInfo): boolean => {
    const xs = k.records.map((r) => (Number.isFinite(r.step) ? r.step : r.epoch));
    return xs.some((x) => x !== xs[0]);
  };
  const dropped = new Set<string>();
  if (kinds.some((k) => k.records.length >= 2 && moving(k))) {
    for (const k of kinds) {
      if (k.generic && k.records.length >= 2 && !moving(k)) {
        dropped.add(k.id);
        warnings.push({
          code: 'constant-counter',
          line: k.firstLine,
          message: `${source}: ${k.records.length} lines like line ${k.firstLine} were ignored: their counter never changes, so they are not a curve`,
        });
      }
    }
  }
  const live = kinds.filter((k) => !dropped.has(k.id));

  // Kinds without any step of their own take the last step logged before them (val lines between
  // step lines), when every one of their lines has such a step.
  if (live.some((k) => k.records.some((r) => Number.isFinite(r.step)))) {
    const stepless = new Set(live.filter((k) => !k.records.some((r) => Number.isFinite(r.step))).map((k) => k.id));
    if (stepless.size) {
      const inherited = new Map<Rec, number>();
      let last = Number.NaN;
      for (const r of c.order) {
        if (dropped.has(r.kind)) continue;
        if (stepless.has(r.kind)) inherited.set(r, last);
        else if (Number.isFinite(r.step)) last = r.step;
      }
      for (const id of stepless) {
        const recs = c.kinds.get(id)!.records;
        if (recs.every((r) => Number.isFinite(inherited.get(r)!))) for (const r of recs) r.step = inherited.get(r)!;
      }
    }
  }

  // Names: a name logged by several line kinds stays with the kind that logs it most (kinds
  // without a role first); val kinds rename theirs with a prefix, others drop theirs.
  const counts = new Map<string, Map<string, number>>();
  for (const k of live) {
    const m = new Map<string, number>();
    for (const r of k.records) for (const p of r.pairs) m.set(p.key, (m.get(p.key) ?? 0) + 1);
    counts.set(k.id, m);
  }
  const rename = new Map<string, Map<string, string | null>>(); // kind → key → new name (null = drop)
  const owners = new Map<string, KindInfo[]>();
  for (const k of live) for (const key of counts.get(k.id)!.keys()) owners.set(key, [...(owners.get(key) ?? []), k]);
  const taken = new Set(owners.keys());
  const genericLosers = new Map<KindInfo, string[]>();
  for (const [key, ks] of owners) {
    if (ks.length < 2) continue;
    const ranked = [...ks].sort(
      (a, b) => (a.prefix ? 1 : 0) - (b.prefix ? 1 : 0) || counts.get(b.id)!.get(key)! - counts.get(a.id)!.get(key)!,
    );
    for (const loser of ranked.slice(1)) {
      const map = rename.get(loser.id) ?? new Map<string, string | null>();
      rename.set(loser.id, map);
      const alt = loser.prefix ? `${loser.prefix}${key}` : undefined;
      if (alt && !taken.has(alt)) {
        map.set(key, alt);
        taken.add(alt);
      } else if (loser.generic) {
        map.set(key, null);
        genericLosers.set(loser, [...(genericLosers.get(loser) ?? []), key]);
      } else {
        map.set(key, null);
        warnings.push({
          code: 'mixed-lines',
          line: loser.firstLine,
          message: `${source}: ${counts.get(loser.id)!.get(key)} "${key}" value(s) on lines like line ${loser.firstLine} were left out: another kind of line logs "${key}" more often`,
        });
      }
    }
  }
  // A second kind of generic line that logs the same names is another phase (test, checkpoint
  // summaries): only its explicitly val/test-named values are kept.
  for (const [loser, keys] of genericLosers) {
    const map = rename.get(loser.id)!;
    const left: string[] = [...keys];
    for (const key of counts.get(loser.id)!.keys()) {
      if (map.has(key)) continue;
      if (!ROLE_WORD.test(key)) {
        map.set(key, null);
        left.push(key);
      }
    }
    warnings.push({
      code: 'mixed-lines',
      line: loser.firstLine,
      message: `${source}: ${loser.records.length} lines like line ${loser.firstLine} were left out (${left.join(', ')}): they repeat names that another kind of line logs more often`,
    });
  }

  interface Acc {
    name: string;
    role?: Role;
    value: number[];
    step: number[];
    epoch: number[];
    line: number[];
  }
  const acc = new Map<string, Acc>();
  for (const r of c.order) {
    if (dropped.has(r.kind)) continue;
    const kind = c.kinds.get(r.kind)!;
    const map = rename.get(r.kind);
    for (const p of r.pairs) {
      let name = p.key;
      if (map?.has(name)) {
        const alt = map.get(name);
        if (alt === null || alt === undefined) continue;
        name = alt;
      }
      let a = acc.get(name);
      if (!a) {
        if (!cap.admit(name, acc.size)) continue;
        a = { name, ...(kind.role ? { role: kind.role } : {}), value: [], step: [], epoch: [], line: [] };
        acc.set(name, a);
      }
      a.value.push(p.value);
      a.step.push(r.step);
      a.epoch.push(r.epoch);
      a.line.push(r.line);
    }
  }
  const anyFinite = (xs: number[]) => xs.some((x) => Number.isFinite(x));
  return [...acc.values()].map((a) => ({
    name: a.name,
    value: Float64Array.from(a.value),
    ...(anyFinite(a.step) ? { step: Float64Array.from(a.step) } : {}),
    ...(anyFinite(a.epoch) ? { epoch: Float64Array.from(a.epoch) } : {}),
    line: Int32Array.from(a.line),
    ...(a.role ? { roleHint: a.role } : {}),
  }));
}

/**
 * Longest line read for metrics. Real metric lines (fairseq JSON records, HF dicts, Keras bars
 * after their redraws are reduced) are a few KB; longer ones are dumps (configs, environment
 * info) or garbage, and skipping them bounds the work per line whatever the patterns do.
 */
export const MAX_LINE_CHARS = 64 * 1024;

/** Classify one line; true when it was recognised. */
function parseLine(raw: string, lineNo: number, st: ParseState): boolean {
  if (raw.length > MAX_LINE_CHARS || raw.trim() === '') return false;
  const text = stripLogPrefix(raw);
  if (parseMmcv(text, lineNo, st)) return true;
  if (parseFairseq(raw, lineNo, st)) return true;
  if (parseHfDict(text, lineNo, st)) return true;
  if (parseKeras(text, lineNo, st)) return true;
  return parseGeneric(text, lineNo, st);
}

/** Parse text-log lines into raw metrics (exported for tests). */
export function parseTextLog(text: string, source: string, maxSeries = DEFAULT_MAX_SERIES): { metrics: RawMetric[]; warnings: ParseWarning[] } {
  const lines = outputLines(text);
  const st: ParseState = { c: new Collector(), kerasRunning: 0, kerasNoEpochCounted: false };
  const warnings: ParseWarning[] = [];
  let long = 0;
  let longWarning: ParseWarning | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length > MAX_LINE_CHARS && long++ === 0) {
      longWarning = { code: 'long-line', line: i + 1, message: `${source}: line ${i + 1} is longer than ${MAX_LINE_CHARS / 1024} KB and was skipped (no metric line is that long)` };
      warnings.push(longWarning);
    }
    const recognised = parseLine(line, i + 1, st);
    if (!recognised && line.trim() !== '' && st.kerasEpoch === undefined && st.kerasNoEpochCounted) {
      // Keras 1.x lines without Epoch headers: a banner line between them starts a new run.
      st.kerasRunning = 0;
      st.kerasNoEpochCounted = false;
    }
  }
  flushKeras(st);
  if (longWarning && long > 1) longWarning.message += ` (${long} such lines in all)`;
  const cap = new SeriesCap(maxSeries);
  const metrics = finish(st.c, source, warnings, cap);
  const capped = cap.warning();
  if (capped) warnings.push(capped);
  return { metrics, warnings };
}

// ---------------------------------------------------------------------------------------------

/** Does the head look like CSV or JSON (formats other parsers own)? */
function looksStructured(head: string): boolean {
  const lines = head.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return false;
  const first = lines[0].replace(/^\uFEFF/, '').trim();
  if (first.startsWith('{"') || first === '{' || /^\[\s*(?:[{["\d-]|$)/.test(first)) return true;
  const sep = [',', '\t', ';'].find((s) => first.split(s).length >= 3);
  if (sep && !/[:=]\s*[-+]?\d/.test(first)) {
    const next = lines[1];
    if (next === undefined) return true;
    const cells = next.split(sep);
    if (cells.length === first.split(sep).length) return true;
  }
  return false;
}

export const textLogParser = defineParser({
  id: 'text-log',
  description:
    'plain-text training output: Keras progress, HF Trainer printed dicts, fairseq, mmcv/mmengine, "step N ... loss: x" lines',
  sniff(head: string, _fileName: string): number {
    try {
      const st: ParseState = { c: new Collector(), kerasRunning: 0, kerasNoEpochCounted: false };
      const lines = outputLines(head);
      // The head may end mid-line: leave the last line out.
      const n = Math.max(0, lines.length - 1);
      for (let i = 0; i < n; i++) parseLine(lines[i], i + 1, st);
      flushKeras(st);
      let hits = st.c.order.length;
      // A Keras progress capture can be one huge line of `\r` redraws: count its redraws.
      if (hits < 3 && head.indexOf('\r') >= 0) {
        let redraws = 0;
        for (const seg of head.split(/[\r\n]/)) {
          if (redraws >= 3) break;
          if (KERAS_LINE.test(seg.replace(/\x08/g, ''))) redraws++;
        }
        hits = Math.max(hits, redraws);
      }
      const score = hits >= 3 ? 0.6 : hits >= 1 ? 0.2 : 0;
      return looksStructured(head) ? Math.min(score, 0.05) : score;
    } catch {
      return 0;
    }
  },
  parse(input) {
    const { metrics, warnings } = parseTextLog(decodeText(input.bytes), input.name, seriesLimit(input));
    if (metrics.length === 0) {
      throw new InputError(input.name, 'no training metrics recognised', {
        code: 'no-metrics',
        hint: 'expected lines such as "Epoch 3/20 ... - loss: 0.41", "{\'loss\': 0.51, ...}" or "step 120 loss=0.41"',
      });
    }
    return { format: 'text-log', runs: [{ name: baseName(input.name), metrics, warnings }] };
  },
});
