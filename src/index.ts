/** lossdoc's library API. Nothing here touches files, the process or the terminal. */
export { analyze, analyzeRuns, loadRuns, type AnalyzeOptions, type LogInput, type LoadedRuns } from './api.js';
export { detectFormat, parseLog, parsers, formatIds } from './parsers/index.js';
export { buildRun, type BuildOptions } from './core/build-run.js';
export { analyzeRun, buildReport } from './core/analyze.js';
export { getExitCode, type FailOn } from './core/exit-code.js';
export { compareRuns, compareCurves, pairRuns, DEFAULT_TOLERANCES, REGRESSION_IDS, type CompareOptions, type CompareTolerances, type Tolerance } from './core/compare.js';
export { parseConfig, resolveSettings, type LossdocConfig, type Settings } from './config/schema.js';
export { defineRule } from './core/engine/define-rule.js';
export type { Rule, RuleMeta, RuleContext, Detection } from './core/engine/define-rule.js';
export { reportSchema } from './core/report-schema.js';
export type { Report, RunReport, RunSummary, Finding, SeriesReport } from './core/report-schema.js';
export { summarizeRuns } from './core/summary.js';
export { formatters, formatsNeedingData, type FormatName, type Formatter, type FormatOptions } from './formatters/index.js';
export { rules } from '../rules/index.js';
export { InputError, LossdocError, UsageError, ConfigError } from './errors.js';
export * from './core/types.js';
export { VERSION } from './version.js';
