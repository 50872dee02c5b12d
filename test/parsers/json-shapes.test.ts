/** JSON histories as people save them: beside a config, under "metrics"/"log", split by train/val. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuns, type LogInput } from '../../src/api.js';
import { detectFormat } from '../../src/parsers/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): LogInput => ({ name, bytes: readFileSync(path.join(repoRoot, 'fixtures/logs/json', name)) });
const only = (input: LogInput) => {
  const { runs, errors } = loadRuns([input]);
  expect(errors).toEqual([]);
  expect(runs).toHaveLength(1);
  return runs[0];
};

describe('JSON history shapes', () => {
  it('a history beside a nested config and scalar test_* keys: config as hyperparameters, the rest warned once', () => {
    const input = fixture('history_with_config.json');
    expect(detectFormat(input)?.format).toBe('keras-history-json');
    const run = only(input);
    expect(run.primary).toEqual({ train: 'loss', val: 'val_loss' });
    expect(run.hyperparameters).toEqual([
      ['lr', 0.001],
      ['batch_size', 64],
      ['optimizer.name', 'adam'],
      ['seed', 7],
    ]);
    expect(run.warnings.filter((w) => w.code === 'ignored-keys')).toEqual([
      { code: 'ignored-keys', message: 'not series, ignored: test_loss, test_accuracy' },
    ]);
  });

  it('series under "metrics" on one line', () => {
    const run = only(fixture('metrics_object.json'));
    expect(run.series.map((s) => s.name)).toEqual(['train_loss', 'val_loss', 'lr']);
    expect(run.primary).toEqual({ train: 'train_loss', val: 'val_loss' });
    expect(run.warnings.map((w) => w.message)).toEqual(['not series, ignored: run_id']);
  });

  it('train/val sub-objects under "log": their series prefixed by the split', () => {
    const run = only(fixture('log_train_val.json'));
    expect(run.primary).toEqual({ train: 'train/loss', val: 'val/loss' });
    expect(run.hyperparameters).toEqual([
      ['lr', 0.01],
      ['dropout', 0.1],
    ]);
  });

  it('a JSON object without any series says which keys it saw', () => {
    const input: LogInput = { name: 'model.json', bytes: new TextEncoder().encode('{\n  "name": "m",\n  "weights": "w.bin",\n  "layers": {"a": 1}\n}\n') };
    const { errors } = loadRuns([input]);
    expect(errors.map((e) => e.message)).toEqual(['model.json: not a training log lossdoc recognises (a JSON object with the keys name, weights, layers, none of them a series)']);
  });
});
