import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  bfloat16ToFloat,
  crc32c,
  halfToFloat,
  looksLikeEventFile,
  maskCrc,
  readEventScalars,
  tfeventsParser,
} from '../../src/parsers/tfevents.js';
import { headText } from '../../src/parsers/text.js';
import {
  Bytes,
  concat,
  corrupt,
  fileVersionEvent,
  frameRecord,
  graphEvent,
  histogramValue,
  imageValue,
  pluginMetadata,
  pluginTensorValue,
  recordOffsets,
  scalarTensor,
  scalarValue,
  summaryEvent,
  toBfloat16Bits,
  toHalfBits,
  truncate,
  writeEventFile,
  writeRecords,
  type ScalarEncoding,
  type ScalarPoint,
} from '../helpers/tfevents-writer.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function series(points: ScalarPoint[], round: (v: number) => number = Math.fround) {
  const byTag = new Map<string, { value: number[]; step: number[] }>();
  for (const p of points) {
    let s = byTag.get(p.tag);
    if (!s) byTag.set(p.tag, (s = { value: [], step: [] }));
    s.value.push(round(p.value));
    s.step.push(p.step);
  }
  return byTag;
}

function asPlain(metrics: ReturnType<typeof readEventScalars>['metrics']) {
  return new Map(metrics.map((m) => [m.name, { value: [...m.value], step: [...(m.step ?? [])] }]));
}

const POINTS: ScalarPoint[] = [
  { tag: 'loss', step: 0, value: 2.5 },
  { tag: 'val/loss', step: 0, value: 2.75 },
  { tag: 'loss', step: 1, value: 1.25 },
  { tag: 'loss', step: 2, value: 0.5 },
  { tag: 'val/loss', step: 2, value: 1.5 },
  { tag: 'loss', step: 3, value: -0.375 },
];

describe('CRC-32C', () => {
  it('matches the standard check value', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // 32 zero bytes (RFC 3720 B.4)
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it('slicing-by-8 agrees with the bytewise loop on every length and offset', () => {
    const data = Uint8Array.from({ length: 67 }, (_, i) => (i * 37 + 11) & 0xff);
    const bytewise = (b: Uint8Array, s: number, e: number) => {
      let c = 0xffffffff;
      for (let i = s; i < e; i++) {
        c ^= b[i];
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    for (let s = 0; s < 9; s++) for (let e = s; e <= data.length; e++) expect(crc32c(data, s, e)).toBe(bytewise(data, s, e));
  });

  it('masks as TFRecord does', () => {
    const crc = 0x12345678;
    expect(maskCrc(crc)).toBe(((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) % 2 ** 32);
  });
});

describe('half / bfloat16', () => {
  it('converts bit patterns', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(bfloat16ToFloat(0x3f80)).toBe(1);
    expect(bfloat16ToFloat(0xc0a0)).toBe(-5);
    expect(bfloat16ToFloat(0x7fc0)).toBeNaN();
    for (const v of [0.5, 1.25, -3.140625, 1024, 0.0009765625]) {
      expect(halfToFloat(toHalfBits(v))).toBe(v);
      expect(bfloat16ToFloat(toBfloat16Bits(v))).toBe(v);
    }
  });
});

describe('readEventScalars', () => {
  it('reads legacy simple_value scalars, with step per point and record index as line', () => {
    const file = writeEventFile(POINTS, { encoding: 'simple' });
    const { metrics, warnings } = readEventScalars(file, 'runs/exp/events.out.tfevents.1.host');
    expect(warnings).toEqual([]);
    expect(asPlain(metrics)).toEqual(series(POINTS));
    const loss = metrics.find((m) => m.name === 'loss')!;
    // record 1 is file_version; the points are records 2..7
    expect([...loss.line!]).toEqual([2, 4, 5, 7]);
    expect(loss.roleHint).toBeUndefined();
  });

  const encodings: [ScalarEncoding, (v: number) => number][] = [
    ['tensor-content-float', Math.fround],
    ['tensor-content-double', (v) => v],
    ['tensor-content-half', (v) => v],
    ['tensor-content-bfloat16', (v) => v],
    ['float-val', Math.fround],
    ['double-val', (v) => v],
    ['half-val', (v) => v],
    ['bfloat16-val', (v) => v],
  ];
  for (const [encoding, round] of encodings) {
    it(`reads TF2 tensor scalars (${encoding}) with metadata on the first value only`, () => {
      const file = writeEventFile(POINTS, { encoding });
      const { metrics, warnings } = readEventScalars(file, 'events.out.tfevents.1.host.v2');
      expect(warnings).toEqual([]);
      expect(asPlain(metrics)).toEqual(series(POINTS, round));
    });
  }

  it('reads integer tensors (int_val, int64_val, tensor_content int64)', () => {
    const pts: ScalarPoint[] = [
      { tag: 'count', step: 1, value: 7 },
      { tag: 'count', step: 2, value: -3 },
      { tag: 'count', step: 3, value: 123456789012 },
    ];
    for (const encoding of ['int64-val', 'tensor-content-int64'] as const) {
      const { metrics } = readEventScalars(writeEventFile(pts, { encoding }), 'x');
      expect([...metrics[0].value]).toEqual([7, -3, 123456789012]);
    }
    const small = pts.slice(0, 2);
    const { metrics } = readEventScalars(writeEventFile(small, { encoding: 'int-val' }), 'x');
    expect([...metrics[0].value]).toEqual([7, -3]);
  });

  it('keeps non-finite values', () => {
    const pts: ScalarPoint[] = [
      { tag: 'loss', step: 0, value: 1 },
      { tag: 'loss', step: 1, value: Number.NaN },
      { tag: 'loss', step: 2, value: Infinity },
      { tag: 'loss', step: 3, value: -Infinity },
    ];
    for (const encoding of ['simple', 'tensor-content-float', 'double-val', 'half-val'] as const) {
      const v = [...readEventScalars(writeEventFile(pts, { encoding }), 'x').metrics[0].value];
      expect(v[0]).toBe(1);
      expect(v[1]).toBeNaN();
      expect(v.slice(2)).toEqual([Infinity, -Infinity]);
    }
  });

  it('accepts rank-0 numeric tensors of tags with no metadata, but not other shapes', () => {
    const file = writeRecords([
      fileVersionEvent(),
      summaryEvent(5, [new Bytes().stringField(1, 'bare').bytesField(8, scalarTensor(0.25, 'float-val')).done()]),
      summaryEvent(6, [new Bytes().stringField(1, 'vector').bytesField(8, scalarTensor(0.25, 'float-val', [3])).done()]),
    ]);
    const { metrics } = readEventScalars(file, 'x');
    expect(metrics.map((m) => m.name)).toEqual(['bare']);
    expect([...metrics[0].step!]).toEqual([5]);
  });

  it('accepts one-element tensors when the tag was declared a scalar', () => {
    const v = new Bytes()
      .stringField(1, 'declared')
      .bytesField(9, pluginMetadata('scalars'))
      .bytesField(8, scalarTensor(1.5, 'double-val', [1]))
      .done();
    const { metrics } = readEventScalars(writeRecords([summaryEvent(1, [v])]), 'x');
    expect([...metrics[0].value]).toEqual([1.5]);
  });

  it('skips images, histograms, graphs, hparams and other plugin tensors', () => {
    const file = writeRecords([
      fileVersionEvent(),
      graphEvent(5000),
      summaryEvent(0, [imageValue('input/images', 4000), histogramValue('weights'), scalarValue('loss', 1, 'simple', false)]),
      // A tag first declared by another plugin stays skipped even when later values have no metadata.
      summaryEvent(0, [pluginTensorValue('_hparams_/session_start_info', 'hparams')]),
      summaryEvent(1, [new Bytes().stringField(1, '_hparams_/session_start_info').bytesField(8, scalarTensor(3, 'float-val')).done()]),
      summaryEvent(1, [pluginTensorValue('notes', 'text'), scalarValue('loss', 0.5, 'simple', false)]),
    ]);
    const { metrics, warnings } = readEventScalars(file, 'x');
    expect(warnings).toEqual([]);
    expect(metrics.map((m) => m.name)).toEqual(['loss']);
    expect([...metrics[0].value]).toEqual([1, 0.5]);
  });

  it('reads several values per event (Keras / TF1 style) and large or negative steps', () => {
    const pts: ScalarPoint[] = [
      { tag: 'a', step: 2 ** 40, value: 1 },
      { tag: 'b', step: 2 ** 40, value: 2 },
      { tag: 'a', step: -1, value: 3 },
    ];
    const { metrics } = readEventScalars(writeEventFile(pts, { groupBySteps: true }), 'x');
    expect(asPlain(metrics)).toEqual(series(pts));
    expect([...metrics[0].line!]).toEqual([2, 3]);
  });

  it('keeps restarts in file order (several runs in one file)', () => {
    const pts: ScalarPoint[] = [0, 1, 2, 0, 1, 2].map((step, i) => ({ tag: 'Generator loss', step, value: i }));
    const { metrics } = readEventScalars(writeEventFile(pts, { encoding: 'tensor-content-float' }), 'x');
    expect([...metrics[0].step!]).toEqual([0, 1, 2, 0, 1, 2]);
    expect(metrics[0].name).toBe('Generator loss');
  });

  it('tolerates fields in any order and unknown fields', () => {
    // summary before step, an unknown varint field 99 and a fixed32 field 98 in Value.
    const value = new Bytes().varintField(99, 12345).key(98, 5).raw([1, 2, 3, 4]).float32Field(2, 0.75).stringField(1, 'loss').done();
    const ev = new Bytes().bytesField(5, new Bytes().bytesField(1, value).done()).varintField(2, 9).float64Field(1, 1.5).done();
    const { metrics } = readEventScalars(writeRecords([ev]), 'x');
    expect(asPlain(metrics)).toEqual(new Map([['loss', { value: [0.75], step: [9] }]]));
  });

  it('stops at a truncated last record and keeps the valid prefix', () => {
    const file = writeEventFile(POINTS);
    const offsets = recordOffsets(file);
    const last = offsets[offsets.length - 1];
    for (const drop of [1, 5, file.length - last - 12, file.length - last - 3]) {
      const { metrics, warnings } = readEventScalars(truncate(file, drop), 'live');
      expect(asPlain(metrics)).toEqual(series(POINTS.slice(0, -1)));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].code).toBe('truncated-record');
      expect(warnings[0].message).toContain(`byte offset ${last}`);
    }
  });

  it('stops at a CRC mismatch (data or length) and names the offset', () => {
    const file = writeEventFile(POINTS);
    const offsets = recordOffsets(file);
    const bad = offsets[3];
    for (const at of [bad + 20, bad + 9, bad + 2]) {
      const { metrics, warnings } = readEventScalars(corrupt(file, at), 'x');
      expect(asPlain(metrics)).toEqual(series(POINTS.slice(0, 2)));
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toContain(`byte offset ${bad}`);
      expect(['crc-mismatch', 'truncated-record']).toContain(warnings[0].code);
    }
  });

  it('skips a record whose CRC is fine but whose protobuf is malformed', () => {
    const garbage = Uint8Array.of(0x2a, 0xff, 0xff, 0xff, 0x0f); // summary field claiming a huge length
    const file = concat([
      frameRecord(fileVersionEvent()),
      frameRecord(garbage),
      frameRecord(summaryEvent(1, [scalarValue('loss', 1, 'simple', false)])),
    ]);
    const { metrics, warnings } = readEventScalars(file, 'x');
    expect([...metrics[0].value]).toEqual([1]);
    expect(warnings.map((w) => w.code)).toEqual(['bad-record']);
  });

  it('returns nothing for an empty file or a file_version-only file', () => {
    expect(readEventScalars(new Uint8Array(0), 'x')).toEqual({ metrics: [], warnings: [] });
    expect(readEventScalars(writeRecords([fileVersionEvent()]), 'x').metrics).toEqual([]);
  });

  it('round-trips arbitrary scalar streams (property)', () => {
    const point = fc.record({
      tag: fc.constantFrom('loss', 'val_loss', 'lr', 'train/acc', 'ünï cødé'),
      step: fc.integer({ min: -5, max: 2 ** 40 }),
      value: fc.double({ noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), fc.constantFrom<ScalarEncoding>('simple', 'double-val', 'tensor-content-double'), (pts, encoding) => {
        const round = encoding === 'simple' ? Math.fround : (v: number) => v;
        const { metrics, warnings } = readEventScalars(writeEventFile(pts, { encoding }), 'x');
        expect(warnings).toEqual([]);
        expect(asPlain(metrics)).toEqual(series(pts, round));
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = readEventScalars(bytes, 'x');
        expect(Array.isArray(r.metrics)).toBe(true);
      }),
      { numRuns: 300 },
    );
    // Valid framing around random payloads exercises the protobuf decoder itself.
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 5 }), (payloads) => {
        const r = readEventScalars(writeRecords(payloads), 'x');
        expect(Array.isArray(r.warnings)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('tfeventsParser', () => {
  it('sniffs by name, by framing and by the file_version record', () => {
    const file = writeEventFile(POINTS);
    expect(tfeventsParser.sniff('', 'logs/events.out.tfevents.1690000000.host.1.0')).toBe(0.99);
    expect(tfeventsParser.sniff(headText(file), 'upload.bin')).toBeGreaterThanOrEqual(0.9);
    expect(tfeventsParser.sniff('epoch,loss\n1,0.5\n', 'log.csv')).toBe(0);
    expect(tfeventsParser.sniff('', '')).toBe(0);
    expect(looksLikeEventFile(file)).toBe(true);
    expect(looksLikeEventFile(corrupt(file, 20))).toBe(false);
    expect(looksLikeEventFile(ascii('step,loss\n1,2\n3,4\n5,6\n'))).toBe(false);
  });

  it('parses into one run named after the run folder, with a role hint from it', () => {
    const parsed = tfeventsParser.parse({
      name: 'logs/fit/validation/events.out.tfevents.1.host.v2',
      bytes: writeEventFile([{ tag: 'epoch_loss', step: 0, value: 0.5 }], { encoding: 'tensor-content-float' }),
    });
    expect(parsed.format).toBe('tfevents');
    expect(parsed.runs).toHaveLength(1);
    expect(parsed.runs[0].name).toBe('validation');
    expect(parsed.runs[0].metrics[0].roleHint).toBe('val');
  });

  it('throws InputError for an empty file and for a file without scalars', () => {
    expect(() => tfeventsParser.parse({ name: 'e.tfevents', bytes: new Uint8Array(0) })).toThrow(/empty file/);
    try {
      tfeventsParser.parse({ name: 'e.tfevents', bytes: writeRecords([fileVersionEvent(), graphEvent()]) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('no-scalars');
      expect((e as InputError).message).toMatch(/^e\.tfevents: no scalar series/);
    }
  });

  it('returns the valid prefix with a warning for a live (truncated) file', () => {
    const parsed = tfeventsParser.parse({ name: 'events.out.tfevents.x', bytes: truncate(writeEventFile(POINTS), 3) });
    expect(parsed.runs[0].warnings[0].code).toBe('truncated-record');
    expect(parsed.runs[0].metrics.find((m) => m.name === 'loss')!.value.length).toBe(3);
  });
});
