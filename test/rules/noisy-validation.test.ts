import { expect } from 'vitest';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

const EPOCHS = steps(30, { start: 1 });

function train(seed: number, o: { noise?: number; scale?: number } = {}) {
  return curve({ n: 30, shape: (t) => decay(t, 1.5, 0.3, 5), noise: o.noise ?? 0.01, model: 'gaussian', seed, scale: o.scale ?? 1 });
}

function val(seed: number, model: NoiseModel, o: { noise?: number; scale?: number; shape?: (t: number) => number } = {}) {
  return curve({ n: 30, shape: o.shape ?? ((t) => decay(t, 1.6, 0.5, 5)), noise: o.noise ?? 0.15, model, seed, scale: o.scale ?? 1 });
}

function run(trainY: Float64Array, valY: Float64Array) {
  return makeRun([{ name: 'loss', x: EPOCHS, y: trainY }, { name: 'val_loss', x: EPOCHS, y: valY }], { axis: 'epoch' });
}

runRuleTests('noisy-validation', {
  invalid: [
    {
      name: 'val loss with 15% evaluation noise, Gaussian: small val set first',
      run: run(train(1), val(2, 'gaussian')),
      expect: (f) => {
        expect(f.evidence.noisy).toBe(true);
        expect(f.evidence.noiseRel as number).toBeGreaterThan(0.08);
        expect(f.evidence.noiseRel as number).toBeLessThan(0.25);
        expect(f.causes[0].id).toBe('small-val-set');
        expect(f.message).toMatch(/val_loss jumps about ±\d+(\.\d+)?% between evaluations \(30 evaluations\)/);
        expect(f.remedies[0].text).toContain('4× the examples halves it');
      },
    },
    {
      name: 'heavy-tailed evaluation noise at scale 1e3',
      run: run(train(3, { scale: 1e3 }), val(4, 'heavy', { scale: 1e3 })),
      expect: (f) => {
        expect(f.evidence.evaluations).toBe(30);
        expect((f.evidence.signal as { riseSinceBest: number }).riseSinceBest).toBeGreaterThanOrEqual(0);
      },
    },
    {
      // Correlated noise partly reads as trend: seeds whose wander makes a 40% "trend" stay silent.
      name: 'AR(1) evaluation noise at scale 1e-3',
      run: run(train(5, { scale: 1e-3 }), val(7, 'ar1', { scale: 1e-3, noise: 0.2 })),
      expect: (f) => {
        expect(f.series).toEqual(['val_loss']);
        expect(f.range).toEqual({ from: 1, to: 30, axis: 'epoch' });
      },
    },
    {
      name: 'a val curve with large jumps at four evaluations',
      run: run(train(7), Float64Array.from(val(8, 'gaussian', { noise: 0.01 }), (v, i) => ([5, 12, 19, 26].includes(i) ? v * 2.2 : v))),
      expect: (f) => {
        expect(f.evidence.spiky).toBe(true);
        expect(f.evidence.largeJumps).toBe(4);
        expect(f.evidence.jumpXs).toEqual([6, 13, 20, 27]);
        expect(f.message).toContain('4 jumps of ×1.5 or more');
      },
    },
    {
      name: 'train as jumpy as val: unstable training first, with the actual LR',
      run: makeRun(
        [
          { name: 'loss', x: EPOCHS, y: train(9, { noise: 0.15 }) },
          { name: 'val_loss', x: EPOCHS, y: val(10, 'gaussian') },
          { name: 'lr', x: EPOCHS, y: Float64Array.from(EPOCHS, () => 0.01) },
        ],
        { axis: 'epoch' },
      ),
      expect: (f) => {
        expect(f.causes[0].id).toBe('unstable-training');
        expect(f.remedies[0].text).toContain('from 0.01 to 0.001');
      },
    },
  ],
  valid: [
    ...(['gaussian', 'heavy', 'ar1'] as const).map((model, k) => ({
      name: `smooth val curve (1% noise), ${model}`,
      run: run(train(20 + k), val(30 + k, model, { noise: 0.01 })),
    })),
    {
      name: 'a 6%-noisy val curve with a clear trend far larger than its noise',
      run: run(train(40), val(41, 'gaussian', { noise: 0.06, shape: (t) => decay(t, 3, 0.3, 3) })),
    },
    {
      name: 'a clear overfitting U-shape with 4% noise (rise since best ≫ noise)',
      run: run(train(42), val(43, 'gaussian', { noise: 0.04, shape: (t) => 0.5 + 2 * (t - 0.3) ** 2 })),
    },
    {
      name: 'too few evaluations (5)',
      run: makeRun(
        [
          { name: 'loss', x: EPOCHS, y: train(44) },
          { name: 'val_loss', x: steps(5, { every: 6, start: 6 }), y: Float64Array.from([0.9, 1.2, 0.7, 1.1, 0.8]) },
        ],
        { axis: 'epoch' },
      ),
    },
    {
      name: 'no validation curve at all',
      run: makeRun([{ name: 'loss', x: EPOCHS, y: train(45, { noise: 0.15 }) }], { axis: 'epoch' }),
    },
    {
      name: 'an eval loss pinned to one value (no noise)',
      run: run(train(46), Float64Array.from(EPOCHS, () => Math.log(4))),
    },
  ],
});
