/** `lossdoc analyze` and `lossdoc compare`: read, analyze, optionally compare with a baseline, report, exit code. */
import { writeFileSync } from 'node:fs';
import { analyzeRuns, loadRuns, type AnalyzeOptions } from '../api.js';
import type { Settings } from '../config/settings.js';
import { buildReport } from '../core/analyze.js';
import { pairRunsExplained, REGRESSION_IDS, withRegressions, type AnalyzedRun } from '../core/compare.js';
import { getExitCode } from '../core/exit-code.js';
import type { Report } from '../core/report-schema.js';
import type { Run } from '../core/types.js';
import { InputError, LossdocError, UsageError } from '../errors.js';
import { formatters, formatsNeedingData, type FormatName } from '../formatters/index.js';
import { plainText } from '../formatters/plain-text.js';
import { checkOutputFile } from '../io/output-guard.js';
import { readInputs } from '../io/read-inputs.js';
import { analyzeRunsParallel, parallelWorthIt, progressLine } from '../io/worker-pool.js';
import { rules } from '../../rules/index.js';
import { VERSION } from '../version.js';
import { messages } from './messages.js';
import { analyzeOptions, resolveCommandSettings, scanOptions, useColor, type CommonFlags } from './options.js';
import type { CliIo } from './cli-io.js';

export interface AnalyzeFlags extends CommonFlags {
  baseline?: string;
}

/** `analyze` reports the analysis (plus regressions with --baseline); `compare` reports only the regressions. */
export type AnalyzeMode = 'analyze' | 'compare';

function printErrors(errors: readonly LossdocError[], io: CliIo, prefix = ''): void {
  // Messages quote file and column names from the logs: printed as inert text.
  for (const error of errors) io.stderr(`lossdoc: ${plainText(`${prefix}${error.message}${error.hint ? ` (${error.hint})` : ''}`)}\n`);
}

/** A parser's message that starts with the file's path again (the run name already says where). */
function withoutPath(message: string, sources: readonly string[]): string {
  const own = sources.find((s) => message.startsWith(`${s}: `));
  return own === undefined ? message : message.slice(own.length + 2);
}

function printWarnings(report: Report, io: CliIo, prefix = ''): void {
  for (const run of report.runs) {
    for (const w of run.warnings) {
      io.stderr(`lossdoc: warning: ${plainText(`${prefix}${run.name}${w.line !== null ? `:${w.line}` : ''}: ${withoutPath(w.message, run.sources)}`)}\n`);
    }
  }
}

/** Rule ids that ran, for the junit report (one testcase per rule per run). */
function ruleIdsFor(settings: Settings, mode: AnalyzeMode, withBaseline: boolean): string[] {
  const on = (id: string) => settings.ruleSeverity[id] !== 'off';
  const analysis = mode === 'compare' ? [] : rules.map((r) => r.meta.id).filter(on);
  const regression = withBaseline ? REGRESSION_IDS.filter((id) => id !== 'regression-not-comparable' && on(id)) : [];
  return [...analysis, ...regression];
}

/** Write the report to --output-file or stdout. */
export function emit(text: string, outputFile: string | undefined, io: CliIo): void {
  if (!outputFile) {
    io.stdout(text);
    return;
  }
  try {
    writeFileSync(outputFile, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(outputFile, `cannot write the report (${code})`, { code: 'unwritable' });
  }
}

/** The report with the applied config file (null: none) right after its header fields. */
export function withConfigFile(report: Report, configFile: string | undefined): Report {
  const { schemaVersion, tool, lang, ...rest } = report;
  return { schemaVersion, tool, lang, config: configFile ?? null, ...rest };
}

interface Loaded {
  runs: Run[];
  report: Report;
  /** Inputs that could not be used: the invocation exits 2. */
  errors: LossdocError[];
  /** Inputs left out without failing (files in a directory that are not logs). */
  skipped: LossdocError[];
}

async function load(paths: string[], options: AnalyzeOptions, io: CliIo, scan: ReturnType<typeof scanOptions>): Promise<Loaded> {
  // Standard input is read as a stream before the (synchronous) reading of files.
  let stdin: (() => Uint8Array) | undefined;
  const stdinErrors: LossdocError[] = [];
  if (paths.includes('-')) {
    try {
      const bytes = await io.readStdin();
      stdin = () => bytes;
    } catch (error) {
      if (!(error instanceof LossdocError)) throw error;
      stdinErrors.push(error);
    }
  }
  const read = readInputs(stdinErrors.length ? paths.filter((p) => p !== '-') : paths, stdin, scan);
  const loaded = loadRuns(read.inputs, options);
  const errors = [...stdinErrors, ...read.errors, ...loaded.errors];
  const runs = loaded.runs;
  // Sweeps are analyzed on every core (worker-pool.ts); the Report is the same as analyzeRuns'.
  const report = parallelWorthIt(runs, options)
    ? await analyzeRunsParallel(runs, options, {
        onProgress: io.stderrIsTTY ? (d, t) => io.stderr(progressLine(d, t)) : undefined,
        workerCode: io.analysisWorkerCode,
      })
    : analyzeRuns(runs, options);
  return { runs, report, errors, skipped: [...read.warnings, ...loaded.warnings] };
}

/** Add the baseline comparison to each run: regression findings (compare: only those). */
function withBaseline(current: Loaded, baseline: Loaded, settings: Settings, mode: AnalyzeMode, io: CliIo, quiet: boolean): Report {
  const currentRuns: Array<AnalyzedRun & { name: string }> = current.runs.map((run, i) => ({ name: run.name, run, report: current.report.runs[i] }));
  const baselineRuns: Array<AnalyzedRun & { name: string }> = baseline.runs.map((run, i) => ({ name: run.name, run, report: baseline.report.runs[i] }));
  const { pairs, byPosition } = pairRunsExplained(currentRuns, baselineRuns);
  // Unrelated runs compared because they sit at the same place in the list: say so.
  if (!quiet) {
    for (const i of byPosition) {
      io.stderr(`lossdoc: warning: ${plainText(`${currentRuns[i].name} has no baseline run of its name; compared with ${pairs[i]!.name}, the run at the same position`)}\n`);
    }
  }
  const options = { ...settings.compare, lang: settings.lang, ruleSeverity: settings.ruleSeverity };
  return buildReport(withRegressions(currentRuns, pairs, options, mode === 'compare'), VERSION, settings.lang);
}

export async function analyzeCommand(inputs: string[], flags: AnalyzeFlags, io: CliIo, mode: AnalyzeMode): Promise<number> {
  if (inputs.length === 0) throw new UsageError(messages.noInputs);
  if (mode === 'compare' && !flags.baseline) throw new UsageError(messages.noBaseline);
  if (flags.outputFile) checkOutputFile(flags.outputFile, flags.baseline ? [...inputs, flags.baseline] : inputs);
  const settings = await resolveCommandSettings(flags, io);
  const format = settings.format as FormatName;
  const includeData = (flags.includeData ?? false) || formatsNeedingData.has(format);
  const options = analyzeOptions(settings, flags, includeData);

  const current = await load(inputs, options, io, scanOptions(flags));
  printErrors(current.errors, io);
  if (!flags.quiet) printErrors(current.skipped, io, 'warning: ');
  if (current.runs.length === 0) return 2;
  let report = current.report;
  let baselineErrors: LossdocError[] = [];
  if (flags.baseline) {
    // The baseline is read on the current run's x axis unless --x / config chose one.
    const axis = settings.x ?? current.runs[0].axis;
    const baseline = await load([flags.baseline], { ...options, x: axis, includeData: false }, io, scanOptions(flags));
    baselineErrors = baseline.errors;
    printErrors(baseline.errors, io, 'baseline: ');
    if (!flags.quiet) printErrors(baseline.skipped, io, 'warning: baseline: ');
    if (baseline.runs.length === 0) return 2;
    if (!flags.quiet) printWarnings(baseline.report, io, 'baseline ');
    report = withBaseline(current, baseline, settings, mode, io, flags.quiet ?? false);
  }
  if (!flags.quiet) printWarnings(current.report, io);
  report = withConfigFile(report, settings.configFile);
  // CI logs show no report header: say there which config changed the result.
  if (settings.configFile && (format === 'github' || format === 'junit')) io.stderr(`lossdoc: config: ${plainText(settings.configFile)}\n`);

  const text = formatters[format](report, {
    color: flags.outputFile ? false : useColor(flags, io),
    lang: settings.lang,
    verbose: flags.verbose ?? false,
    failOn: settings.failOn,
    ...(settings.maxWarnings !== undefined ? { maxWarnings: settings.maxWarnings } : {}),
    ruleIds: ruleIdsFor(settings, mode, flags.baseline !== undefined),
    ...(flags.top !== undefined ? { top: flags.top } : {}),
  });
  emit(text, flags.outputFile, io);
  const code = getExitCode(report, { failOn: settings.failOn, ...(settings.maxWarnings !== undefined ? { maxWarnings: settings.maxWarnings } : {}) });
  // Any unreadable input makes the whole invocation a failure to do the job.
  return current.errors.length > 0 || baselineErrors.length > 0 ? 2 : code;
}
