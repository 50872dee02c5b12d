import { defineRule } from '../src/core/engine/define-rule.js';
import { ref, type MessageRef } from '../src/core/engine/messages.js';
import { lrData, num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { isUnbounded } from '../src/core/verdict.js';

export default defineRule({
  meta: {
    id: 'diverging',
    severity: 'error',
    tags: ['verdict', 'stability'],
    seed: ['§C5', '§T4', '§T5', '§T7', '§T10', '§T11'],
    title: ref('verdict.diverging'),
    description: {
      en: 'Verdict rule: the training loss runs away — it rises significantly (by 20% or more above its best, beyond noise), turns NaN/Inf and stays there, or (for a loss that should be bounded below) falls negative by orders of magnitude. Causes are ranked by which of these happened.',
      zh: '结论规则：训练损失失控——显著上升（超过最佳值 20% 以上且超出噪声），变成 NaN/Inf 且不再恢复，或者（对于本应有下界的损失）变成负数并下降几个数量级。原因按发生的情形排序。',
    },
    message: {
      en: '{{series}} {{what}}.',
      zh: '{{series}} {{what}}。',
    },
    fragments: {
      'what.non-finite': {
        en: 'became {{value}} at {{axis}} {{at}} and never recovered (last finite value {{lastFinite}} at {{axis}} {{lastX}})',
        zh: '在 {{axis}} {{at}} 变成 {{value}} 且再未恢复（最后的有限值 {{lastFinite}}，位于 {{axis}} {{lastX}}）',
      },
      'what.unbounded': {
        en: 'is negative and keeps falling: {{start}} → {{end}}. A loss that should be bounded below (cross-entropy and MSE never go below 0) "improving" like this means the objective is wrong',
        zh: '是负数并且一路下降：{{start}} → {{end}}。本应有下界的损失（交叉熵、MSE 不会小于 0）这样“下降”说明目标函数有误',
      },
      'what.rose': {
        en: 'rose {{rise}} after its best ({{best}} at {{axis}} {{bestX}}) to {{end}}',
        zh: '在 {{axis}} {{bestX}} 达到最低 {{best}} 后上升了 {{rise}}，当前为 {{end}}',
      },
    },
    causes: [
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high', zh: '学习率过高' } },
      { id: 'exploding-gradients', seed: '§T7', text: { en: 'Exploding gradients', zh: '梯度爆炸' } },
      { id: 'wrong-loss', seed: '§T4', text: { en: 'Loss function does not fit the targets (wrong sign, missing activation, loss/target mismatch)', zh: '损失函数与目标不匹配（符号错误、缺少激活函数、损失与标签不对应）' } },
      { id: 'bad-data', seed: '§T10', text: { en: 'Bad batches: corrupt inputs, read errors, extreme labels', zh: '坏批次：输入损坏、读取错误、极端标签' } },
      { id: 'normalisation', seed: '§T11', text: { en: 'Unnormalised input features', zh: '输入特征未归一化' } },
    ],
    remedies: [
      { id: 'lower-lr', seed: '§T5', text: { en: 'Lower the learning rate from {{lr}} to {{lrLow}}, with a warm-up', zh: '把学习率从 {{lr}} 降到 {{lrLow}}，并加入预热（warm-up）' } },
      { id: 'clip', seed: '§T7', text: { en: 'Clip gradients (e.g. max norm 1.0)', zh: '做梯度裁剪（例如最大范数 1.0）' } },
      { id: 'check-loss', seed: '§T4', text: { en: 'Check the loss against the targets: range of labels, output activation, sign', zh: '对照目标检查损失函数：标签取值范围、输出激活函数、符号' } },
      { id: 'inspect-batches', seed: '§T10', text: { en: 'Inspect the batches around {{axis}} {{at}} for corrupt or extreme samples', zh: '检查 {{axis}} {{at}} 附近的批次是否有损坏或极端样本' } },
      { id: 'normalise', seed: '§T11', text: { en: 'Normalise input features', zh: '对输入特征做归一化' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.id !== 'diverging') return undefined;
    const candidates = [ctx.train, ctx.heldOut].filter((p) => p !== undefined);
    const p = candidates.find((c) => c.nonFinite.count > 0) ?? ctx.train ?? ctx.heldOut;
    if (!p) return undefined;
    let what: MessageRef;
    let at: number;
    let causeOrder: string[];
    if (p.nonFinite.first && p.last.x < p.span[1]) {
      at = p.nonFinite.first.x;
      what = ref('what.non-finite', { value: p.nonFinite.first.value, lastFinite: num(p.last.value), lastX: xval(p.last.x) });
      causeOrder = ['exploding-gradients', 'lr-too-high', 'bad-data', 'wrong-loss'];
    } else if (isUnbounded(p)) {
      at = p.first.x;
      what = ref('what.unbounded', { start: num(p.startLevel), end: num(p.endLevel) });
      causeOrder = ['wrong-loss', 'bad-data'];
    } else {
      at = p.min.x;
      what = ref('what.rose', { rise: pct(p.relRiseSinceMin), best: num(p.min.value), bestX: xval(p.min.x), end: num(p.endLevel) });
      causeOrder = ['lr-too-high', 'exploding-gradients', 'bad-data', 'normalisation'];
    }
    return {
      confidence: ctx.verdict.confidence,
      data: { series: p.name, what, axis: p.axis, at: xval(at), ...lrData(ctx, at, 'peak') },
      evidence: {
        reason: ctx.verdict.reason,
        nonFinite: p.nonFinite,
        min: p.min,
        endLevel: p.endLevel,
        riseSinceMin: { relative: p.relRiseSinceMin, noiseUnits: p.riseSinceMin },
        tail: p.tail,
      },
      series: [p.name],
      range: { from: at, to: p.span[1], axis: p.axis },
      causeOrder,
      remedyOrder: causeOrder[0] === 'wrong-loss' ? ['check-loss', 'inspect-batches', 'normalise'] : ['lower-lr', 'clip', 'inspect-batches', 'normalise', 'check-loss'],
    };
  },
});
