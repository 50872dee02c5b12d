/**
 * Big logs. Files from 16 MB on are read in 1 MB chunks straight into typed columns
 * (src/io/read-chunks.ts + the fast CSV scanner), so no whole-file copy is held, and long series
 * are analysed on a sample (src/core/resolution.ts). The columns themselves still hold 8 bytes
 * per value, so a 1 GB per-step CSV (~60 M points per column) cannot stay under 512 MB: that needs
 * sampling while parsing. The 1 GB test is a todo here and runs on demand
 * (LOSSDOC_BIG_FILE_MB=1024 npx vitest run test/robustness/big-file).
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lossdocMeasured, tempDir, writePeakHook } from '../cli/cli-helper.js';

let dir: string;
let cleanup: () => void;
let peakHook: string;

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-big-'));
  // Preloaded into the CLI process: its peak resident set size, printed when it exits.
  peakHook = writePeakHook(dir);
});
afterAll(() => cleanup());

/** A per-step CSV of about `mb` MB: step, loss every row, val_loss every 1000th. */
function writeBigCsv(path: string, mb: number): number {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'step,loss,val_loss\n');
    const target = mb * 1024 * 1024;
    let written = 0;
    let step = 0;
    const total = Math.ceil(target / 17);
    while (written < target) {
      let chunk = '';
      for (let k = 0; k < 20_000; k++, step++) {
        const t = step / total;
        const loss = 2 * Math.exp(-4 * t) + 0.3 + 0.01 * Math.sin(step);
        chunk += step % 1000 === 0 ? `${step},${loss.toFixed(5)},${(loss * 1.1).toFixed(5)}\n` : `${step},${loss.toFixed(5)},\n`;
      }
      written += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

function analyzeMeasured(path: string, hangGuardMs?: number) {
  return lossdocMeasured(peakHook, ['analyze', path, '-f', 'json'], hangGuardMs);
}

describe('big files', () => {
  it('a 17 MB per-step CSV (past the 16 MB streaming threshold) gives its report with memory bounded by the file size', () => {
    const path = join(dir, 'big.csv');
    const size = writeBigCsv(path, 17);
    const r = analyzeMeasured(path);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.runs[0].series.find((s: { name: string }) => s.name === 'loss').points).toBeGreaterThan(900_000);
    expect(report.runs[0].verdict.id).toBe('still-learning');
    // Node and lossdoc's code take ~55 MB before any data; the columns about 1.1× the file. A
    // regression to whole-file copies or per-row objects (≥ 10×) fails.
    expect(r.peakMb).toBeLessThan((6 * size) / 1024 / 1024);
    console.info(`17 MB CSV: peak RSS ${r.peakMb.toFixed(0)} MB`);
  });

  it.todo('a 1 GB CSV with bounded memory (peak RSS < 512 MB): needs sampling while parsing, not only for the analysis');

  const bigMb = Number(process.env.LOSSDOC_BIG_FILE_MB ?? 0);
  it.runIf(bigMb > 0)(`on demand: a ${bigMb || 1024} MB CSV in os.tmpdir() streams with peak RSS < 512 MB`, () => {
    const path = join(tmpdir(), `lossdoc-big-${process.pid}.csv`);
    try {
      writeBigCsv(path, bigMb);
      const r = analyzeMeasured(path, 20 * 60_000);
      console.info(`${bigMb} MB CSV: peak RSS ${r.peakMb.toFixed(0)} MB, exit ${r.code}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.peakMb).toBeLessThan(512);
    } finally {
      rmSync(path, { force: true });
    }
  }, 25 * 60_000);
});
