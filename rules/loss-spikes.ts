import { findEarlyEpisodes, indexAtOrAfter, logCurve, medianOf, rollingLevel, trainSeries } from '../src/core/curve-signals.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { joined, ref } from '../src/core/engine/messages.js';
import { lrData, num, xval } from '../src/core/engine/rule-helpers.js';
import { defineOptions } from '../src/core/engine/rule-options.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';
import type { Series } from '../src/core/types.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import { mad, median } from '../src/core/stats/robust.js';
import { gradNormSeries } from '../src/core/grad-norm.js';

/** A spike must be at least this many times the running level (LLM-Foundry: 2×). */
export const SPIKE_RATIO = 2;
/** ... and this many robust standard deviations above it (modified z-score). */
export const SPIKE_Z = 7;
/** A single one-point spike, with no other spike in the run, must reach this ratio. */
export const LONE_RATIO = 2.5;
/** The thresholds above, as the rule's options (config: `"loss-spikes": ["warning", { "spikeZ": 9 }]`). */
const options = defineOptions({ spikeRatio: SPIKE_RATIO, spikeZ: SPIKE_Z, loneRatio: LONE_RATIO }, (z) => ({
  spikeRatio: z.number().gt(1),
  spikeZ: z.number().positive(),
  loneRatio: z.number().gt(1),
}));
type SpikeThresholds = typeof options.defaults;
/** Decay rate of the residual tail on the log scale (Student-t with ν ≈ 3 gives ~3; 2.5 is cautious). */
const TAIL_RATE = 2.5;

export interface Spike {
  x: number;
  /** x range of the elevated points. */
  from: number;
  to: number;
  peak: number;
  /** Running level before the spike, and after it. */
  before: number;
  after: number;
  /** peak ÷ level before */
  ratio: number;
  z: number;
  width: number;
}

/** Repeated large spikes: at least this many recovering jumps of ≥ ×5 the running level ... */
const REPEAT_COUNT = 3;
const REPEAT_RATIO = 5;
/** ... each at least this many robust standard deviations above it ... */
const REPEAT_Z = 3;
/** ... and at least this share of the points (one jump in 200). */
const REPEAT_SHARE = 0.005;
/** A loss jump counts with a gradient-norm spike when the norm is at least ×10 its running level. */
const GRAD_SPIKE_RATIO = 10;
/** ... and at least this many such coinciding jumps (each ≥ ×2 and ≥ 3 σ) are spikes. */
const GRAD_CO_SPIKES = 2;

interface Residuals {
  /** ln(loss) minus its centred rolling median. */
  r: Float64Array;
  window: number;
  sigma: number;
}

function residuals(v: Float64Array): Residuals {
  const n = v.length;
  const window = Math.max(10, Math.round(0.05 * n));
  const level = rollingLevel(v, window | 1);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = v[i] - level[i];
  return { r, window, sigma: 1.4826 * mad(r) || 1e-12 };
}

/**
 * Group flagged points into events (a gap of one point joins them) and keep the events that look
 * like spikes: short (≤ max(3, half a window)), away from the edges and from `skip`, at least
 * `minRise` above the level before, and back near that level afterwards.
 */
function flaggedEvents(
  x: Float64Array,
  v: Float64Array,
  res: Residuals,
  flagged: Uint8Array,
  minRise: number,
  skip: ReadonlyArray<{ from: number; to: number }>,
): Spike[] {
  const n = v.length;
  const half = Math.ceil(res.window / 2);
  const events: Spike[] = [];
  for (let i = 0; i < n; i++) {
    if (!flagged[i]) continue;
    let j = i;
    while (j + 1 < n && (flagged[j + 1] || (j + 2 < n && flagged[j + 2]))) j++;
    const a = i;
    const b = j;
    i = j;
    if (a < Math.min(half, 5) || b + 3 >= n) continue;
    if (b - a + 1 > Math.max(3, half)) continue;
    if (skip.some((r) => x[b] >= r.from && x[a] <= r.to)) continue;
    const before = medianOf(v, a - half, a);
    const after = medianOf(v, b + 1, b + 1 + half);
    let peakIndex = a;
    for (let k = a; k <= b; k++) if (v[k] > v[peakIndex]) peakIndex = k;
    const rise = v[peakIndex] - before;
    if (rise < minRise) continue;
    // Recovery: the level after is back near the level before.
    if (after - before > Math.max(Math.log(1.25), 3 * res.sigma) || after - before > 0.5 * rise) continue;
    events.push({
      x: x[peakIndex],
      from: x[a],
      to: x[b],
      peak: Math.exp(v[peakIndex]),
      before: Math.exp(before),
      after: Math.exp(after),
      ratio: Math.exp(rise),
      z: rise / res.sigma,
      width: b - a + 1,
    });
  }
  return events;
}

/** How the spikes were told from noise: alone, by the gradient norm beside them, or by their count. */
type SpikeEvidence = 'outlier' | 'repeated' | 'grad-norm';

/**
 * Transient spikes of a positive loss: on ln(loss), residuals against a centred rolling median
 * (window max(10, 5% of n)); a run of consecutive points at ≥ 2× the level and ≥ 7 robust σ
 * above it, with a level before it and a level after it that is back near the level before.
 * In heavy-tailed noise a spike must also stand out from the tail: the count of background
 * residuals above half the threshold, extrapolated with an exponential tail (on the log scale a
 * multiplicative power-law noise has one), must predict < 0.25 exceedances of the spike's size.
 * Failing that, the spikes may show by the gradient norm `grad` (≥ 2 jumps of ≥ ×2 and ≥ 3 σ at steps
 * where the gradient norm is ≥ ×10 its running level) or by repetition (≥ 3 recovering jumps of
 * ≥ ×5 and ≥ 3 σ, and at least one in 200 points: minibatch noise of that width makes one now and
 * then, not several).
 */
export function findSpikes(
  x: Float64Array,
  v: Float64Array,
  skip: ReadonlyArray<{ from: number; to: number }> = [],
  stride = 1,
  grad?: Series,
  thresholds: SpikeThresholds = options.defaults,
): { spikes: Spike[]; window: number; sigma: number; evidence: SpikeEvidence } {
  const n = v.length;
  const res = residuals(v);
  const { r, window, sigma } = res;
  const threshold = Math.max(Math.log(thresholds.spikeRatio), thresholds.spikeZ * sigma);
  /** The spike-like events of the points at least `t` above the level. */
  const eventsAbove = (t: number): Spike[] => {
    const flagged = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (r[i] >= t) flagged[i] = 1;
    return flaggedEvents(x, v, res, flagged, t, skip);
  };
  let background = 0;
  for (let i = 0; i < n; i++) if (r[i] < threshold && r[i] >= threshold / 2) background++;
  // On an analysis sample each point stands for `stride` logged ones (src/core/resolution.ts).
  background *= stride;
  // Multiplicative heavy-tailed noise has an exponential upper tail on the log scale.
  const spikes = eventsAbove(threshold).filter(
    (s) => background * Math.exp(-TAIL_RATE * (Math.log(s.ratio) - threshold / 2)) < 0.25,
  );
  // A lone one-point event is the weakest evidence (heavy-tailed noise makes one now and then):
  // on its own it must reach ×2.5.
  if (spikes.length === 1 && spikes[0].width === 1 && spikes[0].ratio < thresholds.loneRatio) spikes.length = 0;
  if (spikes.length > 0) return { spikes, window, sigma, evidence: 'outlier' };

  const gradSpikeAt = gradSpikeTest(grad);
  if (gradSpikeAt) {
    const coThreshold = Math.max(Math.log(thresholds.spikeRatio), REPEAT_Z * sigma);
    const withGrad = eventsAbove(coThreshold).filter((s) => gradSpikeAt(s.from, s.to));
    if (withGrad.length >= GRAD_CO_SPIKES) return { spikes: withGrad, window, sigma, evidence: 'grad-norm' };
  }

  const repeatThreshold = Math.max(Math.log(REPEAT_RATIO), REPEAT_Z * sigma);
  const repeated = eventsAbove(repeatThreshold);
  // Heavy-tailed noise makes such jumps too, at a rate: over a long enough run they add up.
  if (repeated.length >= Math.max(REPEAT_COUNT, REPEAT_SHARE * n)) return { spikes: repeated, window, sigma, evidence: 'repeated' };
  return { spikes: [], window, sigma, evidence: 'outlier' };
}

/**
 * Whether the gradient norm spiked (≥ ×10 its running level) between two x values: a loss jump
 * with such a gradient behind it is an update blown off course, however noisy the loss.
 */
function gradSpikeTest(grad: Series | undefined): ((from: number, to: number) => boolean) | undefined {
  if (!grad) return undefined;
  const curve = logCurve(grad, 20);
  if (!curve) return undefined;
  const level = rollingLevel(curve.v, Math.max(10, Math.round(0.05 * curve.v.length)) | 1);
  const limit = Math.log(GRAD_SPIKE_RATIO);
  return (from, to) => {
    for (let i = indexAtOrAfter(curve.x, from); i < curve.x.length && curve.x[i] <= to; i++) {
      if (curve.v[i] - level[i] >= limit) return true;
    }
    return false;
  };
}

export default defineRule({
  meta: {
    id: 'loss-spikes',
    severity: 'warning',
    tags: ['stability'],
    seed: ['§T5', '§T7', '§T10'],
    title: { en: 'Loss spikes', zh: '损失尖峰' },
    description: {
      en: 'Transient jumps of the training loss well above its running level that come back down. On the log of the loss, each point is compared with a centred rolling median (window max(10, 5% of the points)): a spike is at least 2× the running level (LLM-Foundry uses 2×, Lightning rtol 2) and at least 7 robust standard deviations (modified z-score) above it, lasts at most half a window, and the level after it returns near the level before. In heavy-tailed noise a spike must also be larger than the tail of ordinary minibatch noise predicts, and a single one-point spike with no other spike in the run must reach 2.5×. When the noise is too wide for that test, spikes still count when the gradient norm shows them (at least two jumps of ≥ 2× and ≥ 3 robust SD at steps where the gradient norm is ≥ 10× its running level) or when they repeat (at least three recovering jumps of ≥ 5× and ≥ 3 robust SD, and at least one in 200 points: noise of that width makes one now and then, not several); the evidence says which (`foundBy`). Rises that early-instability reports (at the start of training) are left to that rule.',
      zh: '训练损失短暂跳到远高于当前水平、随后又回落的情况。在损失的对数上，把每个点与居中的滚动中位数（窗口为 max(10, 点数的 5%)）比较：尖峰至少是当前水平的 2 倍（LLM-Foundry 取 2 倍，Lightning 的 rtol 为 2），并高出至少 7 个稳健标准差（修正 z 分数），持续不超过半个窗口，且之后的水平回到尖峰之前附近。在重尾噪声中，尖峰还必须大于普通小批量噪声尾部所能解释的幅度；如果全程只有一个单点尖峰，它必须达到 2.5 倍。若噪声太宽、上述检验无法区分，尖峰在两种情况下仍然成立：梯度范数同时出现尖峰（至少两次跳升 ≥ 2 倍且 ≥ 3 个稳健标准差，且该步的梯度范数 ≥ 其当前水平的 10 倍），或尖峰反复出现（至少三次 ≥ 5 倍且 ≥ 3 个稳健标准差并回落的跳升，且至少每 200 个点一次：这种宽度的噪声偶尔会出现一次，但不会出现多次）；证据中的 foundBy 说明依据。early-instability 规则报告的训练初期上升交给该规则。',
    },
    message: {
      en: '{{series}} {{spiked}}: largest ×{{maxRatio}} the running level ({{maxPeak}} vs {{maxBefore}}) at {{axis}} {{maxX}}; spikes at {{axis}} {{xs}}{{gradPart}}.',
      zh: '{{series}} {{spiked}}：最大一次是当前水平的 {{maxRatio}} 倍（{{maxPeak}}，此前约 {{maxBefore}}），位于 {{axis}} {{maxX}}；尖峰位置：{{axis}} {{xs}}{{gradPart}}。',
    },
    fragments: {
      'spiked.once': { en: 'spiked once and recovered', zh: '出现 1 次尖峰，随后恢复' },
      'spiked.times': { en: 'spiked {{count}} times and recovered each time', zh: '出现 {{count}} 次尖峰，每次都恢复' },
      grad: {
        en: '; {{gradCoSpikes}} of them with a gradient-norm spike (up to {{gradPeak}}, median {{gradTypical}})',
        zh: '；其中 {{gradCoSpikes}} 次伴随梯度范数尖峰（最高 {{gradPeak}}，中位数 {{gradTypical}}）',
      },
    },
    causes: [
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high: some updates overshoot', zh: '学习率过高：部分更新步子迈得太大' } },
      { id: 'bad-batches', seed: '§T10', text: { en: 'Bad batches: corrupt or mislabelled samples, read errors, extreme inputs', zh: '坏批次：损坏或标错的样本、读取错误、极端输入' } },
      { id: 'exploding-gradients', seed: '§T7', text: { en: 'Exploding gradients on rare batches', zh: '在个别批次上梯度爆炸' } },
    ],
    remedies: [
      { id: 'clip', seed: '§T7', text: { en: 'Clip gradients (e.g. max norm 1.0) so one batch cannot move the weights ×{{maxRatio}} off course', zh: '做梯度裁剪（例如最大范数 1.0），避免单个批次把权重带偏（本次最大尖峰 {{maxRatio}} 倍）' } },
      { id: 'lower-lr', seed: '§T5', text: { en: 'Lower the learning rate from {{lr}} (at the largest spike) to about {{lrLow}}, or add / lengthen the warm-up', zh: '把学习率从 {{lr}}（最大尖峰处）降到约 {{lrLow}}，或加入 / 延长预热' } },
      { id: 'inspect-batches', seed: '§T10', text: { en: 'Inspect the batches fed at {{axis}} {{xs}}: if the same samples come back, clean or drop them', zh: '检查 {{axis}} {{xs}} 处输入的批次：如果总是同样的样本，清洗或剔除它们' } },
    ],
    options,
  },
  check(ctx, thresholds) {
    const series = trainSeries(ctx.run, ctx.series);
    const curve = logCurve(series, 20);
    if (!series || !curve) return undefined;
    const early = findEarlyEpisodes(curve).map((e) => ({ from: e.startX, to: e.endX }));
    const grad = gradNormSeries(ctx.run);
    const { spikes, window, sigma, evidence: foundBy } = findSpikes(curve.x, curve.v, early, curve.stride, grad, thresholds);
    if (spikes.length === 0) return undefined;
    const largest = spikes.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const xs = joined([spikes.slice(0, 8).map((s) => xval(s.x)).join(', '), spikes.length > 8 ? ref('list.etc') : ''], 'sep.none');

    // Rank causes from what coincides with the spikes.
    let gradCoSpikes = 0;
    /** The largest gradient norm seen with a spike, and the norm's median: quoted when they coincide. */
    let gradPeak = Number.NEGATIVE_INFINITY;
    let gradTypical = Number.NaN;
    if (grad) {
      const g = finitePoints(grad.x, grad.y);
      if (g.y.length >= 10) {
        const typical = median(g.y);
        gradTypical = typical;
        for (const s of spikes) {
          let maxNear = Number.NEGATIVE_INFINITY;
          for (let i = indexAtOrAfter(g.x, s.from - 1e-9); i < g.x.length && g.x[i] <= s.to + 1e-9; i++) maxNear = Math.max(maxNear, g.y[i]);
          if (maxNear >= 3 * typical) {
            gradCoSpikes++;
            gradPeak = Math.max(gradPeak, maxNear);
          }
        }
      }
    }
    const schedule = ctx.lr ? detectLrSchedule(ctx.lr) : undefined;
    let nearPeakLr = 0;
    if (schedule && !schedule.constant) {
      for (const s of spikes) {
        const w = schedule.warmup;
        const afterWarmup = w && s.x >= w.from && s.x <= w.to + 0.1 * (schedule.span[1] - schedule.span[0]);
        const afterRise = schedule.rises.some((r) => s.x >= r.prevX && s.x - r.x <= 0.05 * (schedule.span[1] - schedule.span[0]));
        if (afterWarmup || afterRise) nearPeakLr++;
      }
    }
    const single = spikes.every((s) => s.width === 1);
    let causeOrder: string[];
    if (gradCoSpikes > 0 && gradCoSpikes >= spikes.length / 2) causeOrder = ['exploding-gradients', 'lr-too-high', 'bad-batches'];
    else if (nearPeakLr > 0 && nearPeakLr >= spikes.length / 2) causeOrder = ['lr-too-high', 'exploding-gradients', 'bad-batches'];
    else if (spikes.length <= 2 && single) causeOrder = ['bad-batches', 'lr-too-high', 'exploding-gradients'];
    else causeOrder = ['lr-too-high', 'bad-batches', 'exploding-gradients'];
    const remedyFor: Record<string, string> = { 'lr-too-high': 'lower-lr', 'bad-batches': 'inspect-batches', 'exploding-gradients': 'clip' };
    const remedyOrder = causeOrder.map((c) => remedyFor[c]);

    const confidence = Math.min(0.95, 0.55 + 0.1 * Math.min(3, spikes.length) + (largest.ratio >= 4 ? 0.1 : 0));
    return {
      confidence,
      data: {
        series: series.name,
        count: spikes.length,
        spiked: ref(spikes.length === 1 ? 'spiked.once' : 'spiked.times'),
        maxRatio: num(largest.ratio),
        gradPart: gradCoSpikes === 0 ? '' : ref('grad', { gradCoSpikes, gradPeak: num(gradPeak), gradTypical: num(gradTypical) }),
        maxPeak: num(largest.peak),
        maxBefore: num(largest.before),
        maxX: xval(largest.x),
        axis: series.axis,
        xs,
        ...lrData(ctx, largest.x, 'peak'),
      },
      evidence: {
        count: spikes.length,
        spikes: spikes.map((s) => ({ x: s.x, from: s.from, to: s.to, peak: s.peak, levelBefore: s.before, levelAfter: s.after, ratio: s.ratio, z: s.z, width: s.width })),
        window,
        robustSigmaLog: sigma,
        thresholds: { ratio: thresholds.spikeRatio, z: thresholds.spikeZ },
        foundBy,
        gradNormCoSpikes: gradCoSpikes,
        ...(gradCoSpikes > 0 ? { gradNormPeak: gradPeak, gradNormMedian: gradTypical } : {}),
        nearPeakLr,
      },
      series: [series.name],
      range: { from: spikes[0].from, to: spikes[spikes.length - 1].to, axis: series.axis },
      causeOrder,
      remedyOrder,
    };
  },
});
