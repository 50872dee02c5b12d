/** The one order of severities, for ranking, sorting and --fail-on thresholds. Pure. */
import type { Severity } from './types.js';

/** How alarming a severity is (higher is worse); also the weight that orders findings. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, error: 3 };

/** True when `severity` is `threshold` or worse. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/** For sorting: the more severe first. */
export function bySeverityDesc(a: Severity, b: Severity): number {
  return SEVERITY_RANK[b] - SEVERITY_RANK[a];
}
