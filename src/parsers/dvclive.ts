/**
 * DVCLive step logs: one TSV per metric, `dvclive/plots/metrics/<name>.tsv`, header
 * `timestamp\tstep\t<name>` (DVCLive ≥ 1) or `step\t<name>` (older, and the HF callback copies).
 * Pure. Duplicated steps are kept in file order (downstream keeps the last).
 */

import { InputError } from '../errors.js';
import type { ParseWarning, RawMetric, RawRun } from '../core/types.js';
import { baseName, decodeText, parseNumber } from './text.js';
import { defineParser } from './types.js';

export const PLOTS = 'plots/metrics/';

/** The header's columns when it is a DVCLive header, else undefined. */
function dvcliveHeader(line: string): { stepCol: number; valueCol: number; name: string } | undefined {
  const cols = line.replace(/^\uFEFF/, '').replace(/\r$/, '').split('\t');
  if (cols.length === 3 && cols[0] === 'timestamp' && cols[1] === 'step' && cols[2].trim() !== '') {
    return { stepCol: 1, valueCol: 2, name: cols[2] };
  }
  if (cols.length === 2 && cols[0] === 'step' && cols[1].trim() !== '' && cols[1] !== 'timestamp') {
    return { stepCol: 0, valueCol: 1, name: cols[1] };
  }
  return undefined;
}

/** Series name from a path: the part after `plots/metrics/`, without `.tsv`. */
function seriesName(path: string): string | undefined {
  const p = path.replace(/\\/g, '/');
  const i = p.lastIndexOf(PLOTS);
  if (i < 0) return undefined;
  return p.slice(i + PLOTS.length).replace(/\.tsv$/i, '');
}

/** Read one DVCLive TSV; an `error` when it is not one or has no usable rows. Empty cells are skipped. */
function readTsv(
  text: string,
  name: string | undefined,
  source: string,
  warnings: ParseWarning[],
): RawMetric | { error: string; line?: number } {
  const lines = text.split(/\r?\n/);
  const header = dvcliveHeader(lines[0] ?? '');
  if (!header) return { error: 'not a DVCLive TSV (expected a "timestamp\\tstep\\t<name>" or "step\\t<name>" header)', line: 1 };
  const width = header.valueCol + 1;
  const value: number[] = [];
  const step: number[] = [];
  const line: number[] = [];
  let bad = 0;
  let firstBad = 0;
  for (let i = 1; i < lines.length; i++) {
    const row = lines[i];
    if (row.trim() === '') continue;
    const cells = row.split('\t');
    const s = cells.length === width ? parseNumber(cells[header.stepCol]) : null;
    const v = cells.length === width ? parseNumber(cells[header.valueCol]) : null;
    if (s == null || !Number.isFinite(s) || v === null) {
      if (bad++ === 0) firstBad = i + 1;
      continue;
    }
    if (v === undefined) continue;
    step.push(s);
    value.push(v);
    line.push(i + 1);
  }
  if (bad > 0) {
    warnings.push({ code: 'bad-line', line: firstBad, message: `${source}: ${bad} malformed row(s) skipped` });
  }
  if (value.length === 0) return { error: 'no data rows' };
  return {
    name: name ?? header.name,
    value: Float64Array.from(value),
    step: Float64Array.from(step),
    line: Int32Array.from(line),
  };
}

export const dvcliveTsvParser = defineParser({
  id: 'dvclive',
  description: 'DVCLive metric TSV (dvclive/plots/metrics/<name>.tsv: timestamp, step, value)',
  sniff(head: string, fileName: string): number {
    const lines = head.split(/\r?\n/);
    const header = dvcliveHeader(lines[0] ?? '');
    if (!header) return 0;
    const first = lines.slice(1).find((l) => l.trim() !== '');
    if (first !== undefined) {
      const cells = first.split('\t');
      // Only judge a complete row (the head may cut the last one).
      if (cells.length !== header.valueCol + 1 || parseNumber(cells[header.stepCol]) == null) return 0.1;
    }
    const name = fileName.replace(/\\/g, '/');
    return name.includes(PLOTS) || /\.tsv$/i.test(name) ? 0.95 : 0.85;
  },
  parse(input) {
    const warnings: ParseWarning[] = [];
    const result = readTsv(decodeText(input.bytes), seriesName(input.name), input.name, warnings);
    if ('error' in result) throw new InputError(input.name, result.error, { code: 'bad-dvclive', line: result.line });
    return { format: 'dvclive', runs: [{ name: runNameFromPath(input.name), metrics: [result], warnings }] };
  },
});

/** `x/dvclive/plots/metrics/train/loss.tsv` → `x` (the folder holding dvclive/), else the file name. */
function runNameFromPath(path: string): string {
  const p = path.replace(/\\/g, '/');
  const i = p.lastIndexOf(PLOTS);
  if (i < 0) return baseName(p);
  const parts = p.slice(0, i).split('/').filter(Boolean);
  if (parts.length && parts[parts.length - 1] === 'dvclive') parts.pop();
  return parts[parts.length - 1] ?? 'dvclive';
}

/**
 * Parse a DVCLive folder: every `plots/metrics/**.tsv` (or, when there is none, every `.tsv`)
 * becomes one series named by its path under `plots/metrics/` without `.tsv`.
 */
export function parseDvcliveRun(files: { relPath: string; bytes: Uint8Array }[], name: string): RawRun {
  const warnings: ParseWarning[] = [];
  const tsv = files
    .map((f) => ({ path: f.relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, ''), bytes: f.bytes }))
    .filter((f) => /\.tsv$/i.test(f.path));
  const underPlots = tsv.filter((f) => seriesName(f.path) !== undefined);
  const chosen = (underPlots.length ? underPlots : tsv)
    .map((f) => ({ ...f, series: seriesName(f.path) ?? f.path.replace(/\.tsv$/i, '') }))
    .sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
  const metrics: RawMetric[] = [];
  for (const f of chosen) {
    const r = readTsv(decodeText(f.bytes), f.series, `${name}/${f.path}`, warnings);
    if ('error' in r) {
      warnings.push({ code: 'bad-dvclive', message: `${name}/${f.path}: ${r.error}; skipped` });
      continue;
    }
    metrics.push(r);
  }
  return { name, metrics, warnings };
}
