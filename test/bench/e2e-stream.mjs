#!/usr/bin/env node
/**
 * What `lossdoc analyze FILE --no-color` does once big files are streamed (read-chunks.ts →
 * fast CSV path), before that wiring is in src/io and src/api: open FILE as a streaming input,
 * parse it with parseInput (format detected from the head), build the run, analyze it with the
 * built-in rules and print the text report. Used by run.mjs to time and measure memory.
 *
 *   node test/bench/e2e-stream.mjs FILE [--whole]     (--whole: read the file at once instead)
 *
 * LOSSDOC_BENCH_ROOT points at another built copy (default: this repository).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = process.env.LOSSDOC_BENCH_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
const [{ openStreamingInput }, { parseInput }, { buildRun }, { analyzeRuns }, { formatters }] = await Promise.all([
  dist('src/io/read-chunks.js'),
  dist('src/parsers/csv/fast-entry.js'),
  dist('src/core/build-run.js'),
  dist('src/api.js'),
  dist('src/formatters/index.js'),
]);

const file = process.argv[2];
const input = process.argv.includes('--whole') ? { name: file, bytes: readFileSync(file) } : openStreamingInput(file, file, 0);
const log = parseInput(input);
const many = log.runs.length > 1;
const runs = log.runs.map((raw) => buildRun({ ...raw, name: many ? `${file} :: ${raw.name}` : file }, log.format, [file], {}));
const report = analyzeRuns(runs, {});
process.stdout.write(formatters.text(report, { color: false, lang: 'en' }));
