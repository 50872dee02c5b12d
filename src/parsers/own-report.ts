/**
 * lossdoc's own JSON report (`-f json`), recognised from its head so that a report written into an
 * analysed folder is not read back as a training log (its numbers would make a bogus run). Pure.
 */
import { InputError } from '../errors.js';
import { headText } from './text.js';

/** `{"schemaVersion": N, "tool": {"name": "lossdoc"`: the report's first keys, in the order it writes them. */
const REPORT_HEAD = /^\s*\{\s*"schemaVersion"\s*:\s*\d{1,9}\s*,\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"lossdoc"/;

/** True when the bytes (a file's head is enough) start like a lossdoc JSON report. */
export function isLossdocReport(bytes: Uint8Array): boolean {
  return REPORT_HEAD.test(headText(bytes, 1024));
}

/** The error for a report given (or found) where a training log was expected; undefined for anything else. */
export function ownReportError(name: string, bytes: Uint8Array, skipped = false): InputError | undefined {
  if (!isLossdocReport(bytes)) return undefined;
  return new InputError(name, `is a lossdoc report, not a training log${skipped ? '; skipped' : ''}`, { code: 'own-report' });
}
