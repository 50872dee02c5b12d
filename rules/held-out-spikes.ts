import { defineRule } from '../src/core/engine/define-rule.js';
import { joined, ref, type MessageValue } from '../src/core/engine/messages.js';
import { defineOptions } from '../src/core/engine/rule-options.js';
import { lrData, num, splitMetric, xval } from '../src/core/engine/rule-helpers.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import { mad, rollingMedian } from '../src/core/stats/robust.js';

/** A held-out value this many times its running level is a blow-up, not evaluation noise. */
const HELD_OUT_SPIKE_FACTOR = 3;
/** At most this many consecutive evaluations make a spike (longer is a level change, for the verdict). */
const MAX_SPIKE_LENGTH = 3;
/** Spikes in the first share of the run are the early-instability finding's (warm-up). */
const EARLY_SHARE = 0.05;

interface HeldOutSpike {
  fromX: number;
  toX: number;
  peakX: number;
  peak: number;
  /** Running level around the spike (median of the evaluations around it). */
  level: number;
  factor: number;
}

/** The thresholds above, as the rule's options. */
const options = defineOptions({ factor: HELD_OUT_SPIKE_FACTOR, maxLength: MAX_SPIKE_LENGTH }, (z) => ({
  factor: z.number().gt(1),
  maxLength: z.number().int().positive(),
}));
type Thresholds = typeof options.defaults;

/**
 * Short blow-ups of a held-out loss: one to three consecutive evaluations at ≥ ×3 the running level
 * (a 7-evaluation rolling median, which three high points cannot move) and ≥ 6 robust noise units
 * above it, that come back down (the next evaluation within ×1.5 of the level). O(n log 7).
 */
function heldOutSpikes(x: Float64Array, y: Float64Array, thresholds: Thresholds = options.defaults): HeldOutSpike[] {
  const pts = finitePoints(x, y);
  const n = pts.y.length;
  if (n < 8 || !pts.y.every((v) => v > 0)) return [];
  const v = Float64Array.from(pts.y, Math.log);
  const level = rollingMedian(v, 7);
  const resid = Float64Array.from(v, (u, i) => u - level[i]);
  const sigma = 1.4826 * mad(resid) || 1e-12;
  const threshold = Math.max(Math.log(thresholds.factor), 6 * sigma);
  const earlyEnd = pts.x[0] + EARLY_SHARE * (pts.x[n - 1] - pts.x[0]);
  const out: HeldOutSpike[] = [];
  for (let i = 0; i < n; ) {
    if (resid[i] < threshold) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && resid[j + 1] >= threshold) j++;
    const length = j - i + 1;
    const back = j + 1 < n && v[j + 1] - level[j + 1] <= Math.log(1.5);
    if (length <= thresholds.maxLength && back && pts.x[i] > earlyEnd && i > 0) {
      let peak = i;
      for (let k = i; k <= j; k++) if (v[k] > v[peak]) peak = k;
      const base = Math.exp(level[peak]);
      out.push({ fromX: pts.x[i], toX: pts.x[j], peakX: pts.x[peak], peak: pts.y[peak], level: base, factor: pts.y[peak] / base });
    }
    i = j + 1;
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'held-out-spikes',
    severity: 'warning',
    tags: ['stability', 'validation'],
    seed: ['§T5', '§T7', '§T8'],
    title: { en: 'Held-out loss blow-ups', zh: '验证损失突然暴涨' },
    description: {
      en: 'The held-out loss jumps to at least 3× its running level (a 7-evaluation rolling median) and 6 robust noise units above it, for one to three consecutive evaluations, then comes back (the next evaluation within ×1.5 of the level). Blow-ups in the first 5% of the run are left to the early-instability finding. The held-out metric logged beside the loss is read at the same evaluation: a collapse there confirms the model itself broke for a while, not the evaluation. Checkpoints saved in those stretches are bad even if the end of the run is fine.',
      zh: '验证损失在连续 1 到 3 次评估中跳到其滚动水平（7 次评估的滚动中位数）的 3 倍以上、并高出 6 个稳健噪声单位，随后又回落（下一次评估回到该水平的 1.5 倍以内）。全程前 5% 的暴涨留给“训练初期不稳定”发现。同时读取同一次评估的验证指标：若指标同时崩溃，说明是模型本身暂时坏掉了，而不是评估出错。这些区间保存的检查点是坏的，即使训练结束时一切正常。',
    },
    message: {
      en: '{{heldOut}} blew up {{count}} time(s) and came back: {{episodes}}{{metricPart}}.',
      zh: '{{heldOut}} 暴涨了 {{count}} 次并回落：{{episodes}}{{metricPart}}。',
    },
    fragments: {
      episode: { en: '{{where}} ({{peak}}, ×{{factor}} its running level {{level}})', zh: '{{where}}（{{peak}}，为滚动水平 {{level}} 的 {{factor}} 倍）' },
      more: { en: ' and {{more}} more', zh: ' 等 {{total}} 次' },
      'metric-collapsed': {
        en: '; {{metric}} collapsed with it, to {{metricValue}} at {{metricAxis}} {{metricX}} (best {{metricBest}})',
        zh: '；同时 {{metric}} 在 {{metricAxis}} {{metricX}} 崩溃到 {{metricValue}}（最佳 {{metricBest}}）',
      },
    },
    causes: [
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high: some updates throw the weights far off and the next ones bring them back', zh: '学习率过高：某些更新把权重推得很远，之后的更新又把它拉回来' } },
      { id: 'exploding-gradients', seed: '§T7', text: { en: 'Occasional exploding gradients (a hard batch, no clipping)', zh: '偶发的梯度爆炸（难样本批次，且没有梯度裁剪）' } },
      { id: 'batch-too-small', seed: '§T8', text: { en: 'Batch too small: noisy updates, and noisy normalisation statistics at evaluation time', zh: '批太小：更新噪声大，评估时的归一化统计也不稳定' } },
    ],
    options,
    remedies: [
      { id: 'lower-lr', seed: '§T5', text: { en: 'Lower the learning rate from {{lr}} to about {{lrLow}}, or lengthen the warm-up', zh: '把学习率从 {{lr}} 降到约 {{lrLow}}，或延长预热' } },
      { id: 'clip', seed: '§T7', text: { en: 'Clip gradients (e.g. global norm 1.0)', zh: '裁剪梯度（例如全局范数 1.0）' } },
      { id: 'checkpoints', text: { en: 'Do not keep checkpoints from {{worst}}; pick the checkpoint by the held-out metric', zh: '不要使用 {{worst}} 保存的检查点；按验证指标选择检查点' } },
    ],
  },
  check(ctx, thresholds) {
    const h = ctx.heldOut;
    if (!h) return undefined;
    const series = ctx.series(h.name);
    if (!series) return undefined;
    const spikes = heldOutSpikes(series.x, series.y, thresholds);
    if (spikes.length === 0) return undefined;
    const worst = spikes.reduce((a, b) => (b.factor > a.factor ? b : a));
    const where = (s: HeldOutSpike) => (s.fromX === s.toX ? `${h.axis} ${xval(s.fromX)}` : `${h.axis} ${xval(s.fromX)}–${xval(s.toX)}`);
    const shown = spikes.slice(0, 5);
    const episodes = joined(
      [
        joined(shown.map((s) => ref('episode', { where: where(s), peak: num(s.peak), factor: num(s.factor), level: num(s.level) })), 'sep.semicolon'),
        spikes.length > shown.length ? ref('more', { more: spikes.length - shown.length, total: spikes.length }) : '',
      ],
      'sep.none',
    );
    // The metric at the worst blow-up: a collapse confirms the model broke, not the evaluation.
    const metric = splitMetric(ctx, h);
    let metricPart: MessageValue = '';
    let metricAt: { name: string; value: number; recent: number } | undefined;
    if (metric) {
      const m = ctx.series(metric.p.name);
      if (m) {
        let k = -1;
        for (let i = 0; i < m.x.length; i++) if (Number.isFinite(m.y[i]) && (k < 0 || Math.abs(m.x[i] - worst.peakX) < Math.abs(m.x[k] - worst.peakX))) k = i;
        if (k >= 0) {
          metricAt = { name: metric.p.name, value: m.y[k], recent: metric.p.endLevel };
          const collapsed = metric.better === 'higher' ? m.y[k] <= 0.5 * metric.best.value : m.y[k] >= 2 * metric.best.value;
          if (collapsed) {
            metricPart = ref('metric-collapsed', { metric: metric.p.name, metricAxis: h.axis, metricX: xval(m.x[k]), metricValue: num(m.y[k]), metricBest: num(metric.best.value) });
          }
        }
      }
    }
    return {
      confidence: Math.min(0.95, 0.6 + 0.1 * Math.min(3, Math.log(worst.factor / thresholds.factor) / Math.log(2) + 1) + (metricPart !== '' ? 0.05 : 0)),
      data: {
        heldOut: h.name,
        count: spikes.length,
        episodes,
        metricPart,
        worst: where(worst),
        ...lrData(ctx, worst.peakX, 'peak'),
      },
      evidence: {
        spikes: spikes.map((s) => ({ from: s.fromX, to: s.toX, peakX: s.peakX, peak: s.peak, level: s.level, factor: s.factor })),
        ...(metricAt ? { metricAtWorst: metricAt } : {}),
        thresholds: { factor: thresholds.factor, maxLength: thresholds.maxLength },
      },
      series: [h.name, ...(metric ? [metric.p.name] : [])],
      range: { from: spikes[0].fromX, to: spikes[spikes.length - 1].toX, axis: h.axis },
    };
  },
});
