import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { analyzeRun } from '../../src/core/analyze.js';
import { analysisSeries, analysisStride, MAX_ANALYSIS_POINTS } from '../../src/core/resolution.js';
import type { Run, Series } from '../../src/core/types.js';
import { curve, decay, makeRun, noiseSeries, steps, type NoiseModel } from '../helpers/curves.js';
import { heldOutShapes, trainShapes, type HeldOutShape, type TrainShape } from '../helpers/scenarios.js';

/** Long per-step runs: the whole curve analysed point by point must read like its sample. */
const N = 200_000;
const SAMPLE = 10_000;

function series(y: Float64Array, x = steps(y.length)): Series {
  return { name: 'loss', role: 'train', kind: 'loss', axis: 'step', x, y };
}

function longRun(train: TrainShape, heldOut: HeldOutShape, model: NoiseModel, seed: number): Run {
  const x = steps(N);
  const metrics = [{ name: 'train_loss', x, y: curve({ n: N, shape: trainShapes[train], noise: 0.08, model, seed }) }];
  if (heldOut !== 'none') {
    const vx = Float64Array.from({ length: 20 }, (_, i) => x[(i + 1) * (N / 20) - 1]);
    const noisy = curve({ n: 20, shape: () => 1, noise: 0.015, model, seed: seed + 13 });
    metrics.push({ name: 'val_loss', x: vx, y: Float64Array.from(vx, (v, i) => heldOutShapes[heldOut](v / x[N - 1]) * noisy[i]) });
  }
  return makeRun(metrics, { axis: 'step', name: `${train}/${heldOut}/${model}` });
}

function both(run: Run) {
  const full = analyzeRun(run, rules, { maxPoints: 0 });
  const sampled = analyzeRun(run, rules, { maxPoints: SAMPLE });
  return { full, sampled };
}

function findingIds(report: ReturnType<typeof analyzeRun>): string[] {
  return report.findings.map((f) => f.id).sort();
}

describe('analysisStride', () => {
  it('is 1 for short series and when sampling is off', () => {
    expect(analysisStride(1000, 50_000)).toBe(1);
    expect(analysisStride(5_000_000, 0)).toBe(1);
  });

  it('is odd, not a multiple of 3, and keeps at most maxPoints stride points', () => {
    for (const n of [50_001, 100_000, 150_000, 2_000_000, 9_999_999]) {
      const k = analysisStride(n, 50_000);
      expect(k % 2).toBe(1);
      expect(k % 3).not.toBe(0);
      expect(Math.ceil(n / k)).toBeLessThanOrEqual(50_000);
    }
  });
});

describe('analysisSeries', () => {
  it('returns a short series as it is', () => {
    const s = series(curve({ n: 1000, shape: (t) => decay(t, 2, 0.2) }));
    expect(analysisSeries(s)).toBe(s);
  });

  it('samples a long series, keeping its ends, extremes and non-finite edges', () => {
    const y = curve({ n: N, shape: (t) => decay(t, 2, 0.2), noise: 0.05, seed: 3 });
    y[123_457] = 0.01; // lowest
    y[54_322] = 40; // highest
    for (let i = 150_001; i < 150_010; i++) y[i] = Number.NaN;
    const s = analysisSeries(series(y), SAMPLE);
    const k = analysisStride(N, SAMPLE);
    expect(s.resolution).toMatchObject({ stride: k, points: N });
    expect(s.resolution!.facts).toMatchObject({ n: N, nFinite: N - 9, nonFinite: { count: 9, first: { x: 150_001, value: 'NaN' } } });
    expect(s.resolution!.facts.min).toEqual({ x: 123_457, value: 0.01 });
    expect(s.resolution!.facts.max).toEqual({ x: 54_322, value: 40 });
    expect(s.x.length).toBeGreaterThanOrEqual(Math.ceil(N / k));
    expect(s.x.length).toBeLessThan(Math.ceil(N / k) + 20);
    const xs = Array.from(s.x);
    for (const at of [0, N - 1, 123_457, 54_322, 150_000, 150_001, 150_009, 150_010]) expect(xs).toContain(at);
    // x stays strictly increasing.
    for (let i = 1; i < s.x.length; i++) expect(s.x[i]).toBeGreaterThan(s.x[i - 1]);
  });

  it('keeps lone spikes of a clean curve but not the tail of heavy-tailed noise', () => {
    const clean = curve({ n: N, shape: (t) => decay(t, 2, 0.2), noise: 0.03, seed: 5 });
    const spikes = [40_001, 90_002, 160_003];
    for (const i of spikes) clean[i] *= 4;
    const kept = Array.from(analysisSeries(series(clean), SAMPLE).x);
    for (const i of spikes) expect(kept).toContain(i);

    const heavy = curve({ n: N, shape: (t) => decay(t, 2, 0.2), noise: 0.6, model: 'heavy', seed: 6 }).map((v) => Math.abs(v) + 1e-3);
    const k = analysisStride(N, SAMPLE);
    const sample = analysisSeries(series(heavy), SAMPLE);
    expect(sample.x.length - Math.ceil(N / k)).toBeLessThanOrEqual(0.01 * Math.ceil(N / k) + 4);
  });
});

describe('a sampled long run gets the diagnosis of the whole run', { timeout: 120_000 }, () => {
  const cases: Array<[TrainShape, HeldOutShape]> = [
    ['falling', 'none'],
    ['flat', 'none'],
    ['falling', 'rising'],
    ['flat', 'falling'],
    ['rising', 'none'],
    ['never', 'flat'],
  ];
  for (const model of ['gaussian', 'heavy', 'ar1'] as const) {
    for (const [train, heldOut] of cases) {
      it(`${train} train / ${heldOut} held-out, ${model} noise`, () => {
        const { full, sampled } = both(longRun(train, heldOut, model, 11));
        expect(sampled.verdict.id).toBe(full.verdict.id);
        expect(findingIds(sampled)).toEqual(findingIds(full));
        const loss = sampled.series.find((s) => s.name === 'train_loss')!;
        expect(loss.points).toBe(N);
        expect(loss.sampling).toEqual({ stride: analysisStride(N, SAMPLE), analyzedPoints: expect.any(Number) });
        expect(loss.min).toEqual(full.series.find((s) => s.name === 'train_loss')!.min);
      });
    }
  }

  it('single-step spikes', () => {
    const x = steps(N);
    const y = curve({ n: N, shape: (t) => decay(t, 3, 0.5, 4), noise: 0.05, seed: 21 });
    for (const i of [30_011, 80_017, 140_023]) y[i] *= 5;
    const { full, sampled } = both(makeRun([{ name: 'train_loss', x, y }], { axis: 'step' }));
    expect(findingIds(full)).toContain('loss-spikes');
    expect(findingIds(sampled)).toEqual(findingIds(full));
    const xsOf = (r: typeof full) => (r.findings.find((f) => f.id === 'loss-spikes')!.evidence.spikes as Array<{ x: number }>).map((s) => s.x);
    expect(xsOf(sampled)).toEqual(xsOf(full));
  });

  it('heavy-tailed noise without spikes', () => {
    const x = steps(N);
    // Student-t (3 degrees of freedom) minibatch noise at 30% of the level.
    const y = curve({ n: N, shape: (t) => decay(t, 3, 0.5, 4), noise: 0.3, model: 'heavy', seed: 22 }).map((v) => Math.max(Math.abs(v), 0.01));
    const { full, sampled } = both(makeRun([{ name: 'train_loss', x, y }], { axis: 'step' }));
    expect(findingIds(full)).not.toContain('loss-spikes');
    expect(findingIds(sampled)).toEqual(findingIds(full));
  });

  it('NaN from 70% of the run', () => {
    const x = steps(N);
    const y = curve({ n: N, shape: (t) => decay(t, 3, 0.5, 4) * (t > 0.6 ? 1 + 20 * (t - 0.6) : 1), noise: 0.05, seed: 23 });
    for (let i = 0.7 * N + 3; i < N; i++) y[i] = Number.NaN;
    const { full, sampled } = both(makeRun([{ name: 'train_loss', x, y }], { axis: 'step' }));
    expect(findingIds(full)).toContain('non-finite');
    expect(findingIds(sampled)).toEqual(findingIds(full));
    expect(sampled.verdict.id).toBe(full.verdict.id);
    const nan = (r: typeof full) => r.findings.find((f) => f.id === 'non-finite')!;
    expect(nan(sampled).message).toBe(nan(full).message);
  });

  it('a period-2 zig-zag in the second half', () => {
    const x = steps(N);
    const y = curve({ n: N, shape: (t) => decay(t, 3, 0.8, 8), noise: 0.02, seed: 24 });
    for (let i = N / 2; i < N; i++) y[i] *= i % 2 ? 1.25 : 0.8;
    const { full, sampled } = both(makeRun([{ name: 'train_loss', x, y }], { axis: 'step' }));
    expect(findingIds(full)).toContain('oscillation');
    expect(findingIds(sampled)).toEqual(findingIds(full));
  });

  it('drops at epoch boundaries (staircase) with a step-decay learning rate elsewhere', () => {
    const x = steps(N);
    const perEpoch = N / 10;
    const epoch = Float64Array.from(x, (v) => Math.floor(v / perEpoch));
    const eps = noiseSeries(N, 'gaussian', 25);
    const y = Float64Array.from(x, (v, i) => 2 * 0.8 ** Math.floor(v / perEpoch) * (1 + 0.03 * eps[i]));
    const lr = Float64Array.from(x, (v) => (v < 0.95 * N ? 0.1 : 0.01));
    const { full, sampled } = both(makeRun([{ name: 'train_loss', x, y, epoch }, { name: 'lr', x, y: lr }], { axis: 'step' }));
    expect(findingIds(full)).toContain('epoch-staircase');
    expect(findingIds(sampled)).toEqual(findingIds(full));
  });

  it('is on by default for series above MAX_ANALYSIS_POINTS only', () => {
    const short = longRun('falling', 'none', 'gaussian', 3);
    const report = analyzeRun(short, rules);
    expect(N).toBeGreaterThan(MAX_ANALYSIS_POINTS);
    expect(report.series[0].sampling?.stride).toBe(analysisStride(N, MAX_ANALYSIS_POINTS));
  });
});
