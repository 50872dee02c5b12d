/**
 * A ceiling on the distinct series one log may hold. A log with a million distinct keys (a JSON
 * record per id, a CSV with 100 000 columns) would otherwise need gigabytes; no training run
 * logs that many curves. Series past the limit, in order of first appearance, are left out with
 * one warning saying how many. Pure.
 */
import type { ParseWarning } from '../core/types.js';
import type { ParserInput } from './types.js';

/** Default `maxSeries`. */
export const DEFAULT_MAX_SERIES = 1000;

/** The limit for one input (ParserInput.maxSeries, else the default). */
export function seriesLimit(input: ParserInput): number {
  return input.maxSeries ?? DEFAULT_MAX_SERIES;
}

export function tooManySeriesWarning(dropped: number, limit: number): ParseWarning {
  return {
    code: 'too-many-series',
    message: `${dropped} more series left out: lossdoc reads the first ${limit} series of a log (maxSeries in the config)`,
  };
}

/** Admits the first `limit` distinct names and counts the distinct ones turned away. */
export class SeriesCap {
  private readonly refused = new Set<string>();
  constructor(readonly limit: number) {}

  /** May a new series `key` be added, `current` series being held already? */
  admit(key: string, current: number): boolean {
    if (current < this.limit) return true;
    this.refused.add(key);
    return false;
  }

  /** The warning, or undefined when nothing was left out. */
  warning(): ParseWarning | undefined {
    return this.refused.size > 0 ? tooManySeriesWarning(this.refused.size, this.limit) : undefined;
  }
}
