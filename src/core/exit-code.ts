import type { Finding, Report } from './report-schema.js';
import { atLeast } from './severity.js';
import type { Severity } from './types.js';

export type FailOn = Severity | 'none';

/**
 * Does this finding fail a run at `failOn`? An uncertain finding (below the minimum confidence)
 * is shown, never counted.
 */
export function failsOn(finding: Finding, failOn: FailOn): boolean {
  return !finding.uncertain && failOn !== 'none' && atLeast(finding.severity, failOn);
}

/**
 * 0 when no finding is at or above `failOn` (and warnings ≤ maxWarnings), else 1.
 * Exit code 2 (lossdoc could not do its job) is the CLI's, not the report's.
 */
export function getExitCode(report: Report, options: { failOn?: FailOn; maxWarnings?: number } = {}): 0 | 1 {
  const failOn = options.failOn ?? 'error';
  // An uncertain finding (below the minimum confidence) is shown, never counted.
  const findings = report.runs.flatMap((r) => r.findings).filter((f) => !f.uncertain);
  if (findings.some((f) => failsOn(f, failOn))) return 1;
  const maxWarnings = options.maxWarnings ?? -1;
  if (maxWarnings >= 0 && findings.filter((f) => f.severity === 'warning').length > maxWarnings) return 1;
  return 0;
}
