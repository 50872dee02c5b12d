/**
 * `lossdoc watch FILE|DIR`: follow a log that training is still writing. Every --interval ms, if
 * the file(s) changed, re-read and re-diagnose them; print a line when a run's verdict or a finding
 * changes; exit 1 as soon as a finding at the fail level appears (so a wrapper can stop training),
 * 0 at --timeout / --idle-exit / SIGINT / SIGTERM when nothing failed, 2 when there was never a log.
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyzeRuns, loadRuns, type AnalyzeOptions, type LogInput } from '../api.js';
import type { Settings } from '../config/settings.js';
import type { Finding, Report, RunReport } from '../core/report-schema.js';
import { atLeast } from '../core/severity.js';
import type { Severity } from '../core/types.js';
import { InputError, LossdocError } from '../errors.js';
import { formatters, formatsNeedingData, type FormatName } from '../formatters/index.js';
import { plainText } from '../formatters/plain-text.js';
import { discoverLogFiles, readInputs } from '../io/read-inputs.js';
import { checkOutputFile } from '../io/output-guard.js';
import { isSpecialFile } from '../io/read-chunks.js';
import { probeOf } from '../parsers/csv/fast-entry.js';
import { isWandbLog } from '../parsers/wandb/index.js';
import { rules } from '../../rules/index.js';
import { emit, withConfigFile } from './analyze.js';
import { messages } from './messages.js';
import { analyzeOptions, resolveCommandSettings, type CommonFlags } from './options.js';
import type { CliIo } from './cli-io.js';

export interface WatchFlags extends CommonFlags {
  interval: number;
  timeout?: number;
  idleExit?: number;
  minPoints: number;
}

export const WATCH_DEFAULTS = { interval: 2000, minPoints: 50 } as const;


/** Findings that mean training is broken no matter how early: they may stop the watch before --min-points. */
const EARLY_TAG = 'stability';

/** The files under watch: the file itself, or the logs below a directory (none yet: empty). */
function listFiles(target: string): string[] {
  try {
    return statSync(target).isDirectory() ? discoverLogFiles(target) : [target];
  } catch {
    return [];
  }
}

/** Changes when any file is added, removed, grows, shrinks or is rewritten. */
function signature(files: readonly string[]): string {
  return files
    .map((file) => {
      try {
        const s = statSync(file);
        return `${file}\0${s.size}\0${s.mtimeMs}`;
      } catch {
        return `${file}\0missing`;
      }
    })
    .join('\n');
}

/**
 * A text log being written may end in half a line: keep whole lines only. tfevents and W&B logs
 * are binary records; their readers stop at a truncated last record by themselves.
 */
export function completeLines(input: LogInput): LogInput {
  if (/tfevents/i.test(input.name) || /\.wandb$/i.test(input.name) || isWandbLog(probeOf(input).bytes)) return input;
  const end = input.bytes.lastIndexOf(0x0a);
  return { name: input.name, bytes: input.bytes.subarray(0, end + 1) };
}

interface Pass {
  report?: Report;
  errors: LossdocError[];
}

/** Read the target as analyze would (a directory is scanned and its runs named the same way). */
function analyzeTarget(target: string, options: AnalyzeOptions, partial: boolean): Pass {
  const read = readInputs([target]);
  const inputs = partial ? read.inputs.map((input) => ({ ...input, ...completeLines(input) })) : read.inputs;
  const errors: LossdocError[] = [...read.errors];
  const loaded = loadRuns(inputs, options);
  errors.push(...loaded.errors);
  return loaded.runs.length ? { report: analyzeRuns(loaded.runs, options), errors } : { errors };
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** Points of the loss that stands for the run (train, else held-out). */
function primaryPoints(run: RunReport): number {
  const train = run.series.find((s) => s.primary === 'train');
  if (train) return train.points - train.nonFinite.count;
  return Math.max(0, ...run.series.filter((s) => s.primary !== null).map((s) => s.points - s.nonFinite.count));
}

/** "[step 120] run.csv" — where the run is now. */
function where(run: RunReport): string {
  const primary = run.series.find((s) => s.primary === 'train') ?? run.series.find((s) => s.primary !== null);
  const xs = primary ? [primary.span[1]] : run.series.map((s) => s.span[1]);
  const last = Math.max(...xs.filter((x): x is number => x !== null));
  return `[${run.axis} ${Number.isFinite(last) ? num(last) : '?'}] ${run.name}`;
}

type Seen = Map<string, { verdict: string; findings: Map<string, Severity> }>;

/** Lines for what changed since the last pass; updates `seen`. */
export function changes(report: Report, seen: Seen): string[] {
  const lines: string[] = [];
  for (const run of report.runs) {
    const before = seen.get(run.name);
    const at = where(run);
    if (!before || before.verdict !== run.verdict.id) lines.push(`${at}: verdict ${run.verdict.id} — ${run.verdict.title}`);
    const now = new Map(run.findings.map((f) => [f.id, f.severity]));
    for (const f of run.findings) {
      if (before?.findings.get(f.id) !== f.severity) lines.push(`${at}: + ${f.severity} ${f.id} — ${f.message}`);
    }
    for (const [id, severity] of before?.findings ?? []) {
      if (!now.has(id)) lines.push(`${at}: - ${severity} ${id} (gone)`);
    }
    seen.set(run.name, { verdict: run.verdict.id, findings: now });
  }
  return lines;
}

/** The first finding that ends the watch: at the fail level, and either a stability finding or past --min-points. */
export function fatalFinding(report: Report, settings: Settings, minPoints: number): { run: RunReport; finding: Finding } | undefined {
  if (settings.failOn === 'none') return undefined;
  const failOn = settings.failOn;
  for (const run of report.runs) {
    const grown = primaryPoints(run) >= minPoints;
    const finding = run.findings.find((f) => atLeast(f.severity, failOn) && (grown || f.tags.includes(EARLY_TAG)));
    if (finding) return { run, finding };
  }
  return undefined;
}

/** A FIFO or device would block the reads (and with them --timeout and the signals): refused at once. */
function refuseNonRegular(target: string): void {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return; // not there yet: watched until it appears
  }
  if (isSpecialFile(stat)) {
    throw new InputError(target, 'is not a regular file (a device, FIFO or socket); lossdoc watches files and folders', { code: 'not-a-file' });
  }
}

export async function watchCommand(target: string, flags: WatchFlags, io: CliIo): Promise<number> {
  refuseNonRegular(target);
  if (flags.outputFile) checkOutputFile(flags.outputFile, [target]);
  const settings = await resolveCommandSettings(flags, io);
  const format = settings.format as FormatName;
  const options = analyzeOptions(settings, flags, Boolean(flags.outputFile) && formatsNeedingData.has(format));
  const now = () => performance.now();
  const start = now();
  let lastChange = start;
  let lastSignature: string | undefined;
  let lastErrors = '';
  let report: Report | undefined;
  let cost = 0;
  const seen: Seen = new Map();

  let stopSignal: string | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stopSignal = signal;
    wake?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const limits = [
    flags.timeout !== undefined ? `timeout ${flags.timeout} s` : '',
    flags.idleExit !== undefined ? `idle exit ${flags.idleExit} s` : '',
  ].filter(Boolean);
  io.stderr(
    `lossdoc: watching ${target} every ${flags.interval} ms${limits.length ? ` (${limits.join(', ')})` : ''}; ` +
      `exit 1 on a finding at ${settings.failOn}${settings.failOn === 'none' ? '' : ' or above'}\n`,
  );

  /** One pass: analyze, print changes, tell whether to stop with 1. */
  const pass = (partial: boolean): boolean => {
    const t0 = now();
    const result = analyzeTarget(target, options, partial);
    cost = now() - t0;
    const errorText = result.errors.map((e) => e.message).join('\n');
    if (errorText && errorText !== lastErrors) {
      for (const e of result.errors) io.stderr(`lossdoc: waiting: ${plainText(e.message)}\n`);
    }
    lastErrors = errorText;
    if (!result.report) return false;
    report = result.report;
    for (const line of changes(report, seen)) io.stdout(`${line}\n`);
    const fatal = fatalFinding(report, settings, flags.minPoints);
    if (!fatal) return false;
    io.stderr(`lossdoc: stopping: ${fatal.finding.severity} ${fatal.finding.id} in ${plainText(fatal.run.name)} (exit 1)\n`);
    return true;
  };

  const finish = (code: number, reason?: string): number => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (code === 0 && reason) {
      // The last line may lack its newline when the writer is done: read everything once more.
      const files = listFiles(target);
      if (files.length && pass(false)) code = 1;
    }
    if (!report) {
      io.stderr(`lossdoc: ${messages.watchNeverAppeared(target)}\n`);
      return 2;
    }
    if (!flags.quiet) {
      for (const run of report.runs) {
        for (const w of run.warnings) io.stderr(`lossdoc: warning: ${plainText(`${run.name}${w.line !== null ? `:${w.line}` : ''}: ${w.message}`)}\n`);
      }
    }
    if (reason) {
      const s = report.summary;
      const verdicts = report.runs.map((r) => r.verdict.id).join(', ');
      io.stderr(`lossdoc: stopped (${reason}): ${verdicts}; ${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info\n`);
    }
    if (flags.outputFile) {
      emit(
        formatters[format](withConfigFile(report, settings.configFile), {
          color: false,
          lang: settings.lang,
          verbose: flags.verbose ?? false,
          failOn: settings.failOn,
          ruleIds: rules.map((r) => r.meta.id).filter((id) => settings.ruleSeverity[id] !== 'off'),
          ...(flags.top !== undefined ? { top: flags.top } : {}),
        }),
        flags.outputFile,
        io,
      );
    }
    return code;
  };

  for (;;) {
    const files = listFiles(target);
    const sig = signature(files);
    if (sig !== lastSignature) {
      lastSignature = sig;
      lastChange = now();
      if (files.length && pass(true)) return finish(1);
    }
    const t = now();
    if (stopSignal) return finish(0, stopSignal);
    if (flags.timeout !== undefined && t - start >= flags.timeout * 1000) return finish(0, `timeout after ${flags.timeout} s`);
    if (flags.idleExit !== undefined && t - lastChange >= flags.idleExit * 1000) return finish(0, `no change for ${flags.idleExit} s`);
    // Bounded work: analysis never takes more than about a third of the time.
    let wait = Math.max(flags.interval, 2 * cost);
    if (flags.timeout !== undefined) wait = Math.min(wait, flags.timeout * 1000 - (t - start));
    if (flags.idleExit !== undefined) wait = Math.min(wait, flags.idleExit * 1000 - (t - lastChange));
    await sleep(Math.max(10, wait));
  }
}
