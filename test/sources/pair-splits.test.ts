/** Train and validation curves of one run in two files of a folder are read as one run. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { pairSplitFiles, splitOfName } from '../../src/sources/pair-splits.js';
import { readInputs } from '../../src/io/read-inputs.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = path.join(repoRoot, 'fixtures/logs/split_files');

const roles = (run: ReturnType<typeof loadRuns>['runs'][number]) => ({ ...run.primary });

describe('train/validation files of one run', () => {
  it('names: the split word between separators, the rest compared without it', () => {
    expect(splitOfName('train_loss.csv')).toEqual({ split: 'train', rest: '*_loss' });
    expect(splitOfName('val_loss.csv')).toEqual({ split: 'val', rest: '*_loss' });
    expect(splitOfName('valid.csv')).toEqual({ split: 'val', rest: '*' });
    expect(splitOfName('run-3.training.csv')).toEqual({ split: 'train', rest: 'run-3.*' });
    expect(splitOfName('trainer_log.csv')).toBeUndefined();
    expect(splitOfName('interval.csv')).toBeUndefined();
  });

  it('pairs matching names per folder, guesses only a lone pair of one format', () => {
    const f = (dir: string, base: string, format = 'csv' as const) => ({ dir, base, format });
    expect(pairSplitFiles([f('a', 'train_loss.csv'), f('a', 'val_loss.csv'), f('b', 'val_loss.csv')])).toEqual([{ train: 0, val: 1, guess: false }]);
    expect(pairSplitFiles([f('a', 'x_train.csv'), f('a', 'y_val.csv')])).toEqual([{ train: 0, val: 1, guess: true }]);
    expect(pairSplitFiles([f('a', 'x_train.csv'), f('a', 'z_train.csv'), f('a', 'y_val.csv')])).toEqual([]);
    expect(pairSplitFiles([f('a', 'x_train.csv'), f('a', 'y_val.json', 'json-records' as 'csv')])).toEqual([]);
  });

  it('a scanned folder: one-column CSVs, train.csv + valid.csv, two W&B chart exports (a guess, warned)', () => {
    const read = readInputs([dir]);
    const { runs, errors } = loadRuns(read.inputs);
    expect(errors).toEqual([]);
    expect(runs.map((r) => r.name)).toEqual([
      'exp_a/train_loss.csv + val_loss.csv',
      'exp_b/train.csv + valid.csv',
      'exp_c/wandb_export_2024-05-01T10_12_33.215+02_00_train_loss.csv + wandb_export_2024-05-01T10_13_02.871+02_00_val_loss.csv',
    ]);
    expect(runs.map(roles)).toEqual([
      { train: 'train_loss', val: 'val_loss' },
      { train: 'loss', val: 'val/loss' },
      { train: 'train_loss', val: 'val_loss' },
    ]);
    // One-column CSVs: the row index is the step.
    expect(Array.from(runs[0].series[0].x.slice(0, 3))).toEqual([0, 1, 2]);
    expect(runs.map((r) => r.warnings.filter((w) => w.code === 'paired-guess').length)).toEqual([0, 0, 1]);
    expect(runs[2].sources).toHaveLength(2);
  });

  it('both files given on the command line', () => {
    const read = readInputs([path.join(dir, 'exp_b/valid.csv'), path.join(dir, 'exp_b/train.csv')]);
    const { runs } = loadRuns(read.inputs);
    expect(runs).toHaveLength(1);
    expect(runs[0].primary).toEqual({ train: 'loss', val: 'val/loss' });
    expect(runs[0].name).toBe(`${path.join(dir, 'exp_b/train.csv')} + valid.csv`);
  });

  it('TensorBoard UI downloads renamed train_loss.csv / validation_loss.csv are one run too', () => {
    const tb = (values: number[]) =>
      new TextEncoder().encode(`Wall time,Step,Value\n${values.map((v, i) => `${1700000000 + i}.5,${i},${v}`).join('\n')}\n`);
    const { runs } = loadRuns([
      { name: 'tb/train_loss.csv', bytes: tb([2.3, 1.9, 1.5, 1.3, 1.2]) },
      { name: 'tb/validation_loss.csv', bytes: tb([2.4, 2.0, 1.8, 1.75, 1.8]) },
    ]);
    expect(runs.map((r) => [r.name, r.format])).toEqual([['tb/train_loss.csv + validation_loss.csv', 'tb-export-csv']]);
    expect(runs[0].primary).toEqual({ train: 'train_loss', val: 'validation_loss' });
  });
});
