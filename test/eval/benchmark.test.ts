/**
 * Keeps the published accuracy figures honest: for each benchmark (synthetic logs, really-trained
 * runs, and the labelled corpus when it is present), a change that lowers verdict agreement,
 * required-findings recall or any id's recall or precision below test/eval/baseline.json fails, and
 * so does a warning or error finding on any healthy run that the baseline does not list. Re-record with `npm run eval -- --write-baseline`. Also checks that
 * fixtures/eval is exactly what its generator writes and that fixtures/real-runs is complete.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeRuns, loadRuns } from '../../src/api.js';
import { readInputs } from '../../src/io/read-inputs.js';
// @ts-expect-error plain JS module shared with `npm run eval`
import { baselinePath, evalDir, loadBenchmarks, realRunsDir, score } from './score.mjs';

interface Row { id: string; precision: number; recall: number }
interface Figures {
  verdictAgreement: number;
  requiredRecall: number;
  healthyFlagged: number;
  healthyFlaggedRuns: string[];
  metricAware?: { verdictAgreement: number; requiredRecall: number };
  ids: Record<string, { precision: number; recall: number }>;
}
interface Result extends Omit<Figures, 'ids' | 'metricAware'> {
  rows: Row[];
  metricAware: { runs: number; verdictAgreement: number; requiredRecall: number };
}
interface Benchmark { key: string; title: string }

const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as Record<string, Figures>;
const { benchmarks } = loadBenchmarks({ analyze, analyzeRuns, loadRuns, readInputs }) as { benchmarks: Benchmark[] };

for (const benchmark of benchmarks) {
  describe(`accuracy: ${benchmark.title}`, () => {
    const floor = baseline[benchmark.key];
    const result = score(benchmark) as Result;

    it('has a recorded baseline', () => {
      expect(floor, `no ${benchmark.key} entry in test/eval/baseline.json`).toBeDefined();
    });
    if (!floor) return;

    it(`verdict agreement ≥ ${floor.verdictAgreement}, required-findings recall ≥ ${floor.requiredRecall}`, () => {
      expect(result.verdictAgreement).toBeGreaterThanOrEqual(floor.verdictAgreement - 1e-4);
      expect(result.requiredRecall).toBeGreaterThanOrEqual(floor.requiredRecall - 1e-4);
    });

    if (floor.metricAware) {
      const metric = floor.metricAware;
      it(`runs with a held-out quality metric: verdict agreement ≥ ${metric.verdictAgreement}, required-findings recall ≥ ${metric.requiredRecall}`, () => {
        expect(result.metricAware.verdictAgreement).toBeGreaterThanOrEqual(metric.verdictAgreement - 1e-4);
        expect(result.metricAware.requiredRecall).toBeGreaterThanOrEqual(metric.requiredRecall - 1e-4);
      });
    }

    it(`no healthy run gets an error or warning finding (known exceptions: ${floor.healthyFlagged})`, () => {
      for (const run of result.healthyFlaggedRuns) expect(floor.healthyFlaggedRuns, `healthy run flagged: ${run}`).toContain(run);
    });

    for (const [id, ids] of Object.entries(floor.ids)) {
      it(`${id}: recall ≥ ${ids.recall}, precision ≥ ${ids.precision}`, () => {
        const row = result.rows.find((r) => r.id === id);
        expect(row, `${id} no longer appears in the benchmark`).toBeDefined();
        expect(row!.recall).toBeGreaterThanOrEqual(ids.recall - 1e-4);
        expect(row!.precision).toBeGreaterThanOrEqual(ids.precision - 1e-4);
      });
    }
  });
}

describe('benchmark fixtures', () => {
  it('fixtures/eval is exactly what test/eval/generate.mjs writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lossdoc-eval-'));
    try {
      execFileSync(process.execPath, [resolve(import.meta.dirname, 'generate.mjs'), dir]);
      const files = readdirSync(dir).sort();
      expect(readdirSync(evalDir).sort()).toEqual(files);
      for (const f of files) expect(readFileSync(join(evalDir, f), 'utf8'), f).toBe(readFileSync(join(dir, f), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every run in fixtures/real-runs/manifest.json exists, was checked, and its label agrees with its curve check', () => {
    const manifest = JSON.parse(readFileSync(join(realRunsDir, 'manifest.json'), 'utf8')) as {
      file: string;
      scenario: string;
      verdict: string;
      checks: { name: string; passed: boolean; verdicts?: string[] }[];
    }[];
    expect(manifest.length).toBeGreaterThanOrEqual(200);
    expect(new Set(manifest.map((r) => r.scenario)).size).toBeGreaterThanOrEqual(15);
    for (const run of manifest) {
      expect(existsSync(join(realRunsDir, run.file)), run.file).toBe(true);
      // The generator writes only runs whose checks passed, so `passed` is always true: what can
      // fail is a run written with no check, or a label the curves' own reading does not give.
      expect(run.checks.length, run.file).toBeGreaterThan(0);
      const curves = run.checks.find((c) => c.name === 'verdict from the epoch curves');
      if (curves) expect(curves.verdicts, run.file).toContain(run.verdict);
    }
  });
});
