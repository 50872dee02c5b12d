/**
 * Keeps the published accuracy figures honest: a change that lowers any id's recall or
 * precision, or flags more healthy runs, below the recorded baseline (README quotes the same
 * run) fails. Also checks that fixtures/eval is exactly what the generator writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
// @ts-expect-error plain JS module shared with `npm run eval`
import { baselinePath, evalDir, loadManifest, score } from './score.mjs';

interface Row { id: string; precision: number; recall: number }

describe('accuracy benchmark', () => {
  const result = score(loadManifest(), (name: string, bytes: Uint8Array) => analyze([{ name, bytes }]));
  const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as {
    falseFindingRate: number;
    ids: Record<string, { precision: number; recall: number }>;
  };

  it('no healthy run gets an error or warning finding, and no more than the baseline', () => {
    expect(result.falseFindingRate).toBeLessThanOrEqual(baseline.falseFindingRate);
    expect(result.falseFindingRate).toBe(0);
  });

  for (const [id, floor] of Object.entries(baseline.ids)) {
    it(`${id}: recall ≥ ${floor.recall}, precision ≥ ${floor.precision}`, () => {
      const row = (result.rows as Row[]).find((r) => r.id === id);
      expect(row, `${id} no longer appears in the benchmark`).toBeDefined();
      expect(row!.recall).toBeGreaterThanOrEqual(floor.recall - 1e-4);
      expect(row!.precision).toBeGreaterThanOrEqual(floor.precision - 1e-4);
    });
  }

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
});
