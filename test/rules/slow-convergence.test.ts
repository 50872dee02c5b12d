import { expect } from 'vitest';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

function perStep(seed: number, model: NoiseModel, shape: (t: number) => number, o: { n?: number; noise?: number; scale?: number; irregular?: boolean } = {}) {
  const n = o.n ?? 300;
  const x = steps(n, { every: 10, irregular: o.irregular ?? false, seed });
  return { x, y: curve({ n, shape, noise: o.noise ?? 0.03, model, seed, scale: o.scale ?? 1 }) };
}

/** Falls at nearly the same pace from start to end: an optimiser that crawls. */
const steady = (t: number) => 2.0 - 0.9 * t;
/** A normal fast-then-slow curve that is still far from its floor when the log ends. */
const unfinished = (t: number) => decay(t, 3.0, 0.2, 2);

const lin = perStep(1, 'gaussian', steady, { irregular: true });
const heavy = perStep(2, 'heavy', steady, { scale: 1e3 });
const ar = perStep(3, 'ar1', steady, { scale: 1e-3, noise: 0.04 });
const un = perStep(4, 'gaussian', unfinished);
const ep = { x: steps(40, { start: 1 }), y: curve({ n: 40, shape: steady, noise: 0.01, model: 'gaussian', seed: 5 }) };

runRuleTests('slow-convergence', {
  invalid: [
    {
      name: 'steady linear fall (Gaussian noise, irregular steps): LR too low first',
      run: makeRun([{ name: 'loss', ...lin }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.projectedShare as number).toBeGreaterThan(0.5);
        expect(f.evidence.steadyFromStart).toBe(true);
        expect(f.causes.map((c) => c.id)).toEqual(['lr-too-low', 'batch-too-large', 'too-short']);
        expect(f.message).toContain('still falling steadily');
      },
    },
    {
      name: 'steady fall in heavy-tailed noise at scale 1e3',
      run: makeRun([{ name: 'loss', ...heavy }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.projectedShare as number).toBeGreaterThan(0.5);
        expect(f.message).toMatch(/now 1\.\d+e3|now 1[0-9]{3}/);
      },
    },
    {
      name: 'steady fall in AR(1) noise at scale 1e-3, constant LR logged',
      run: makeRun([{ name: 'loss', ...ar }, { name: 'lr', x: ar.x, y: Float64Array.from(ar.x, () => 1e-4) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.causes[0].id).toBe('lr-too-low');
        expect(f.remedies[0].text).toContain('1.00e-4 → 1.00e-3');
      },
    },
    {
      name: 'fast-then-slow curve still far from its floor: too short first',
      run: makeRun([{ name: 'loss', ...un }], { axis: 'step' }),
      expect: (f) => {
        expect(f.evidence.steadyFromStart).toBe(false);
        expect(f.causes[0].id).toBe('too-short');
        expect(f.remedies[0].text).toMatch(/Train longer \(at least 1495 more steps\)/);
      },
    },
    {
      name: 'LR decayed to near zero while the loss still falls: extend the schedule, raise its peak',
      run: makeRun(
        [{ name: 'loss', ...lin }, { name: 'learning_rate', x: lin.x, y: Float64Array.from(lin.x, (_, i) => 5e-5 * (1 - i / 300)) }],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.evidence.lrDecayedOut).toBe(true);
        expect(f.causes[0].id).toBe('too-short');
        expect(f.remedies.find((r) => r.id === 'raise-lr')!.text).toContain('5.00e-5 → 5.00e-4');
      },
    },
    {
      name: 'per-epoch log, 40 epochs of steady fall',
      run: makeRun([{ name: 'loss', ...ep }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.range?.axis).toBe('epoch');
        expect(f.message).toMatch(/over the last third/);
      },
    },
  ],
  valid: [
    ...(['gaussian', 'heavy', 'ar1'] as const).flatMap((model, k) => [
      { name: `healthy exponential approach to its floor, per-step, ${model} noise`, run: makeRun([{ name: 'loss', ...perStep(10 + k, model, (t) => decay(t, 2.5, 0.4, 5), { n: 2000, noise: 0.05 }) }], { axis: 'step' }) },
      { name: `healthy per-epoch curve, ${model} noise`, run: makeRun([{ name: 'loss', x: steps(30, { start: 1 }), y: curve({ n: 30, shape: (t) => decay(t, 1.8, 0.2, 5), noise: 0.02, model, seed: 20 + k }) }], { axis: 'epoch' }) },
    ]),
    {
      name: 'converged plateau',
      run: makeRun([{ name: 'loss', ...perStep(30, 'gaussian', (t) => decay(t, 2.0, 0.8, 20)) }], { axis: 'step' }),
    },
    {
      name: 'overfitting: the train loss still falls but the val loss is rising (verdict overfitting)',
      run: makeRun(
        [
          { name: 'loss', x: ep.x, y: ep.y },
          { name: 'val_loss', x: ep.x, y: curve({ n: 40, shape: (t) => 1.5 + 0.8 * (t - 0.3) ** 2, noise: 0.01, model: 'gaussian', seed: 31 }) },
        ],
        { axis: 'epoch' },
      ),
    },
    {
      name: 'the fall at the end follows an LR step decay in the last third (the schedule at work)',
      run: (() => {
        const c = perStep(32, 'gaussian', (t) => decay(t, 1.4, 0.6, 6) * (t > 0.8 ? 0.8 : 1));
        const lr = Float64Array.from(c.x, (_, i) => (i < 240 ? 0.02 : 0.002));
        return makeRun([{ name: 'loss', ...c }, { name: 'lr', x: c.x, y: lr }], { axis: 'step' });
      })(),
    },
    {
      name: 'too few points (10 epochs)',
      run: makeRun([{ name: 'loss', x: steps(10, { start: 1 }), y: curve({ n: 10, shape: steady, noise: 0.01, model: 'gaussian', seed: 33 }) }], { axis: 'epoch' }),
    },
    {
      name: 'a negative, unbounded loss is not slow convergence',
      run: makeRun([{ name: 'loss', x: ep.x, y: Float64Array.from(ep.x, (_, i) => -30 * 10 ** (i / 13)) }], { axis: 'epoch' }),
    },
  ],
});
