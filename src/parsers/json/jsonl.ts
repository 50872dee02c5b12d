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
import { decodeText, forEachLine } from '../text.js';
import { grownTo } from '../typed-arrays.js';
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
import { seriesLimit } from '../series-cap.js';
import { headLines, isFairseqJsonLine, isObjectLine, stripBom } from './sniff.js';

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
        if (t.startsWith('{') && !/^\{\s*'/.test(t)) return ext ? 0.85 : t.endsWith('}') ? 0.5 : 0.3;
        return 0;
      }
      let objects = 0;
      let fairseq = 0;
      for (const l of lines) {
        if (isObjectLine(l)) objects++;
        if (isFairseqJsonLine(l)) fairseq++;
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
    // The last non-blank line may be one still being written: a parse error there is expected.
    let tail = text.length;
    while (tail > 0 && /\s/.test(text[tail - 1])) tail--;

    const warnings = new WarningList();
    const rows = new RowTable();
    let objects = 0;
    let firstBad: number | undefined;
    let firstKeys: string[] | undefined;
    let sawLogLine = false;
    const textLines: number[] = [];
    forEachLine(text, (raw, i, end) => {
      const t = raw.trim();
      if (t === '') return;
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
          return;
        }
        json = t.slice(brace);
        mode = fairseqMode(prefix);
      }
      const parsed = parseJsonLenient(json);
      if (!parsed.ok || !isObject(parsed.value)) {
        // A log line holding a Python dict repr (fairseq config dump) is not ours to judge.
        if (logPrefixed) return;
        firstBad ??= lineNo;
        if (end >= tail && !parsed.ok && objects > 0) {
          warnings.add('partial-line', `line ${lineNo} is incomplete (log still being written?); ignored`, lineNo);
        } else {
          const err = parsed.ok ? undefined : findJsonError(json);
          const indent = raw.length - raw.trimStart().length;
          const why = err ? `${err.reason} at column ${err.pos + 1 + indent}` : 'not a JSON object';
          warnings.add('bad-line', `line ${lineNo}: invalid JSON (${why}); skipped`, lineNo);
        }
        return;
      }
      objects++;
      const obj = parsed.value;
      if (isMetadataRecord(obj) || isTrainSummary(obj)) return;
      firstKeys ??= Object.keys(obj);
      rows.push(readRecord(obj, lineNo, mode));
    });

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

    const collector = new MetricCollector(seriesLimit(input));
    placeRows(rows, collector);
    if (collector.size === 0) {
      throw new InputError(input.name, 'no metrics found', {
        code: 'no-metrics',
        hint: `the lines hold only counters or timings${firstKeys ? ` (${firstKeys.slice(0, 6).join(', ')})` : ''}`,
      });
    }
    return {
      format: 'jsonl',
      runs: [{ name: runNameOf(input.name), metrics: collector.finish(), warnings: collector.withCapWarning(byLine(warnings.finish())) }],
    };
  },
});

/** Warnings in line order; the ones without a line (summaries) last. */
function byLine(list: ParseWarning[]): ParseWarning[] {
  return list.sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
}

const ROLES: ReadonlyArray<Role | undefined> = [undefined, 'train', 'val', 'test', 'other'];
const HAS_MODE = 1;
const HAS_STEP = 2;
const HAS_EPOCH = 4;
const HAS_ITER = 8;
const HAS_LOSS = 16;
const HAS_LR = 32;

/**
 * The records of a log as columns (a log of millions of lines holds no object per line): axes,
 * flags and role per row, and the rows' metric entries in one flat list.
 */
class RowTable {
  length = 0;
  step = new Float64Array(1024);
  epoch = new Float64Array(1024);
  iter = new Float64Array(1024);
  line = new Int32Array(1024);
  flags = new Uint8Array(1024);
  role = new Uint8Array(1024);
  /** Index of each row's first entry; its entries end where the next row's begin. */
  first = new Int32Array(1025);
  entries = 0;
  names: string[] = [];
  private nameIds = new Map<string, number>();
  nameOf = new Int32Array(1024);
  value = new Float64Array(1024);

  push(rec: FlatRecord): void {
    const r = this.length;
    if (r + 1 >= this.step.length) this.growRows();
    this.step[r] = rec.step;
    this.epoch[r] = rec.epoch;
    this.iter[r] = rec.iter;
    this.line[r] = rec.line;
    this.flags[r] =
      (rec.hasMode ? HAS_MODE : 0) |
      (rec.hasStep ? HAS_STEP : 0) |
      (rec.hasEpoch ? HAS_EPOCH : 0) |
      (rec.hasIter ? HAS_ITER : 0) |
      (rec.hasLoss ? HAS_LOSS : 0) |
      (rec.hasLr ? HAS_LR : 0);
    this.role[r] = ROLES.indexOf(rec.role);
    for (let k = 0; k < rec.names.length; k++) {
      if (this.entries === this.value.length) this.growEntries();
      let id = this.nameIds.get(rec.names[k]);
      if (id === undefined) {
        id = this.names.push(rec.names[k]) - 1;
        this.nameIds.set(rec.names[k], id);
      }
      this.nameOf[this.entries] = id;
      this.value[this.entries++] = rec.values[k];
    }
    this.length = r + 1;
    this.first[r + 1] = this.entries;
  }

  private growRows(): void {
    const size = 2 * this.step.length;
    this.step = grownTo(this.step, size);
    this.epoch = grownTo(this.epoch, size);
    this.iter = grownTo(this.iter, size);
    this.line = grownTo(this.line, size);
    this.flags = grownTo(this.flags, size);
    this.role = grownTo(this.role, size);
    this.first = grownTo(this.first, size + 1);
  }

  private growEntries(): void {
    const size = 2 * this.value.length;
    this.nameOf = grownTo(this.nameOf, size);
    this.value = grownTo(this.value, size);
  }
}

/** Resolve each row's step, epoch and role (mmcv, mmengine, detectron2 conventions), then collect. */
function placeRows(rows: RowTable, collector: MetricCollector): void {
  const { step, epoch, iter, flags } = rows;
  const n = rows.length;
  const has = (r: number, flag: number) => (flags[r] & flag) !== 0;
  const roleOf = (r: number) => ROLES[rows.role[r]];
  // mmcv 1.x: `iter` counts within the epoch when it drops as the epoch advances.
  let mmcv = false;
  let withinEpoch = false;
  let itersPerEpoch = 0;
  let minEpoch = Infinity;
  let prevEpoch = Number.NaN;
  let prevIter = Number.NaN;
  let anyTrainLoss = false;
  for (let r = 0; r < n; r++) {
    if (has(r, HAS_LOSS) && !isEvalRole(roleOf(r))) anyTrainLoss = true;
    if (!(has(r, HAS_MODE) && has(r, HAS_ITER) && has(r, HAS_EPOCH) && !has(r, HAS_STEP))) continue;
    mmcv = true;
    if (iter[r] > itersPerEpoch) itersPerEpoch = iter[r];
    if (epoch[r] < minEpoch) minEpoch = epoch[r];
    if (!isEvalRole(roleOf(r))) {
      if (epoch[r] > prevEpoch && iter[r] < prevIter) withinEpoch = true;
      prevEpoch = epoch[r];
      prevIter = iter[r];
    }
  }
  const firstEpoch = minEpoch === 0 ? 0 : 1;

  let lastTrainStep = Number.NaN;
  let lastTrainEpoch = Number.NaN;
  const lastStepOfEpoch = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    let role = roleOf(r);
    if (!has(r, HAS_STEP)) {
      if (isEvalRole(role)) {
        step[r] = lastTrainStep;
      } else if (mmcv && has(r, HAS_ITER) && has(r, HAS_EPOCH)) {
        step[r] = withinEpoch ? (epoch[r] - firstEpoch) * itersPerEpoch + iter[r] : iter[r];
      }
    } else if (!has(r, HAS_MODE) && !has(r, HAS_EPOCH) && !has(r, HAS_ITER) && step[r] < lastTrainStep) {
      // mmengine val row after epoch-carrying train rows: its `step` is the epoch.
      const s = step[r];
      const mapped =
        lastStepOfEpoch.get(s) ??
        (Number.isInteger(s) && s >= lastTrainEpoch && s <= lastTrainEpoch + 1 ? lastTrainStep : undefined);
      if (mapped !== undefined) {
        role = 'val';
        epoch[r] = s;
        step[r] = mapped;
      }
    }
    if (role === undefined && !has(r, HAS_MODE) && !has(r, HAS_LOSS) && !has(r, HAS_LR) && anyTrainLoss) {
      // detectron2 / mmengine eval lines: metrics only, no loss and no lr.
      role = 'val';
    }
    if (!isEvalRole(role) && !Number.isNaN(step[r])) {
      lastTrainStep = step[r];
      if (!Number.isNaN(epoch[r])) {
        lastTrainEpoch = epoch[r];
        lastStepOfEpoch.set(epoch[r], step[r]);
      }
    }
    for (let e = rows.first[r]; e < rows.first[r + 1]; e++) {
      collector.add(rows.names[rows.nameOf[e]], role, rows.value[e], step[r], epoch[r], rows.line[r]);
    }
  }
}
