/**
 * What a file is, decided once: a directory scan recognises a file from its head when it decides
 * whether to read it (recogniseFile) and passes the format on; the planner detects only the files
 * the scan did not (whatFileIs, memoised per file).
 */
import type { FormatId } from '../core/types.js';
import { probeOf } from '../parsers/csv/fast-entry.js';
import { detectFormat } from '../parsers/index.js';
import { ownReportError } from '../parsers/own-report.js';
import type { ParserInput } from '../parsers/types.js';
import { basename } from './paths.js';
import type { FileKind, Member } from './types.js';

/** Sniff score a file of unknown name needs to be read as a log (a real text log scores 0.6 and more). */
const SNIFF_MIN_SCORE = 0.5;

/**
 * The format of a file found by scanning, from its head; undefined when it is not read as a log.
 * A file whose name says "log" (`.csv`, `.log`, …) takes the best-scoring format; one of unknown
 * name needs SNIFF_MIN_SCORE (or event-file bytes).
 */
export function recogniseFile(head: ParserInput, namedLikeLog: boolean): FormatId | undefined {
  const found = detectFormat(head);
  if (found === undefined) return undefined;
  return namedLikeLog || found.format === 'tfevents' || found.score >= SNIFF_MIN_SCORE ? found.format : undefined;
}

/** An empty file named like an event file (a run that has not written its first record yet). */
function looksNamedLikeEventFile(path: string): boolean {
  return /tfevents/i.test(basename(path)) && !/\.(csv|json|tsv|txt)$/i.test(path);
}

/**
 * What a file of the listing is: the format forced with --input-format; empty (unless named like
 * an event file); its format as the scan recognised it (the scan already left out reports lossdoc
 * wrote); else a report lossdoc wrote, its detected format, or unknown.
 */
export function whatFileIs(m: Member, forced: FormatId | undefined): FileKind {
  const probe = probeOf(m.input);
  const empty = probe.bytes.length === 0;
  if (forced !== undefined) return forced !== 'tfevents' && empty ? { kind: 'empty' } : { kind: 'format', format: forced };
  if (empty) return looksNamedLikeEventFile(m.path) ? { kind: 'format', format: 'tfevents' } : { kind: 'empty' };
  const known = m.input.scan?.format;
  if (known !== undefined) return { kind: 'format', format: known };
  const ownReport = ownReportError(probe.name, probe.bytes);
  if (ownReport) return { kind: 'own-report', error: ownReport };
  const format = detectFormat(probe)?.format;
  return format === undefined ? { kind: 'unknown' } : { kind: 'format', format };
}
