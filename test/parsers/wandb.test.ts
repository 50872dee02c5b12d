/**
 * The W&B reader on generated logs (test/bench/gen-wandb.mjs writes the documented layout):
 * framing edge cases, streaming in pieces, damaged and cut files, value spellings, step keys,
 * config and legacy history.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { crc32 } from '../../src/parsers/crc32.js';
import { parseLog } from '../../src/parsers/index.js';
import { configFromYaml } from '../../src/parsers/wandb/config.js';
import { FrameReader } from '../../src/parsers/wandb/framing.js';
import { parseWandbFolder, readWandbRun } from '../../src/parsers/wandb/index.js';
import { walkLooseJson } from '../../src/parsers/wandb/loose-json.js';
import { numberAt } from '../../src/parsers/wandb/records.js';
import { frameRecords, records, syntheticRun } from '../bench/gen-wandb.mjs';
import { tempDir } from '../cli/cli-helper.js';

const BLOCK = 32768;
const enc = new TextEncoder();

function read(bytes: Uint8Array, pieces?: number) {
  const chunks: Uint8Array[] = [];
  if (pieces) for (let i = 0; i < bytes.length; i += pieces) chunks.push(bytes.slice(i, i + pieces));
  return readWandbRun({ folder: 'run-20240101_000000-abc123', log: { name: 'run-abc123.wandb', chunks: pieces ? chunks : [bytes] } });
}

function metric(run: ReturnType<typeof read>, name: string) {
  const m = run.raw.metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no ${name} in ${run.raw.metrics.map((x) => x.name).join(', ')}`);
  return m;
}

/** Payloads of every record, by framing alone. */
function payloads(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const f = new FrameReader((b, start, end) => out.push(b.slice(start, end)));
  f.push(bytes);
  f.end();
  return out;
}

describe('CRC-32 (IEEE)', () => {
  it('matches the check value and node:zlib at every offset', async () => {
    const zlib = await import('node:zlib');
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    for (let s = 0; s < 9; s++) for (const e of [s, s + 1, s + 7, s + 8, s + 9, 300]) expect(crc32(data, s, e)).toBe(zlib.crc32(data.subarray(s, e)));
    expect(crc32(data, 10, 300, crc32(data, 0, 10))).toBe(zlib.crc32(data));
  });
});

describe('framing', () => {
  it('reassembles records of every size across blocks: FULL, FIRST/MIDDLE/LAST, padding, empty FIRST at a block end', () => {
    const recs: Uint8Array[] = [];
    // Sizes chosen so that block ends fall at every distance from a chunk header, 0..8 bytes.
    for (let i = 0; i < 400; i++) recs.push(Uint8Array.from({ length: (i * 977) % 5000 + (i % 9) }, (_, j) => (i + j) & 0xff));
    recs.push(new Uint8Array(100_000).fill(7)); // four blocks
    const bytes = frameRecords(recs);
    const got = payloads(bytes);
    expect(got.length).toBe(recs.length);
    got.forEach((p, i) => expect(Buffer.compare(p, recs[i]), `record ${i}`).toBe(0));
    // Streaming in odd-sized pieces gives the same records.
    for (const piece of [1, 7, 1000, BLOCK - 1, BLOCK + 3]) {
      const out: number[] = [];
      const f = new FrameReader((_b, start, end) => out.push(end - start));
      for (let i = 0; i < bytes.length; i += piece) f.push(bytes.subarray(i, i + piece));
      f.end();
      expect(out, `pieces of ${piece}`).toEqual(recs.map((r) => r.length));
      expect(f.stop).toBeUndefined();
    }
  });

  it('accepts an empty FIRST chunk when exactly 7 bytes are left in a block', () => {
    // The header (7) + one FULL chunk (7 + n) leaves 7 bytes: n = BLOCK - 21.
    const a = new Uint8Array(BLOCK - 21).fill(1);
    const b = new Uint8Array(50).fill(2);
    const bytes = frameRecords([a, b]);
    expect(bytes[BLOCK - 1]).toBe(2); // FIRST type byte, empty payload, at the very end of block 0
    expect(payloads(bytes).map((p) => p.length)).toEqual([a.length, 50]);
  });

  it('skips a zeroed (pre-allocated) block', () => {
    const bytes = frameRecords([new Uint8Array(10).fill(1)]);
    const file = new Uint8Array(BLOCK * 2 + bytes.length - 7);
    file.set(bytes.subarray(0, 7));
    file.set(bytes.subarray(7), BLOCK * 2);
    // Block 0 after the header and block 1 are zeros.
    expect(payloads(file).map((p) => p.length)).toEqual([10]);
  });

  it('a checksum mismatch skips the rest of that block with a warning naming the byte offset; later blocks are read', () => {
    const recs = syntheticRun({ rows: 600, output: false });
    const bytes = frameRecords(recs);
    const clean = read(bytes);
    const damaged = bytes.slice();
    damaged[5000] ^= 0xff;
    const run = read(damaged);
    const crc = run.raw.warnings.filter((w) => w.code === 'crc-mismatch');
    expect(crc).toHaveLength(1);
    expect(crc[0].message).toMatch(/checksum mismatch in the chunk at byte offset \d+: skipped the rest of its block/);
    const offset = Number(/offset (\d+)/.exec(crc[0].message)![1]);
    expect(offset).toBeLessThanOrEqual(5000);
    expect(run.rows).toBeLessThan(clean.rows);
    expect(run.rows).toBeGreaterThan(clean.rows - 200);
    expect(run.complete).toBe(true);
  });

  it('refuses a file that is not a W&B log, or another version, with one line', () => {
    expect(() => read(enc.encode('hello world, not a log'))).toThrow(/not a W&B transaction log/);
    const v1 = frameRecords([records.header()]);
    v1[6] = 1;
    expect(() => read(v1)).toThrow(/version 1 is not supported/);
    expect(() => read(new Uint8Array(0))).toThrow(/empty file/);
  });
});

describe('killed and running runs', () => {
  const recs = syntheticRun({ rows: 300, withExit: false });
  const bytes = frameRecords(recs);

  it('a clean cut without an exit record: every row is read, one warning', () => {
    const run = read(bytes);
    expect(run.rows).toBe(300);
    expect(run.complete).toBe(false);
    expect(run.raw.warnings.map((w) => w.code)).toEqual(['incomplete']);
    expect(run.raw.warnings[0].message).toMatch(/no exit record .* the 300 complete history row\(s\) up to step 299 are analysed/);
  });

  it('a chunk header whose payload is missing (Python): the rows before it, one warning naming the offset', () => {
    const rows = syntheticRun({ rows: 300, withExit: false });
    const full = frameRecords(rows);
    const cutAt = frameRecords(rows.slice(0, -4)).length; // before the 299th row's console line, the last row and the summary
    const cut = full.slice(0, cutAt + 7); // a chunk header and nothing of its payload
    const run = read(cut);
    expect(run.raw.warnings.map((w) => w.code)).toEqual(['incomplete']);
    expect(run.raw.warnings[0].message).toContain(`the chunk at byte offset ${cutAt} claims`);
    expect(run.rows).toBe(299);
  });

  it('a file of whole blocks ending in a FIRST chunk without LAST (Go): the complete rows, one warning', () => {
    const big = frameRecords([...syntheticRun({ rows: 200, go: true, withExit: false }), records.history([[['blob'], `"${'x'.repeat(40000)}"`]])]);
    const blocks = big.slice(0, BLOCK * Math.floor(big.length / BLOCK));
    const run = read(blocks);
    expect(run.rows).toBe(200);
    expect(run.raw.warnings).toHaveLength(1);
    expect(run.raw.warnings[0].message).toMatch(/its last record, at byte offset \d+, was never finished/);
  });

  it('a non-zero exit code is a warning; the run is complete', () => {
    const run = read(frameRecords(syntheticRun({ rows: 10, exitCode: 255 })));
    expect(run.raw.warnings.map((w) => [w.code, w.message])).toEqual([['run-failed', 'run-abc123.wandb: the run exited with code 255 (it crashed or was interrupted)']]);
    expect(run.exitCode).toBe(255);
    const negative = read(frameRecords(syntheticRun({ rows: 10, exitCode: -9 })));
    expect(negative.exitCode).toBe(-9);
  });

  it('every prefix of a file reads without throwing, keeping only complete rows', () => {
    const small = frameRecords(syntheticRun({ rows: 40, output: false }));
    let last = 0;
    for (let n = 7; n <= small.length; n += 13) {
      const run = read(small.subarray(0, n));
      expect(run.rows).toBeGreaterThanOrEqual(last);
      last = run.rows;
      if (n < small.length) expect(run.raw.warnings.some((w) => w.code === 'incomplete')).toBe(true);
    }
  });
});

describe('history values and steps', () => {
  it('Python and Go spellings give the same series; NaN/Infinity tokens are kept; null, strings, lists skipped', () => {
    for (const go of [false, true]) {
      const n = (k: string) => (go ? [k] : k);
      const rows = [
        [[n('loss'), 'NaN'], [n('acc'), '0.5'], [n('_step'), '0']],
        [[n('loss'), 'Infinity'], [n('acc'), 'null'], [n('_step'), '1']],
        [[n('loss'), '-Infinity'], [n('acc'), '"text"'], [n('_step'), '2']],
        [[n('loss'), '1.5e+02'], [n('acc'), '[1, 2]'], [n('_step'), '3'], [n('flag'), 'true']],
      ] as Array<Array<[string | string[], string]>>;
      const run = read(frameRecords([records.header(), records.run({ id: 'abc123' }), ...rows.map((r) => records.history(r)), records.exit(0)]));
      expect(Array.from(metric(run, 'loss').value).map(String)).toEqual(['NaN', 'Infinity', '-Infinity', '150']);
      expect(Array.from(metric(run, 'acc').value)).toEqual([0.5]);
      expect(run.raw.metrics.map((m) => m.name)).toEqual(['loss', 'acc']);
    }
  });

  it('dict values are flattened with /; histograms and images (a _type key, whole or exploded by Go) are skipped', () => {
    const run = read(
      frameRecords([
        records.header(),
        records.history([
          ['train', '{"loss": 2.5, "lr": 1e-3, "inner": {"x": NaN}}'],
          ['grads', '{"_type": "histogram", "values": [1, 2], "bins": [0, 1, 2]}'],
          ['_step', '0'],
        ]),
        records.history([
          [['img', '_type'], '"image-file"'],
          [['img', 'width'], '64'],
          [['img', 'height'], '64'],
          [['hist', 'values'], '[1, 2]'],
          [['hist', '_type'], '"histogram"'],
          [['eval', 'acc'], '0.75'],
          [['_step'], '1'],
        ]),
        records.exit(0),
      ]),
    );
    expect(run.raw.metrics.map((m) => m.name)).toEqual(['train/loss', 'train/lr', 'train/inner/x', 'eval/acc']);
  });

  it('train and validation rows are aligned by their own steps; define_metric step keys are the x; epoch rides along', () => {
    const recs = [
      records.header(),
      records.metric({ name: 'train/global_step' }),
      records.metric({ glob: '*', stepMetric: 'train/global_step' }),
    ];
    for (let i = 0; i < 6; i++) {
      recs.push(records.history([[['train/loss'], String(1 / (i + 1))], [['train/global_step'], String((i + 1) * 100)], [['epoch'], String(Math.floor(i / 2))], [['_step'], String(2 * i)]]));
      if (i % 2 === 1) recs.push(records.history([[['eval/loss'], String(2 / (i + 1))], [['train/global_step'], String((i + 1) * 100)], [['_step'], String(2 * i + 1)]]));
    }
    recs.push(records.exit(0));
    const run = read(frameRecords(recs));
    const train = metric(run, 'train/loss');
    const val = metric(run, 'eval/loss');
    expect(Array.from(train.step!)).toEqual([100, 200, 300, 400, 500, 600]);
    expect(Array.from(val.step!)).toEqual([200, 400, 600]);
    expect(Array.from(train.epoch!)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(run.raw.metrics.map((m) => m.name)).toEqual(['train/loss', 'eval/loss']);
  });

  it('a step key logged beside a metric without define_metric is its x; one logged on other rows is not', () => {
    const recs = [records.header()];
    for (let i = 0; i < 4; i++) recs.push(records.history([['Training/loss', String(i)], ['Training/step', String(i * 10)], ['_step', String(2 * i)]]));
    for (let i = 0; i < 4; i++) recs.push(records.history([['lonely', String(i)], ['_step', String(8 + i)]]));
    recs.push(records.history([['global_step', '5'], ['_step', '12']]));
    const run = read(frameRecords([...recs, records.exit(0)]));
    expect(Array.from(metric(run, 'Training/loss').step!)).toEqual([0, 10, 20, 30]);
    expect(Array.from(metric(run, 'lonely').step!)).toEqual([8, 9, 10, 11]);
  });

  it('run record names the run; config updates and removes become hyperparameters, _wandb left out', () => {
    const run = read(
      frameRecords([
        records.header(),
        records.run({ id: 'abc123', config: [['lr', '{"desc": null, "value": 0.01}'], ['_wandb', '{"cli_version": "0.17.0"}']] }),
        records.run({ id: 'abc123', displayName: 'brisk-sun-7' }),
        records.config([['layers', '[64, 64]'], ['opt', '{"name": "adam", "beta": NaN}'], ['drop', '0.1']]),
        records.config([], ['drop']),
        records.history([['loss', '1'], ['_step', '0']]),
        records.exit(0),
      ]),
    );
    expect(run.label).toBe('brisk-sun-7 (abc123)');
    expect(run.raw.hyperparameters).toEqual([
      ['lr', 0.01],
      ['layers', '[64, 64]'],
      ['opt/name', 'adam'],
      ['opt/beta', 'NaN'],
    ]);
  });

  it('other record types (console output, system stats) are skipped; a malformed record is one warning', () => {
    const bad = Uint8Array.of(0x12, 0x7f, 0x01); // history field claiming 127 bytes
    const run = read(frameRecords([records.header(), records.output('hello\n'), records.stats([['cpu', '12.5']]), bad, records.history([['loss', '1'], ['_step', '0']]), records.exit(0)]));
    expect(run.rows).toBe(1);
    expect(run.raw.warnings.map((w) => w.code)).toEqual(['bad-record']);
  });

  it('numberAt rounds exactly like Number() (Python repr, Go shortest form, exponents, long mantissas)', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const spellings: string[] = ['0.30000000000000004', '1.7415967088264031e+09', '6.748916832691871e+143', '5e-05', '1e-05', '15.0', '-0.0', '123456789012345678901234', '0.1e-30'];
    for (let i = 0; i < 20000; i++) {
      const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
      spellings.push(String(v), v.toPrecision(1 + Math.floor(rand() * 17)), v.toExponential(Math.floor(rand() * 17)), v.toFixed(Math.floor(rand() * 20)));
    }
    for (const text of spellings) {
      const got = numberAt(enc.encode(text), 0, text.length);
      expect(Object.is(got, Number(text)), text).toBe(true);
    }
  });

  it('numberAt reads JSON numbers and the NaN/Infinity tokens, nothing else', () => {
    const at = (s: string) => numberAt(enc.encode(s), 0, s.length);
    expect([at('0'), at('-1.5e-05'), at('1.7415967088264031e+09'), at('NaN'), at('-Infinity')].map(String)).toEqual(['0', '-0.000015', '1741596708.8264031', 'NaN', '-Infinity']);
    expect([at('null'), at('"1"'), at('true'), at('Nan'), at('1x'), at('-'), at('')]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('loose JSON and config.yaml', () => {
  it('walks NaN/Infinity tokens outside strings, leaves tokens inside strings alone', () => {
    const leaves: Array<[string, unknown]> = [];
    expect(walkLooseJson('{"a": NaN, "b": {"c": -Infinity, "d": "NaN"}, "e": [1, "]"], "f": null}', (p, v) => leaves.push([p, v]))).toBe(true);
    expect(leaves.map(([p, v]) => `${p}=${String(v)}`)).toEqual(['a=NaN', 'b/c=-Infinity', 'b/d=NaN', 'f=null']);
    expect(walkLooseJson('{"a": 1,', () => {})).toBe(false);
    expect(walkLooseJson('['.repeat(100_000), () => {})).toBe(false);
    expect(walkLooseJson('{"a":'.repeat(10_000), () => {})).toBe(false);
  });

  it('reads W&B config.yaml: desc/value wrappers, nested values, lists as text', () => {
    const yaml = [
      'wandb_version: 1',
      '',
      '_wandb:',
      '  desc: null',
      '  value:',
      '    cli_version: 0.12.9',
      'lr:',
      '  desc: null',
      '  value: 0.001',
      'model:',
      '  value:',
      '    name: "resnet"',
      '    depth: 50',
      'sizes:',
      '  value:',
      '  - 16',
      '  - 32',
      'flag:',
      '  value: true',
    ].join('\n');
    expect(configFromYaml(yaml)).toEqual([
      ['lr', 0.001],
      ['model/name', 'resnet'],
      ['model/depth', 50],
      ['sizes', '[16, 32]'],
      ['flag', true],
    ]);
  });
});

describe('legacy folders and the parser registry', () => {
  it('wandb-history.jsonl rows with NaN tokens and histogram dicts; a cut last row is one warning', () => {
    const history = ['{"loss": 2.0, "_step": 0, "gradients/w": {"_type": "histogram", "values": [1]}}', '{"loss": NaN, "_step": 1}', '{"val_loss": 1.5, "_step": 2}', '{"loss": 1.'].join('\n');
    const run = parseWandbFolder(
      [
        { rel: 'wandb-history.jsonl', input: { name: 'r/wandb-history.jsonl', bytes: enc.encode(history) } },
        { rel: 'wandb-summary.json', input: { name: 'r/wandb-summary.json', bytes: enc.encode('{"loss": NaN, "_step": 2}') } },
        { rel: 'config.yaml', input: { name: 'r/config.yaml', bytes: enc.encode('wandb_version: 1\nlr:\n  desc: null\n  value: 0.1\n') } },
      ],
      'run-20200101_000000-zz9',
    );
    expect(run.rows).toBe(3);
    expect(run.raw.metrics.map((m) => `${m.name}:${Array.from(m.value).join(',')}`)).toEqual(['loss:2,NaN', 'val_loss:1.5']);
    expect(run.raw.warnings.map((w) => w.code)).toEqual(['incomplete']);
    expect(run.raw.hyperparameters).toEqual([['lr', 0.1]]);
    expect(run.id).toBe('zz9');
  });

  it('a .wandb file is detected by its bytes whatever its name', () => {
    const bytes = frameRecords(syntheticRun({ rows: 20 }));
    const parsed = parseLog({ name: 'renamed.bin', bytes });
    expect(parsed.format).toBe('wandb');
    expect(parsed.runs[0].metrics.map((m) => m.name)).toEqual(['train/loss', 'train/learning_rate']);
  });
});

describe('a big log streams', () => {
  it('a .wandb past the 16 MiB streaming threshold is read chunk by chunk, never whole', () => {
    const { dir, cleanup } = tempDir('lossdoc-wandb-big-');
    try {
      const runDir = join(dir, 'run-20240101_000000-big01');
      mkdirSync(runDir);
      // 20 000 rows of about 900 bytes (a long text value the reader skips).
      const note = JSON.stringify('x'.repeat(850));
      const recs = [records.header(), records.run({ id: 'big01', displayName: 'big-run' })];
      for (let i = 0; i < 20_000; i++) recs.push(records.history([['loss', String(2 / (i + 1))], ['note', note], ['_step', String(i)]]));
      const bytes = frameRecords([...recs, records.exit(0)]);
      expect(bytes.length).toBeGreaterThan(16 * 1024 * 1024);
      writeFileSync(join(runDir, 'run-big01.wandb'), bytes);
      const read = readInputs([dir]);
      expect(read.errors).toEqual([]);
      const [input] = read.inputs;
      expect(typeof (input as { chunks?: unknown }).chunks).toBe('function');
      Object.defineProperty(input, 'bytes', {
        get() {
          throw new Error('the whole file was read');
        },
      });
      const { runs, errors } = loadRuns(read.inputs);
      expect(errors).toEqual([]);
      expect(runs.map((r) => r.name)).toEqual(['big-run (big01)']);
      expect(runs[0].series.find((s) => s.name === 'loss')!.x.length).toBe(20_000);
    } finally {
      cleanup();
    }
  });
});

describe('a wandb/ project folder', () => {
  it('one run per run folder; latest-run, debug logs, console output and media are not read', () => {
    const { dir, cleanup } = tempDir('lossdoc-wandb-dir-');
    try {
      const wandb = join(dir, 'wandb');
      const online = join(wandb, 'run-20240101_000000-aaa111');
      const offline = join(wandb, 'offline-run-20240102_000000-bbb222');
      for (const d of [online, offline]) mkdirSync(join(d, 'files', 'media'), { recursive: true });
      mkdirSync(join(online, 'logs'));
      writeFileSync(join(online, 'run-aaa111.wandb'), frameRecords(syntheticRun({ rows: 60, id: 'aaa111', displayName: 'online-run' })));
      writeFileSync(join(offline, 'run-bbb222.wandb'), frameRecords(syntheticRun({ rows: 60, go: true, withExit: false, id: 'bbb222', displayName: '' })));
      writeFileSync(join(online, 'files', 'config.yaml'), 'wandb_version: 1\nlr:\n  desc: null\n  value: 0.5\n');
      writeFileSync(join(online, 'files', 'wandb-summary.json'), '{"train/loss": NaN, "_step": 59}');
      writeFileSync(join(online, 'files', 'output.log'), 'epoch 1 loss: 0.5\nepoch 2 loss: 0.4\n');
      writeFileSync(join(online, 'files', 'media', 'metrics.csv'), 'step,loss\n1,2\n');
      writeFileSync(join(online, 'logs', 'debug.log'), 'step: 1 loss: 0.3\nstep: 2 loss: 0.2\n');
      symlinkSync(join('run-20240101_000000-aaa111', 'logs', 'debug.log'), join(wandb, 'debug.log'));
      symlinkSync('run-20240101_000000-aaa111', join(wandb, 'latest-run'));
      const read = readInputs([dir]);
      const { runs, errors, warnings } = loadRuns(read.inputs);
      expect([errors, read.warnings, warnings]).toEqual([[], [], []]);
      // The offline run has no display name: it is named by its folder. It has no exit record: one warning.
      expect(runs.map((r) => [r.name, r.format, r.sources.map((s) => s.slice(dir.length + 1)), r.warnings.map((w) => w.code)])).toEqual([
        ['wandb/offline-run-20240102_000000-bbb222', 'wandb', ['wandb/offline-run-20240102_000000-bbb222/run-bbb222.wandb'], ['incomplete']],
        [
          'online-run (aaa111)',
          'wandb',
          ['wandb/run-20240101_000000-aaa111/run-aaa111.wandb', 'wandb/run-20240101_000000-aaa111/files/config.yaml', 'wandb/run-20240101_000000-aaa111/files/wandb-summary.json'],
          [],
        ],
      ]);
      // The log's config wins over config.yaml.
      expect(runs[1].hyperparameters).toEqual([
        ['lr', 0.001],
        ['batch_size', 32],
        ['optimizer', 'adam'],
      ]);
    } finally {
      cleanup();
    }
  });
});

describe('memory bound', () => {
  it('a log with more distinct keys than maxSeries keeps the first 1000 and warns how many were left out', () => {
    const items = Array.from({ length: 1500 }, (_, k) => [`metric_${k}`, String(k / 10)] as [string, string]);
    const rows = [0, 1, 2].map((step) => records.history([['_step', String(step)], ...items], { step }));
    const run = readWandbRun({ folder: 'run-20240101_000000-cap001', log: { name: 'run-cap001.wandb', chunks: [frameRecords([records.header(), ...rows, records.exit(0)])] } });
    expect(run.raw.metrics.length).toBeLessThanOrEqual(1000);
    expect(run.raw.warnings.map((w) => w.code)).toContain('too-many-series');
    expect(run.raw.warnings.find((w) => w.code === 'too-many-series')!.message).toMatch(/^501 more series left out/);
  });
});
