import { defineRule } from '../src/core/engine/define-rule.js';
import { lrData, num, xval } from '../src/core/engine/rule-helpers.js';
import { gradNormSeries, normPoints } from '../src/core/grad-norm.js';
import type { XY } from '../src/core/stats/decimate.js';
import { median, quantile } from '../src/core/stats/robust.js';

/** The norm must fall at least this many times below its early level ... */
const MIN_DROP = 1000;
/** ... and stay down: 90% of the last quarter at least this many times below it. */
const STAYS_DROP = 100;
const MIN_POINTS = 10;

interface NormCollapse {
  earlyLevel: number;
  endLevel: number;
  /** Where the norm first fell ×MIN_DROP below its early level. */
  fellAt: number;
  drop: number;
}

/**
 * A gradient norm that fell at least ×1000 below its level over the first evaluations (median of
 * the first 5%, ≥ 3 points) and stayed there: the median of the last quarter is ×1000 below it and
 * 90% of the last quarter's points are ×100 below it.
 */
function findNormCollapse(pts: XY): NormCollapse | undefined {
  const n = pts.y.length;
  if (n < MIN_POINTS) return undefined;
  const head = Math.max(3, Math.round(0.05 * n));
  const earlyLevel = median(pts.y.subarray(0, head));
  if (!(earlyLevel > 0)) return undefined;
  const tail = pts.y.subarray(n - Math.max(3, Math.round(0.25 * n)));
  const endLevel = median(tail);
  if (endLevel * MIN_DROP > earlyLevel || quantile(tail, 0.9) * STAYS_DROP > earlyLevel) return undefined;
  let i = head;
  while (i < n && pts.y[i] * MIN_DROP > earlyLevel) i++;
  return { earlyLevel, endLevel, fellAt: pts.x[Math.min(i, n - 1)], drop: endLevel > 0 ? earlyLevel / endLevel : Number.POSITIVE_INFINITY };
}

export default defineRule({
  meta: {
    id: 'vanishing-gradients',
    severity: 'warning',
    tags: ['gradients', 'trainability'],
    seed: ['§T7', '§T2', '§T4', '§T5'],
    title: { en: 'Vanishing gradients', zh: '梯度消失' },
    description: {
      en: 'The logged gradient norm fell to a thousandth of its early level (the median of the first 5% of the points) or less and stayed there (the median of the last quarter ×1000 below, 90% of its points ×100 below), while the training loss never improved (the not-learning criteria: under 5% of the starting loss removed, or not two standard errors clear of the scatter, with no falling trend). The weights have stopped receiving a signal: gradients vanish through the layers, or the units are dead. A norm that falls while the loss keeps falling is normal convergence and does not count.',
      zh: '记录的梯度范数降到其早期水平（前 5% 点的中位数）的千分之一甚至更低，并停留在那里（最后四分之一的中位数低 1000 倍，其中 90% 的点低 100 倍），同时训练损失从未改善（沿用“没有学习”的判据：下降不到起始损失的 5%，或没有超出噪声两个标准误，且没有下降趋势）。权重已经收不到信号：梯度在层间消失，或神经元已经坏死。范数下降而损失仍在下降是正常收敛，不算在内。',
    },
    message: {
      en: '{{series}} fell from {{earlyLevel}} to {{endLevel}} (below a thousandth of it from {{axis}} {{fellAt}} on) while {{train}} stayed at {{trainStart}} → {{trainEnd}}: the gradients have vanished.',
      zh: '{{series}} 从 {{earlyLevel}} 降到 {{endLevel}}（从 {{axis}} {{fellAt}} 起低于其千分之一），而 {{train}} 仍停在 {{trainStart}} → {{trainEnd}}：梯度已经消失。',
    },
    causes: [
      { id: 'saturating-activations', seed: '§T4', text: { en: 'Saturating activations (sigmoid, tanh) in a deep stack multiply the gradient by a small factor at every layer', zh: '深层网络中使用饱和激活函数（sigmoid、tanh），每一层都把梯度乘上一个小系数' } },
      { id: 'dead-relu', seed: '§T7', text: { en: 'Dead ReLUs: units pushed to always-negative inputs output zero and pass no gradient', zh: 'ReLU 坏死：输入始终为负的神经元输出为零，不再传回梯度' } },
      { id: 'init', seed: '§T2', text: { en: 'Initialisation too small for the depth: the signal shrinks layer after layer', zh: '初始化尺度相对深度太小：信号逐层衰减' } },
      { id: 'lr', seed: '§T5', text: { en: 'Learning rate so low that nothing moves, or so high that it killed the units early on', zh: '学习率太低以致参数不动，或太高以致早期就把神经元打死' } },
    ],
    remedies: [
      { id: 'activation', seed: '§T7', text: { en: 'Replace sigmoid / tanh / ReLU in hidden layers with LeakyReLU or GELU (LeakyReLU revives dead units)', zh: '把隐藏层的 sigmoid / tanh / ReLU 换成 LeakyReLU 或 GELU（LeakyReLU 能让坏死的神经元恢复）' } },
      { id: 'init', seed: '§T2', text: { en: 'Use He (Kaiming) initialisation for ReLU-like layers, Xavier for tanh', zh: 'ReLU 类层使用 He（Kaiming）初始化，tanh 层使用 Xavier 初始化' } },
      { id: 'normalisation-residual', seed: '§T7', text: { en: 'Add normalisation layers and residual connections so the gradient reaches the early layers', zh: '加入归一化层和残差连接，让梯度能传到前面的层' } },
      { id: 'check-lr', seed: '§T5', text: { en: 'Check the learning rate ({{lr}} here): try ×10 up ({{lrHigh}}) if it was too low to move, or restart lower if the units died after the first steps', zh: '检查学习率（此处为 {{lr}}）：若太低走不动，试着提高 10 倍（{{lrHigh}}）；若神经元在最初几步后坏死，降低学习率重新训练' } },
    ],
  },
  check(ctx) {
    const train = ctx.train;
    // Only a loss that never improved: a norm that shrinks while the loss falls is convergence.
    if (!train || ctx.verdict.train !== 'never-fell') return undefined;
    const series = gradNormSeries(ctx.run);
    if (!series) return undefined;
    const collapse = findNormCollapse(normPoints(series));
    if (!collapse) return undefined;
    const confidence = Math.min(0.9, 0.6 + (collapse.drop >= 1e4 ? 0.1 : 0) + (train.improvement < 0.02 ? 0.1 : 0));
    return {
      confidence,
      data: {
        series: series.name,
        axis: series.axis,
        earlyLevel: num(collapse.earlyLevel),
        endLevel: num(collapse.endLevel),
        fellAt: xval(collapse.fellAt),
        train: train.name,
        trainStart: num(train.startLevel),
        trainEnd: num(train.endLevel),
        ...lrData(ctx, collapse.fellAt),
      },
      evidence: {
        earlyLevel: collapse.earlyLevel,
        endLevel: collapse.endLevel,
        drop: Number.isFinite(collapse.drop) ? collapse.drop : null,
        fellAt: collapse.fellAt,
        trainImprovement: train.improvement,
        thresholds: { drop: MIN_DROP, staysDrop: STAYS_DROP },
      },
      series: [series.name, train.name],
      range: { from: collapse.fellAt, to: series.x[series.x.length - 1], axis: series.axis },
    };
  },
});
