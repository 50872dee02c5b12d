/** Small presentation helpers shared by the human-readable formatters. Pure. */
import type { RunReport } from '../core/report-schema.js';

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

/** A report number as people read it: 4 significant digits, `–` when absent. */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(2).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** A relative change as a signed percentage (`+24%`, `-70%`). */
export function signedPct(v: number | null): string {
  if (v === null) return '';
  const p = Number((v * 100).toPrecision(2));
  return `${p > 0 ? '+' : ''}${p}%`;
}

export { thousands, xLabel } from '../core/number-format.js';
