#!/usr/bin/env node
/**
 * Throughput of the W&B reader (readWandbRun: framing, CRC-32, records, history → series) on
 * large generated `run-<id>.wandb` logs, side by side with the TensorBoard reader on a scalar-only
 * event file of the same size.
 *
 *   npm run build && node test/bench/wandb-bench.mjs [--mb 100] [--runs 5]
 *
 * Imports the BUILT readers (dist/src/parsers/…); LOSSDOC_WANDB_MODULE / LOSSDOC_TFEVENTS_MODULE
 * point at other compiled copies. The logs are written by gen-wandb.mjs (the documented layout:
 * Python- and Go-style rows of seven values, one console-output record per row, as real runs have)
 * to os.tmpdir()/lossdoc-bench and the event file by tfevents-bench.mjs's writer, all before any
 * timing; then the three readers run in turn, `runs` rounds, so that the load of a shared machine
 * falls on all of them alike. Times are the process's CPU time (user + system) for each read, which
 * the other jobs of a busy machine disturb far less than wall time; the readers are single-threaded,
 * so on a quiet machine the two agree. Best and median MB/s (MB = 2^20 bytes, as
 * tfevents-bench.mjs) are printed. Not a test: nothing is asserted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBigWandb } from './gen-wandb.mjs';
import { writeFile as writeEventFile } from './tfevents-bench.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (env, rel) => import(pathToFileURL(process.env[env] ?? path.resolve(here, '../../dist/src/parsers', rel)).href);
const { readWandbRun } = await load('LOSSDOC_WANDB_MODULE', 'wandb/run.js');
const { readEventScalars } = await load('LOSSDOC_TFEVENTS_MODULE', 'tfevents.js');

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const targetMB = Number(arg('mb', '100'));
const runs = Number(arg('runs', '5'));
const MiB = 1024 * 1024;

const python = new Uint8Array(readFileSync(ensureBigWandb(targetMB)));
const inputs = [
  { label: 'python-style .wandb', bytes: python },
  { label: 'go-style .wandb', bytes: new Uint8Array(readFileSync(ensureBigWandb(targetMB, { go: true }))) },
  { label: 'tfevents (same size)', bytes: writeEventFile('simple', python.length).bytes, events: true },
];
const rows = new Map();
const times = inputs.map(() => []);
for (let r = 0; r < runs; r++) {
  inputs.forEach((input, i) => {
    const t0 = process.cpuUsage();
    if (input.events) readEventScalars(input.bytes, 'events.out.tfevents.bench');
    else rows.set(input.label, readWandbRun({ folder: 'run-bench', log: { name: 'run-bench.wandb', chunks: [input.bytes] } }).rows);
    const used = process.cpuUsage(t0);
    times[i].push((used.user + used.system) / 1e6);
  });
}
inputs.forEach((input, i) => {
  const mb = input.bytes.length / MiB;
  const sorted = times[i].sort((a, b) => a - b);
  const best = sorted[0];
  const median = sorted[sorted.length >> 1];
  const what = rows.has(input.label) ? `${rows.get(input.label)} rows` : 'scalar-only';
  console.log(`${input.label}, ${mb.toFixed(1)} MB, ${what}: best ${(mb / best).toFixed(0)} MB/s (${(best * 1000).toFixed(0)} ms), median ${(mb / median).toFixed(0)} MB/s`);
});
