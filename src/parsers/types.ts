import type { FormatId, ParsedLog } from '../core/types.js';

/** What a parser gets: the bytes and the name they came from (a path, or `-` for stdin). */
export interface ParserInput {
  /** Used for messages and as a format/role hint; never opened. */
  name: string;
  bytes: Uint8Array;
  /** Most distinct series read from this input (default DEFAULT_MAX_SERIES, see series-cap.ts). */
  maxSeries?: number;
}

export interface LogParser {
  id: FormatId;
  /** One line for `lossdoc formats` / README. */
  description: string;
  /**
   * 0..1: how sure this parser is that the input is its format, from a bounded head of the
   * text (a few KB) and the file name. Must be cheap and must never throw.
   */
  sniff(head: string, fileName: string): number;
  /**
   * Parse the whole input. Throws InputError (naming input.name and the line) when the input
   * is not usable at all; recoverable oddities go into RawRun.warnings.
   */
  parse(input: ParserInput): ParsedLog;
}

/** Identity helper: keeps parser modules typed without a class hierarchy. */
export function defineParser(parser: LogParser): LogParser {
  return parser;
}
