#!/usr/bin/env node
/**
 * Sweep timing for run.mjs: read + load the runs of DIR, then analyze them sequentially
 * (api.analyzeRuns) and on worker threads (io/worker-pool.ts), and check both reports are equal.
 * Prints one JSON line. LOSSDOC_BENCH_ROOT points at another built copy.
 *
 *   node test/bench/sweep-analyze.mjs DIR
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = process.env.LOSSDOC_BENCH_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
const [{ readInputs }, { loadRuns, analyzeRuns }, { analyzeRunsParallel }] = await Promise.all([
  dist('src/io/read-inputs.js'),
  dist('src/api.js'),
  dist('src/io/worker-pool.js'),
]);

let t = performance.now();
const read = readInputs([process.argv[2]]);
const loaded = loadRuns(read.inputs, {});
const load = performance.now() - t;
t = performance.now();
const seq = analyzeRuns(loaded.runs, {});
const tSeq = performance.now() - t;
t = performance.now();
let progress = 0;
const par = await analyzeRunsParallel(loaded.runs, {}, { onProgress: (d) => (progress = d) });
const tPar = performance.now() - t;
process.stdout.write(`${JSON.stringify({ runs: loaded.runs.length, load, tSeq, tPar, progress, same: JSON.stringify(seq) === JSON.stringify(par) })}\n`);
