/**
 * MLflow file-store runs (`mlruns/<experiment>/<run>/`). Pure: the caller lists and reads the
 * run folder's files and passes their bytes with paths relative to the run folder.
 *
 * `metrics/<key>` holds one line per logged point, `<timestamp_ms> <value> [<step>]` (a key with
 * `/` is a nested folder); the run name comes from `tags/mlflow.runName`, else `meta.yaml`
 * `run_name:`, else the folder name; `meta.yaml` `status:` 4 = FAILED, 5 = KILLED.
 */

import type { Hyperparameters, ParseWarning, RawMetric, RawRun } from '../core/types.js';
import { scalarOf } from './config-files.js';
import { baseName, decodeText, parseNumber } from './text.js';

export interface RunFile {
  /** Path relative to the run folder, `/`-separated (e.g. `metrics/train/loss`). */
  relPath: string;
  bytes: Uint8Array;
}

/** Top-level entries of an MLflow run folder. */
const RUN_ENTRIES = new Set(['meta.yaml', 'metrics', 'params', 'tags', 'artifacts', 'inputs', 'outputs']);

function normalise(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/**
 * True when the listing looks like one MLflow run folder: at least one `metrics/<key>` file and
 * nothing at the top level that an MLflow run does not hold.
 */
export function isMlflowRunFiles(relPaths: string[]): boolean {
  let metrics = 0;
  for (const raw of relPaths) {
    const p = normalise(raw);
    const top = p.split('/')[0];
    if (!RUN_ENTRIES.has(top)) return false;
    if (top === 'metrics' && p.length > 'metrics/'.length && !p.endsWith('/')) metrics++;
  }
  return metrics > 0;
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
    const p = normalise(f.relPath);
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
