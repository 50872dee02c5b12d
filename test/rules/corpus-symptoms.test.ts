/**
 * The shape rules on real training logs (../shared/corpus, see its SOURCES.md): each named
 * pathological log must produce its symptom finding, and the logs SOURCES.md calls healthy must
 * get no error or warning from these rules. Files go through the public API, as the CLI does.
 * Skipped, with a note, when the corpus is not checked out next to the repo.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import type { Finding, RunReport } from '../../src/core/report-schema.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const hasCorpus = corpusPresent(corpus);

/** The rules this test is about. */
const SHAPE_RULES = new Set([
  'chance-level',
  'early-instability',
  'epoch-sawtooth',
  'epoch-staircase',
  'exploding-gradients',
  'loss-spikes',
  'lr-schedule',
  'metric-collapse',
  'noisy-validation',
  'oscillation',
  'slow-convergence',
  'unbounded-loss',
  'vanishing-gradients',
]);

function run(file: string): RunReport {
  const full = path.join(corpus, file);
  const report = analyze([{ name: full, bytes: readFileSync(full) }]);
  expect(report.runs).toHaveLength(1);
  return report.runs[0];
}

function finding(r: RunReport, id: string): Finding {
  const f = r.findings.find((x) => x.id === id);
  expect(f, `${id} missing; findings: ${r.findings.map((x) => x.id).join(', ')}`).toBeDefined();
  return f!;
}

describe.skipIf(!hasCorpus)('shape rules on the real corpus', () => {
  it('HF trainer state stuck at ln 4: chance-level error with C = 4', () => {
    const r = run('hf_trainer_state/yuanhuanghuang__quality__lrqa_trainer_state_stuck_at_ln4.json');
    const f = finding(r, 'chance-level');
    expect(f.severity).toBe('error');
    expect(f.evidence.classes).toBe(4);
    expect(f.evidence.lnC as number).toBeCloseTo(1.38629, 4);
    expect(f.series).toContain('eval_loss');
    expect(f.message).toContain('ln(4) = 1.386');
  });

  it('LLaMA-Factory 4-epoch LoRA log: epoch staircase at every boundary', () => {
    const r = run('jsonl_logs/syGOAT__Mistral-v0.2-Translator-bf16__trainer_log.jsonl');
    const f = finding(r, 'epoch-staircase');
    expect(f.severity).toBe('warning');
    expect(f.evidence.qualifying).toBe(3);
    const levels = (f.evidence.epochLevels as Array<{ level: number }>).map((e) => e.level);
    expect(levels).toHaveLength(4);
    // SOURCES.md: epoch means 0.571, 0.297, 0.174, 0.116 (the first epoch's mean includes its fast start).
    for (const [i, mean] of [[1, 0.297], [2, 0.174], [3, 0.116]] as const) expect(Math.abs(levels[i] - mean) / mean).toBeLessThan(0.1);
    expect(r.findings.find((x) => x.id === 'slow-convergence')).toBeUndefined();
  });

  it('Keras log running off to −6.5e7: unbounded-loss error, negative from the start', () => {
    const r = run('keras_csvlogger/Agusbs98__Interface_of_automatic-ecg-diagnosis__training_negative_divergence.log');
    const f = finding(r, 'unbounded-loss');
    expect(f.severity).toBe('error');
    expect(f.evidence.negativeFromStart).toBe(true);
    expect(f.evidence.ordersOfMagnitude as number).toBeGreaterThan(2);
    expect(f.causes[0].id).toBe('target-mismatch');
    expect(r.verdict.id).toBe('diverging');
  });

  it('detectron2 run with total_loss 86.5 at iter 19 during warm-up: early-instability warning', () => {
    const r = run('detectron2_metrics/Aaryan004__Pothole_Detection_Model_RCNNs__metrics.json');
    const f = finding(r, 'early-instability');
    expect(f.severity).toBe('warning');
    expect(f.evidence.firstValue as number).toBeCloseTo(86.47, 1);
    expect(f.evidence.phase).toBe('in-warmup');
    expect((f.evidence.peak as { x: number }).x).toBeLessThan(450);
    expect(f.message).toContain('the very first log was already 86.47');
  });

  it('mmdet free-anchor run with a loss of 1159.9 in epoch 1: early-instability, exploding gradients first', () => {
    const r = run('mmdet_logjson/zhaoyang97__mmdetection__retinanet_free_anchor_20210312_095808_spike.log.json');
    const f = finding(r, 'early-instability');
    expect(f.evidence.factor as number).toBeGreaterThan(10);
    expect(f.causes[0].id).toBe('exploding-gradients');
    const lr = finding(r, 'lr-schedule');
    expect((lr.evidence.blowUps as unknown[]).length).toBeGreaterThan(0);
  });

  // Logs with a gradient norm: a NaN that comes with no growth first, spikes that recover and a
  // healthy run are no exploding or vanishing gradients.
  const withGradNorm = [
    'mmdet_logjson/zhaoyang97__mmdetection__fcos_moco_20201017_191416_nan_midrun.log.json',
    'mmdet_logjson/zhaoyang97__mmdetection__retinanet_free_anchor_20210312_095808_spike.log.json',
    'plain_text/zhaoyang97__mmdetection__fcos_moco_20201017_191416.log',
    'hf_trainer_state/aigoncharov__trainer_state_viz__trainer_state_multi_eval_overfit.json',
  ];
  for (const file of withGradNorm) {
    it(`gradient norm read, neither gradient rule fires on ${path.basename(file)}`, () => {
      const r = run(file);
      expect(r.series.some((s) => s.kind === 'grad-norm')).toBe(true);
      const ids = r.findings.map((f) => f.id);
      expect(ids).not.toContain('exploding-gradients');
      expect(ids).not.toContain('vanishing-gradients');
    });
  }

  const healthy = [
    'keras_csvlogger/AmineEchraibi__BrainCNN__training.log',
    'keras_csvlogger/Deepender25__Handwritten-Digit-Recognition__training_log_reduce_lr.csv',
    'mmdet_logjson/zhaoyang97__mmdetection__faster_rcnn_1x_tct_20201030_190009.log.json',
    'mmengine_scalars/open-mmlab__mmengine__detection_20230525_scalars.json',
    'hf_trainer_state/Francis-xsc__BERT_Weibo_Rumor__trainer_state.json',
    'yolo_results/27hrs__YOLOv8__train4_results.csv',
    'yolo_results/y786359174__radar_detection_yolov5__exp22_interrupted_results.csv',
    'lightning_csv/CooperBigFoot__CAMELS-CH__version_107.csv',
    'plain_text/derekchen14__snippet_rnn__0510_plain.rb',
  ];
  for (const file of healthy) {
    it(`healthy: no error or warning from the shape rules on ${path.basename(file)}`, () => {
      const report = analyze([{ name: path.join(corpus, file), bytes: readFileSync(path.join(corpus, file)) }]);
      for (const r of report.runs) {
        const sick = r.findings.filter((f) => SHAPE_RULES.has(f.id) && f.severity !== 'info');
        expect(sick.map((f) => `${f.id}: ${f.message}`)).toEqual([]);
      }
    });
  }

  it('the healthy ReduceLROnPlateau run gets its schedule read as information', () => {
    const r = run('keras_csvlogger/Deepender25__Handwritten-Digit-Recognition__training_log_reduce_lr.csv');
    const f = finding(r, 'lr-schedule');
    expect(f.severity).toBe('info');
    const drops = (f.evidence.schedule as { drops: Array<{ x: number }> }).drops.map((d) => d.x);
    expect(drops).toEqual([17, 27]);
  });
});
