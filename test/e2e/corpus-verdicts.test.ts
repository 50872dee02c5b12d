/**
 * The real logs in ../shared/corpus (described in its SOURCES.md): every CSV/JSON/JSONL-family
 * file parses, and the runs whose curves SOURCES.md describes unambiguously get that verdict.
 * Healthy runs must not get a pathological (error or warning) finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const present = corpusPresent(corpus);

const FAMILIES = [
  'keras_csvlogger', 'lightning_csv', 'yolo_results', 'wandb_export_csv', 'tb_export_csv', 'hf_trainer_state',
  'json_history', 'jsonl_logs', 'mmdet_logjson', 'mmengine_scalars', 'detectron2_metrics', 'tb_export_json',
];

function report(rel: string) {
  const path = join(corpus, rel);
  return analyze([{ name: path, bytes: readFileSync(path) }]);
}

const EXPECTED: Array<[string, string]> = [
  ['keras_csvlogger/Agusbs98__Interface_of_automatic-ecg-diagnosis__training_negative_divergence.log', 'diverging'],
  ['keras_csvlogger/Aitzaz-Saleem__Detection-of-Tomato-Leaf-Diseases-Using-CNN__training_log_overfit.csv', 'overfitting'],
  ['keras_csvlogger/AhmedImtiazPrio__irfanet-10__training.log', 'insufficient-data'],
  ['keras_csvlogger/Charlie839242__Unet-CityScapes__training_log_single_row_no_epoch.csv', 'insufficient-data'],
  ['keras_csvlogger/AmineEchraibi__BrainCNN__training.log', 'still-learning'],
  ['lightning_csv/AIRI-Institute__genrisk__version_0_nan_gan.csv', 'diverging'],
  ['lightning_csv/AndyC80297__glitch-classification-lightning__version_0_short_sparse.csv', 'insufficient-data'],
  ['hf_trainer_state/P4P4N1CK__whisper-large-v2-japanese-5k-steps__trainer_state.json', 'overfitting'],
  ['hf_trainer_state/aigoncharov__trainer_state_viz__trainer_state_multi_eval_overfit.json', 'overfitting'],
  ['hf_trainer_state/yuanhuanghuang__quality__lrqa_trainer_state_stuck_at_ln4.json', 'not-learning'],
  ['hf_trainer_state/Francis-xsc__BERT_Weibo_Rumor__trainer_state.json', 'still-learning'],
  ['json_history/Aman041902__music_genre_classification__train_history.json', 'overfitting'],
  ['mmdet_logjson/zhaoyang97__mmdetection__fcos_moco_20201017_191416_nan_midrun.log.json', 'diverging'],
  ['mmdet_logjson/zhaoyang97__mmdetection__retinanet_2x_20210218_145948_nan_early.log.json', 'diverging'],
  ['yolo_results/y786359174__radar_detection_yolov5__exp5_results.csv', 'overfitting'],
];

const HEALTHY = [
  'keras_csvlogger/AmineEchraibi__BrainCNN__training.log',
  'keras_csvlogger/Deepender25__Handwritten-Digit-Recognition__training_log_reduce_lr.csv',
  'mmdet_logjson/zhaoyang97__mmdetection__faster_rcnn_1x_tct_20201030_190009.log.json',
  'mmengine_scalars/open-mmlab__mmengine__detection_20230525_scalars.json',
  'hf_trainer_state/Francis-xsc__BERT_Weibo_Rumor__trainer_state.json',
  'yolo_results/27hrs__YOLOv8__train4_results.csv',
  'lightning_csv/CooperBigFoot__CAMELS-CH__version_107.csv',
];

describe.skipIf(!present)('real logs', () => {
  it('every CSV/JSON/JSONL-family file parses (except the one with no loss at all)', () => {
    for (const family of FAMILIES) {
      for (const file of readdirSync(join(corpus, family))) {
        const rel = `${family}/${file}`;
        if (file.includes('trainer_log_no_loss')) {
          expect(() => report(rel), rel).toThrow(/no metrics found/);
          continue;
        }
        const r = report(rel);
        expect(r.runs.length, rel).toBeGreaterThan(0);
      }
    }
  });

  for (const [rel, verdict] of EXPECTED) {
    it(`${rel.split('/')[1]} → ${verdict}`, () => {
      expect(report(rel).runs[0].verdict.id).toBe(verdict);
    });
  }

  for (const rel of HEALTHY) {
    it(`healthy run has no error/warning finding: ${rel.split('/')[1]}`, () => {
      const findings = report(rel).runs.flatMap((r) => r.findings);
      expect(findings.filter((f) => f.severity !== 'info').map((f) => `${f.id}: ${f.message}`)).toEqual([]);
    });
  }

  it('the overfitting finding names the best epoch (Tomato: val_loss 0.2906 at epoch 18)', () => {
    const r = report(EXPECTED[1][0]);
    const f = r.runs[0].findings.find((x) => x.id === 'overfitting')!;
    expect(f.best).toMatchObject({ x: 18, axis: 'epoch', series: 'val_loss' });
    expect(f.best!.value).toBeCloseTo(0.2906, 3);
  });

  it('the NaN finding names where the loss broke (fcos: first NaN at epoch 10, iter 550)', () => {
    const r = report(EXPECTED[12][0]);
    const f = r.runs[0].findings.find((x) => x.id === 'non-finite')!;
    expect(f.series[0]).toBe('loss');
    expect(f.evidence.recovered).toBe(false);
  });
});
