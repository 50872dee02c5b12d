/**
 * The library API: bytes in, report out. No file system, no process: the CLI (or any caller)
 * reads the inputs and hands them over.
 */
import { analyzeRun, buildReport, type AnalyzeRunOptions } from './core/analyze.js';
import { buildRun, type BuildOptions } from './core/build-run.js';
import type { Report } from './core/report-schema.js';
import type { FormatId, ParsedLog, RawRun, Run } from './core/types.js';
import { InputError, LossdocError } from './errors.js';
import { parseLog } from './parsers/index.js';
import type { ParserInput } from './parsers/types.js';
import { rules as builtinRules } from '../rules/index.js';
import type { Rule } from './core/engine/define-rule.js';
import { VERSION } from './version.js';

export type LogInput = ParserInput;

export interface AnalyzeOptions extends BuildOptions, AnalyzeRunOptions {
  /** Skip detection and read every input as this format. */
  inputFormat?: FormatId;
  rules?: readonly Rule[];
}

export interface LoadedRuns {
  runs: Run[];
  /** Inputs that could not be read at all (each names its file). */
  errors: LossdocError[];
}


function dirName(name: string): string {
  const i = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return i >= 0 ? name.slice(0, i) : '.';
}

/**
 * Parse every input into runs. A file normally is one run (a W&B export holds several);
 * TensorBoard export files from one folder are one run, as TensorBoard showed them.
 */
export function loadRuns(inputs: readonly LogInput[], options: AnalyzeOptions = {}): LoadedRuns {
  const errors: LossdocError[] = [];
  const parsed: Array<{ input: LogInput; log: ParsedLog }> = [];
  for (const input of inputs) {
    try {
      parsed.push({ input, log: parseLog(input, options.inputFormat) });
    } catch (error) {
      if (error instanceof LossdocError) errors.push(error);
      else errors.push(new InputError(input.name, `could not be parsed (${(error as Error).message})`, { code: 'parse-failed' }));
    }
  }
  const runs: Run[] = [];
  const tbGroups = new Map<string, Array<{ input: LogInput; log: ParsedLog }>>();
  for (const item of parsed) {
    if (item.log.format === 'tb-export-csv' || item.log.format === 'tb-export-json') {
      const key = dirName(item.input.name);
      tbGroups.set(key, [...(tbGroups.get(key) ?? []), item]);
      continue;
    }
    const many = item.log.runs.length > 1;
    for (const raw of item.log.runs) {
      const named: RawRun = { ...raw, name: many ? `${item.input.name} :: ${raw.name}` : item.input.name };
      runs.push(buildRun(named, item.log.format, [item.input.name], options));
    }
  }
  for (const [folder, items] of tbGroups) {
    const merged: RawRun = {
      name: items.length === 1 ? items[0].input.name : folder,
      metrics: items.flatMap(({ log }) => log.runs.flatMap((r) => r.metrics)),
      warnings: items.flatMap(({ log }) => log.runs.flatMap((r) => r.warnings)),
    };
    runs.push(buildRun(merged, items[0].log.format, items.map((i) => i.input.name), options));
  }
  return { runs, errors };
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

/** Parse and analyze; throws the first input error (use loadRuns to collect them instead). */
export function analyze(inputs: readonly LogInput[], options: AnalyzeOptions = {}): Report {
  const { runs, errors } = loadRuns(inputs, options);
  if (errors.length > 0) throw errors[0];
  return analyzeRuns(runs, options);
}

