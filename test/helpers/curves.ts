/**
 * Seeded curve generators for rule tests and the accuracy benchmark. Real logs are noisy:
 * every generator takes a noise model (Gaussian, heavy-tailed Student-t, AR(1)) applied
 * multiplicatively, like minibatch noise on a loss.
 */
import { buildRun } from '../../src/core/build-run.js';
import type { RawMetric, Run } from '../../src/core/types.js';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export type NoiseModel = 'gaussian' | 'heavy' | 'ar1';

/** Unit-scale noise samples: Gaussian, Student-t with 3 degrees of freedom (scaled), or AR(1) φ=0.7. */
export function noiseSeries(n: number, model: NoiseModel, seed: number): Float64Array {
  const rand = rng(seed);
  const out = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    if (model === 'gaussian') out[i] = gaussian(rand);
    else if (model === 'heavy') {
      const z = gaussian(rand);
      const chi = (gaussian(rand) ** 2 + gaussian(rand) ** 2 + gaussian(rand) ** 2) / 3;
      out[i] = (z / Math.sqrt(chi)) * 0.577; // t3 has variance 3
    } else {
      prev = 0.7 * prev + Math.sqrt(1 - 0.49) * gaussian(rand);
      out[i] = prev;
    }
  }
  return out;
}

/** Evenly spaced (or jittered, irregular) x values. */
export function steps(n: number, options: { every?: number; irregular?: boolean; seed?: number; start?: number } = {}): Float64Array {
  const every = options.every ?? 1;
  const rand = rng(options.seed ?? 7);
  const out = new Float64Array(n);
  let x = options.start ?? 0;
  for (let i = 0; i < n; i++) {
    out[i] = Math.round(x);
    x += options.irregular ? every * (0.5 + rand()) : every;
  }
  // Keep strictly increasing after rounding.
  for (let i = 1; i < n; i++) if (out[i] <= out[i - 1]) out[i] = out[i - 1] + 1;
  return out;
}

/** Exponential decay from `start` to `floor` with `rate` e-folds over the run (t in 0..1). */
export function decay(t: number, start: number, floor: number, rate = 5): number {
  return floor + (start - floor) * Math.exp(-rate * t);
}

export interface CurveSpec {
  n: number;
  /** Shape as a function of t ∈ [0, 1]. */
  shape: (t: number) => number;
  noise?: number;
  model?: NoiseModel;
  seed?: number;
  scale?: number;
}

/** Sample a shape with multiplicative noise. */
export function curve(spec: CurveSpec): Float64Array {
  const { n, shape } = spec;
  const eps = noiseSeries(n, spec.model ?? 'gaussian', spec.seed ?? 1);
  const out = new Float64Array(n);
  const sigma = spec.noise ?? 0.02;
  const scale = spec.scale ?? 1;
  for (let i = 0; i < n; i++) {
    const t = n > 1 ? i / (n - 1) : 0;
    out[i] = scale * shape(t) * (1 + sigma * eps[i]);
  }
  return out;
}

export interface MetricSpec {
  name: string;
  x: Float64Array;
  y: Float64Array;
  epoch?: Float64Array;
}

/** A Run straight from arrays, through the same buildRun that parsed logs use. */
export function makeRun(metrics: MetricSpec[], options: { axis?: 'step' | 'epoch'; name?: string } = {}): Run {
  const axis = options.axis ?? 'epoch';
  const raw: RawMetric[] = metrics.map((m) => ({
    name: m.name,
    value: m.y,
    ...(axis === 'step' ? { step: m.x } : { epoch: m.x }),
    ...(m.epoch ? { epoch: m.epoch } : {}),
  }));
  return buildRun({ name: options.name ?? 'generated', metrics: raw, warnings: [] }, 'csv', ['generated'], { x: axis });
}
