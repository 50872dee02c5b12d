import { expect } from 'vitest';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

/** Per-step run that blows up ×(1+height) between 3% and 6% of training, then recovers. */
function blowUp(seed: number, model: NoiseModel, o: { scale?: number; irregular?: boolean; height?: number; at?: [number, number] } = {}) {
  const n = 1000;
  const [a, b] = o.at ?? [0.03, 0.06];
  const x = steps(n, { every: 5, irregular: o.irregular ?? false, seed });
  const y = curve({
    n,
    shape: (t) => decay(t, 2.5, 0.5, 4) * (t > a && t < b ? 1 + (o.height ?? 3) * Math.sin((Math.PI * (t - a)) / (b - a)) : 1),
    noise: 0.03,
    model,
    seed,
    scale: o.scale ?? 1,
  });
  return { x, y };
}

type Episode = { peakX: number; factor: number; recoveredAt: number };

const g1 = blowUp(1, 'gaussian', { irregular: true });
const h2 = blowUp(2, 'heavy', { scale: 1e3 });
const a3 = blowUp(3, 'ar1', { scale: 1e-3 });
const w4 = blowUp(4, 'gaussian', { at: [0.06, 0.09] });
const n5 = blowUp(5, 'gaussian');

// A detectron2-like start: 90 logs; the first quarter jitters ±25% and jumps ×2 three times, then calm ±8%.
const dx = steps(90, { every: 20, start: 19 });
const bumps = (i: number) => ([6, 7].includes(i) ? 2.3 : [13, 14].includes(i) ? 2.2 : [19, 20].includes(i) ? 2.4 : 1);
const dy = Float64Array.from(curve({ n: 90, shape: () => 1, noise: 0.08, model: 'gaussian', seed: 6 }), (v, i) =>
  v * 1.2 * (1 + 5 * Math.exp(-i / 4)) * bumps(i) * (i < 22 ? 1 + 0.25 * Math.sin(i * 2.3) : 1),
);
const dlr = Float64Array.from(dx, (s) => 1e-5 * Math.min(1, (s + 1) / 1000));

runRuleTests('early-instability', {
  invalid: [
    {
      name: 'blow-up ×4 at 3–6% of training, Gaussian noise, irregular steps, no LR logged',
      run: makeRun([{ name: 'loss', ...g1 }], { axis: 'step' }),
      expect: (f) => {
        const peak = f.evidence.peak as { x: number; value: number };
        expect(peak.x).toBeGreaterThan(g1.x[30]);
        expect(peak.x).toBeLessThan(g1.x[60]);
        expect(f.evidence.factor as number).toBeGreaterThan(3);
        expect(f.evidence.factor as number).toBeLessThan(5.5);
        expect((f.evidence.recovered as { x: number }).x).toBeLessThan(g1.x[80]);
        expect(f.message).toMatch(/rose ×[34]\.\d+ early in training/);
        expect(f.causes[0].id).toBe('warmup');
        expect(f.remedies[0].text).toMatch(/^Add or lengthen the learning-rate warm-up: linear over the first \d+ steps/);
      },
    },
    {
      name: 'heavy-tailed noise, scale 1e3',
      run: makeRun([{ name: 'loss', ...h2 }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.test).toBe('rise');
        expect(f.evidence.lonePoint).toBe(false);
      },
    },
    {
      name: 'AR(1) noise, scale 1e-3',
      run: makeRun([{ name: 'loss', ...a3 }], { axis: 'step' }),
      expect: (f) => {
        expect(f.range?.from as number).toBeLessThan(a3.x[35]);
        expect((f.evidence.episodes as Episode[]).length).toBe(1);
      },
    },
    {
      name: 'blow-up right after the warm-up ended: peak LR too high, remedy with the peak LR',
      run: makeRun(
        [
          { name: 'loss', ...w4 },
          { name: 'lr', x: w4.x, y: Float64Array.from(w4.x, (_, i) => 2e-3 * Math.min(1, (i + 1) / 55)) },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.evidence.phase).toBe('after-warmup');
        expect(f.causes[0].id).toBe('lr-too-high');
        expect(f.remedies[0].text).toContain('from 2.00e-3 to about 2.00e-4');
        expect(f.message).toContain('right after the warm-up ended');
      },
    },
    {
      name: 'blow-up with a logged LR that has no warm-up',
      run: makeRun([{ name: 'loss', ...n5 }, { name: 'lr', x: n5.x, y: Float64Array.from(n5.x, (_, i) => 1e-3 * 0.999 ** i) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.phase).toBe('no-warmup');
        expect(f.message).toContain('the LR has no warm-up (it starts at 0.001)');
        expect(f.remedies[0].id).toBe('warmup');
      },
    },
    {
      name: 'a start far jumpier than the rest, with repeated ×2 jumps during a long warm-up (detectron2-like)',
      run: makeRun([{ name: 'total_loss', x: dx, y: dy }, { name: 'lr', x: dx, y: dlr }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.startVolatilityRatio as number).toBeGreaterThan(3);
        const episodes = f.evidence.episodes as Episode[];
        expect(episodes.map((e) => e.peakX)).toEqual([139, 299, 419]);
        expect(episodes.every((e) => e.factor > 1.8)).toBe(true);
        expect(f.evidence.phase).toBe('in-warmup');
        expect(f.message).toContain('as jumpy as the rest');
      },
    },
    {
      name: 'per-epoch log: the second epoch triples, the third is back',
      run: makeRun([{ name: 'loss', x: steps(30, { start: 1 }), y: Float64Array.from(curve({ n: 30, shape: (t) => decay(t, 3, 0.5, 4), noise: 0.01, model: 'gaussian', seed: 7 }), (v, i) => (i === 1 ? v * 3.2 : v)) }], { axis: 'epoch' }),
      expect: (f) => {
        expect((f.evidence.peak as { x: number }).x).toBe(2);
        expect(f.evidence.lonePoint).toBe(true);
      },
    },
  ],
  valid: [
    ...(['gaussian', 'heavy', 'ar1'] as const).flatMap((model, k) => [
      { name: `healthy per-step start, ${model} noise`, run: makeRun([{ name: 'loss', ...blowUp(10 + k, model, { height: 0 }) }], { axis: 'step' }) },
      {
        name: `healthy noisy per-step start (8%), ${model} noise`,
        run: makeRun([{ name: 'loss', x: steps(2000), y: curve({ n: 2000, shape: (t) => decay(t, 3, 1.2, 3), noise: model === 'heavy' ? 0.05 : 0.08, model, seed: 20 + k }) }], { axis: 'step' }),
      },
    ]),
    {
      name: 'a slow climb over the first 1% (two-stage detector warming up), not an explosion',
      run: (() => {
        const x = steps(1800, { every: 50, start: 50 });
        const y = curve({ n: 1800, shape: (t) => (t < 0.001 ? 1.4 : t < 0.012 ? 0.45 + 0.35 * ((t - 0.001) / 0.011) : 0.42 + 0.38 * Math.exp(-(t - 0.012) * 8)), noise: 0.05, model: 'gaussian', seed: 30 });
        return makeRun([{ name: 'loss', x, y }], { axis: 'step' });
      })(),
    },
    {
      name: 'a rise that never comes back down (divergence, not early instability)',
      run: makeRun([{ name: 'loss', x: g1.x, y: Float64Array.from(blowUp(34, 'gaussian', { height: 0 }).y, (v, i) => (i > 40 ? v * 4 : v)) }], { axis: 'step' }),
    },
    {
      name: 'a blow-up in the middle of training',
      run: makeRun([{ name: 'loss', ...blowUp(31, 'gaussian', { at: [0.4, 0.43] }) }], { axis: 'step' }),
    },
    {
      name: 'a very high first log followed by a smooth fast decay',
      run: makeRun([{ name: 'loss', x: dx, y: curve({ n: 90, shape: (t) => decay(t, 80, 1.2, 40), noise: 0.05, model: 'gaussian', seed: 32 }) }], { axis: 'step' }),
    },
    {
      name: 'one lone ×2.2 point early on (a heavy-tailed batch, not an unstable start)',
      run: makeRun([{ name: 'loss', x: steps(30, { start: 1 }), y: Float64Array.from(curve({ n: 30, shape: (t) => decay(t, 3, 0.5, 4), noise: 0.01, model: 'gaussian', seed: 8 }), (v, i) => (i === 1 ? v * 2.2 : v)) }], { axis: 'epoch' }),
    },
    {
      name: 'a ×1.35 bump early on (below the ×1.5 held threshold)',
      run: makeRun([{ name: 'loss', ...blowUp(33, 'gaussian', { height: 0.35 }) }], { axis: 'step' }),
    },
  ],
});
