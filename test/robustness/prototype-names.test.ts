/**
 * Names that are Object.prototype properties (`constructor`, `__proto__`, `toString`, …) as every
 * reader delivers them: column names, JSON keys, TensorBoard tags and export file names, MLflow
 * metric names and meta.yaml values, DVCLive files, text-log keys, run folders. A lookup keyed by
 * such text in a plain object finds Object's own members; lossdoc must treat them as plain names.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { writeEventFile, type ScalarPoint } from '../helpers/tfevents-writer.js';

const PROTO_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
];

const N = 40;
const loss = (i: number) => 2 * Math.exp(-i / 10) + 0.3;
const rows = (f: (i: number) => string) => Array.from({ length: N }, (_, i) => f(i)).join('\n');

let dir: string;
let cleanup: () => void;

/** One folder holding every format, each with the prototype names wherever a name can go. */
function writeLogs(root: string): void {
  const names = PROTO_NAMES;
  const put = (rel: string, text: string | Uint8Array) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put('csv/metrics.csv', `step,loss,${names.join(',')}\n${rows((i) => `${i},${loss(i)},${names.map((_, k) => loss(i) + k).join(',')}`)}\n`);
  put('jsonl/metrics.jsonl', `${rows((i) => JSON.stringify({ step: i, loss: loss(i), ...Object.fromEntries(names.map((n, k) => [n, loss(i) + k])) }))}\n`);
  // JSON.stringify drops a computed `__proto__` key from an object literal: write that one by hand.
  put('jsonl-proto/metrics.jsonl', `${rows((i) => `{"step":${i},"__proto__":${loss(i)},"constructor":{"toString":${loss(i)}}}`)}\n`);
  const curve = Array.from({ length: N }, (_, i) => loss(i));
  put('keras/history.json', JSON.stringify(Object.fromEntries([['loss', curve], ...names.map((n) => [n, curve])])));
  for (const n of names) {
    put(`tb-export/run-my_${n}-tag-${n}.csv`, `Wall time,Step,Value\r\n${rows((i) => `1700000000.5,${i},${loss(i)}`)}\r\n`);
  }
  put('tb-export/run-x_constructor-tag-loss.json', JSON.stringify(Array.from({ length: N }, (_, i) => [1700000000 + i, i, loss(i)])));
  put(
    'tfevents/events.out.tfevents.1700000000.host',
    writeEventFile(Array.from({ length: N }, (_, i): ScalarPoint[] => names.map((tag) => ({ tag, step: i, value: loss(i) }))).flat()),
  );
  for (const [k, status] of ['constructor', '__proto__', 'toString', 'hasOwnProperty'].entries()) {
    const run = `mlruns/0/run${k}`;
    put(`${run}/meta.yaml`, `status: ${status}\nname: ${names[k]}\nrun_name: ${names[k + 1]}\nlifecycle_stage: valueOf\n`);
    put(`${run}/metrics/${names[k]}`, `${rows((i) => `1700000000000 ${loss(i)} ${i}`)}\n`);
    put(`${run}/metrics/loss`, `${rows((i) => `1700000000000 ${loss(i)} ${i}`)}\n`);
    put(`${run}/tags/mlflow.runName`, names[k + 2]);
  }
  put('dvclive/plots/metrics/constructor.tsv', `step\tconstructor\n${rows((i) => `${i}\t${loss(i)}`)}\n`);
  put('dvclive/plots/metrics/train/__proto__.tsv', `step\t__proto__\n${rows((i) => `${i}\t${loss(i)}`)}\n`);
  put('text/train.log', `${rows((i) => `step ${i} loss: ${loss(i)} constructor: ${loss(i)} __proto__=${loss(i)} toString: 1`)}\n`);
  put('hf/trainer.log', `${rows((i) => `{'loss': ${loss(i)}, 'constructor': 0.1, '__proto__': 0.2, 'epoch': ${i / 10}}`)}\n`);
  put('__proto__/constructor/toString.csv', `epoch,loss,val_loss\n${rows((i) => `${i},${loss(i)},${loss(i) + 0.1}`)}\n`);
}

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-proto-'));
  writeLogs(dir);
});
afterAll(() => cleanup());

describe('names that are Object.prototype properties', () => {
  it.each(['text', 'json', 'markdown', 'github', 'junit', 'html'])('are plain names in every reader, in the %s format', (format) => {
    const r = lossdoc(['analyze', dir, '-f', format]);
    expect(r.stderr).not.toMatch(/crashed|TypeError|is not a function|is not iterable/);
    expect([0, 1]).toContain(r.code);
    if (format === 'json') {
      const report = JSON.parse(r.stdout) as { runs: Array<{ name: string; series: Array<{ name: string }> }> };
      const series = new Set(report.runs.flatMap((run) => run.series.map((s) => s.name)));
      for (const n of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(series.has(n), n).toBe(true);
      expect(report.runs.length).toBeGreaterThanOrEqual(10);
    }
  });

  it('meta.yaml status values that are prototype names do not mark a run failed', () => {
    const r = lossdoc(['analyze', join(dir, 'mlruns'), '-f', 'json']);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).not.toMatch(/run-(failed|killed)|marked (FAILED|KILLED)/i);
  });

  it.each(['__proto__', 'constructor', 'toString'])('--tolerance %s=1 is refused in one line (exit 2)', (key) => {
    const r = lossdoc(['compare', join(dir, 'csv/metrics.csv'), '--baseline', join(dir, 'csv/metrics.csv'), '--tolerance', `${key}=1`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`got "${key}=1"`);
  });
});
