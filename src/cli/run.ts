/** argv → exit code. The only module that knows about stdout, stderr and exit codes. */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { analyzeRuns, loadRuns, type AnalyzeOptions } from '../api.js';
import { getExitCode, type FailOn } from '../core/exit-code.js';
import type { Axis, FormatId, Lang } from '../core/types.js';
import { LossdocError, UsageError } from '../errors.js';
import { formatNames, formatters, type FormatName } from '../formatters/index.js';
import { readInputs } from '../io/read-inputs.js';
import { formatIds } from '../parsers/index.js';
import { findRule, rules } from '../../rules/index.js';
import { VERSION } from '../version.js';
import { messages } from './messages.js';
import { explainRule, listRules } from './rule-docs.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whole standard input (only read when `-` is given). */
  readStdin: () => Uint8Array;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
}

interface AnalyzeFlags {
  format: FormatName;
  outputFile?: string;
  inputFormat?: FormatId;
  train?: string[];
  val?: string[];
  test?: string[];
  x?: Axis;
  failOn: FailOn;
  maxWarnings?: number;
  lang: Lang;
  color?: boolean;
  numClasses?: number;
  verbose?: boolean;
  includeData?: boolean;
  quiet?: boolean;
}

const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(',').map((v) => v.trim()).filter(Boolean),
];

function positiveInt(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, got "${value}"`);
    return n;
  };
}

function useColor(flags: AnalyzeFlags, io: CliIo): boolean {
  if (flags.color === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdoutIsTTY;
}

function analyzeCommand(inputs: string[], flags: AnalyzeFlags, io: CliIo): number {
  if (inputs.length === 0) throw new UsageError(messages.noInputs);
  const read = readInputs(inputs, io.readStdin);
  const options: AnalyzeOptions = {
    ...(flags.inputFormat ? { inputFormat: flags.inputFormat } : {}),
    ...(flags.train ? { train: flags.train } : {}),
    ...(flags.val ? { val: flags.val } : {}),
    ...(flags.test ? { test: flags.test } : {}),
    ...(flags.x ? { x: flags.x } : {}),
    ...(flags.numClasses !== undefined ? { numClasses: flags.numClasses } : {}),
    lang: flags.lang,
    includeData: flags.includeData ?? false,
  };
  const loaded = loadRuns(read.inputs, options);
  const errors = [...read.errors, ...loaded.errors];
  for (const error of errors) io.stderr(`lossdoc: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
  if (loaded.runs.length === 0) return 2;

  const report = analyzeRuns(loaded.runs, options);
  if (!flags.quiet) {
    for (const run of report.runs) {
      for (const w of run.warnings) {
        io.stderr(`lossdoc: warning: ${run.name}${w.line !== null ? `:${w.line}` : ''}: ${w.message}\n`);
      }
    }
  }
  const text = formatters[flags.format](report, {
    color: flags.outputFile ? false : useColor(flags, io),
    lang: flags.lang,
    verbose: flags.verbose ?? false,
  });
  if (flags.outputFile) writeFileSync(flags.outputFile, text);
  else io.stdout(text);
  const code = getExitCode(report, { failOn: flags.failOn, ...(flags.maxWarnings !== undefined ? { maxWarnings: flags.maxWarnings } : {}) });
  // Any unreadable input makes the whole invocation a failure to do the job.
  return errors.length > 0 ? 2 : code;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('lossdoc')
    .description('Diagnose training-loss curves from the logs you already have.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run lossdoc --help for usage)');

  program
    .command('analyze')
    .description('diagnose one or more training logs (files, directories, or - for stdin)')
    .argument('<inputs...>', 'log files, directories, or - for standard input')
    .addOption(new Option('-f, --format <format>', 'report format').choices(formatNames).default('text'))
    .option('-o, --output-file <path>', 'write the report to this file instead of stdout')
    .addOption(new Option('--input-format <format>', 'skip detection: read inputs as this format').choices(formatIds))
    .option('--train <columns>', 'column(s) to use as the train loss (repeatable, or comma list)', collectList)
    .option('--val <columns>', 'column(s) to use as the validation loss', collectList)
    .option('--test <columns>', 'column(s) to use as the test loss', collectList)
    .addOption(new Option('--x <axis>', 'x axis to use').choices(['step', 'epoch']))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding is at or above this severity').choices(['error', 'warning', 'info', 'none']).default('error'))
    .option('--max-warnings <n>', 'exit 1 when there are more than n warning findings', positiveInt('--max-warnings'))
    .addOption(new Option('--lang <lang>', 'report language').choices(['en', 'zh']).default('en'))
    .option('--num-classes <n>', 'number of classes of a classification loss (for chance-level checks)', positiveInt('--num-classes'))
    .option('--no-color', 'no ANSI colours (also NO_COLOR, or when stdout is not a terminal)')
    .option('-v, --verbose', 'show info findings and every series')
    .option('--include-data', 'put every series\u2019 points into the JSON report')
    .option('-q, --quiet', 'do not print input warnings on stderr')
    .action((inputs: string[], flags: AnalyzeFlags) => setExit(analyzeCommand(inputs, flags, io)));

  program
    .command('rules')
    .description('list the rules')
    .addOption(new Option('--lang <lang>', 'language').choices(['en', 'zh']).default('en'))
    .action((flags: { lang: Lang }) => {
      io.stdout(listRules(rules, flags.lang));
      setExit(0);
    });

  program
    .command('explain')
    .description("print one rule's documentation")
    .argument('<rule-id>')
    .addOption(new Option('--lang <lang>', 'language').choices(['en', 'zh']).default('en'))
    .action((id: string, flags: { lang: Lang }) => {
      const rule = findRule(id);
      if (!rule) throw new UsageError(messages.unknownRule(id, rules.map((r) => r.meta.id)));
      io.stdout(explainRule(rule, flags.lang));
      setExit(0);
    });

  program
    .command('formats')
    .description('list the input formats lossdoc reads')
    .action(() => {
      io.stdout(`${formatIds.join('\n')}\n`);
      setExit(0);
    });
  return program;
}

/** Run the CLI. Returns the exit code: 0 ok, 1 findings at the fail level, 2 could not do the job. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage mistakes exit 2 (commander already printed them).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof LossdocError) {
      io.stderr(`lossdoc: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
      return 2;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`${messages.crashed(VERSION, detail.split('\n').slice(0, 4).join('\n'))}\n`);
    return 2;
  }
}
