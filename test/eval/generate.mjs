#!/usr/bin/env node
/**
 * Writes the labelled accuracy benchmark into fixtures/eval/: realistic synthetic training logs
 * (Gaussian, heavy-tailed and autocorrelated noise; per-step and per-epoch logging; irregular
 * steps; scales from 1e-3 to 1e3), each with the finding ids it must produce (`expect`) and the
 * ids it may produce without counting as a false finding (`allow`), in fixtures/eval/manifest.json.
 * Deterministic: running it again rewrites the same bytes.  Usage: node test/eval/generate.mjs [outDir]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gauss, rng } from '../helpers/random.mjs';

const out = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/eval');

function noise(n, model, seed) {
  const r = rng(seed);
  const e = new Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    if (model === 'gaussian') e[i] = gauss(r);
    else if (model === 'heavy') {
      const chi = (gauss(r) ** 2 + gauss(r) ** 2 + gauss(r) ** 2) / 3;
      e[i] = (gauss(r) / Math.sqrt(chi)) * 0.577;
    } else {
      prev = 0.7 * prev + 0.714 * gauss(r);
      e[i] = prev;
    }
  }
  return e;
}
const decay = (t, start, floor, rate = 5) => floor + (start - floor) * Math.exp(-rate * t);
const fmt = (v) => (Number.isFinite(v) ? Number(v.toPrecision(7)).toString() : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');

const MODELS = ['gaussian', 'heavy', 'ar1'];
const SCALES = [1e-3, 1, 1e3];

/**
 * Build one log. `train(t)` and optional `val(t)`, `test(t)`, `lr(t, step, epoch)` are shapes on
 * t ∈ [0,1]; per-step logs have 600 train rows and 20 evaluations, per-epoch logs 40 rows.
 */
function makeLog({ train, val, test, lr, perStep, model, seed, scale, irregular, trainNoise, valNoise, stepsPerEpoch, n }) {
  const rows = n ?? (perStep ? 600 : 40);
  const r = rng(seed + 1000);
  const xs = [];
  let x = 0;
  for (let i = 0; i < rows; i++) {
    xs.push(Math.round(x));
    x += perStep ? (irregular ? 10 * (0.5 + r()) : 10) : irregular ? 0.5 + r() : 1;
    if (i > 0 && xs[i] <= xs[i - 1]) xs[i] = xs[i - 1] + 1;
  }
  const span = xs[rows - 1] - xs[0] || 1;
  const eTrain = noise(rows, model, seed);
  const eVal = noise(rows, model, seed + 7);
  const eTest = noise(rows, model, seed + 13);
  const evalEvery = perStep ? Math.floor(rows / 20) : 1;
  const perEpoch = stepsPerEpoch ?? (perStep ? 60 : 1);
  const header = [perStep ? 'step' : 'epoch', ...(perStep ? ['epoch'] : []), 'train_loss', ...(val ? ['val_loss'] : []), ...(test ? ['test_loss'] : []), ...(lr ? ['lr'] : [])];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const t = (xs[i] - xs[0]) / span;
    const epoch = perStep ? Math.floor(i / perEpoch) : xs[i];
    const tn = trainNoise ?? (perStep ? 0.06 : 0.02);
    const cells = [String(xs[i])];
    if (perStep) cells.push(String(epoch));
    cells.push(fmt(scale * train(t, i, epoch) * (1 + tn * eTrain[i])));
    const isEval = (i + 1) % evalEvery === 0;
    if (val) cells.push(isEval ? fmt(scale * val(t, i, epoch) * (1 + (valNoise ?? 0.015) * eVal[i])) : '');
    if (test) cells.push(isEval ? fmt(scale * test(t, i, epoch) * (1 + (valNoise ?? 0.015) * eTest[i])) : '');
    if (lr) cells.push(fmt(lr(t, i, epoch)));
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const TRAIN = {
  falling: (t) => decay(t, 2.0, 0.15, 2.5),
  flat: (t) => decay(t, 2.0, 0.4, 14),
  rising: (t) => decay(t, 2.0, 0.4, 10) + (t > 0.5 ? 6 * (t - 0.5) ** 2 : 0),
  never: () => 1.1,
};
const HELD = {
  falling: (t) => decay(t, 2.2, 0.3, 2.5),
  flat: (t) => decay(t, 2.2, 0.55, 14),
  rising: (t) => decay(t, 2.2, 0.5, 10) + 1.2 * Math.max(0, t - 0.35) ** 1.5,
};
function verdictFor(train, held) {
  if (train === 'rising') return 'diverging';
  // A training loss that never fell beside a held-out loss that falls is the trend table's §C3
  // row (a data problem), not "not learning": the never-fell pre-check must not hide it.
  // The "flat" held-out shape falls 75% early, then plateaus: beside a train loss that never moved,
  // that clear fall is §C3 too.
  if (train === 'never') return held === 'falling' || held === 'flat' ? 'data-problem' : 'not-learning';
  if (held === 'none') return train === 'falling' ? 'still-learning' : 'converged';
  if (held === 'rising') return 'overfitting';
  if (train === 'falling') return held === 'falling' ? 'still-learning' : 'overfitting';
  return held === 'falling' ? 'data-problem' : 'converged';
}
/** Info-level findings that describe a case without being wrong about it. */
const INFO = ['lr-schedule', 'noisy-validation', 'val-below-train', 'slow-convergence'];

const cases = [];
function add(name, log, expect, allow = [], healthy = false) {
  cases.push({ file: `${name}.csv`, expect, allow: [...new Set([...INFO, ...allow])], healthy, log });
}

/**
 * Two splits with disjoint seeds: `dev` (seen while the rules were tuned) and `holdout` (fresh
 * seeds drawn afterwards, to tell whether the figures generalise).
 */
for (const [prefix, seedBase] of [['', 1], ['holdout-', 50_000]]) {
// 1. The verdict table: every train × held-out combination under every noise model.
let seed = seedBase;
for (const train of Object.keys(TRAIN)) {
  for (const held of ['falling', 'flat', 'rising', 'none']) {
    for (const model of MODELS) {
      for (const perStep of [false, true]) {
        seed++;
        const verdict = verdictFor(train, held);
        const scale = SCALES[seed % 3];
        const log = makeLog({ train: TRAIN[train], val: held === 'none' ? undefined : HELD[held], perStep, model, seed, scale, irregular: seed % 2 === 0 });
        const healthy = verdict === 'still-learning' || verdict === 'converged';
        // A never-falling train loss sits at 1.1 ≈ ln 3: the value-only chance hint is fair whatever the verdict.
        const allow = verdict === 'diverging' ? ['loss-spikes', 'early-instability'] : train === 'never' ? ['chance-level', 'oscillation'] : [];
        add(`${prefix}table-${train}-${held}-${model}-${perStep ? 'step' : 'epoch'}`, log, [verdict], allow, healthy);
      }
    }
  }
}

// 2. Symptoms, each under every noise model, per-step, with varying scale and irregular steps.
for (const model of MODELS) {
  for (const variant of [0, 1]) {
    seed++;
    const scale = SCALES[(seed + variant) % 3];
    const irregular = variant === 1;
    const base = { perStep: true, model, seed, scale, irregular };
    const tag = `${model}-${variant}`;

    // NaN from mid-run on, after a blow-up: the run broke.
    add(`${prefix}nan-midrun-${tag}`, makeLog({ ...base, train: (t) => (t < 0.6 ? decay(t, 2.3, 0.5, 4) * (t > 0.5 ? Math.exp((t - 0.5) * 40) : 1) : NaN), lr: () => 0.1 }), ['non-finite', 'diverging'], ['loss-spikes']);
    // One NaN batch that the run survives.
    add(`${prefix}nan-once-${tag}`, makeLog({ ...base, train: (t, i) => (i === 300 ? NaN : TRAIN.falling(t)) }), ['non-finite', 'still-learning']);
    // Transient spikes that recover.
    add(`${prefix}spikes-${tag}`, makeLog({ ...base, train: (t, i) => TRAIN.falling(t) * ([150, 320, 470].includes(i) ? 6 : 1) }), ['loss-spikes', 'still-learning']);
    // Zig-zag with no progress: lr too high.
    add(`${prefix}oscillation-${tag}`, makeLog({ ...base, train: (t, i) => 1.2 * (1 + 0.25 * (i % 2 ? 1 : -1)), trainNoise: 0.02, lr: () => 0.5 }), ['oscillation'], ['not-learning', 'converged']);
    // A per-epoch repeating pattern in per-step loss: data not shuffled.
    add(`${prefix}sawtooth-${tag}`, makeLog({ ...base, train: (t, i) => TRAIN.flat(t) * (1 + 0.35 * Math.sin((2 * Math.PI * (i % 60)) / 60)), stepsPerEpoch: 60, trainNoise: 0.03 }), ['epoch-sawtooth'], ['converged', 'still-learning', 'oscillation']);
    // The same period coming from a cyclic learning rate is expected, not a symptom.
    add(
      `${prefix}cyclic-lr-${tag}`,
      makeLog({ ...base, train: (t, i) => TRAIN.flat(t) * (1 + 0.2 * Math.sin((2 * Math.PI * (i % 60)) / 60)), stepsPerEpoch: 60, trainNoise: 0.03, lr: (t, i) => 1e-3 * (1.5 + Math.sin((2 * Math.PI * (i % 60)) / 60)) }),
      ['converged'],
      ['still-learning', 'oscillation'],
      true,
    );
    // Stuck at ln(10): uniform guess over 10 classes.
    add(`${prefix}chance-${tag}`, makeLog({ ...base, scale: 1, train: () => Math.log(10), trainNoise: 0.004 }), ['chance-level', 'not-learning']);
    // Drops at each epoch boundary, flat within epochs: memorising.
    add(`${prefix}staircase-${tag}`, makeLog({ ...base, train: (t, i, epoch) => 0.6 * 0.55 ** epoch + 0.05, stepsPerEpoch: 150, trainNoise: 0.04 }), ['epoch-staircase'], ['still-learning', 'converged']);
    // A loss that should be bounded below runs off to large negative values.
    add(`${prefix}unbounded-${tag}`, makeLog({ ...base, train: (t) => -3.4 * Math.exp(t * 7), trainNoise: 0.02 }), ['unbounded-loss', 'diverging']);
    // Blows up in the first few percent (warm-up too short), then recovers.
    add(`${prefix}early-instability-${tag}`, makeLog({ ...base, train: (t) => TRAIN.falling(t) * (t < 0.04 ? 1 + 12 * Math.sin((Math.PI * t) / 0.04) : 1) }), ['early-instability', 'still-learning'], ['loss-spikes']);
    // Still falling steadily with a long way to go.
    add(`${prefix}slow-${tag}`, makeLog({ ...base, train: (t) => 2.0 - 1.0 * t, val: (t) => 2.2 - 1.0 * t }), ['slow-convergence', 'still-learning']);
    // A validation curve too noisy to judge.
    add(`${prefix}noisy-val-${tag}`, makeLog({ ...base, train: TRAIN.falling, val: HELD.falling, valNoise: 0.35 }), ['noisy-validation'], ['still-learning', 'converged', 'overfitting', 'data-problem']);
    // Train and val fine, test much worse.
    add(`${prefix}test-shift-${tag}`, makeLog({ ...base, train: TRAIN.falling, val: HELD.falling, test: (t) => 1.8 * HELD.falling(t) }), ['test-shift', 'still-learning']);
    // Healthy run with a step-decay schedule: must stay clean.
    add(`${prefix}healthy-step-decay-${tag}`, makeLog({ ...base, train: (t) => (t < 0.5 ? decay(t, 2, 0.6, 6) : t < 0.8 ? 0.45 - 0.1 * (t - 0.5) : 0.35 - 0.05 * (t - 0.8)), val: (t) => (t < 0.5 ? decay(t, 2.2, 0.7, 6) : t < 0.8 ? 0.55 - 0.1 * (t - 0.5) : 0.46 - 0.04 * (t - 0.8)), lr: (t) => (t < 0.5 ? 0.1 : t < 0.8 ? 0.01 : 0.001) }), ['still-learning'], ['converged'], true);
    // Too short to judge.
    add(`${prefix}short-${tag}`, makeLog({ ...base, n: 3, train: TRAIN.falling }), ['insufficient-data']);
  }
}

}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const c of cases) writeFileSync(join(out, c.file), c.log);
writeFileSync(
  join(out, 'manifest.json'),
  `${JSON.stringify(cases.map(({ log, ...rest }) => rest), null, 1)}\n`,
);
console.log(`wrote ${cases.length} labelled logs to ${out}`);
