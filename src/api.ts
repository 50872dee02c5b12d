/**
 * The library API: bytes in, report out. No file system, no process: the CLI (or any caller)
 * reads the inputs and hands them over.
 */
import { analyzeRun, buildReport, type AnalyzeRunOptions } from './core/analyze.js';
import { buildRun, type BuildOptions } from './core/build-run.js';
import { pairRuns, withRegressions, type AnalyzedRun, type CompareOptions } from './core/compare.js';
import type { Report } from './core/report-schema.js';
import type { FormatId, Run } from './core/types.js';
import { InputError, LossdocError } from './errors.js';
import { rules as builtinRules } from '../rules/index.js';
import type { Rule } from './core/engine/define-rule.js';
import { planRuns } from './sources/plan.js';
import type { LogInput } from './sources/types.js';
import { VERSION } from './version.js';

export type { LogInput } from './sources/types.js';

export interface AnalyzeOptions extends BuildOptions, AnalyzeRunOptions {
  /** Skip detection and read every input as this format. */
  inputFormat?: FormatId;
  /** Most distinct series read from one log (default DEFAULT_MAX_SERIES); the rest are left out with a warning. */
  maxSeries?: number;
  rules?: readonly Rule[];
  /** Per-rule options from the config (`rules: { id: [severity, {options}] }`), passed through to rules. */
  ruleOptions?: Record<string, Record<string, unknown>>;
}

export interface LoadedRuns {
  runs: Run[];
  /** Inputs that could not be read at all (each names its file): the call did not do its whole job. */
  errors: LossdocError[];
  /**
   * Inputs left out without failing the call: files in a scanned directory that are not training
   * logs or could not be parsed, and logs without any training curve (an empty event file, an
   * event file with only hp_metric) when other runs were found. When no run was found at all,
   * these are errors instead.
   */
  warnings: LossdocError[];
}

/** Formats detected from a generic shape only (any CSV, any JSON lines): data files look like them too. */
const GENERIC_FORMATS = new Set<FormatId>(['csv', 'jsonl', 'json-records']);

/**
 * Whether a run found by scanning a directory is a training log: it holds a loss, metric, learning
 * rate or gradient norm; a generic CSV/JSON file needs a loss (a data file has columns like
 * `score` or `label` too).
 */
function hasCurve(run: Run): boolean {
  if (GENERIC_FORMATS.has(run.format)) return run.series.some((s) => s.kind === 'loss');
  return run.series.some((s) => s.kind !== 'other');
}

/**
 * Parse every input into runs (see src/sources for how files are grouped): an MLflow run
 * folder, a TensorBoard run folder (with its train/ and validation/ event files), a DVCLive
 * folder, the TensorBoard exports of one folder, or any other file is one run (a W&B export holds
 * several). Runs found by scanning a directory are named by their path below it.
 */
export function loadRuns(inputs: readonly LogInput[], options: AnalyzeOptions = {}): LoadedRuns {
  const limit = options.maxSeries;
  // Object.create keeps a streamed input's lazy `bytes` getter (a spread would read the whole file).
  const limited = limit === undefined ? inputs : inputs.map((input): LogInput => Object.create(input, { maxSeries: { value: limit, enumerable: true } }));
  const plan = planRuns(limited, options.inputFormat ? { inputFormat: options.inputFormat } : {});
  const errors: LossdocError[] = [];
  const warnings: LossdocError[] = [];
  /** Problems that fail the call only when nothing else was found. */
  const soft: LossdocError[] = [];
  const runs: Run[] = [];
  const paths: string[] = [];
  const found = new Map<string, number>();
  /** Per scanned directory: its files that held no curve. */
  const noCurves = new Map<string, LossdocError[]>();
  const overrides = Boolean(options.train?.length || options.val?.length || options.test?.length);

  for (const planned of plan.runs) {
    const run = buildRun(planned.raw, planned.format, planned.sources, options);
    if (planned.root !== undefined && !overrides && !hasCurve(run)) {
      const names = run.series.map((s) => s.name).slice(0, 6).join(', ');
      noCurves.set(planned.root, [
        ...(noCurves.get(planned.root) ?? []),
        new InputError(planned.path, `no loss ${GENERIC_FORMATS.has(run.format) ? '' : 'or metric '}series${names ? ` (only ${names})` : ''}; skipped as not a training log`, {
          code: 'no-curves',
          hint: 'name the loss column with --train to read it anyway',
        }),
      ]);
      continue;
    }
    runs.push(run);
    paths.push(planned.path);
    if (planned.root !== undefined) found.set(planned.root, (found.get(planned.root) ?? 0) + 1);
  }

  for (const root of plan.roots) {
    if (found.get(root)) {
      warnings.push(...(noCurves.get(root) ?? []));
      continue;
    }
    const problems = plan.problems.filter((p) => p.root === root);
    if (problems.some((p) => p.kind === 'no-scalars')) continue;
    const reasons = [...problems.map((p) => p.error), ...(noCurves.get(root) ?? [])].map((e) => e.message);
    soft.push(
      new InputError(root, 'no training logs found in this directory', {
        code: 'no-logs',
        ...(reasons.length ? { hint: `${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}` } : {}),
      }),
    );
  }
  for (const problem of plan.problems) {
    if (problem.kind === 'no-scalars') soft.push(problem.error);
    else if (problem.root === undefined) errors.push(problem.error);
    else if (found.get(problem.root)) warnings.push(problem.error);
  }
  if (runs.length === 0) errors.push(...soft);
  else warnings.push(...soft);

  // Runs of different directories may share a name (two `version_0`): fall back to their paths.
  const count = new Map<string, number>();
  for (const run of runs) count.set(run.name, (count.get(run.name) ?? 0) + 1);
  runs.forEach((run, i) => {
    if ((count.get(run.name) ?? 0) > 1 && paths[i] !== run.name) run.name = paths[i];
  });
  return { runs, errors, warnings };
}

/** Analyze runs that are already loaded. */
export function analyzeRuns(runs: readonly Run[], options: AnalyzeOptions = {}): Report {
  const rules = options.rules ?? builtinRules;
  return buildReport(
    runs.map((run) => analyzeRun(run, rules, options)),
    VERSION,
    options.lang ?? 'en',
  );
}

/**
 * Analyze runs and compare each with its baseline run, paired as `lossdoc compare` pairs them (one
 * baseline run is the reference of all; else by run or file name, then by position): each run's
 * findings include the baseline rules' (regression-*). Tolerances and lang as for compareRuns.
 */
export function analyzeWithBaseline(runs: readonly Run[], baselineRuns: readonly Run[], options: AnalyzeOptions & CompareOptions = {}): Report {
  const rules = options.rules ?? builtinRules;
  const analyzed = (list: readonly Run[], opts: AnalyzeOptions) => list.map((run): AnalyzedRun & { name: string } => ({ name: run.name, run, report: analyzeRun(run, rules, opts) }));
  const current = analyzed(runs, options);
  const pairs = pairRuns(current, analyzed(baselineRuns, { ...options, includeData: false }));
  return buildReport(withRegressions(current, pairs, options), VERSION, options.lang ?? 'en');
}

/** Parse and analyze; throws the first input error (use loadRuns to collect them instead). */
export function analyze(inputs: readonly LogInput[], options: AnalyzeOptions = {}): Report {
  const { runs, errors } = loadRuns(inputs, options);
  if (errors.length > 0) throw errors[0];
  return analyzeRuns(runs, options);
}

