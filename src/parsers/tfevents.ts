/**
 * TensorBoard event files (`events.out.tfevents.*`): TFRecord framing plus a minimal protobuf
 * wire decoder for the few fields scalars need. Pure: bytes in, metrics out.
 *
 * Framing (little-endian): uint64 length | uint32 masked CRC-32C(length bytes) | data |
 * uint32 masked CRC-32C(data). Messages read:
 *   Event        { wall_time = 1 (double), step = 2 (int64), summary = 5 }
 *   Summary      { repeated Value value = 1 }
 *   Value        { tag = 1, simple_value = 2 (float), tensor = 8, metadata = 9 }
 *   SummaryMetadata { plugin_data = 1 { plugin_name = 1 }, data_class = 4 (SCALAR = 1) }
 *   TensorProto  { dtype = 1, tensor_shape = 2 { dim = 2 { size = 1 } }, tensor_content = 4,
 *                  float_val = 5, double_val = 6, int_val = 7, int64_val = 10, half_val = 13 }
 * Everything else (graphs, images, histograms, audio, hparams payloads) is skipped by length
 * without being decoded.
 *
 * Why hand-written rather than protobufjs / @bufbuild/protobuf: only ~15 fields of 6 messages
 * are needed, a generated decoder would materialise every Event/Summary/Value object (and
 * decode every tag string), while this reader walks the bytes in place, interns tag strings by
 * hash and allocates nothing per record on scalar-only files. It also adds no dependency.
 */

import { InputError } from '../errors.js';
import type { ParseWarning, RawMetric, Role } from '../core/types.js';
import { crc32With, crcTables } from './crc32.js';
import { Wire, WireError } from './protobuf-wire.js';
import { DEFAULT_MAX_SERIES, SeriesCap, seriesLimit } from './series-cap.js';
import { baseName } from './text.js';
import { defineParser } from './types.js';

// ---------------------------------------------------------------------------------------------
// CRC-32C (Castagnoli).

const CRC32C_TABLES = crcTables(0x82f63b78);

/** CRC-32C of `bytes[start, end)`. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32With(CRC32C_TABLES, bytes, start, end);
}

/** TFRecord's masked CRC: ((crc >>> 15) | (crc << 17)) + 0xa282ead8 mod 2^32. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function readU32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/**
 * True when `bytes` start with a well-formed TFRecord (length, length CRC, data and data CRC
 * all check out). Cheap: reads one record.
 */
export function looksLikeEventFile(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  const lo = readU32(bytes, 0);
  const hi = readU32(bytes, 4);
  if (hi !== 0 || lo > 1 << 26) return false;
  if (readU32(bytes, 8) !== maskCrc(crc32c(bytes, 0, 8))) return false;
  const end = 12 + lo;
  if (end + 4 > bytes.length) return false;
  return readU32(bytes, end) === maskCrc(crc32c(bytes, 12, end));
}

// ---------------------------------------------------------------------------------------------
// Scalar decoding helpers.

const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;
const DT_BFLOAT16 = 14;
const DT_HALF = 19;

function isNumericDtype(dtype: number): boolean {
  return (
    dtype === DT_FLOAT ||
    dtype === DT_DOUBLE ||
    dtype === DT_INT32 ||
    dtype === DT_INT64 ||
    dtype === DT_BFLOAT16 ||
    dtype === DT_HALF
  );
}

/** IEEE 754 binary16 bits → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** bfloat16 bits → number (the top half of a float32). */
export function bfloat16ToFloat(h: number): number {
  U32[0] = (h & 0xffff) << 16;
  return F32[0];
}

// ---------------------------------------------------------------------------------------------
// Per-tag growable columns.

class Column {
  value = new Float64Array(64);
  step = new Float64Array(64);
  line = new Int32Array(64);
  n = 0;
  constructor(readonly name: string) {}
  push(value: number, step: number, line: number): void {
    if (this.n === this.value.length) {
      const cap = this.n * 2;
      const v = new Float64Array(cap);
      v.set(this.value);
      this.value = v;
      const s = new Float64Array(cap);
      s.set(this.step);
      this.step = s;
      const l = new Int32Array(cap);
      l.set(this.line);
      this.line = l;
    }
    this.value[this.n] = value;
    this.step[this.n] = step;
    this.line[this.n] = line;
    this.n++;
  }
}

interface TagInfo {
  bytes: Uint8Array;
  name: string;
  /** Plugin named by the first value of this tag that carried metadata; undefined = none seen. */
  plugin?: string;
  column?: Column;
  /** Past the series limit: its values are not kept. */
  refused?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The role a TensorBoard run folder suggests (Keras writes `train/` and `validation/`). */
function roleFromSource(source: string): Role | undefined {
  const parts = source.split(/[\\/]/);
  if (parts.length < 2) return undefined;
  const dir = parts[parts.length - 2].toLowerCase();
  if (dir === 'train' || dir === 'training') return 'train';
  if (dir === 'validation' || dir === 'val' || dir === 'valid' || dir === 'eval' || dir === 'evaluation') return 'val';
  if (dir === 'test') return 'test';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The reader.

/** Read every scalar series of one event file, in file order. Never throws on bad data. */
export function readEventScalars(
  bytes: Uint8Array,
  source: string,
  maxSeries = DEFAULT_MAX_SERIES,
): { metrics: RawMetric[]; warnings: ParseWarning[] } {
  const reader = new EventReader(bytes, source, new SeriesCap(maxSeries));
  const read = reader.read();
  const capped = reader.cap.warning();
  if (capped) read.warnings.push(capped);
  return read;
}

/** Largest record read (a scalar event is under 1 KB; a bigger length is damage). */
const MAX_RECORD_BYTES = 512 * 2 ** 20;

class EventReader {
  private readonly wire: Wire;
  private readonly tags = new Map<number, TagInfo[]>();
  private readonly columns: Column[] = [];
  readonly warnings: ParseWarning[] = [];
  /** Number of records read so far. */
  records = 0;
  private malformed = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
    readonly cap: SeriesCap,
  ) {
    this.wire = new Wire(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  read(): { metrics: RawMetric[]; warnings: ParseWarning[] } {
    const b = this.bytes;
    const n = b.length;
    let off = 0;
    while (off < n) {
      if (off + 12 > n) {
        this.stop('truncated-record', off, `truncated record header at byte offset ${off} (live run?)`);
        break;
      }
      const lo = readU32(b, off);
      const hi = readU32(b, off + 4);
      if (readU32(b, off + 8) !== maskCrc(crc32c(b, off, off + 8))) {
        this.stop('crc-mismatch', off, `record length CRC mismatch at byte offset ${off}`);
        break;
      }
      const start = off + 12;
      const end = start + lo;
      if (hi !== 0 || lo > MAX_RECORD_BYTES) {
        const size = hi * 2 ** 32 + lo;
        this.stop('record-too-large', off, `the record at byte offset ${off} says it holds ${size} bytes, more than the ${MAX_RECORD_BYTES / 2 ** 20} MiB an event record may have (a damaged file?)`);
        break;
      }
      if (end + 4 > n) {
        this.stop('truncated-record', off, `truncated record at byte offset ${off} (live run?)`);
        break;
      }
      if (readU32(b, end) !== maskCrc(crc32c(b, start, end))) {
        this.stop('crc-mismatch', off, `record data CRC mismatch at byte offset ${off}`);
        break;
      }
      this.records++;
      try {
        this.event(start, end);
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
        this.malformed++;
        if (this.malformed === 1) {
          this.warnings.push({
            code: 'bad-record',
            line: this.records,
            message: `${this.source}: record ${this.records} at byte offset ${off} is not a valid Event (${e.message}); skipped`,
          });
        }
      }
      off = end + 4;
    }
    if (this.malformed > 1) {
      this.warnings.push({ code: 'bad-record', message: `${this.source}: ${this.malformed} malformed records skipped` });
    }
    const roleHint = roleFromSource(this.source);
    const metrics: RawMetric[] = this.columns.map((c) => ({
      name: c.name,
      value: c.value.slice(0, c.n),
      step: c.step.slice(0, c.n),
      line: c.line.slice(0, c.n),
      ...(roleHint ? { roleHint } : {}),
    }));
    return { metrics, warnings: this.warnings };
  }

  private stop(code: string, offset: number, message: string): void {
    this.warnings.push({
      code,
      line: this.records + 1,
      message: `${this.source}: ${message}; kept the ${this.records} record(s) before it`,
    });
  }

  private event(start: number, end: number): void {
    const w = this.wire;
    w.pos = start;
    let step = 0;
    let sumStart = -1;
    let sumEnd = -1;
    while (w.pos < end) {
      const key = w.u32(end);
      const field = key >>> 3;
      const wt = key & 7;
      if (field === 2 && wt === 0) step = w.i64(end);
      else if (field === 5 && wt === 2) {
        const len = w.len(end);
        sumStart = w.pos;
        sumEnd = w.pos + len;
        w.pos = sumEnd;
      } else w.skip(wt, end);
    }
    if (sumStart < 0) return;
    // Summary { repeated Value value = 1 }
    w.pos = sumStart;
    while (w.pos < sumEnd) {
      const key = w.u32(sumEnd);
      if (key === 0x0a) {
        const len = w.len(sumEnd);
        const vStart = w.pos;
        this.value(vStart, vStart + len, step);
        w.pos = vStart + len;
      } else w.skip(key & 7, sumEnd);
    }
  }

  private value(start: number, end: number, step: number): void {
    const w = this.wire;
    w.pos = start;
    let tagStart = -1;
    let tagEnd = -1;
    let hasSimple = false;
    let simple = 0;
    let metaStart = -1;
    let metaEnd = -1;
    let tensorStart = -1;
    let tensorEnd = -1;
    while (w.pos < end) {
      const key = w.u32(end);
      const field = key >>> 3;
      const wt = key & 7;
      if (field === 1 && wt === 2) {
        const len = w.len(end);
        tagStart = w.pos;
        tagEnd = w.pos + len;
        w.pos = tagEnd;
      } else if (field === 2 && wt === 5) {
        if (w.pos + 4 > end) throw new WireError('float past end');
        simple = w.view.getFloat32(w.pos, true);
        hasSimple = true;
        w.pos += 4;
      } else if (field === 9 && wt === 2) {
        const len = w.len(end);
        metaStart = w.pos;
        metaEnd = w.pos + len;
        w.pos = metaEnd;
      } else if (field === 8 && wt === 2) {
        const len = w.len(end);
        tensorStart = w.pos;
        tensorEnd = w.pos + len;
        w.pos = tensorEnd;
      } else w.skip(wt, end);
    }
    if (tagStart < 0 || (!hasSimple && tensorStart < 0 && metaStart < 0)) return;
    const tag = this.intern(tagStart, tagEnd);
    if (metaStart >= 0 && tag.plugin === undefined) tag.plugin = this.pluginName(metaStart, metaEnd);
    let v: number;
    if (hasSimple) v = simple;
    else if (tensorStart >= 0) {
      if (tag.plugin !== undefined && tag.plugin !== 'scalars') return;
      const t = this.tensorScalar(tensorStart, tensorEnd, tag.plugin === 'scalars');
      if (t === undefined) return;
      v = t;
    } else return;
    let col = tag.column;
    if (!col) {
      if (tag.refused || !this.cap.admit(tag.name, this.columns.length)) {
        tag.refused = true;
        return;
      }
      col = new Column(tag.name);
      tag.column = col;
      this.columns.push(col);
    }
    col.push(v, step, this.records);
  }

  /** Tag strings are interned by an FNV-1a hash of their bytes, so a tag is decoded once. */
  private intern(start: number, end: number): TagInfo {
    const b = this.bytes;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
    h = (h ^ (end - start)) >>> 0;
    let bucket = this.tags.get(h);
    if (bucket) {
      const len = end - start;
      outer: for (const info of bucket) {
        if (info.bytes.length !== len) continue;
        for (let i = 0; i < len; i++) if (info.bytes[i] !== b[start + i]) continue outer;
        return info;
      }
    } else {
      bucket = [];
      this.tags.set(h, bucket);
    }
    const copy = b.slice(start, end);
    const info: TagInfo = { bytes: copy, name: utf8.decode(copy) };
    bucket.push(info);
    return info;
  }

  /**
   * SummaryMetadata → plugin_data.plugin_name, or 'scalars' when data_class says SCALAR.
   * '' when the metadata names no plugin.
   */
  private pluginName(start: number, end: number): string {
    const w = this.wire;
    w.pos = start;
    let name = '';
    let dataClass = 0;
    while (w.pos < end) {
      const key = w.u32(end);
      const field = key >>> 3;
      const wt = key & 7;
      if (field === 1 && wt === 2) {
        const len = w.len(end);
        const pdEnd = w.pos + len;
        while (w.pos < pdEnd) {
          const k2 = w.u32(pdEnd);
          if (k2 === 0x0a) {
            const l2 = w.len(pdEnd);
            name = utf8.decode(this.bytes.subarray(w.pos, w.pos + l2));
            w.pos += l2;
          } else w.skip(k2 & 7, pdEnd);
        }
        w.pos = pdEnd;
      } else if (field === 4 && wt === 0) dataClass = w.u32(end);
      else w.skip(wt, end);
    }
    if (name === '' && dataClass === 1) return 'scalars';
    return name;
  }

  /**
   * The single value of a numeric TensorProto, or undefined when it is not a scalar. With
   * `declared` (the tag's plugin is "scalars") a one-element tensor of any rank is accepted;
   * otherwise only rank 0.
   */
  private tensorScalar(start: number, end: number, declared: boolean): number | undefined {
    const w = this.wire;
    const view = w.view;
    w.pos = start;
    let dtype = 0;
    let rank = 0;
    let elements = 1;
    let unknownRank = false;
    let result: number | undefined;
    let halfBits: number | undefined;
    let contentStart = -1;
    let contentLen = 0;
    while (w.pos < end) {
      const key = w.u32(end);
      const field = key >>> 3;
      const wt = key & 7;
      switch (field) {
        case 1:
          if (wt !== 0) {
            w.skip(wt, end);
            break;
          }
          dtype = w.u32(end);
          break;
        case 2: {
          if (wt !== 2) {
            w.skip(wt, end);
            break;
          }
          const len = w.len(end);
          const sEnd = w.pos + len;
          while (w.pos < sEnd) {
            const k2 = w.u32(sEnd);
            if (k2 === 0x12) {
              // Dim { size = 1 }
              const dl = w.len(sEnd);
              const dEnd = w.pos + dl;
              let size = 0;
              while (w.pos < dEnd) {
                const k3 = w.u32(dEnd);
                if (k3 === 0x08) size = w.i64(dEnd);
                else w.skip(k3 & 7, dEnd);
              }
              rank++;
              elements *= size;
            } else if (k2 === 0x18) unknownRank = w.u32(sEnd) !== 0;
            else w.skip(k2 & 7, sEnd);
          }
          w.pos = sEnd;
          break;
        }
        case 4: {
          if (wt !== 2) {
            w.skip(wt, end);
            break;
          }
          contentLen = w.len(end);
          contentStart = w.pos;
          w.pos += contentLen;
          break;
        }
        case 5: // float_val
          if (wt === 2) {
            const len = w.len(end);
            if (result === undefined && len >= 4) result = view.getFloat32(w.pos, true);
            w.pos += len;
          } else if (wt === 5) {
            if (w.pos + 4 > end) throw new WireError('float past end');
            if (result === undefined) result = view.getFloat32(w.pos, true);
            w.pos += 4;
          } else w.skip(wt, end);
          break;
        case 6: // double_val
          if (wt === 2) {
            const len = w.len(end);
            if (result === undefined && len >= 8) result = view.getFloat64(w.pos, true);
            w.pos += len;
          } else if (wt === 1) {
            if (w.pos + 8 > end) throw new WireError('double past end');
            if (result === undefined) result = view.getFloat64(w.pos, true);
            w.pos += 8;
          } else w.skip(wt, end);
          break;
        case 7: // int_val
        case 10: // int64_val
        case 13: // half_val (DT_HALF / DT_BFLOAT16 bit patterns)
          if (wt === 2) {
            const len = w.len(end);
            const pEnd = w.pos + len;
            if (len > 0 && result === undefined && halfBits === undefined) {
              const raw = w.i64(pEnd);
              if (field === 13) halfBits = raw;
              else result = raw;
            }
            w.pos = pEnd;
          } else if (wt === 0) {
            const raw = w.i64(end);
            if (result === undefined && halfBits === undefined) {
              if (field === 13) halfBits = raw;
              else result = raw;
            }
          } else w.skip(wt, end);
          break;
        default:
          w.skip(wt, end);
      }
    }
    if (!isNumericDtype(dtype) || unknownRank) return undefined;
    if (declared ? elements !== 1 : rank !== 0) return undefined;
    if (contentStart >= 0 && contentLen > 0) {
      const p = contentStart;
      switch (dtype) {
        case DT_FLOAT:
          return contentLen >= 4 ? view.getFloat32(p, true) : undefined;
        case DT_DOUBLE:
          return contentLen >= 8 ? view.getFloat64(p, true) : undefined;
        case DT_INT32:
          return contentLen >= 4 ? view.getInt32(p, true) : undefined;
        case DT_INT64:
          return contentLen >= 8 ? Number(view.getBigInt64(p, true)) : undefined;
        case DT_HALF:
          return contentLen >= 2 ? halfToFloat(view.getUint16(p, true)) : undefined;
        case DT_BFLOAT16:
          return contentLen >= 2 ? bfloat16ToFloat(view.getUint16(p, true)) : undefined;
      }
    }
    if (halfBits !== undefined) {
      return dtype === DT_BFLOAT16 ? bfloat16ToFloat(halfBits) : halfToFloat(halfBits & 0xffff);
    }
    return result;
  }
}

// ---------------------------------------------------------------------------------------------

export const tfeventsParser = defineParser({
  id: 'tfevents',
  description: 'TensorBoard event files (events.out.tfevents.*): simple_value and TF2 tensor scalars',
  sniff(head: string, fileName: string): number {
    try {
      if (baseName(fileName).includes('tfevents')) return 0.99;
      // The head arrives as text; when the first record survived decoding intact, check it.
      const bytes = new TextEncoder().encode(head);
      if (looksLikeEventFile(bytes)) return 0.9;
      // Every event file starts with an Event{file_version: "brain.Event:N"}.
      if (head.length > 12 && head.slice(0, 80).includes('brain.Event:')) return 0.9;
      return 0;
    } catch {
      return 0;
    }
  },
  parse(input) {
    if (input.bytes.length === 0) {
      throw new InputError(input.name, 'empty file', { code: 'empty' });
    }
    const { metrics, warnings } = readEventScalars(input.bytes, input.name, seriesLimit(input));
    if (metrics.length === 0) {
      const why = warnings.length > 0 ? ` (${warnings[0].message})` : '';
      throw new InputError(input.name, `no scalar series${why}`, {
        code: 'no-scalars',
        hint: 'the event file holds no scalar summaries (only graphs, images, histograms or hparams?)',
      });
    }
    return { format: 'tfevents', runs: [{ name: runName(input.name), metrics, warnings }] };
  },
});

/** The run folder of an event file (`logs/train/events...` → `train`), else the file name. */
function runName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2] : baseName(path);
}
