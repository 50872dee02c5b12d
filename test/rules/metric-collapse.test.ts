import { expect } from 'vitest';
import { curve, decay, makeRun, steps } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

const N = 40;
const x = steps(N, { start: 1 });
const train = curve({ n: N, shape: (t) => decay(t, 1.2, 0.2, 4), noise: 0.01, seed: 81 });
const val = curve({ n: N, shape: (t) => decay(t, 1.25, 0.3, 4), noise: 0.02, seed: 82 });
/** An accuracy rising to `top`, replaced where `down` says by `low` (with a little noise). */
function accuracy(top: number, seed: number, down: (i: number) => boolean = () => false, low = 0.33): Float64Array {
  const base = curve({ n: N, shape: (t) => top - (top - 0.4) * Math.exp(-6 * t), noise: 0.01, seed });
  const wobble = curve({ n: N, shape: () => low, noise: 0.03, seed: seed + 1 });
  return Float64Array.from(base, (v, i) => (down(i) ? wobble[i] : v));
}

runRuleTests('metric-collapse', {
  invalid: [
    {
      name: 'val_accuracy reaches 0.9, falls to about 1/3 at epoch 31 and stays there',
      run: makeRun(
        [
          { name: 'loss', x, y: train },
          { name: 'val_loss', x, y: val },
          { name: 'val_accuracy', x, y: accuracy(0.9, 83, (i) => i >= 30) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.severity).toBe('warning');
        expect(f.message).toMatch(/^val_accuracy collapsed: best 0\.\d+ at epoch \d+, then 0\.3\d* from epoch 31 to the end \(10 evaluations, last 0\.3\d*\), ×2\.\d+ worse than its best\.$/);
        expect(f.range).toEqual({ from: 31, to: 40, axis: 'epoch' });
        expect(f.best!.series).toBe('val_accuracy');
        expect(f.remedies.find((r) => r.id === 'checkpoint')!.text).toMatch(/^Keep the checkpoint from epoch \d+/);
      },
    },
    {
      name: 'eval_wer falls to 0.2, then jumps back to 0.7 for the last five evaluations',
      run: makeRun(
        [
          { name: 'loss', x, y: train },
          { name: 'eval_loss', x, y: val },
          { name: 'eval_wer', x, y: Float64Array.from(curve({ n: N, shape: (t) => decay(t, 0.9, 0.2, 5), noise: 0.02, seed: 84 }), (v, i) => (i >= N - 5 ? 0.7 + 0.01 * (i % 2) : v)) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.message).toMatch(/^eval_wer collapsed: /);
        expect(f.evidence.direction).toBe('lower');
        expect(f.evidence.points).toBe(5);
      },
    },
    {
      name: 'a binary accuracy back at 0.5 with the class count given',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val }, { name: 'val_acc', x, y: accuracy(0.92, 85, (i) => i >= 34, 0.5) }], { axis: 'epoch' }),
      options: { numClasses: 2 },
      expect: (f) => {
        expect(f.message).toMatch(/^val_acc collapsed: /);
      },
    },
  ],
  valid: [
    { name: 'no metric logged', run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val }], { axis: 'epoch' }) },
    {
      name: 'a healthy accuracy that plateaus with noise',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val }, { name: 'val_accuracy', x, y: accuracy(0.9, 86) }], { axis: 'epoch' }),
    },
    {
      name: 'a two-evaluation dip that recovers (held-out-spikes\' business)',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val }, { name: 'val_accuracy', x, y: accuracy(0.9, 87, (i) => i === 25 || i === 26) }], { axis: 'epoch' }),
    },
    {
      name: 'a drop at the last two evaluations only',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val }, { name: 'val_accuracy', x, y: accuracy(0.9, 88, (i) => i >= N - 2) }], { axis: 'epoch' }),
    },
    {
      name: 'a binary accuracy falling from 0.92 to 0.6 without the class count (above half its best)',
      run: makeRun([{ name: 'loss', x, y: train }, { name: 'val_loss', x, y: val }, { name: 'val_acc', x, y: accuracy(0.92, 89, (i) => i >= 30, 0.6) }], { axis: 'epoch' }),
    },
    {
      name: 'an error rate that doubles from 0.02 to 0.04 after falling from 0.5 (small against its gain)',
      run: makeRun(
        [
          { name: 'loss', x, y: train },
          { name: 'val_loss', x, y: val },
          { name: 'val_error', x, y: Float64Array.from(curve({ n: N, shape: (t) => decay(t, 0.5, 0.02, 8), noise: 0.02, seed: 90 }), (v, i) => (i >= 30 ? 0.04 : v)) },
        ],
        { axis: 'epoch' },
      ),
    },
    {
      name: 'an accuracy that collapses with a training loss ending in NaN (the non-finite finding\'s)',
      run: makeRun(
        [
          { name: 'loss', x, y: Float64Array.from(train, (v, i) => (i >= 30 ? Number.NaN : v)) },
          { name: 'val_loss', x, y: Float64Array.from(val, (v, i) => (i >= 30 ? Number.NaN : v)) },
          { name: 'val_accuracy', x, y: accuracy(0.9, 91, (i) => i >= 30) },
        ],
        { axis: 'epoch' },
      ),
    },
  ],
});
