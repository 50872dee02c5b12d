/**
 * The same run saved in two formats (../shared/corpus, SOURCES.md "Cross-format pairs") reads to
 * the same train-loss series and the same verdict through the public path: readInputs (files or
 * folders, as a user points lossdoc at them) → loadRuns → analyzeRuns. Skipped with a note when
 * the corpus is absent.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeRuns, loadRuns } from '../../src/api.js';
import type { Run, Series } from '../../src/core/types.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { readEventScalars } from '../../src/parsers/tfevents.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const have = corpusPresent(path.join(corpus, 'SOURCES.md'));
const describeCorpus = have ? describe : describe.skip;

function load(rel: string): { run: Run; verdict: string } {
  const read = readInputs([path.join(corpus, rel)]);
  expect(read.errors, rel).toEqual([]);
  const loaded = loadRuns(read.inputs);
  expect(loaded.errors, rel).toEqual([]);
  expect(loaded.runs, rel).toHaveLength(1);
  const report = analyzeRuns(loaded.runs);
  return { run: loaded.runs[0], verdict: report.runs[0].verdict.id };
}

function trainLoss(run: Run): Series {
  const name = run.primary.train;
  const s = run.series.find((x) => x.name === name);
  if (!s) throw new Error(`${run.name}: no train loss`);
  return s;
}

function seriesNamed(run: Run, name: string): Series {
  const s = run.series.find((x) => x.name === name);
  if (!s) throw new Error(`${run.name}: no ${name} in ${run.series.map((x) => x.name).join(', ')}`);
  return s;
}

/** Same steps; values equal within `rel` relative or `abs` absolute error; NaN where the other is NaN. */
function expectSameCurve(a: { x: ArrayLike<number>; y: ArrayLike<number> }, b: { x: ArrayLike<number>; y: ArrayLike<number> }, tol: { rel?: number; abs?: number }, label: string) {
  expect(Array.from(a.x), `${label}: steps`).toEqual(Array.from(b.x));
  expect(a.y.length, label).toBe(b.y.length);
  let worst = 0;
  for (let i = 0; i < a.y.length; i++) {
    const p = a.y[i];
    const q = b.y[i];
    if (!Number.isFinite(p) || !Number.isFinite(q)) {
      expect(String(p), `${label}: point ${i}`).toBe(String(q));
      continue;
    }
    const err = Math.abs(p - q);
    const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.max(Math.abs(p), Math.abs(q)));
    if (err > allowed) throw new Error(`${label}: point ${i} (x=${a.x[i]}): ${p} vs ${q}`);
    worst = Math.max(worst, err);
  }
  return worst;
}

/** float32 (event files) against float64 (text): ~6e-8 relative. */
const F32 = { rel: 1e-6 };

const PAIRS: Array<{ a: string; b: string; tol: { rel?: number; abs?: number }; why: string }> = [
  {
    a: 'tb_export_csv/ShahariarRabby__Attention-Based-Ocr__run-.-tag-loss.csv',
    b: 'tb_export_json/ShahariarRabby__Attention-Based-Ocr__run-.-tag-loss.json',
    tol: { rel: 0 },
    why: 'TensorBoard CSV and JSON download of one tag: identical points',
  },
  {
    a: 'tfevents/10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__keras_tf2',
    b: 'mlflow/10-Academy-Batch-4-Week-4__Swahili-Speech-To-Text__run_ed05f9cd',
    tol: F32,
    why: 'Keras TF2 event file (epoch_loss) and the MLflow autolog metric (loss)',
  },
  {
    a: 'tfevents/BozzoloLu__GAN__20221120-125007',
    b: 'mlflow/BozzoloLu__GAN__run_e53963d9',
    tol: F32,
    why: 'TF2 tensor scalars and the MLflow run of the same GAN training',
  },
  {
    a: 'tfevents/Aaryan004__Pothole_Detection_Model_RCNNs__detectron2',
    b: 'detectron2_metrics/Aaryan004__Pothole_Detection_Model_RCNNs__metrics.json',
    tol: F32,
    why: 'detectron2 writes the same scalars to its event file and metrics.json',
  },
  {
    a: 'tfevents/y786359174__radar_detection_yolov5__exp22',
    b: 'yolo_results/y786359174__radar_detection_yolov5__exp22_interrupted_results.csv',
    // results.csv rounds each loss component to ~5 significant digits.
    tol: { rel: 2e-4 },
    why: 'YOLOv5 event file and results.csv (train loss = box + obj + cls)',
  },
  {
    a: 'mmdet_logjson/zhaoyang97__mmdetection__fcos_moco_20201017_191416_nan_midrun.log.json',
    b: 'plain_text/zhaoyang97__mmdetection__fcos_moco_20201017_191416.log',
    // .log.json prints 5 decimals, the text log 4.
    tol: { abs: 5.1e-5 },
    why: 'mmdetection .log.json and its text log, NaN from the same iteration on',
  },
];

describeCorpus('cross-format pairs', () => {
  for (const pair of PAIRS) {
    it(`${pair.why}: same train loss and verdict`, () => {
      const a = load(pair.a);
      const b = load(pair.b);
      const la = trainLoss(a.run);
      const lb = trainLoss(b.run);
      // The same loss: the same name (Keras adds `epoch_`), or a sum of the same components.
      const what = (s: Series) => (s.components ? [...s.components].sort().join(' + ') : s.name.replace(/^epoch_/, ''));
      expect(what(la), 'train loss').toBe(what(lb));
      expect(la.x.length).toBeGreaterThan(2);
      expectSameCurve(la, lb, pair.tol, `${pair.a} vs ${pair.b}`);
      expect(a.verdict, `${pair.a}: ${a.verdict} vs ${pair.b}: ${b.verdict}`).toBe(b.verdict);
    });
  }

  it('every series the GAN pair shares agrees, not only the train loss', () => {
    const a = load('tfevents/BozzoloLu__GAN__20221120-125007').run;
    const b = load('mlflow/BozzoloLu__GAN__run_e53963d9').run;
    expect(a.series.map((s) => s.name)).toEqual(b.series.map((s) => s.name));
    for (const s of a.series) expectSameCurve(s, seriesNamed(b, s.name), F32, s.name);
  });

  it('the YOLOv5 pair also agrees on the validation loss', () => {
    const a = load('tfevents/y786359174__radar_detection_yolov5__exp22').run;
    const b = load('yolo_results/y786359174__radar_detection_yolov5__exp22_interrupted_results.csv').run;
    expectSameCurve(seriesNamed(a, a.primary.val!), seriesNamed(b, b.primary.val!), { rel: 2e-4 }, 'val loss');
  });

  it('segment 1 of the three-run GAN event file is MLflow run 71597c39 (the run as read keeps the last segment)', () => {
    const dir = path.join(corpus, 'tfevents/BozzoloLu__GAN__20221120-124645');
    const file = readdirSync(dir).find((f) => f.includes('tfevents'))!;
    const { metrics } = readEventScalars(new Uint8Array(readFileSync(path.join(dir, file))), file);
    const mlflow = load('mlflow/BozzoloLu__GAN__run_71597c39').run;
    for (const name of ['Generator loss', 'Discriminator loss']) {
      const m = metrics.find((x) => x.name === name)!;
      const end = Array.from(m.step!).findIndex((s, i) => i > 0 && s < m.step![i - 1]);
      const first = { x: m.step!.slice(0, end), y: m.value.slice(0, end) };
      expectSameCurve(first, seriesNamed(mlflow, name), F32, name);
    }
    // Read whole, the event file is the last of its three runs (later points replace earlier ones).
    const whole = load('tfevents/BozzoloLu__GAN__20221120-124645').run;
    // Two restarts, each seen by both tags on neighbouring records: reported once each.
    expect(whole.warnings.filter((w) => w.code === 'restart')).toHaveLength(2);
    expect(trainLoss(whole).x.length).toBe(270);
  });
});
