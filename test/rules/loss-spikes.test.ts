import { expect } from 'vitest';
import { curve, decay, makeRun, noiseSeries, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

/** A healthy per-step run: exponential decay with multiplicative minibatch noise. */
function perStep(seed: number, model: NoiseModel, o: { n?: number; noise?: number; scale?: number; irregular?: boolean } = {}) {
  const n = o.n ?? 2000;
  const x = steps(n, { irregular: o.irregular ?? false, seed });
  const y = curve({ n, shape: (t) => decay(t, 2.5, 0.5, 4), noise: o.noise ?? 0.03, model, seed, scale: o.scale ?? 1 });
  return { x, y };
}

function spiked(y: Float64Array, at: Array<[number, number]>): Float64Array {
  const out = Float64Array.from(y);
  for (const [i, f] of at) out[i] *= f;
  return out;
}

function spikeXs(f: { evidence: Record<string, unknown> }): number[] {
  return (f.evidence.spikes as Array<{ x: number }>).map((s) => s.x);
}

const g1 = perStep(1, 'gaussian', { irregular: true });
const h2 = perStep(2, 'heavy', { scale: 1e3 });
const a3 = perStep(3, 'ar1', { noise: 0.05, scale: 1e-3 });
const g4 = perStep(4, 'gaussian');
const g5 = perStep(5, 'gaussian');

// Per-epoch log with one big spike at epoch 30.
const ex = steps(60, { start: 1 });
const ey = spiked(curve({ n: 60, shape: (t) => decay(t, 1.5, 0.3, 4), noise: 0.02, model: 'gaussian', seed: 6 }), [[29, 3.2]]);

// Spikes right after a short warm-up.
const lr5 = Float64Array.from(g5.x, (_, i) => (i < 100 ? 1e-3 * (i + 1) / 100 : 1e-3));

/**
 * A small-batch per-step loss: log-normal minibatch noise of `sigma` on the log scale (σ 0.4 puts
 * ordinary batches at ×0.3–×3 of the level), as in the really-trained exploding-gradient runs.
 */
function wideNoise(seed: number, sigma: number, n = 800) {
  const x = steps(n);
  const eps = noiseSeries(n, 'gaussian', seed);
  const y = Float64Array.from(eps, (e, i) => decay(i / (n - 1), 1.4, 0.07, 5) * Math.exp(sigma * e));
  return { x, y };
}
const w1 = wideNoise(51, 0.4);
const w2 = wideNoise(52, 0.45);
const flatGrad = (seed: number) => Float64Array.from(noiseSeries(800, 'gaussian', seed), (e) => 2 * Math.exp(0.3 * e));

runRuleTests('loss-spikes', {
  invalid: [
    {
      name: 'three recovered spikes, Gaussian noise, irregular steps',
      run: makeRun([{ name: 'loss', x: g1.x, y: spiked(g1.y, [[400, 3.5], [900, 2.6], [1500, 4.2]]) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.count).toBe(3);
        expect(spikeXs(f)).toEqual([g1.x[400], g1.x[900], g1.x[1500]]);
        const largest = Math.max(...(f.evidence.spikes as Array<{ ratio: number }>).map((s) => s.ratio));
        expect(largest).toBeGreaterThan(3.5);
        expect(largest).toBeLessThan(5);
        expect(f.message).toContain('spiked 3 times and recovered each time');
        expect(f.message).toContain(`step ${g1.x[1500]}`);
      },
    },
    {
      name: 'two-step spikes in heavy-tailed noise at scale 1e3',
      run: makeRun([{ name: 'loss', x: h2.x, y: spiked(h2.y, [[700, 4], [701, 3.5], [1300, 5], [1301, 4]]) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.count).toBe(2);
        const spikes = f.evidence.spikes as Array<{ from: number; to: number; width: number }>;
        expect(spikes.map((s) => [s.from, s.to])).toEqual([[700, 701], [1300, 1301]]);
        expect(spikes.every((s) => s.width === 2)).toBe(true);
        // Multi-step spikes are not the lone-bad-batch pattern: LR comes first.
        expect(f.causes[0].id).toBe('lr-too-high');
      },
    },
    {
      name: 'one lone large spike in AR(1) noise at scale 1e-3: bad batch first',
      run: makeRun([{ name: 'loss', x: a3.x, y: spiked(a3.y, [[1200, 4]]) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.count).toBe(1);
        expect(spikeXs(f)).toEqual([1200]);
        expect(f.message).toContain('spiked once and recovered');
        expect(f.causes.map((c) => c.id)).toEqual(['bad-batches', 'lr-too-high', 'exploding-gradients']);
        expect(f.remedies[0].text).toContain('step 1200');
      },
    },
    {
      name: 'per-epoch log with a spike at epoch 30',
      run: makeRun([{ name: 'loss', x: ex, y: ey }], { axis: 'epoch' }),
      expect: (f) => {
        expect(spikeXs(f)).toEqual([30]);
        expect(f.range).toEqual({ from: 30, to: 30, axis: 'epoch' });
      },
    },
    {
      name: 'spikes that coincide with grad-norm spikes: exploding gradients first',
      run: makeRun(
        [
          { name: 'loss', x: g4.x, y: spiked(g4.y, [[500, 3], [1100, 3.5]]) },
          { name: 'grad_norm', x: g4.x, y: spiked(curve({ n: 2000, shape: () => 1, noise: 0.1, model: 'gaussian', seed: 40 }), [[500, 20], [1100, 30]]) },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.evidence.gradNormCoSpikes).toBe(2);
        // The observed norms are quoted: the peak beside the norm's median.
        expect(f.message).toMatch(/; 2 of them with a gradient-norm spike \(up to \d+(\.\d+)?, median \d(\.\d+)?\)\.$/);
        expect(f.causes[0].id).toBe('exploding-gradients');
        expect(f.remedies[0].text).toMatch(/Clip gradients/);
      },
    },
    {
      name: 'spikes right after the warm-up: LR too high first, with the actual LR',
      run: makeRun(
        [
          { name: 'loss', x: g5.x, y: spiked(g5.y, [[210, 3], [250, 3.2], [290, 2.8]]) },
          { name: 'lr', x: g5.x, y: lr5 },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.evidence.nearPeakLr).toBe(3);
        expect(f.causes[0].id).toBe('lr-too-high');
        expect(f.remedies[0].text).toContain('1.00e-3');
        expect(f.remedies[0].text).toContain('1.00e-4');
      },
    },
    {
      name: 'repeated ×8–12 jumps in wide minibatch noise (σ 0.4 on the log): told from noise by their number',
      run: makeRun([{ name: 'loss', x: w1.x, y: spiked(w1.y, [[150, 9], [300, 12], [420, 8], [610, 10]]) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.foundBy).toBe('repeated');
        expect(spikeXs(f)).toEqual(expect.arrayContaining([w1.x[150], w1.x[300], w1.x[420], w1.x[610]]));
      },
    },
    {
      name: 'two ×9–10 jumps in wide noise with the gradient norm ×30 behind each: told from noise by the gradient',
      run: makeRun(
        [
          { name: 'loss', x: w2.x, y: spiked(w2.y, [[250, 9], [560, 10]]) },
          { name: 'grad_norm', x: w2.x, y: spiked(flatGrad(53), [[250, 30], [560, 40]]) },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.evidence.foundBy).toBe('grad-norm');
        expect(spikeXs(f)).toEqual([w2.x[250], w2.x[560]]);
        expect(f.causes[0].id).toBe('exploding-gradients');
      },
    },
  ],
  valid: [
    ...[61, 62, 63].map((seed) => {
      const c = wideNoise(seed, 0.45);
      return { name: `wide minibatch noise (σ 0.45 on the log), no spike injected, seed ${seed}`, run: makeRun([{ name: 'loss', ...c }], { axis: 'step' }) };
    }),
    {
      name: 'two ×6 jumps in wide noise are not enough without a gradient norm behind them',
      run: makeRun([{ name: 'loss', x: w1.x, y: spiked(w1.y, [[200, 6], [500, 6]]) }], { axis: 'step' }),
    },
    {
      name: 'gradient-norm spikes beside a loss that does not jump',
      run: makeRun(
        [
          { name: 'loss', x: w2.x, y: w2.y },
          { name: 'grad_norm', x: w2.x, y: spiked(flatGrad(54), [[250, 30], [560, 40]]) },
        ],
        { axis: 'step' },
      ),
    },
    ...([1, 2, 3] as const).flatMap((seed) =>
      (['gaussian', 'heavy', 'ar1'] as const).map((model) => {
        const c = perStep(seed + 10, model, { noise: model === 'ar1' ? 0.05 : 0.03, irregular: seed === 2 });
        return { name: `healthy per-step, ${model} noise, seed ${seed + 10}`, run: makeRun([{ name: 'loss', x: c.x, y: c.y }], { axis: 'step' }) };
      }),
    ),
    {
      name: 'healthy very noisy per-step curve (12% Gaussian)',
      run: makeRun([perStep(21, 'gaussian', { noise: 0.12 })].map((c) => ({ name: 'loss', ...c })), { axis: 'step' }),
    },
    {
      name: 'healthy per-epoch curve with val',
      run: makeRun(
        [
          { name: 'loss', x: ex, y: curve({ n: 60, shape: (t) => decay(t, 1.5, 0.3, 4), noise: 0.02, model: 'heavy', seed: 7 }) },
          { name: 'val_loss', x: ex, y: curve({ n: 60, shape: (t) => decay(t, 1.6, 0.4, 4), noise: 0.03, model: 'gaussian', seed: 8 }) },
        ],
        { axis: 'epoch' },
      ),
    },
    {
      name: 'step-decay schedule: the loss steps down, it does not spike',
      run: (() => {
        const x = steps(1200, { every: 50 });
        const y = curve({ n: 1200, shape: (t) => decay(t, 1.4, 0.55, 6) * (t > 0.66 ? 0.8 : 1) * (t > 0.9 ? 0.9 : 1), noise: 0.04, model: 'gaussian', seed: 9 });
        const lr = Float64Array.from(x, (_, i) => (i < 800 ? 0.02 : i < 1080 ? 0.002 : 0.0002));
        return makeRun([{ name: 'loss', x, y }, { name: 'lr', x, y: lr }], { axis: 'step' });
      })(),
    },
    {
      name: 'a jump that never comes back down is not a spike',
      run: makeRun([{ name: 'loss', x: g4.x, y: Float64Array.from(g4.y, (v, i) => (i >= 1000 ? v * 3 : v)) }], { axis: 'step' }),
    },
    {
      name: 'an early blow-up is left to early-instability',
      run: makeRun([{ name: 'loss', x: g4.x, y: Float64Array.from(g4.y, (v, i) => (i >= 60 && i < 110 ? v * 3 : v)) }], { axis: 'step' }),
    },
    {
      name: 'a loss with non-positive values (no ratio to measure)',
      run: makeRun([{ name: 'loss', x: g4.x, y: Float64Array.from(g4.y, (v) => v - 1) }], { axis: 'step' }),
    },
  ],
});
