/**
 * Grouping inputs into runs (src/sources through loadRuns), without the disk: inputs
 * are built in memory with the paths a directory scan would give them.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRuns, loadRuns, type LogInput } from '../../src/api.js';
import type { Run } from '../../src/core/types.js';
import { looksLikeMlflowMetric } from '../../src/sources/mlflow.js';
import { planRuns } from '../../src/sources/plan.js';
import { tbExportRun } from '../../src/sources/tb-export.js';
import { firstWallTime, mergeEventFiles } from '../../src/sources/tensorboard.js';
import { detectFormat } from '../../src/parsers/index.js';
import { fileVersionEvent, graphEvent, writeEventFile, writeRecords, type ScalarPoint } from '../helpers/tfevents-writer.js';

const enc = new TextEncoder();

/** A file found by scanning `root`. */
function found(root: string, rel: string, bytes: Uint8Array | string): LogInput {
  return { name: `${root}/${rel}`, bytes: typeof bytes === 'string' ? enc.encode(bytes) : bytes, scan: { root, rel } };
}

/** A file given directly. */
function given(name: string, bytes: Uint8Array | string): LogInput {
  return { name, bytes: typeof bytes === 'string' ? enc.encode(bytes) : bytes };
}

function points(tag: string, steps: number[], value: (step: number) => number): ScalarPoint[] {
  return steps.map((step) => ({ tag, step, value: value(step) }));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A falling loss, float32-exact values. */
const falling = (s: number) => Math.fround(2 / (1 + 0.1 * s));

function series(run: Run, name: string) {
  const s = run.series.find((x) => x.name === name);
  if (!s) throw new Error(`no series ${name} in ${run.series.map((x) => x.name).join(', ')}`);
  return s;
}

const mlflowLines = (values: number[], start = 0) => values.map((v, i) => `${1700000000000 + i * 1000} ${v} ${start + i}\n`).join('');

describe('TensorBoard event files', () => {
  const keras = () => [
    found('logs', 'fit/20240101-120000/train/events.out.tfevents.1704110400.host.1.v2', writeEventFile(points('epoch_loss', range(0, 19), falling), { encoding: 'tensor-content-float' })),
    found('logs', 'fit/20240101-120000/validation/events.out.tfevents.1704110401.host.1.v2', writeEventFile(points('epoch_loss', range(0, 19), (s) => Math.fround(falling(s) + 0.2)), { encoding: 'tensor-content-float' })),
  ];

  it('a Keras run folder with train/ and validation/ is one run with distinct, role-tagged series', () => {
    const { runs, errors, warnings } = loadRuns(keras());
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(runs.map((r) => r.name)).toEqual(['fit/20240101-120000']);
    const run = runs[0];
    expect(run.format).toBe('tfevents');
    expect(run.sources).toEqual(keras().map((i) => i.name));
    expect(series(run, 'train/epoch_loss').role).toBe('train');
    expect(series(run, 'validation/epoch_loss').role).toBe('val');
    expect(run.primary).toEqual({ train: 'train/epoch_loss', val: 'validation/epoch_loss' });
    expect(Array.from(series(run, 'validation/epoch_loss').y.slice(0, 2))).toEqual([Math.fround(2.2), Math.fround(falling(1) + 0.2)]);
  });

  it('the same files given directly are one run named by their folder', () => {
    const inputs = keras().map(({ name, bytes }) => given(name, bytes));
    const { runs } = loadRuns(inputs);
    expect(runs.map((r) => r.name)).toEqual(['logs/fit/20240101-120000']);
    expect(runs[0].primary).toEqual({ train: 'train/epoch_loss', val: 'validation/epoch_loss' });
  });

  it('the run folder itself as the scanned directory is named after it', () => {
    const inputs = keras().map((i) => {
      const rel = i.scan!.rel.replace('fit/20240101-120000/', '');
      return { ...i, scan: { root: 'logs/fit/20240101-120000', rel, rootName: '20240101-120000' } };
    });
    expect(loadRuns(inputs).runs.map((r) => r.name)).toEqual(['20240101-120000']);
  });

  it('several event files of one folder are merged in start-time order; a later file wins from where it starts again', () => {
    // 900 < 1000 although "1000" sorts first as text; given in the wrong order on purpose.
    const later = found('runs', 'exp/events.out.tfevents.1000.host.2.0', writeEventFile(points('loss', range(5, 14), (s) => 100 + s)));
    const earlier = found('runs', 'exp/events.out.tfevents.900.host.1.0', writeEventFile(points('loss', range(0, 9), (s) => 10 - s)));
    const { runs, errors } = loadRuns([later, earlier]);
    expect(errors).toEqual([]);
    expect(runs).toHaveLength(1);
    const loss = series(runs[0], 'loss');
    expect(Array.from(loss.x)).toEqual(range(0, 14));
    expect(Array.from(loss.y)).toEqual([10, 9, 8, 7, 6, ...range(5, 14).map((s) => 100 + s)]);
    expect(runs[0].sources).toEqual([later.name, earlier.name]);
    const restart = runs[0].warnings.find((w) => w.code === 'restart');
    expect(restart?.message).toMatch(/events\.out\.tfevents\.1000\.host\.2\.0: starts again at step 5 where an earlier event file reached step 9/);
  });

  it('files with disjoint steps are simply joined; tags of only one file are kept whole', () => {
    const a = found('r', 'events.out.tfevents.1.h', writeEventFile([...points('loss', range(0, 4), falling), ...points('lr', range(0, 4), () => 0.5)]));
    const b = found('r', 'events.out.tfevents.2.h', writeEventFile(points('loss', range(5, 9), falling)));
    const run = loadRuns([a, b]).runs[0];
    expect(Array.from(series(run, 'loss').x)).toEqual(range(0, 9));
    expect(Array.from(series(run, 'lr').x)).toEqual(range(0, 4));
    expect(run.warnings).toEqual([]);
  });

  it('an event file without the usual name is recognised from its bytes', () => {
    const bytes = writeEventFile(points('loss', range(0, 9), falling));
    expect(detectFormat({ name: 'uploads/metrics.txt', bytes })?.format).toBe('tfevents');
    expect(detectFormat({ name: 'blob', bytes })?.format).toBe('tfevents');
    const { runs } = loadRuns([found('d', 'run1/blob', bytes)]);
    expect(runs.map((r) => [r.name, r.format])).toEqual([['run1', 'tfevents']]);
  });

  it('an event file with no scalars gives "no scalar series": an error alone, a warning next to other runs', () => {
    const empty = writeRecords([fileVersionEvent(), graphEvent(64)]);
    const alone = loadRuns([found('tb', 'exp_empty/events.out.tfevents.1.h.0', empty)]);
    expect(alone.runs).toEqual([]);
    expect(alone.errors.map((e) => [e.code, e.message])).toEqual([
      ['no-scalars', 'tb/exp_empty: no scalar series: the event file holds no scalar summaries'],
    ]);
    const withOthers = loadRuns([
      found('tb', 'exp_empty/events.out.tfevents.1.h.0', empty),
      found('tb', 'exp22/events.out.tfevents.2.h.0', writeEventFile(points('train/box_loss', range(0, 9), falling))),
    ]);
    expect(withOthers.errors).toEqual([]);
    expect(withOthers.runs.map((r) => r.name)).toEqual(['exp22']);
    expect(withOthers.warnings.map((e) => e.code)).toEqual(['no-scalars']);
  });

  it('hp_metric (and epoch) alone is not a training curve', () => {
    const hp = writeEventFile([{ tag: 'hp_metric', step: 0, value: -1 }]);
    const r = loadRuns([found('lightning_logs', 'version_122/events.out.tfevents.1.h.1', hp)]);
    expect(r.runs).toEqual([]);
    expect(r.errors[0].message).toBe('lightning_logs/version_122: no scalar series: the event file holds only hp_metric, which is not a training curve');
    const hpEpoch = writeEventFile([...points('epoch', [0, 1], (s) => s), { tag: 'hp_metric', step: 0, value: -1 }]);
    expect(loadRuns([given('v/events.out.tfevents.1.h', hpEpoch)]).errors[0].message).toMatch(/^v\/events\.out\.tfevents\.1\.h: no scalar series: the event file holds only epoch and hp_metric/);
    // Next to a loss, hp_metric is just another series.
    const full = writeEventFile([...points('train_loss', range(0, 9), falling), { tag: 'hp_metric', step: 0, value: -1 }]);
    expect(loadRuns([given('v/events.out.tfevents.1.h', full)]).runs).toHaveLength(1);
  });

  it('an empty event file of an aborted launch next to the real one is ignored', () => {
    const { runs, warnings, errors } = loadRuns([
      found('l', 'version_0/events.out.tfevents.1.h.0', writeRecords([fileVersionEvent()])),
      found('l', 'version_0/events.out.tfevents.2.h.0', writeEventFile(points('train_loss', range(0, 9), falling))),
      found('l', 'version_0/events.out.tfevents.3.h.0', new Uint8Array(0)),
    ]);
    expect([errors, warnings]).toEqual([[], []]);
    expect(runs.map((r) => [r.name, r.sources.length])).toEqual([['version_0', 3]]);
  });

  it('mergeEventFiles keeps sub-folder prefixes and roles', () => {
    const merged = mergeEventFiles([
      { name: 'x/validation/events.out.tfevents.2.h', bytes: writeEventFile(points('epoch_loss', [0, 1], () => 1)), sub: 'validation' },
      { name: 'x/train/events.out.tfevents.1.h', bytes: writeEventFile(points('train/epoch_loss', [0, 1], () => 2)), sub: 'train' },
    ]);
    expect(merged.metrics.map((m) => [m.name, m.roleHint])).toEqual([
      ['train/epoch_loss', 'train'],
      ['validation/epoch_loss', 'val'],
    ]);
    expect(merged.withScalars).toBe(2);
  });

  it('firstWallTime reads the first record', () => {
    expect(firstWallTime(writeRecords([fileVersionEvent(1_650_000_000.5)]))).toBe(1_650_000_000.5);
    expect(firstWallTime(enc.encode('epoch,loss\n1,2\n'))).toBeUndefined();
  });
});

describe('MLflow run folders', () => {
  const meta = (name?: string, status = 3) => `run_id: abc\n${name ? `run_name: ${name}\n` : ''}status: ${status}\n`;

  it('each run folder of an experiment is one run, named by its path and run name', () => {
    const inputs = [
      found('mlruns', '1/aaa/meta.yaml', meta('meta-name')),
      found('mlruns', '1/aaa/metrics/loss', mlflowLines([3, 2, 1.5, 1.2, 1.1, 1.05])),
      found('mlruns', '1/aaa/metrics/train/acc', mlflowLines([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])),
      found('mlruns', '1/aaa/tags/mlflow.runName', 'brave-fox-1'),
      found('mlruns', '1/bbb/meta.yaml', meta(undefined, 4)),
      found('mlruns', '1/bbb/metrics/loss', mlflowLines([3, 2.5, 2.2, 2.1, 2.05, 2.0])),
      found('mlruns', '1/bbb/artifacts/training.log', 'step 1: loss = 1.0\nstep 2: loss = 0.9\nstep 3: loss = 0.8\n'),
    ];
    const { runs, errors } = loadRuns(inputs);
    expect(errors).toEqual([]);
    expect(runs.map((r) => [r.name, r.format])).toEqual([
      ['1/aaa (brave-fox-1)', 'mlflow'],
      ['1/bbb', 'mlflow'],
      ['1/bbb/artifacts/training.log', 'text-log'],
    ]);
    expect(runs[0].sources).toEqual(inputs.slice(0, 4).map((i) => i.name));
    expect(runs[0].series.map((s) => s.name).sort()).toEqual(['loss', 'train/acc']);
    expect(runs[1].warnings.map((w) => w.code)).toEqual(['run-failed']);
  });

  it('a run folder without meta.yaml is recognised from its metric lines', () => {
    expect(looksLikeMlflowMetric(enc.encode('1700000000000 0.5 0\n'))).toBe(true);
    expect(looksLikeMlflowMetric(enc.encode('1700000000000 nan\n'))).toBe(true);
    expect(looksLikeMlflowMetric(enc.encode('epoch,loss\n'))).toBe(false);
    expect(looksLikeMlflowMetric(enc.encode('timestamp\tstep\tloss\n1\t2\t3\n'))).toBe(false);
    const { runs } = loadRuns([
      found('m', 'run_5b86/metrics/train_loss', mlflowLines([0.59, 0.55, 0.51])),
      found('m', 'run_5b86/metrics/test_loss', mlflowLines([0.55, 0.53, 0.51])),
    ]);
    expect(runs.map((r) => [r.name, r.format, r.primary])).toEqual([['run_5b86', 'mlflow', { train: 'train_loss', test: 'test_loss' }]]);
  });

  it('a metric file given directly is read as its MLflow run', () => {
    const { runs, errors } = loadRuns([given('/tmp/mlruns/1/abc/metrics/loss', mlflowLines([3, 2, 1]))]);
    expect(errors).toEqual([]);
    expect(runs.map((r) => [r.name, r.format])).toEqual([['/tmp/mlruns/1/abc/metrics/loss', 'mlflow']]);
  });

  it('a metrics/ folder of CSV files is not an MLflow run', () => {
    const { runs } = loadRuns([found('p', 'results/metrics/train.csv', 'epoch,loss\n0,1\n1,0.8\n2,0.7\n')]);
    expect(runs.map((r) => [r.name, r.format])).toEqual([['results/metrics/train.csv', 'keras-csv']]);
  });
});

describe('DVCLive, TensorBoard exports, Lightning, Hugging Face', () => {
  const tsv = (name: string, values: number[]) => `timestamp\tstep\t${name}\n${values.map((v, i) => `${1700000000000 + i}\t${i}\t${v}\n`).join('')}`;

  it('the TSVs under one plots/metrics/ are one run named by the DVCLive folder', () => {
    const { runs, warnings } = loadRuns([
      found('proj', 'dvclive/plots/metrics/train/loss.tsv', tsv('loss', [1, 0.8, 0.6, 0.5, 0.45])),
      found('proj', 'dvclive/plots/metrics/eval/loss.tsv', tsv('loss', [1.1, 0.9, 0.7, 0.6, 0.55])),
    ]);
    expect(warnings).toEqual([]);
    expect(runs.map((r) => [r.name, r.format, r.primary])).toEqual([['dvclive', 'dvclive', { train: 'train/loss', val: 'eval/loss' }]]);
  });

  it('loose DVCLive TSVs of one folder are one run', () => {
    const { runs } = loadRuns([
      found('c', 'ogt/eval_loss.tsv', 'step\teval_loss\n0\t1.2\n0\t1.2\n1\t0.9\n1\t0.9\n'),
      found('c', 'ogt/loss.tsv', 'step\tloss\n0\t0.98\n1\t0.8\n'),
    ]);
    expect(runs.map((r) => [r.name, r.series.map((s) => s.name).sort()])).toEqual([['ogt', ['eval_loss', 'loss']]]);
  });

  it('TensorBoard exports: one run per exported run; Keras train/validation exports of one run get split prefixes', () => {
    const csv = (rows: number[]) => `Wall time,Step,Value\r\n${rows.map((v, i) => `1700000000.5,${i},${v}\r\n`).join('')}`;
    expect(tbExportRun('a/run-20240101-120000_train-tag-epoch_loss.csv')).toEqual({ run: 'run-20240101-120000', split: 'train' });
    expect(tbExportRun('repo__run-.-tag-loss.csv')).toEqual({ run: 'repo__run-.', split: '' });
    const { runs } = loadRuns([
      found('e', 'run-20240101-120000_train-tag-epoch_loss.csv', csv([1, 0.8, 0.6, 0.5, 0.4])),
      found('e', 'run-20240101-120000_validation-tag-epoch_loss.csv', csv([1.1, 0.9, 0.8, 0.75, 0.7])),
      found('e', 'other__run-.-tag-loss.csv', csv([3, 2, 1, 0.5, 0.4])),
    ]);
    expect(runs.map((r) => [r.name, r.primary])).toEqual([
      ['run-20240101-120000', { train: 'train/epoch_loss', val: 'validation/epoch_loss' }],
      ['other__run-.-tag-loss.csv', { train: 'loss' }],
    ]);
    // All exports in a folder of one run: the folder is the run (as before).
    const one = loadRuns([
      found('e', 'x/run-.-tag-loss.csv', csv([1, 0.8, 0.6, 0.5, 0.4])),
      found('e', 'x/run-.-tag-val_loss.csv', csv([1.1, 0.9, 0.8, 0.75, 0.7])),
    ]);
    expect(one.runs.map((r) => [r.name, r.primary])).toEqual([['x', { train: 'loss', val: 'val_loss' }]]);
  });

  it('a Lightning CSVLogger run is named by its version folder', () => {
    const csv = 'epoch,step,train_loss,val_loss\n0,9,1.0,\n0,9,,1.1\n1,19,0.8,\n1,19,,0.9\n';
    const { runs } = loadRuns([found('ll', 'lightning_logs/version_0/metrics.csv', csv), found('ll', 'lightning_logs/version_10/metrics.csv', csv)]);
    expect(runs.map((r) => r.name)).toEqual(['lightning_logs/version_0', 'lightning_logs/version_10']);
  });

  it('Hugging Face checkpoint copies of trainer_state.json are not separate runs', () => {
    const state = (n: number) => JSON.stringify({ global_step: n, log_history: range(1, n).map((s) => ({ step: s, loss: falling(s), epoch: s / 10 })) });
    const withFinal = loadRuns([
      found('o', 'checkpoint-5/trainer_state.json', state(5)),
      found('o', 'checkpoint-10/trainer_state.json', state(10)),
      found('o', 'trainer_state.json', state(12)),
    ]);
    expect(withFinal.runs.map((r) => r.name)).toEqual(['trainer_state.json']);
    const onlyCheckpoints = loadRuns([found('o', 'checkpoint-5/trainer_state.json', state(5)), found('o', 'checkpoint-10/trainer_state.json', state(10))]);
    expect(onlyCheckpoints.runs.map((r) => r.name)).toEqual(['checkpoint-10/trainer_state.json']);
  });
});

describe('names, problems and the library API', () => {
  const log = 'step 1: loss = 1.0\nstep 2: loss = 0.9\nstep 3: loss = 0.8\nstep 4: loss = 0.7\nstep 5: loss = 0.65\n';

  it('runs of two scanned directories with the same relative name fall back to their paths', () => {
    const { runs } = loadRuns([found('a', 'version_0/train.log', log), found('b', 'version_0/train.log', log), found('b', 'other.log', log)]);
    expect(runs.map((r) => r.name)).toEqual(['a/version_0/train.log', 'b/version_0/train.log', 'other.log']);
  });

  it('in a scanned directory, a file that is not a log is a warning; given directly, an error', () => {
    const junk = 'just some words\nwithout numbers\n';
    const scanned = loadRuns([found('d', 'train.log', log), found('d', 'notes.txt', junk)]);
    expect(scanned.errors).toEqual([]);
    expect(scanned.warnings.map((w) => [w.code, w.message])).toEqual([['unknown-format', 'd/notes.txt: not a training log lossdoc recognises']]);
    const direct = loadRuns([given('train.log', log), given('notes.txt', junk)]);
    expect(direct.errors.map((e) => e.code)).toEqual(['unknown-format']);
  });

  it('a data file found by scanning is skipped, not reported as a run', () => {
    const { runs, warnings } = loadRuns([found('d', 'train.log', log), found('d', 'data/points.csv', 'id,label,score\n1,0,3\n2,1,4\n3,0,5\n')]);
    expect(runs.map((r) => r.name)).toEqual(['train.log']);
    expect(warnings.map((w) => w.message)).toEqual(['d/data/points.csv: no loss series (only id, label, score); skipped as not a training log']);
    // With a role override the user named the curve: it is read.
    expect(loadRuns([found('d', 'data/points.csv', 'id,label,score\n1,0,3\n2,1,4\n')], { train: ['score'] }).runs).toHaveLength(1);
  });

  it('a scanned directory without any log is "no training logs found": soft when other inputs gave runs', () => {
    const alone = loadRuns([found('empty', 'notes.txt', 'hello\n')]);
    expect(alone.errors.map((e) => [e.code, e.message])).toEqual([['no-logs', 'empty: no training logs found in this directory']]);
    expect(alone.errors[0].hint).toMatch(/empty\/notes\.txt: not a training log/);
    const mixed = loadRuns([found('empty', 'notes.txt', 'hello\n'), given('train.log', log)]);
    expect(mixed.errors).toEqual([]);
    expect(mixed.warnings.map((w) => w.code)).toEqual(['no-logs']);
  });

  it('planRuns reports roots and keeps scan roots on planned runs', () => {
    const plan = planRuns([found('d', 'train.log', log), given('x.log', log)]);
    expect(plan.roots).toEqual(['d']);
    expect(plan.runs.map((r) => [r.name, r.root, r.path])).toEqual([
      ['x.log', undefined, 'x.log'],
      ['train.log', 'd', 'd/train.log'],
    ]);
  });

  it('analyzeRuns gives a verdict per grouped run', () => {
    const { runs } = loadRuns([
      found('tb', 'a/train/events.out.tfevents.1.h', writeEventFile(points('epoch_loss', range(0, 29), falling))),
      found('tb', 'a/validation/events.out.tfevents.1.h', writeEventFile(points('epoch_loss', range(0, 29), (s) => Math.fround(0.5 + 0.02 * (s - 10) ** 2 / 10)))),
    ]);
    const report = analyzeRuns(runs);
    expect(report.runs.map((r) => r.name)).toEqual(['a']);
    expect(report.runs[0].verdict.id).toBe('overfitting');
  });
});
