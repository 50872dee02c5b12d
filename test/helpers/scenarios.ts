/**
 * Labelled synthetic runs for the verdict table: every train × held-out combination, with
 * realistic noise. Shared by the verdict tests and the accuracy benchmark.
 */
import type { Run } from '../../src/core/types.js';
import { curve, decay, makeRun, steps, type NoiseModel } from './curves.js';

export type TrainShape = 'falling' | 'flat' | 'rising' | 'never';
export type HeldOutShape = 'falling' | 'flat' | 'rising' | 'none';

export const trainShapes: Record<TrainShape, (t: number) => number> = {
  // Still ~35% above its floor at the end: clearly still falling.
  falling: (t) => decay(t, 2.0, 0.15, 2.5),
  // Falls within the first quarter, then flat.
  flat: (t) => decay(t, 2.0, 0.4, 14),
  // Learns, then runs away: ends ~3× above its best.
  rising: (t) => decay(t, 2.0, 0.4, 10) + (t > 0.5 ? 6 * (t - 0.5) ** 2 : 0),
  // Never moves from its start.
  never: () => 1.1,
};

export const heldOutShapes: Record<Exclude<HeldOutShape, 'none'>, (t: number) => number> = {
  falling: (t) => decay(t, 2.2, 0.3, 2.5),
  flat: (t) => decay(t, 2.2, 0.55, 14),
  // U-shape: best near t = 0.35, then up by ~60%.
  rising: (t) => decay(t, 2.2, 0.5, 10) + 1.2 * Math.max(0, t - 0.35) ** 1.5,
};

export interface ScenarioOptions {
  train: TrainShape;
  heldOut: HeldOutShape;
  seed?: number;
  model?: NoiseModel;
  scale?: number;
  irregular?: boolean;
  /** per-step: 600 noisy train points + 20 evaluations; per-epoch: 40 rows. */
  logging?: 'per-step' | 'per-epoch';
  heldOutName?: string;
}

export function scenario(o: ScenarioOptions): Run {
  const seed = o.seed ?? 1;
  const perStep = (o.logging ?? 'per-epoch') === 'per-step';
  const n = perStep ? 600 : 40;
  const every = perStep ? 10 : 1;
  const x = steps(n, { every, irregular: o.irregular ?? false, seed: seed + 100 });
  const scale = o.scale ?? 1;
  const train = curve({ n, shape: trainShapes[o.train], noise: perStep ? 0.06 : 0.02, model: o.model ?? 'gaussian', seed, scale });
  const metrics = [{ name: 'train_loss', x, y: train }];
  if (o.heldOut !== 'none') {
    const m = perStep ? 20 : n;
    const stride = Math.floor(n / m);
    const vx = Float64Array.from({ length: m }, (_, i) => x[Math.min(n - 1, (i + 1) * stride - 1)]);
    const vshape = heldOutShapes[o.heldOut];
    const span = x[n - 1] - x[0];
    const vy = curve({ n: m, shape: () => 0, seed: seed + 7 }).map((_, i) => {
      const t = (vx[i] - x[0]) / span;
      return vshape(t);
    });
    const noisy = curve({ n: m, shape: (t) => 1, noise: 0.015, model: o.model ?? 'gaussian', seed: seed + 13 });
    metrics.push({ name: o.heldOutName ?? 'val_loss', x: vx, y: Float64Array.from(vy, (v, i) => v * noisy[i] * scale) });
  }
  return makeRun(metrics, { axis: perStep ? 'step' : 'epoch', name: `${o.train}/${o.heldOut}` });
}

/** What the verdict table says for each combination (README documents the same mapping). */
export function expectedVerdict(train: TrainShape, heldOut: HeldOutShape): string {
  if (train === 'rising') return 'diverging';
  // Train never fell while the held-out loss falls: the trend table's §C3 row.
  // (The "flat" held-out shape falls ~75% before its plateau: a clear fall, §C3 as well.)
  if (train === 'never') return heldOut === 'falling' || heldOut === 'flat' ? 'data-problem' : 'not-learning';
  if (heldOut === 'none') return train === 'falling' ? 'still-learning' : 'converged';
  if (heldOut === 'rising') return 'overfitting';
  if (train === 'falling') return heldOut === 'falling' ? 'still-learning' : 'overfitting';
  return heldOut === 'falling' ? 'data-problem' : 'converged';
}
