import { defineRule } from '../src/core/engine/define-rule.js';
import { lrData, num, xval } from '../src/core/engine/rule-helpers.js';
import { gradNormSeries, normPoints } from '../src/core/grad-norm.js';
import { decimate, type XY } from '../src/core/stats/decimate.js';
import { median, rollingMedian } from '../src/core/stats/robust.js';
import { isUnbounded } from '../src/core/verdict.js';
import { mannKendall, theilSen } from '../src/core/stats/trend-tests.js';

/** The norm must grow at least this many times over the window (fitted trend and measured levels alike). */
const MIN_GROWTH = 10;
/** ... and still be growing at the end: at least this factor over the window's second half. */
const MIN_LATE_GROWTH = 2;
/** Significance of the rising Mann–Kendall trend on log(norm). */
const ALPHA = 0.01;
/**
 * Where a growth window may begin, as shares of the finite stretch: the whole run, its last half,
 * third, fifth or tenth (a blow-up that ends in NaN often takes its last few dozen steps).
 */
const WINDOW_STARTS = [0, 0.5, 2 / 3, 0.8, 0.9];
/** The trend tests are O(n²): bucket medians keep them cheap, and a lone spike cannot move them. */
const MAX_POINTS = 300;
const MIN_WINDOW_POINTS = 8;

interface NormGrowth {
  /** The window tested. */
  from: number;
  to: number;
  /** Where the growth took off: the lowest smoothed level in the window's first half (after a warm-up dip, say). */
  onset: number;
  onsetLevel: number;
  /** Median norm of the window's first and last tenth (≥ 3 points each). */
  startLevel: number;
  endLevel: number;
  /** exp(Theil–Sen slope of ln(norm) × window span). */
  fittedGrowth: number;
  lateGrowth: number;
  p: number;
}

function fittedGrowth(x: Float64Array, v: Float64Array): number {
  const { slope } = theilSen(x, v);
  return Math.exp(slope * (x[x.length - 1] - x[0]));
}

/**
 * Sustained multiplicative growth of a gradient norm: over the whole run, its last half or its
 * last third (the earliest window that qualifies), the Theil–Sen trend of ln(norm) grows it ≥ ×10,
 * the measured level at the end is ≥ ×10 the level at the window's start, a Mann–Kendall test
 * (autocorrelation-corrected) finds the rise significant, and the second half of the window still
 * grows ≥ ×2 — a rise that levelled off (warm-up) is no explosion.
 */
function findNormGrowth(points: XY): NormGrowth | undefined {
  const positive = { x: new Float64Array(points.x.length), y: new Float64Array(points.y.length) };
  let n = 0;
  for (let i = 0; i < points.y.length; i++) {
    if (points.y[i] > 0) {
      positive.x[n] = points.x[i];
      positive.y[n++] = Math.log(points.y[i]);
    }
  }
  const pts = decimate({ x: positive.x.subarray(0, n), y: positive.y.subarray(0, n) }, MAX_POINTS);
  if (pts.y.length < MIN_WINDOW_POINTS) return undefined;
  const span = pts.x[pts.x.length - 1] - pts.x[0];
  for (const share of WINDOW_STARTS) {
    const start = pts.x[0] + share * span;
    let lo = 0;
    while (lo < pts.x.length && pts.x[lo] < start) lo++;
    const x = pts.x.subarray(lo);
    const v = pts.y.subarray(lo);
    const m = v.length;
    if (m < MIN_WINDOW_POINTS) continue;
    const edge = Math.max(3, Math.round(0.1 * m));
    const startLevel = Math.exp(median(v.subarray(0, edge)));
    const endLevel = Math.exp(median(v.subarray(m - edge)));
    if (endLevel < MIN_GROWTH * startLevel) continue;
    const growth = fittedGrowth(x, v);
    if (growth < MIN_GROWTH) continue;
    const half = m >> 1;
    const lateGrowth = fittedGrowth(x.subarray(half), v.subarray(half));
    if (lateGrowth < MIN_LATE_GROWTH) continue;
    const mk = mannKendall(x, v);
    if (!(mk.z > 0 && mk.p < ALPHA)) continue;
    const smooth = rollingMedian(v, 5);
    let onset = 0;
    for (let i = 1; i < half; i++) if (smooth[i] < smooth[onset]) onset = i;
    return { from: x[0], to: x[m - 1], onset: x[onset], onsetLevel: Math.exp(smooth[onset]), startLevel, endLevel, fittedGrowth: growth, lateGrowth, p: mk.p };
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'exploding-gradients',
    severity: 'warning',
    tags: ['stability', 'gradients'],
    seed: ['§T7', '§T5', '§T2'],
    title: { en: 'Exploding gradients', zh: '梯度爆炸' },
    description: {
      en: 'The logged gradient norm grows without bound: over the whole run or its last half, third, fifth or tenth (of the stretch with finite values), a robust (Theil–Sen) trend on the log of the norm multiplies it by 10 or more, the level at the end of that stretch is at least 10× the level at its start, the rise is significant (Mann–Kendall test corrected for autocorrelation, p < 0.01), and the norm is still growing (at least ×2 over the second half of the stretch). A single spike, or a rise during warm-up that levels off, does not count. Non-finite norms are the non-finite finding\'s; the growth before them is reported here, from where it took off (the lowest smoothed level in the first half of the stretch). A loss with no lower bound drags the gradients along: that case is the unbounded-loss finding\'s.',
      zh: '记录的梯度范数无界增长：在整个训练、或（有限值部分的）后二分之一、三分之一、五分之一或十分之一中，对范数取对数后的稳健趋势（Theil–Sen）使其增长 10 倍以上，这段末尾的水平至少是开头水平的 10 倍，上升在统计上显著（经自相关校正的 Mann–Kendall 检验，p < 0.01），并且范数仍在增长（这段的后半部分至少增长 2 倍）。单个尖峰、或预热期间上升后趋于平稳，都不算。非有限值由“非有限值”发现负责；这里报告它们出现之前的增长，从增长起点（这段前半部分平滑后的最低水平）算起。没有下界的损失会把梯度一起拖向无穷：这种情况由 unbounded-loss 发现负责。',
    },
    message: {
      en: '{{series}} grew ×{{growth}} from {{axis}} {{fromX}} to {{toX}} (level {{startLevel}} → {{endLevel}}; median {{median}}, largest {{max}} at {{axis}} {{maxX}}): the gradients are exploding.',
      zh: '{{series}} 在 {{axis}} {{fromX}} 到 {{toX}} 之间增长了 {{growth}} 倍（水平 {{startLevel}} → {{endLevel}}；中位数 {{median}}，最大 {{max}}，位于 {{axis}} {{maxX}}）：梯度正在爆炸。',
    },
    causes: [
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high: each step overshoots and the next gradient is larger', zh: '学习率过高：每一步都迈过头，下一步的梯度更大' } },
      { id: 'no-clipping', seed: '§T7', text: { en: 'No gradient clipping or max-norm constraint to cap the updates', zh: '没有梯度裁剪或最大范数约束来限制更新幅度' } },
      { id: 'init-normalisation', seed: '§T2', text: { en: 'Initialisation or missing normalisation lets activations and gradients grow layer after layer', zh: '初始化不当或缺少归一化，激活值和梯度逐层放大' } },
    ],
    remedies: [
      { id: 'clip', seed: '§T7', text: { en: 'Clip the global gradient norm at about {{clipAt}}, the level the norm held before it grew', zh: '把全局梯度范数裁剪在约 {{clipAt}}，即范数开始增长之前的水平' } },
      { id: 'lower-lr', seed: '§T5', text: { en: 'Lower the learning rate from {{lr}} (where the growth starts) to about {{lrLow}}', zh: '把学习率从 {{lr}}（增长开始处）降到约 {{lrLow}}' } },
      { id: 'init-normalisation', seed: '§T2', text: { en: 'Use a standard initialisation (He / Xavier) and normalisation layers (batch / layer norm) so activations keep their scale', zh: '使用标准初始化（He / Xavier）和归一化层（批归一化 / 层归一化），让激活值保持尺度' } },
    ],
  },
  check(ctx) {
    // A loss with no lower bound drags the weights, and with them the gradients, off to infinity:
    // the unbounded-loss finding names that cause.
    if (ctx.train && isUnbounded(ctx.train)) return undefined;
    const series = gradNormSeries(ctx.run);
    if (!series) return undefined;
    const pts = normPoints(series);
    const growth = findNormGrowth(pts);
    if (!growth) return undefined;
    // Every window runs to the last finite norm.
    const end = pts.x[pts.x.length - 1];
    let maxIndex = 0;
    for (let i = 1; i < pts.y.length; i++) if (pts.y[i] > pts.y[maxIndex]) maxIndex = i;
    // The healthy level: the norm before the growth took off, or its level at the onset.
    let before = 0;
    while (before < pts.x.length && pts.x[before] < growth.onset) before++;
    const healthy = before >= 3 ? median(pts.y.subarray(0, before)) : growth.onsetLevel;
    const shown = growth.endLevel / growth.onsetLevel;
    const typical = median(pts.y);
    const lossRising = ctx.verdict.train === 'rising' || ctx.verdict.train === 'broken';
    const confidence = Math.min(0.95, 0.6 + (shown >= 100 ? 0.1 : 0) + (growth.p < 1e-4 ? 0.1 : 0) + (lossRising ? 0.1 : 0));
    return {
      confidence,
      data: {
        series: series.name,
        axis: series.axis,
        growth: num(shown),
        fromX: xval(growth.onset),
        toX: xval(end),
        startLevel: num(growth.onsetLevel),
        endLevel: num(growth.endLevel),
        median: num(typical),
        max: num(pts.y[maxIndex]),
        maxX: xval(pts.x[maxIndex]),
        clipAt: num(healthy),
        ...lrData(ctx, growth.onset),
      },
      evidence: {
        window: { from: growth.from, to: end },
        onset: { x: growth.onset, level: growth.onsetLevel },
        levelAtStart: growth.startLevel,
        levelAtEnd: growth.endLevel,
        fittedGrowth: growth.fittedGrowth,
        lateGrowth: growth.lateGrowth,
        p: growth.p,
        first: pts.y[0],
        median: typical,
        last: pts.y[pts.y.length - 1],
        max: { x: pts.x[maxIndex], value: pts.y[maxIndex] },
        healthyLevel: healthy,
        nonFinite: series.y.length - pts.y.length,
        thresholds: { growth: MIN_GROWTH, lateGrowth: MIN_LATE_GROWTH, alpha: ALPHA },
      },
      series: [series.name],
      range: { from: growth.onset, to: end, axis: series.axis },
    };
  },
});
