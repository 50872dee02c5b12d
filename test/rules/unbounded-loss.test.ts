import { expect } from 'vitest';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

const EPOCHS = steps(70, { start: 0 });

/** Negative from the first epoch and running away by three orders of magnitude (Keras CSVLogger-like). */
function runaway(seed: number, model: NoiseModel, scale = 1, from = -3.4e4, orders = 3) {
  return curve({ n: 70, shape: (t) => from * 10 ** (orders * t), noise: 0.02, model, seed, scale });
}

runRuleTests('unbounded-loss', {
  invalid: [
    {
      name: 'negative from the first log, three orders of magnitude (Gaussian)',
      run: makeRun([{ name: 'loss', x: EPOCHS, y: runaway(1, 'gaussian') }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.negativeFromStart).toBe(true);
        expect(f.evidence.ordersOfMagnitude as number).toBeGreaterThan(2);
        expect(f.causes.map((c) => c.id)).toEqual(['target-mismatch', 'wrong-sign', 'missing-activation']);
        expect(f.message).toContain('negative from the first log (epoch 0)');
        expect(f.remedies[0].text).toMatch(/at epoch 0 the loss was already -3\d{4}$/);
      },
    },
    {
      name: 'heavy-tailed noise, scale 1e-3, with an unbounded val loss too',
      run: makeRun(
        [
          { name: 'loss', x: EPOCHS, y: runaway(2, 'heavy', 1e-3) },
          { name: 'val_loss', x: EPOCHS, y: runaway(3, 'gaussian', 1e-3, -1.5e5) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.series).toEqual(['loss', 'val_loss']);
        expect(f.evidence.alsoUnbounded).toEqual(['val_loss']);
      },
    },
    {
      name: 'AR(1) noise, scale 1e3, per-step',
      run: makeRun([{ name: 'loss', x: steps(70, { every: 100 }), y: runaway(4, 'ar1', 1e3, -2, 4) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.range?.axis).toBe('step');
        expect(f.confidence).toBeGreaterThan(0.8);
      },
    },
    {
      name: 'starts positive and crosses zero (a free variance collapsing): missing activation first',
      run: makeRun([{ name: 'loss', x: EPOCHS, y: Float64Array.from(EPOCHS, (e) => 2 - 10 ** (e / 17)) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.negativeFromStart).toBe(false);
        expect(f.evidence.crossedZeroAt).toBe(6);
        expect(f.causes[0].id).toBe('missing-activation');
        expect(f.remedies[0].id).toBe('add-activation');
        expect(f.message).toContain('crossing zero at epoch 6');
      },
    },
  ],
  valid: [
    ...(['gaussian', 'heavy', 'ar1'] as const).map((model, k) => ({
      name: `healthy positive loss, ${model} noise`,
      run: makeRun([{ name: 'loss', x: EPOCHS, y: curve({ n: 70, shape: (t) => decay(t, 2, 0.3, 4), noise: 0.02, model, seed: 10 + k }) }], { axis: 'epoch' }),
    })),
    {
      name: 'a negative log-likelihood that settles at -2.5 (bounded, just below zero)',
      run: makeRun([{ name: 'loss', x: EPOCHS, y: curve({ n: 70, shape: (t) => -2.5 + 3 * Math.exp(-5 * t), noise: 0.01, model: 'gaussian', seed: 20 }) }], { axis: 'epoch' }),
    },
    {
      name: 'a negative objective that is flat',
      run: makeRun([{ name: 'loss', x: EPOCHS, y: curve({ n: 70, shape: () => -40, noise: 0.01, model: 'gaussian', seed: 21 }) }], { axis: 'epoch' }),
    },
    {
      name: 'a positive loss that diverges upwards',
      run: makeRun([{ name: 'loss', x: EPOCHS, y: curve({ n: 70, shape: (t) => 0.5 * 10 ** (2 * t), noise: 0.02, model: 'gaussian', seed: 22 }) }], { axis: 'epoch' }),
    },
    {
      name: 'a metric (not a loss) that goes negative by orders of magnitude',
      run: makeRun(
        [
          { name: 'loss', x: EPOCHS, y: curve({ n: 70, shape: (t) => decay(t, 2, 0.3, 4), noise: 0.02, model: 'gaussian', seed: 23 }) },
          { name: 'reward_score', x: EPOCHS, y: runaway(24, 'gaussian') },
        ],
        { axis: 'epoch' },
      ),
    },
  ],
});
