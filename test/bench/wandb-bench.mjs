#!/usr/bin/env node
/**
 * Throughput of the W&B reader (readWandbRun: framing, CRC-32, records, history → series) on a
 * large generated `run-<id>.wandb`.
 *
 *   npm run build && node test/bench/wandb-bench.mjs [--mb 100] [--style python|go|both] [--runs 5]
 *
 * Imports the BUILT reader (dist/src/parsers/wandb/run.js); LOSSDOC_WANDB_MODULE points at another
 * compiled copy. The file is written by gen-wandb.mjs (the documented layout: Python- or Go-style
 * item names, one console-output record per history row, as real runs have) to
 * os.tmpdir()/lossdoc-bench, read into memory, then parsed several times; the best and median
 * MB/s are printed. Not a test: nothing is asserted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBigWandb } from './gen-wandb.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = process.env.LOSSDOC_WANDB_MODULE ?? path.resolve(here, '../../dist/src/parsers/wandb/run.js');
const { readWandbRun } = await import(pathToFileURL(modulePath).href);

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const targetMB = Number(arg('mb', '100'));
const style = arg('style', 'both');
const runs = Number(arg('runs', '5'));

for (const go of style === 'both' ? [false, true] : [style === 'go']) {
  const file = ensureBigWandb(targetMB, { go });
  const bytes = new Uint8Array(readFileSync(file));
  const mb = bytes.length / 1e6;
  const times = [];
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const run = readWandbRun({ folder: path.basename(file), log: { name: file, chunks: [bytes] } });
    times.push((performance.now() - t0) / 1000);
    rows = run.rows;
  }
  times.sort((a, b) => a - b);
  const best = times[0];
  const median = times[times.length >> 1];
  console.log(
    `${go ? 'go' : 'python'}-style .wandb, ${mb.toFixed(1)} MB, ${rows} rows: ` +
      `best ${(mb / best).toFixed(0)} MB/s (${(best * 1000).toFixed(0)} ms), median ${(mb / median).toFixed(0)} MB/s`,
  );
}
