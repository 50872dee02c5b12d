#!/usr/bin/env node
/**
 * Deterministic hyper-parameter sweep: `runs` Lightning run folders
 * `sweep/lr_<k>/version_0/metrics.csv`, each `rows` steps of train loss (every step), a val
 * loss every 50 steps and the learning rate, with per-run learning rates (some diverge, some
 * overfit, most converge).
 *
 *   node test/bench/gen-sweep.mjs [--runs 1000] [--rows 2000] [--out DIR]
 *
 * Without --out the sweep goes to os.tmpdir()/lossdoc-bench/sweep-<runs>x<rows> and is reused
 * when complete. Prints the directory. Importable: `import { ensureSweep } from './gen-sweep.mjs'`.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../helpers/random.mjs';

function runCsv(k, rows) {
  const random = rng(1000 + k);
  const lr = 1e-4 * 10 ** ((k % 20) / 6);
  const diverges = k % 17 === 5;
  const overfits = k % 7 === 3;
  const lines = ['epoch,step,train_loss,val_loss,lr-Adam'];
  const perEpoch = Math.max(1, Math.floor(rows / 10));
  for (let i = 0; i < rows; i++) {
    const t = i / rows;
    const epoch = Math.floor(i / perEpoch);
    let loss = 0.4 + 2 * Math.exp(-t * 4 * (lr / 3e-4) ** 0.3);
    if (diverges && t > 0.6) loss *= 1 + (t - 0.6) * 8;
    loss += (random() - 0.5) * 0.1;
    lines.push(`${epoch},${i},${loss.toPrecision(6)},,${lr.toPrecision(3)}`);
    if ((i + 1) % 50 === 0) {
      const val = 0.5 + 2 * Math.exp(-t * 4) + (overfits ? Math.max(0, t - 0.4) * 1.5 : 0) + (random() - 0.5) * 0.02;
      lines.push(`${epoch},${i},,${val.toPrecision(6)},`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function sweepDir(runs, rows) {
  return path.join(os.tmpdir(), 'lossdoc-bench', `sweep-${runs}x${rows}`);
}

/** Write the sweep (atomically: built next to it, then renamed) unless it exists. */
export function ensureSweep(runs, rows, dir = sweepDir(runs, rows)) {
  if (existsSync(path.join(dir, '.complete'))) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (let k = 0; k < runs; k++) {
    const folder = path.join(tmp, `lr_${String(k).padStart(4, '0')}`, 'version_0');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'metrics.csv'), runCsv(k, rows));
  }
  writeFileSync(path.join(tmp, '.complete'), '');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  renameSync(tmp, dir);
  return dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const runs = Number(arg('runs', '1000'));
  const rows = Number(arg('rows', '2000'));
  const out = arg('out', undefined);
  process.stdout.write(`${ensureSweep(runs, rows, out ?? sweepDir(runs, rows))}\n`);
}
