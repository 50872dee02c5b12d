#!/usr/bin/env node
/**
 * `npm run eval`: the accuracy benchmarks. Runs the built lossdoc on the synthetic logs
 * (fixtures/eval), the really-trained runs (fixtures/real-runs) and, when present, the labelled
 * corpus (test/eval/corpus-labels.json) and prints a table for each: verdict agreement,
 * required-findings recall, per-id precision and recall, healthy runs flagged.
 * `--misses` also lists every miss; `--write-baseline` records the figures that
 * test/eval/benchmark.test.ts then holds every later change to.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { analyze, analyzeRuns, loadRuns } from '../../dist/src/index.js';
import { readInputs } from '../../dist/src/io/read-inputs.js';
import { baselinePath, formatTable, loadBenchmarks, score, toBaseline } from './score.mjs';

const { benchmarks, notes } = loadBenchmarks({ analyze, analyzeRuns, loadRuns, readInputs });
// Benchmarks that are absent here (the corpus) keep their recorded figures.
const baseline = existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, 'utf8')) : {};
for (const benchmark of benchmarks) {
  const result = score(benchmark);
  baseline[benchmark.key] = toBaseline(result);
  console.log(`${formatTable(benchmark.title, result)}\n`);
  if (process.argv.includes('--misses')) {
    for (const m of result.misses) console.log(`${m.kind.padEnd(16)} ${m.id.padEnd(20)} ${m.file}${m.verdict ? `  (verdict ${m.verdict})` : ''}`);
    console.log('');
  }
}
for (const note of notes) console.log(note);
if (process.argv.includes('--write-baseline')) {
  writeFileSync(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`baseline written to ${baselinePath}`);
}
