#!/usr/bin/env node
/**
 * Deterministic large per-step training log: `step,epoch,train_loss,lr`, one row per step.
 *
 *   node test/bench/gen-big-csv.mjs [--rows 2000000] [--shape decay|early-rise] [--digits short|repr] [--out FILE]
 *
 * Without --out the file goes to os.tmpdir()/lossdoc-bench/big-<rows>.csv and is reused when it
 * already exists with the expected size. Prints the path on stdout. The default (2 M rows) is
 * ≈ 54 MB. The curve is a noisy decaying loss with a warm-up + cosine learning rate; the
 * numbers are formatted the way Python's `str(float)` / `f"{x:.6g}"` writes them.
 * Also importable: `import { bigCsvPath, writeBigCsv } from './gen-big-csv.mjs'`.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../helpers/random.mjs';

/**
 * `digits`: 'short' writes `f"{x:.6g}"`-style numbers; 'repr' writes float32 values the way
 * Python's `str(float)` prints them (16–17 significant digits, as Lightning and Keras CSV logs
 * hold them), which makes the file about twice as large and harder to parse.
 */
export function bigCsvPath(rows, shape = 'decay', digits = 'short') {
  const suffix = digits === 'repr' ? '-repr' : '';
  return path.join(os.tmpdir(), 'lossdoc-bench', shape === 'decay' ? `big-${rows}${suffix}.csv` : `big-${shape}-${rows}${suffix}.csv`);
}

/**
 * `early-rise`: the loss climbs slowly over the first 10% of the steps, then decays. It drives the
 * early-instability search through its longest path (every early point is a candidate), which
 * is where a per-point look-back over a share of the span would make the analysis O(n²).
 */
function lossAt(shape, i, rows, noise) {
  const t = i / rows;
  if (shape === 'early-rise') return (t < 0.1 ? 1 + 2 * (t / 0.1) : 3 * Math.exp(-(t - 0.1) * 5) + 0.3) * (1 + noise * 0.1);
  return 0.9 + 2.6 * Math.exp(-t * 6) + noise * (0.3 + Math.exp(-t * 3));
}

/** Write the file (atomically, via a temp name); returns { file, bytes, rows }. */
export function writeBigCsv(rows, file = bigCsvPath(rows), shape = 'decay', digits = 'short') {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  const random = rng(20240601);
  const stepsPerEpoch = Math.max(1, Math.ceil(rows / 10));
  const warmup = Math.max(1, Math.floor(rows / 50));
  const peakLr = 3e-4;
  let chunk = 'step,epoch,train_loss,lr\n';
  let bytes = 0;
  for (let i = 0; i < rows; i++) {
    const step = i + 1;
    const epoch = Math.floor(i / stepsPerEpoch);
    const lr = i < warmup ? (peakLr * (i + 1)) / warmup : peakLr * 0.5 * (1 + Math.cos(Math.PI * ((i - warmup) / (rows - warmup))));
    // Gaussian-ish noise from the sum of three uniforms.
    const noise = (random() + random() + random() - 1.5) * 0.08;
    const loss = lossAt(shape, i, rows, noise);
    chunk +=
      digits === 'repr'
        ? `${step},${epoch},${Math.fround(loss)},${Math.fround(lr)}\n`
        : `${step},${epoch},${loss.toPrecision(6)},${lr.toPrecision(3)}\n`;
    if (chunk.length > 1 << 20) {
      bytes += writeSync(fd, chunk);
      chunk = '';
    }
  }
  bytes += writeSync(fd, chunk);
  closeSync(fd);
  renameSync(tmp, file);
  return { file, bytes, rows };
}

/** Path of the file for `rows`, generated unless it already exists. */
export function ensureBigCsv(rows, shape = 'decay', digits = 'short') {
  const file = bigCsvPath(rows, shape, digits);
  if (existsSync(file) && statSync(file).size > rows * 10) return { file, bytes: statSync(file).size, rows };
  return writeBigCsv(rows, file, shape, digits);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const rows = Number(arg('rows', '2000000'));
  const shape = arg('shape', 'decay');
  const digits = arg('digits', 'short');
  const out = arg('out', undefined);
  const result = out ? writeBigCsv(rows, out, shape, digits) : ensureBigCsv(rows, shape, digits);
  process.stderr.write(`${result.rows} rows, ${(result.bytes / 1e6).toFixed(1)} MB\n`);
  process.stdout.write(`${result.file}\n`);
}
