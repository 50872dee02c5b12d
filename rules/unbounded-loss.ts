import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { num, xval } from '../src/core/engine/rule-helpers.js';
import type { SeriesProfile } from '../src/core/types.js';
import { isUnbounded } from '../src/core/verdict.js';

/** x where the curve first goes below zero (undefined if it starts there). */
function zeroCrossing(p: SeriesProfile, xs: Float64Array, ys: Float64Array): number | undefined {
  let seenPositive = false;
  for (let i = 0; i < ys.length; i++) {
    if (!Number.isFinite(ys[i])) continue;
    if (ys[i] >= 0) seenPositive = true;
    else return seenPositive ? xs[i] : undefined;
  }
  return p.span[1];
}

export default defineRule({
  meta: {
    id: 'unbounded-loss',
    severity: 'error',
    tags: ['objective', 'stability'],
    seed: ['§T4'],
    title: { en: 'Unbounded loss', zh: '损失没有下界' },
    description: {
      en: 'A loss that should be bounded below (cross-entropy, MSE, most training objectives are ≥ 0) is negative and keeps falling by orders of magnitude: its end level is negative and at least 10× the size of where it started (and of its noise), on a significant downward trend. That is not learning, it is an objective the optimiser can push to −∞. Causes are ranked by whether the loss was negative from the first log (targets or sign) or crossed zero during training (a missing output activation, e.g. a free variance).',
      zh: '本应有下界的损失（交叉熵、MSE 以及大多数训练目标都 ≥ 0）变成负数，并且持续下降几个数量级：结束水平为负，且绝对值至少是起点（以及噪声）的 10 倍，下降趋势显著。这不是在学习，而是优化器可以把目标函数推向负无穷。原因的排序取决于损失是从第一条记录起就为负（目标值或符号问题），还是在训练中才越过 0（缺少输出激活，例如方差不受约束）。',
    },
    message: {
      en: '{{series}} is negative and keeps falling: {{start}} → {{end}} ({{orders}} orders of magnitude){{when}}. A loss that should stay ≥ 0 cannot "improve" like this: the objective is wrong.',
      zh: '{{series}} 为负且一直下降：{{start}} → {{end}}（{{orders}} 个数量级）{{when}}。本应 ≥ 0 的损失不可能这样“改善”：目标函数有误。',
    },
    fragments: {
      'when.negative-from-start': { en: ', negative from the first log ({{axis}} {{firstX}})', zh: '，从第一条记录（{{axis}} {{firstX}}）起就是负数' },
      'when.crossed-zero': { en: ', crossing zero at {{axis}} {{crossedAt}}', zh: '，在 {{axis}} {{crossedAt}} 越过 0' },
    },
    causes: [
      { id: 'target-mismatch', seed: '§T4', text: { en: 'Loss and targets do not match (e.g. cross-entropy or BCE given targets outside [0, 1] or not one-hot, or integer labels to a loss that wants probabilities)', zh: '损失函数与目标值不匹配（例如交叉熵或 BCE 收到 [0, 1] 之外或非 one-hot 的目标，或者把整数标签交给需要概率的损失）' } },
      { id: 'wrong-sign', seed: '§T4', text: { en: 'Wrong sign: a quantity to maximise (likelihood, a score) is being minimised, or the loss is negated', zh: '符号错误：把应该最大化的量（似然、得分）当作损失最小化，或者损失被取了负号' } },
      { id: 'missing-activation', seed: '§T4', text: { en: 'Missing output activation: an unconstrained output (e.g. a variance or probability without softplus/sigmoid/softmax) lets a likelihood loss run to −∞', zh: '缺少输出激活：输出不受约束（例如方差或概率没有经过 softplus/sigmoid/softmax），使似然类损失可以趋向负无穷' } },
    ],
    remedies: [
      { id: 'check-targets', seed: '§T4', text: { en: 'Print a batch of targets and model outputs next to the loss formula: label range, dtype, one-hot vs index; at {{axis}} {{firstX}} the loss was already {{start}}', zh: '把一批目标值和模型输出与损失公式放在一起检查：标签范围、数据类型、one-hot 还是索引；在 {{axis}} {{firstX}} 时损失已经是 {{start}}' } },
      { id: 'check-sign', seed: '§T4', text: { en: 'Check the sign of the objective: minimise the negative log-likelihood, not the log-likelihood', zh: '检查目标函数的符号：应最小化负对数似然，而不是对数似然' } },
      { id: 'add-activation', seed: '§T4', text: { en: 'Constrain the output the loss expects: softmax/sigmoid for probabilities, softplus or exp for a variance, and prefer the fused loss on logits', zh: '约束损失所需的输出：概率用 softmax/sigmoid，方差用 softplus 或 exp，并优先使用基于 logits 的融合损失' } },
    ],
  },
  check(ctx) {
    const candidates = [ctx.train, ctx.val, ctx.test].filter((p): p is SeriesProfile => p !== undefined && isUnbounded(p));
    if (candidates.length === 0) return undefined;
    const p = candidates[0];
    const s = ctx.series(p.name);
    const crossedAt = s ? zeroCrossing(p, s.x, s.y) : undefined;
    const negativeFromStart = crossedAt === undefined;
    const orders = Math.log10(Math.abs(p.endLevel) / Math.max(Math.abs(p.startLevel), p.noise, Number.MIN_VALUE));
    const when = negativeFromStart ? ref('when.negative-from-start') : ref('when.crossed-zero', { crossedAt: xval(crossedAt!) });
    const others = candidates.slice(1).map((c) => c.name);
    const causeOrder = negativeFromStart ? ['target-mismatch', 'wrong-sign', 'missing-activation'] : ['missing-activation', 'target-mismatch', 'wrong-sign'];
    const remedyOrder = negativeFromStart ? ['check-targets', 'check-sign', 'add-activation'] : ['add-activation', 'check-targets', 'check-sign'];
    return {
      confidence: Math.min(0.99, 0.8 + 0.05 * Math.min(3, orders) + (p.trend.confidence > 0.9 ? 0.04 : 0)),
      data: {
        series: p.name,
        start: num(p.startLevel),
        end: num(p.endLevel),
        orders: num(Math.round(orders * 10) / 10),
        when,
        axis: p.axis,
        firstX: xval(p.first.x),
      },
      evidence: {
        startLevel: p.startLevel,
        endLevel: p.endLevel,
        ordersOfMagnitude: orders,
        negativeFromStart,
        crossedZeroAt: crossedAt ?? null,
        trend: p.trend,
        alsoUnbounded: others,
      },
      series: [p.name, ...others],
      range: { from: crossedAt ?? p.first.x, to: p.last.x, axis: p.axis },
      causeOrder,
      remedyOrder,
    };
  },
});
