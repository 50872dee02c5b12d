#!/usr/bin/env node
/**
 * `npm run eval`: the accuracy benchmark. Runs the built lossdoc on every labelled log in
 * fixtures/eval and prints precision and recall per finding id, and the false-finding rate on
 * healthy runs. `--misses` also lists every miss and false finding; `--write-baseline` records
 * the figures that test/eval/benchmark.test.ts then holds every later change to.
 */
import { writeFileSync } from 'node:fs';
import { analyze } from '../../dist/src/index.js';
import { baselinePath, formatTable, loadManifest, score, toBaseline } from './score.mjs';

const result = score(loadManifest(), (name, bytes) => analyze([{ name, bytes }]));
console.log(formatTable(result));
if (process.argv.includes('--misses')) {
  for (const m of result.misses) console.log(`${m.kind.padEnd(16)} ${m.id.padEnd(20)} ${m.file}${m.verdict ? `  (verdict ${m.verdict})` : ''}`);
}
if (process.argv.includes('--write-baseline')) {
  writeFileSync(baselinePath, `${JSON.stringify(toBaseline(result), null, 2)}\n`);
  console.log(`baseline written to ${baselinePath}`);
}
