import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { num, pct } from '../src/core/engine/rule-helpers.js';

export default defineRule({
  meta: {
    id: 'data-problem',
    severity: 'warning',
    tags: ['verdict', 'data'],
    seed: ['§C3', '§T10'],
    title: ref('verdict.data-problem'),
    description: {
      en: 'Verdict rule: the training loss is flat while the held-out loss keeps falling clearly (more than 10% over the last third). What the model learns is not reflected in the training loss, which points at the data: the splits, the labels, or how the training loss is measured.',
      zh: '结论规则：训练损失持平，而验证损失仍在明显下降（最后三分之一下降超过 10%）。模型学到的东西没有体现在训练损失上，这指向数据问题：数据划分、标签，或训练损失的计算方式。',
    },
    message: {
      en: '{{train}} is flat at about {{trainEnd}} while {{heldOut}} keeps falling ({{heldOutChange}} over the last third, to {{heldOutEnd}}).',
      zh: '{{train}} 稳定在约 {{trainEnd}}，而 {{heldOut}} 仍在下降（最后三分之一变化 {{heldOutChange}}，降到 {{heldOutEnd}}）。',
    },
    causes: [
      { id: 'split-overlap', seed: '§C3', text: { en: 'Held-out set overlaps or is much easier than the training set (leakage, duplicates)', zh: '验证集与训练集重叠或明显更简单（数据泄漏、重复样本）' } },
      { id: 'noisy-train-labels', seed: '§T10', text: { en: 'Noisy or wrong labels in the training set cap the training loss', zh: '训练集中的噪声或错误标签使训练损失降不下去' } },
      { id: 'train-time-regularisation', seed: '§T3', text: { en: 'Heavy augmentation or dropout applies only while training', zh: '强数据增强或 dropout 只在训练时生效' } },
    ],
    remedies: [
      { id: 'check-split', text: { en: 'Check the train/held-out split for duplicates and leakage', zh: '检查训练/验证划分中是否有重复样本和数据泄漏' } },
      { id: 'check-labels', seed: '§T10', text: { en: 'Audit a sample of training labels', zh: '抽查一部分训练标签' } },
      { id: 'eval-train', text: { en: 'Evaluate the training set in eval mode to compare like with like', zh: '用评估模式在训练集上计算损失，做同口径比较' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.id !== 'data-problem' || !ctx.train || !ctx.heldOut) return undefined;
    const t = ctx.train;
    const h = ctx.heldOut;
    return {
      confidence: ctx.verdict.confidence,
      data: {
        train: t.name,
        trainEnd: num(t.endLevel),
        heldOut: h.name,
        heldOutEnd: num(h.endLevel),
        heldOutChange: pct(h.tail.relChange),
      },
      evidence: { trainTail: t.tail, heldOutTail: h.tail },
      series: [t.name, h.name],
      range: { from: h.tail.from, to: h.tail.to, axis: h.axis },
    };
  },
});
