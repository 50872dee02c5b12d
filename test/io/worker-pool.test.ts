/**
 * The worker pool (src/io/worker-pool.ts) must give the Report that analyzeRuns gives. Workers
 * load the built analyze-worker.js, so this runs against dist/ (built by ensureBuilt).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../src/core/types.js';
import { ensureBuilt, ROOT } from '../cli/cli-helper.js';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';

type Dist = {
  analyzeRuns: typeof import('../../src/api.js').analyzeRuns;
  analyzeRunsParallel: typeof import('../../src/io/worker-pool.js').analyzeRunsParallel;
  parallelWorthIt: typeof import('../../src/io/worker-pool.js').parallelWorthIt;
};
let dist: Dist;

beforeAll(async () => {
  ensureBuilt();
  const load = (p: string) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
  const [api, pool] = await Promise.all([load('src/api.js'), load('src/io/worker-pool.js')]);
  dist = { analyzeRuns: api.analyzeRuns, analyzeRunsParallel: pool.analyzeRunsParallel, parallelWorthIt: pool.parallelWorthIt };
});

/** A long per-step run (sampled by the analysis) with NaNs, a spike, an epoch column and a series of kind 'other'. */
function longRun(seed: number, n = 60_000): Run {
  const x = steps(n);
  const loss = curve({ n, shape: (t) => decay(t, 3, 0.4, 4), noise: 0.05, seed });
  loss[Math.floor(n * 0.4) + seed] *= 6;
  for (let i = Math.floor(n * 0.9); i < Math.floor(n * 0.9) + 5; i++) loss[i] = Number.NaN;
  const epoch = Float64Array.from(x, (v) => Math.floor(v / (n / 8)));
  return makeRun([{ name: 'train_loss', x, y: loss, epoch }, { name: 'samples_seen', x, y: Float64Array.from(x, (v) => v * 32) }], { axis: 'step', name: `long-${seed}` });
}

describe('analysis on worker threads', { timeout: 60_000 }, () => {
  it('sends long runs as their samples and reports exactly what one thread reports', async () => {
    const runs = [longRun(1), longRun(2), longRun(3)];
    const sequential = dist.analyzeRuns(runs, {});
    const parallel = await dist.analyzeRunsParallel(runs, {}, { threads: 2 });
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(sequential));
    const loss = parallel.runs[0].series.find((s) => s.name === 'train_loss')!;
    expect(loss.points).toBe(60_000);
    expect(loss.sampling).not.toBeNull();
    expect(parallel.runs[0].series.find((s) => s.name === 'samples_seen')!.points).toBe(60_000);
  });

  it('sends every point when the report must hold them', async () => {
    const runs = [longRun(4, 30_000), longRun(5, 30_000)];
    const options = { includeData: true };
    const parallel = await dist.analyzeRunsParallel(runs, options, { threads: 2 });
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(dist.analyzeRuns(runs, options)));
    expect(parallel.runs[0].series[0].data!.x).toHaveLength(30_000);
  });

  it('judges the work by the points the analysis will read', () => {
    const two = [longRun(6, 400_000), longRun(7, 400_000)];
    expect(dist.parallelWorthIt(two, {}, 2)).toBe(false);
    expect(dist.parallelWorthIt(two, { maxPoints: 0 }, 2)).toBe(true);
  });
});
