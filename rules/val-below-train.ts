import { defineRule } from '../src/core/engine/define-rule.js';
import { num, pct, xval } from '../src/core/engine/rule-helpers.js';

export default defineRule({
  meta: {
    id: 'val-below-train',
    severity: 'info',
    tags: ['generalisation', 'data'],
    seed: ['§C3', '§T3', '§V'],
    title: { en: 'Validation loss below training loss', zh: '验证损失低于训练损失' },
    description: {
      en: 'The held-out loss stays below the training loss at 80% or more of the evaluations (each evaluation against the training mean since the one before, not a single noisy training point), and at the last one, by more than 5% of the training level at the end. Often harmless (dropout and augmentation act only in training; a per-epoch training mean lags the end-of-epoch weights), but it can also mean leakage or an easy, duplicated validation split.',
      zh: '在 80% 以上的评估点上验证损失都低于训练损失（每次评估与上一次评估以来的训练均值比较，而不是单个有噪声的训练点），最后一次也是如此，且结束时低出训练水平的 5% 以上。这常常是无害的（dropout 与数据增强只在训练时生效；按轮平均的训练损失滞后于轮末权重），但也可能意味着数据泄漏，或验证集过于简单、与训练集重复。',
    },
    message: {
      en: '{{heldOut}} is below {{train}} at {{share}} of the evaluations, each compared with the training mean since the evaluation before (at the last one, {{axis}} {{lastX}}: {{heldOutEnd}} vs {{trainEnd}}).',
      zh: '{{heldOut}} 在 {{share}} 的评估点上低于 {{train}}（每次评估都与上一次评估以来的训练均值比较；最后一次在 {{axis}} {{lastX}}：{{heldOutEnd}} 对 {{trainEnd}}）。',
    },
    causes: [
      { id: 'train-time-regularisation', seed: '§T3', text: { en: 'Dropout, augmentation or other regularisation active only in training', zh: 'dropout、数据增强等正则化只在训练时生效' } },
      { id: 'epoch-average-lag', seed: '', text: { en: 'The training loss is averaged over the epoch, while validation uses the end-of-epoch weights', zh: '训练损失是整轮的平均值，而验证使用的是轮末权重' } },
      { id: 'leakage', seed: '§C3', text: { en: 'Validation data overlaps the training data, or is easier', zh: '验证数据与训练数据重叠，或更简单' } },
    ],
    remedies: [
      { id: 'compare-eval-mode', text: { en: 'Compute the training loss in eval mode (no dropout/augmentation) to compare like with like', zh: '在评估模式下（关闭 dropout/增强）计算训练损失，做同口径比较' } },
      { id: 'check-split', text: { en: 'Check the validation split for duplicates of training samples', zh: '检查验证集中是否有训练样本的重复' } },
    ],
  },
  check(ctx) {
    const gap = ctx.gap;
    if (!gap || !ctx.train || !ctx.heldOut || gap.n < 3) return undefined;
    // Only meaningful for a run that trains normally, on a loss that is positive.
    if (!['still-learning', 'converged', 'overfitting', 'data-problem'].includes(ctx.verdict.id)) return undefined;
    if (ctx.train.endLevel <= 0 || ctx.heldOut.endLevel <= 0) return undefined;
    if (gap.valBelowShare < 0.8 || gap.endRel > -0.05) return undefined;
    // The sentence quotes the last evaluation: it must itself be below (a mixed ending says nothing).
    if (!(gap.last.val < gap.last.trainMean)) return undefined;
    return {
      confidence: Math.min(1, gap.valBelowShare * Math.min(1, gap.n / 5)),
      data: {
        heldOut: gap.val,
        train: gap.train,
        share: pct(gap.valBelowShare),
        axis: ctx.heldOut.axis,
        lastX: xval(gap.last.x),
        heldOutEnd: num(gap.last.val),
        trainEnd: num(gap.last.trainMean),
      },
      evidence: { valBelowShare: gap.valBelowShare, startRel: gap.startRel, endRel: gap.endRel, points: gap.n },
      series: [gap.val, gap.train],
    };
  },
});
