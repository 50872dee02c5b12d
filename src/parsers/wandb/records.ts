/**
 * The protobuf records of a W&B transaction log, read in place (wandb_internal.proto; field
 * numbers unchanged since SDK 0.10). Only what curves need is decoded:
 *   Record        { history 2, summary 3, config 5, metric 12, run 17, exit 18 }
 *   HistoryRecord { repeated item 1 { key 1, repeated nested_key 2, value_json 16 }, step 2 { num 1 } }
 *   SummaryRecord { repeated update 1 (same item shape) }
 *   ConfigRecord  { repeated update 1, repeated remove 2 (same item shape) }
 *   RunRecord     { run_id 1, config 4, display_name 8 }
 *   MetricRecord  { name 1, glob_name 2, step_metric 4 }
 *   RunExitRecord { exit_code 1 }
 * Every other record type (header, console output, system stats, files, artifacts, telemetry…) is skipped
 * by its length without being looked at. Item names are interned by a hash of their bytes, and
 * plain numbers are read straight from the bytes, so a scalar row allocates nothing. Pure.
 */
import { tokenDouble } from '../csv/decimal.js';
import { Wire, WireError } from '../protobuf-wire.js';
import { DEFAULT_MAX_SERIES } from '../series-cap.js';
import { grownTo } from '../typed-arrays.js';
import { HistoryTable, type HistoryColumn, type StepRule } from './history.js';
import { walkLooseJson } from './loose-json.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });

interface NameInfo {
  bytes: Uint8Array;
  name: string;
  /** Go explodes dict values into leaves: the dict's name, for leaves of a nested_key of 2+ parts. */
  parent?: string;
  /** The `_type` leaf of an exploded dict (a histogram, an image…): its dict is not a curve. */
  typeLeaf: boolean;
  /** W&B's own keys other than `_step` (`_runtime`, `_timestamp`, `_wandb`…): never a series, so never parsed. */
  internal: boolean;
  /** The name's history column, once one is made (never set for a name past the series cap). */
  column?: HistoryColumn;
}

/** Where a run stands after the records read so far. */
interface RecordState {
  id?: string;
  displayName?: string;
  exitCode?: number;
  /** Config items by key: their value_json text (later updates win, removes delete). */
  config: Map<string, string>;
  rules: StepRule[];
  /** Numeric summary values by name (SummaryRecords applied in order). */
  summary: Map<string, number>;
  /** Records that were not valid protobuf. */
  malformed: number;
  firstMalformedOffset?: number;
}

const EMPTY = new Uint8Array(0);

export class RecordDecoder {
  readonly table: HistoryTable;
  readonly state: RecordState = { config: new Map(), rules: [], summary: new Map(), malformed: 0 };
  private readonly wire = new Wire(EMPTY, new DataView(EMPTY.buffer));
  private textSource: Uint8Array | undefined;
  private textView: Buffer = Buffer.alloc(0);
  private readonly names = new Map<number, NameInfo[]>();
  /** Scratch for an item's name bytes (nested_key parts joined by `/`). */
  private scratch = new Uint8Array(256);
  // Items of the row being read (reused).
  private rowNames: NameInfo[] = [];
  private rowStart: number[] = [];
  private rowEnd: number[] = [];

  /** `maxSeries`: at most this many distinct history keys become columns. */
  constructor(maxSeries = DEFAULT_MAX_SERIES) {
    this.table = new HistoryTable(maxSeries);
  }

  /** Decode one record, the payload `bytes[start, end)` (valid only during the call). */
  record(bytes: Uint8Array, start: number, end: number, offset: number): void {
    const w = this.wire;
    w.buf = bytes;
    // A Buffer view of the bytes records come from (made when they change, not per record): its latin1 decoding
    // turns long number spellings into strings twice as fast as String.fromCharCode.
    if (bytes !== this.textSource) {
      this.textSource = bytes;
      this.textView = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    w.pos = start;
    try {
      while (w.pos < end) {
        const key = w.u32(end);
        const field = key >>> 3;
        const wt = key & 7;
        if (wt !== 2 || !(field === 2 || field === 3 || field === 5 || field === 12 || field === 17 || field === 18)) {
          w.skip(wt, end);
          continue;
        }
        const len = w.len(end);
        const start = w.pos;
        const stop = start + len;
        if (field === 2) this.history(start, stop);
        else if (field === 3) this.items(start, stop, 1, (name, vs, ve) => this.summaryItem(name, vs, ve));
        else if (field === 5) this.config(start, stop);
        else if (field === 12) this.metric(start, stop);
        else if (field === 17) this.run(start, stop);
        else this.exit(start, stop);
        w.pos = stop;
      }
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      this.state.malformed++;
      this.state.firstMalformedOffset ??= offset;
    }
  }

  private str(start: number, end: number): string {
    return utf8.decode(this.wire.buf.subarray(start, end));
  }

  /** Visit the items (field `itemField`) of a Summary/Config message: name and value_json range. */
  private items(start: number, end: number, itemField: number, visit: (name: NameInfo, vStart: number, vEnd: number) => void): void {
    const w = this.wire;
    w.pos = start;
    while (w.pos < end) {
      const key = w.u32(end);
      if (key >>> 3 !== itemField || (key & 7) !== 2) {
        w.skip(key & 7, end);
        continue;
      }
      const len = w.len(end);
      const itemEnd = w.pos + len;
      if (this.item(w.pos, itemEnd)) visit(this.itemName!, this.itemStart, this.itemEnd);
      w.pos = itemEnd;
    }
  }

  // The item read last by item(): its name and value_json range (fields, not a callback: no closure per item).
  private itemName: NameInfo | undefined;
  private itemStart = 0;
  private itemEnd = 0;

  /**
   * Read one item (`key` 1, or `nested_key` 2 parts joined by `/`; `value_json` 16). False when it
   * has no name or no value.
   */
  private item(start: number, end: number): boolean {
    const w = this.wire;
    const b = w.buf;
    // The common shape, `0a|12 <n> name 82 01 <m> value` with n, m < 128, without the general loop.
    const n1 = b[start + 1];
    if ((b[start] === 0x0a || b[start] === 0x12) && n1 > 0 && n1 < 0x80) {
      const v = start + 2 + n1;
      const m = b[v + 2];
      if (b[v] === 0x82 && b[v + 1] === 0x01 && m < 0x80 && v + 3 + m === end) {
        this.itemName = this.internAt(b, start + 2, v);
        this.itemStart = v + 3;
        this.itemEnd = end;
        w.pos = end;
        return true;
      }
    }
    w.pos = start;
    // A one-part name is interned straight from the record; only nested names are copied to scratch.
    let firstStart = -1;
    let firstEnd = -1;
    let nameLen = 0;
    let parts = 0;
    let lastPartAt = 0;
    let keyed = false;
    let vStart = -1;
    let vEnd = -1;
    while (w.pos < end) {
      const key = w.u32(end);
      const field = key >>> 3;
      const wt = key & 7;
      if (wt === 2 && (field === 1 || field === 2)) {
        const len = w.len(end);
        if (field === 1 ? len > 0 : !keyed) {
          if (field === 1) {
            keyed = true;
            parts = 0;
          }
          if (parts === 0) {
            firstStart = w.pos;
            firstEnd = w.pos + len;
          } else {
            if (parts === 1) {
              this.ensure(firstEnd - firstStart);
              this.scratch.set(b.subarray(firstStart, firstEnd), 0);
              nameLen = firstEnd - firstStart;
            }
            this.put(nameLen++, 0x2f);
            lastPartAt = nameLen;
            this.ensure(nameLen + len);
            this.scratch.set(b.subarray(w.pos, w.pos + len), nameLen);
            nameLen += len;
          }
          parts++;
        }
        w.pos += len;
      } else if (wt === 2 && field === 16) {
        const len = w.len(end);
        vStart = w.pos;
        vEnd = w.pos + len;
        w.pos = vEnd;
      } else w.skip(wt, end);
    }
    if (parts === 0 || vStart < 0) return false;
    this.itemName = parts === 1 ? this.internAt(b, firstStart, firstEnd) : this.intern(this.scratch, 0, nameLen, parts, lastPartAt);
    if (this.itemName.bytes.length === 0) return false;
    this.itemStart = vStart;
    this.itemEnd = vEnd;
    return true;
  }

  private put(at: number, byte: number): void {
    this.ensure(at + 1);
    this.scratch[at] = byte;
  }

  private ensure(size: number): void {
    if (size <= this.scratch.length) return;
    this.scratch = grownTo(this.scratch, Math.max(size, this.scratch.length * 2));
  }

  /** Rows repeat their names in the same order: the name seen at this item position last time is tried first. */
  private readonly lastAt: NameInfo[] = [];
  /** Item position within the record being read (reset per record by history()). */
  private position = 0;

  /** intern() of a one-part name, trying the name at the same item position of the previous row first. */
  private internAt(s: Uint8Array, start: number, end: number): NameInfo {
    const k = this.position++;
    const guess = this.lastAt[k];
    const len = end - start;
    if (guess !== undefined && guess.bytes.length === len) {
      const g = guess.bytes;
      let i = 0;
      while (i < len && g[i] === s[start + i]) i++;
      if (i === len) return guess;
    }
    const info = this.intern(s, start, end, 1, 0);
    this.lastAt[k] = info;
    return info;
  }

  /** The NameInfo of the name in s[start, end) (`parts` parts, the last one from `lastPartAt`), by an FNV-1a hash of its bytes. */
  private intern(s: Uint8Array, start: number, end: number, parts: number, lastPartAt: number): NameInfo {
    const len = end - start;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ s[i], 0x01000193);
    h = (h ^ len) >>> 0;
    let bucket = this.names.get(h);
    if (bucket) {
      outer: for (const info of bucket) {
        if (info.bytes.length !== len) continue;
        for (let i = 0; i < len; i++) if (info.bytes[i] !== s[start + i]) continue outer;
        return info;
      }
    } else {
      bucket = [];
      this.names.set(h, bucket);
    }
    const bytes = s.slice(start, end);
    const name = utf8.decode(bytes);
    const info: NameInfo = { bytes, name, typeLeaf: false, internal: name.startsWith('_') && name !== '_step' };
    if (parts >= 2) {
      const parent = utf8.decode(bytes.subarray(0, lastPartAt - 1));
      info.parent = parent;
      info.typeLeaf = name.length - parent.length === 6 && name.endsWith('/_type');
    }
    bucket.push(info);
    return info;
  }

  private history(start: number, end: number): void {
    const w = this.wire;
    const table = this.table;
    const row = table.rows;
    const names = this.rowNames;
    const starts = this.rowStart;
    const ends = this.rowEnd;
    let count = 0;
    let typed = false;
    let stepNum = Number.NaN;
    this.position = 0;
    w.pos = start;
    while (w.pos < end) {
      const key = w.u32(end);
      if (key === 0x0a) {
        const len = w.len(end);
        const itemEnd = w.pos + len;
        if (this.item(w.pos, itemEnd)) {
          const name = this.itemName!;
          names[count] = name;
          starts[count] = this.itemStart;
          ends[count] = this.itemEnd;
          count++;
          if (name.typeLeaf) typed = true;
        }
        w.pos = itemEnd;
      } else if (key === 0x12) {
        // HistoryStep { num = 1 }
        const len = w.len(end);
        const stepEnd = w.pos + len;
        stepNum = 0;
        while (w.pos < stepEnd) {
          const k = w.u32(stepEnd);
          if (k === 0x08) stepNum = w.i64(stepEnd);
          else w.skip(k & 7, stepEnd);
        }
      } else w.skip(key & 7, end);
    }
    // Leaves of an exploded histogram or image (a dict with a `_type` leaf) are not curves.
    const skipped = typed ? typedParents(names, count) : undefined;
    for (let i = 0; i < count; i++) {
      const info = names[i];
      if (info.internal || (skipped && info.parent !== undefined && isUnder(info.name, skipped))) continue;
      this.value(info, starts[i], ends[i], row);
    }
    const stepCol = table.get('_step');
    if (!Number.isNaN(stepNum) && !(stepCol && stepCol.n > 0 && stepCol.rows[stepCol.n - 1] === row)) {
      table.column('_step')?.set(row, stepNum);
    }
    table.endRow();
  }

  /** A history value: numbers (NaN/±Infinity tokens included) go to their column; dicts are flattened with `/`. */
  private value(info: NameInfo, vStart: number, vEnd: number, row: number): void {
    const v = numberAt(this.wire.buf, vStart, vEnd, this.textView);
    if (v !== undefined) {
      // A name past the series cap gets no column (none is cached): its values are dropped.
      const col = info.column ?? this.table.column(info.name);
      if (col) {
        info.column = col;
        col.set(row, v);
      }
      return;
    }
    if (vEnd > vStart && this.wire.buf[vStart] === 0x7b) {
      walkLooseJson(
        this.str(vStart, vEnd),
        (path, leaf) => {
          if (typeof leaf === 'number') this.table.column(`${info.name}/${path}`)?.set(row, leaf);
        },
        { skipTyped: true },
      );
    }
  }

  private summaryItem(info: NameInfo, vStart: number, vEnd: number): void {
    const v = numberAt(this.wire.buf, vStart, vEnd);
    if (v !== undefined) this.state.summary.set(info.name, v);
  }

  private config(start: number, end: number): void {
    const w = this.wire;
    const config = this.state.config;
    w.pos = start;
    while (w.pos < end) {
      const key = w.u32(end);
      if (key === 0x0a || key === 0x12) {
        const len = w.len(end);
        const itemStart = w.pos;
        const itemEnd = itemStart + len;
        if (key === 0x0a) {
          if (this.item(itemStart, itemEnd)) config.set(this.itemName!.name, this.str(this.itemStart, this.itemEnd));
        }
        else this.removeConfig(itemStart, itemEnd);
        w.pos = itemEnd;
      } else w.skip(key & 7, end);
    }
  }

  /** A ConfigRecord.remove item names a key without a value. */
  private removeConfig(start: number, end: number): void {
    const w = this.wire;
    w.pos = start;
    while (w.pos < end) {
      const key = w.u32(end);
      if (key === 0x0a || key === 0x12) {
        const len = w.len(end);
        this.state.config.delete(this.str(w.pos, w.pos + len));
        w.pos += len;
      } else w.skip(key & 7, end);
    }
  }

  private metric(start: number, end: number): void {
    const w = this.wire;
    w.pos = start;
    let name = '';
    let glob = '';
    let stepMetric = '';
    while (w.pos < end) {
      const key = w.u32(end);
      if (key === 0x0a || key === 0x12 || key === 0x22) {
        const len = w.len(end);
        const text = this.str(w.pos, w.pos + len);
        if (key === 0x0a) name = text;
        else if (key === 0x12) glob = text;
        else stepMetric = text;
        w.pos += len;
      } else w.skip(key & 7, end);
    }
    if (stepMetric === '' || (name === '' && glob === '')) return;
    this.state.rules.push(name !== '' ? { name, stepMetric } : { glob, stepMetric });
  }

  private run(start: number, end: number): void {
    const w = this.wire;
    const state = this.state;
    w.pos = start;
    while (w.pos < end) {
      const key = w.u32(end);
      if (key === 0x0a || key === 0x42) {
        // Several RunRecords: later non-empty values win.
        const len = w.len(end);
        const text = this.str(w.pos, w.pos + len);
        w.pos += len;
        if (text === '') continue;
        if (key === 0x0a) state.id = text;
        else state.displayName = text;
      } else if (key === 0x22) {
        // The initial config: a ConfigRecord.
        const len = w.len(end);
        const stop = w.pos + len;
        this.config(w.pos, stop);
        w.pos = stop;
      } else w.skip(key & 7, end);
    }
  }

  private exit(start: number, end: number): void {
    const w = this.wire;
    w.pos = start;
    let code = 0;
    while (w.pos < end) {
      const key = w.u32(end);
      if (key === 0x08) code = w.i64(end);
      else w.skip(key & 7, end);
    }
    this.state.exitCode = code | 0;
  }
}

function typedParents(names: NameInfo[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) if (names[i].typeLeaf) out.push(names[i].parent!);
  return out;
}

function isUnder(name: string, parents: string[]): boolean {
  for (const p of parents) if (name.length > p.length && name.charCodeAt(p.length) === 0x2f && name.startsWith(p)) return true;
  return false;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Integers below this are exact doubles (2^53). */
const MAX_EXACT = 9007199254740992;

/**
 * The number a value_json holds, read from its bytes: JSON numbers and the bare tokens NaN,
 * Infinity, -Infinity. undefined for anything else (null, strings, booleans, lists, dicts).
 * Decimals are read without building a string, rounded exactly as Number() does: a mantissa
 * below 2^53 with an exact power of ten needs one correctly rounded operation (Clinger's fast
 * path); the 16–17 digit mantissas Python and Go write go through tokenDouble (the CSV fast
 * path's exact decimal reader); what neither decides goes through Number().
 */
export function numberAt(b: Uint8Array, start: number, end: number, text?: Buffer): number | undefined {
  const n = end - start;
  if (n === 0 || n > 40) return undefined;
  const c = b[start];
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x4e || c === 0x49)) return undefined;
  const negative = c === 0x2d;
  let p = negative ? start + 1 : start;
  let m = 0;
  let digits = 0;
  let frac = 0;
  let d = b[p];
  while (p < end && d >= 0x30 && d <= 0x39) {
    m = m * 10 + (d - 0x30);
    digits++;
    d = b[++p];
  }
  if (p < end && d === 0x2e) {
    d = b[++p];
    while (p < end && d >= 0x30 && d <= 0x39) {
      m = m * 10 + (d - 0x30);
      frac++;
      digits++;
      d = b[++p];
    }
  }
  let exp = 0;
  let ok = digits > 0;
  if (ok && p < end && (d === 0x65 || d === 0x45)) {
    d = b[++p];
    let eneg = false;
    if (p < end && (d === 0x2d || d === 0x2b)) {
      eneg = d === 0x2d;
      d = b[++p];
    }
    let ed = 0;
    while (p < end && d >= 0x30 && d <= 0x39) {
      if (exp < 100000) exp = exp * 10 + (d - 0x30);
      ed++;
      d = b[++p];
    }
    if (ed === 0) ok = false;
    if (eneg) exp = -exp;
  }
  if (ok && p === end) {
    const e10 = exp - frac;
    let v = Number.NaN;
    if (m === 0) v = 0;
    else if (m < MAX_EXACT && e10 === 0) v = m;
    else if (m < MAX_EXACT && e10 < 0 && e10 >= -22) v = m / POW10[-e10];
    else if (m < MAX_EXACT && e10 > 0 && e10 <= 22) v = m * POW10[e10];
    else if (digits >= 3 && e10 < 0) v = tokenDouble(b, negative ? start + 1 : start, end, digits, e10, false);
    if (!Number.isNaN(v)) return negative ? -v : v;
  }
  const spelled = text ? text.toString('latin1', start, end) : String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  const v = Number(spelled);
  if (Number.isNaN(v)) return spelled === 'NaN' ? Number.NaN : undefined;
  return v;
}
