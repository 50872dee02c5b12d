/**
 * Pointing lossdoc at the corpus folders (../shared/corpus, see SOURCES.md): every file and folder
 * of the tfevents, mlflow, dvclive_tsv and plain_text kinds is read through the directory path,
 * with the expected run count and names (W&B run folders one by one: test/parsers/wandb-corpus.test.ts). Skipped with a note when the corpus is absent.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';
import { readRunFolder } from '../helpers/run-folder.js';

const have = corpusPresent(path.join(corpus, 'SOURCES.md'));
const describeCorpus = have ? describe : describe.skip;

function load(...paths: string[]) {
  const read = readInputs(paths.map((p) => path.join(corpus, p)));
  const loaded = loadRuns(read.inputs);
  return {
    read,
    loaded,
    names: loaded.runs.map((r) => r.name),
    errors: [...read.errors, ...loaded.errors],
    warnings: [...read.warnings, ...loaded.warnings],
  };
}

/** Every file below a folder, as paths relative to the corpus. */
function filesBelow(rel: string): string[] {
  return readRunFolder(path.join(corpus, rel))
    .map((f) => `${rel}/${f.relPath}`)
    .sort();
}

const EMPTY = 'y786359174__radar_detection_yolov5__exp_empty';
const HP_ONLY = 'CooperBigFoot__CAMELS-CH__version_122_hp_metric_only';

describeCorpus('corpus folders read as directories', () => {
  it('tfevents/: one run per event-file folder; the two folders without scalars give a clear warning', () => {
    const { names, errors, warnings, loaded } = load('tfevents');
    expect(errors).toEqual([]);
    expect(names).toEqual([
      '10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__keras_tf2',
      'Aaryan004__Pothole_Detection_Model_RCNNs__detectron2',
      'BozzoloLu__GAN__20221120-124645',
      'BozzoloLu__GAN__20221120-125007',
      'CooperBigFoot__CAMELS-CH__version_125',
      'CooperBigFoot__CAMELS-CH__version_130',
      'y786359174__radar_detection_yolov5__exp22',
    ]);
    expect(loaded.runs.every((r) => r.format === 'tfevents')).toBe(true);
    expect(warnings.map((w) => [w.code, w.message])).toEqual([
      ['no-scalars', `${path.join(corpus, 'tfevents', HP_ONLY)}: no scalar series: the event file holds only hp_metric, which is not a training curve`],
      ['no-scalars', `${path.join(corpus, 'tfevents', EMPTY)}: no scalar series: the event file holds no scalar summaries`],
    ]);
    // Every event file is either a source of a run or one of the two without scalars.
    const sources = loaded.runs.flatMap((r) => r.sources.map((s) => path.relative(corpus, s)));
    const rest = filesBelow('tfevents').filter((f) => !f.includes(EMPTY) && !f.includes(HP_ONLY));
    expect(sources.sort()).toEqual(rest);
  });

  it('tfevents/<each folder>: one run named by the folder; the no-scalar folders alone fail with the message', () => {
    for (const dir of readdirSync(path.join(corpus, 'tfevents')).sort()) {
      const r = load(`tfevents/${dir}`);
      if (dir === EMPTY || dir === HP_ONLY) {
        expect(r.names, dir).toEqual([]);
        expect(r.errors.map((e) => e.code), dir).toEqual(['no-scalars']);
        expect(r.errors[0].message, dir).toMatch(/: no scalar series: the event file holds (no scalar summaries|only hp_metric, which is not a training curve)$/);
        continue;
      }
      expect([r.names, r.errors], dir).toEqual([[dir], []]);
      // The event file itself, given directly, is the same run under its file name.
      const file = readdirSync(path.join(corpus, 'tfevents', dir))[0];
      const direct = load(`tfevents/${dir}/${file}`);
      expect(direct.names, dir).toEqual([path.join(corpus, 'tfevents', dir, file)]);
      expect(direct.loaded.runs[0].series.map((s) => s.name), dir).toEqual(r.loaded.runs[0].series.map((s) => s.name));
    }
  });

  it('mlflow/: each run folder (with or without meta.yaml) is one run, named by its folder and MLflow run name', () => {
    const { names, errors, warnings, loaded } = load('mlflow');
    expect([errors, warnings]).toEqual([[], []]);
    expect(names).toEqual([
      '10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__run_ed05f9cd',
      'BozzoloLu__GAN__run_71597c39 (Run_0)',
      'BozzoloLu__GAN__run_e53963d9 (Run_0)',
      'CHRISTIANDAGATTI__Deep_Learning_Diplo__run_5b864efd',
      'GhadeerElmkaiel__SegFormer__run_3c7adce7',
    ]);
    expect(loaded.runs.every((r) => r.format === 'mlflow')).toBe(true);
    expect(loaded.runs.map((r) => r.series.map((s) => `${s.name}:${s.x.length}`).sort())).toEqual([
      ['loss:10'],
      ['Discriminator loss:270', 'Generator loss:270'],
      ['Discriminator loss:26', 'Generator loss:26'],
      ['test_loss:3', 'train_loss:3'],
      ['learning_rate:6', 'train/loss:6'],
    ]);
    expect(loaded.runs.map((r) => r.warnings.map((w) => w.code))).toEqual([[], ['run-failed'], ['run-failed'], [], []]);
    // Every metric file is a source; params/ and the other tags are not needed.
    const sources = loaded.runs.flatMap((r) => r.sources.map((s) => path.relative(corpus, s)));
    expect(sources.filter((s) => s.includes('/metrics/')).sort()).toEqual(filesBelow('mlflow').filter((f) => f.includes('/metrics/')));
  });

  it('mlflow/<each run folder>: one run', () => {
    for (const dir of readdirSync(path.join(corpus, 'mlflow')).sort()) {
      const r = load(`mlflow/${dir}`);
      expect(r.errors, dir).toEqual([]);
      expect(r.names, dir).toEqual([dir.startsWith('BozzoloLu') ? `${dir} (Run_0)` : dir]);
    }
  });

  it('dvclive_tsv/: the loose DVCLive TSVs of the folder are one run', () => {
    const dir = 'BeckResearchLab__learn2thermML__ogt_protein_regressor';
    for (const p of ['dvclive_tsv', `dvclive_tsv/${dir}`]) {
      const { names, errors, warnings, loaded } = load(p);
      expect([errors, warnings], p).toEqual([[], []]);
      expect(names, p).toEqual([dir]);
      const run = loaded.runs[0];
      expect(run.format).toBe('dvclive');
      expect(run.primary).toEqual({ train: 'loss', val: 'eval_loss' });
      expect(run.sources.map((s) => path.relative(corpus, s))).toEqual(filesBelow(`dvclive_tsv/${dir}`).sort());
    }
  });

  it('plain_text/: every log is read whatever its extension (.log, .rb); appended sessions and sweeps are runs of their own', () => {
    const files = readdirSync(path.join(corpus, 'plain_text')).sort();
    const { names, errors, loaded } = load('plain_text');
    expect(errors).toEqual([]);
    // aocr.log: 11 sessions whose step starts again at 1; 0508: a 22-run sweep; 0510: 8 runs.
    const runsOf: Record<string, number> = {
      'ShahariarRabby__Attention-Based-Ocr__aocr.log': 11,
      'derekchen14__snippet_rnn__0508_results.rb': 22,
      'derekchen14__snippet_rnn__0510_plain.rb': 8,
    };
    const expected = files.flatMap((f) => (runsOf[f] ? Array.from({ length: runsOf[f] }, (_, k) => `${f}#${k + 1}`) : [f]));
    expect(names).toEqual(expected);
    expect(loaded.runs.every((r) => r.format === 'text-log')).toBe(true);
    const given = path.join(corpus, 'plain_text', 'zhaoyang97__mmdetection__fcos_moco_20201017_191416.log');
    expect(load('plain_text/zhaoyang97__mmdetection__fcos_moco_20201017_191416.log').names).toEqual([given]);
  });

  it('the four folders together, and the whole corpus: names relative to each given folder', () => {
    const four = load('tfevents', 'mlflow', 'dvclive_tsv', 'plain_text');
    expect(four.errors).toEqual([]);
    expect(four.names).toHaveLength(7 + 5 + 1 + 11 + 22 + 8 + 1);
    const all = load('.');
    expect(all.errors).toEqual([]);
    // 17 folders; tb_export_csv holds the exports of two different runs (the W&B exports hold 4 and 14);
    // wandb_offline holds 25 W&B run folders, one of them without a curve; 45 runs come from 4 files
    // that hold several appended runs each (41 more than one run a file).
    expect(all.names).toHaveLength(71 + 24 + 41);
    expect(all.names.filter((n) => n.startsWith('tfevents/'))).toEqual(four.names.slice(0, 7).map((n) => `tfevents/${n}`));
    expect(all.names).toContain('mlflow/BozzoloLu__GAN__run_71597c39 (Run_0)');
    expect(all.names).toContain('lightning_csv/CooperBigFoot__CAMELS-CH__version_107.csv');
    expect(all.names.filter((n) => n.startsWith('tb_export'))).toEqual([
      'tb_export_csv/Brunogomes97__Imdb__run-.',
      'tb_export_csv/ShahariarRabby__Attention-Based-Ocr__run-.-tag-loss.csv',
      'tb_export_json/ShahariarRabby__Attention-Based-Ocr__run-.-tag-loss.json',
    ]);
    // Each W&B run folder is one run read from its .wandb log (or legacy wandb-history.jsonl), named by its
    // display name and id, else by its folder; its console output.log and system-metrics file are not runs.
    const wandbRuns = all.loaded.runs.filter((r) => r.format === 'wandb');
    expect(wandbRuns.map((r) => r.name)).toEqual(all.names.filter((n) => wandbRuns.some((r) => r.name === n)));
    expect(wandbRuns.map((r) => r.name)).toEqual([
      'wandb_offline/1BIMU__UASFT__offline-run-20251020_114913-v9z6xp4p',
      'wandb_offline/1BIMU__UASFT__offline-run-20251020_115257-q9hbmo40',
      'wandb_offline/3rdAT__ThinkTuning_v1__run-20241014_021059-7boci60w',
      'features (3r9xyok3)',
      'CrossPatientValidation (gpxs9gbv)',
      'results-summary (r3tu98ci)',
      'First try (3ojed7lz)',
      'efficientnet-b4-baseline-v2 (nl69fitz)',
      'wandb_offline/Andreus00__WSDS__run-20230621_205321-lvdv169l',
      'wandb_offline/Andreus00__WSDS__run-20230622_143317-wwifhl9v',
      'wandb_offline/Benoxi__pytorch-dl-notebook__run-20200228_173521-6lp07cge',
      'starpilot_test_2509_1690085872 (61qqbz3a)',
      'wandb_offline/CDaut__pytorch-ai__run-20200127_142807-st277t0v',
      'wandb_offline/ChelseyLia__synth-icl__run-20240606_140657-mbrj82fy',
      'wandb_offline/IfuChan__498__run-20220731_165717-33ge8zpm',
      'wandb_offline/IfuChan__498__run-20220809_180238-1xc7ckfr',
      'wandb_offline/LakshaySapra__GraphicalModelsAssetMgmt__run-20221207_015201-20qhsg6i',
      'hl_5_bs_16_ac_relu (6sr1oy55)',
      'hl_4_bs_16_ac_relu (kd3g5fta)',
      'hl_4_bs_32_ac_relu (m8wufao4)',
      '20220623_193422_MobileNetV3_Pre_MSE_G-32_Transfer (cyywd1bn)',
      'wandb_offline/dakotacsk__wandb_testing__run-20240604_002738-vo9feo4c',
      '20240113-210216 (t9spegc9)',
      'epochs_10_layersize_128_opt_Nadam_batch_128_init_XavierUniform (a4lr34si)',
    ]);
    expect(all.loaded.runs.flatMap((r) => r.sources).filter((s) => s.includes('wandb_offline') && !/(\.wandb|wandb-history\.jsonl|config\.yaml|wandb-summary\.json)$/.test(s))).toEqual([]);
    // The evaluation-only W&B run without a curve, the trainer_log.jsonl without any loss, and the two event files without scalars.
    expect(all.warnings.map((w) => [w.code, path.relative(corpus, (w as { source?: string }).source ?? '')])).toEqual([
      ['no-curves', 'wandb_offline/AIBootcamp16__mlops-cloud-project-mlops-6__run-20251001_113846-iim876m0'],
      ['no-metrics', 'jsonl_logs/gi7014__SunXiaochuan-V1__trainer_log_no_loss.jsonl'],
      ['no-scalars', `tfevents/${HP_ONLY}`],
      ['no-scalars', `tfevents/${EMPTY}`],
    ]);
  });
});
