import { expect } from 'vitest';
import { curve, decay, makeRun, noiseSeries, steps } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

const N = 300;
const x = steps(N, { start: 1 });
/** A gradient norm with log-normal noise around `shape` (t in 0..1). */
function norm(shape: (t: number) => number, seed: number, sigma = 0.2): Float64Array {
  const eps = noiseSeries(N, 'gaussian', seed);
  return Float64Array.from(eps, (e, i) => shape(i / (N - 1)) * Math.exp(sigma * e));
}
/** A cross-entropy stuck at ln 3 from the first step. */
const flatLoss = curve({ n: N, shape: () => Math.log(3), noise: 0.01, seed: 71 });
const fallingLoss = curve({ n: N, shape: (t) => decay(t, 1.1, 0.05, 6), noise: 0.02, seed: 72 });
/** Falls from 0.3 by ×10 every 5% of the run, to a floor of 3e-7. */
const vanishing = (t: number) => Math.max(3e-7, 0.3 * 10 ** (-t / 0.05));

runRuleTests('vanishing-gradients', {
  invalid: [
    {
      name: 'the norm falls ×10⁶ in the first third while the loss stays at ln 3 (deep sigmoid stack)',
      run: makeRun([{ name: 'loss', x, y: flatLoss }, { name: 'grad_norm', x, y: norm(vanishing, 73) }, { name: 'lr', x, y: Float64Array.from(x, () => 0.5) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.severity).toBe('warning');
        expect(f.message).toMatch(/^grad_norm fell from 0\.\d+ to \d\.\d+e-7 \(below a thousandth of it from step \d+ on\) while loss stayed at 1\.09\d* → 1\.09\d*/);
        expect(f.range!.from).toBeLessThan(60);
        expect(f.remedies.find((r) => r.id === 'check-lr')!.text).toContain('0.5');
        expect(f.series).toEqual(['grad_norm', 'loss']);
      },
    },
    {
      name: 'dead units: the norm is exactly zero after the first steps',
      run: makeRun([{ name: 'loss', x, y: flatLoss }, { name: 'grad_norm', x, y: Float64Array.from(norm(() => 1, 74), (v, i) => (i < 8 ? v : 0)) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.message).toContain(' to 0 ');
        expect(f.message).not.toMatch(/Infinity|NaN/);
        expect(f.evidence.drop).toBeNull();
      },
    },
  ],
  valid: [
    { name: 'no gradient norm logged beside a flat loss', run: makeRun([{ name: 'loss', x, y: flatLoss }], { axis: 'step' }) },
    {
      name: 'normal convergence: the norm falls ×10⁶ while the loss keeps falling',
      run: makeRun([{ name: 'loss', x, y: fallingLoss }, { name: 'grad_norm', x, y: norm(vanishing, 75) }], { axis: 'step' }),
    },
    {
      name: 'a flat loss whose norm falls only ×50',
      run: makeRun([{ name: 'loss', x, y: flatLoss }, { name: 'grad_norm', x, y: norm((t) => 0.5 * 50 ** -Math.min(1, t / 0.3), 76) }], { axis: 'step' }),
    },
    {
      name: 'a flat loss whose norm collapses mid-run and comes back',
      run: makeRun([{ name: 'loss', x, y: flatLoss }, { name: 'grad_norm', x, y: norm((t) => (t > 0.3 && t < 0.6 ? 1e-6 : 0.5), 77) }], { axis: 'step' }),
    },
    {
      name: 'a healthy norm decaying slowly beside a falling loss',
      run: makeRun([{ name: 'loss', x, y: fallingLoss }, { name: 'grad_norm', x, y: norm((t) => 2 - 1.5 * t, 78) }], { axis: 'step' }),
    },
  ],
});
