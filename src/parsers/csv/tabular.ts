/**
 * One-run-per-file CSV formats: generic delimited tables, Keras CSVLogger, Lightning
 * metrics.csv and Ultralytics/YOLOv5 results.csv. They share the reading; they differ in how
 * they are recognised, how the run is named and which x going back means a restart.
 */
import type { FormatId, ParsedLog, RawRun } from '../../core/types.js';
import { axisOfName } from '../axis-columns.js';
import { baseName } from '../text.js';
import { defineParser, type LogParser, type ParserInput } from '../types.js';
import { tooManySeriesWarning, seriesLimit } from '../series-cap.js';
import { collect, singleRunPlan, type CollectOptions, type TablePlan } from './collect.js';
import { collectFast } from './fast.js';
import { numericShare, openTable, sniffTable, type HeadTable } from './table.js';

/** File name without folders and extension; `-` (stdin) becomes `stdin`. */
export function stem(name: string): string {
  const base = baseName(name);
  if (base === '-' || base === '') return 'stdin';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Name of the folder holding the file, if the name has one. */
function parentDir(name: string): string | undefined {
  const parts = name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

/**
 * Run name: the file stem, or the folder when the file has the tool's fixed name
 * (`version_3/metrics.csv` → `version_3`, `runs/train/exp5/results.csv` → `exp5`).
 */
function runName(name: string, fixedStems: string[] = []): string {
  const s = stem(name);
  if (fixedStems.includes(s.toLowerCase())) return parentDir(name) ?? s;
  return s;
}

function parseTabular(
  input: ParserInput,
  format: FormatId,
  name: string,
  options: CollectOptions = {},
): ParsedLog {
  const limit = seriesLimit(input);
  let dropped = 0;
  // Columns past the limit are never read (a CSV of 100 000 columns would need gigabytes).
  const plan = (header: string[]): TablePlan => {
    const full = singleRunPlan(header, name);
    dropped = Math.max(0, full.metrics.length - limit);
    return dropped > 0 ? { ...full, metrics: full.metrics.slice(0, limit) } : full;
  };
  let runs = collectFast(input, plan, options);
  if (!runs) {
    const table = openTable(input);
    runs = collect(table, plan(table.header), options);
  }
  if (dropped > 0) for (const run of runs) run.warnings.push(tooManySeriesWarning(dropped, limit));
  return { format, runs: runs.map(rowIndexAsStep) };
}


/**
 * A table without a step or epoch column (a one-column `loss` CSV): each point's step is the index
 * of its data row (0, 1, 2, …), counted over the rows that hold any metric.
 */
function rowIndexAsStep(run: RawRun): RawRun {
  const hasX = run.metrics.some((m) => m.step?.some(Number.isFinite) || m.epoch?.some(Number.isFinite));
  if (hasX || run.metrics.some((m) => m.line === undefined)) return run;
  const lines = [...new Set(run.metrics.flatMap((m) => Array.from(m.line!)))].sort((a, b) => a - b);
  const rowOf = new Map(lines.map((line, i) => [line, i]));
  return { ...run, metrics: run.metrics.map((m) => ({ ...m, step: Float64Array.from(m.line!, (line) => rowOf.get(line)!) })) };
}

/** A number alone on a line (each digit matched one way only: linear in the line's length). */
const NUMBER_LINE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|nan|NaN|inf|-inf|Infinity|-Infinity)$/;

/** One column: a short name, then numbers only (`loss` / `train_loss` saved from a list). */
function looksLikeOneColumn(head: string): boolean {
  const lines = head.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').slice(0, 20);
  if (lines.length < 2 || !/^"?[A-Za-z_][\w./ -]{0,63}"?$/.test(lines[0])) return false;
  // A head that stops mid-line (a bigger file) may cut its last number short: leave that line out.
  const cut = !/[\r\n]$/.test(head) && lines.length > 2;
  const body = cut ? lines.slice(1, -1) : lines.slice(1);
  return body.length > 0 && body.every((l) => NUMBER_LINE.test(l));
}

const lower = (t: HeadTable): string[] => t.header.map((h) => h.toLowerCase());

/** Column names only (short, no `key: value` text), one of them a step/epoch or loss column. */
function looksLikeBareHeader(header: string[]): boolean {
  if (numericShare(header) > 0) return false;
  if (header.some((h) => h.length > 64 || /[:=]\s/.test(h))) return false;
  return header.some((h) => axisOfName(h) !== undefined || /(^|[\/_.\- ])loss$/i.test(h.trim()));
}

/** First data row of the preview, if any. */
const firstRow = (t: HeadTable): string[] | undefined => t.rows[0];

// ---------------------------------------------------------------------------------------------
// Generic

export const genericCsvParser: LogParser = defineParser({
  id: 'csv',
  description: 'Any delimited table with a header row (comma, tab or semicolon), one column too; every numeric column is a metric, the row index the step when no column is',
  sniff(head) {
    const t = sniffTable(head);
    if (!t) return looksLikeOneColumn(head) ? 0.3 : 0;
    if (t.header.length < 2) return 0;
    // A header is names, not numbers; long "names" mean prose with commas.
    if (numericShare(t.header) === 1) return 0;
    if (t.header.some((h) => h.length > 200)) return 0;
    const row = firstRow(t);
    // A header alone (a run that has not logged yet): claim it weakly, so that it is reported as
    // "no data rows" instead of "not a training log".
    if (!row) return looksLikeBareHeader(t.header) ? 0.05 : 0;
    if (numericShare(row, t.delimiter !== ',') < 0.5) return 0;
    return t.consistent ? 0.3 : 0.2;
  },
  parse(input) {
    return parseTabular(input, 'csv', runName(input.name));
  },
});

// ---------------------------------------------------------------------------------------------
// Keras CSVLogger

/** Share of adjacent header pairs in sorted (Python `sorted`, code point) order. */
function sortedShare(names: string[]): number {
  if (names.length < 2) return 1;
  let ok = 0;
  for (let i = 1; i < names.length; i++) if (names[i - 1] <= names[i]) ok++;
  return ok / (names.length - 1);
}

export const kerasCsvParser: LogParser = defineParser({
  id: 'keras-csv',
  description: 'Keras CSVLogger (epoch, then sorted metric names; NA cells; runs appended with append=True)',
  sniff(head) {
    const t = sniffTable(head);
    if (!t || t.header.length < 2) return 0;
    const names = lower(t);
    if (names[0] !== 'epoch') return 0;
    const rest = t.header.slice(1);
    if (names.some((n) => n.includes('/'))) return 0.2; // YOLO-style `train/box_loss`
    if (names.includes('step')) return 0.4; // Lightning writes epoch and step
    const hasLoss = names.includes('loss');
    const hasVal = names.some((n) => n.startsWith('val_'));
    const sorted = sortedShare(rest) >= 0.8;
    // CSVLogger always logs `loss` and writes the keys sorted (Keras 3 appends val_* after them).
    if (hasLoss && (sorted || hasVal)) return 0.8;
    // Some other table that starts with epoch: leave it to the generic reader.
    if (names.some((n) => n.endsWith('loss'))) return 0.25;
    return 0;
  },
  parse(input) {
    return parseTabular(input, 'keras-csv', runName(input.name), { restart: { axis: 'epoch', strict: true } });
  },
});

// ---------------------------------------------------------------------------------------------
// Lightning CSVLogger

export const lightningCsvParser: LogParser = defineParser({
  id: 'lightning-csv',
  description: 'PyTorch Lightning CSVLogger metrics.csv (epoch and step columns, sparse rows)',
  sniff(head, fileName) {
    const t = sniffTable(head);
    if (!t || t.header.length < 2) return 0;
    const names = lower(t);
    const hasStep = names.includes('step');
    const hasEpoch = names.includes('epoch');
    const isMetricsCsv = baseName(fileName).toLowerCase() === 'metrics.csv';
    if (names.some((n) => /^(train|val)\/[\w.]*loss$/.test(n))) return 0.2; // YOLO
    if (hasStep && hasEpoch) {
      const sparse = t.rows.slice(0, 10).some((r) => r.length === t.header.length && r.some((c) => c === ''));
      return sparse || isMetricsCsv ? 0.9 : 0.6;
    }
    if (isMetricsCsv) return hasStep || hasEpoch ? 0.9 : 0.35;
    return 0;
  },
  parse(input) {
    return parseTabular(input, 'lightning-csv', runName(input.name, ['metrics']), {
      restart: { axis: 'step', strict: false },
    });
  },
});

// ---------------------------------------------------------------------------------------------
// Ultralytics / YOLOv5 results.csv

const YOLO_LOSS = /^(train|val)\/[\w.]*loss$/;
const YOLO_OTHER = /^(metrics\/|x\/lr\d|lr\/pg\d)/;

export const yoloCsvParser: LogParser = defineParser({
  id: 'yolo-csv',
  description: 'Ultralytics YOLOv8+/YOLOv5 results.csv (train/box_loss, metrics/mAP…, space-padded in older versions)',
  sniff(head, fileName) {
    const t = sniffTable(head);
    if (!t || t.header.length < 2) return 0;
    const names = lower(t);
    const losses = names.some((n) => YOLO_LOSS.test(n));
    const others = names.some((n) => YOLO_OTHER.test(n));
    if (losses) return others || names.includes('epoch') ? 0.9 : 0.85;
    const isResults = baseName(fileName).toLowerCase() === 'results.csv';
    if (isResults && names.includes('epoch') && (others || names.some((n) => n.includes('/')))) return 0.85;
    if (others && names.includes('epoch')) return 0.5;
    return 0;
  },
  parse(input) {
    return parseTabular(input, 'yolo-csv', runName(input.name, ['results']), {
      restart: { axis: 'epoch', strict: true },
    });
  },
});

