/**
 * Directory scans: fixtures/logs/dirs (text fixtures) and trees generated in os.tmpdir() (event
 * files, a 50 MB checkpoint, symlink loops). A recording file system shows which files were
 * opened, so "never read the checkpoint" is checked without timing.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRuns, loadRuns } from '../../src/api.js';
import { classifyFileName } from '../../src/io/names.js';
import { isMlflowRunListing } from '../../src/sources/mlflow.js';
import { eventFileTimestamp } from '../../src/sources/tensorboard.js';
import { discoverLogFiles, readDirectory, readInputs, type ReadOptions } from '../../src/io/read-inputs.js';
import { naturalCompare, nodeFs, scanDirectory, type ScanFs } from '../../src/io/scan.js';
import { writeEventFile, type ScalarPoint } from '../helpers/tfevents-writer.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dirs = path.join(repoRoot, 'fixtures/logs/dirs');

/** node:fs, recording every path a file was opened, stat'ed or listed at. */
function recordingFs() {
  const opened: string[] = [];
  const touched: string[] = [];
  const fs: ScanFs = {
    readdir: (p) => nodeFs.readdir(p),
    stat: (p) => {
      touched.push(p);
      return nodeFs.stat(p);
    },
    realpath: (p) => nodeFs.realpath(p),
    readFile: (p) => {
      opened.push(p);
      return nodeFs.readFile(p);
    },
    readHead: (p, n) => {
      opened.push(`${p} [head]`);
      return nodeFs.readHead(p, n);
    },
  };
  return { fs, opened, touched };
}

function load(paths: string[], options: ReadOptions = {}) {
  const read = readInputs(paths, undefined, options);
  const loaded = loadRuns(read.inputs);
  return { read, loaded, names: loaded.runs.map((r) => r.name) };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const pts = (tag: string, steps: number[], f: (s: number) => number): ScalarPoint[] => steps.map((step) => ({ tag, step, value: f(step) }));

describe('file names', () => {
  it('classifies by name before anything is opened', () => {
    for (const n of ['model.ckpt', 'epoch=3-step=120.ckpt', 'model.safetensors', 'pytorch_model.bin', 'optimizer.pt', 'model.ckpt-100.data-00000-of-00001', 'model.ckpt-100.index', 'weights.h5', 'x.png', 'train.py', 'notes.md', 'hparams.yaml', 'requirements.txt', 'config.json', 'all_results.json', '.DS_Store', 'data.tfrecord', 'archive.tar.gz', 'blob.gz', 'run-abc.wandb']) {
      expect(classifyFileName(n), n).toBe('skip');
    }
    for (const n of ['events.out.tfevents.1700000000.host.1.0', 'events.out.tfevents.1628697775.DESKTOP.21044.31250.v2']) expect(classifyFileName(n), n).toBe('event');
    for (const n of ['metrics.csv', 'train.log', 'trainer_state.json', 'log.jsonl', 'loss.tsv', 'slurm-123.out', 'train.log.gz', 'run-.-tag-loss.csv', 'x.tfevents.csv']) {
      expect(classifyFileName(n), n).toBe('log');
    }
    for (const n of ['loss', 'results.rb', 'MLmodel', 'output']) expect(classifyFileName(n), n).toBe('sniff');
  });

  it('reads the start time in an event file name', () => {
    expect(eventFileTimestamp('events.out.tfevents.1740573174.Nicolass-MacBook-Pro.local.11602.1')).toBe(1740573174);
    expect(eventFileTimestamp('blob')).toBeUndefined();
  });

  it('recognises an MLflow run folder listing', () => {
    const e = (name: string, isDir = false) => ({ name, isDir });
    expect(isMlflowRunListing([e('meta.yaml'), e('metrics', true), e('params', true)])).toBe(true);
    expect(isMlflowRunListing([e('metrics', true)])).toBe(true);
    expect(isMlflowRunListing([e('metrics', true), e('train.py')])).toBe(false);
    expect(isMlflowRunListing([e('meta.yaml'), e('metrics.csv')])).toBe(false);
  });

  it('sorts naturally', () => {
    expect(['version_10', 'version_2', 'version_1'].sort(naturalCompare)).toEqual(['version_1', 'version_2', 'version_10']);
  });
});

describe('fixtures/logs/dirs', () => {
  it('lightning_logs: one run per version_N with its hparams.yaml, checkpoints never opened', () => {
    const rec = recordingFs();
    const { read, loaded, names } = load([path.join(dirs, 'lightning')], { fs: rec.fs });
    expect([read.errors, read.warnings, loaded.errors, loaded.warnings]).toEqual([[], [], [], []]);
    expect(names).toEqual(['lightning_logs/version_0', 'lightning_logs/version_1']);
    expect(loaded.runs.map((r) => r.format)).toEqual(['lightning-csv', 'lightning-csv']);
    expect(loaded.runs[1].sources).toEqual([path.join(dirs, 'lightning/lightning_logs/version_1/metrics.csv')]);
    expect(rec.opened.some((p) => /ckpt/.test(p))).toBe(false);
    expect(rec.touched.some((p) => /ckpt/.test(p))).toBe(false);
    expect(loaded.runs[0].hyperparameters).toEqual([
      ['lr', 0.001],
      ['batch_size', 32],
    ]);
    const verdicts = analyzeRuns(loaded.runs).runs.map((r) => r.verdict.id);
    expect(verdicts[1]).toBe('overfitting');
  });

  it('mlruns: each run of each experiment, from mlruns/, an experiment or a run folder; .trash and artifacts binaries skipped', () => {
    const rec = recordingFs();
    const root = path.join(dirs, 'mlruns/mlruns');
    const all = load([root], { fs: rec.fs });
    expect(all.loaded.errors).toEqual([]);
    expect(all.names).toEqual(['1/0a1b2c3d4e5f60718293a4b5c6d7e8f9 (brave-fox-1)', '1/f9e8d7c6b5a40312a1b2c3d4e5f60718 (calm-owl-2)']);
    expect(all.loaded.runs.map((r) => r.format)).toEqual(['mlflow', 'mlflow']);
    expect(all.loaded.runs[1].primary).toEqual({ train: 'train/loss', val: 'val/loss' });
    expect(all.loaded.runs[1].warnings.map((w) => w.code)).toEqual(['run-failed']);
    expect(rec.opened.some((p) => p.includes('.trash') || p.includes('model.pth'))).toBe(false);
    expect(all.loaded.runs.map((r) => r.hyperparameters?.map(([k]) => k))).toEqual([['lr'], ['lr']]);
    expect(analyzeRuns(all.loaded.runs).runs.map((r) => r.verdict.id)).toEqual(['still-learning', 'overfitting']);

    expect(load([path.join(root, '1')]).names).toEqual(['0a1b2c3d4e5f60718293a4b5c6d7e8f9 (brave-fox-1)', 'f9e8d7c6b5a40312a1b2c3d4e5f60718 (calm-owl-2)']);
    expect(load([path.join(root, '1/0a1b2c3d4e5f60718293a4b5c6d7e8f9')]).names).toEqual(['0a1b2c3d4e5f60718293a4b5c6d7e8f9 (brave-fox-1)']);
    expect(load([path.join(root, '0')]).read.errors.map((e) => e.code)).toEqual(['no-logs']);
  });

  it('dvclive: the plots/metrics TSVs are one run; summary files never opened', () => {
    const rec = recordingFs();
    const { loaded, names, read } = load([path.join(dirs, 'dvclive/project')], { fs: rec.fs });
    expect([read.warnings, loaded.warnings, loaded.errors]).toEqual([[], [], []]);
    expect(names).toEqual(['dvclive']);
    expect(loaded.runs[0].primary).toEqual({ train: 'train/loss', val: 'eval/loss' });
    expect(rec.opened.map((p) => path.relative(dirs, p)).sort()).toEqual([
      'dvclive/project/dvclive/plots/metrics/eval/loss.tsv',
      'dvclive/project/dvclive/plots/metrics/train/loss.tsv',
    ]);
    expect(load([path.join(dirs, 'dvclive/project/dvclive')]).names).toEqual(['dvclive']);
  });

  it('mixed: logs read, checkpoints/weights/docs/caches never opened, a data CSV skipped with a warning', () => {
    const rec = recordingFs();
    const { loaded, names, read } = load([path.join(dirs, 'mixed')], { fs: rec.fs });
    expect(read.errors).toEqual([]);
    expect(names).toEqual(['hf_output/trainer_state.json', 'train.log']);
    expect(loaded.warnings.map((w) => w.code)).toEqual(['no-curves']);
    const opened = rec.opened.map((p) => path.relative(path.join(dirs, 'mixed'), p));
    for (const never of ['model.ckpt', 'weights.safetensors', 'notes.md', 'requirements.txt', '.cache', 'optimizer.pt', 'config.json', 'all_results.json']) {
      expect(opened.some((p) => p.includes(never)), never).toBe(false);
    }
  });

  it('a folder with nothing recognised: "no training logs found" (error alone, warning next to other inputs)', () => {
    const alone = load([path.join(dirs, 'nothing')]);
    expect(alone.read.errors.map((e) => [e.code, e.message])).toEqual([['no-logs', `${path.join(dirs, 'nothing')}: no training logs found in this directory`]]);
    expect(alone.read.errors[0].hint).toBe('1 file(s) looked at, none recognised: notes.txt');
    const withOther = load([path.join(dirs, 'nothing'), path.join(dirs, 'mixed/train.log')]);
    expect(withOther.read.errors).toEqual([]);
    expect(withOther.read.warnings.map((w) => w.code)).toEqual(['no-logs']);
    expect(withOther.names).toEqual([path.join(dirs, 'mixed/train.log')]);
  });

  it('the whole fixture tree: runs named by their path below it', () => {
    const { names, read } = load([dirs]);
    expect(names).toEqual([
      'mlruns/mlruns/1/0a1b2c3d4e5f60718293a4b5c6d7e8f9 (brave-fox-1)',
      'mlruns/mlruns/1/f9e8d7c6b5a40312a1b2c3d4e5f60718 (calm-owl-2)',
      'dvclive/project/dvclive',
      'lightning/lightning_logs/version_0',
      'lightning/lightning_logs/version_1',
      'mixed/hf_output/trainer_state.json',
      'mixed/train.log',
    ]);
    expect(read.warnings.map((w) => w.message)).toEqual([`${dirs}: skipped 1 file(s) that are not training logs lossdoc recognises: nothing/notes.txt`]);
  });

  it('overlapping paths read each file once', () => {
    const { names } = load([path.join(dirs, 'lightning'), path.join(dirs, 'lightning/lightning_logs/version_0')]);
    expect(names).toEqual(['lightning_logs/version_0', 'lightning_logs/version_1']);
  });
});

describe('generated trees (tmpdir)', () => {
  let tmp = '';
  const BIG = 50 * 1024 * 1024;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'lossdoc-scan-'));
    const put = (rel: string, bytes: Uint8Array | string) => {
      const p = path.join(tmp, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, bytes);
    };
    const fall = (s: number) => Math.fround(2 / (1 + 0.1 * s));
    // A Keras TensorBoard callback run: logs/fit/<stamp>/{train,validation}/events…v2
    put('keras/logs/fit/20240101-120000/train/events.out.tfevents.1704110400.host.1.v2', writeEventFile(pts('epoch_loss', range(0, 19), fall), { encoding: 'tensor-content-float' }));
    put('keras/logs/fit/20240101-120000/validation/events.out.tfevents.1704110401.host.1.v2', writeEventFile(pts('epoch_loss', range(0, 19), (s) => Math.fround(fall(s) + 0.3)), { encoding: 'tensor-content-float' }));
    put('keras/logs/fit/20240101-120000/train/plugins/profile/2024/host.xplane.pb', 'not read');
    // A 50 MB checkpoint that must not be opened (unreadable too, where permissions apply).
    const ckpt = path.join(tmp, 'keras/model.ckpt');
    writeFileSync(ckpt, Buffer.alloc(BIG, 1));
    chmodSync(ckpt, 0o000);
    // A renamed event file and a big unknown binary (only its head may be read).
    put('renamed/run1/eventlog', writeEventFile(pts('loss', range(0, 9), fall)));
    put('renamed/run1/blob', Buffer.alloc(5 * 1024 * 1024, 7));
    // Restarts: two event files, the later start time sorting first as text.
    put('restarts/exp/events.out.tfevents.900.host.1.0', writeEventFile(pts('loss', range(0, 9), (s) => 10 - s)));
    put('restarts/exp/events.out.tfevents.1000.host.2.0', writeEventFile(pts('loss', range(5, 14), (s) => 100 + s)));
    // No-scalar event files next to a real run.
    put('tb/exp_empty/events.out.tfevents.1.host.0', writeEventFile([]));
    put('tb/version_122/events.out.tfevents.2.host.1', writeEventFile([{ tag: 'hp_metric', step: 0, value: -1 }]));
    put('tb/exp22/events.out.tfevents.3.host.0', writeEventFile(pts('train/box_loss', range(0, 29), fall)));
    put('tb_empty_only/exp_empty/events.out.tfevents.1.host.0', writeEventFile([]));
    // Depth, filters, hidden folders, node_modules, symlink loop, gzip.
    const log = (n: number) => range(1, n).map((s) => `step ${s}: loss = ${(2 / s).toFixed(4)}\n`).join('');
    put('deep/top.log', log(8));
    put('deep/a/one.log', log(8));
    put('deep/a/b/two.log', log(8));
    put('deep/a/b/run/train/events.out.tfevents.5.h', writeEventFile(pts('epoch_loss', range(0, 9), fall)));
    put('deep/a/b/run/validation/events.out.tfevents.5.h', writeEventFile(pts('epoch_loss', range(0, 9), fall)));
    put('deep/.hidden/secret.log', log(8));
    put('deep/node_modules/pkg/debug.log', log(8));
    put('deep/__pycache__/x.log', log(8));
    symlinkSync(path.join(tmp, 'deep'), path.join(tmp, 'deep/a/loop'));
    put('gz/train.log.gz', gzipSync(Buffer.from(log(8))));
    mkdirSync(path.join(tmp, 'empty'), { recursive: true });
  });

  afterAll(() => {
    if (tmp) {
      try {
        chmodSync(path.join(tmp, 'keras/model.ckpt'), 0o600);
      } catch {
        // already gone
      }
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('Keras train/ and validation/ event files are one run; the 50 MB checkpoint and profiler files are never opened', () => {
    const rec = recordingFs();
    const { loaded, names, read } = load([path.join(tmp, 'keras')], { fs: rec.fs });
    expect([read.errors, read.warnings, loaded.errors, loaded.warnings]).toEqual([[], [], [], []]);
    expect(names).toEqual(['logs/fit/20240101-120000']);
    const run = loaded.runs[0];
    expect(run.series.map((s) => [s.name, s.role])).toEqual([
      ['train/epoch_loss', 'train'],
      ['validation/epoch_loss', 'val'],
    ]);
    expect(run.primary).toEqual({ train: 'train/epoch_loss', val: 'validation/epoch_loss' });
    expect(run.sources.map((s) => path.relative(tmp, s))).toEqual([
      'keras/logs/fit/20240101-120000/train/events.out.tfevents.1704110400.host.1.v2',
      'keras/logs/fit/20240101-120000/validation/events.out.tfevents.1704110401.host.1.v2',
    ]);
    expect(rec.touched.concat(rec.opened).some((p) => p.includes('model.ckpt') || p.includes('xplane'))).toBe(false);
  });

  it('a renamed event file is read from its bytes; a big unknown binary only has its head read', () => {
    const rec = recordingFs();
    const { names, loaded } = load([path.join(tmp, 'renamed')], { fs: rec.fs });
    expect(names).toEqual(['run1']);
    expect(loaded.runs[0].format).toBe('tfevents');
    const blob = rec.opened.filter((p) => p.includes('blob'));
    expect(blob).toEqual([`${path.join(tmp, 'renamed/run1/blob')} [head]`]);
  });

  it('restarted event files are merged by their start time', () => {
    const { loaded } = load([path.join(tmp, 'restarts')]);
    expect(loaded.runs.map((r) => r.name)).toEqual(['exp']);
    const loss = loaded.runs[0].series.find((s) => s.name === 'loss')!;
    expect(Array.from(loss.x)).toEqual(range(0, 14));
    expect(Array.from(loss.y)).toEqual([10, 9, 8, 7, 6, ...range(5, 14).map((s) => 100 + s)]);
  });

  it('no-scalar event files: warnings next to a real run, an error when nothing else was found', () => {
    const withRun = load([path.join(tmp, 'tb')]);
    expect(withRun.names).toEqual(['exp22']);
    expect(withRun.loaded.errors).toEqual([]);
    expect(withRun.loaded.warnings.map((w) => w.message)).toEqual([
      `${path.join(tmp, 'tb/exp_empty')}: no scalar series: the event file holds no scalar summaries`,
      `${path.join(tmp, 'tb/version_122')}: no scalar series: the event file holds only hp_metric, which is not a training curve`,
    ]);
    const alone = load([path.join(tmp, 'tb_empty_only')]);
    expect(alone.names).toEqual([]);
    expect(alone.loaded.errors.map((e) => e.code)).toEqual(['no-scalars']);
  });

  it('skips hidden folders, node_modules and __pycache__, and follows a symlink loop only once', () => {
    const { names } = load([path.join(tmp, 'deep')]);
    expect(names).toEqual(['a/b/run', 'a/b/two.log', 'a/one.log', 'top.log']);
  });

  it('--max-depth: levels below the directory; a run folder at the limit keeps its train/validation folders', () => {
    const at = (maxDepth: number) => load([path.join(tmp, 'deep')], { maxDepth }).names;
    expect(at(0)).toEqual(['top.log']);
    expect(at(1)).toEqual(['a/one.log', 'top.log']);
    expect(at(2)).toEqual(['a/b/two.log', 'a/one.log', 'top.log']);
    expect(at(3)).toEqual(['a/b/run', 'a/b/two.log', 'a/one.log', 'top.log']);
  });

  it('--include / --exclude globs', () => {
    const with_ = (o: ReadOptions) => load([path.join(tmp, 'deep')], o).names;
    expect(with_({ include: ['*.log'] })).toEqual(['a/b/two.log', 'a/one.log', 'top.log']);
    expect(with_({ include: ['a/b/**'] })).toEqual(['a/b/run', 'a/b/two.log']);
    expect(with_({ exclude: ['b'] })).toEqual(['a/one.log', 'top.log']);
    expect(with_({ exclude: ['**/validation/**', 'top.log'] })).toEqual(['a/b/run', 'a/b/two.log', 'a/one.log']);
    const onlyTrain = load([path.join(tmp, 'deep')], { exclude: ['validation'], include: ['a/b/run'] }).loaded.runs[0];
    expect(onlyTrain.series.map((s) => s.name)).toEqual(['train/epoch_loss']);
    const none = load([path.join(tmp, 'deep')], { include: ['*.nothing'] });
    expect(none.read.errors.map((e) => e.code)).toEqual(['no-logs']);
  });

  it('gzip logs in a directory are read and lose their .gz', () => {
    const { loaded } = load([path.join(tmp, 'gz')]);
    expect(loaded.runs.map((r) => [r.name, r.sources[0]])).toEqual([['train.log', path.join(tmp, 'gz/train.log')]]);
  });

  it('an empty directory: error alone, warning next to a file; missing paths are errors', () => {
    expect(load([path.join(tmp, 'empty')]).read.errors.map((e) => e.code)).toEqual(['no-logs']);
    const mixed = load([path.join(tmp, 'empty'), path.join(tmp, 'deep/top.log')]);
    expect([mixed.read.errors, mixed.read.warnings.map((w) => w.code), mixed.names]).toEqual([[], ['no-logs'], [path.join(tmp, 'deep/top.log')]]);
    expect(load([path.join(tmp, 'nope')]).read.errors.map((e) => e.message)).toEqual([`${path.join(tmp, 'nope')}: no such file`]);
  });

  it('discoverLogFiles lists what a scan reads (for watch), readDirectory tags inputs with their root', () => {
    expect(discoverLogFiles(path.join(tmp, 'deep')).map((p) => path.relative(path.join(tmp, 'deep'), p))).toEqual([
      'a/b/run/train/events.out.tfevents.5.h',
      'a/b/run/validation/events.out.tfevents.5.h',
      'a/b/two.log',
      'a/one.log',
      'top.log',
    ]);
    expect(discoverLogFiles(path.join(tmp, 'deep'), 0)).toEqual([path.join(tmp, 'deep/top.log')]);
    const read = readDirectory(path.join(tmp, 'deep'), { maxDepth: 0 });
    expect(read.inputs.map((i) => i.scan)).toEqual([{ root: path.join(tmp, 'deep'), rel: 'top.log', rootName: 'deep', format: 'text-log' }]);
  });

  it('scanDirectory reports an unreadable sub-folder and goes on', () => {
    const failing: ScanFs = {
      ...nodeFs,
      readdir: (p) => {
        if (p.endsWith(`${path.sep}b`)) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return nodeFs.readdir(p);
      },
    };
    const scan = scanDirectory(path.join(tmp, 'deep'), {}, failing);
    expect(scan.files.map((f) => f.rel)).toEqual(['a/one.log', 'top.log']);
    expect(scan.warnings.map((w) => w.message)).toEqual([`${path.join(tmp, 'deep/a/b')}: folder cannot be read (EACCES); skipped`]);
  });

  it('stdin is read as before', () => {
    const read = readInputs(['-'], () => new TextEncoder().encode('step 1: loss = 1\n'));
    expect(read.inputs.map((i) => i.name)).toEqual(['-']);
  });
});
