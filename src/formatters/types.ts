import type { FailOn } from '../core/exit-code.js';
import type { Report } from '../core/report-schema.js';
import type { Lang } from '../core/types.js';

export interface FormatOptions {
  /** Use ANSI colours (the CLI decides from the TTY, NO_COLOR and --no-color). */
  color: boolean;
  lang: Lang;
  /** Show info-level findings (text format). */
  verbose?: boolean;
  /** The severity the run fails at (markdown verdict, junit failures); default 'error'. */
  failOn?: FailOn;
  /** More warning findings than this also fail (markdown verdict). */
  maxWarnings?: number;
  /** Rules that ran (junit: one testcase per rule per run); default: the ids of the findings. */
  ruleIds?: readonly string[];
  /** With several runs: details of only the first N in the summary order (text, markdown). */
  top?: number;
}

/** Formatters are pure: the same report and options give the same string. */
export type Formatter = (report: Report, options: FormatOptions) => string;
