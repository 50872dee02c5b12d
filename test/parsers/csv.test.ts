import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedLog, RawMetric, RawRun } from '../../src/core/types.js';
import { InputError } from '../../src/errors.js';
import {
  csvParsers,
  genericCsvParser,
  kerasCsvParser,
  lightningCsvParser,
  parseTbExportName,
  roleFromRun,
  tbExportCsvParser,
  wandbCsvParser,
  yoloCsvParser,
} from '../../src/parsers/csv.js';
import { headText } from '../../src/parsers/text.js';
import type { LogParser, ParserInput } from '../../src/parsers/types.js';
import { costGrowth } from '../helpers/growth.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/logs/csv/', import.meta.url));

function fixture(rel: string): ParserInput {
  const name = FIXTURES + rel;
  return { name, bytes: new Uint8Array(readFileSync(name)) };
}

function inline(name: string, text: string): ParserInput {
  return { name, bytes: new TextEncoder().encode(text) };
}

/** The CSV-family parser with the highest sniff score (first wins on ties). */
function bestParser(input: ParserInput): { parser: LogParser; score: number } {
  const head = headText(input.bytes);
  let best = csvParsers[0];
  let score = -1;
  for (const p of csvParsers) {
    const s = p.sniff(head, input.name);
    if (s > score) {
      best = p;
      score = s;
    }
  }
  return { parser: best, score };
}

function parseBest(input: ParserInput): { id: string; log: ParsedLog } {
  const { parser } = bestParser(input);
  return { id: parser.id, log: parser.parse(input) };
}

function only(log: ParsedLog): RawRun {
  expect(log.runs).toHaveLength(1);
  return log.runs[0];
}

function metric(run: RawRun, name: string): RawMetric {
  const m = run.metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name} in ${run.metrics.map((x) => x.name).join(', ')}`);
  return m;
}

const arr = (a: Float64Array | Int32Array | undefined): number[] => (a ? Array.from(a) : []);
const names = (run: RawRun): string[] => run.metrics.map((m) => m.name);
const codesAt = (run: RawRun): string[] => run.warnings.map((w) => `${w.code}@${w.line ?? '-'}`);

function expectInputError(fn: () => unknown, message: RegExp): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(message);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('Keras CSVLogger', () => {
  it('keeps appended runs in file order, reads NA as missing and warns at each restart', () => {
    const input = fixture('keras_na_appended.csv');
    const { id, log } = parseBest(input);
    expect(id).toBe('keras-csv');
    expect(log.format).toBe('keras-csv');
    const run = only(log);
    expect(run.name).toBe('keras_na_appended');
    expect(names(run)).toEqual(['accuracy', 'learning_rate', 'loss', 'val_accuracy', 'val_loss']);

    const loss = metric(run, 'loss');
    expect(loss.value).toBeInstanceOf(Float64Array);
    expect(loss.value).toHaveLength(7);
    expect(arr(loss.epoch)).toEqual([0, 1, 2, 0, 1, 0, 1]);
    expect(arr(loss.line)).toEqual([2, 3, 4, 6, 7, 8, 9]); // line 5 is the repeated header
    expect(loss.step).toBeUndefined();
    expect(loss.value[0]).toBeCloseTo(1.3862);
    expect(Number.isNaN(loss.value[5])).toBe(true); // `nan` is a point

    const valLoss = metric(run, 'val_loss');
    expect(arr(valLoss.line)).toEqual([2, 4, 6, 7, 8, 9]); // NA at line 3 is no point
    expect(arr(valLoss.epoch)).toEqual([0, 2, 0, 1, 0, 1]);
    expect(valLoss.value[4]).toBe(Infinity);
    expect(arr(metric(run, 'learning_rate').value)).toEqual([0.001, 0.001, 0.001, 0.0005, 0.0005, 0.0001, 0.0001]);

    expect(codesAt(run)).toEqual(['restart@6', 'restart@8']);
    expect(run.warnings[0].message).toMatch(/header is repeated at line 5/);
    expect(run.warnings[1].message).toMatch(/epoch goes back from 1 to 0/);
  });

  it('reads a semicolon-separated Keras 2 log', () => {
    const { id, log } = parseBest(fixture('keras_semicolon.log'));
    expect(id).toBe('keras-csv');
    const run = only(log);
    expect(names(run)).toEqual(['acc', 'loss', 'lr', 'val_acc', 'val_loss']);
    expect(arr(metric(run, 'val_loss').epoch)).toEqual([0, 1, 2, 3]);
    expect(arr(metric(run, 'lr').value)).toEqual([0.001, 0.001, 0.0005, 0.0005]);
    expect(run.warnings).toEqual([]);
  });

  it('reads the `\\r\\r\\n` line endings of some Windows logs', () => {
    const input = inline('training_log.csv', 'epoch,accuracy,loss,val_accuracy,val_loss\r\r\n0,0.88,0.36,0.27,3.64\r\r\n1,0.97,0.095,0.98,0.049\r\r\n');
    const { id, log } = parseBest(input);
    expect(id).toBe('keras-csv');
    const run = only(log);
    expect(arr(metric(run, 'loss').value)).toEqual([0.36, 0.095]);
    expect(arr(metric(run, 'loss').line)).toEqual([2, 3]);
    expect(run.warnings).toEqual([]);
  });

  it('keeps an epoch that repeats (a one-epoch run appended) as a restart', () => {
    const run = only(kerasCsvParser.parse(inline('log.csv', 'epoch,loss\n0,1.0\n0,0.9\n1,0.8\n')));
    expect(arr(metric(run, 'loss').epoch)).toEqual([0, 0, 1]);
    expect(codesAt(run)).toEqual(['restart@3']);
  });
});

describe('Lightning metrics.csv', () => {
  it('reads sparse rows with step and epoch per point', () => {
    const input = fixture('lightning/version_3/metrics.csv');
    const { id, log } = parseBest(input);
    expect(id).toBe('lightning-csv');
    const run = only(log);
    expect(run.name).toBe('version_3');
    expect(names(run)).toEqual(['lr-Adam', 'train_loss_epoch', 'train_loss_step', 'val_acc', 'val_loss']);

    const step = metric(run, 'train_loss_step');
    expect(arr(step.step)).toEqual([49, 99, 149, 199, 249]);
    expect(arr(step.epoch)).toEqual([0, 0, 1, 1, 1]);
    expect(arr(step.line)).toEqual([3, 4, 7, 9, 10]);
    expect(Number.isNaN(step.value[3])).toBe(true);

    const lr = metric(run, 'lr-Adam');
    expect(arr(lr.value)).toEqual([0.001, 0.0005]);
    expect(arr(lr.step)).toEqual([0, 150]);
    expect(arr(lr.epoch).every(Number.isNaN)).toBe(true); // lr rows carry no epoch

    const val = metric(run, 'val_loss');
    expect(arr(val.step)).toEqual([124, 249]);
    expect(arr(val.line)).toEqual([5, 11]);
    expect(arr(metric(run, 'train_loss_epoch').value)).toEqual([0.801, 0.6012]);
    expect(run.warnings).toEqual([]);
  });

  it('sniffs epoch+step tables, strongest when sparse or named metrics.csv', () => {
    const dense = 'step,epoch,train_loss\n0,0,1.5\n1,0,1.4\n';
    expect(lightningCsvParser.sniff(dense, 'x.csv')).toBe(0.6);
    expect(lightningCsvParser.sniff(dense, 'lightning_logs/version_0/metrics.csv')).toBe(0.9);
    expect(lightningCsvParser.sniff('epoch,step,train_loss,val_loss\n0,49,0.2,\n0,68,,0.21\n', 'a.csv')).toBe(0.9);
    expect(bestParser(inline('x.csv', dense)).parser.id).toBe('lightning-csv');
  });

  it('warns when the step goes back (a resumed run writing to the same file)', () => {
    const run = only(lightningCsvParser.parse(inline('metrics.csv', 'epoch,step,loss\n0,10,1\n0,20,0.9\n0,10,0.95\n0,20,0.85\n')));
    expect(codesAt(run)).toEqual(['restart@4']);
    expect(arr(metric(run, 'loss').step)).toEqual([10, 20, 10, 20]);
  });
});

describe('YOLO results.csv', () => {
  it('strips the YOLOv5 padding and keeps resumed epochs in file order', () => {
    const { id, log } = parseBest(fixture('yolov5_padded/results.csv'));
    expect(id).toBe('yolo-csv');
    const run = only(log);
    expect(run.name).toBe('yolov5_padded');
    expect(names(run)).toEqual([
      'train/box_loss',
      'train/obj_loss',
      'train/cls_loss',
      'metrics/precision',
      'metrics/recall',
      'metrics/mAP_0.5',
      'metrics/mAP_0.5:0.95',
      'val/box_loss',
      'val/obj_loss',
      'val/cls_loss',
      'x/lr0',
      'x/lr1',
      'x/lr2',
    ]);
    const box = metric(run, 'train/box_loss');
    expect(arr(box.epoch)).toEqual([0, 1, 2, 3, 2, 3, 4]);
    expect(box.value[0]).toBe(0.10928);
    expect(box.value[4]).toBe(0.071002);
    expect(arr(metric(run, 'train/cls_loss').value)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(metric(run, 'metrics/mAP_0.5:0.95').value[6]).toBe(0.19045);
    expect(codesAt(run)).toEqual(['restart@6']);
  });

  it('reads the unpadded YOLOv8 layout with 1-based epochs', () => {
    const { id, log } = parseBest(fixture('yolov8_results.csv'));
    expect(id).toBe('yolo-csv');
    const run = only(log);
    expect(run.metrics).toHaveLength(14);
    expect(names(run)).toContain('metrics/mAP50-95(B)');
    expect(names(run)).toContain('time');
    expect(names(run)).not.toContain('epoch');
    const val = metric(run, 'val/dfl_loss');
    expect(arr(val.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(arr(val.value)).toEqual([1.86391, 2.14103, 2.49272, 1.9922, 1.7551]);
    expect(arr(metric(run, 'lr/pg2').line)).toEqual([2, 3, 4, 5, 6]);
    expect(run.warnings).toEqual([]);
  });

  it('sniffs YOLO headers above every other CSV parser', () => {
    const head = 'epoch,train/box_loss,val/box_loss\n1,1.2,1.3\n';
    expect(yoloCsvParser.sniff(head, 'r.csv')).toBe(0.9);
    expect(bestParser(inline('r.csv', head)).parser.id).toBe('yolo-csv');
  });
});

describe('W&B chart export', () => {
  it('makes one run per prefix, drops __MIN/__MAX and skips empty cells', () => {
    const { id, log } = parseBest(fixture('wandb_two_runs.csv'));
    expect(id).toBe('wandb-csv');
    expect(log.format).toBe('wandb-csv');
    expect(log.runs.map((r) => r.name)).toEqual(['lucky-sun-2', 'brisk-wave-1']);
    const [lucky, brisk] = log.runs;
    expect(names(lucky)).toEqual(['train/loss']);
    expect(names(brisk)).toEqual(['train/loss']);
    expect(arr(lucky.metrics[0].value)).toEqual([2.31, 1.82, 1.51]);
    expect(arr(lucky.metrics[0].step)).toEqual([0, 100, 200]);
    expect(arr(brisk.metrics[0].value)).toEqual([2.4, 1.95, 1.7, 1.52]);
    expect(arr(brisk.metrics[0].step)).toEqual([0, 200, 300, 400]);
    expect(arr(brisk.metrics[0].line)).toEqual([2, 4, 5, 6]);
    expect(lucky.metrics[0].epoch).toBeUndefined();
    expect(lucky.warnings).toEqual([]);
  });

  it('takes a run’s step from its `_step` column and an epoch-like x column as epoch', () => {
    const { id, log } = parseBest(fixture('wandb_epoch_x.csv'));
    expect(id).toBe('wandb-csv');
    const run = only(log);
    expect(run.name).toBe('calm-fox-7');
    expect(names(run)).toEqual(['val_loss']);
    const m = run.metrics[0];
    expect(arr(m.step)).toEqual([10, 20, 30]);
    expect(arr(m.epoch)).toEqual([0, 1, 2]);
    expect(Number.isNaN(m.value[2])).toBe(true);
  });

  it('does not use a wall-clock x axis as the step', () => {
    const log = wandbCsvParser.parse(
      inline('w.csv', '"Relative Time (Process)","r-1 - loss","r-1 - loss__MIN","r-1 - loss__MAX"\n"12.5","1.0","1.0","1.0"\n"30.1","0.8","0.8","0.8"\n'),
    );
    const run = only(log);
    expect(names(run)).toEqual(['loss']);
    expect(run.metrics[0].step).toBeUndefined();
    expect(arr(run.metrics[0].value)).toEqual([1.0, 0.8]);
  });

  it('reads an export whose first column is already a run column', () => {
    const log = wandbCsvParser.parse(inline('wandb_export.csv', 'a-1 - loss,b-2 - loss\n1.0,2.0\n0.5,\n'));
    expect(log.runs.map((r) => [r.name, arr(r.metrics[0].value)])).toEqual([
      ['a-1', [1.0, 0.5]],
      ['b-2', [2.0]],
    ]);
    expect(log.runs[0].metrics[0].step).toBeUndefined();
  });
});

describe('TensorBoard CSV export', () => {
  it('names the metric after the tag and hints the role from the run folder', () => {
    const input = fixture('run-validation-tag-epoch_loss.csv');
    const { id, log } = parseBest(input);
    expect(id).toBe('tb-export-csv');
    expect(bestParser(input).score).toBe(0.95);
    const run = only(log);
    expect(run.name).toBe('validation');
    expect(names(run)).toEqual(['epoch_loss']);
    const m = run.metrics[0];
    expect(m.roleHint).toBe('val');
    expect(arr(m.step)).toEqual([0, 1, 2, 3]);
    expect(arr(m.value)).toEqual([0.9123, 0.8011, 0.7702, 0.7815]);
    expect(arr(m.line)).toEqual([2, 3, 4, 5]);
    expect(run.warnings).toEqual([]);
  });

  it('keeps steps that go backwards in file order, with nan and inf', () => {
    const run = only(tbExportCsvParser.parse(fixture('run-20240101-120000_train-tag-epoch_loss.csv')));
    expect(run.name).toBe('20240101-120000_train');
    const m = metric(run, 'epoch_loss');
    expect(m.roleHint).toBe('train');
    expect(arr(m.step)).toEqual([43, 46, 95, 68, 130, 135]);
    expect(Number.isNaN(m.value[4])).toBe(true);
    expect(m.value[5]).toBe(Infinity);
  });

  it("uses the file's base name for the `.` run and sets no role", () => {
    const run = only(tbExportCsvParser.parse(fixture('run-.-tag-lr.csv')));
    expect(run.name).toBe('run-.-tag-lr');
    expect(names(run)).toEqual(['lr']);
    expect(run.metrics[0].roleHint).toBeUndefined();
    expect(run.metrics[0].value[2]).toBe(0.019999999552965164);
  });

  it('falls back to the base name when the file name has no run/tag', () => {
    const run = only(tbExportCsvParser.parse(inline('dir/losses.csv', 'Wall time,Step,Value\r\n1.5,0,2.0\r\n')));
    expect(run.name).toBe('losses');
    expect(names(run)).toEqual(['losses']);
  });

  it('parses export file names', () => {
    expect(parseTbExportName('run-train-tag-loss.csv')).toEqual({ run: 'train', tag: 'loss' });
    expect(parseTbExportName('/x/owner__repo__run-.-tag-val_loss.csv')).toEqual({ run: '.', tag: 'val_loss' });
    expect(parseTbExportName('run-logs_fit_validation-tag-epoch_accuracy (1).csv')).toEqual({
      run: 'logs_fit_validation',
      tag: 'epoch_accuracy',
    });
    expect(parseTbExportName('results.csv')).toBeUndefined();
    expect(roleFromRun('training')).toBe('train');
    expect(roleFromRun('logs_fit_20240101_validation')).toBe('val');
    expect(roleFromRun('eval')).toBe('val');
    expect(roleFromRun('test')).toBe('test');
    expect(roleFromRun('.')).toBeUndefined();
    expect(roleFromRun('trainer')).toBeUndefined();
  });
});

describe('generic CSV', () => {
  it('reads a BOM + semicolon + CRLF export with decimal commas', () => {
    const { id, log } = parseBest(fixture('generic_semicolon_bom_crlf.csv'));
    expect(id).toBe('csv');
    const run = only(log);
    expect(names(run)).toEqual(['loss', 'val_loss']);
    const loss = metric(run, 'loss');
    expect(arr(loss.value)).toEqual([2.5, 1.75, 1.5, -0.125]);
    expect(arr(loss.step)).toEqual([0, 10, 20, 30]);
    expect(arr(loss.line)).toEqual([2, 3, 4, 5]);
    expect(codesAt(run)).toEqual(['non-numeric-column@1']);
    expect(run.warnings[0].message).toMatch(/'note'/);
  });

  it('reads tab-separated values with nan, inf, -inf and empty cells', () => {
    const { id, log } = parseBest(fixture('generic_tab.tsv'));
    expect(id).toBe('csv');
    const run = only(log);
    expect(names(run)).toEqual(['loss', 'grad_norm', 'lr']);
    const loss = metric(run, 'loss');
    expect(arr(loss.step)).toEqual([0, 50, 100, 150, 200]);
    expect(loss.value[0]).toBe(3.21);
    expect(Number.isNaN(loss.value[2])).toBe(true);
    expect(Number.isNaN(loss.value[4])).toBe(true);
    expect(arr(metric(run, 'grad_norm').value)).toEqual([12.5, 9.1, Infinity, -Infinity, 7.7]);
    const lr = metric(run, 'lr');
    expect(arr(lr.step)).toEqual([0, 50, 100, 200]);
    expect(arr(lr.line)).toEqual([2, 3, 4, 6]);
    expect(run.warnings).toEqual([]);
  });

  it('reads quoted fields holding commas, quotes and a line break', () => {
    const { id, log } = parseBest(fixture('generic_quoted.csv'));
    expect(id).toBe('csv');
    const run = only(log);
    expect(names(run)).toEqual(['loss, smoothed', 'val_loss']);
    const loss = metric(run, 'loss, smoothed');
    expect(arr(loss.value)).toEqual([0.91, 0.72, 0.61, 0.55]);
    expect(arr(loss.epoch)).toEqual([1, 2, 3, 4]);
    expect(arr(loss.line)).toEqual([2, 3, 4, 6]); // the record at line 4 spans two lines
    expect(arr(metric(run, 'val_loss').value)).toEqual([0.95, 0.8, 0.77, 0.79]);
    expect(codesAt(run)).toEqual(['non-numeric-column@1']);
  });

  it('warns about ragged rows and a stray non-numeric cell, naming the lines', () => {
    const { id, log } = parseBest(fixture('generic_ragged.csv'));
    expect(id).toBe('csv');
    const run = only(log);
    expect(arr(metric(run, 'loss').value)).toEqual([0.9, 0.8, 0.7, 0.6]);
    expect(arr(metric(run, 'loss').step)).toEqual([1, 2, 3, 5]);
    expect(arr(metric(run, 'acc').value)).toEqual([0.5, 0.61, 0.64]);
    expect(arr(metric(run, 'acc').line)).toEqual([2, 4, 5]);
    expect(codesAt(run)).toEqual(['ragged-row@3', 'ragged-row@4', 'non-numeric-cell@5']);
    expect(run.warnings[2].message).toMatch(/'oops' in column 'loss'/);
  });

  it('suffixes duplicate column names', () => {
    const { id, log } = parseBest(fixture('generic_duplicate_columns.csv'));
    expect(id).toBe('csv');
    const run = only(log);
    expect(names(run)).toEqual(['loss', 'loss#2', 'acc', 'loss#3']);
    expect(arr(metric(run, 'loss#2').value)).toEqual([1.1, 0.9]);
    expect(arr(metric(run, 'loss#3').epoch)).toEqual([0, 1]);
    expect(codesAt(run)).toEqual(['duplicate-column@1', 'duplicate-column@1']);
  });

  it('skips a repeated header line with a warning', () => {
    const run = only(genericCsvParser.parse(inline('a.csv', 'step,loss\n0,1\nstep,loss\n1,0.5\n')));
    expect(arr(metric(run, 'loss').value)).toEqual([1, 0.5]);
    expect(codesAt(run)).toEqual(['repeated-header@3']);
  });

  it('leaves step/epoch undefined without an x column', () => {
    const run = only(genericCsvParser.parse(inline('a.csv', 'loss,acc\n1.0,0.5\n0.8,0.6\n')));
    expect(run.metrics[0].step).toBeUndefined();
    expect(run.metrics[0].epoch).toBeUndefined();
    expect(arr(run.metrics[0].line)).toEqual([2, 3]);
  });

  it('recognises the x column names', () => {
    for (const x of ['step', 'global_step', 'iteration', 'iter', 'Step']) {
      const run = only(genericCsvParser.parse(inline('a.csv', `${x},loss\n7,1.0\n`)));
      expect(names(run)).toEqual(['loss']);
      expect(arr(run.metrics[0].step)).toEqual([7]);
    }
    for (const x of ['epoch', 'Epoch']) {
      const run = only(genericCsvParser.parse(inline('a.csv', `${x},loss\n7,1.0\n`)));
      expect(arr(run.metrics[0].epoch)).toEqual([7]);
    }
  });

  it('reads lone CR line endings and skips blank lines', () => {
    const run = only(genericCsvParser.parse(inline('a.csv', 'step,loss\r0,1\r\r1,0.5\r')));
    expect(arr(metric(run, 'loss').value)).toEqual([1, 0.5]);
    expect(arr(metric(run, 'loss').line)).toEqual([2, 4]);
  });

  it('reads UTF-16 with a BOM', () => {
    const text = 'step,loss\n0,1.5\n1,1.25\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes[0] = 0xff;
    bytes[1] = 0xfe;
    for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
    const run = only(genericCsvParser.parse({ name: 'u16.csv', bytes }));
    expect(arr(metric(run, 'loss').value)).toEqual([1.5, 1.25]);
  });

  it('warns (once per kind, capped) about a bad step cell and uses NaN as its x', () => {
    const run = only(genericCsvParser.parse(inline('a.csv', 'step,loss\n0,1\nx,0.9\n2,0.8\n')));
    expect(arr(metric(run, 'loss').step)).toEqual([0, NaN, 2]);
    expect(codesAt(run)).toEqual(['non-numeric-cell@3']);
  });

  it('caps repeated warnings with a summary', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i}`).join('\n'); // every row ragged
    const run = only(genericCsvParser.parse(inline('a.csv', `step,loss\n${rows}\n0,1\n`)));
    const ragged = run.warnings.filter((w) => w.code === 'ragged-row');
    expect(ragged).toHaveLength(21);
    expect(ragged[20].message).toMatch(/40 more/);
  });
});

describe('errors', () => {
  const parsers = csvParsers;

  it('rejects an empty file', () => {
    for (const p of parsers) {
      expectInputError(() => p.parse(inline('e.csv', '')), /e\.csv: empty file/);
      expectInputError(() => p.parse(inline('e.csv', '\r\n\n  \n')), /empty file/);
    }
  });

  it('rejects a header without rows, naming the header line', () => {
    const input = fixture('header_only.csv');
    for (const p of parsers.filter((q) => q.id !== 'tb-export-csv')) {
      const e = expectInputError(() => p.parse(input), /header_only\.csv:1: no data rows/);
      expect(e.code).toBe('no-data');
    }
    expectInputError(
      () => tbExportCsvParser.parse(inline('run-train-tag-loss.csv', 'Wall time,Step,Value\r\n')),
      /run-train-tag-loss\.csv:1: no data rows/,
    );
  });

  it('rejects binary garbage', () => {
    const bytes = new Uint8Array(512);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    for (const p of parsers) {
      expectInputError(() => p.parse({ name: 'g.bin', bytes }), /binary/);
      expect(p.sniff(headText(bytes), 'g.bin')).toBe(0);
    }
  });

  it('rejects a table without a numeric column', () => {
    expectInputError(
      () => genericCsvParser.parse(inline('t.csv', 'name,comment\nfoo,bar\nbaz,qux\n')),
      /t\.csv:1: no numeric column/,
    );
    expectInputError(() => genericCsvParser.parse(inline('t.csv', 'epoch,step\n0,1\n')), /no value column/);
  });

  it('rejects a TensorBoard export without a Value column', () => {
    expectInputError(() => tbExportCsvParser.parse(inline('t.csv', 'a,b\n1,2\n')), /no 'Value' column/);
  });
});

describe('sniffing', () => {
  it('gives 0 for JSON, plain-text logs and headerless numbers', () => {
    const heads = [
      '{"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}',
      '[{"epoch": 1, "loss": 0.5}]',
      'Epoch 1/10\n120s - loss: 0.5432 - acc: 0.81 - val_loss: 0.61 - val_acc: 0.77\n',
      '2020-10-17 19:14:16,123 - mmdet - INFO - Epoch [1][50/742]\tlr: 1.000e-02, loss: 1.2\n',
      '1700000000 0.5 1\n1700000001 0.4 2\n',
      '0,1.5\n1,1.4\n',
      '',
    ];
    for (const head of heads) {
      for (const p of csvParsers) expect(p.sniff(head, 'x.log'), `${p.id} on ${head}`).toBe(0);
    }
  });

  it('scores each format as specified', () => {
    expect(tbExportCsvParser.sniff('Wall time,Step,Value\r\n1.5,0,2\r\n', 'a.csv')).toBe(0.95);
    expect(wandbCsvParser.sniff('"Step","r - loss","r - loss__MIN","r - loss__MAX"\n"1","2","2","2"\n', 'a.csv')).toBe(0.9);
    expect(kerasCsvParser.sniff('epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1,0.5,1\n', 'a.log')).toBe(0.8);
    expect(genericCsvParser.sniff('a,b\n1,2\n', 'a.csv')).toBe(0.3);
    expect(genericCsvParser.sniff('a;b\n1;2\n', 'a.csv')).toBe(0.3);
    expect(genericCsvParser.sniff('a\tb\n1\t2\n', 'a.tsv')).toBe(0.3);
    // A partial head (cut mid-line) still sniffs.
    expect(wandbCsvParser.sniff('"Step","run-1 - loss","run-1 - loss__MIN","run-1 - lo', 'w.csv')).toBe(0.9);
  });

  it('never throws and stays within 0..1 (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 20 }), (head, name) => {
        for (const p of csvParsers) {
          const s = p.sniff(head, name);
          expect(s >= 0 && s <= 1).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parse either succeeds or throws InputError on arbitrary delimited text (property)', () => {
    const cell = fc.constantFrom('1', '0.5', '', 'nan', 'NA', 'inf', '-inf', 'x', '"a,b"', '"q', ' 2 ', 'epoch', 'loss');
    const row = fc.array(cell, { minLength: 1, maxLength: 5 });
    const sep = fc.constantFrom(',', ';', '\t');
    const eol = fc.constantFrom('\n', '\r\n', '\r', '\r\r\n');
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), sep, eol, (rows, d, nl) => {
        const text = rows.map((r) => r.join(d)).join(nl);
        for (const p of csvParsers) {
          try {
            const log = p.parse(inline('p.csv', text));
            for (const run of log.runs) {
              for (const m of run.metrics) {
                expect(m.line?.length).toBe(m.value.length);
                if (m.step) expect(m.step.length).toBe(m.value.length);
                if (m.epoch) expect(m.epoch.length).toBe(m.value.length);
              }
            }
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('scale', () => {
  const rows = (n: number) => {
    const lines = ['step,loss,val_loss,lr'];
    for (let i = 0; i < n; i++) lines.push(`${i},${1 / (i + 1)},${i % 100 === 0 ? 0.5 : ''},0.001`);
    return inline('big.csv', lines.join('\n'));
  };

  it('parses 100k rows in linear time (8x the rows cost < 24x, quadratic would be 64x)', () => {
    const [small, large] = [rows(12_500), rows(100_000)];
    const run = only(genericCsvParser.parse(large));
    expect(metric(run, 'loss').value).toHaveLength(100_000);
    expect(metric(run, 'val_loss').value).toHaveLength(1000);
    expect(costGrowth(() => genericCsvParser.parse(small), () => genericCsvParser.parse(large))).toBeLessThan(24);
  });
});
