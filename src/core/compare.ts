/**
 * Baseline regression gate: pair each run with its reference run and run the baseline rules
 * (rules/regression-*.ts) on it with the engine, so regressions are findings like any other and
 * every formatter and the exit code work unchanged. Pure: runs and reports in, findings out.
 */
import { baselineRules } from '../../rules/index.js';
import { runRules, sortFindings } from './analyze.js';
import { baselineOf, type AnalyzedRun, type CompareTolerances, type PartialTolerances } from './baseline.js';
import type { AnalyzeOptions, RuleContext } from './engine/define-rule.js';
import type { Finding, RunReport } from './report-schema.js';
import type { Lang, Severity } from './types.js';
import type { Verdict } from './verdict.js';

export {
  compareCurves,
  DEFAULT_TOLERANCES,
  relDiff,
  resolveTolerances,
  severityFor,
  type AnalyzedRun,
  type CompareTolerances,
  type CurveComparison,
  type PartialTolerances,
  type Tolerance,
} from './baseline.js';

export interface CompareOptions extends PartialTolerances {
  lang?: Lang;
  /** Same overrides as for rules: 'off' drops a regression finding, a severity replaces the computed one. */
  ruleSeverity?: Record<string, Severity | 'off'>;
  /** Options of the baseline rules, by id (the tolerances above win over these). */
  ruleOptions?: Record<string, Record<string, unknown>>;
}

/** The ids of the baseline rules. */
export const REGRESSION_IDS: readonly string[] = baselineRules.map((r) => r.meta.id);

/** Which baseline rule each tolerance is the options of. */
export const TOLERANCE_RULES: ReadonlyArray<[keyof CompareTolerances, string]> = [
  ['finalLoss', 'regression-final-loss'],
  ['bestLoss', 'regression-best-loss'],
  ['curveArea', 'regression-curve-area'],
];

/** The verdict the analysis reported, as rules read it. */
function reportedVerdict(v: RunReport['verdict']): Verdict {
  return {
    id: v.id as Verdict['id'],
    confidence: v.confidence,
    reason: v.reason,
    ...(v.train ? { train: v.train as Verdict['train'] } : {}),
    ...(v.heldOut ? { heldOut: v.heldOut as Verdict['heldOut'] } : {}),
    ...(v.heldOutRole ? { heldOutRole: v.heldOutRole } : {}),
    ...(v.seedRow ? { seedRow: v.seedRow as Verdict['seedRow'] } : {}),
  };
}

/**
 * Compare a run with its baseline (undefined: none matched). Returns the baseline rules' findings
 * (possibly none): final / best loss and mean curve gap beyond tolerance, divergence the baseline
 * did not have, error/warning findings the baseline did not have, or why the two cannot be compared.
 */
export function compareRuns(current: AnalyzedRun, baseline: AnalyzedRun | undefined, options: CompareOptions = {}): Finding[] {
  // The rules' defaults, then their options, then the tolerances given here (level by level).
  const ruleOptions: Record<string, Record<string, unknown>> = { ...options.ruleOptions };
  for (const [key, id] of TOLERANCE_RULES) {
    const given = Object.entries(options[key] ?? {}).filter(([, v]) => v !== undefined);
    if (given.length) ruleOptions[id] = { ...ruleOptions[id], ...Object.fromEntries(given) };
  }
  const analyzeOptions: AnalyzeOptions = { ruleOptions };
  const byName = new Map(current.run.series.map((s) => [s.name, s]));
  const ctx: RuleContext = {
    run: current.run,
    profiles: new Map(),
    verdict: reportedVerdict(current.report.verdict),
    options: analyzeOptions,
    series: (name) => byName.get(name),
    baseline: baselineOf(current, baseline),
  };
  return sortFindings(
    runRules(baselineRules, ctx, { ...analyzeOptions, lang: options.lang ?? 'en', ...(options.ruleSeverity ? { ruleSeverity: options.ruleSeverity } : {}) }),
  );
}

/**
 * Each current run's report with its baseline rules' findings added (sorted with its own), or in
 * their place when `only` (`lossdoc compare` reports the regressions alone); `pairs[i]` is the
 * baseline run of `current[i]`.
 */
export function withRegressions(current: readonly AnalyzedRun[], pairs: ReadonlyArray<AnalyzedRun | undefined>, options: CompareOptions, only = false): RunReport[] {
  return current.map((c, i) => {
    const regressions = compareRuns(c, pairs[i], options);
    return { ...c.report, findings: only ? regressions : sortFindings([...c.report.findings, ...regressions]) };
  });
}

/** The part of a run name that identifies it inside a file (W&B: "file :: run"), else the file's base name. */
function matchKey(name: string): string {
  const inner = name.lastIndexOf(' :: ');
  if (inner >= 0) return name.slice(inner + 4);
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return name.slice(slash + 1);
}

/**
 * Pair each current run with its baseline: a single baseline run is the reference for every run;
 * otherwise runs are matched by run name (W&B) or file name, then by position when both sides
 * have the same number of runs.
 */
export function pairRuns<T extends { name: string }>(current: readonly T[], baseline: readonly T[]): Array<T | undefined> {
  return pairRunsExplained(current, baseline).pairs;
}

/** pairRuns, and which current runs (by index) were paired only by position (no name matched). */
export function pairRunsExplained<T extends { name: string }>(
  current: readonly T[],
  baseline: readonly T[],
): { pairs: Array<T | undefined>; byPosition: number[] } {
  if (baseline.length === 1) return { pairs: current.map(() => baseline[0]), byPosition: [] };
  const byKey = new Map<string, T>();
  for (const b of baseline) if (!byKey.has(matchKey(b.name))) byKey.set(matchKey(b.name), b);
  const byPosition: number[] = [];
  const pairs = current.map((c, i) => {
    const named = byKey.get(matchKey(c.name));
    if (named) return named;
    if (current.length !== baseline.length) return undefined;
    byPosition.push(i);
    return baseline[i];
  });
  return { pairs, byPosition };
}
