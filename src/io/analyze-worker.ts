/**
 * Worker-thread entry of the analysis pool (worker-pool.ts): analyzes the runs it is sent with
 * the built-in rules and posts the RunReports back. No file system, no output.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeRun, type AnalyzeRunOptions } from '../core/analyze.js';
import type { Run } from '../core/types.js';
import { rules } from '../../rules/index.js';

/** Messages of the pool protocol. */
export type ToWorker = { type: 'task'; id: number; runs: Run[]; options: AnalyzeRunOptions } | { type: 'exit' };
export type FromWorker =
  | { type: 'done'; id: number; reports: ReturnType<typeof analyzeRun>[] }
  | { type: 'error'; id: number; message: string; stack?: string };

const port = parentPort;
if (port) {
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'exit') {
      port.close();
      return;
    }
    try {
      const reports = msg.runs.map((run) => analyzeRun(run, rules, msg.options));
      port.postMessage({ type: 'done', id: msg.id, reports } satisfies FromWorker);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ type: 'error', id: msg.id, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } satisfies FromWorker);
    }
  });
}
