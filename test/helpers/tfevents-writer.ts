/**
 * A small TensorBoard event-file writer for tests: TFRecord framing plus hand-encoded Event /
 * Summary / Value / TensorProto messages, in both scalar encodings (legacy simple_value and TF2
 * tensors with plugin metadata on the first value of a tag), and a few non-scalar payloads.
 */

import { crc32c, maskCrc } from '../../src/parsers/tfevents.js';

/** How a scalar is stored. */
export type ScalarEncoding =
  | 'simple' // Value.simple_value (float32): PyTorch SummaryWriter, tensorboardX, Keras TF1
  | 'tensor-content-float' // TF2: TensorProto{DT_FLOAT, tensor_content}
  | 'tensor-content-double'
  | 'tensor-content-half'
  | 'tensor-content-bfloat16'
  | 'tensor-content-int64'
  | 'float-val' // TensorProto{DT_FLOAT, float_val (packed)}
  | 'double-val'
  | 'half-val'
  | 'bfloat16-val'
  | 'int-val'
  | 'int64-val';

export interface ScalarPoint {
  tag: string;
  step: number;
  value: number;
  wallTime?: number;
}

export class Bytes {
  private chunks: number[] = [];
  byte(b: number): this {
    this.chunks.push(b & 0xff);
    return this;
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.chunks.push(bytes[i] & 0xff);
    return this;
  }
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.chunks.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.chunks.push(Number(x));
    return this;
  }
  key(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }
  /** A length-delimited field. */
  bytesField(field: number, payload: ArrayLike<number>): this {
    return this.key(field, 2).varint(payload.length).raw(payload);
  }
  stringField(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  varintField(field: number, v: number | bigint): this {
    return this.key(field, 0).varint(v);
  }
  float32Field(field: number, v: number): this {
    return this.key(field, 5).raw(f32(v));
  }
  float64Field(field: number, v: number): this {
    return this.key(field, 1).raw(f64(v));
  }
  done(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export function f32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return b;
}

export function f64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return b;
}

/** number → IEEE binary16 bits (round to nearest even is not needed: tests use exact values). */
export function toHalfBits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  let exp = Math.floor(Math.log2(a));
  if (exp < -14) return sign | Math.round(a / 2 ** -24); // subnormal
  let frac = Math.round((a / 2 ** exp - 1) * 1024);
  if (frac === 1024) {
    frac = 0;
    exp++;
  }
  if (exp > 15) return sign | 0x7c00;
  return sign | ((exp + 15) << 10) | frac;
}

/** number → bfloat16 bits (truncation of the float32 bits; tests use exact values). */
export function toBfloat16Bits(v: number): number {
  const b = f32(v);
  return new DataView(b.buffer).getUint32(0, true) >>> 16;
}

/** One TFRecord: length, masked CRC of length, data, masked CRC of data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, maskCrc(crc32c(out, 0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskCrc(crc32c(data)), true);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Event{wall_time, file_version: "brain.Event:2"}: the first record of every event file. */
export function fileVersionEvent(wallTime = 1_700_000_000): Uint8Array {
  return new Bytes().float64Field(1, wallTime).stringField(3, 'brain.Event:2').done();
}

const DTYPE: Record<string, number> = {
  float: 1,
  double: 2,
  int32: 3,
  int64: 9,
  bfloat16: 14,
  half: 19,
};

/** SummaryMetadata{plugin_data{plugin_name}}. */
export function pluginMetadata(pluginName: string, content?: Uint8Array): Uint8Array {
  const pd = new Bytes().stringField(1, pluginName);
  if (content) pd.bytesField(2, content);
  return new Bytes().bytesField(1, pd.done()).done();
}

/** TensorShapeProto with the given dims (empty = rank 0). */
export function tensorShape(dims: number[]): Uint8Array {
  const b = new Bytes();
  for (const d of dims) b.bytesField(2, new Bytes().varintField(1, d).done());
  return b.done();
}

/** A TensorProto holding one value in the given encoding (rank 0 unless `dims` is given). */
export function scalarTensor(value: number, encoding: Exclude<ScalarEncoding, 'simple'>, dims: number[] = []): Uint8Array {
  const b = new Bytes();
  const content = (dtype: string, bytes: Uint8Array): Uint8Array =>
    b.varintField(1, DTYPE[dtype]).bytesField(2, tensorShape(dims)).bytesField(4, bytes).done();
  const packed = (dtype: string, field: number, payload: Uint8Array): Uint8Array =>
    b.varintField(1, DTYPE[dtype]).bytesField(2, tensorShape(dims)).bytesField(field, payload).done();
  const u16 = (bits: number): Uint8Array => Uint8Array.of(bits & 0xff, (bits >>> 8) & 0xff);
  switch (encoding) {
    case 'tensor-content-float':
      return content('float', f32(value));
    case 'tensor-content-double':
      return content('double', f64(value));
    case 'tensor-content-half':
      return content('half', u16(toHalfBits(value)));
    case 'tensor-content-bfloat16':
      return content('bfloat16', u16(toBfloat16Bits(value)));
    case 'tensor-content-int64': {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
      return content('int64', bytes);
    }
    case 'float-val':
      return packed('float', 5, f32(value));
    case 'double-val':
      return packed('double', 6, f64(value));
    case 'half-val':
      return packed('half', 13, new Bytes().varint(toHalfBits(value)).done());
    case 'bfloat16-val':
      return packed('bfloat16', 13, new Bytes().varint(toBfloat16Bits(value)).done());
    case 'int-val':
      return packed('int32', 7, new Bytes().varint(value).done());
    case 'int64-val':
      return packed('int64', 10, new Bytes().varint(value).done());
  }
}

/** Summary.Value for one scalar. `withMetadata` adds the "scalars" plugin metadata. */
export function scalarValue(tag: string, value: number, encoding: ScalarEncoding, withMetadata: boolean): Uint8Array {
  const b = new Bytes().stringField(1, tag);
  if (encoding === 'simple') {
    b.float32Field(2, value);
    if (withMetadata) b.bytesField(9, pluginMetadata('scalars'));
    return b.done();
  }
  // TF2 writes metadata (field 9) before the tensor (field 8) on the first value only.
  if (withMetadata) b.bytesField(9, pluginMetadata('scalars'));
  b.bytesField(8, scalarTensor(value, encoding));
  return b.done();
}

/** Event{wall_time, step, summary{values}}. */
export function summaryEvent(step: number, values: Uint8Array[], wallTime = 1_700_000_000 + step): Uint8Array {
  const summary = new Bytes();
  for (const v of values) summary.bytesField(1, v);
  return new Bytes().float64Field(1, wallTime).varintField(2, step).bytesField(5, summary.done()).done();
}

/** An image summary value (Value.image = 4) with a fake PNG payload. */
export function imageValue(tag: string, size = 256): Uint8Array {
  const img = new Bytes().varintField(1, 8).varintField(2, 8).varintField(3, 3).bytesField(4, new Uint8Array(size).fill(7));
  return new Bytes().stringField(1, tag).bytesField(4, img.done()).done();
}

/** A histogram value (Value.histo = 5). */
export function histogramValue(tag: string): Uint8Array {
  const h = new Bytes().float64Field(1, -1).float64Field(2, 1).float64Field(3, 10).float64Field(4, 0).float64Field(5, 3);
  h.bytesField(6, Uint8Array.from([...f64(0), ...f64(1)]));
  h.bytesField(7, Uint8Array.from([...f64(5), ...f64(5)]));
  return new Bytes().stringField(1, tag).bytesField(5, h.done()).done();
}

/** A TF2 non-scalar tensor summary (e.g. an hparams/text plugin value with a string tensor). */
export function pluginTensorValue(tag: string, plugin: string): Uint8Array {
  const tensor = new Bytes().varintField(1, 7 /* DT_STRING */).bytesField(2, tensorShape([])).bytesField(8, new TextEncoder().encode('hello'));
  return new Bytes().stringField(1, tag).bytesField(9, pluginMetadata(plugin, Uint8Array.of(1, 2, 3))).bytesField(8, tensor.done()).done();
}

/** Event{graph_def = 4} with an opaque payload. */
export function graphEvent(size = 1024): Uint8Array {
  return new Bytes().float64Field(1, 1_700_000_000).bytesField(4, new Uint8Array(size).fill(3)).done();
}

export interface WriteOptions {
  encoding?: ScalarEncoding;
  /** Put the "scalars" plugin metadata on the first value of each tag (TF2 does). Default: true for tensors. */
  metadata?: boolean;
  /** Write the file_version record first. Default true. */
  fileVersion?: boolean;
  /** Put all points of one step into one Event (TF1/Keras) instead of one Event per point. */
  groupBySteps?: boolean;
}

/** A whole event file holding `points` in order. */
export function writeEventFile(points: ScalarPoint[], options: WriteOptions = {}): Uint8Array {
  const encoding = options.encoding ?? 'simple';
  const metadata = options.metadata ?? encoding !== 'simple';
  const seen = new Set<string>();
  const records: Uint8Array[] = [];
  if (options.fileVersion ?? true) records.push(frameRecord(fileVersionEvent()));
  const value = (p: ScalarPoint): Uint8Array => {
    const first = !seen.has(p.tag);
    seen.add(p.tag);
    return scalarValue(p.tag, p.value, encoding, metadata && first);
  };
  if (options.groupBySteps) {
    let i = 0;
    while (i < points.length) {
      const step = points[i].step;
      const vals: Uint8Array[] = [];
      while (i < points.length && points[i].step === step) vals.push(value(points[i++]));
      records.push(frameRecord(summaryEvent(step, vals)));
    }
  } else {
    for (const p of points) records.push(frameRecord(summaryEvent(p.step, [value(p)], p.wallTime)));
  }
  return concat(records);
}

/** Frame raw Event payloads into a file. */
export function writeRecords(events: Uint8Array[]): Uint8Array {
  return concat(events.map(frameRecord));
}

/** Cut the last `drop` bytes off (a live run's half-written record). */
export function truncate(file: Uint8Array, drop: number): Uint8Array {
  return file.slice(0, Math.max(0, file.length - drop));
}

/** Flip one byte at `offset` (a CRC mismatch). */
export function corrupt(file: Uint8Array, offset: number): Uint8Array {
  const out = file.slice();
  out[offset] ^= 0xff;
  return out;
}

/** Byte offset of each record in a well-formed file. */
export function recordOffsets(file: Uint8Array): number[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const offsets: number[] = [];
  let o = 0;
  while (o + 12 <= file.length) {
    offsets.push(o);
    o += 12 + view.getUint32(o, true) + 4;
  }
  return offsets;
}
