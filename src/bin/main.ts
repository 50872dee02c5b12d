/** The process around run(): standard streams, fatal handlers, exit code. Shared by both bins. */
import { run, type CliIo } from '../cli/run.js';
import { readStandardInput } from '../io/read-stream.js';

/** Run the CLI on process.argv; `extra` adds what only one bin knows (the single executable's worker code). */
export async function main(extra: Pick<CliIo, 'analysisWorkerCode'> = {}): Promise<void> {
  // A crash outside run() still gets a short banner and exit code 2, never a later 0/1.
  const fatal = (error: unknown) => {
    process.stderr.write(`lossdoc crashed — this is a bug, please report it.\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  // Writing into a closed pipe (`lossdoc ... | head`) is not an error worth a banner.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') fatal(error);
  });

  let stdinOpened = false;
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => {
      stdinOpened = true;
      return readStandardInput(process.stdin);
    },
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    ...extra,
  });
  // Standard input left unread (an error came first) must not keep the process waiting for its writer.
  if (stdinOpened) process.stdin.destroy();
}
