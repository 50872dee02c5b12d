import { describe, expect, it } from 'vitest';
import { detectLrSchedule, stepNear } from '../../src/core/lr-schedule.js';
import type { Series } from '../../src/core/types.js';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

function lrSeries(x: Float64Array, f: (x: number, i: number) => number): Series {
  return { name: 'lr', role: 'other', kind: 'lr', axis: 'step', x, y: Float64Array.from(x, f) };
}

/** Epoch log: the loss reaches a plateau by epoch 15, stays there until the LR drop at epoch 40, then steps down. */
function plateauThenDrop(seed: number, model: NoiseModel, scale = 1) {
  const x = steps(60, { start: 1 });
  const lr = Float64Array.from(x, (e) => (e < 40 ? 1e-3 : 1e-4));
  const y = curve({ n: 60, shape: (t) => (t < 39 / 59 ? decay(Math.min(t, 0.25) / 0.25, 1.5, 0.6, 4) : 0.42), noise: 0.01, model, seed, scale });
  return makeRun([{ name: 'loss', x, y }, { name: 'lr', x, y: lr }], { axis: 'epoch' });
}

/** Per-step run with a linear warm-up to `peak` over the first 5% and cosine decay after. */
function warmupCosine(seed: number, model: NoiseModel, o: { blowUp?: boolean; scale?: number } = {}) {
  const n = 2000;
  const x = steps(n, { irregular: seed % 2 === 0, seed });
  const lr = Float64Array.from(x, (_, i) => {
    const t = i / (n - 1);
    return t < 0.05 ? 3e-4 * (0.02 + (0.98 * t) / 0.05) : 3e-4 * (1 + Math.cos((Math.PI * (t - 0.05)) / 0.95)) / 2;
  });
  const y = curve({
    n,
    shape: (t) => decay(t, 2.5, 0.5, 4) * (o.blowUp && t > 0.05 && t < 0.07 ? 2.5 : 1),
    noise: 0.03,
    model,
    seed,
    scale: o.scale ?? 1,
  });
  return makeRun([{ name: 'loss', x, y }, { name: 'learning_rate', x, y: lr }], { axis: 'step' });
}

runRuleTests('lr-schedule', {
  invalid: [
    {
      name: 'a plateau that only ended at the LR drop (per-epoch, Gaussian)',
      run: plateauThenDrop(1, 'gaussian'),
      expect: (f) => {
        const late = f.evidence.plateausEndedByDrop as Array<{ from: number; dropX: number; stepDown: number }>;
        expect(late).toHaveLength(1);
        expect(late[0].dropX).toBe(40);
        expect(late[0].from).toBeGreaterThanOrEqual(12);
        expect(late[0].from).toBeLessThanOrEqual(20);
        expect(late[0].stepDown).toBeGreaterThan(0.2);
        expect(f.causes[0].id).toBe('decay-late');
        expect(f.remedies.map((r) => r.id)).toEqual(['decay-earlier']);
        expect(f.remedies[0].text).toContain(`epoch ${late[0].from}`);
        expect(f.message).toContain('1 step decay(s) (0.001 → 1.00e-4 @ 40)');
      },
    },
    {
      name: 'the same plateau in heavy-tailed noise at scale 1e3',
      run: plateauThenDrop(2, 'heavy', 1e3),
      expect: (f) => {
        expect(f.causes[0].id).toBe('decay-late');
      },
    },
    {
      name: 'warm-up and cosine decay that the loss follows: described, nothing to change',
      run: warmupCosine(3, 'ar1', { scale: 1e-3 }),
      expect: (f) => {
        const s = f.evidence.schedule as { warmup: { to: number; peakValue: number }; decay: string };
        expect(s.decay).toBe('cosine');
        expect(s.warmup.peakValue).toBeCloseTo(3e-4, 8);
        expect(f.message).toContain('warm-up from 6.00e-6 to 3.00e-4 (until step 100, 5% of the run); cosine decay from 3.00e-4 to 0');
        expect(f.causes[0].id).toBe('as-planned');
        expect(f.remedies.map((r) => r.id)).toEqual(['keep']);
      },
    },
    {
      name: 'blow-up right after the warm-up: the peak LR is too high',
      run: warmupCosine(4, 'gaussian', { blowUp: true }),
      expect: (f) => {
        const blowUps = f.evidence.blowUps as Array<{ x: number; after: string; factor: number }>;
        expect(blowUps[0].after).toBe('warmup-end');
        expect(blowUps[0].factor).toBeGreaterThan(2);
        expect(f.causes[0].id).toBe('peak-too-high');
        expect(f.remedies[0].text).toContain('from 3.00e-4 to 1.00e-4');
      },
    },
    {
      name: 'SGDR: cosine cycles with warm restarts',
      run: (() => {
        const x = steps(1200, { every: 5 });
        const lr = Float64Array.from(x, (_, i) => 1e-5 + 1e-3 * (1 + Math.cos((Math.PI * (i % 300)) / 300)) / 2);
        const y = curve({ n: 1200, shape: (t) => decay(t, 2, 0.4, 3), noise: 0.03, model: 'gaussian', seed: 5 });
        return makeRun([{ name: 'loss', x, y }, { name: 'lr', x, y: lr }], { axis: 'step' });
      })(),
      expect: (f) => {
        const cycles = (f.evidence.schedule as { cycles: { restarts: number; period: number } }).cycles;
        expect(cycles.restarts).toBe(3);
        expect(cycles.period).toBe(1500);
        expect(f.message).toContain('cyclic: 3 restarts, one every ~1500 steps');
      },
    },
    {
      name: 'float32 step schedule exported from TensorBoard (0.10000000149…)',
      run: (() => {
        const x = steps(30);
        const lr = Float64Array.from(x, (s) => (s < 8 ? 0.10000000149011612 : s < 15 ? 0.019999999552965164 : s < 23 ? 0.004000000189989805 : 0.000800000037997961));
        const y = curve({ n: 30, shape: (t) => decay(t, 5.6, 3.9, 3), noise: 0.01, model: 'gaussian', seed: 6 });
        return makeRun([{ name: 'loss', x, y }, { name: 'lr', x, y: lr }], { axis: 'step' });
      })(),
      expect: (f) => {
        const drops = (f.evidence.schedule as { drops: Array<{ x: number; factor: number }> }).drops;
        expect(drops.map((d) => d.x)).toEqual([8, 15, 23]);
        expect(drops.every((d) => Math.abs(d.factor - 5) < 1e-6)).toBe(true);
      },
    },
  ],
  valid: [
    {
      name: 'no learning-rate series',
      run: makeRun([{ name: 'loss', x: steps(30, { start: 1 }), y: curve({ n: 30, shape: (t) => decay(t, 1, 0.2, 4), noise: 0.02, model: 'gaussian', seed: 10 }) }], { axis: 'epoch' }),
    },
    {
      name: 'a constant learning rate',
      run: makeRun(
        [
          { name: 'loss', x: steps(30, { start: 1 }), y: curve({ n: 30, shape: (t) => decay(t, 1, 0.2, 4), noise: 0.02, model: 'heavy', seed: 11 }) },
          { name: 'lr', x: steps(30, { start: 1 }), y: Float64Array.from({ length: 30 }, () => 1e-3) },
        ],
        { axis: 'epoch' },
      ),
    },
    {
      name: 'a constant learning rate stored as float32 with rounding jitter',
      run: makeRun(
        [
          { name: 'loss', x: steps(30, { start: 1 }), y: curve({ n: 30, shape: (t) => decay(t, 1, 0.2, 4), noise: 0.02, model: 'ar1', seed: 12 }) },
          { name: 'lr', x: steps(30, { start: 1 }), y: Float64Array.from({ length: 30 }, (_, i) => (i % 2 ? 0.0010000000474974513 : 0.001)) },
        ],
        { axis: 'epoch' },
      ),
    },
    {
      name: 'a learning rate that barely moves (5% over the run)',
      run: makeRun(
        [
          { name: 'loss', x: steps(30, { start: 1 }), y: curve({ n: 30, shape: (t) => decay(t, 1, 0.2, 4), noise: 0.02, model: 'gaussian', seed: 13 }) },
          { name: 'lr', x: steps(30, { start: 1 }), y: Float64Array.from({ length: 30 }, (_, i) => 1e-3 * (1 - 0.05 * (i / 29))) },
        ],
        { axis: 'epoch' },
      ),
    },
  ],
});

describe('detectLrSchedule', () => {
  const x = steps(100, { every: 10 });
  it('does not mistake the tail of a linear decay to 0 for step decays', () => {
    const s = detectLrSchedule(lrSeries(x, (_, i) => 5e-5 * (1 - i / 99)))!;
    expect(s.drops).toEqual([]);
    expect(s.decay).toBe('linear');
    expect(s.warmup).toBeUndefined();
  });
  it('finds a warm-up and where it ends', () => {
    const s = detectLrSchedule(lrSeries(x, (_, i) => (i < 10 ? 1e-4 * (i + 1) : 1e-3)))!;
    expect(s.warmup).toMatchObject({ from: 0, to: 90, startValue: 1e-4, peakValue: 1e-3 });
    expect(s.decay).toBe('none');
  });
  it('reads step decays of ×2 and more, not small ones', () => {
    const s = detectLrSchedule(lrSeries(x, (_, i) => (i < 30 ? 1e-3 : i < 60 ? 5e-4 : i < 80 ? 4e-4 : 4e-5)))!;
    expect(s.drops.map((d) => [d.x, d.factor])).toEqual([
      [300, 2],
      [800, 10],
    ]);
    expect(s.decay).toBe('step');
    expect(stepNear(s.drops, 805, 10)?.x).toBe(800);
    expect(stepNear(s.drops, 500, 10)).toBeUndefined();
  });
  it('recognises exponential decay and a restart', () => {
    const exp = detectLrSchedule(lrSeries(x, (_, i) => 1e-3 * 0.95 ** i))!;
    expect(exp.decay).toBe('exponential');
    const restart = detectLrSchedule(lrSeries(x, (_, i) => (i < 50 ? 1e-3 * 0.9 ** i : 1e-3 * 0.9 ** (i - 50))))!;
    expect(restart.rises.map((r) => r.x)).toEqual([500]);
    expect(restart.cycles).toBeUndefined();
  });
  it('returns undefined for fewer than 3 values and flags constant schedules', () => {
    expect(detectLrSchedule(lrSeries(steps(2), () => 1e-3))).toBeUndefined();
    expect(detectLrSchedule(lrSeries(x, () => 0))!.constant).toBe(true);
  });
});
