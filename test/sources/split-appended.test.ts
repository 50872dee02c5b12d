/**
 * Several runs appended to one file are read as runs of their own (file#1, file#2, …); a resume
 * that goes back to a later epoch continues the run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuns, type LogInput } from '../../src/api.js';
import type { RawRun } from '../../src/core/types.js';
import { splitAppendedRuns } from '../../src/sources/split-appended.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (rel: string): LogInput => ({ name: rel, bytes: readFileSync(path.join(repoRoot, 'fixtures/logs', rel)) });
const describeCorpus = corpusPresent(path.join(corpus, 'SOURCES.md')) ? describe : describe.skip;

const trainPoints = (name: string, inputs: LogInput[]) => {
  const run = loadRuns(inputs).runs.find((r) => r.name === name)!;
  return Array.from(run.series.find((s) => s.name === run.primary.train)!.x);
};

describe('runs appended to one file', () => {
  it('a Keras 1.x sweep printed to one text log: one run per restart of the epoch at its first value', () => {
    const { runs, errors } = loadRuns([fixture('text/keras1_sweep.log')]);
    expect(errors).toEqual([]);
    expect(runs.map((r) => r.name)).toEqual(['text/keras1_sweep.log#1', 'text/keras1_sweep.log#2', 'text/keras1_sweep.log#3']);
    for (const run of runs) {
      expect(Array.from(run.series.find((s) => s.name === 'loss')!.x)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(run.primary.val).toBe('val_loss');
      expect(run.warnings.filter((w) => w.code === 'restart')).toEqual([]);
    }
    // Each split is warned once, in the run it starts.
    expect(runs[0].warnings.filter((w) => w.code === 'split')).toEqual([]);
    expect(runs[1].warnings.filter((w) => w.code === 'split')).toEqual([
      { code: 'split', line: 20, message: 'epoch starts again at 1 after 6: an appended run, read as run #2 of 3 in this file' },
    ]);
  });

  it('a Keras CSVLogger with append=True (repeated header, NA cells) splits; a resume from a later epoch merges', () => {
    const appended = loadRuns([fixture('csv/keras_na_appended.csv')]).runs;
    expect(appended.map((r) => r.name)).toEqual(['csv/keras_na_appended.csv#1', 'csv/keras_na_appended.csv#2', 'csv/keras_na_appended.csv#3']);
    expect(trainPoints('csv/keras_na_appended.csv#1', [fixture('csv/keras_na_appended.csv')])).toEqual([0, 1, 2]);
    const resumed = loadRuns([fixture('csv/keras_resumed_overlap.csv')]).runs;
    expect(resumed.map((r) => r.name)).toEqual(['csv/keras_resumed_overlap.csv']);
    expect(Array.from(resumed[0].series.find((s) => s.name === 'loss')!.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // The parser's restart warning is the only one: build-run does not repeat it.
    expect(resumed[0].warnings.filter((w) => w.code === 'restart')).toHaveLength(1);
  });

  it('leaves a run alone when its points carry no source lines, and keeps sparse series with their run', () => {
    const line = (n: number[]) => Int32Array.from(n);
    const f = (a: number[]) => Float64Array.from(a);
    const raw: RawRun = {
      name: 'r',
      warnings: [],
      metrics: [
        { name: 'loss', value: f([3, 2, 1, 3, 2]), epoch: f([0, 1, 2, 0, 1]), line: line([2, 3, 4, 5, 6]) },
        { name: 'val_loss', value: f([2.5, 2.6]), epoch: f([2, 1]), line: line([4, 6]) },
      ],
    };
    const parts = splitAppendedRuns(raw);
    expect(parts.map((p) => p.metrics.map((m) => [m.name, Array.from(m.epoch!)]))).toEqual([
      [['loss', [0, 1, 2]], ['val_loss', [2]]],
      [['loss', [0, 1]], ['val_loss', [1]]],
    ]);
    const noLines: RawRun = { ...raw, metrics: raw.metrics.map(({ line: _line, ...m }) => m) };
    expect(splitAppendedRuns(noLines)).toEqual([noLines]);
  });
});

describeCorpus('appended runs in the corpus', () => {
  it('keras_csvlogger appended_runs.csv: four runs of 5, 4, 10 and 5 epochs', () => {
    const rel = 'keras_csvlogger/AkshatSharma5__Brain_Tumor_Image_Classification_using_CNN__training_log_appended_runs.csv';
    const input: LogInput = { name: rel, bytes: readFileSync(path.join(corpus, rel)) };
    const { runs } = loadRuns([input]);
    expect(runs.map((r) => r.series.find((s) => s.name === 'loss')!.x.length)).toEqual([5, 4, 10, 5]);
    expect(runs.map((r) => r.name)).toEqual([1, 2, 3, 4].map((k) => `${rel}#${k}`));
    // Only the third run (lr 1e-5) gets far: val_loss at its lowest 0.43.
    expect(runs[2].series.find((s) => s.name === 'val_loss')!.y.reduce((a, b) => Math.min(a, b))).toBeCloseTo(0.43, 2);
  });

  it('plain_text 0508_results.rb: a 22-run sweep of 15 epochs each (the last cut at 14)', () => {
    const rel = 'plain_text/derekchen14__snippet_rnn__0508_results.rb';
    const { runs } = loadRuns([{ name: rel, bytes: readFileSync(path.join(corpus, rel)) }]);
    expect(runs).toHaveLength(22);
    expect(runs.map((r) => r.series.find((s) => s.name === 'loss')!.x.length)).toEqual([...Array(21).fill(15), 14]);
  });
});

describe('many appended runs', () => {
  it('a log that starts again every 3 lines: one run per restart, each with its own points', () => {
    const make = (runs: number) => {
      const rows = Array.from({ length: runs }, () => '0,2.0\n1,1.5\n2,1.2\n').join('');
      return { name: 'many.csv', bytes: new TextEncoder().encode(`epoch,loss\n${rows}`) } satisfies LogInput;
    };
    const small = loadRuns([make(200)]).runs;
    const big = loadRuns([make(2000)]).runs;
    expect(small).toHaveLength(200);
    expect(big).toHaveLength(2000);
    expect(big.every((r) => r.series[0].x.length === 3)).toBe(true);
  });
});
