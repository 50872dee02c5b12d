import { epochGrid, trainSeries } from '../src/core/curve-signals.js';
import { defineRule, type Detection, type RuleContext } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { lrData, num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { defineOptions } from '../src/core/engine/rule-options.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import { mad, median } from '../src/core/stats/robust.js';
import { typicalLevel } from '../src/core/profile.js';
import type { Run, Series } from '../src/core/types.js';

/** Lag-1 autocorrelation (corrected for the detrending filter) below which the curve zig-zags. */
export const ZIGZAG_ACF = -0.3;

export interface ZigZag {
  /** Raw and filter-corrected lag-1 autocorrelation of the detrended residuals. */
  r1: number;
  r1Corrected: number;
  /** Lag-1 autocorrelation white noise shows after the same detrending. */
  bias: number;
  band: number;
  /** Robust size of the residuals, and the net change of the trend over the window (working units). */
  amplitude: number;
  progress: number;
  /** Share of consecutive differences that change sign (2/3 for white noise, 1 for a pure zig-zag). */
  alternation: number;
  /** Residual size in the second half of the window ÷ the first half. */
  growth: number;
  from: number;
  to: number;
  n: number;
  k: number;
}

/**
 * Zig-zag test on the last half of a curve (at least 12 points). Detrending must not create or
 * hide a period-2 pattern: windows of 40+ points remove a centred 2×2k moving average (it passes
 * linear trends and cancels a period-2 zig-zag exactly, so the residual keeps it); shorter ones
 * remove a winsorised quadratic least-squares fit. Either way white noise looks slightly
 * anti-correlated afterwards; that bias is computed exactly for the filter used, and the statistic
 * is rescaled so that white noise reads 0 and a pure zig-zag −1.
 */
export function zigZag(x: Float64Array, w: Float64Array): ZigZag | undefined {
  const total = w.length;
  if (total < 12) return undefined;
  const m = Math.max(12, Math.ceil(total / 2));
  const xs = x.subarray(total - m);
  const v = w.subarray(total - m);
  const fit = m >= 40 ? movingAverageFit(v) : quadraticFit(xs, v);
  const { e, trend, bias, k } = fit;
  const len = e.length;
  if (len < 8) return undefined;
  const sd = 1.4826 * mad(e);
  if (!(sd > 0)) return undefined;
  const c = e.map((r) => Math.max(-4 * sd, Math.min(4 * sd, r)));
  const mean = c.reduce((a, b) => a + b, 0) / len;
  let c0 = 0;
  let c1 = 0;
  for (let i = 0; i < len; i++) c0 += (c[i] - mean) ** 2;
  for (let i = 0; i + 1 < len; i++) c1 += (c[i] - mean) * (c[i + 1] - mean);
  const r1 = c0 > 0 ? c1 / c0 : 0;
  const r1Corrected = (r1 - bias) / (1 + bias);
  let flips = 0;
  for (let i = 2; i < m; i++) if ((v[i] - v[i - 1]) * (v[i - 1] - v[i - 2]) < 0) flips++;
  const halfLen = len >> 1;
  const firstSd = 1.4826 * mad(e.slice(0, halfLen)) || sd;
  const secondSd = 1.4826 * mad(e.slice(halfLen)) || sd;
  const q = Math.max(2, Math.floor(trend.length / 4));
  const progress = median(trend.slice(trend.length - q)) - median(trend.slice(0, q));
  return {
    r1,
    r1Corrected,
    bias,
    band: 1.96 / Math.sqrt(len),
    amplitude: sd,
    progress,
    alternation: flips / Math.max(1, m - 2),
    growth: secondSd / firstSd,
    from: xs[0],
    to: xs[m - 1],
    n: len,
    k,
  };
}

interface Detrended {
  e: number[];
  trend: number[];
  /** Lag-1 autocorrelation white noise shows after this detrending. */
  bias: number;
  /** Moving-average half width (0 for the quadratic fit). */
  k: number;
}

function movingAverageFit(v: Float64Array): Detrended {
  const m = v.length;
  const k = Math.max(2, Math.min(10, Math.floor(m / 8)));
  const weights: number[] = [];
  for (let j = -k; j <= k; j++) weights.push((Math.abs(j) === k ? 0.5 : 1) / (2 * k));
  const e: number[] = [];
  const trend: number[] = [];
  for (let i = k; i < m - k; i++) {
    let t = 0;
    for (let j = -k; j <= k; j++) t += weights[j + k] * v[i + j];
    trend.push(t);
    e.push(v[i] - t);
  }
  // White noise through h = δ − weights.
  const h = weights.map((wt, j) => (j === k ? 1 : 0) - wt);
  let hh = 0;
  let h1 = 0;
  for (let j = 0; j < h.length; j++) {
    hh += h[j] * h[j];
    if (j + 1 < h.length) h1 += h[j] * h[j + 1];
  }
  return { e, trend, bias: h1 / hh, k };
}

/** Quadratic least squares in x (centred, scaled), refitted once after winsorising at 4 robust SD. */
function quadraticFit(xs: Float64Array, v: Float64Array): Detrended {
  const m = v.length;
  const x0 = (xs[0] + xs[m - 1]) / 2;
  const sx = (xs[m - 1] - xs[0]) / 2 || 1;
  const rows = Array.from(xs, (x) => {
    const u = (x - x0) / sx;
    return [1, u, u * u];
  });
  // (XᵀX)⁻¹ by the adjugate of the 3×3 matrix.
  const a = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const r of rows) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) a[3 * i + j] += r[i] * r[j];
  const det =
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  const inv = [
    a[4] * a[8] - a[5] * a[7], a[2] * a[7] - a[1] * a[8], a[1] * a[5] - a[2] * a[4],
    a[5] * a[6] - a[3] * a[8], a[0] * a[8] - a[2] * a[6], a[2] * a[3] - a[0] * a[5],
    a[3] * a[7] - a[4] * a[6], a[1] * a[6] - a[0] * a[7], a[0] * a[4] - a[1] * a[3],
  ].map((c) => c / det);
  const solve = (y: ArrayLike<number>) => {
    const b = [0, 0, 0];
    rows.forEach((r, i) => {
      for (let j = 0; j < 3; j++) b[j] += r[j] * y[i];
    });
    const beta = [0, 1, 2].map((i) => inv[3 * i] * b[0] + inv[3 * i + 1] * b[1] + inv[3 * i + 2] * b[2]);
    return rows.map((r) => beta[0] * r[0] + beta[1] * r[1] + beta[2] * r[2]);
  };
  let trend = solve(v);
  const sd = 1.4826 * mad(Array.from(v, (y, i) => y - trend[i]));
  if (sd > 0) trend = solve(Array.from(v, (y, i) => Math.min(trend[i] + 4 * sd, Math.max(trend[i] - 4 * sd, y))));
  const e = Array.from(v, (y, i) => y - trend[i]);
  // Residual maker M = I − X(XᵀX)⁻¹Xᵀ: white noise gives E[lag-1] ≈ Σ M(i,i+1) ÷ trace M.
  const hat = (i: number, j: number) => {
    const ri = rows[i];
    const rj = rows[j];
    let sum = 0;
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) sum += ri[p] * inv[3 * p + q] * rj[q];
    return sum;
  };
  let off = 0;
  for (let i = 0; i + 1 < m; i++) off -= hat(i, i + 1);
  return { e, trend, bias: off / (m - 3), k: 0 };
}

/**
 * Median change between consecutive epochs (log scale) from which the swings count as large
 * (≈ ±10%). Epoch averages of a healthy run move by a few percent at most; a GAN discriminator's
 * noisy but healthy loss moves by ~8%.
 */
export const LARGE_SWING = 0.1;
/**
 * Share of epochs at which the direction must turn. Random swings turn at 2/3 on average, but
 * over 15–20 epochs that share scatters by ±0.1, so 0.4 keeps nearly all of them; a steady fall
 * turns at 0.
 */
const TURNING_SHARE = 0.4;
/** The typical swing must be at least this many times the per-epoch drift of the window. */
const SWING_OVER_DRIFT = 3;
/** ... and at least this share of the first epoch's loss in absolute terms (a loss near 0 swings by large ratios). */
const MIN_ABSOLUTE_SWING = 0.04;

interface LargeSwings {
  /** Median |change| between consecutive epochs (log scale). */
  swing: number;
  /** Share of epochs where the direction turns. */
  turns: number;
  /** Net change (log scale) from the first to the last quarter of the window. */
  net: number;
  /** Window in epochs (from, to) and in the series' x (fromX, toX). */
  from: number;
  to: number;
  fromX: number;
  toX: number;
  n: number;
}

/**
 * The loss per epoch, on the log scale: the logged values of a per-epoch log, per-epoch means of
 * a per-step log that knows its epochs; undefined for a per-step log without epochs (per-batch
 * noise is not a swing).
 */
interface EpochLevels {
  epoch: number[];
  x: number[];
  /** ln of each epoch's loss. */
  v: number[];
  /** Sampling noise (log scale) of one epoch mean of a per-step log: pooled within-epoch variance ÷ steps per epoch. */
  meanNoise?: number;
}

function epochLevels(run: Run, series: Series): EpochLevels | undefined {
  const pts = finitePoints(series.x, series.y);
  const whole = () => ({ epoch: Array.from(pts.x, (_, k) => k + 1), x: Array.from(pts.x), v: Array.from(pts.y, Math.log) });
  if (series.axis === 'epoch') return { ...whole(), epoch: Array.from(pts.x) };
  const grid = epochGrid(run, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  // Keras' TensorBoard callback logs the epoch average as `epoch_loss` on a step axis that counts epochs.
  if (!grid && /^epoch[_/.]/i.test(series.name)) return whole();
  if (!grid) return undefined;
  const cuts = [Number.NEGATIVE_INFINITY, ...grid.boundaries, Number.POSITIVE_INFINITY];
  const chunks: Array<{ x: number; mean: number; count: number; ss: number }> = [];
  let i = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    let sum = 0;
    let count = 0;
    let lastX = Number.NaN;
    let logSum = 0;
    let logSq = 0;
    for (; i < pts.x.length && pts.x[i] < cuts[k + 1]; i++) {
      sum += pts.y[i];
      count++;
      lastX = pts.x[i];
      const l = Math.log(pts.y[i]);
      logSum += l;
      logSq += l * l;
    }
    if (count > 0) chunks.push({ x: lastX, mean: sum / count, count, ss: Math.max(0, logSq - (logSum * logSum) / count) });
  }
  // A partial epoch at either end (a few steps) is no epoch average.
  const typical = median(chunks.map((c) => c.count));
  const full = chunks.filter((c) => c.count >= Math.max(2, 0.5 * typical));
  const dof = full.reduce((a, c) => a + c.count - 1, 0);
  const out: EpochLevels = { epoch: full.map((_, k) => k + 1), x: full.map((c) => c.x), v: full.map((c) => Math.log(c.mean)) };
  if (dof > 0) out.meanNoise = Math.sqrt(full.reduce((a, c) => a + c.ss, 0) / dof / typical);
  return out.v.length ? out : undefined;
}

/** Large non-periodic swings of the epoch-level loss over the last half, with no net progress. */
export function largeSwings(run: Run, series: Series, largeSwing = LARGE_SWING): LargeSwings | undefined {
  const levels = epochLevels(run, series);
  if (!levels) return undefined;
  const total = levels.v.length;
  const m = Math.ceil(total / 2);
  if (m < 8) return undefined;
  const v = levels.v.slice(total - m);
  const d = v.slice(1).map((y, i) => y - v[i]);
  const swing = median(d.map(Math.abs));
  let turns = 0;
  for (let i = 1; i < d.length; i++) if (d[i] * d[i - 1] < 0) turns++;
  const turnShare = turns / Math.max(1, d.length - 1);
  const q = Math.max(2, Math.floor(m / 4));
  const net = median(v.slice(m - q)) - median(v.slice(0, q));
  // Swings, not a trend: the typical swing dwarfs the window's drift per epoch.
  const drifting = swing < (SWING_OVER_DRIFT * Math.abs(net)) / Math.max(1, m - q);
  const level = v.map(Math.exp);
  const absoluteSwing = median(level.slice(1).map((y, k) => Math.abs(y - level[k])));
  const tooSmall = absoluteSwing < MIN_ABSOLUTE_SWING * Math.exp(levels.v[0]);
  // Two epoch means of a few logged steps differ by sampling noise alone: median |Δ| = 0.674·√2·σ(mean).
  const sampling = levels.meanNoise !== undefined && swing < 2 * 0.674 * Math.SQRT2 * levels.meanNoise;
  if (!(swing >= largeSwing) || turnShare < TURNING_SHARE || drifting || tooSmall || sampling) return undefined;
  const first = total - m;
  return { swing, turns: turnShare, net, from: levels.epoch[first], to: levels.epoch[total - 1], fromX: levels.x[first], toX: levels.x[total - 1], n: m };
}

/** The finding for large non-periodic swings of the epoch-level loss, if there are any. */
function largeSwingFinding(ctx: RuleContext, series: Series, largeSwing: number): Detection | undefined {
  const big = largeSwings(ctx.run, series, largeSwing);
  if (!big) return undefined;
  const rel = (u: number) => Math.exp(u) - 1;
  const axis = ctx.run.axis === 'step' ? 'epoch' : series.axis;
  return {
    confidence: Math.min(0.9, 0.5 + 0.4 * Math.min(1, (big.swing - largeSwing) / largeSwing) + (big.turns >= 0.7 ? 0.05 : 0)),
    data: {
      series: series.name,
      pattern: ref('pattern.swings'),
      axis,
      from: xval(big.from),
      to: xval(big.to),
      detail: ref('detail.swings', { swing: pct(rel(big.swing)), turns: pct(big.turns), net: pct(rel(big.net)) }),
      ...lrData(ctx, big.toX, 'peak'),
    },
    evidence: {
      test: 'large-swings',
      window: { from: big.from, to: big.to, n: big.n },
      medianEpochChangeRel: rel(big.swing),
      amplitudeRel: rel(big.swing),
      turningShare: big.turns,
      netChangeRel: rel(big.net),
    },
    series: [series.name],
    range: { from: big.fromX, to: big.toX, axis: series.axis },
    causeOrder: ['lr-too-high', 'batch-too-small', 'normalisation'],
    remedyOrder: ['lower-lr', 'larger-batch', 'normalise'],
  };
}

/** The thresholds above, as the rule's options. */
const options = defineOptions({ zigzagAcf: ZIGZAG_ACF, largeSwing: LARGE_SWING }, (z) => ({
  zigzagAcf: z.number().min(-1).max(0),
  largeSwing: z.number().positive(),
}));

export default defineRule({
  meta: {
    id: 'oscillation',
    severity: 'warning',
    tags: ['optimisation', 'stability'],
    seed: ['§T5', '§T8', '§T11'],
    title: { en: 'Oscillating loss', zh: '损失来回震荡' },
    description: {
      en: 'The training loss swings up and down while making little net progress. Two tests. Large swings: on the epoch-level curve (the logged values of a per-epoch log, or per-epoch means of a per-step log with epochs), over the last half (at least 8 epochs), the median change between consecutive epochs is at least 10% (log scale) and 4% of the first epoch\'s loss, the direction changes at 40% of the epochs or more (random swings turn at about 2/3), the typical swing is at least 3× the stretch\'s drift per epoch, and, for epoch means of a per-step log, larger than their own sampling noise — the non-periodic 震荡 of a learning rate that is too high or a batch that is too small. Zig-zag: on the last half of the curve (at least 12 points; log scale for a positive loss) the trend is removed — a centred 2×2k moving average on 40 points or more, a winsorised quadratic fit on fewer. The lag-1 autocorrelation of the winsorised residuals, rescaled so that white noise reads 0 after that detrending and a pure zig-zag −1, must be below −0.3 and beyond its ±1.96/√n band; the residuals must be at least 1% of the level and their swing (2 robust SD) at least as large as the net change of the trend over the window.',
      zh: '训练损失上下摆动，净进展却很小。两种检验。大幅摆动：在按轮的曲线上（按轮记录的日志取记录值，按步记录且有轮次信息的日志取每轮均值），取后一半（至少 8 轮），相邻两轮之间变化的中位数至少 10%（对数尺度）且不少于第一轮损失的 4%，至少 40% 的轮次改变方向（随机摆动约 2/3），典型摆动至少是这一段每轮漂移的 3 倍，且（按步日志的每轮均值）大于其自身的抽样噪声——这是学习率过高或批太小造成的无周期震荡。锯齿：在曲线的后一半（至少 12 个点；正值损失取对数）上去掉趋势——40 个点以上用居中的 2×2k 移动平均，更少时用缩尾后的二次最小二乘拟合。缩尾后残差的滞后 1 自相关（经过换算，使白噪声在去趋势后为 0、纯锯齿为 −1）必须低于 −0.3 且超出 ±1.96/√n 的范围；残差至少是水平的 1%，且其摆幅（2 个稳健标准差）不小于窗口内趋势的净变化。',
    },
    message: {
      en: '{{series}} {{pattern}} from {{axis}} {{from}} to {{to}}: {{detail}}.',
      zh: '{{series}} 在 {{axis}} {{from}} 到 {{to}} 之间{{pattern}}：{{detail}}。',
    },
    fragments: {
      'pattern.swings': { en: 'swings up and down', zh: '大幅上下摆动' },
      'pattern.zigzag': { en: 'zig-zags', zh: '来回锯齿震荡' },
      'detail.swings': {
        en: 'a typical change of ±{{swing}} from one epoch to the next, the direction turning at {{turns}} of epochs, while the net change over that stretch is {{net}}',
        zh: '相邻两轮之间典型变化 ±{{swing}}，{{turns}} 的轮次改变方向，而这一段的净变化只有 {{net}}',
      },
      'detail.zigzag': {
        en: 'consecutive changes alternate (lag-1 autocorrelation {{r1}}), swinging about ±{{amplitude}} while the net change over that stretch is {{progress}}',
        zh: '相邻变化交替出现（滞后 1 自相关 {{r1}}），摆动约 ±{{amplitude}}，而这一段的净变化只有 {{progress}}',
      },
    },
    causes: [
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high: each step overshoots the minimum and the next one comes back', zh: '学习率过高：每一步都越过最小值，下一步又折返回来' } },
      { id: 'batch-too-small', seed: '§T8', text: { en: 'Batch too small: late training wobbles and does not settle', zh: '批大小太小：训练后期摇摆不定，无法稳定' } },
      { id: 'normalisation', seed: '§T11', text: { en: 'Features on very different scales make the optimiser zig-zag across a narrow valley', zh: '特征尺度差异很大，使优化器在狭窄的谷底来回折返' } },
    ],
    options,
    remedies: [
      { id: 'lower-lr', seed: '§T5', text: { en: 'Lower the learning rate from {{lr}} to about {{lrLow}}, or decay it when the loss stops falling', zh: '把学习率从 {{lr}} 降到约 {{lrLow}}，或在损失不再下降时衰减学习率' } },
      { id: 'larger-batch', seed: '§T8', text: { en: 'Use a larger batch (e.g. 4×) or gradient accumulation', zh: '使用更大的批（例如 4 倍）或梯度累积' } },
      { id: 'normalise', seed: '§T11', text: { en: 'Normalise input features to similar scales', zh: '把输入特征归一化到相近的尺度' } },
    ],
  },
  check(ctx, o) {
    const series = trainSeries(ctx.run, ctx.series);
    if (!series) return undefined;
    const pts = finitePoints(series.x, series.y);
    const positive = pts.y.every((y) => y > 0);
    const scale = positive ? 1 : typicalLevel(pts.y);
    const rel = (u: number) => (positive ? Math.exp(u) - 1 : u);
    const w = Float64Array.from(pts.y, (y) => (positive ? Math.log(y) : y / scale));
    const z = pts.y.length >= 12 ? zigZag(pts.x, w) : undefined;
    const fires =
      z !== undefined &&
      z.r1Corrected < o.zigzagAcf &&
      z.r1 - z.bias < -z.band &&
      z.amplitude >= 0.01 &&
      2 * z.amplitude >= Math.abs(z.progress);
    // The period-2 zig-zag is the sharper description; otherwise look for large non-periodic swings.
    if (!fires || !z) return positive ? largeSwingFinding(ctx, series, o.largeSwing) : undefined;
    let causeOrder: string[];
    if (z.growth >= 1.5) causeOrder = ['lr-too-high', 'batch-too-small', 'normalisation'];
    else if (series.axis === 'step' && z.amplitude < 0.03) causeOrder = ['batch-too-small', 'lr-too-high', 'normalisation'];
    else causeOrder = ['lr-too-high', 'batch-too-small', 'normalisation'];
    const remedyFor: Record<string, string> = { 'lr-too-high': 'lower-lr', 'batch-too-small': 'larger-batch', normalisation: 'normalise' };
    const confidence = Math.min(0.9, 0.45 + 0.5 * Math.min(1, (-z.r1Corrected - 0.3) / 0.5) + (z.alternation > 0.8 ? 0.05 : 0));
    const r1 = num(Math.round(z.r1Corrected * 100) / 100);
    const amplitude = positive ? pct(rel(z.amplitude)) : num(z.amplitude * scale);
    const progress = positive ? pct(rel(z.progress)) : num(z.progress * scale);
    return {
      confidence,
      data: {
        series: series.name,
        pattern: ref('pattern.zigzag'),
        axis: series.axis,
        from: xval(z.from),
        to: xval(z.to),
        detail: ref('detail.zigzag', { r1, amplitude, progress }),
        ...lrData(ctx, z.to, 'peak'),
      },
      evidence: {
        test: 'zig-zag',
        window: { from: z.from, to: z.to, n: z.n },
        lag1: z.r1,
        lag1Corrected: z.r1Corrected,
        whiteNoiseLag1: z.bias,
        band: z.band,
        amplitudeRel: rel(z.amplitude),
        netChangeRel: rel(z.progress),
        alternation: z.alternation,
        amplitudeGrowth: z.growth,
        movingAverageHalfWidth: z.k,
      },
      series: [series.name],
      range: { from: z.from, to: z.to, axis: series.axis },
      causeOrder,
      remedyOrder: causeOrder.map((c) => remedyFor[c]),
    };
  },
});
