/** Small presentation helpers shared by the human-readable formatters. Pure. */
import type { Report, RunReport, RunSummary } from '../core/report-schema.js';

export type Tone = 'error' | 'warning' | 'info' | 'ok';

/** How alarming each verdict is, for marks and colours. */
export const VERDICT_TONE: Record<RunReport['verdict']['id'], Tone> = {
  'still-learning': 'ok',
  converged: 'ok',
  overfitting: 'warning',
  'data-problem': 'warning',
  'not-learning': 'error',
  diverging: 'error',
  'insufficient-data': 'info',
};

/** A report number as people read it (readableNumber), `–` when absent. */
export function num(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : readableNumber(v);
}

/** A relative change as a signed percentage (`+24%`, `-70%`). */
export function signedPct(v: number | null): string {
  return v === null ? '' : signedPercent(v, 2);
}

import { readableNumber, signedPercent, thousands, xLabel } from '../core/number-format.js';

export { thousands, xLabel };

/** An x as people read it (xLabel), `–` when absent (as num() writes a missing value). */
export function xOrDash(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : xLabel(v);
}

/** The cells of one summary-table row, as raw text (each formatter escapes them its own way). */
export interface SummaryCells {
  run: string;
  verdict: string;
  worst: string;
  best: string;
  final: string;
  hyperparameters: string;
}

/** `key=value` pairs, clipped: a sweep's table shows what differs, not a whole config. */
export function hyperparameterText(pairs: RunSummary['hyperparameters'], max = 80): string {
  const text = pairs.map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/**
 * Keys worth a column in a sweep's table: those whose value is not the same in every run (a key
 * every run shares with one value says nothing about which run did better). Keys come from logs:
 * kept in a Map.
 */
export function varyingKeys(rows: readonly RunSummary[]): Set<string> {
  const values = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const row of rows) {
    for (const [k, v] of row.hyperparameters) {
      if (!values.has(k)) values.set(k, new Set());
      values.get(k)!.add(`${typeof v}:${String(v)}`);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const withAny = rows.filter((r) => r.hyperparameters.length > 0).length;
  const out = new Set<string>();
  for (const [k, set] of values) if (set.size > 1 || counts.get(k)! < withAny || withAny < 2) out.add(k);
  return out;
}

export function summaryCells(row: RunSummary, verdictTitle: (id: RunSummary['verdict']) => string, shownKeys?: ReadonlySet<string>): SummaryCells {
  const at = (p: RunSummary['final']) => (p ? `${num(p.value)} @ ${xOrDash(p.x)}` : '–');
  return {
    run: row.name,
    verdict: verdictTitle(row.verdict),
    worst: row.worstFinding ? `${row.worstFinding.severity} ${row.worstFinding.id}` : '–',
    best: at(row.bestHeldOut),
    final: row.final ? num(row.final.value) : '–',
    hyperparameters: hyperparameterText(shownKeys ? row.hyperparameters.filter(([k]) => shownKeys.has(k)) : row.hyperparameters),
  };
}

/** Length of text in UTF-8 bytes (the unit of GitHub's comment and step-summary limits). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The reports of the summary's rows, in the summary's order (names may repeat). */
export function runsInSummaryOrder(report: Report): RunReport[] {
  const byName = new Map<string, RunReport[]>();
  for (const run of report.runs) byName.set(run.name, [...(byName.get(run.name) ?? []), run]);
  return report.summary.runs.map((row) => byName.get(row.name)!.shift()!);
}

/** A long name cut in the middle (its start and its end both tell runs apart). */
export function clipMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = Math.ceil((max - 1) / 3);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}
