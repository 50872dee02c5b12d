/** argv → exit code. The only module that knows about stdout, stderr and exit codes. */
import { Argument, Command, CommanderError, Option } from 'commander';
import type { Lang } from '../core/types.js';
import { LossdocError, UsageError } from '../errors.js';
import { plainText } from '../formatters/plain-text.js';
import { parsers } from '../parsers/index.js';
import { folderSources } from '../sources/registry.js';
import { allRules, findRule } from '../../rules/index.js';
import { VERSION } from '../version.js';
import { messages } from './messages.js';
import { analyzeCommand, type AnalyzeFlags } from './analyze.js';
import { INIT_KINDS, initCommand, type InitKind } from './init.js';
import { addAnalysisOptions, addReportOptions, positiveNumber, wholeNumber } from './options.js';
import { listFormats } from './format-docs.js';
import { explainRule, listRules } from './rule-docs.js';
import { WATCH_DEFAULTS, watchCommand, type WatchFlags } from './watch.js';
import type { CliIo } from './cli-io.js';

export type { CliIo } from './cli-io.js';

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('lossdoc')
    .description('Diagnose training-loss curves from the logs you already have.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run lossdoc --help for usage)');

  const reportFlags = (cmd: Command) =>
    addAnalysisOptions(addReportOptions(cmd))
      .option('--max-warnings <n>', 'also exit 1 when there are more than n warning findings', wholeNumber('--max-warnings'))
      .option('--tolerance <metric=warning[:error]>', 'baseline tolerance for final, best or area, e.g. final=10%:50% or area=0.05:off (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--no-color', 'no ANSI colours (also NO_COLOR, or when stdout is not a terminal)')
      .option('-v, --verbose', 'show info findings and every series')
      .option('--include-data', 'put every series\u2019 points into the JSON report');

  reportFlags(
    program
      .command('analyze')
      .description('diagnose one or more training logs (files, directories, or - for stdin)')
      .argument('<inputs...>', 'log files, directories, or - for standard input'),
  )
    .option('--baseline <run>', 'also compare with this reference run (file or directory) and report regressions')
    .action(async (inputs: string[], flags: AnalyzeFlags) => setExit(await analyzeCommand(inputs, flags, io, 'analyze')));

  reportFlags(
    program
      .command('compare')
      .description('regression gate: compare a run with a reference run; reports only what got worse')
      .argument('<inputs...>', 'the new run(s): log files or directories'),
  )
    .requiredOption('--baseline <run>', 'the reference run (file or directory)')
    .action(async (inputs: string[], flags: AnalyzeFlags) => setExit(await analyzeCommand(inputs, flags, io, 'compare')));

  addAnalysisOptions(
    addReportOptions(
      program
        .command('watch')
        .description('follow a log that training is still writing; exit 1 as soon as a finding at the fail level appears')
        .argument('<input>', 'the log file, or a directory of logs'),
      true,
    ),
  )
    .option('--interval <ms>', 're-check at most this often', wholeNumber('--interval', 10), WATCH_DEFAULTS.interval)
    .option('--timeout <seconds>', 'stop after this long (exit 0 if nothing failed)', positiveNumber('--timeout'))
    .option('--idle-exit <seconds>', 'stop when the log has not changed for this long (exit 0 if nothing failed)', positiveNumber('--idle-exit'))
    .option('--min-points <n>', 'before the loss has n points only stability findings (NaN, divergence) stop the watch', wholeNumber('--min-points'), WATCH_DEFAULTS.minPoints)
    .option('-v, --verbose', 'show info findings in the final report')
    .action(async (input: string, flags: WatchFlags) => setExit(await watchCommand(input, flags, io)));

  program
    .command('init')
    .description('write a starter file in the current directory (never overwrites): lossdoc.config.json, or with "python" the training callback lossdoc_callback.py')
    .addArgument(new Argument('[kind]', 'what to write').choices(INIT_KINDS).default('config'))
    .action((kind: InitKind) => setExit(initCommand(io, kind)));

  program
    .command('schema')
    .description("print the JSON Schema of the JSON report (--format json), generated from lossdoc's report schema")
    .action(async () => {
      // zod is most of the bundle: loaded only here and when there is a config file (options.ts).
      const [{ z }, { reportSchema }] = await Promise.all([import('zod'), import('../core/report-schema.js')]);
      const { $schema, ...schema } = z.toJSONSchema(reportSchema);
      io.stdout(`${JSON.stringify({ $schema, title: 'lossdoc report (--format json)', ...schema }, null, 2)}\n`);
      setExit(0);
    });

  program
    .command('rules')
    .description('list the rules')
    .addOption(new Option('--lang <lang>', 'language').choices(['en', 'zh']).default('en'))
    .action((flags: { lang: Lang }) => {
      io.stdout(listRules(allRules, flags.lang));
      setExit(0);
    });

  program
    .command('explain')
    .description("print one rule's documentation")
    .argument('<rule-id>')
    .addOption(new Option('--lang <lang>', 'language').choices(['en', 'zh']).default('en'))
    .action((id: string, flags: { lang: Lang }) => {
      const rule = findRule(id);
      if (!rule) throw new UsageError(messages.unknownRule(id, allRules.map((r) => r.meta.id)));
      io.stdout(explainRule(rule, flags.lang));
      setExit(0);
    });

  program
    .command('formats')
    .description('list the input formats lossdoc reads: single files, then folders')
    .action(() => {
      io.stdout(listFormats(parsers, folderSources));
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
      io.stderr(`lossdoc: ${plainText(`${error.message}${error.hint ? ` (${error.hint})` : ''}`)}\n`);
      return 2;
    }
    // A short banner, never a stack trace (LOSSDOC_DEBUG=1 prints it for a bug report).
    const debug = Boolean(io.env.LOSSDOC_DEBUG);
    const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : `${error.name}: ${error.message}`) : String(error);
    io.stderr(`${messages.crashed(VERSION, debug ? detail : plainText(detail))}\n`);
    return 2;
  }
}
