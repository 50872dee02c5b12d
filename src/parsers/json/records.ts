/**
 * Shared pieces of the JSON-family parsers: which keys are axes, counters or bookkeeping,
 * reading one flat record (HF log entry, JSONL row, records-array element), and collecting
 * per-metric points into RawMetric arrays. Pure.
 */
import type { ParseWarning, RawMetric, Role } from '../../core/types.js';
import { axisOfName, STEP_KEY_ORDER } from '../axis-columns.js';
import { DEFAULT_MAX_SERIES, SeriesCap } from '../series-cap.js';
import { baseName, parseNumber } from '../text.js';
import { grownTo } from '../typed-arrays.js';
import { isObject } from './jsonText.js';

/** A JSON value as a number: numbers as is, numeric strings (fairseq, NaN tokens) parsed. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = parseNumber(v);
    return typeof n === 'number' ? n : undefined;
  }
  return undefined;
}

/** fairseq's per-split update counters: `valid_num_updates`, `train_num_updates`. */
const SPLIT_STEP_KEY = /^(?:train|valid|val|eval|test)_num_updates$/;

/** Counters and identifiers that are not metrics, besides the axes of axis-columns.ts. */
const AXIS_KEYS = new Set<string>([
  'update', // fairseq: fractional epoch
  'mode',
  'split',
  'phase',
  'total_steps',
  'max_steps',
  'percentage',
  'num_input_tokens_seen',
  'total_tokens',
  'num_tokens',
  'throughput',
  'seed',
]);

/** Timing/progress/resource keys (after stripping a `train_`/`valid_`/… prefix). */
const BOOKKEEPING = new Set<string>([
  'time',
  'data_time',
  'rank_data_time',
  'eta',
  'eta_seconds',
  'memory',
  'max_memory',
  'mem',
  'elapsed_time',
  'remaining_time',
  'percentage',
  'total_steps',
  'wps',
  'ups',
  'wpb',
  'bsz',
  'train_wall',
  'wall',
  'gb_free',
  'total_flos',
  'flos',
  'runtime',
  'throughput',
]);

const SPLIT_PREFIX = /^(?:train|training|valid|validation|val|eval|test)[_/]/;
const BOOKKEEPING_PATTERN = /(?:runtime|_per_second|flos)$|(?:^|[_/])(?:time|seconds|secs)$/;

/** True for keys that are axes, counters or timings rather than curves. */
export function isNonMetricKey(key: string): boolean {
  const k = key.toLowerCase();
  if (axisOfName(k) !== undefined || AXIS_KEYS.has(k) || SPLIT_STEP_KEY.test(k)) return true;
  if (BOOKKEEPING.has(k) || BOOKKEEPING_PATTERN.test(k)) return true;
  const base = k.replace(SPLIT_PREFIX, '');
  return base !== k && (BOOKKEEPING.has(base) || AXIS_KEYS.has(base) || axisOfName(base) !== undefined);
}

const LR_KEY = /^(?:lr|learning_rate)(?:$|[/_-])/i;

/** What a record key is, decided once per distinct key (a log repeats its keys on every line). */
interface KeyKind {
  splitStep: boolean;
  nonMetric: boolean;
  lr: boolean;
  loss: boolean;
}
const keyKinds = new Map<string, KeyKind>();
/** Logs with ever new keys (a key per id) should not grow the cache without end. */
const MAX_CACHED_KEYS = 10_000;

function kindOf(key: string): KeyKind {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    kind = { splitStep: SPLIT_STEP_KEY.test(key), nonMetric: isNonMetricKey(key), lr: LR_KEY.test(key), loss: /loss/i.test(key) };
    if (keyKinds.size < MAX_CACHED_KEYS) keyKinds.set(key, kind);
  }
  return kind;
}

/** `mode`/`split` values → role. */
function roleOfMode(mode: string): Role | undefined {
  switch (mode.trim().toLowerCase()) {
    case 'train':
    case 'training':
    case 'train_inner':
      return 'train';
    case 'val':
    case 'valid':
    case 'validation':
    case 'eval':
    case 'evaluation':
    case 'dev':
      return 'val';
    case 'test':
      return 'test';
    default:
      return undefined;
  }
}

/** HF Trainer's end-of-training summary (`train_loss`, `train_runtime`, `total_flos`): not a curve point. */
export function isTrainSummary(obj: Record<string, unknown>): boolean {
  return 'train_runtime' in obj || ('total_flos' in obj && 'train_loss' in obj && !('loss' in obj));
}

/** mmcv's first `.log.json` line (`env_info`, `config`, `seed`, `exp_name`) and similar metadata. */
export function isMetadataRecord(obj: Record<string, unknown>): boolean {
  return 'env_info' in obj || typeof obj.config === 'string';
}

/** One flat record: its axes and its numeric metric entries. */
export interface FlatRecord {
  line: number;
  role?: Role;
  hasMode: boolean;
  step: number;
  hasStep: boolean;
  epoch: number;
  hasEpoch: boolean;
  iter: number;
  hasIter: boolean;
  names: string[];
  values: number[];
  hasLoss: boolean;
  hasLr: boolean;
}

const MAX_FLATTEN_DEPTH = 3;

/** Calls `visit` with every leaf of `obj`, nested keys joined by `/` (up to MAX_FLATTEN_DEPTH levels). */
function forEachLeaf(obj: Record<string, unknown>, prefix: string, depth: number, visit: (name: string, value: unknown) => void): void {
  for (const key in obj) {
    const v = obj[key];
    const name = prefix === '' ? key : `${prefix}/${key}`;
    if (isObject(v)) {
      if (depth < MAX_FLATTEN_DEPTH) forEachLeaf(v, name, depth + 1, visit);
    } else visit(name, v);
  }
}

/**
 * Read one record. `mode` (mmcv `mode`, or the fairseq line tag) sets the role; lr keys of
 * val/test rows are dropped (mmcv repeats the train lr there).
 */
export function readRecord(obj: Record<string, unknown>, line: number, modeOverride?: string): FlatRecord {
  const modeRaw = modeOverride ?? (typeof obj.mode === 'string' ? obj.mode : typeof obj.split === 'string' ? obj.split : undefined);
  const role = modeRaw === undefined ? undefined : roleOfMode(modeRaw);
  const rec: FlatRecord = {
    line,
    role,
    hasMode: modeRaw !== undefined,
    step: Number.NaN,
    hasStep: false,
    epoch: Number.NaN,
    hasEpoch: false,
    iter: Number.NaN,
    hasIter: false,
    names: [],
    values: [],
    hasLoss: false,
    hasLr: false,
  };
  for (const key of STEP_KEY_ORDER) {
    const s = toNumber(obj[key]);
    if (s !== undefined) {
      rec.step = s;
      rec.hasStep = true;
      break;
    }
  }
  const epoch = toNumber(obj.epoch);
  if (epoch !== undefined) {
    rec.epoch = epoch;
    rec.hasEpoch = true;
  }
  const iter = toNumber(obj.iter);
  if (iter !== undefined) {
    rec.iter = iter;
    rec.hasIter = true;
  }
  forEachLeaf(obj, '', 0, (key, raw) => {
    const kind = kindOf(key);
    if (!rec.hasStep && kind.splitStep) {
      const s = toNumber(raw);
      if (s !== undefined) {
        rec.step = s;
        rec.hasStep = true;
      }
      return;
    }
    if (kind.nonMetric) return;
    if (kind.lr && (role === 'val' || role === 'test')) return;
    const v = toNumber(raw);
    if (v === undefined) return;
    rec.names.push(key);
    rec.values.push(v);
    if (kind.lr) rec.hasLr = true;
    if (kind.loss) rec.hasLoss = true;
  });
  return rec;
}

/** One metric's points, in growable typed columns (a log of millions of records stays compact). */
class Acc {
  count = 0;
  values = new Float64Array(64);
  steps = new Float64Array(64);
  epochs = new Float64Array(64);
  lines = new Int32Array(64);
  /** Some point has a step / an epoch. */
  hasStep = false;
  hasEpoch = false;

  constructor(
    readonly name: string,
    readonly role: Role | undefined,
  ) {}

  push(value: number, step: number, epoch: number, line: number): void {
    const n = this.count;
    if (n === this.values.length) this.grow(2 * n);
    this.values[n] = value;
    this.steps[n] = step;
    this.epochs[n] = epoch;
    this.lines[n] = line;
    if (!Number.isNaN(step)) this.hasStep = true;
    if (!Number.isNaN(epoch)) this.hasEpoch = true;
    this.count = n + 1;
  }

  private grow(size: number): void {
    this.values = grownTo(this.values, size);
    this.steps = grownTo(this.steps, size);
    this.epochs = grownTo(this.epochs, size);
    this.lines = grownTo(this.lines, size);
  }
}

/** Per-(role, name) point accumulator; builds RawMetric[] in order of first appearance. */
export class MetricCollector {
  private readonly accs = new Map<string, Acc>();
  private readonly cap: SeriesCap;

  constructor(maxSeries = DEFAULT_MAX_SERIES) {
    this.cap = new SeriesCap(maxSeries);
  }

  /** `warnings`, plus the too-many-series warning when series were left out. */
  withCapWarning(warnings: ParseWarning[]): ParseWarning[] {
    const capped = this.cap.warning();
    return capped ? [...warnings, capped] : warnings;
  }

  add(name: string, role: Role | undefined, value: number, step: number, epoch: number, line: number): void {
    const key = role === undefined ? name : `${role}\u0000${name}`;
    let acc = this.accs.get(key);
    if (acc === undefined) {
      if (!this.cap.admit(key, this.accs.size)) return;
      acc = new Acc(name, role);
      this.accs.set(key, acc);
    }
    acc.push(value, step, epoch, line);
  }

  addRecord(rec: FlatRecord, role: Role | undefined = rec.role): void {
    for (let k = 0; k < rec.names.length; k++) this.add(rec.names[k], role, rec.values[k], rec.step, rec.epoch, rec.line);
  }

  get size(): number {
    return this.accs.size;
  }

  /**
   * The metrics. A name logged under several roles (mmcv `loss` in train and val rows) keeps
   * its name for train/unknown rows; val/test rows get a `val_`/`test_` prefix.
   */
  finish(): RawMetric[] {
    const rolesByName = new Map<string, number>();
    for (const acc of this.accs.values()) rolesByName.set(acc.name, (rolesByName.get(acc.name) ?? 0) + 1);
    const out: RawMetric[] = [];
    for (const acc of this.accs.values()) {
      let name = acc.name;
      if ((rolesByName.get(name) ?? 0) > 1 && (acc.role === 'val' || acc.role === 'test')) {
        const prefix = `${acc.role}_`;
        if (!name.startsWith(prefix)) name = prefix + name;
      }
      const n = acc.count;
      const metric: RawMetric = { name, value: acc.values.slice(0, n), line: acc.lines.slice(0, n) };
      if (acc.hasStep) metric.step = acc.steps.slice(0, n);
      if (acc.hasEpoch) metric.epoch = acc.epochs.slice(0, n);
      if (acc.role !== undefined) metric.roleHint = acc.role;
      out.push(metric);
    }
    return out;
  }
}

/** Collects warnings, keeping the first `limit` of each code and summarising the rest. */
export class WarningList {
  readonly list: ParseWarning[] = [];
  private readonly counts = new Map<string, number>();
  constructor(private readonly limit = 10) {}

  add(code: string, message: string, line?: number): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= this.limit) this.list.push(line === undefined ? { code, message } : { code, message, line });
  }

  finish(): ParseWarning[] {
    for (const [code, n] of this.counts) {
      if (n > this.limit) this.list.push({ code, message: `${n - this.limit} more '${code}' warnings not shown` });
    }
    return this.list;
  }
}

/** Run name from an input name: the file name without its extension (`stdin` for `-`). */
export function runNameOf(name: string): string {
  const base = baseName(name);
  if (base === '-' || base === '') return 'stdin';
  const m = /^(.+?)\.(?:log\.json|jsonl|ndjson|json|log|txt)$/i.exec(base);
  return m ? m[1] : base;
}
