/**
 * Real W&B run folders from public repositories (../shared/corpus/wandb_offline, see SOURCES.md):
 * every folder is read with the history row count SOURCES.md lists, as one run, through the
 * directory path and through its `.wandb` file. Not shipped with the project: skipped with a note
 * when the folder is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { walkLooseJson } from '../../src/parsers/wandb/loose-json.js';
import { parseWandbFolder } from '../../src/parsers/wandb/index.js';
import { CORPUS, corpusPresent } from '../helpers/corpus.js';
import { readRunFolder } from '../helpers/run-folder.js';

const folder = path.join(CORPUS, 'wandb_offline');
const have = corpusPresent(folder);
const describeCorpus = have ? describe : describe.skip;

interface Expected {
  rows: number;
  /** Warning codes of the run, in order. */
  warnings?: string[];
  /** Warnings the run gets when it is built from the series (repeated steps folded). */
  runWarnings?: string[];
  /** Display name and id, when the run record has a display name. */
  label?: string;
  /** A non-finite value the named series holds. */
  nonFinite?: [string, 'NaN' | 'Infinity'];
}

/** History row counts from SOURCES.md. */
const FOLDERS: Record<string, Expected> = {
  'CDaut__pytorch-ai__run-20200127_142807-st277t0v': { rows: 4000 },
  'Benoxi__pytorch-dl-notebook__run-20200228_173521-6lp07cge': { rows: 1350 },
  'sowmyamanojna__CS6910-Deep-Learning-Assignment-1__run-20210318_053209-a4lr34si': {
    rows: 6601,
    label: 'epochs_10_layersize_128_opt_Nadam_batch_128_init_XavierUniform (a4lr34si)',
  },
  'Msameim181__RSNA-Bone-Age__offline-run-20220623_193422-cyywd1bn': { rows: 8922, label: '20220623_193422_MobileNetV3_Pre_MSE_G-32_Transfer (cyywd1bn)' },
  // Validation/accuracy is logged on every row with the Validation/step of its last evaluation: 850 repeats folded.
  'ARM-software__keyword-transformer__run-20220429_201936-3ojed7lz': { rows: 862, warnings: ['incomplete'], runWarnings: ['repeated-x'], label: 'First try (3ojed7lz)' },
  'IfuChan__498__run-20220731_165717-33ge8zpm': { rows: 480 },
  'IfuChan__498__run-20220809_180238-1xc7ckfr': { rows: 120 },
  'LakshaySapra__GraphicalModelsAssetMgmt__run-20221207_015201-20qhsg6i': { rows: 20 },
  'Andreus00__WSDS__run-20230622_143317-wwifhl9v': { rows: 1943, nonFinite: ['train_loss_batch', 'NaN'] },
  'Andreus00__WSDS__run-20230621_205321-lvdv169l': { rows: 138, warnings: ['incomplete'] },
  'Bokai-Ji__ConceptPPO__run-20230723_121755-61qqbz3a': { rows: 763, label: 'starpilot_test_2509_1690085872 (61qqbz3a)' },
  'ChelseyLia__synth-icl__run-20240606_140657-mbrj82fy': { rows: 4 },
  'minhphd__RLforDummy__run-20240113_210218-t9spegc9': { rows: 1558, warnings: ['run-failed'], label: '20240113-210216 (t9spegc9)' },
  'dakotacsk__wandb_testing__run-20240604_002738-vo9feo4c': { rows: 100 },
  '3rdAT__ThinkTuning_v1__run-20241014_021059-7boci60w': { rows: 51 },
  '120L010916__epilepsy__run-20250531_222537-gpxs9gbv': { rows: 3, warnings: ['incomplete'], label: 'CrossPatientValidation (gpxs9gbv)' },
  '120L010916__epilepsy__run-20250531_221309-3r9xyok3': { rows: 200, label: 'features (3r9xyok3)' },
  'MK-Sindhu__dl_assignment_ed24s401__run-20250316_121850-m8wufao4': { rows: 41, label: 'hl_4_bs_32_ac_relu (m8wufao4)' },
  'MK-Sindhu__dl_assignment_ed24s401__run-20250310_142138-6sr1oy55': { rows: 6, label: 'hl_5_bs_16_ac_relu (6sr1oy55)', nonFinite: ['training_loss', 'NaN'] },
  'MK-Sindhu__dl_assignment_ed24s401__run-20250310_144115-kd3g5fta': { rows: 6, label: 'hl_4_bs_16_ac_relu (kd3g5fta)', nonFinite: ['training_loss', 'Infinity'] },
  '1BIMU__UASFT__offline-run-20251020_115257-q9hbmo40': { rows: 1372, warnings: ['run-failed'] },
  '1BIMU__UASFT__offline-run-20251020_114913-v9z6xp4p': { rows: 354, warnings: ['incomplete'] },
  'AIBootcamp16__mlops-cloud-project-mlops-6__run-20251001_113846-iim876m0': { rows: 2 },
  'Aafi04__HP-CoE-Agile-Challenge__run-20260324_042931-nl69fitz': { rows: 10, label: 'efficientnet-b4-baseline-v2 (nl69fitz)' },
  'AKilalours__opendrivefm__offline-run-20260327_220955-r3tu98ci': { rows: 2, label: 'results-summary (r3tu98ci)' },
};

/** The files of a run folder, as parseWandbFolder takes them. */
function folderFiles(dir: string) {
  return readRunFolder(path.join(folder, dir)).map(({ relPath, bytes }) => ({
    rel: relPath,
    input: { name: path.join(folder, dir, relPath), bytes },
  }));
}

function load(p: string) {
  const read = readInputs([p]);
  const loaded = loadRuns(read.inputs);
  return { read, loaded, errors: [...read.errors, ...loaded.errors] };
}

/** Numeric leaves of a run's wandb-summary.json (NaN/Infinity tokens kept). */
function summaryOf(dir: string): Map<string, number> | undefined {
  const file = ['files/wandb-summary.json', 'wandb-summary.json'].map((f) => path.join(folder, dir, f)).find(existsSync);
  if (!file) return undefined;
  const out = new Map<string, number>();
  walkLooseJson(readFileSync(file, 'utf8'), (p, v) => {
    if (typeof v === 'number') out.set(p, v);
  });
  return out;
}

describeCorpus('W&B run folders of the corpus', () => {
  it('the table covers every folder', () => {
    expect(readdirSync(folder).sort()).toEqual(Object.keys(FOLDERS).sort());
  });

  for (const [dir, expected] of Object.entries(FOLDERS)) {
    it(`${dir}: ${expected.rows} history rows${expected.warnings ? `, warns ${expected.warnings.join(', ')}` : ''}`, () => {
      const run = parseWandbFolder(folderFiles(dir), dir);
      expect(run.rows).toBe(expected.rows);
      expect(run.raw.warnings.map((w) => w.code)).toEqual(expected.warnings ?? []);
      expect(run.label).toBe(expected.label);
      expect(run.complete).toBe(!expected.warnings?.includes('incomplete'));
      // No internal or step key becomes a series; every series has a finite x at each point.
      for (const m of run.raw.metrics) {
        expect(m.name.startsWith('_'), m.name).toBe(false);
        expect(m.step!.every(Number.isFinite), m.name).toBe(true);
      }
      // The last value of each metric is the one wandb-summary.json holds (complete runs).
      const summary = summaryOf(dir);
      if (summary && run.complete) {
        let compared = 0;
        for (const m of run.raw.metrics) {
          if (!summary.has(m.name)) continue;
          expect(m.value[m.value.length - 1], `${m.name} last value vs summary`).toBe(summary.get(m.name));
          compared++;
        }
        expect(compared).toBeGreaterThan(0);
      }
      if (expected.nonFinite) {
        const [name, token] = expected.nonFinite;
        const m = run.raw.metrics.find((x) => x.name === name)!;
        expect(Array.from(m.value).every((v) => String(v) === token)).toBe(true);
      }
    });
  }

  it('through the directory path, each folder is one W&B run named by display name and id, else its folder', () => {
    for (const [dir, expected] of Object.entries(FOLDERS)) {
      const r = load(path.join(folder, dir));
      if (dir.startsWith('AIBootcamp16')) {
        // An evaluation-only run: no loss or metric curve.
        expect(r.loaded.runs, dir).toEqual([]);
        expect(r.errors.map((e) => e.code), dir).toEqual(['no-logs']);
        continue;
      }
      expect(r.errors, dir).toEqual([]);
      expect(r.loaded.runs.map((x) => [x.name, x.format]), dir).toEqual([[expected.label ?? dir, 'wandb']]);
      expect(r.loaded.runs[0].warnings.map((w) => w.code), dir).toEqual([...(expected.warnings ?? []), ...(expected.runWarnings ?? [])]);
    }
  });

  it('a .wandb file given alone is the same run (without the summary check)', () => {
    for (const [dir, expected] of Object.entries(FOLDERS)) {
      const log = readdirSync(path.join(folder, dir)).find((f) => f.endsWith('.wandb'));
      if (!log || dir.startsWith('AIBootcamp16')) continue;
      const whole = load(path.join(folder, dir)).loaded.runs[0];
      const alone = load(path.join(folder, dir, log));
      expect(alone.errors, dir).toEqual([]);
      expect(alone.loaded.runs.map((x) => x.name), dir).toEqual([expected.label ?? path.join(folder, dir, log)]);
      expect(alone.loaded.runs[0].series.map((s) => `${s.name}:${s.x.length}`), dir).toEqual(whole.series.map((s) => `${s.name}:${s.x.length}`));
    }
  });

  it('NaN and Infinity runs report non-finite values; killed runs still get a verdict', () => {
    const { loaded } = load(folder);
    const report = (name: string) => loaded.runs.find((r) => r.name === name || r.name.endsWith(name))!;
    for (const name of ['hl_5_bs_16_ac_relu (6sr1oy55)', 'hl_4_bs_16_ac_relu (kd3g5fta)', 'Andreus00__WSDS__run-20230622_143317-wwifhl9v']) {
      const run = report(name);
      expect(run.series.some((s) => s.kind === 'loss' && Array.from(s.y).some((v) => !Number.isFinite(v))), name).toBe(true);
    }
    for (const name of ['First try (3ojed7lz)', 'Andreus00__WSDS__run-20230621_205321-lvdv169l', 'CrossPatientValidation (gpxs9gbv)', '1BIMU__UASFT__offline-run-20251020_114913-v9z6xp4p']) {
      const run = report(name);
      expect(run.primary.train, name).toBeDefined();
      expect(run.warnings.filter((w) => w.code === 'incomplete'), name).toHaveLength(1);
    }
  });

  it('train and validation rows are aligned by their own steps, not paired by row', () => {
    const run = parseWandbFolder(folderFiles('Benoxi__pytorch-dl-notebook__run-20200228_173521-6lp07cge'), 'x');
    const loss = run.raw.metrics.find((m) => m.name === 'loss')!;
    const val = run.raw.metrics.find((m) => m.name === 'val_loss')!;
    expect([loss.value.length, val.value.length]).toEqual([675, 675]);
    expect(Array.from(loss.step!.slice(0, 3))).toEqual([0, 2, 4]);
    expect(Array.from(val.step!.slice(0, 3))).toEqual([1, 3, 5]);
    // HF Trainer: define_metric makes train/global_step the x of every train/* metric.
    const hf = parseWandbFolder(folderFiles('1BIMU__UASFT__offline-run-20251020_115257-q9hbmo40'), 'x');
    expect(hf.raw.metrics.map((m) => m.name)).toEqual(['train/loss', 'train/grad_norm', 'train/learning_rate']);
    expect(hf.raw.metrics[0].step![0]).toBe(1);
    expect(hf.raw.metrics[0].epoch).toBeDefined();
    // ARM: Training/* on Training/step, Validation/* on Validation/step (no define_metric).
    const arm = parseWandbFolder(folderFiles('ARM-software__keyword-transformer__run-20220429_201936-3ojed7lz'), 'x');
    expect(arm.raw.metrics.map((m) => m.name).sort()).toEqual(['Training/accuracy', 'Training/loss', 'Validation/accuracy']);
  });

  it('config becomes the run hyperparameters (from the log, else config.yaml); _wandb is left out', () => {
    const run = load(path.join(folder, 'Aafi04__HP-CoE-Agile-Challenge__run-20260324_042931-nl69fitz')).loaded.runs[0];
    expect(run.hyperparameters).toContainEqual(['lr', 0.0001]);
    expect(run.hyperparameters!.some(([name]) => name.startsWith('_wandb'))).toBe(false);
    const legacy = load(path.join(folder, 'Benoxi__pytorch-dl-notebook__run-20200228_173521-6lp07cge')).loaded.runs[0];
    expect(legacy.hyperparameters).toEqual([
      ['batch_size', 100],
      ['epochs', 3],
      ['hidden_layer_size', 512],
      ['learning_rate', 0.001],
    ]);
  });
});
