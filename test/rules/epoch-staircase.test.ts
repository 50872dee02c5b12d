import { expect } from 'vitest';
import { curve, decay, makeRun, steps, type NoiseModel } from '../helpers/curves.js';
import { runRuleTests } from '../helpers/rule-tester.js';

interface StairOptions {
  per?: number;
  every?: number;
  noise?: number;
  scale?: number;
  irregular?: boolean;
  /** Integer epoch labels (mmdet/Lightning) instead of HF-style fractional epochs. */
  integer?: boolean;
  /** Median loss of epochs 2, 3, ... (epoch 1 falls from 2.5 to its own level). */
  levels?: number[];
  /** Within-epoch fall of each later epoch (share of its level). */
  slope?: number;
  val?: 'rising' | 'falling';
  lr?: (epoch: number) => number;
}

/** A multi-epoch fine-tune: epoch 1 learns, later epochs start lower at each boundary and stay flat. */
function stairRun(seed: number, model: NoiseModel, o: StairOptions = {}) {
  const per = o.per ?? 150;
  const levels = o.levels ?? [0.55, 0.3, 0.18, 0.12];
  const E = levels.length;
  const every = o.every ?? 10;
  const n = per * E;
  const x = steps(n, { every, irregular: o.irregular ?? false, seed });
  const epoch = Float64Array.from(x, (v, i) => (o.integer ? Math.floor(i / per) + 1 : (v + every) / (per * every)));
  const shape = (i: number) => {
    const e = Math.floor(i / per);
    const p = (i % per) / per;
    if (e === 0) return levels[0] + 2 * Math.exp(-p * 15);
    return levels[e] * (1 + (o.slope ?? 0) * (0.5 - p));
  };
  const noise = curve({ n, shape: () => 1, noise: o.noise ?? 0.05, model, seed, scale: o.scale ?? 1 });
  const y = Float64Array.from(noise, (v, i) => v * shape(i));
  const metrics = [{ name: 'loss', x, y, epoch }];
  if (o.val) {
    const vx = Float64Array.from({ length: E }, (_, e) => x[(e + 1) * per - 1]);
    const vy = Float64Array.from({ length: E }, (_, e) => (o.val === 'rising' ? 0.9 + 0.15 * e : 0.9 - 0.1 * e) * (o.scale ?? 1));
    metrics.push({ name: 'eval_loss', x: vx, y: vy, epoch: Float64Array.from({ length: E }, (_, e) => e + 1) });
  }
  if (o.lr) metrics.push({ name: 'learning_rate', x, y: Float64Array.from(x, (_, i) => o.lr!(Math.floor(i / per) + 1)), epoch });
  return makeRun(metrics, { axis: 'step' });
}

type Boundary = { x: number; drop: number; counts: boolean };

/** Twelve epochs: flat after the first three, then `stairs` consecutive drops, then flat again. */
function fadingStairs(stairs: number): number[] {
  const levels = [0.6, 0.6, 0.6];
  for (let k = 0; k < 9; k++) levels.push(k < stairs ? levels[levels.length - 1] * 0.72 : levels[levels.length - 1]);
  return levels;
}

runRuleTests('epoch-staircase', {
  invalid: [
    {
      name: 'memorisation that sets in at epoch 4 and fades after epoch 8: five consecutive stairs of eleven boundaries',
      run: stairRun(31, 'gaussian', { per: 40, levels: fadingStairs(5) }),
      expect: (f) => {
        const counted = (f.evidence.boundaries as Boundary[]).filter((b) => b.counts).length;
        expect(counted).toBe(5);
        expect(f.evidence.qualifying).toBe(5);
      },
    },
    {
      name: 'a TensorBoard-style log with no epoch column: the period comes from the stairs themselves',
      run: (() => {
        const stairs = stairRun(33, 'gaussian', { per: 24, levels: fadingStairs(8) });
        const loss = stairs.series.find((s) => s.name === 'loss')!;
        return makeRun([{ name: 'loss', x: loss.x, y: loss.y }], { axis: 'step' });
      })(),
      expect: (f) => {
        // 24 logs of 10 steps per epoch.
        expect(f.evidence.stepsPerEpoch).toBeCloseTo(240, -1);
        expect(f.evidence.qualifying).toBeGreaterThanOrEqual(5);
      },
    },
    {
      name: 'four-epoch fine-tune, Gaussian noise, HF fractional epochs',
      run: stairRun(1, 'gaussian'),
      expect: (f) => {
        expect(f.evidence.stepsPerEpoch).toBe(1500);
        const b = f.evidence.boundaries as Boundary[];
        expect(b.map((s) => s.x)).toEqual([1490, 2990, 4490]);
        expect(b.every((s) => s.counts)).toBe(true);
        const levels = (f.evidence.epochLevels as Array<{ level: number }>).map((e) => e.level);
        expect(levels).toHaveLength(4);
        expect(levels[1]).toBeCloseTo(0.3, 1);
        expect(levels[3]).toBeCloseTo(0.12, 1);
        expect(f.message).toContain('no validation curve');
        expect(f.remedies[0].text).toContain('1–2 instead of 4');
        expect(f.causes[0].id).toBe('memorising');
      },
    },
    {
      name: 'heavy-tailed noise, irregular steps, scale 1e3',
      run: stairRun(2, 'heavy', { irregular: true, scale: 1e3 }),
      expect: (f) => {
        expect(f.evidence.qualifying).toBe(3);
        const drops = (f.evidence.boundaries as Boundary[]).map((s) => s.drop);
        expect(drops[0]).toBeGreaterThan(0.35);
        expect(drops[0]).toBeLessThan(0.55);
      },
    },
    {
      name: 'AR(1) noise, scale 1e-3, integer epoch labels, slightly sloped treads',
      run: stairRun(3, 'ar1', { scale: 1e-3, integer: true, slope: 0.1 }),
      expect: (f) => {
        expect(f.evidence.qualifying as number).toBeGreaterThanOrEqual(2);
        expect(f.range?.from).toBe(1500);
      },
    },
    {
      name: 'five epochs with a rising eval loss logged per epoch',
      run: stairRun(4, 'gaussian', { levels: [0.6, 0.35, 0.22, 0.15, 0.11], val: 'rising' }),
      expect: (f) => {
        expect(f.message).toContain('eval_loss');
        expect(f.remedies.map((r) => r.id)).not.toContain('hold-out');
        expect((f.evidence.epochLevels as unknown[]).length).toBe(5);
      },
    },
  ],
  valid: [
    ...(['gaussian', 'heavy', 'ar1'] as const).map((model, k) => ({
      name: `smooth per-step decline with no epoch column, ${model} noise: no period to find`,
      run: makeRun(
        [{ name: 'loss', x: steps(480, { every: 10, seed: 40 + k }), y: curve({ n: 480, shape: (t) => decay(t, 2.5, 0.1, 5), noise: 0.15, model, seed: 40 + k }) }],
        { axis: 'step' },
      ),
    })),
    { name: 'four consecutive stairs of eleven boundaries are no sustained staircase', run: stairRun(32, 'gaussian', { per: 40, levels: fadingStairs(4) }) },
    ...(['gaussian', 'heavy', 'ar1'] as const).map((model, k) => ({
      name: `healthy multi-epoch run (smooth decline), ${model} noise`,
      run: (() => {
        const n = 600;
        const x = steps(n, { every: 10, irregular: k === 1, seed: 10 + k });
        const epoch = Float64Array.from(x, (v) => (v + 10) / 1500);
        const y = curve({ n, shape: (t) => decay(t, 2.5, 0.4, 4), noise: model === 'ar1' ? 0.06 : 0.05, model, seed: 10 + k });
        return makeRun([{ name: 'loss', x, y, epoch }], { axis: 'step' });
      })(),
    })),
    {
      name: 'step drops that coincide with LR step decays at epoch boundaries (mmdet 1x)',
      run: stairRun(20, 'gaussian', { integer: true, lr: (e) => (e <= 1 ? 0.02 : e === 2 ? 0.002 : e === 3 ? 0.0002 : 0.00002) }),
    },
    {
      name: 'only two epochs (one boundary)',
      run: stairRun(21, 'gaussian', { levels: [0.55, 0.3] }),
    },
    {
      name: 'epochs that keep falling within themselves as much as across boundaries',
      run: stairRun(22, 'gaussian', { levels: [0.55, 0.4, 0.3, 0.22], slope: 0.4 }),
    },
    {
      name: 'a per-epoch log',
      run: makeRun([{ name: 'loss', x: steps(6, { start: 1 }), y: Float64Array.from([1.2, 0.55, 0.3, 0.18, 0.12, 0.1]) }], { axis: 'epoch' }),
    },
    {
      name: 'too few points per epoch (3)',
      run: stairRun(23, 'gaussian', { per: 3 }),
    },
  ],
});
