import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ParsedLog, RawMetric } from '../../src/core/types.js';
import { InputError } from '../../src/errors.js';
import {
  findJsonError,
  hfTrainerStateParser,
  jsonlParser,
  jsonParsers,
  jsonRecordsParser,
  kerasHistoryParser,
  quoteNonFiniteTokens,
  tbExportJsonParser,
} from '../../src/parsers/json.js';
import { headText } from '../../src/parsers/text.js';
import type { LogParser } from '../../src/parsers/types.js';
import { costGrowth } from '../helpers/growth.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtureDir = path.join(repoRoot, 'fixtures/logs/json');

const enc = new TextEncoder();

function fixture(file: string): { name: string; bytes: Uint8Array } {
  return { name: `fixtures/logs/json/${file}`, bytes: new Uint8Array(readFileSync(path.join(fixtureDir, file))) };
}

function winner(input: { name: string; bytes: Uint8Array }): LogParser {
  const head = headText(input.bytes);
  let best: LogParser | undefined;
  let bestScore = 0;
  for (const p of jsonParsers) {
    const s = p.sniff(head, input.name);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThanOrEqual(1);
    if (s > bestScore) {
      best = p;
      bestScore = s;
    }
  }
  if (!best) throw new Error(`no parser claims ${input.name}`);
  return best;
}

/** Sniff among the JSON parsers, check the winner, parse with it. */
function parseFixture(file: string, expected: LogParser): ParsedLog {
  const input = fixture(file);
  expect(winner(input).id).toBe(expected.id);
  return expected.parse(input);
}

function metric(log: ParsedLog, name: string): RawMetric {
  const m = log.runs[0].metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name}; have ${log.runs[0].metrics.map((x) => x.name).join(', ')}`);
  return m;
}

const names = (log: ParsedLog): string[] => log.runs[0].metrics.map((m) => m.name);
const arr = (a: Float64Array | Int32Array | undefined): number[] => Array.from(a ?? []);

function bytes(text: string): Uint8Array {
  return enc.encode(text);
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('kerasHistoryParser', () => {
  it('reads a dict of lists: index = 0-based epoch, NaN kept', () => {
    const log = parseFixture('keras_history.json', kerasHistoryParser);
    expect(log.format).toBe('keras-history-json');
    expect(log.runs[0].name).toBe('keras_history');
    expect(names(log)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy', 'learning_rate']);
    const loss = metric(log, 'loss');
    expect(arr(loss.value).slice(0, 3)).toEqual([0.92, 0.71, 0.55]);
    expect(Number.isNaN(loss.value[3])).toBe(true);
    expect(arr(loss.epoch)).toEqual([0, 1, 2, 3]);
    expect(loss.step).toBeUndefined();
    expect(arr(loss.line)).toEqual([1, 2, 3, 4]);
    expect(log.runs[0].warnings).toEqual([]);
  });

  it('reads a pandas DataFrame.to_json dict of dicts: sparse columns, empty ones skipped, timings dropped', () => {
    const log = parseFixture('pandas_history.json', kerasHistoryParser);
    expect(names(log)).toEqual(['loss', 'val_loss']);
    expect(arr(metric(log, 'loss').epoch)).toEqual([0, 1, 2, 3, 4]);
    const val = metric(log, 'val_loss');
    expect(arr(val.value)).toEqual([0.5, 0.44, 0.47]);
    expect(arr(val.epoch)).toEqual([0, 2, 4]);
  });

  it('uses an explicit epoch list and a nested {"history": {...}} dump', () => {
    const log = kerasHistoryParser.parse({
      name: 'h.json',
      bytes: bytes('{"history": {"loss": [3, 2, 1], "val_loss": ["3.5", "2.5", null]}, "epoch": [1, 2, 3], "params": {"epochs": 3}}'),
    });
    expect(arr(metric(log, 'loss').epoch)).toEqual([1, 2, 3]);
    expect(arr(metric(log, 'val_loss').value)).toEqual([3.5, 2.5]);
    expect(arr(metric(log, 'val_loss').epoch)).toEqual([1, 2]);
  });

  it('throws when no list holds numbers, and for a non-object document', () => {
    const e = thrown(() => kerasHistoryParser.parse({ name: 'h.json', bytes: bytes('{"names": ["a", "b"], "acc": {}}') }));
    expect(e.message).toMatch(/no metrics found/);
    expect(thrown(() => kerasHistoryParser.parse({ name: 'h.json', bytes: bytes('[1, 2]') })).message).toMatch(
      /expected a JSON object/,
    );
  });
});

describe('hfTrainerStateParser', () => {
  it('splits train and eval entries at the same step, skips the summary and timing keys', () => {
    const log = parseFixture('trainer_state.json', hfTrainerStateParser);
    expect(log.format).toBe('hf-trainer-state');
    expect(log.runs[0].name).toBe('trainer_state');
    expect(names(log)).toEqual(['grad_norm', 'learning_rate', 'loss', 'eval_accuracy', 'eval_loss']);
    const loss = metric(log, 'loss');
    expect(arr(loss.value)).toEqual([1.2, 0.9, 0.8]);
    expect(arr(loss.step)).toEqual([50, 100, 150]);
    expect(arr(loss.epoch)).toEqual([0.5, 1, 1.5]);
    expect(arr(loss.line)).toEqual([1, 3, 5]); // log_history record numbers
    const ev = metric(log, 'eval_loss');
    expect(arr(ev.value)).toEqual([1.05, 0.95]);
    expect(arr(ev.step)).toEqual([50, 100]);
    expect(ev.roleHint).toBeUndefined();
    const gn = metric(log, 'grad_norm');
    expect(Number.isNaN(gn.value[2])).toBe(true); // bare NaN token in the JSON
  });

  it('keeps each eval set of a multi-eval run as its own metric', () => {
    const log = parseFixture('trainer_state_multi_eval.json', hfTrainerStateParser);
    expect(names(log)).toEqual([
      'eval_g0_accuracy',
      'eval_g0_loss',
      'eval_g1_accuracy',
      'eval_g1_loss',
      'grad_norm',
      'learning_rate',
      'loss',
    ]);
    expect(arr(metric(log, 'eval_g1_loss').value)).toEqual([4.1, 1.6, 1.9]);
    expect(arr(metric(log, 'eval_g1_loss').step)).toEqual([0, 10, 20]);
    expect(arr(metric(log, 'loss').step)).toEqual([10, 20]);
  });

  it('throws without log_history, and on a log_history with only the summary', () => {
    expect(thrown(() => hfTrainerStateParser.parse({ name: 's.json', bytes: bytes('{"global_step": 3}') })).message).toMatch(
      /log_history/,
    );
    const e = thrown(() =>
      hfTrainerStateParser.parse({
        name: 's.json',
        bytes: bytes('{"log_history": [{"epoch": 1, "step": 3, "train_loss": 0.5, "train_runtime": 2, "total_flos": 1}]}'),
      }),
    );
    expect(e.message).toMatch(/no metrics found/);
    expect(e.code).toBe('no-metrics');
  });
});

describe('jsonRecordsParser', () => {
  it('reads an array of records: nulls and strings skipped, non-records warned with their index', () => {
    const log = parseFixture('records.json', jsonRecordsParser);
    expect(log.format).toBe('json-records');
    expect(names(log)).toEqual(['loss', 'val_loss', 'lr']); // epoch_time is a timing, note a string
    expect(arr(metric(log, 'loss').epoch)).toEqual([1, 2, 3, 4]);
    expect(arr(metric(log, 'loss').line)).toEqual([1, 2, 3, 5]);
    expect(arr(metric(log, 'val_loss').epoch)).toEqual([1, 2, 4]);
    expect(metric(log, 'loss').step).toBeUndefined();
    expect(log.runs[0].warnings).toEqual([
      { code: 'bad-record', message: 'record #4 is not an object; skipped', line: 4 },
    ]);
  });

  it('finds the record array inside an object and flattens nested groups', () => {
    const log = parseFixture('records_history_object.json', jsonRecordsParser);
    expect(names(log)).toEqual(['train/loss', 'train/acc', 'val/loss']);
    expect(arr(metric(log, 'val/loss').step)).toEqual([100, 200, 300]);
    expect(arr(metric(log, 'train/loss').value)).toEqual([2.1, 1.7, 1.5]);
  });

  it('takes a non-HF {"log_history": [...]} (no step, no HF fields)', () => {
    const input = { name: 'log.json', bytes: bytes('{"log_history": [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.4}]}') };
    expect(winner(input).id).toBe('json-records');
    const log = jsonRecordsParser.parse(input);
    expect(arr(metric(log, 'loss').value)).toEqual([0.5, 0.4]);
  });

  it('throws on an array of arrays or an object without records', () => {
    expect(thrown(() => jsonRecordsParser.parse({ name: 'r.json', bytes: bytes('[[1, 2, 3]]') })).message).toMatch(
      /array of records/,
    );
    expect(thrown(() => jsonRecordsParser.parse({ name: 'r.json', bytes: bytes('{"a": 1}') })).message).toMatch(
      /no array of records/,
    );
    expect(thrown(() => jsonRecordsParser.parse({ name: 'r.json', bytes: bytes('[{"name": "x"}]') })).message).toMatch(
      /no metrics found/,
    );
  });
});

describe('tbExportJsonParser', () => {
  it('reads [[wall, step, value]]: tag = metric, run folder = role, restarts kept in file order', () => {
    const log = parseFixture('run-validation-tag-epoch_loss.json', tbExportJsonParser);
    expect(log.format).toBe('tb-export-json');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].name).toBe('validation');
    const m = log.runs[0].metrics[0];
    expect(m.name).toBe('epoch_loss');
    expect(m.roleHint).toBe('val');
    expect(arr(m.step)).toEqual([43, 46, 72, 95, 68, 130, 135]);
    expect(arr(m.value).slice(0, 6)).toEqual([2.84, 2.84, 2.87, 2.78, 2.85, 2.8]);
    expect(Number.isNaN(m.value[6])).toBe(true);
    expect(m.epoch).toBeUndefined();
  });

  it('maps run names to roles and falls back to the file name', () => {
    const pts = bytes('[[1.0, 1, 0.5], [2.0, 2, 0.4]]');
    const train = tbExportJsonParser.parse({ name: 'dl/run-train-tag-loss.json', bytes: pts });
    expect(train.runs[0].metrics[0].roleHint).toBe('train');
    expect(tbExportJsonParser.parse({ name: 'run-test-tag-acc.json', bytes: pts }).runs[0].metrics[0].roleHint).toBe('test');
    const dot = tbExportJsonParser.parse({ name: 'run-.-tag-loss.json', bytes: pts });
    expect(dot.runs[0].metrics[0].roleHint).toBeUndefined();
    const other = tbExportJsonParser.parse({ name: 'losses.json', bytes: pts });
    expect(other.runs[0].name).toBe('losses');
    expect(other.runs[0].metrics[0].name).toBe('losses');
  });

  it('reads the multi-run form and warns on bad points', () => {
    const log = tbExportJsonParser.parse({
      name: 'run-x-tag-loss.json',
      bytes: bytes('{"train": [[1, 1, 0.9], [2, 2, 0.8]], "validation": [[1, 1, 1.0], [2, "x"]]}'),
    });
    expect(log.runs.map((r) => r.name)).toEqual(['train', 'validation']);
    expect(log.runs[1].metrics[0].roleHint).toBe('val');
    expect(arr(log.runs[1].metrics[0].value)).toEqual([1.0]);
    expect(log.runs[1].warnings[0]).toMatchObject({ code: 'bad-point', line: 2 });
  });

  it('throws when there is no point', () => {
    expect(thrown(() => tbExportJsonParser.parse({ name: 'run-a-tag-b.json', bytes: bytes('[]') })).message).toMatch(
      /no \[wall_time, step, value\] points/,
    );
  });
});

describe('jsonlParser', () => {
  it('mmengine scalars.json: val rows with step = epoch go to the last train step of that epoch', () => {
    const log = parseFixture('mmengine_scalars.json', jsonlParser);
    expect(log.format).toBe('jsonl');
    expect(names(log)).toEqual(['lr', 'loss', 'loss_cls', 'loss_bbox', 'coco/bbox_mAP', 'coco/bbox_mAP_50']);
    const loss = metric(log, 'loss');
    expect(arr(loss.step)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(arr(loss.epoch)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(loss.roleHint).toBeUndefined();
    const map = metric(log, 'coco/bbox_mAP');
    expect(map.roleHint).toBe('val');
    expect(arr(map.value)).toEqual([0.101, 0.153]);
    expect(arr(map.step)).toEqual([30, 60]);
    expect(arr(map.epoch)).toEqual([1, 2]);
    expect(arr(map.line)).toEqual([4, 8]);
  });

  it('mmcv .log.json: env line skipped, NaN/Infinity tokens, global steps, val rows at the last train step', () => {
    const log = parseFixture('mmcv.log.json', jsonlParser);
    expect(names(log)).toEqual([
      'lr',
      'loss_cls',
      'loss_bbox',
      'loss',
      'grad_norm',
      'bbox_mAP',
      'bbox_mAP_50',
      'val_loss',
    ]);
    const loss = metric(log, 'loss');
    expect(loss.roleHint).toBe('train');
    // itersPerEpoch = 160 (the val row's iter = epoch length)
    expect(arr(loss.step)).toEqual([50, 100, 150, 210, 260, 310]);
    expect(arr(loss.epoch)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(arr(loss.value).slice(0, 3)).toEqual([3.07586, 2.35851, 2.1]);
    expect(Number.isNaN(loss.value[3])).toBe(true);
    expect(Number.isNaN(loss.value[4])).toBe(true);
    expect(loss.value[5]).toBe(-Infinity);
    expect(metric(log, 'grad_norm').value[4]).toBe(Infinity);
    expect(arr(loss.line)).toEqual([2, 3, 4, 7, 8, 9]);
    const map = metric(log, 'bbox_mAP');
    expect(map.roleHint).toBe('val');
    expect(arr(map.step)).toEqual([150]);
    expect(arr(map.epoch)).toEqual([1]);
    // a val-workflow loss collides with the train loss → val_loss
    const vl = metric(log, 'val_loss');
    expect(vl.roleHint).toBe('val');
    expect(arr(vl.value)).toEqual([2.4]);
    expect(arr(vl.step)).toEqual([150]);
    // val rows' lr copies are not a second lr series
    expect(arr(metric(log, 'lr').value)).toHaveLength(6);
    expect(log.runs[0].warnings).toEqual([]);
  });

  it('mmcv with a global iter counter keeps iter as the step', () => {
    const text = [
      '{"mode": "train", "epoch": 1, "iter": 50, "loss": 1.0}',
      '{"mode": "train", "epoch": 1, "iter": 100, "loss": 0.9}',
      '{"mode": "train", "epoch": 2, "iter": 150, "loss": 0.8}',
    ].join('\n');
    const log = jsonlParser.parse({ name: 'x.log.json', bytes: bytes(text) });
    expect(arr(metric(log, 'loss').step)).toEqual([50, 100, 150]);
  });

  it('detectron2 metrics.json: iteration = step, eval lines are val, timings dropped', () => {
    const log = parseFixture('detectron2_metrics.json', jsonlParser);
    expect(names(log)).not.toContain('eta_seconds');
    expect(names(log)).not.toContain('data_time');
    expect(names(log)).not.toContain('rank_data_time');
    expect(names(log)).not.toContain('time');
    const tl = metric(log, 'total_loss');
    expect(arr(tl.step)).toEqual([19, 39, 59]);
    expect(tl.roleHint).toBeUndefined();
    expect(metric(log, 'roi_head/num_fg_samples').value).toHaveLength(3);
    const ap = metric(log, 'bbox/AP');
    expect(ap.roleHint).toBe('val');
    expect(arr(ap.value)).toEqual([1.25, 3.5]);
    expect(arr(ap.step)).toEqual([39, 59]);
    expect(ap.epoch).toBeUndefined();
  });

  it('fairseq json log: prefixed lines, string numbers, num_updates steps, valid lines', () => {
    const log = parseFixture('fairseq_train.log', jsonlParser);
    expect(names(log)).toEqual([
      'loss',
      'ppl',
      'lr',
      'gnorm',
      'loss_scale',
      'valid_loss',
      'valid_ppl',
      'valid_best_loss',
      'train_loss',
      'train_ppl',
      'train_lr',
      'train_gnorm',
      'train_loss_scale',
    ]);
    const loss = metric(log, 'loss');
    expect(loss.roleHint).toBe('train');
    expect(loss.value[0]).toBe(21.229);
    expect(loss.value[1]).toBe(12.5);
    expect(Number.isNaN(loss.value[2])).toBe(true); // "nan" string
    expect(metric(log, 'gnorm').value[2]).toBe(Infinity);
    expect(arr(loss.step)).toEqual([100, 200, 300]);
    expect(arr(loss.epoch)).toEqual([1, 1, 2]);
    expect(arr(loss.line)).toEqual([8, 9, 12]);
    const vl = metric(log, 'valid_loss');
    expect(vl.roleHint).toBe('val');
    expect(arr(vl.value)).toEqual([9.1, 8.7]);
    expect(arr(vl.step)).toEqual([200, 300]);
    expect(arr(metric(log, 'train_loss').step)).toEqual([200]);
    // the config dump (Python dict repr) and the model printout are plain log lines
    expect(log.runs[0].warnings).toEqual([]);
  });

  it('LLaMA-Factory trainer_log.jsonl: current_steps = step, eval and loss-less lines', () => {
    const log = parseFixture('llamafactory_trainer_log.jsonl', jsonlParser);
    expect(names(log)).toEqual(['loss', 'learning_rate', 'eval_loss']);
    const loss = metric(log, 'loss');
    expect(arr(loss.step)).toEqual([10, 20, 30, 40]);
    expect(arr(loss.epoch)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(arr(metric(log, 'eval_loss').step)).toEqual([20]);
    expect(metric(log, 'eval_loss').roleHint).toBeUndefined();
  });

  it('mode field: train/val/eval/test roles, colliding names prefixed', () => {
    const log = parseFixture('mode_records.jsonl', jsonlParser);
    const byName = Object.fromEntries(log.runs[0].metrics.map((m) => [m.name, m]));
    expect(Object.keys(byName)).toEqual(['loss', 'acc', 'val_loss', 'val_acc', 'test_loss', 'f1']);
    expect(byName.loss.roleHint).toBe('train');
    expect(arr(byName.val_loss.value)).toEqual([1.0, 0.95]); // val and eval rows
    expect(byName.val_loss.roleHint).toBe('val');
    expect(arr(byName.val_loss.step)).toEqual([100, 200]);
    expect(byName.test_loss.roleHint).toBe('test');
    expect(byName.f1.roleHint).toBe('test');
  });

  it('warns about a bad middle line and a trailing partial line, naming them', () => {
    const log = parseFixture('live_partial.jsonl', jsonlParser);
    expect(arr(metric(log, 'loss').step)).toEqual([1, 2, 3, 5]);
    const w = log.runs[0].warnings;
    expect(w.map((x) => [x.code, x.line])).toEqual([
      ['bad-line', 3],
      ['bad-line', 5],
      ['partial-line', 7],
    ]);
    expect(w[0].message).toMatch(/line 3/);
    expect(w[1].message).toMatch(/line 5: invalid JSON \(expected a value, found "," at column 21\)/);
    expect(w[2].message).toMatch(/line 7 is incomplete/);
  });

  it('summarises floods of bad lines', () => {
    const lines = ['{"step": 1, "loss": 1}'];
    for (let i = 0; i < 15; i++) lines.push('{oops');
    lines.push('{"step": 2, "loss": 0.5}');
    const log = jsonlParser.parse({ name: 'x.jsonl', bytes: bytes(lines.join('\n')) });
    const w = log.runs[0].warnings;
    expect(w).toHaveLength(11);
    expect(w[10].message).toMatch(/5 more 'bad-line' warnings/);
  });

  it("throws 'no metrics found' when lines hold only counters and timings", () => {
    const input = fixture('no_metrics_trainer_log.jsonl');
    expect(winner(input).id).toBe('jsonl');
    const e = thrown(() => jsonlParser.parse(input));
    expect(e.message).toMatch(/no metrics found/);
    expect(e.message).toContain('no_metrics_trainer_log.jsonl');
    expect(e.code).toBe('no-metrics');
  });

  it('throws on empty input, on no JSON line, and on a whole JSON document', () => {
    expect(thrown(() => jsonlParser.parse({ name: 'e.jsonl', bytes: bytes('') })).message).toMatch(/empty/);
    expect(thrown(() => jsonlParser.parse({ name: 'e.jsonl', bytes: bytes('\n  \n') })).message).toMatch(/empty/);
    const e = thrown(() => jsonlParser.parse({ name: 'e.jsonl', bytes: bytes('hello\nworld\n') }));
    expect(e.message).toMatch(/^e\.jsonl:1: no JSON object lines/);
    expect(thrown(() => jsonlParser.parse({ name: 'e.json', bytes: bytes('{\n "loss": [1, 2]\n}\n') })).message).toMatch(
      /single JSON document/,
    );
  });
});

describe('whole-document errors', () => {
  const docParsers = [kerasHistoryParser, hfTrainerStateParser, jsonRecordsParser, tbExportJsonParser];

  it.each(docParsers.map((p) => [p.id, p] as const))('%s: empty input', (_id, p) => {
    const e = thrown(() => p.parse({ name: 'x.json', bytes: new Uint8Array(0) }));
    expect(e.message).toMatch(/empty/);
  });

  it.each(docParsers.map((p) => [p.id, p] as const))('%s: invalid JSON names line and column', (_id, p) => {
    const e = thrown(() => p.parse({ name: 'x.json', bytes: bytes('{\n  "loss": [1, 2,, 3]\n}') }));
    expect(e.message).toBe('x.json:2: invalid JSON at line 2, column 17: expected a value, found ","');
    expect(e.code).toBe('bad-json');
  });

  it('a truncated document reports the end of input', () => {
    const e = thrown(() => hfTrainerStateParser.parse({ name: 's.json', bytes: bytes('{"log_history": [\n {"loss": 1,') }));
    expect(e.message).toMatch(/^s\.json:2: invalid JSON at line 2, column 13: unexpected end of input/);
  });
});

describe('sniffing', () => {
  const csvHead = 'epoch,loss,val_loss\n0,0.9,1.0\n1,0.8,0.95\n';
  it('every JSON parser scores 0 on CSV and plain text', () => {
    for (const p of jsonParsers) {
      expect(p.sniff(csvHead, 'training.log')).toBe(0);
      expect(p.sniff('Epoch 1/10\n loss: 0.5\n', 'out.txt')).toBe(0);
      expect(p.sniff('', 'x')).toBe(0);
    }
  });

  it('documented scores', () => {
    const trainerState = headText(fixture('trainer_state.json').bytes);
    expect(hfTrainerStateParser.sniff(trainerState, 'trainer_state.json')).toBe(0.95);
    expect(tbExportJsonParser.sniff('[[1575618724.7, 43, 2.84], [1575618728.6, 46', 'x.json')).toBe(0.95);
    expect(jsonlParser.sniff('{"a": 1}\n{"a": 2}\n', 'x')).toBe(0.85);
    expect(kerasHistoryParser.sniff('{"loss": [0.5, 0.4]}', 'h.json')).toBe(0.85);
    expect(jsonRecordsParser.sniff('[{"epoch": 1, "loss": 0.5}]', 'r.json')).toBe(0.6);
  });

  it('an mmcv env_info line longer than the head still sniffs as JSON lines', () => {
    const head = `{"env_info": "sys.platform: linux\\n${'x'.repeat(9000)}`.slice(0, 8192);
    const scores = jsonParsers.map((p) => [p.id, p.sniff(head, 'run.log.json')] as const);
    const best = scores.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(best).toEqual(['jsonl', 0.85]);
  });

  it('a one-line Keras history is not taken for JSON lines', () => {
    const input = fixture('keras_history.json');
    const head = headText(input.bytes);
    expect(kerasHistoryParser.sniff(head, input.name)).toBeGreaterThan(jsonlParser.sniff(head, input.name));
  });

  it('sniff never throws on odd heads', () => {
    for (const head of ['{', '[', '[[', '{"', '\uFEFF{"loss": [1]}', '{"log_history"', 'x'.repeat(10000)]) {
      for (const p of jsonParsers) expect(() => p.sniff(head, '')).not.toThrow();
    }
  });
});

describe('JSON text helpers', () => {
  it('quotes bare NaN/Infinity outside strings only', () => {
    expect(quoteNonFiniteTokens('{"a": NaN, "b": -Infinity, "c": "NaN Infinity", "d": [Infinity]}')).toBe(
      '{"a": "NaN", "b": "-Infinity", "c": "NaN Infinity", "d": ["Infinity"]}',
    );
    expect(quoteNonFiniteTokens('{"a": "x\\"NaN", "b": 1}')).toBeUndefined();
    expect(quoteNonFiniteTokens('{"NaNa": 1}')).toBeUndefined();
  });

  it('finds the first syntax error, accepting NaN tokens', () => {
    expect(findJsonError('{"a": [1, NaN, -Infinity]}')).toBeUndefined();
    expect(findJsonError('{"a": 1,}')).toEqual({ pos: 8, reason: 'expected a double-quoted property name, found "}"' });
    expect(findJsonError('[1 2]')?.pos).toBe(3);
    expect(findJsonError('{"a": 1} x')?.reason).toMatch(/unexpected text after/);
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    expect(findJsonError(deep)).toBeUndefined();
  });

  it('is linear: 8x the JSON lines (200k) cost < 24x (quadratic would be 64x)', () => {
    const input = (n: number) => {
      const lines: string[] = [];
      for (let i = 1; i <= n; i++) lines.push(`{"step": ${i}, "loss": ${i % 7 === 0 ? 'NaN' : 1 / i}, "time": 0.1}`);
      return { name: 'big.jsonl', bytes: bytes(lines.join('\n')) };
    };
    const [small, large] = [input(25_000), input(200_000)];
    expect(metric(jsonlParser.parse(large), 'loss').value).toHaveLength(200_000);
    expect(costGrowth(() => jsonlParser.parse(small), () => jsonlParser.parse(large))).toBeLessThan(24);
  });
});
