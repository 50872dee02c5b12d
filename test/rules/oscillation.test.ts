import { expect } from 'vitest';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

/** Multiply a curve by 1 ± amplitude(i), alternating every point: a period-2 zig-zag. */
function zigzag(y: Float64Array, amplitude: (i: number) => number): Float64Array {
  return Float64Array.from(y, (v, i) => v * (1 + (i % 2 ? 1 : -1) * amplitude(i)));
}

function perEpoch(seed: number, model: NoiseModel, scale = 1, n = 40) {
  const x = steps(n, { start: 1 });
  const y = curve({ n, shape: (t) => 0.6 + 0.5 * Math.exp(-6 * t), noise: 0.01, model, seed, scale });
  return { x, y };
}

function perStep(seed: number, model: NoiseModel, o: { noise?: number; scale?: number; irregular?: boolean; rate?: number } = {}) {
  const n = 1500;
  const x = steps(n, { irregular: o.irregular ?? false, seed });
  const y = curve({ n, shape: (t) => decay(t, 2.0, 0.9, o.rate ?? 5), noise: o.noise ?? 0.02, model, seed, scale: o.scale ?? 1 });
  return { x, y };
}

/** A per-epoch loss that falls for a quarter of the run, then sits at 0.8 with multiplicative noise of `noise` (non-periodic). */
function swinging(seed: number, noise: number, n = 40) {
  const x = steps(n, { start: 1 });
  const y = curve({ n, shape: (t) => (t < 0.25 ? 0.8 + 1.2 * (1 - t / 0.25) : 0.8), noise, model: 'gaussian', seed });
  return { x, y };
}

const e1 = perEpoch(1, 'gaussian');
const e2 = perEpoch(2, 'heavy', 1e3);
const e3 = perEpoch(3, 'ar1', 1e-3);
const s4 = perStep(4, 'gaussian', { irregular: true, noise: 0.01, rate: 10 });
const s5 = perStep(5, 'heavy', { scale: 1e-3 });

runRuleTests('oscillation', {
  invalid: [
    {
      name: 'large non-periodic swings of a per-epoch loss (±20%, no net progress): LR too high, and the verdict is not healthy',
      run: makeRun([{ name: 'loss', ...swinging(31, 0.2) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.test).toBe('large-swings');
        expect(f.evidence.medianEpochChangeRel as number).toBeGreaterThan(0.1);
        expect(f.message).toMatch(/^loss swings up and down from epoch \d+ to 40: a typical change of ±/);
        expect(f.causes[0].id).toBe('lr-too-high');
      },
    },
    {
      name: 'per-epoch zig-zag ±8%, Gaussian noise',
      run: makeRun([{ name: 'loss', x: e1.x, y: zigzag(e1.y, () => 0.08) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.lag1Corrected as number).toBeLessThan(-0.6);
        expect(f.evidence.alternation as number).toBeGreaterThan(0.8);
        expect(f.range).toEqual({ from: 21, to: 40, axis: 'epoch' });
        expect(f.message).toMatch(/zig-zags from epoch 21 to 40/);
        expect(f.causes[0].id).toBe('lr-too-high');
      },
    },
    {
      name: 'per-epoch zig-zag, heavy-tailed noise, scale 1e3',
      run: makeRun([{ name: 'loss', x: e2.x, y: zigzag(e2.y, () => 0.08) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.amplitudeRel as number).toBeGreaterThan(0.05);
        expect(f.evidence.amplitudeRel as number).toBeLessThan(0.15);
      },
    },
    {
      name: 'per-epoch zig-zag, AR(1) noise, scale 1e-3',
      run: makeRun([{ name: 'loss', x: e3.x, y: zigzag(e3.y, () => 0.1) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.lag1 as number).toBeLessThan(-0.5);
        expect(Math.abs(f.evidence.netChangeRel as number)).toBeLessThan(2 * (f.evidence.amplitudeRel as number));
      },
    },
    {
      name: 'growing zig-zag: the LR is too high',
      run: makeRun([{ name: 'loss', x: e1.x, y: zigzag(e1.y, (i) => 0.01 * Math.exp(0.09 * i)) }], { axis: 'epoch' }),
      expect: (f) => {
        expect(f.evidence.amplitudeGrowth as number).toBeGreaterThanOrEqual(1.5);
        expect(f.causes.map((c) => c.id)).toEqual(['lr-too-high', 'batch-too-small', 'normalisation']);
      },
    },
    {
      name: 'small per-step zig-zag on irregular steps: batch size first, with the actual LR in the remedies',
      run: makeRun(
        [
          { name: 'loss', x: s4.x, y: zigzag(s4.y, () => 0.02) },
          { name: 'lr', x: s4.x, y: Float64Array.from(s4.x, () => 3e-4) },
        ],
        { axis: 'step' },
      ),
      expect: (f) => {
        expect(f.causes[0].id).toBe('batch-too-small');
        expect(f.remedies.find((r) => r.text.includes('3.00e-4'))).toBeDefined();
        expect(f.evidence.window).toMatchObject({ from: s4.x[750], to: s4.x[1499] });
      },
    },
    {
      name: 'per-step zig-zag in heavy-tailed noise at scale 1e-3',
      run: makeRun([{ name: 'loss', x: s5.x, y: zigzag(s5.y, () => 0.06) }], { axis: 'step' }),
      expect: (f) => {
        expect(f.message).toMatch(/lag-1 autocorrelation -0\.[6-9]/);
      },
    },
  ],
  valid: [
    { name: 'a per-epoch plateau with ±3% noise (healthy)', run: makeRun([{ name: 'loss', ...swinging(32, 0.03) }], { axis: 'epoch' }) },
    { name: 'a per-epoch plateau with ±6% noise, like a GAN discriminator', run: makeRun([{ name: 'loss', ...swinging(33, 0.06) }], { axis: 'epoch' }) },
    ...(['gaussian', 'heavy', 'ar1'] as const).flatMap((model, k) => [
      { name: `healthy per-epoch, ${model} noise`, run: makeRun([{ name: 'loss', ...perEpoch(10 + k, model) }], { axis: 'epoch' }) },
      {
        name: `healthy per-step, ${model} noise`,
        run: makeRun([{ name: 'loss', ...perStep(20 + k, model, { noise: model === 'ar1' ? 0.05 : 0.03, irregular: k === 1 }) }], { axis: 'step' }),
      },
    ]),
    {
      name: 'healthy short per-epoch run (12 epochs) with val',
      run: makeRun(
        [
          { name: 'loss', x: steps(12, { start: 1 }), y: curve({ n: 12, shape: (t) => decay(t, 1, 0.3, 3), noise: 0.02, model: 'gaussian', seed: 30 }) },
          { name: 'val_loss', x: steps(12, { start: 1 }), y: curve({ n: 12, shape: (t) => decay(t, 1.1, 0.4, 3), noise: 0.02, model: 'gaussian', seed: 31 }) },
        ],
        { axis: 'epoch' },
      ),
    },
    {
      name: 'a falling curve whose zig-zag is small next to its progress',
      run: makeRun([{ name: 'loss', x: e1.x, y: zigzag(curve({ n: 40, shape: (t) => 2 - 1.5 * t, noise: 0.005, model: 'gaussian', seed: 32 }), () => 0.01) }], { axis: 'epoch' }),
    },
    {
      name: 'isolated spikes are not a zig-zag',
      run: makeRun([{ name: 'loss', x: s4.x, y: Float64Array.from(perStep(33, 'gaussian', { noise: 0.03 }).y, (v, i) => (i % 250 === 100 ? v * 3 : v)) }], { axis: 'step' }),
    },
    {
      name: 'too short to judge (10 epochs)',
      run: makeRun([{ name: 'loss', x: steps(10, { start: 1 }), y: zigzag(perEpoch(34, 'gaussian', 1, 10).y, () => 0.1) }], { axis: 'epoch' }),
    },
  ],
});
