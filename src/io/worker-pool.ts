/**
 * Analysis of many runs on every core: the runs (already loaded: parsing, grouping and naming
 * stay sequential in loadRuns) are sent in small batches to worker threads running
 * analyze-worker.ts, and the Report is assembled in input order, so it is identical to
 * `analyzeRuns(runs, options)` (api.ts). Worth it for sweeps: analysis is most of the time of a
 * run, while a worker costs ~50–100 ms to start.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { AnalyzeOptions } from '../api.js';
import { analyzeRun, buildReport, type AnalyzeRunOptions } from '../core/analyze.js';
import type { Report, RunReport } from '../core/report-schema.js';
import { analysisRun, MAX_ANALYSIS_POINTS } from '../core/resolution.js';
import type { Run } from '../core/types.js';
import { rules as builtinRules } from '../../rules/index.js';
import { VERSION } from '../version.js';
import type { FromWorker, ToWorker } from './analyze-worker.js';

export interface PoolOptions {
  /** Worker threads (default: the number of cores, os.availableParallelism()). */
  threads?: number;
  /** Called after each batch: runs analyzed so far, of `total`. */
  onProgress?: (done: number, total: number) => void;
  /** The worker entry (default: see defaultWorkerUrl). */
  workerUrl?: URL;
  /** The worker's code itself, run with `eval` (wins over workerUrl): for a single executable, which has no worker file. */
  workerCode?: string;
}

/**
 * analyze-worker.js next to this module (tsc output: dist/src/io/), or one folder up (the esbuild
 * bundle puts it next to dist/lossdoc.js, and this module may land in dist/chunks/).
 */
export function defaultWorkerUrl(): URL {
  const candidates = [new URL('./analyze-worker.js', import.meta.url), new URL('../analyze-worker.js', import.meta.url)];
  return candidates.find((url) => url.protocol !== 'file:' || existsSync(fileURLToPath(url))) ?? candidates[0];
}

/** Runs below this many analysed points in total and this many runs are analyzed faster in-thread. */
const MIN_RUNS = 16;
const MIN_POINTS = 500_000;

/** Points the analysis will look at: a long series only on its sample (src/core/resolution.ts). */
function totalPoints(runs: readonly Run[], options: AnalyzeOptions): number {
  const maxPoints = options.maxPoints ?? MAX_ANALYSIS_POINTS;
  const cap = options.includeData || maxPoints === 0 ? Infinity : maxPoints;
  let n = 0;
  for (const run of runs) for (const s of run.series) n += Math.min(s.x.length, cap);
  return n;
}

/** Options a worker can be sent, or undefined when they hold something that cannot (custom rules). */
function workerOptions(options: AnalyzeOptions): AnalyzeRunOptions | undefined {
  const { rules, ...rest } = options;
  if (rules !== undefined && rules !== builtinRules) return undefined;
  try {
    return structuredClone(rest);
  } catch {
    return undefined;
  }
}

/** True when the pool is likely faster than analyzeRuns for these runs (and can run them). */
export function parallelWorthIt(runs: readonly Run[], options: AnalyzeOptions = {}, threads = availableParallelism()): boolean {
  if (threads < 2 || runs.length < 2) return false;
  if (workerOptions(options) === undefined) return false;
  return runs.length >= MIN_RUNS || totalPoints(runs, options) >= MIN_POINTS;
}

/**
 * `analyzeRuns(runs, options)` on worker threads: the same Report (runs in input order). Falls
 * back to the calling thread for custom rules (functions cannot be sent to a worker).
 */
export async function analyzeRunsParallel(runs: readonly Run[], options: AnalyzeOptions = {}, pool: PoolOptions = {}): Promise<Report> {
  const lang = options.lang ?? 'en';
  const sendable = workerOptions(options);
  const threads = Math.max(1, Math.min(pool.threads ?? availableParallelism(), runs.length));
  if (sendable === undefined || runs.length === 0) {
    const rules = options.rules ?? builtinRules;
    const reports = runs.map((run, i) => {
      const r = analyzeRun(run, rules, options);
      pool.onProgress?.(i + 1, runs.length);
      return r;
    });
    return buildReport(reports, VERSION, lang);
  }
  const reports = await runPool(runs, sendable, threads, pool);
  return buildReport(reports, VERSION, lang);
}

/**
 * Node 20 takes a worker's isolate off its platform before disposing of it, and an optimizing
 * compile still running on a background thread in that window aborts the whole process as it
 * ends (`NodePlatform::ForIsolate … Assertion failed: (data.first) != nullptr`; seen on a busy
 * machine). Isolates created after this call compile on their own thread, so no compile of a
 * worker can outlive it; the main thread's isolate, created before, keeps compiling in the
 * background. Analysing fixtures/real-runs is no slower: each worker has a core of its own.
 */
let workerCompilesInThread = false;
function compileInWorkerThreads(): void {
  if (workerCompilesInThread) return;
  setFlagsFromString('--no-concurrent-recompilation');
  workerCompilesInThread = true;
}

function runPool(runs: readonly Run[], options: AnalyzeRunOptions, threads: number, pool: PoolOptions): Promise<RunReport[]> {
  compileInWorkerThreads();
  const total = runs.length;
  // Batches small enough to balance the load, large enough to keep messages few.
  const batch = Math.max(1, Math.min(8, Math.floor(total / (threads * 8))));
  const batches: Array<{ first: number; count: number }> = [];
  for (let first = 0; first < total; first += batch) batches.push({ first, count: Math.min(batch, total - first) });
  const reports = new Array<RunReport>(total);
  const { workerCode } = pool;
  const url = pool.workerUrl ?? defaultWorkerUrl();
  const startWorker = () => (workerCode !== undefined ? new Worker(workerCode, { eval: true }) : new Worker(url));

  return new Promise<RunReport[]>((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      // Idle workers are let go (they close their port and end on their own); a failed pool is stopped.
      for (const w of workers) {
        if (error) void w.terminate();
        else w.postMessage({ type: 'exit' } satisfies ToWorker);
      }
      if (error) reject(error);
      else resolve(reports);
    };
    // Unless the report must hold every point, a worker gets each run's analysis sample, which
    // is all the analysis reads: long series are not copied to the worker in full.
    const sampled = !options.includeData;
    const maxPoints = options.maxPoints ?? MAX_ANALYSIS_POINTS;
    const sent: AnalyzeRunOptions = sampled ? { ...options, maxPoints: 0 } : options;
    const send = (worker: Worker) => {
      if (next >= batches.length) return;
      const id = next++;
      const b = batches[id];
      const batch = runs.slice(b.first, b.first + b.count).map((run) => (sampled ? analysisRun(run, maxPoints) : run));
      worker.postMessage({ type: 'task', id, runs: batch, options: sent } satisfies ToWorker);
    };
    for (let t = 0; t < threads; t++) {
      const worker = startWorker();
      workers.push(worker);
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'error') {
          const error = new Error(`analysis failed in a worker: ${msg.message}`);
          if (msg.stack) error.stack = msg.stack;
          finish(error);
          return;
        }
        const b = batches[msg.id];
        for (let k = 0; k < b.count; k++) reports[b.first + k] = msg.reports[k];
        done += b.count;
        pool.onProgress?.(done, total);
        if (done === total) finish();
        else send(worker);
      });
      worker.on('error', (error) => finish(error));
      worker.on('exit', (code) => {
        if (!settled) finish(new Error(`an analysis worker stopped (exit code ${code})`));
      });
      // Two batches in flight per worker, so it never waits for the next one.
      send(worker);
      send(worker);
    }
  });
}

/**
 * Progress line for a terminal's stderr: `\r`-rewritten while running, cleared at the end.
 * Example: `onProgress: (d, t) => io.stderr(progressLine(d, t))` when stderr is a TTY.
 */
export function progressLine(done: number, total: number): string {
  if (done >= total) return '\r\u001b[2K';
  return `\rlossdoc: analyzing ${done}/${total} runs (${Math.floor((100 * done) / total)}%)`;
}
