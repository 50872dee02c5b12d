/**
 * The JSON-family parsers on the shared corpus of real logs (../shared/corpus). Every file must
 * be claimed by the expected parser and parse without throwing, except the LLaMA-Factory log that
 * holds no loss at all. Skipped, with a note, when the corpus is not checked out next to the repo.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FormatId, ParsedLog, RawMetric } from '../../src/core/types.js';
import { InputError } from '../../src/errors.js';
import { jsonParsers } from '../../src/parsers/json.js';
import { headText } from '../../src/parsers/text.js';
import type { LogParser } from '../../src/parsers/types.js';
import { CORPUS as corpus, corpusPresent } from '../helpers/corpus.js';

const hasCorpus = corpusPresent(corpus);

const EXPECTED: Record<string, FormatId> = {
  hf_trainer_state: 'hf-trainer-state',
  json_history: 'keras-history-json',
  jsonl_logs: 'jsonl',
  mmdet_logjson: 'jsonl',
  mmengine_scalars: 'jsonl',
  detectron2_metrics: 'jsonl',
  tb_export_json: 'tb-export-json',
};

const NO_LOSS = 'gi7014__SunXiaochuan-V1__trainer_log_no_loss.jsonl';


function winner(head: string, name: string): LogParser {
  let best = jsonParsers[0];
  let bestScore = -1;
  for (const p of jsonParsers) {
    const s = p.sniff(head, name);
    if (s > bestScore) {
      best = p;
      bestScore = s;
    }
  }
  return best;
}

const parsed = new Map<string, ParsedLog>();

function load(dir: string, file: string): ParsedLog {
  const key = `${dir}/${file}`;
  const cached = parsed.get(key);
  if (cached) return cached;
  const bytes = new Uint8Array(readFileSync(path.join(corpus, dir, file)));
  const log = winner(headText(bytes), file).parse({ name: file, bytes });
  parsed.set(key, log);
  return log;
}

function find(dir: string, fragment: string): string {
  const f = readdirSync(path.join(corpus, dir)).find((n) => n.includes(fragment));
  if (!f) throw new Error(`no corpus file matching ${fragment} in ${dir}`);
  return f;
}

function metric(log: ParsedLog, name: string): RawMetric {
  const m = log.runs[0].metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name}; have ${log.runs[0].metrics.map((x) => x.name).join(', ')}`);
  return m;
}

function names(log: ParsedLog): string[] {
  return log.runs[0].metrics.map((m) => m.name);
}

const countNaN = (a: Float64Array): number => a.reduce((n, v) => n + (Number.isNaN(v) ? 1 : 0), 0);

describe.skipIf(!hasCorpus)('JSON parsers on the shared corpus', () => {
  const files = hasCorpus
    ? Object.keys(EXPECTED).flatMap((dir) => readdirSync(path.join(corpus, dir)).map((file) => [dir, file] as const))
    : [];

  it.each(files)('%s/%s: sniffed by the right parser and parsed', (dir, file) => {
    const bytes = new Uint8Array(readFileSync(path.join(corpus, dir, file)));
    const p = winner(headText(bytes), file);
    expect(p.id).toBe(EXPECTED[dir]);
    if (file === NO_LOSS) {
      expect(() => p.parse({ name: file, bytes })).toThrow(InputError);
      expect(() => p.parse({ name: file, bytes })).toThrow(/no metrics found/);
      return;
    }
    const log = load(dir, file);
    expect(log.format).toBe(EXPECTED[dir]);
    expect(log.runs.length).toBeGreaterThan(0);
    for (const run of log.runs) {
      expect(run.metrics.length).toBeGreaterThan(0);
      for (const m of run.metrics) {
        expect(m.value.length).toBeGreaterThan(0);
        if (m.step) expect(m.step.length).toBe(m.value.length);
        if (m.epoch) expect(m.epoch.length).toBe(m.value.length);
        if (m.line) expect(m.line.length).toBe(m.value.length);
      }
      // No timing/progress series leak through.
      for (const n of run.metrics.map((m) => m.name)) {
        expect(n).not.toMatch(/(^|_)(time|runtime|eta_seconds|memory|percentage|total_steps|elapsed_time)$|per_second$|flos$/);
      }
    }
  });

  it('HF whisper: 200 train points, eval_loss has 5 rising points at the eval steps, summary skipped', () => {
    const log = load('hf_trainer_state', find('hf_trainer_state', 'whisper'));
    expect(metric(log, 'loss').value.length).toBe(200);
    const ev = metric(log, 'eval_loss');
    expect(ev.value.length).toBe(5);
    expect(Array.from(ev.step!)).toEqual([1000, 2000, 3000, 4000, 5000]);
    for (let i = 1; i < 5; i++) expect(ev.value[i]).toBeGreaterThan(ev.value[i - 1]);
    expect(ev.value[0]).toBeCloseTo(0.321, 3);
    expect(metric(log, 'eval_wer').value.length).toBe(5);
    expect(names(log)).not.toContain('train_loss');
    expect(names(log)).toEqual(expect.arrayContaining(['loss', 'learning_rate', 'eval_loss', 'eval_wer']));
  });

  it('HF multi-eval: six eval groups of 31 points each, 30 train points with grad_norm', () => {
    const log = load('hf_trainer_state', find('hf_trainer_state', 'multi_eval'));
    for (let g = 0; g <= 5; g++) {
      expect(metric(log, `eval_g${g}_loss`).value.length).toBe(31);
      expect(metric(log, `eval_g${g}_accuracy`).value.length).toBe(31);
    }
    expect(metric(log, 'eval_g0_loss').step![0]).toBe(0);
    expect(metric(log, 'loss').value.length).toBe(30);
    expect(metric(log, 'grad_norm').value.length).toBe(30);
  });

  it('HF stuck at ln 4: eval_loss pinned at 1.386 for 62 evals', () => {
    const log = load('hf_trainer_state', find('hf_trainer_state', 'ln4'));
    const ev = metric(log, 'eval_loss');
    expect(ev.value.length).toBe(62);
    for (const v of ev.value) expect(v).toBeCloseTo(Math.log(4), 2);
    expect(metric(log, 'loss').value.length).toBe(62);
  });

  it('HF BERT: train only, with fractional epochs', () => {
    const log = load('hf_trainer_state', find('hf_trainer_state', 'BERT'));
    expect(names(log)).toEqual(['learning_rate', 'loss']);
    const loss = metric(log, 'loss');
    expect(loss.value[0]).toBeCloseTo(0.981);
    expect(loss.epoch![0]).toBeCloseTo(1.94);
    expect(loss.step![loss.step!.length - 1]).toBe(25500);
  });

  it('Keras history lists and the pandas dict-of-dicts', () => {
    const aman = load('json_history', find('json_history', 'Aman'));
    expect(names(aman)).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const m of aman.runs[0].metrics) {
      expect(m.value.length).toBe(30);
      expect(m.epoch![29]).toBe(29);
    }
    const gan = load('json_history', find('json_history', 'sketch'));
    expect(names(gan)).toEqual(['G_loss', 'D_loss']); // epoch_seconds is a timing
    expect(metric(gan, 'G_loss').value.length).toBe(100);
    const pandas = load('json_history', find('json_history', 'pandas'));
    expect(names(pandas)).toEqual(['loss']); // empty 'accuracy' skipped, 'time' is a timing
    expect(metric(pandas, 'loss').value.length).toBe(100);
    expect(metric(pandas, 'loss').epoch![99]).toBe(99);
  });

  it('LLaMA-Factory: loss per current_steps, the final loss-less line adds nothing', () => {
    const log = load('jsonl_logs', find('jsonl_logs', 'Mistral'));
    expect(names(log)).toEqual(['loss', 'learning_rate']);
    const loss = metric(log, 'loss');
    expect(loss.value.length).toBe(866);
    expect(loss.step![0]).toBe(10);
    expect(loss.step![865]).toBe(8660);
    expect(loss.epoch![865]).toBe(4);
  });

  it('mmdet .log.json: NaN losses kept, val mAP at the last train step, global steps', () => {
    const fcos = load('mmdet_logjson', find('mmdet_logjson', 'fcos'));
    const loss = metric(fcos, 'loss');
    expect(loss.value.length).toBe(888);
    expect(countNaN(loss.value)).toBeGreaterThan(100);
    expect(Number.isNaN(loss.value[loss.value.length - 1])).toBe(true);
    expect(countNaN(metric(fcos, 'loss_bbox').value)).toBe(0);
    for (let i = 1; i < loss.step!.length; i++) expect(loss.step![i]).toBeGreaterThan(loss.step![i - 1]);
    // 1875 iterations per epoch (the val rows' iter): epoch 2, iter 50 → 1925.
    const e2 = loss.epoch!.indexOf(2);
    expect(loss.step![e2]).toBe(1925);
    const map = metric(fcos, 'bbox_mAP');
    expect(map.roleHint).toBe('val');
    // 24 val rows, but from epoch 10 (after the NaN) they hold only lr: no mAP at all.
    expect(map.value.length).toBe(9);
    expect(map.epoch![8]).toBe(9);
    expect(map.epoch![0]).toBe(1);
    expect(map.step![0]).toBe(1850); // last train row of epoch 1
    expect(metric(fcos, 'lr').roleHint).toBe('train'); // mode: train
    expect(metric(fcos, 'lr').value.length).toBe(888); // val rows' lr copy dropped

    const early = load('mmdet_logjson', find('mmdet_logjson', 'nan_early'));
    expect(countNaN(metric(early, 'loss').value)).toBeGreaterThan(1000);
    expect(metric(early, 'loss').value.length).toBe(1854);

    const tct = load('mmdet_logjson', find('mmdet_logjson', 'faster_rcnn'));
    expect(metric(tct, 'loss').value.length).toBe(1800);
    expect(metric(tct, 'bbox_mAP').value.length).toBe(12);
    expect(metric(tct, 'bbox_mAP').value[11]).toBeCloseTo(0.28);
    expect(metric(tct, 'acc').value.length).toBe(1800);

    const spike = load('mmdet_logjson', find('mmdet_logjson', 'spike'));
    const sl = metric(spike, 'loss');
    expect(sl.value.length).toBe(7200);
    expect(Math.max(...sl.value)).toBeCloseTo(1159.9, 0);
  });

  it('mmengine scalars.json: val rows (step = epoch) moved to the step axis', () => {
    const ex = load('mmengine_scalars', find('mmengine_scalars', 'example'));
    expect(metric(ex, 'loss').value.length).toBe(70);
    const ar = metric(ex, 'AR@100');
    expect(ar.roleHint).toBe('val');
    expect(Array.from(ar.step!)).toEqual([70, 140, 210, 280, 350, 420, 490, 560, 630, 700]);
    expect(Array.from(ar.epoch!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const det = load('mmengine_scalars', find('mmengine_scalars', '20230525'));
    const map = metric(det, 'bbox_mAP');
    expect(map.value.length).toBe(20);
    expect(Array.from(map.step!.slice(0, 3))).toEqual([10, 26, 42]);
    expect(map.step![19]).toBe(314);
    expect(metric(det, 'loss').roleHint).toBeUndefined();
  });

  it('detectron2 metrics.json: iteration is the step, timings dropped', () => {
    const log = load('detectron2_metrics', find('detectron2_metrics', 'Pothole'));
    const tl = metric(log, 'total_loss');
    expect(tl.value.length).toBe(90);
    expect(tl.step![0]).toBe(19);
    expect(tl.step![89]).toBe(1799);
    expect(tl.value[0]).toBeCloseTo(86.47, 1);
    expect(names(log)).not.toContain('eta_seconds');
    expect(names(log)).not.toContain('rank_data_time');
    expect(names(log)).toContain('fast_rcnn/fg_cls_accuracy');
    const short = load('detectron2_metrics', find('detectron2_metrics', 'short'));
    expect(metric(short, 'loss_mask').value.length).toBe(5);
  });

  it('TensorBoard JSON export: 1000 points in file order, restarts kept', () => {
    const log = load('tb_export_json', find('tb_export_json', 'loss'));
    expect(log.runs).toHaveLength(1);
    const m = log.runs[0].metrics[0];
    expect(m.name).toBe('loss');
    expect(m.roleHint).toBeUndefined();
    expect(m.value.length).toBe(1000);
    const back: number[] = [];
    for (let i = 1; i < m.step!.length; i++) if (m.step![i] < m.step![i - 1]) back.push(i);
    expect(back).toEqual([4, 72, 639]);
    expect(m.step![0]).toBe(43);
    expect(m.value[0]).toBeCloseTo(2.84167, 4);
  });
});
