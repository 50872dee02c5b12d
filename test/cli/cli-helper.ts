/** Spawn the built CLI (`node dist/lossdoc.js`, the esbuild bundle that package.json's bin points at) and collect what it printed. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'dist/lossdoc.js');
export const DEMO = join(ROOT, 'fixtures/demo');

/** `npm test` builds first; a lone `vitest run` builds here only when dist is missing. */
export function ensureBuilt(): void {
  if (!existsSync(BIN)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  input?: string | Uint8Array;
  env?: Record<string, string>;
}

let neutralDir: string | undefined;
/** An empty directory outside the repository, so no lossdoc config is found unless a test writes one. */
function neutral(): string {
  neutralDir ??= mkdtempSync(join(tmpdir(), 'lossdoc-cwd-'));
  return neutralDir;
}

/** Run lossdoc to completion. NO_COLOR keeps output plain; the cwd defaults to a directory without config. */
export function lossdoc(args: string[], options: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? neutral(),
    input: options.input,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start lossdoc without waiting; resolves with the result when it exits. */
export interface RunningCli {
  done: Promise<CliResult>;
  kill: () => void;
  /** What it printed so far. */
  stdout: () => string;
  stderr: () => string;
  /** True once the process has exited. */
  exited: () => boolean;
}

export function lossdocAsync(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? neutral(),
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let exited = false;
  const done = new Promise<CliResult>((resolvePromise) => {
    child.on('close', (code) => {
      exited = true;
      resolvePromise({ code, stdout, stderr });
    });
  });
  return { done, kill: () => child.kill('SIGTERM'), stdout: () => stdout, stderr: () => stderr, exited: () => exited };
}

/** Writes into `dir` a hook to preload into the CLI process (`node -r`): it prints the process's peak resident set size when it exits. Returns its path. */
export function writePeakHook(dir: string): string {
  const hook = join(dir, 'peak.cjs');
  writeFileSync(hook, "process.on('exit', () => process.stderr.write(`lossdoc-peak-rss-kb=${process.resourceUsage().maxRSS}\\n`));\n");
  return hook;
}

export interface MeasuredResult extends CliResult {
  /** Peak resident set size of the CLI process in MB (NaN when the hook printed nothing). */
  peakMb: number;
}

/**
 * Run lossdoc with the hook of writePeakHook preloaded: what it printed (the hook's line left out
 * of stderr) and its peak RSS. `hangGuardMs` only stops a run that hangs; nothing is timed.
 */
export function lossdocMeasured(peakHook: string, args: string[], hangGuardMs = 120_000): MeasuredResult {
  const r = spawnSync(process.execPath, ['-r', peakHook, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: hangGuardMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const peak = /lossdoc-peak-rss-kb=(\d+)/.exec(r.stderr);
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/lossdoc-peak-rss-kb=\d+\n/, ''),
    peakMb: peak ? Number(peak[1]) / 1024 : Number.NaN,
  };
}

/** A fresh temporary directory (removed by the returned cleanup). */
export function tempDir(prefix = 'lossdoc-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A CSV loss log: `loss(step)` sampled every `every` steps, optional NaN from `nanFrom` on. */
export function lossCsv(options: { steps?: number; every?: number; floor?: number; start?: number; tau?: number; nanFrom?: number; val?: boolean; seed?: number }): string {
  const { steps = 1000, every = 10, floor = 0.5, start = 2, tau = 250, nanFrom, val = true } = options;
  let seed = options.seed ?? 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const rows = [val ? 'step,train_loss,val_loss' : 'step,train_loss'];
  for (let s = 0; s <= steps; s += every) {
    const base = start * Math.exp(-s / tau) + floor;
    const broken = nanFrom !== undefined && s >= nanFrom;
    const train = broken ? 'nan' : (base + 0.02 * rand()).toFixed(5);
    const v = s % (every * 10) === 0 ? (broken ? 'nan' : (base * 1.1 + 0.02 * rand()).toFixed(5)) : '';
    rows.push(val ? `${s},${train},${v}` : `${s},${train}`);
  }
  return `${rows.join('\n')}\n`;
}
