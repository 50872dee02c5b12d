/**
 * Fast path of the CSV family: plain numeric delimited files are read by a byte scanner straight
 * into typed columns (fast-scan.ts + fast-collect.ts), chunk by chunk, instead of decoding the
 * whole file, splitting it into line strings and parsing every cell with a RegExp. The result is
 * identical to openTable() + collect() (test/parsers/csv-fast.test.ts compares both on every
 * fixture); files it cannot read exactly (quotes, lone CR line breaks, UTF-16, binary, errors)
 * return undefined and take the ordinary path. Pure.
 */
import type { RawRun } from '../../core/types.js';
import type { ParserInput } from '../types.js';
import type { CollectOptions, TablePlan } from './collect.js';
import { FastCollector, FastFallback } from './fast-collect.js';
import { scanTable } from './fast-scan.js';

/**
 * An input that can be read chunk by chunk (a big file): `bytes` may be a getter that reads the
 * whole file, so code that can stream should use `chunks()` and never touch `bytes`.
 */
export interface StreamingParserInput extends ParserInput {
  /** The bytes in order, from the start, each time it is called. A chunk may be overwritten once the next is pulled. */
  chunks(): Iterable<Uint8Array>;
  /** Size in bytes. */
  size: number;
  /** The first bytes of the input (at least 64 KB, or all of it): enough for format detection. */
  head: Uint8Array;
}

export function isStreamingInput(input: ParserInput): input is StreamingParserInput {
  return typeof (input as Partial<StreamingParserInput>).chunks === 'function';
}

/** Switch for tests and benchmarks (compare with the csv-parse path); `lastFallback` says why the last file was not fast. */
export const fastCsv: { enabled: boolean; lastFallback: string | undefined } = { enabled: true, lastFallback: undefined };

/**
 * Read a table with the fast path and collect it like `collect(openTable(input), plan, options)`.
 * `makePlan` gets the clean header (and its line) and may throw the parser's InputError.
 * Undefined when the fast path does not apply.
 */
export function collectFast(
  input: ParserInput,
  makePlan: (header: string[], headerLine: number) => TablePlan,
  options: CollectOptions = {},
): RawRun[] | undefined {
  if (!fastCsv.enabled) return undefined;
  const streaming = isStreamingInput(input);
  const chunks = streaming ? input.chunks() : [input.bytes];
  const size = streaming ? input.size : input.bytes.length;
  try {
    const collector = scanTable(chunks, {
      source: input.name,
      size,
      collector: (info, rowsHint) => new FastCollector(info, makePlan(info.header, info.headerLine), options, rowsHint),
    });
    const runs = collector.finish();
    fastCsv.lastFallback = undefined;
    return runs;
  } catch (error) {
    if (error instanceof FastFallback) {
      fastCsv.lastFallback = error.reason;
      return undefined;
    }
    throw error;
  }
}
