import type { Report } from '../core/report-schema.js';
import type { Lang } from '../core/types.js';

export interface FormatOptions {
  /** Use ANSI colours (the CLI decides from the TTY, NO_COLOR and --no-color). */
  color: boolean;
  lang: Lang;
  /** Show info-level findings (text format). */
  verbose?: boolean;
}

/** Formatters are pure: the same report and options give the same string. */
export type Formatter = (report: Report, options: FormatOptions) => string;
