/**
 * Small inputs that used to need gigabytes (and ended in a V8 abort, exit 134): a few MB of JSON or
 * CSV with 100 000–200 000 distinct keys or columns, `/dev/zero` or a FIFO as an input or as the
 * config, and gzip that inflates without end. Each run stays within a few hundred MB (peak resident
 * set size of the CLI process, reported by a preloaded hook) and ends with a report or one line and
 * exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lossdoc, lossdocMeasured, tempDir, writePeakHook } from '../cli/cli-helper.js';

let dir: string;
let cleanup: () => void;
let peakHook: string;
/** A small JSON-lines log with a new key on every line (50 series), written in beforeAll. */
let keysSmall: string;

/** Peak RSS allowed for a few-MB input (the runtime alone takes ~50 MB). */
const MAX_PEAK_MB = 400;
const KEYS = 200_000;

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-bombs-'));
  peakHook = writePeakHook(dir);
  keysSmall = join(dir, 'keys-small.jsonl');
  writeFileSync(keysSmall, Array.from({ length: 50 }, (_, i) => `{"step":${i},"loss":${loss(i)},"k${i}":0.5}`).join('\n'));
});
afterAll(() => cleanup());

/** Run the CLI, measuring its peak RSS. */
const run = (args: string[]) => lossdocMeasured(peakHook, args);

function loss(i: number): string {
  return (2 / (1 + i / 50) + 0.1).toFixed(5);
}

let gzipBombBytes: Buffer | undefined;
/** 300 MiB of one repeated row, compressed to ~300 KB; built once for the cases that use it. */
function gzipBomb(): Buffer {
  gzipBombBytes ??= gzipSync(Buffer.alloc(300 * 1024 * 1024, 'step,loss\n'), { level: 9 });
  return gzipBombBytes;
}

const bombs: Array<[string, string, () => string]> = [
  ['JSON lines, a new key on every line', 'keys.jsonl', () => Array.from({ length: KEYS }, (_, i) => `{"step":${i},"loss":${loss(i)},"k${i}":0.5}`).join('\n')],
  ['a JSON record with 200 000 keys', 'wide.json', () => `[{"step":0,"loss":1,${Array.from({ length: KEYS }, (_, i) => `"k${i}":0.5`).join(',')}},{"step":1,"loss":0.9}]`],
  ['a Keras history with 200 000 keys', 'history.json', () => `{"loss":[1,0.9,0.8],${Array.from({ length: KEYS }, (_, i) => `"k${i}":[0.5]`).join(',')}}`],
  [
    'a CSV with 100 000 columns',
    'wide.csv',
    () => `step,loss,${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: 5 }, (_, r) => `${r},${loss(r)},${'0.5,'.repeat(99_999)}0.5`).join('\n')}\n`,
  ],
  ['a text log with a new key on every line', 'train.log', () => Array.from({ length: KEYS }, (_, i) => `step ${i} loss: ${loss(i)} k${i}: 0.5`).join('\n')],
];

describe('many distinct series: the first maxSeries are read, the rest left out with a warning', () => {
  it.each(bombs)('%s', (_label, name, make) => {
    const file = join(dir, name);
    writeFileSync(file, make());
    const r = run(['analyze', file, '-f', 'json']);
    expect(r.code === 0 || r.code === 1, r.stderr.slice(0, 500)).toBe(true);
    expect(r.stderr).toMatch(/\d+ more series left out: lossdoc reads the first 1000 series of a log/);
    expect(r.peakMb).toBeLessThan(MAX_PEAK_MB);
    const report = JSON.parse(r.stdout) as { runs: Array<{ series: unknown[] }> };
    expect(report.runs[0].series.length).toBeLessThanOrEqual(1000);
  });

  it('maxSeries in the config and --max-series change the limit', () => {
    const file = keysSmall;
    writeFileSync(join(dir, 'ten.json'), '{"maxSeries": 10}');
    const fromConfig = lossdoc(['analyze', file, '-c', join(dir, 'ten.json'), '-f', 'json']);
    expect(fromConfig.stderr).toContain('41 more series left out: lossdoc reads the first 10 series');
    const fromFlag = lossdoc(['analyze', file, '-c', join(dir, 'ten.json'), '--max-series', '20', '-f', 'json']);
    expect(fromFlag.stderr).toContain('31 more series left out: lossdoc reads the first 20 series');
  });
});

describe('inputs that never end', () => {
  const oneLine = (r: { code: number | null; stderr: string }) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  };

  it('/dev/zero as an input', () => {
    const r = run(['analyze', '/dev/zero']);
    oneLine(r);
    expect(r.stderr).toContain('/dev/zero: is not a regular file');
    expect(r.peakMb).toBeLessThan(MAX_PEAK_MB);
  });

  it('/dev/zero as the config', () => {
    const r = run(['analyze', keysSmall, '-c', '/dev/zero']);
    oneLine(r);
    expect(r.stderr).toContain('/dev/zero: is not a regular file');
  });

  it('a FIFO as an input is refused without waiting for a writer', () => {
    const fifo = join(dir, 'pipe.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = run(['analyze', fifo]);
    oneLine(r);
    expect(r.stderr).toContain('pipe.csv: is not a regular file');
  });

  it.each([
    ['given as a file', (p: string) => p],
    ['found in a folder', (p: string) => p.slice(0, p.lastIndexOf('/'))],
  ])('a gzip bomb %s stops at the ceiling', (_label, target) => {
    const bombDir = join(dir, `gz-${_label.split(' ')[0]}`);
    mkdirSync(bombDir, { recursive: true });
    const file = join(bombDir, 'metrics.csv.gz');
    writeFileSync(file, gzipBomb());
    const r = run(['analyze', target(file)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('decompresses to more than 256 MiB');
    expect(r.stderr).not.toMatch(/heap|Abort|FATAL/);
  });
});
