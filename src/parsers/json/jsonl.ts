/**
 * JSON lines: one object per line. Covers
 * - mmengine `vis_data/scalars.json`: train rows carry `epoch`, `iter`, `step` (global iter);
 *   val rows carry only their metrics and `step` = the epoch, so they are moved onto the step
 *   axis at the last train step of that epoch (and get that epoch and role val);
 * - mmcv 1.x `.log.json`: an `env_info`/`config` line, then `{"mode":"train","epoch":e,"iter":i}`
 *   rows with a within-epoch `iter` (global step = (e−1)·itersPerEpoch + i, itersPerEpoch = the
 *   largest iter logged) and `mode: val` rows placed at the last train step;
 * - detectron2 `metrics.json` (`iteration` = step; eval lines hold only `bbox/AP`… → role val);
 * - fairseq `--log-format json` (`… | INFO | train_inner | {…}`, numbers as strings,
 *   `num_updates`/`valid_num_updates` = step, `valid` lines → role val);
 * - LLaMA-Factory `trainer_log.jsonl` (`current_steps` = step) and HF-style log dicts;
 * - any rows with `mode: train|val|eval|test`.
 * Python's bare NaN/Infinity are numbers. Bad lines are warnings; a bad last line is taken for
 * a line still being written.
 */
import type { ParseWarning, Role } from '../../core/types.js';
import { InputError } from '../../errors.js';
import { decodeText, splitLines } from '../text.js';
import { defineParser, type LogParser } from '../types.js';
import { findJsonError, isObject, parseJsonLenient } from './jsonText.js';
import {
  type FlatRecord,
  isMetadataRecord,
  isTrainSummary,
  MetricCollector,
  readRecord,
  runNameOf,
  WarningList,
} from './records.js';
import { FAIRSEQ_JSON_LINE, headLines, isObjectLine, stripBom } from './sniff.js';

/** Plain log lines around JSON ones (fairseq banners, timestamps): skipped without a warning. */
const LOG_LINE = /\|\s*(?:INFO|WARNING|WARN|DEBUG|ERROR|CRITICAL)\s*\||^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d/;
const FAIRSEQ_TAG = /\|\s*([A-Za-z][\w.-]*)\s*\|\s*$/;

/** fairseq's line tag (`train_inner`, `train`, `valid`, `valid_<subset>`, `test`) → mode. */
function fairseqMode(prefix: string): string | undefined {
  const m = FAIRSEQ_TAG.exec(prefix);
  if (!m) return undefined;
  const tag = m[1].toLowerCase();
  if (tag.startsWith('valid')) return 'valid';
  if (tag.startsWith('train')) return 'train';
  if (tag.startsWith('test')) return 'test';
  return undefined;
}

function isEvalRole(role: Role | undefined): boolean {
  return role === 'val' || role === 'test';
}

export const jsonlParser: LogParser = defineParser({
  id: 'jsonl',
  description:
    'JSON lines (mmengine scalars.json, mmcv .log.json, detectron2 metrics.json, fairseq json logs, LLaMA-Factory trainer_log.jsonl)',
  sniff(head, fileName) {
    try {
      const h = stripBom(head);
      const ext = /\.(?:jsonl|ndjson)$/i.test(fileName);
      const lines = headLines(h, 20);
      if (lines.length === 0) {
        // The head holds no complete line: a long first line (mmcv env_info) or a one-line file.
        const t = h.trim();
        if (/^\{\s*"env_info"\s*:/.test(t)) return 0.85;
        if (t.startsWith('{')) return ext ? 0.85 : t.endsWith('}') ? 0.5 : 0.3;
        return 0;
      }
      let objects = 0;
      let fairseq = 0;
      for (const l of lines) {
        if (isObjectLine(l)) objects++;
        if (FAIRSEQ_JSON_LINE.test(l)) fairseq++;
      }
      if (objects === lines.length) {
        if (objects >= 2) return ext ? 0.9 : 0.85;
        // One complete object line: JSON lines if another object line follows it.
        const rest = h.slice(h.indexOf(lines[0]) + lines[0].length).trim();
        if (rest.startsWith('{') || ext) return 0.85;
        return rest === '' ? 0.5 : 0.3;
      }
      if (fairseq > 0) return 0.8;
      if (objects >= 2 && objects * 2 >= lines.length) return 0.5;
      return ext && objects > 0 ? 0.5 : 0;
    } catch {
      return 0;
    }
  },
  parse(input) {
    const text = decodeText(input.bytes);
    if (text.trim() === '') throw new InputError(input.name, 'empty file', { code: 'empty' });
    const lines = splitLines(text);
    let last = lines.length - 1;
    while (last >= 0 && lines[last].trim() === '') last--;

    const warnings = new WarningList();
    const rows: FlatRecord[] = [];
    let objects = 0;
    let firstBad: number | undefined;
    let firstKeys: string[] | undefined;
    let sawLogLine = false;
    const textLines: number[] = [];
    for (let i = 0; i <= last; i++) {
      const t = lines[i].trim();
      if (t === '') continue;
      const lineNo = i + 1;
      let json = t;
      let mode: string | undefined;
      let logPrefixed = false;
      if (!t.startsWith('{')) {
        const brace = t.indexOf('{');
        const prefix = brace < 0 ? t : t.slice(0, brace);
        logPrefixed = LOG_LINE.test(prefix) || FAIRSEQ_TAG.test(prefix);
        if (logPrefixed) sawLogLine = true;
        if (brace < 0 || !logPrefixed) {
          // Plain text: expected around fairseq's JSON lines (model printouts), odd elsewhere.
          firstBad ??= lineNo;
          if (!logPrefixed) textLines.push(lineNo);
          continue;
        }
        json = t.slice(brace);
        mode = fairseqMode(prefix);
      }
      const parsed = parseJsonLenient(json);
      if (!parsed.ok || !isObject(parsed.value)) {
        // A log line holding a Python dict repr (fairseq config dump) is not ours to judge.
        if (logPrefixed) continue;
        firstBad ??= lineNo;
        if (i === last && !parsed.ok && objects > 0) {
          warnings.add('partial-line', `line ${lineNo} is incomplete (log still being written?); ignored`, lineNo);
        } else {
          const err = parsed.ok ? undefined : findJsonError(json);
          const indent = lines[i].length - lines[i].trimStart().length;
          const why = err ? `${err.reason} at column ${err.pos + 1 + indent}` : 'not a JSON object';
          warnings.add('bad-line', `line ${lineNo}: invalid JSON (${why}); skipped`, lineNo);
        }
        continue;
      }
      objects++;
      const obj = parsed.value;
      if (isMetadataRecord(obj) || isTrainSummary(obj)) continue;
      firstKeys ??= Object.keys(obj);
      rows.push(readRecord(obj, lineNo, mode));
    }

    if (objects === 0) {
      const whole = findJsonError(text) === undefined;
      throw new InputError(
        input.name,
        whole ? 'not JSON lines: the file is a single JSON document' : 'no JSON object lines found',
        { code: 'bad-format', line: whole ? undefined : firstBad },
      );
    }

    if (!sawLogLine) {
      for (const n of textLines) warnings.add('bad-line', `line ${n} is not a JSON object; skipped`, n);
    }

    const collector = new MetricCollector();
    placeRows(rows, collector);
    if (collector.size === 0) {
      throw new InputError(input.name, 'no metrics found', {
        code: 'no-metrics',
        hint: `the lines hold only counters or timings${firstKeys ? ` (${firstKeys.slice(0, 6).join(', ')})` : ''}`,
      });
    }
    return {
      format: 'jsonl',
      runs: [{ name: runNameOf(input.name), metrics: collector.finish(), warnings: byLine(warnings.finish()) }],
    };
  },
});

/** Warnings in line order; the ones without a line (summaries) last. */
function byLine(list: ParseWarning[]): ParseWarning[] {
  return list.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}

/** Resolve each row's step, epoch and role (mmcv, mmengine, detectron2 conventions), then collect. */
function placeRows(rows: FlatRecord[], collector: MetricCollector): void {
  // mmcv 1.x: `iter` counts within the epoch when it drops as the epoch advances.
  let mmcv = false;
  let withinEpoch = false;
  let itersPerEpoch = 0;
  let minEpoch = Infinity;
  let prevEpoch = Number.NaN;
  let prevIter = Number.NaN;
  for (const r of rows) {
    if (!(r.hasMode && r.hasIter && r.hasEpoch && !r.hasStep)) continue;
    mmcv = true;
    if (r.iter > itersPerEpoch) itersPerEpoch = r.iter;
    if (r.epoch < minEpoch) minEpoch = r.epoch;
    if (!isEvalRole(r.role)) {
      if (r.epoch > prevEpoch && r.iter < prevIter) withinEpoch = true;
      prevEpoch = r.epoch;
      prevIter = r.iter;
    }
  }
  const firstEpoch = minEpoch === 0 ? 0 : 1;
  const anyTrainLoss = rows.some((r) => r.hasLoss && !isEvalRole(r.role));

  let lastTrainStep = Number.NaN;
  let lastTrainEpoch = Number.NaN;
  const lastStepOfEpoch = new Map<number, number>();
  for (const r of rows) {
    let role = r.role;
    if (!r.hasStep) {
      if (isEvalRole(role)) {
        r.step = lastTrainStep;
      } else if (mmcv && r.hasIter && r.hasEpoch) {
        r.step = withinEpoch ? (r.epoch - firstEpoch) * itersPerEpoch + r.iter : r.iter;
      }
    } else if (!r.hasMode && !r.hasEpoch && !r.hasIter && r.step < lastTrainStep) {
      // mmengine val row after epoch-carrying train rows: its `step` is the epoch.
      const s = r.step;
      const mapped =
        lastStepOfEpoch.get(s) ??
        (Number.isInteger(s) && s >= lastTrainEpoch && s <= lastTrainEpoch + 1 ? lastTrainStep : undefined);
      if (mapped !== undefined) {
        role = 'val';
        r.epoch = s;
        r.step = mapped;
      }
    }
    if (role === undefined && !r.hasMode && !r.hasLoss && !r.hasLr && anyTrainLoss) {
      // detectron2 / mmengine eval lines: metrics only, no loss and no lr.
      role = 'val';
    }
    if (!isEvalRole(role) && !Number.isNaN(r.step)) {
      lastTrainStep = r.step;
      if (!Number.isNaN(r.epoch)) {
        lastTrainEpoch = r.epoch;
        lastStepOfEpoch.set(r.epoch, r.step);
      }
    }
    collector.addRecord(r, role);
  }
}
