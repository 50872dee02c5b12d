/**
 * Verdict classes pinned on really-trained runs (fixtures/real-runs): each case quotes the logged
 * numbers that decide it; the expected verdicts are the ones in fixtures/real-runs/manifest.json.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { analyzeRun } from '../../src/core/analyze.js';
import type { RunReport } from '../../src/core/report-schema.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { rules } from '../../rules/index.js';

const realRuns = resolve(import.meta.dirname, '../../fixtures/real-runs');

function report(rel: string): RunReport {
  const runs = loadRuns(readInputs([join(realRuns, rel)]).inputs).runs;
  expect(runs).toHaveLength(1);
  return analyzeRun(runs[0], rules);
}

const ids = (r: RunReport) => r.findings.map((f) => f.id);

describe('verdict classes on really-trained runs', () => {
  it('a training loss that fell over the run and swings late has learned: converged with an oscillation warning, not "not learning"', () => {
    // Batch size 1: train 0.61–0.67 at epoch 0 → 0.26–0.33 in the last epochs (a falling trend over the run), with
    // ±15–19 % epoch-to-epoch swings at the end.
    for (const rel of ['keras-csv/batch-size-1-608.csv', 'keras-history-json/batch-size-1-605.json']) {
      const r = report(rel);
      expect(r.verdict.id, rel).toBe('converged');
      expect(ids(r), rel).toContain('oscillation');
    }
  });

  it('a training loss that only swings, with no net fall after its first epoch, is not learning — whatever the held-out curve does', () => {
    // LR too high for Adam: after epoch 0 (6.65) the loss swings 0.83–5.43 and ends at 2.09; val swings 0.56–8.21.
    const swinging = report('keras-history-json/lr-oscillation-405.json');
    expect(swinging.verdict.id).toBe('not-learning');
    expect(swinging.verdict.reason).toBe('train-oscillating');
    // The same reading for a plateau: 20 epochs of ±22 % swings with no falling trend.
    expect(report('tb-export-csv/run-lr-oscillation-407-tag-epoch_loss.csv').verdict.id).toBe('not-learning');
  });

  it('a learned training loss still drifting down too noisily for its trend test, beside a falling validation loss, is still learning — not §C3', () => {
    // Class-sorted batches: train fell 60–70 % and its last third still drops 7–10 % through the
    // per-epoch sawtooth; val_loss falls 8–19 % over the last third to its best at the end.
    for (const rel of ['lightning-csv/unshuffled-sorted-1101/metrics.csv', 'lightning-csv/unshuffled-sorted-1111/metrics.csv']) {
      expect(report(rel).verdict.id, rel).toBe('still-learning');
    }
  });
});
