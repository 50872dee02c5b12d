/**
 * A writer of W&B transaction logs (`run-<id>.wandb`) from the documented layout, for tests and
 * the benchmark: protobuf records (Record with history, run, config, summary, metric, exit,
 * header and console-output fields) framed in 32 KiB blocks of FULL/FIRST/MIDDLE/LAST chunks,
 * each with the CRC-32 (IEEE, node:zlib's, independent of the reader's) of its type byte and
 * payload. The framing follows both W&B writers: a record that does not fit in what is left of
 * a block is split, fewer than 7 bytes left are zero padding, exactly 7 left get an empty FIRST.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const BLOCK = 32768;
const enc = new TextEncoder();

function varint(v) {
  const out = [];
  if (v < 0) {
    // two's complement, 10 bytes
    let big = BigInt.asUintN(64, BigInt(v));
    while (big >= 0x80n) {
      out.push(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    out.push(Number(big));
    return out;
  }
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function concat(parts) {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A length-delimited field. */
export function field(num, bytes) {
  const b = typeof bytes === 'string' ? enc.encode(bytes) : bytes;
  return concat([Uint8Array.from(varint(num * 8 + 2)), Uint8Array.from(varint(b.length)), b]);
}

/** A varint field. */
export function varintField(num, v) {
  return Uint8Array.from([...varint(num * 8), ...varint(v)]);
}

/** An item (HistoryItem, SummaryItem, ConfigItem): a string name is `key` (Python), an array `nested_key` (Go). */
export function item(name, valueJson) {
  const names = typeof name === 'string' ? [field(1, name)] : name.map((n) => field(2, n));
  return concat([...names, field(16, valueJson)]);
}

/** Record { num 1, <kind> }. */
function record(kind, body, num) {
  return concat([...(num !== undefined ? [varintField(1, num)] : []), field(kind, body)]);
}

export const records = {
  header: (producer) => record(21, producer ? field(1, field(1, producer)) : new Uint8Array(0)),
  run: ({ id, displayName, project, config = [] }) =>
    record(
      17,
      concat([
        ...(id ? [field(1, id)] : []),
        ...(project ? [field(3, project)] : []),
        ...(config.length ? [field(4, concat(config.map(([k, v]) => field(1, item(k, v)))))] : []),
        ...(displayName ? [field(8, displayName)] : []),
      ]),
    ),
  /** One history row: [name, value_json] pairs; `step` adds HistoryRecord.step. */
  history: (items, { num, step } = {}) =>
    record(2, concat([...items.map(([k, v]) => field(1, item(k, v))), ...(step !== undefined ? [field(2, step ? varintField(1, step) : new Uint8Array(0))] : [])]), num),
  summary: (items) => record(3, concat(items.map(([k, v]) => field(1, item(k, v))))),
  config: (items, removed = []) => record(5, concat([...items.map(([k, v]) => field(1, item(k, v))), ...removed.map((k) => field(2, field(1, k)))])),
  metric: ({ name, glob, stepMetric }) =>
    record(12, concat([...(name ? [field(1, name)] : []), ...(glob ? [field(2, glob)] : []), ...(stepMetric ? [field(4, stepMetric)] : [])])),
  exit: (code) => record(18, code ? varintField(1, code) : new Uint8Array(0)),
  /** OutputRawRecord (console line): the reader skips it by length. */
  output: (line) => record(13, concat([varintField(1, 1), field(3, line)])),
  /** StatsRecord (system metrics): skipped too. */
  stats: (items) => record(7, concat(items.map(([k, v]) => field(2, concat([field(1, k), field(16, v)]))))),
};

function chunk(type, payload) {
  const out = new Uint8Array(7 + payload.length);
  const crc = zlib.crc32(payload, zlib.crc32(Uint8Array.of(type)));
  const view = new DataView(out.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint16(4, payload.length, true);
  out[6] = type;
  out.set(payload, 7);
  return out;
}

/** Frame records into a complete file (header + blocks). */
export function frameRecords(recs) {
  const parts = [Uint8Array.from([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00])];
  let pos = 7;
  for (const rec of recs) {
    let left = BLOCK - (pos % BLOCK);
    if (left < 7) {
      parts.push(new Uint8Array(left));
      pos += left;
      left = BLOCK;
    }
    if (rec.length + 7 <= left) {
      parts.push(chunk(1, rec));
      pos += rec.length + 7;
      continue;
    }
    let off = 0;
    let first = true;
    while (first || off < rec.length) {
      left = BLOCK - (pos % BLOCK);
      if (left < 7) {
        parts.push(new Uint8Array(left));
        pos += left;
        left = BLOCK;
      }
      const take = Math.min(left - 7, rec.length - off);
      const last = off + take === rec.length && !first;
      const type = first ? 2 : last ? 4 : 3;
      parts.push(chunk(type, rec.subarray(off, off + take)));
      pos += take + 7;
      off += take;
      first = false;
      if (last) break;
    }
  }
  return concat(parts);
}

/** A plausible run: header, run record with config, define_metric, `rows` history rows with console output, summary, exit. */
export function syntheticRun({ rows, go = false, seed = 1, exitCode = 0, withExit = true, output = true, id = 'synth01', displayName = 'synthetic-run' } = {}) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const name = (n) => (go ? [n] : n);
  const num = (v) => (go ? String(v) : Number.isInteger(v) ? `${v}.0` : String(v));
  const recs = [
    records.header(go ? '0.21.0+synthetic' : undefined),
    records.run({ id, displayName, config: [['lr', '0.001'], ['batch_size', '32'], ['optimizer', '"adam"']] }),
    records.metric({ name: 'train/global_step' }),
    records.metric({ glob: '*', stepMetric: 'train/global_step' }),
  ];
  let loss = 2.5;
  for (let i = 0; i < rows; i++) {
    loss = loss * 0.9995 + (rand() - 0.5) * 0.02;
    const items = [
      [name('train/loss'), num(loss)],
      [name('train/learning_rate'), num(0.001 * (1 - i / rows))],
      [name('train/global_step'), String((i + 1) * 8)],
      [name('train/epoch'), num(i / 1000)],
      [name('_step'), String(i)],
      [name('_runtime'), num(i * 0.25 + 1.5)],
      [name('_timestamp'), num(1717475262.5 + i * 0.25)],
    ];
    if (i % 50 === 49) items.push([name('eval/loss'), num(loss * 1.1)]);
    recs.push(records.history(items, { step: i }));
    if (output) recs.push(records.output(`step ${i}: loss ${loss.toFixed(4)} | lr ${(0.001 * (1 - i / rows)).toExponential(3)}\n`));
  }
  recs.push(records.summary([[name('train/loss'), num(loss)], [name('_step'), String(rows - 1)]]));
  if (withExit) recs.push(records.exit(exitCode));
  return recs;
}

/** A generated `.wandb` file of about `mb` MB in os.tmpdir()/lossdoc-bench (reused when present). */
export function ensureBigWandb(mb, { go = false } = {}) {
  const dir = path.join(os.tmpdir(), 'lossdoc-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `run-synth${go ? 'go' : 'py'}-${mb}mb.wandb`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  // About 300 bytes per row (history + console line): rows for the wanted size.
  const rows = Math.round((mb * 1e6) / (go ? 330 : 300));
  writeFileSync(file, frameRecords(syntheticRun({ rows, go })));
  return file;
}
