import { expect } from 'vitest';
import { curve, decay, makeRun, noiseSeries, steps } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

const N = 400;
const x = steps(N, { start: 1 });
/** A gradient norm with log-normal minibatch noise around `shape` (t in 0..1). */
function norm(shape: (t: number) => number, seed: number, sigma = 0.25): Float64Array {
  const eps = noiseSeries(N, 'gaussian', seed);
  return Float64Array.from(eps, (e, i) => shape(i / (N - 1)) * Math.exp(sigma * e));
}
const healthyLoss = curve({ n: N, shape: (t) => decay(t, 2.5, 0.4, 4), noise: 0.03, seed: 61 });
const lr = Float64Array.from(x, () => 3e-3);

runRuleTests('exploding-gradients', {
  invalid: [
    {
      name: 'the norm grows ×1000 over the run while the loss climbs (LR above the stability bound)',
      run: makeRun(
        [
          { name: 'loss', x, y: curve({ n: N, shape: (t) => 0.5 * Math.exp(4 * t), noise: 0.03, seed: 62 }) },
          { name: 'grad_norm', x, y: norm((t) => Math.exp(Math.log(1000) * t), 63) },
          { name: 'learning_rate', x, y: lr },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.severity).toBe('warning');
        expect(f.message).toMatch(/^grad_norm grew ×\d/);
        expect(f.message).toContain('the gradients are exploding');
        expect(f.confidence).toBeGreaterThanOrEqual(0.8);
        expect(f.remedies.find((r) => r.id === 'lower-lr')!.text).toContain('3.00e-3');
        expect(Number(f.evidence.levelAtEnd) / Number(f.evidence.levelAtStart)).toBeGreaterThan(100);
      },
    },
    {
      name: 'a steady norm that takes off over the last 40 steps and ends in NaN',
      run: makeRun(
        [
          { name: 'loss', x, y: healthyLoss },
          {
            name: 'train/grad_norm',
            x,
            y: Float64Array.from(norm((t) => (t < 0.9 ? 1 : Math.exp(60 * (t - 0.9))), 64), (v, i) => (i >= N - 5 ? Number.NaN : v)),
          },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.range!.from).toBeGreaterThan(300);
        expect(f.evidence.nonFinite).toBe(5);
        // Clip at the level the norm held before the growth, not at the exploded one.
        const clip = f.remedies.find((r) => r.id === 'clip')!.text;
        expect(Number(/about ([\d.]+)/.exec(clip)![1])).toBeLessThan(1.5);
      },
    },
  ],
  valid: [
    { name: 'no gradient norm logged', run: makeRun([{ name: 'loss', x, y: healthyLoss }], { axis: 'step' }) },
    {
      name: 'a healthy norm that decays slowly',
      run: makeRun([{ name: 'loss', x, y: healthyLoss }, { name: 'grad_norm', x, y: norm((t) => 2 - 1.5 * t, 65) }], { axis: 'step' }),
    },
    {
      name: 'a norm that rises ×100 during warm-up, then holds a plateau',
      run: makeRun([{ name: 'loss', x, y: healthyLoss }, { name: 'grad_norm', x, y: norm((t) => (t < 0.1 ? 0.01 * 100 ** (t / 0.1) : 1), 66) }], { axis: 'step' }),
    },
    {
      name: 'a noisy norm with one ×50 spike near the end',
      run: makeRun([{ name: 'loss', x, y: healthyLoss }, { name: 'grad_norm', x, y: Float64Array.from(norm(() => 1, 67, 0.5), (v, i) => (i === N - 3 ? 50 * v : v)) }], { axis: 'step' }),
    },
    {
      name: 'a norm that drifts up ×2.5 over the run (late large-model training)',
      run: makeRun([{ name: 'loss', x, y: healthyLoss }, { name: 'grad_norm', x, y: norm((t) => 0.2 * 2.5 ** t, 68) }], { axis: 'step' }),
    },
    {
      name: 'a norm that jumps straight to NaN with no growth first (the non-finite finding\'s)',
      run: makeRun([{ name: 'loss', x, y: healthyLoss }, { name: 'grad_norm', x, y: Float64Array.from(norm(() => 1, 69), (v, i) => (i >= N - 20 ? Number.NaN : v)) }], { axis: 'step' }),
    },
    {
      name: 'a norm growing with a loss that has no lower bound (the unbounded-loss finding\'s)',
      run: makeRun(
        [
          { name: 'loss', x, y: Float64Array.from(x, (_, i) => 0.5 - 0.2 * i) },
          { name: 'grad_norm', x, y: norm((t) => Math.exp(Math.log(1000) * t), 70) },
        ],
        { axis: 'step' },
      ),
    },
  ],
});
