/**
 * fast-check arbitraries for the robustness suite: log-like text in every family lossdoc reads
 * (CSV, JSON, JSON lines, text logs, event files), random bytes, and parameterised loss curves.
 * Every arbitrary is bounded in size so a property runs in bounded time.
 */
import fc from 'fast-check';
import { gaussian, rng } from '../helpers/curves.js';
import { frameRecords, records as wandbRecords } from '../bench/gen-wandb.mjs';
import { writeEventFile } from '../helpers/tfevents-writer.js';

// ---------------------------------------------------------------------------------------------
// Inputs

/** File names that steer detection towards each parser (and some that steer it nowhere). */
export const FILE_NAMES = [
  'log.csv',
  'metrics.csv',
  'results.csv',
  'training.log',
  'trainer_state.json',
  'history.json',
  'scalars.json',
  'metrics.jsonl',
  'run-train-tag-epoch_loss.csv',
  'wandb_export.csv',
  'events.out.tfevents.1700000000.host',
  'out.txt',
  'noext',
  '-',
] as const;

const HEADER_WORDS = ['step', 'epoch', 'loss', 'val_loss', 'train/loss', 'lr', 'Wall time', 'Step', 'Value', 'run - loss', 'run - loss__MIN', 'train/box_loss', '_step', 'acc', '"a,b"', '', '__proto__', 'constructor', 'loss'];
const CELLS = ['0', '1', '2', '-1', '0.5', '1e-300', '1e300', '1e309', '-0', 'nan', 'NaN', 'inf', '-inf', 'NA', '', 'null', 'abc', '"1,5"', '"x""y"', '0x10', '1,5', ' 3 ', '"', '\u0000', '💥'];

const cell = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...CELLS) }, { weight: 2, arbitrary: fc.double({ noNaN: false }).map(String) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });

/** Delimited text: a header from log-like words, rows of log-like cells, any delimiter and line ending. */
export const csvText = fc
  .record({
    header: fc.array(fc.oneof(fc.constantFrom(...HEADER_WORDS), fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 6 }),
    rows: fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 30 }),
    delimiter: fc.constantFrom(',', ';', '\t', '|', ' '),
    eol: fc.constantFrom('\n', '\r\n', '\r', '\r\r\n'),
    bom: fc.boolean(),
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ header, rows, delimiter, eol, bom, cut }) => {
    const text = [header, ...rows].map((r) => r.join(delimiter)).join(eol) + eol;
    const cutText = cut === undefined ? text : text.slice(0, cut % (text.length + 1));
    return (bom ? '\ufeff' : '') + cutText;
  });

const KEYS = ['step', 'epoch', 'iter', 'loss', 'val_loss', 'eval_loss', 'learning_rate', 'lr', 'mode', 'log_history', 'global_step', 'grad_norm', 'time', 'data_time', '__proto__', 'constructor', 'hasOwnProperty'];
const jsonScalar = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom('train', 'val', 'NaN', 'nan', 'Infinity', '0.5', null, true),
  fc.string({ maxLength: 5 }),
);
const record = fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), jsonScalar, { maxKeys: 6 });

/** JSON documents: records, dict-of-lists, HF trainer_state, TensorBoard [[wall, step, value]], any JSON; maybe cut short. */
export const jsonText = fc
  .record({
    doc: fc.oneof(
      fc.array(record, { maxLength: 20 }),
      fc.dictionary(fc.constantFrom(...KEYS), fc.array(jsonScalar, { maxLength: 20 }), { maxKeys: 4 }),
      fc.record({ global_step: fc.integer(), log_history: fc.array(record, { maxLength: 20 }) }),
      fc.array(fc.tuple(fc.double(), fc.integer(), fc.double()), { maxLength: 20 }),
      fc.jsonValue({ maxDepth: 4 }),
    ),
    cut: fc.option(fc.nat(), { nil: undefined }),
    bareNaN: fc.boolean(),
  })
  .map(({ doc, cut, bareNaN }) => {
    let text = JSON.stringify(doc) ?? 'null';
    if (bareNaN) text = text.replace(/"NaN"/g, 'NaN').replace(/"Infinity"/g, 'Infinity');
    return cut === undefined ? text : text.slice(0, cut % (text.length + 1));
  });

/** JSON lines (mmengine, detectron2, fairseq…), with junk lines and a partial last line. */
export const jsonlText = fc
  .record({
    lines: fc.array(fc.oneof({ weight: 5, arbitrary: record.map((r) => JSON.stringify(r)) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }), { maxLength: 30 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    eol: fc.constantFrom('\n', '\r\n'),
  })
  .map(({ lines, cut, eol }) => {
    const text = lines.join(eol) + eol;
    return cut === undefined ? text : text.slice(0, cut % (text.length + 1));
  });

const WORDS = ['Epoch', 'epoch', 'step', 'iter', 'loss', 'val_loss', 'lr', 'INFO', '|', ':', '=', '-', '[', ']', '{', '}', "'loss':", '1/10', '100/100', '━━━━', '\r', '\t', 'nan'];
/** Plain stdout-like text: words, numbers, `key: value` pairs, progress bars. */
export const textLog = fc
  .array(fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.double().map(String), fc.nat(1000).map(String), fc.string({ maxLength: 4 })), { maxLength: 12 }), { maxLength: 30 })
  .map((lines) => lines.map((l) => l.join(' ')).join('\n'));

/** A file with bit flips, cut short, and trailing garbage: what a crash, a bad disk or a copy leaves. */
function damaged(bytes: Uint8Array, flips: Array<[number, number]>, cut: number | undefined, tail: Uint8Array): Uint8Array {
  let out = bytes;
  for (const [at, x] of flips) if (out.length) out[at % out.length] ^= x;
  if (cut !== undefined) out = out.slice(0, cut % (out.length + 1));
  const whole = new Uint8Array(out.length + tail.length);
  whole.set(out);
  whole.set(tail, out.length);
  return whole;
}

/** A valid TensorBoard event file, then damaged: truncated, bytes flipped, or garbage appended. */
export const eventBytes = fc
  .record({
    n: fc.integer({ min: 0, max: 30 }),
    tags: fc.array(fc.constantFrom('loss', 'val/loss', 'epoch_loss', 'lr', 'x'), { minLength: 1, maxLength: 3 }),
    encoding: fc.constantFrom('simple', 'tensor-content-float', 'double-val', 'half-val', 'int64-val'),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    tail: fc.uint8Array({ maxLength: 40 }),
  })
  .map(({ n, tags, encoding, flips, cut, tail }) => {
    const points = [];
    for (let s = 0; s < n; s++) for (const tag of tags) points.push({ tag, step: s, value: encoding.startsWith('int') ? Math.round(100 / (1 + s)) : 2 / (1 + s) });
    return damaged(writeEventFile(points, { encoding: encoding as 'simple' }), flips, cut, tail);
  });

/**
 * W&B transaction logs: generated rows (Python or Go item names, value spellings including
 * NaN/Infinity tokens, dicts and lists), then bit flips, a cut and trailing bytes; or random
 * record payloads inside valid framing (so the protobuf reading itself is exercised, not only the CRC).
 */
export const wandbBytes = fc.oneof(
  fc
    .record({
      n: fc.integer({ min: 0, max: 40 }),
      go: fc.boolean(),
      values: fc.array(fc.constantFrom('1.5', 'NaN', 'Infinity', '-Infinity', 'null', '"s"', '{"a": 1, "b": NaN}', '[1, 2]', '{"_type": "histogram"}', '1e+300', '-0'), { minLength: 1 }),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      tail: fc.uint8Array({ maxLength: 40 }),
    })
    .map(({ n, go, values, flips, cut, tail }) => {
      const name = (k: string) => (go ? [k] : k);
      const recs = [wandbRecords.header(), wandbRecords.run({ id: 'fuzz1', displayName: 'fuzz' })];
      for (let i = 0; i < n; i++) recs.push(wandbRecords.history([[name('loss'), values[i % values.length]], [name('_step'), String(i)]]));
      return damaged(frameRecords(recs), flips, cut, tail);
    }),
  fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }).map((payloads) => frameRecords([wandbRecords.header(), ...payloads])),
);

const encoder = new TextEncoder();

/** Text in UTF-8, UTF-8 with BOM, or UTF-16 LE/BE with or without BOM. */
export function encodeAs(text: string, encoding: 'utf8' | 'utf16le' | 'utf16be', bom: boolean): Uint8Array {
  if (encoding === 'utf8') {
    const body = encoder.encode(text);
    if (!bom) return body;
    const out = new Uint8Array(body.length + 3);
    out.set([0xef, 0xbb, 0xbf]);
    out.set(body, 3);
    return out;
  }
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  let o = 0;
  const put = (code: number) => {
    if (encoding === 'utf16le') {
      out[o++] = code & 0xff;
      out[o++] = code >> 8;
    } else {
      out[o++] = code >> 8;
      out[o++] = code & 0xff;
    }
  };
  if (bom) put(0xfeff);
  for (let i = 0; i < text.length; i++) put(text.charCodeAt(i));
  return out;
}

/** Any log-like input as bytes: each text family in any encoding, event files, or random bytes. */
export const logBytes = fc.oneof(
  fc
    .record({
      text: fc.oneof(csvText, jsonText, jsonlText, textLog, fc.string({ maxLength: 200 })),
      encoding: fc.constantFrom('utf8', 'utf8', 'utf8', 'utf16le', 'utf16be'),
      bom: fc.boolean(),
    })
    .map(({ text, encoding, bom }) => encodeAs(text, encoding as 'utf8', bom)),
  eventBytes,
  fc.uint8Array({ maxLength: 600 }),
);

export const logInput = fc.record({ name: fc.constantFrom(...FILE_NAMES), bytes: logBytes });

// ---------------------------------------------------------------------------------------------
// Curves

export type ShapeKind = 'decay' | 'flat' | 'rising' | 'u' | 'plateau-drop' | 'spiky';

export interface CurveParams {
  n: number;
  every: number;
  irregular: boolean;
  trainShape: ShapeKind;
  valShape: ShapeKind | 'none';
  valEvery: number;
  level: number;
  noise: number;
  heavy: boolean;
  nanTail: boolean;
  seed: number;
}

export const curveParams: fc.Arbitrary<CurveParams> = fc.record({
  n: fc.integer({ min: 5, max: 400 }),
  every: fc.integer({ min: 1, max: 50 }),
  irregular: fc.boolean(),
  trainShape: fc.constantFrom('decay', 'flat', 'rising', 'u', 'plateau-drop', 'spiky'),
  valShape: fc.constantFrom('decay', 'flat', 'rising', 'u', 'none'),
  valEvery: fc.integer({ min: 1, max: 20 }),
  level: fc.integer({ min: 5, max: 500 }).map((v) => v / 100),
  noise: fc.integer({ min: 0, max: 200 }).map((v) => v / 1000),
  heavy: fc.boolean(),
  nanTail: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

function shapeAt(kind: ShapeKind, t: number, level: number, rand: () => number): number {
  switch (kind) {
    case 'decay':
      return level * (0.3 + 2 * Math.exp(-4 * t));
    case 'flat':
      return level;
    case 'rising':
      return level * (1 + 2 * t * t);
    case 'u':
      return level * (0.4 + 2 * Math.exp(-8 * t) + 1.5 * Math.max(0, t - 0.4) ** 1.5);
    case 'plateau-drop':
      return level * (t < 0.5 ? 2 : 0.8 + 1.2 * Math.exp(-10 * (t - 0.5)));
    case 'spiky':
      return level * (0.3 + 2 * Math.exp(-4 * t)) * (rand() < 0.03 ? 5 : 1);
  }
}

export interface GeneratedCurve {
  x: Float64Array;
  train: Float64Array;
  /** Indices of x that carry a validation value, and the values. */
  valAt: Int32Array;
  val: Float64Array;
}

/** A train (and maybe val) loss curve with multiplicative noise; deterministic in its params. */
export function generateCurve(p: CurveParams): GeneratedCurve {
  const rand = rng(p.seed);
  const x = new Float64Array(p.n);
  let at = 0;
  for (let i = 0; i < p.n; i++) {
    x[i] = at;
    at += p.irregular ? Math.max(1, Math.round(p.every * (0.5 + rand()))) : p.every;
  }
  const noise = () => {
    const z = gaussian(rand);
    return p.heavy ? z / Math.sqrt(Math.max(0.05, (gaussian(rand) ** 2 + gaussian(rand) ** 2 + gaussian(rand) ** 2) / 3)) : z;
  };
  const train = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    const t = p.n > 1 ? i / (p.n - 1) : 0;
    train[i] = Math.max(1e-6, shapeAt(p.trainShape, t, p.level, rand) * (1 + p.noise * noise()));
    if (p.nanTail && t > 0.8) train[i] = Number.NaN;
  }
  const valIdx: number[] = [];
  const val: number[] = [];
  if (p.valShape !== 'none') {
    for (let i = p.valEvery - 1; i < p.n; i += p.valEvery) {
      const t = p.n > 1 ? i / (p.n - 1) : 0;
      valIdx.push(i);
      val.push(Math.max(1e-6, shapeAt(p.valShape, t, p.level * 1.1, rand) * (1 + (p.noise / 3) * noise())));
    }
  }
  return { x, train, valAt: Int32Array.from(valIdx), val: Float64Array.from(val) };
}

/** The curve as a CSV log with an explicit step column (`step,loss,val_loss`), rows in the given order. */
export function curveCsv(c: GeneratedCurve, order?: readonly number[]): string {
  const val = new Map<number, number>();
  c.valAt.forEach((i, k) => val.set(i, c.val[k]));
  const hasVal = c.valAt.length > 0;
  const rows: string[] = [];
  const idx = order ?? Array.from(c.x, (_, i) => i);
  for (const i of idx) {
    const v = val.get(i);
    rows.push(hasVal ? `${c.x[i]},${c.train[i]},${v === undefined ? '' : v}` : `${c.x[i]},${c.train[i]}`);
  }
  return `${hasVal ? 'step,loss,val_loss' : 'step,loss'}\n${rows.join('\n')}\n`;
}
