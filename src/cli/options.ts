/** Flags shared by analyze, compare and watch, and how they become Settings (config file < flags). */
import { Option, type Command } from 'commander';
import type { AnalyzeOptions } from '../api.js';
import { findConfigFile } from '../io/find-config.js';
import { FAIL_ON, mergeTolerances, parseRuleFlag, parseToleranceFlag, resolveSettings, type Overrides, type Settings } from '../config/settings.js';
import type { FailOn } from '../core/exit-code.js';
import { MAX_ANALYSIS_POINTS } from '../core/resolution.js';
import { DEFAULT_MAX_SERIES } from '../parsers/series-cap.js';
import type { Axis, FormatId, Lang } from '../core/types.js';
import { UsageError } from '../errors.js';
import { formatNames } from '../formatters/index.js';
import { formatIds } from '../parsers/index.js';
import type { CliIo } from './cli-io.js';

/** Flags as commander hands them over (undefined = not given, so the config file can decide). */
export interface CommonFlags {
  format?: string;
  outputFile?: string;
  inputFormat?: FormatId;
  train?: string[];
  val?: string[];
  test?: string[];
  x?: Axis;
  failOn?: FailOn;
  maxWarnings?: number;
  lang?: Lang;
  numClasses?: number;
  color?: boolean;
  verbose?: boolean;
  includeData?: boolean;
  quiet?: boolean;
  /** A path, false for --no-config, undefined to search. */
  config?: string | false;
  rule?: string[];
  tolerance?: string[];
  maxDepth?: number;
  maxPoints?: number;
  maxSeries?: number;
  minConfidence?: number;
  include?: string[];
  exclude?: string[];
  top?: number;
}

export const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function wholeNumber(flag: string, min = 0) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} takes a whole number${min > 0 ? ` ≥ ${min}` : ''}, got "${value}"`);
    return n;
  };
}

/** A number from 0 to 1. */
export function fraction(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} takes a number from 0 to 1, got "${value.slice(0, 60)}"`);
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a positive number, got "${value}"`);
    return n;
  };
}

/** Flags that choose what is analysed and how it is judged (analyze, compare, watch). */
export function addAnalysisOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--input-format <format>', 'skip detection: read inputs as this format').choices(formatIds))
    .option('--train <columns>', 'column(s) to use as the train loss (repeatable, or comma list)', collectList)
    .option('--val <columns>', 'column(s) to use as the validation loss', collectList)
    .option('--test <columns>', 'column(s) to use as the test loss', collectList)
    .addOption(new Option('--x <axis>', 'x axis to use (default: step when the log has steps)').choices(['step', 'epoch']))
    .option('--num-classes <n>', 'number of classes of a classification loss (for chance-level checks)', wholeNumber('--num-classes', 2))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this severity (default: error)').choices(FAIL_ON))
    .option('--rule <id=severity>', 'set a rule\u2019s severity: off, info, warning, error (repeatable)', collect)
    .addOption(new Option('--lang <lang>', 'report language (default: en)').choices(['en', 'zh']))
    .option('-c, --config <file>', 'read settings from this file instead of searching for lossdoc.config.json / package.json "lossdoc"')
    .option('--no-config', 'ignore configuration files')
    .option(
      '--max-points <n>',
      `analyse a series longer than n points on a sample of about n that keeps its spikes, NaN edges and extremes (0 = every point; default ${MAX_ANALYSIS_POINTS})`,
      wholeNumber('--max-points'),
    )
    .option('--min-confidence <c>', 'findings below this confidence (0–1) are shown as uncertain and never fail the run (default 0.5)', fraction('--min-confidence'))
    .option('--max-series <n>', `read at most n distinct series from one log; the rest are left out with a warning (default ${DEFAULT_MAX_SERIES})`, wholeNumber('--max-series', 1))
    .option('-q, --quiet', 'do not print input warnings on stderr')
    .option('--max-depth <n>', 'directory levels searched below a given directory (0 = only its own files)', wholeNumber('--max-depth'))
    .option('--include <glob>', 'only read files whose path matches (repeatable; *, **, ?, [...])', collect)
    .option('--exclude <glob>', 'skip files and folders whose path matches (repeatable)', collect);
}

/** Directory-scan options from the flags. */
export function scanOptions(flags: CommonFlags): { maxDepth?: number; include?: string[]; exclude?: string[] } {
  return {
    ...(flags.maxDepth !== undefined ? { maxDepth: flags.maxDepth } : {}),
    ...(flags.include ? { include: flags.include } : {}),
    ...(flags.exclude ? { exclude: flags.exclude } : {}),
  };
}

/** Flags that choose the report (analyze, compare; watch for its final report). */
export function addReportOptions(cmd: Command, finalOnly = false): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', `${finalOnly ? 'format of the final report' : 'report format'} (default: text)`).choices(formatNames))
    .option(
      '-o, --output-file <path>',
      `${finalOnly ? 'write the final report to this file when the watch ends' : 'write the report to this file instead of stdout'} (without -f, the format follows the extension: .html, .json, .md, .xml)`,
    )
    .option('--top <n>', 'with several runs, show the details of only the best n (the summary table lists them all)', wholeNumber('--top', 1));
}

const FORMAT_OF_EXTENSION = new Map<string, string>([
  ['html', 'html'],
  ['htm', 'html'],
  ['json', 'json'],
  ['md', 'markdown'],
  ['markdown', 'markdown'],
  ['xml', 'junit'],
  ['txt', 'text'],
]);

/** The report format an output file's extension asks for (`-o report.html` without `-f`); a usage error when it names none. */
export function formatOfOutputFile(path: string): string {
  const base = path.replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  const format = dot > 0 ? FORMAT_OF_EXTENSION.get(base.slice(dot + 1).toLowerCase()) : undefined;
  if (format === undefined) {
    throw new UsageError(`${path}: cannot tell the report format from the file name (end it in .html, .json, .md, .xml or .txt, or give -f)`);
  }
  return format;
}

/** Load the config (unless --no-config) and apply the flags over it. */
export async function resolveCommandSettings(flags: CommonFlags, io: CliIo): Promise<Settings> {
  const cwd = io.cwd ?? '.';
  // The validator (zod) is most of the bundle: loaded only when there is a config file to read.
  const found = flags.config === undefined ? findConfigFile(cwd) : undefined;
  const loaded =
    typeof flags.config === 'string' || found !== undefined
      ? (await import('../io/load-config.js')).loadConfig({
          cwd,
          ...(typeof flags.config === 'string' ? { explicit: flags.config } : {}),
          ...(found !== undefined ? { found } : {}),
          formats: formatNames,
        })
      : undefined;
  const overrides: Overrides = {
    ...(flags.rule ? { rules: flags.rule.flatMap((r) => parseRuleFlag(r)) } : {}),
    ...(flags.tolerance ? { compare: mergeTolerances(flags.tolerance.map(parseToleranceFlag)) } : {}),
  };
  for (const key of ['failOn', 'maxWarnings', 'train', 'val', 'test', 'x', 'numClasses', 'maxPoints', 'maxSeries', 'minConfidence', 'lang', 'format'] as const) {
    if (flags[key] !== undefined) (overrides as Record<string, unknown>)[key] = flags[key];
  }
  // Without -f, an output file's extension chooses the format: text never lands in a .html file.
  if (flags.format === undefined && flags.outputFile !== undefined) overrides.format = formatOfOutputFile(flags.outputFile);
  const settings = resolveSettings(loaded?.config, overrides);
  return loaded ? { ...settings, configFile: loaded.source } : settings;
}

/** What the library needs from the settings. */
export function analyzeOptions(settings: Settings, flags: CommonFlags, includeData: boolean): AnalyzeOptions {
  return {
    ...(flags.inputFormat ? { inputFormat: flags.inputFormat } : {}),
    ...(settings.train ? { train: settings.train } : {}),
    ...(settings.val ? { val: settings.val } : {}),
    ...(settings.test ? { test: settings.test } : {}),
    ...(settings.x ? { x: settings.x } : {}),
    ...(settings.numClasses !== undefined ? { numClasses: settings.numClasses } : {}),
    ...(Object.keys(settings.ruleSeverity).length ? { ruleSeverity: settings.ruleSeverity } : {}),
    ...(Object.keys(settings.ruleOptions).length ? { ruleOptions: settings.ruleOptions } : {}),
    ...(settings.maxPoints !== undefined ? { maxPoints: settings.maxPoints } : {}),
    ...(settings.maxSeries !== undefined ? { maxSeries: settings.maxSeries } : {}),
    ...(settings.minConfidence !== undefined ? { minConfidence: settings.minConfidence } : {}),
    ...(settings.metrics ? { metricDirections: new Map(settings.metrics.map(([name, way]) => [name, way === 'max' ? ('higher' as const) : ('lower' as const)])) } : {}),
    lang: settings.lang,
    includeData,
  };
}

export function useColor(flags: CommonFlags, io: CliIo): boolean {
  if (flags.color === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdoutIsTTY;
}
