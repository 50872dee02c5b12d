/** What the CLI gets from the process that runs it (bin/ gives the real one, tests a fake). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whole standard input, gzip undone (only read when `-` is given); rejects with a LossdocError. */
  readStdin: () => Promise<Uint8Array>;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  /** Standard error is a terminal: progress lines are shown there (default: not). */
  stderrIsTTY?: boolean;
  /** Directory the config search starts from (default: the process's). */
  cwd?: string;
  /** The analysis worker's code, when no worker file sits beside the bin (the single executable). */
  analysisWorkerCode?: string;
}
