/**
 * Which files make up which run. Pure: paths and bytes in, raw runs out (no file system), so it
 * is tested without the disk and also serves inputs the caller read itself.
 *
 * Rules, per scanned directory (or over the files given directly):
 * - MLflow: a folder `D` with `D/metrics/<key>` files and `D/meta.yaml` (or metric files in
 *   MLflow's `<timestamp> <value> <step>` lines) is one run; `D/tags/mlflow.runName`/meta.yaml
 *   name it. Its `artifacts/` are ordinary files.
 * - TensorBoard event files (by name or by their bytes): one run per folder. Event files in a
 *   `train/`, `validation/`, `eval/`… sub-folder belong to the folder above it, with their tags
 *   prefixed by the sub-folder (`train/epoch_loss`, `validation/epoch_loss`) and the role it
 *   says. Several event files of one folder (restarts) are merged in the order of the timestamp
 *   in their names; where a later file logs a step again, its points replace the earlier ones
 *   from that step on. A run whose only scalars are `hp_metric`/`epoch` has no scalar series.
 * - DVCLive: the TSVs under one `plots/metrics/` are one run (named by the folder holding
 *   `plots/`); other DVCLive TSVs of one folder are one run.
 * - W&B: a run folder's `.wandb` log (or legacy `wandb-history.jsonl`) with its config.yaml and
 *   wandb-summary.json is one run, named by its display name and id (see wandb-runs.ts).
 * - TensorBoard UI exports (`run-…-tag-….csv/json`) of one folder are one run.
 * - Hugging Face `checkpoint-N/trainer_state.json` copies are left out when the output folder has
 *   its own trainer_state.json, else only the latest checkpoint's is read.
 * - Every other file is one run (a W&B export may hold several), e.g. one per Lightning
 *   `version_N/metrics.csv`, named by its `version_N` folder; runs appended to one file (its
 *   epoch, else step, starting again at the first value) are `file#1`, `file#2`, … (split-appended.ts).
 * - A train file and a validation file of one folder (`train_loss.csv` + `val_loss.csv`) are one
 *   run named after both (pair-splits.ts).
 * Runs found by scanning are named by their path below the scanned directory; files given
 * directly keep their path as given.
 */
import type { LogInput } from '../api.js';
import type { FormatId, Hyperparameters, ParseWarning, RawMetric, RawRun } from '../core/types.js';
import { InputError, LossdocError } from '../errors.js';
import { configFromFile } from '../parsers/config-files.js';
import { parseDvcliveRun } from '../parsers/dvclive.js';
import { detectFormat, formatIds, isEventFile, parserFor } from '../parsers/index.js';
import { parseMlflowRun } from '../parsers/mlflow.js';
import { ownReportError } from '../parsers/own-report.js';
import { probeOf } from '../parsers/csv/fast-entry.js';
import { parseTbExportName } from '../parsers/csv/tbExport.js';
import { decodeText, parseNumber } from '../parsers/text.js';
import { readEventScalars } from '../parsers/tfevents.js';
import { parseWandbFolder } from '../parsers/wandb/index.js';
import { eventFileTimestamp, isRoleDir } from './names.js';
import { mergeSplitRuns, pairSplitFiles } from './pair-splits.js';
import { splitAppendedRuns } from './split-appended.js';
import { wandbRunKeys } from './wandb-runs.js';

/** One run before buildRun. */
export interface PlannedRun {
  /** The run's name: its path below the scanned directory, or its path as given. */
  name: string;
  /** Full path of the run (file or folder), used when names collide. */
  path: string;
  format: FormatId;
  raw: RawRun;
  sources: string[];
  /** The scanned directory the run was found in; undefined for inputs given directly. */
  root?: string;
}

export interface PlanProblem {
  error: LossdocError;
  /** The scanned directory the file was found in; undefined for inputs given directly. */
  root?: string;
  /**
   * `no-scalars`: a readable log without any training curve (an empty event file, hp_metric
   * only) — a warning when other runs were found. `failed`: unreadable or not a log.
   */
  kind: 'no-scalars' | 'failed';
}

export interface RunPlan {
  runs: PlannedRun[];
  problems: PlanProblem[];
  /** Every scanned directory that contributed an input. */
  roots: string[];
}

export interface PlanOptions {
  /** Read every file (outside MLflow runs) as this format instead of detecting it. */
  inputFormat?: FormatId;
}

interface Member {
  input: LogInput;
  /** `/`-separated path below the root (scans) or as given. */
  path: string;
}

interface Root {
  /** undefined: the inputs given directly. */
  dir?: string;
  /** Name of a run that is the scanned directory itself. */
  selfName: string;
  members: Member[];
}

/** Scalars that are not a training curve on their own (Lightning logs both next to real metrics). */
const NOT_CURVES = new Set(['hp_metric', 'epoch']);

function normalisePath(name: string): string {
  return name.replace(/\\/g, '/');
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : i === 0 ? '/' : '';
}

function basename(path: string): string {
  const p = path.replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

function isUnder(path: string, dir: string): boolean {
  return dir === '' ? true : path.startsWith(`${dir}/`);
}

function relTo(path: string, dir: string): string {
  return dir === '' ? path : path.slice(dir.length + 1);
}

function join(dir: string, rel: string): string {
  if (rel === '') return dir;
  if (dir === '') return rel;
  return /[\\/]$/.test(dir) ? `${dir}${rel}` : `${dir}/${rel}`;
}

/** The name a scanned directory gets as a run of its own: its last path part. */
function selfNameOf(dir: string, given?: string): string {
  if (given) return given;
  const b = basename(normalisePath(dir));
  return b === '' || b === '.' || b === '..' ? dir : b;
}

/** True when the bytes start like an MLflow metric file: `<timestamp> <value> [<step>]` lines. */
export function looksLikeMlflowMetric(bytes: Uint8Array): boolean {
  const head = decodeText(bytes.subarray(0, 512));
  const line = head.split(/\r?\n/).find((l) => l.trim() !== '');
  if (line === undefined) return false;
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2 || parts.length > 3) return false;
  if (!/^\d+$/.test(parts[0])) return false;
  const v = parseNumber(parts[1]);
  if (v === null || v === undefined) return false;
  return parts.length === 2 || /^-?\d+$/.test(parts[2]);
}

/** Wall time of an event file's first record (Event.wall_time), when it is there. */
export function firstWallTime(bytes: Uint8Array): number | undefined {
  if (bytes.length < 21 || bytes[12] !== 0x09) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset + 13, 8).getFloat64(0, true);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export interface EventFileInput {
  name: string;
  bytes: Uint8Array;
  /** The role sub-folder the file is in (`train`, `validation`), '' for the run folder itself. */
  sub: string;
  maxSeries?: number;
}

export interface MergedEvents {
  metrics: RawMetric[];
  warnings: ParseWarning[];
  /** Files that held at least one scalar. */
  withScalars: number;
}

/**
 * Merge the event files of one run: sub-folder tags are prefixed (`validation/epoch_loss`), tags
 * are listed in name order, and files of one folder are taken in the order of their start time
 * (from the name, else the first record); where a later file logs a tag at a step the earlier
 * ones already reached, the earlier points from that step on are dropped (a resumed run replaces
 * what it redoes).
 */
export function mergeEventFiles(files: readonly EventFileInput[]): MergedEvents {
  const order = files
    .map((f, i) => ({ f, i, t: eventFileTimestamp(basename(normalisePath(f.name))) ?? firstWallTime(f.bytes) ?? Infinity }))
    .sort((a, b) => (a.f.sub < b.f.sub ? -1 : a.f.sub > b.f.sub ? 1 : 0) || a.t - b.t || (a.f.name < b.f.name ? -1 : a.f.name > b.f.name ? 1 : 0) || a.i - b.i);
  const warnings: ParseWarning[] = [];
  interface Acc {
    name: string;
    chunks: RawMetric[];
  }
  const accs = new Map<string, Acc>();
  let withScalars = 0;
  for (const { f } of order) {
    const read = readEventScalars(f.bytes, f.name, f.maxSeries);
    warnings.push(...read.warnings);
    if (read.metrics.length > 0) withScalars++;
    let restartAt = Infinity;
    let reached = -Infinity;
    for (const m of read.metrics) {
      const name = f.sub && !m.name.startsWith(`${f.sub}/`) ? `${f.sub}/${m.name}` : m.name;
      const key = `${f.sub}\u0000${name}`;
      let acc = accs.get(key);
      if (!acc) {
        acc = { name, chunks: [] };
        accs.set(key, acc);
      } else if (m.step && m.step.length > 0) {
        const s0 = m.step[0];
        let dropped = false;
        for (let c = 0; c < acc.chunks.length; c++) {
          const chunk = acc.chunks[c];
          if (!chunk.step) continue;
          let max = -Infinity;
          for (const s of chunk.step) if (s > max) max = s;
          if (max < s0) continue;
          acc.chunks[c] = keepBelow(chunk, s0);
          dropped = true;
          if (max > reached) reached = max;
        }
        if (dropped && s0 < restartAt) restartAt = s0;
      }
      acc.chunks.push({ ...m, name });
    }
    if (restartAt !== Infinity) {
      warnings.push({
        code: 'restart',
        message: `${f.name}: starts again at step ${restartAt} where an earlier event file reached step ${reached} (a resumed run): its points replace the earlier ones from step ${restartAt} on`,
      });
    }
  }
  const metrics: RawMetric[] = [];
  // Tags in name order, as TensorBoard lists them (and as MLflow lists its keys): the series of a
  // run do not depend on the order a trainer happened to first log them in.
  const sorted = [...accs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const acc of sorted) {
    const chunks = acc.chunks.filter((c) => c.value.length > 0);
    if (chunks.length === 0) continue;
    metrics.push(chunks.length === 1 ? chunks[0] : concatMetrics(acc.name, chunks));
  }
  return { metrics, warnings, withScalars };
}

function keepBelow(m: RawMetric, limit: number): RawMetric {
  const keep: number[] = [];
  for (let i = 0; i < m.value.length; i++) if (!(m.step![i] >= limit)) keep.push(i);
  const pick = <T extends Float64Array | Int32Array>(a: T | undefined, make: (n: number) => T): T | undefined => {
    if (!a) return undefined;
    const out = make(keep.length);
    keep.forEach((k, j) => {
      out[j] = a[k];
    });
    return out;
  };
  const out: RawMetric = { name: m.name, value: pick(m.value, (n) => new Float64Array(n))! };
  const step = pick(m.step, (n) => new Float64Array(n));
  const epoch = pick(m.epoch, (n) => new Float64Array(n));
  const line = pick(m.line, (n) => new Int32Array(n));
  if (step) out.step = step;
  if (epoch) out.epoch = epoch;
  if (line) out.line = line;
  if (m.roleHint) out.roleHint = m.roleHint;
  return out;
}

function concatMetrics(name: string, chunks: RawMetric[]): RawMetric {
  const n = chunks.reduce((s, c) => s + c.value.length, 0);
  const value = new Float64Array(n);
  const step = new Float64Array(n).fill(Number.NaN);
  const line = new Int32Array(n);
  let o = 0;
  for (const c of chunks) {
    value.set(c.value, o);
    if (c.step) step.set(c.step, o);
    if (c.line) line.set(c.line, o);
    o += c.value.length;
  }
  const out: RawMetric = { name, value, step, line };
  const hint = chunks.find((c) => c.roleHint)?.roleHint;
  if (hint) out.roleHint = hint;
  return out;
}

/** The top-level keys of a JSON object file, listed for a message; undefined when it is not one. */
function jsonObjectKeys(bytes: Uint8Array): string | undefined {
  const text = decodeText(bytes);
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const keys = Object.keys(value);
    return keys.length === 0 ? undefined : `${keys.slice(0, 8).join(', ')}${keys.length > 8 ? `, and ${keys.length - 8} more` : ''}`;
  } catch {
    return undefined;
  }
}

function describeError(error: unknown, name: string): LossdocError {
  if (error instanceof LossdocError) return error;
  return new InputError(name, `could not be parsed (${(error as Error).message})`, { code: 'parse-failed' });
}

/** Group inputs into runs and parse them. Never throws on bad input: problems are returned. */
export function planRuns(inputs: readonly LogInput[], options: PlanOptions = {}): RunPlan {
  const roots = new Map<string, Root>();
  const direct: Root = { selfName: '.', members: [] };
  for (const input of inputs) {
    if (input.scan) {
      let root = roots.get(input.scan.root);
      if (!root) {
        root = { dir: input.scan.root, selfName: selfNameOf(input.scan.root, input.scan.rootName), members: [] };
        roots.set(input.scan.root, root);
      }
      root.members.push({ input, path: normalisePath(input.scan.rel) });
    } else {
      direct.members.push({ input, path: normalisePath(input.name) });
    }
  }
  const plan: RunPlan = { runs: [], problems: [], roots: [...roots.keys()] };
  if (direct.members.length) planRoot(direct, options, plan);
  for (const root of roots.values()) planRoot(root, options, plan);
  return plan;
}

interface Group {
  kind: 'mlflow' | 'events' | 'dvclive' | 'tb-export' | 'wandb' | 'file';
  /** Folder (or, for 'file', the file) path of the group within the root. */
  key: string;
  members: Member[];
  /** For 'file' and 'tb-export': the parsed logs. */
  parsed?: Array<{ member: Member; format: FormatId; runs: RawRun[] }>;
  /** For 'events': the role sub-folder of each member. */
  subs?: string[];
  /** For 'tb-export': the exported run (file-name prefix + TensorBoard run without its train/validation part). */
  label?: string;
}

/**
 * `run-<run>-tag-<tag>.csv` → the run the file belongs to and its split: Keras' `<stamp>_train`
 * and `<stamp>_validation` exports are one run with two splits.
 */
export function tbExportRun(path: string): { run: string; split: string } {
  const base = basename(path);
  const parts = parseTbExportName(base);
  if (!parts) return { run: base.replace(/\.(csv|json)$/i, ''), split: '' };
  const prefix = base.slice(0, base.toLowerCase().lastIndexOf(`run-${parts.run.toLowerCase()}-tag-`));
  const m = /^(.*?)[_/]?(train|training|validation|val|valid|eval|evaluation|test)$/i.exec(parts.run);
  return m ? { run: `${prefix}run-${m[1] || '.'}`, split: m[2] } : { run: `${prefix}run-${parts.run}`, split: '' };
}

/** Train and validation files of one run become one 'file' group (rules in pair-splits.ts). */
function pairTrainValFiles(groups: Group[]): void {
  // Files holding one run: any log, or a TensorBoard UI export alone in its group (a renamed download).
  const single = groups.filter((g) => (g.kind === 'file' || (g.kind === 'tb-export' && g.members.length === 1)) && g.parsed!.length === 1 && g.parsed![0].runs.length === 1);
  const files = single.map((g) => ({ dir: dirname(g.members[0].path), base: basename(g.members[0].path), format: g.parsed![0].format }));
  for (const pair of pairSplitFiles(files)) {
    const train = single[pair.train];
    const val = single[pair.val];
    const merged = mergeSplitRuns(train.parsed![0].runs[0], val.parsed![0].runs[0]);
    if (pair.guess) {
      merged.warnings.unshift({
        code: 'paired-guess',
        message: `read with ${val.members[0].input.name} as its validation curve: the only train and validation files of their folder, though their names differ otherwise`,
      });
    }
    train.members.push(...val.members);
    train.parsed = [{ ...train.parsed![0], runs: [merged] }];
    train.kind = 'file';
    train.key = train.members[0].path;
    groups.splice(groups.indexOf(val), 1);
  }
}

function planRoot(root: Root, options: PlanOptions, plan: RunPlan): void {
  const scanned = root.dir !== undefined;
  const fail = (error: LossdocError, kind: PlanProblem['kind'] = 'failed') =>
    plan.problems.push({ error, kind, ...(scanned ? { root: root.dir } : {}) });
  /** Full path of a folder or file of this root. */
  const fullPath = (key: string) => (scanned ? join(root.dir!, key) : key === '' ? '.' : key);
  const groups: Group[] = [];
  const groupOf = new Map<string, Group>();
  const addTo = (kind: Group['kind'], key: string, member: Member, sub?: string, label?: string): Group => {
    const id = `${kind}\u0000${key}\u0000${label ?? ''}`;
    let g = groupOf.get(id);
    if (!g) {
      g = { kind, key, members: [], ...(label !== undefined ? { label } : {}) };
      if (kind === 'events') g.subs = [];
      groupOf.set(id, g);
      groups.push(g);
    }
    g.members.push(member);
    if (sub !== undefined) g.subs!.push(sub);
    return g;
  };

  // Configuration files: hyperparameters of the runs in their folder.
  const configs = new Map<string, Hyperparameters>();
  for (const m of root.members) {
    if (!m.input.scan?.config) continue;
    const pairs = configFromFile(m.path, m.input.bytes);
    if (pairs.length > 0) configs.set(dirname(m.path), [...(configs.get(dirname(m.path)) ?? []), ...pairs]);
  }
  let members = root.members.filter((m) => !m.input.scan?.config);

  // Hugging Face checkpoint copies of trainer_state.json (scans only: files given directly are read as given).
  if (scanned) {
    const states = new Set(members.filter((m) => basename(m.path) === 'trainer_state.json').map((m) => dirname(m.path)));
    const latest = new Map<string, number>();
    const ckpt = (m: Member) => {
      if (basename(m.path) !== 'trainer_state.json') return undefined;
      const dir = dirname(m.path);
      const match = /^checkpoint-(\d+)$/.exec(basename(dir));
      return match ? { parent: dirname(dir), n: Number(match[1]) } : undefined;
    };
    for (const m of members) {
      const c = ckpt(m);
      if (c) latest.set(c.parent, Math.max(latest.get(c.parent) ?? -1, c.n));
    }
    members = members.filter((m) => {
      const c = ckpt(m);
      return !c || (!states.has(c.parent) && latest.get(c.parent) === c.n);
    });
  }

  // MLflow run folders.
  const metaDirs = new Set(members.filter((m) => basename(m.path) === 'meta.yaml').map((m) => dirname(m.path)));
  const mlflowDirs = new Set<string>();
  for (const m of members) {
    const segs = m.path.split('/');
    let chosen: string | undefined;
    let last: string | undefined;
    for (let i = 0; i < segs.length - 1; i++) {
      if (segs[i] !== 'metrics') continue;
      const dir = segs.slice(0, i).join('/');
      if (metaDirs.has(dir)) {
        chosen = dir;
        break;
      }
      last = dir;
    }
    if (chosen === undefined && last !== undefined && probeOf(m.input).bytes.length > 0 && looksLikeMlflowMetric(probeOf(m.input).bytes)) chosen = last;
    if (chosen !== undefined) mlflowDirs.add(chosen);
  }
  const byDepth = [...mlflowDirs].sort((a, b) => b.length - a.length);
  const rest: Member[] = [];
  for (const m of members) {
    const dir = byDepth.find((d) => {
      if (!isUnder(m.path, d)) return false;
      const top = relTo(m.path, d).split('/')[0];
      return top === 'metrics' || top === 'meta.yaml' || top === 'tags' || top === 'params';
    });
    if (dir !== undefined) addTo('mlflow', dir, m);
    else rest.push(m);
  }

  // Everything else: by format.
  const wandbKeys = wandbRunKeys(rest, (m) => probeOf(m.input).bytes, options.inputFormat);
  for (const m of rest) {
    const { input } = m;
    const forced = options.inputFormat;
    const wandbKey = wandbKeys.get(m);
    if (wandbKey !== undefined) {
      addTo('wandb', wandbKey, m);
      continue;
    }
    if (/(^|\/)plots\/metrics\/.+\.tsv$/i.test(m.path) && (forced === undefined || forced === 'dvclive')) {
      const i = m.path.lastIndexOf('plots/metrics/');
      addTo('dvclive', m.path.slice(0, Math.max(0, i - 1)), m);
      continue;
    }
    const isEvent = forced === 'tfevents' || (forced === undefined && (probeOf(input).bytes.length === 0 ? /tfevents/i.test(basename(m.path)) && !/\.(csv|json|tsv|txt)$/i.test(m.path) : isEventFile(probeOf(input))));
    if (isEvent) {
      const parent = dirname(m.path);
      const parentName = basename(parent);
      if (parent !== '' && parent !== '/' && isRoleDir(parentName)) addTo('events', dirname(parent), m, parentName);
      else addTo('events', parent, m, '');
      continue;
    }
    if (probeOf(input).bytes.length === 0) {
      fail(new InputError(input.name, 'empty file', { code: 'empty' }));
      continue;
    }
    const ownReport = forced ? undefined : ownReportError(input.name, probeOf(input).bytes);
    if (ownReport) {
      fail(ownReport);
      continue;
    }
    const format = forced ?? detectFormat(probeOf(input))?.format;
    if (!format) {
      const keys = scanned ? undefined : jsonObjectKeys(input.bytes);
      fail(
        new InputError(input.name, `not a training log lossdoc recognises${keys ? ` (a JSON object with the keys ${keys}, none of them a series)` : ''}`, {
          code: 'unknown-format',
          hint: `pass --input-format (one of: ${formatIds.join(', ')})`,
        }),
      );
      continue;
    }
    if (format === 'dvclive') {
      addTo('dvclive', dirname(m.path), m);
      continue;
    }
    const parser = parserFor(format);
    if (!parser) {
      fail(new InputError(input.name, `unknown input format "${format}"`, { code: 'unknown-format' }));
      continue;
    }
    try {
      const log = parser.parse(input);
      const kind = log.format === 'tb-export-csv' || log.format === 'tb-export-json' ? 'tb-export' : 'file';
      const g = kind === 'file' ? addTo(kind, m.path, m) : addTo(kind, dirname(m.path), m, undefined, tbExportRun(m.path).run);
      (g.parsed ??= []).push({ member: m, format: log.format, runs: log.runs });
    } catch (error) {
      const e = describeError(error, input.name);
      fail(e, e.code === 'no-scalars' ? 'no-scalars' : 'failed');
    }
  }

  pairTrainValFiles(groups);

  const eventKeys = new Set(groups.filter((g) => g.kind === 'events').map((g) => g.key));
  /** Name of a group: its path below the scanned folder; for files given directly, their path (one file) or folder. */
  const nameOf = (g: Group, key = g.key): string => {
    if (scanned) return key === '' ? root.selfName : key;
    return g.members.length === 1 ? g.members[0].input.name : key === '' ? '.' : key;
  };
  const push = (g: Group, raw: RawRun, format: FormatId, name = nameOf(g), path = fullPath(g.key)) => {
    const hyperparameters = raw.hyperparameters ?? configs.get(g.kind === 'file' ? dirname(g.key) : g.key);
    plan.runs.push({
      name,
      path,
      format,
      raw: { ...raw, name, ...(hyperparameters ? { hyperparameters } : {}) },
      sources: g.members.map((m) => m.input.name),
      ...(scanned ? { root: root.dir } : {}),
    });
  };

  for (const g of groups) {
    switch (g.kind) {
      case 'mlflow': {
        const runDir = fullPath(g.key);
        const raw = parseMlflowRun(
          g.members.map((m) => ({ relPath: relTo(m.path, g.key), bytes: m.input.bytes })),
          runDir,
        );
        if (raw.metrics.length === 0) {
          fail(new InputError(runDir, 'MLflow run with no metric points', { code: 'no-scalars' }), 'no-scalars');
          break;
        }
        const base = nameOf(g);
        const display = basename(normalisePath(runDir));
        const name = raw.name && raw.name !== display && raw.name !== base ? `${base} (${raw.name})` : base;
        push(g, raw, 'mlflow', name);
        break;
      }
      case 'events': {
        const merged = mergeEventFiles(g.members.map((m, i) => ({ name: m.input.name, bytes: m.input.bytes, sub: g.subs![i], maxSeries: m.input.maxSeries })));
        const where = g.members.length === 1 && !scanned ? g.members[0].input.name : fullPath(g.key);
        const files = g.members.length === 1 ? 'the event file holds' : `its ${g.members.length} event files hold`;
        if (merged.metrics.length === 0) {
          const why = merged.warnings.find((w) => w.code !== 'restart');
          fail(
            new InputError(where, `no scalar series: ${files} no scalar summaries${why ? ` (${why.message})` : ''}`, {
              code: 'no-scalars',
              hint: 'only a header, graphs, images, histograms or hparams? A run that has just started writes its first scalars later',
            }),
            'no-scalars',
          );
          break;
        }
        const curves = merged.metrics.filter((m) => !NOT_CURVES.has(basename(m.name)));
        if (curves.length === 0) {
          const names = [...new Set(merged.metrics.map((m) => basename(m.name)))].join(' and ');
          fail(
            new InputError(where, `no scalar series: ${files} only ${names}, which is not a training curve`, {
              code: 'no-scalars',
              hint: 'hp_metric is the hyperparameter summary PyTorch Lightning writes; the run logged no loss',
            }),
            'no-scalars',
          );
          break;
        }
        push(g, { name: '', metrics: merged.metrics, warnings: merged.warnings }, 'tfevents');
        break;
      }
      case 'dvclive': {
        const name = nameOf(g);
        const raw = parseDvcliveRun(
          g.members.map((m) => ({ relPath: relTo(m.path, g.key), bytes: m.input.bytes })),
          fullPath(g.key),
        );
        if (raw.metrics.length === 0) {
          const why = raw.warnings[0];
          const where = g.members.length === 1 && !scanned ? g.members[0].input.name : fullPath(g.key);
          fail(new InputError(where, `no DVCLive metric could be read${why ? ` (${why.message})` : ''}`, { code: 'bad-dvclive' }));
          break;
        }
        push(g, raw, 'dvclive', name);
        break;
      }
      case 'wandb': {
        const where = g.members.length === 1 && !scanned ? g.members[0].input.name : fullPath(g.key);
        try {
          const files = g.members.map((m) => ({ rel: m.path === g.key ? basename(m.path) : relTo(m.path, g.key), input: m.input }));
          const run = parseWandbFolder(files, where);
          if (run.raw.metrics.length === 0) {
            fail(new InputError(where, 'no scalar series: the W&B run logged no numeric history', { code: 'no-scalars' }), 'no-scalars');
            break;
          }
          push(g, run.raw, 'wandb', run.label ?? nameOf(g));
        } catch (error) {
          const e = describeError(error, where);
          fail(e, e.code === 'no-scalars' ? 'no-scalars' : 'failed');
        }
        break;
      }
      case 'tb-export': {
        const parsed = g.parsed!;
        // Several splits (`…_train`, `…_validation`) of one run: their tags get the split as a prefix.
        const splits = parsed.map((p) => tbExportRun(p.member.path).split);
        const prefix = new Set(splits).size > 1;
        const raw: RawRun = {
          name: '',
          metrics: parsed.flatMap((p, i) =>
            p.runs.flatMap((r) => r.metrics.map((m) => (prefix && splits[i] && !m.name.startsWith(`${splits[i]}/`) ? { ...m, name: `${splits[i]}/${m.name}` } : m))),
          ),
          warnings: parsed.flatMap((p) => p.runs.flatMap((r) => r.warnings)),
        };
        const single = g.members.length === 1;
        const onlyExportRunHere = groups.filter((o) => o.kind === 'tb-export' && o.key === g.key).length === 1;
        const folderName = onlyExportRunHere ? nameOf(g) : join(g.key, g.label!);
        const name = single ? (scanned ? g.members[0].path : g.members[0].input.name) : folderName;
        push(g, raw, parsed[0].format, name, single ? g.members[0].input.name : onlyExportRunHere ? fullPath(g.key) : join(fullPath(g.key), g.label!));
        break;
      }
      case 'file': {
        const { member, format, runs } = g.parsed![0];
        let name = scanned ? member.path : member.input.name;
        // A train file read with its validation file: both named.
        if (g.members.length === 2) name = `${name} + ${basename(g.members[1].path)}`;
        // A Lightning CSVLogger run is its version_N folder.
        const dir = dirname(member.path);
        if (scanned && basename(member.path) === 'metrics.csv' && /^version_\d+$/.test(basename(dir)) && !eventKeys.has(dir)) {
          name = dir;
        }
        const many = runs.length > 1;
        for (const raw of runs) {
          const runName = many ? `${name} :: ${raw.name}` : name;
          const runPath = many ? `${member.input.name} :: ${raw.name}` : member.input.name;
          // Runs appended to one file (split-appended.ts) are file#1, file#2, …
          const parts = splitAppendedRuns(raw);
          parts.forEach((part, k) => {
            const suffix = parts.length > 1 ? `#${k + 1}` : '';
            push(g, part, format, `${runName}${suffix}`, `${runPath}${suffix}`);
          });
        }
        break;
      }
    }
  }
}
