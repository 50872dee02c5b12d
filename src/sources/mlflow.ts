/**
 * MLflow file-store runs (`mlruns/<experiment>/<run>/`): everything lossdoc knows of their layout.
 *
 * `metrics/<key>` holds one line per logged point, `<timestamp_ms> <value> [<step>]` (a key with
 * `/` is a nested folder); the run name comes from `tags/mlflow.runName`, else `meta.yaml`
 * `run_name:`, else the folder name; `meta.yaml` `status:` 4 = FAILED, 5 = KILLED; `params/<key>`
 * are its hyperparameters. Its `artifacts/` are ordinary files.
 */

import type { Hyperparameters, ParseWarning, RawMetric, RawRun } from '../core/types.js';
import { InputError } from '../errors.js';
import { scalarOf } from '../parsers/config-files.js';
import { probeOf } from '../parsers/csv/fast-entry.js';
import { baseName, decodeText, parseNumber } from '../parsers/text.js';
import { basename, dirname, normalisePath, relTo } from './paths.js';
import { claimByKey, defineSource, type Member } from './types.js';

export interface RunFile {
  /** Path relative to the run folder, `/`-separated (e.g. `metrics/train/loss`). */
  relPath: string;
  bytes: Uint8Array;
}

/** Top-level entries an MLflow run folder may hold. */
const RUN_ENTRIES = new Set(['meta.yaml', 'metrics', 'params', 'tags', 'artifacts', 'inputs', 'outputs']);

/**
 * What a directory scan reads from a run folder: the files below `metrics/` (any depth), and once
 * there are any, `meta.yaml` and the files of `extras` it accepts; `artifacts/` is searched like
 * any folder.
 */
export const MLFLOW_RUN_LAYOUT = {
  metrics: 'metrics',
  meta: 'meta.yaml',
  extras: [
    { dir: 'tags', accept: (name: string) => name === 'mlflow.runName' },
    { dir: 'params', accept: (name: string) => !name.startsWith('.') },
  ],
  artifacts: 'artifacts',
} as const;

/** The run-folder entries whose files are read as the run (the rest, artifacts, are ordinary files). */
const READ_ENTRIES = new Set<string>([MLFLOW_RUN_LAYOUT.metrics, MLFLOW_RUN_LAYOUT.meta, ...MLFLOW_RUN_LAYOUT.extras.map((e) => e.dir)]);

/**
 * True when a folder's listing is an MLflow run folder: a `metrics/` folder, and either a
 * `meta.yaml` or nothing else than what a run folder holds (runs copied without meta.yaml).
 */
export function isMlflowRunListing(entries: ReadonlyArray<{ name: string; isDir: boolean }>): boolean {
  if (!entries.some((e) => e.isDir && e.name === 'metrics')) return false;
  if (entries.some((e) => !e.isDir && e.name === 'meta.yaml')) return true;
  return entries.every((e) => RUN_ENTRIES.has(e.name) || e.name.startsWith('.'));
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

/**
 * The run folder a file belongs to: the folder above a `metrics/` segment that holds a
 * meta.yaml, else (runs copied without it) the innermost such folder when the file reads like an
 * MLflow metric.
 */
function runFolderOf(m: Member, metaDirs: ReadonlySet<string>): string | undefined {
  const segs = m.path.split('/');
  let last: string | undefined;
  for (let i = 0; i < segs.length - 1; i++) {
    if (segs[i] !== 'metrics') continue;
    const dir = segs.slice(0, i).join('/');
    if (metaDirs.has(dir)) return dir;
    last = dir;
  }
  if (last === undefined) return undefined;
  const head = probeOf(m.input).bytes;
  return head.length > 0 && looksLikeMlflowMetric(head) ? last : undefined;
}

/**
 * The innermost of `runDirs` that `path` is under and whose run reads it (it lies in metrics/,
 * meta.yaml, tags/ or params/ of that folder), else undefined: the file's own folders are looked
 * up from the deepest, then the top ('').
 */
function readRunDirOf(path: string, runDirs: ReadonlySet<string>): string | undefined {
  for (let j = path.lastIndexOf('/'); j > 0; j = path.lastIndexOf('/', j - 1)) {
    const dir = path.slice(0, j);
    if (runDirs.has(dir) && READ_ENTRIES.has(relTo(path, dir).split('/')[0])) return dir;
  }
  return runDirs.has('') && READ_ENTRIES.has(relTo(path, '').split('/')[0]) ? '' : undefined;
}

export const mlflowSource = defineSource({
  id: 'mlflow',
  description: 'MLflow run folder (mlruns/<experiment>/<run>/: metrics/<key> files, meta.yaml, tags/mlflow.runName, params/)',
  listedFirst: true,
  claim(members) {
    const metaDirs = new Set(members.filter((m) => basename(m.path) === 'meta.yaml').map((m) => dirname(m.path)));
    const runDirs = new Set<string>();
    for (const m of members) {
      const dir = runFolderOf(m, metaDirs);
      if (dir !== undefined) runDirs.add(dir);
    }
    return claimByKey(mlflowSource, members, (m) => readRunDirOf(m.path, runDirs));
  },
  read(g, ctx) {
    const runDir = ctx.fullPath(g.key);
    const raw = parseMlflowRun(
      g.members.map((m) => ({ relPath: relTo(m.path, g.key), bytes: m.input.bytes })),
      runDir,
    );
    if (raw.metrics.length === 0) {
      ctx.fail(new InputError(runDir, 'MLflow run with no metric points', { code: 'no-scalars' }), 'no-scalars');
      return;
    }
    const base = ctx.nameOf(g);
    const display = basename(normalisePath(runDir));
    const name = raw.name && raw.name !== display && raw.name !== base ? `${base} (${raw.name})` : base;
    ctx.push(g, raw, 'mlflow', name);
  },
});

function normaliseRel(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** meta.yaml `status` values that end a run early (a Map: the value is text from the log). */
const STATUS = new Map([
  ['4', 'FAILED'],
  ['5', 'KILLED'],
  ['FAILED', 'FAILED'],
  ['KILLED', 'KILLED'],
]);

/** `key: value` of a flat YAML file (MLflow's meta.yaml is flat). Quotes are stripped. */
function yamlScalars(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    // `(.*?)[ \t]*$` would rescan a run of blanks from each of its positions: trim instead.
    const m = /^([A-Za-z_][\w-]*):(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].replace(/^[ \t]+/, '').trimEnd();
    if (/^'.*'$/.test(v)) v = v.slice(1, -1).replace(/''/g, "'");
    else if (/^".*"$/.test(v)) v = v.slice(1, -1);
    out.set(m[1], v);
  }
  return out;
}

/** Parse one MLflow run folder. Metrics are sorted by key so output does not depend on listing order. */
export function parseMlflowRun(files: RunFile[], runDir: string): RawRun {
  const warnings: ParseWarning[] = [];
  const metrics: RawMetric[] = [];
  let tagName: string | undefined;
  let meta: Map<string, string> | undefined;

  const metricFiles: { key: string; bytes: Uint8Array }[] = [];
  const params: Hyperparameters = [];
  for (const f of files) {
    const p = normaliseRel(f.relPath);
    if (p.startsWith('metrics/') && p.length > 'metrics/'.length) {
      metricFiles.push({ key: p.slice('metrics/'.length), bytes: f.bytes });
    } else if (p === 'tags/mlflow.runName') {
      const name = decodeText(f.bytes).trim();
      if (name) tagName = name;
    } else if (p === 'meta.yaml') {
      meta = yamlScalars(decodeText(f.bytes));
    } else if (p.startsWith('params/') && p.length > 'params/'.length) {
      params.push([p.slice('params/'.length), scalarOf(decodeText(f.bytes))]);
    }
  }
  metricFiles.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  for (const { key, bytes } of metricFiles) {
    const m = parseMetricFile(key, bytes, `${runDir}/metrics/${key}`, warnings);
    if (m) metrics.push(m);
  }

  const metaName = meta?.get('run_name') || meta?.get('name') || undefined;
  const name = tagName ?? metaName ?? (baseName(runDir.replace(/[\\/]+$/, '')) || runDir);
  const status = meta?.get('status');
  const ended = status === undefined ? undefined : STATUS.get(status);
  if (ended !== undefined) {
    warnings.push({
      code: `run-${ended.toLowerCase()}`,
      message: `run marked ${ended} in meta.yaml (status: ${status})`,
    });
  }
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { name, metrics, warnings, ...(params.length ? { hyperparameters: params } : {}) };
}

function parseMetricFile(key: string, bytes: Uint8Array, source: string, warnings: ParseWarning[]): RawMetric | undefined {
  const lines = decodeText(bytes).split(/\r?\n/);
  const value: number[] = [];
  const step: number[] = [];
  const line: number[] = [];
  let bad = 0;
  let firstBad = 0;
  let twoField = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text === '') continue;
    const parts = text.split(/\s+/);
    const v = parts.length >= 2 ? parseNumber(parts[1]) : null;
    const s = parts.length >= 3 ? parseNumber(parts[2]) : 0;
    if (parts.length < 2 || parts.length > 3 || parseNumber(parts[0]) == null || v == null || s == null || !Number.isFinite(s)) {
      if (bad++ === 0) firstBad = i + 1;
      continue;
    }
    if (parts.length === 2) twoField++;
    value.push(v);
    step.push(s);
    line.push(i + 1);
  }
  if (bad > 0) {
    warnings.push({
      code: 'bad-line',
      line: firstBad,
      message: `${source}: ${bad} line(s) are not "<timestamp> <value> [<step>]" and were skipped`,
    });
  }
  if (value.length === 0) {
    warnings.push({ code: 'empty-metric', message: `${source}: no points` });
    return undefined;
  }
  if (value.length > 1 && !step.some((s) => s !== 0)) {
    for (let i = 0; i < step.length; i++) step[i] = i;
    warnings.push({
      code: 'no-steps',
      message: `${source}: all ${value.length} points were logged at step 0${twoField ? ' (no step field)' : ''}; using the point order as the step`,
    });
  }
  return {
    name: key,
    value: Float64Array.from(value),
    step: Float64Array.from(step),
    line: Int32Array.from(line),
  };
}
