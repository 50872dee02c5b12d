import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseMlflowRun } from '../../src/sources/mlflow.js';
import { readRunFolder } from '../helpers/run-folder.js';

const experiment = fileURLToPath(new URL('../../fixtures/logs/mlflow/1/', import.meta.url));


const enc = (s: string) => new TextEncoder().encode(s);
const arr = (a: ArrayLike<number> | undefined) => (a ? Array.from(a) : undefined);

describe('parseMlflowRun', () => {
  it('reads a run folder: nested metric keys, 2- and 3-field lines, nan/inf, run name from the tag', () => {
    const runDir = path.join(experiment, '4f1c2a9b8e7d4c3ba1b2c3d4e5f60718');
    const run = parseMlflowRun(readRunFolder(runDir), runDir);
    expect(run.name).toBe('bright-owl-42');
    expect(run.metrics.map((m) => m.name)).toEqual(['accuracy', 'lr', 'train/loss', 'val/loss']);
    const loss = run.metrics.find((m) => m.name === 'train/loss')!;
    expect(arr(loss.value)).toEqual([2.302, 1.95, 1.61, 1.4]);
    expect(arr(loss.step)).toEqual([0, 1, 2, 3]);
    expect(arr(loss.line)).toEqual([1, 2, 3, 4]);
    const val = run.metrics.find((m) => m.name === 'val/loss')!;
    expect(val.value[0]).toBe(2.1);
    expect(val.value[1]).toBeNaN();
    expect(arr(val.step)).toEqual([1, 3]);
    expect(arr(run.metrics.find((m) => m.name === 'accuracy')!.value)).toEqual([0.41, Infinity]);
    // `lr` has only `<timestamp> <value>` lines: every step is 0, so the point order is used.
    expect(arr(run.metrics.find((m) => m.name === 'lr')!.step)).toEqual([0, 1, 2]);
    expect(run.warnings.map((w) => w.code)).toEqual(['no-steps']);
    expect(run.warnings[0].message).toContain('metrics/lr');
  });

  it('takes the name from meta.yaml when there is no tag, and warns about a FAILED run', () => {
    const runDir = path.join(experiment, '9a8b7c6d5e4f40312a1b2c3d4e5f6071');
    const run = parseMlflowRun(readRunFolder(runDir), runDir);
    expect(run.name).toBe('crashed-run');
    expect(run.metrics.map((m) => m.name)).toEqual(['Generator loss']);
    expect(arr(run.metrics[0].value)).toEqual([3.1, 2.9, 5.7]);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0].message).toContain('run marked FAILED');
  });

  it('falls back to the folder name, skips malformed lines, keeps a single step-0 point', () => {
    const run = parseMlflowRun(
      [
        { relPath: 'metrics/loss', bytes: enc('1 0.5 0\ngarbage\n2 0.4 1\n3 x 2\n\n') },
        { relPath: 'metrics/final', bytes: enc('1 0.9\n') },
        { relPath: 'metrics\\win\\path', bytes: enc('1 1 5\n') },
        { relPath: 'meta.yaml', bytes: enc("name: ''\nstatus: 3\n") },
      ],
      '/tmp/mlruns/0/abc123/',
    );
    expect(run.name).toBe('abc123');
    expect(run.metrics.map((m) => m.name)).toEqual(['final', 'loss', 'win/path']);
    expect(arr(run.metrics[0].step)).toEqual([0]);
    expect(arr(run.metrics[1].value)).toEqual([0.5, 0.4]);
    expect(arr(run.metrics[1].line)).toEqual([1, 3]);
    expect(run.warnings.map((w) => [w.code, w.line])).toEqual([['bad-line', 2]]);
  });

  it('marks KILLED runs and tolerates a missing meta.yaml', () => {
    const killed = parseMlflowRun([{ relPath: 'meta.yaml', bytes: enc('status: 5\n') }, { relPath: 'metrics/a', bytes: enc('1 1 1\n') }], 'r');
    expect(killed.warnings[0].message).toContain('run marked KILLED');
    const bare = parseMlflowRun([{ relPath: 'metrics/a', bytes: enc('1 1 1\n') }], 'r2');
    expect(bare.name).toBe('r2');
    expect(bare.warnings).toEqual([]);
  });
});
