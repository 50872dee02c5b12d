import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { lrAt, lrData, num, pct, TRAIN_NOT_FALLING_CAUSES, xval } from '../src/core/engine/rule-helpers.js';

/**
 * Cross-entropy of a uniform guess over C classes is ln C. Inferred only for C ≤ 20 and within a
 * fifth of the gap to ln(C ± 1): beyond that, ln C values are too close to tell apart.
 */
function nearChance(level: number): number | undefined {
  for (let c = 2; c <= 20; c++) {
    if (Math.abs(level - Math.log(c)) <= 0.2 * (Math.log(c + 1) - Math.log(c))) return c;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'not-learning',
    severity: 'error',
    tags: ['verdict', 'optimisation'],
    seed: ['§T1', '§T2', '§T3', '§T4', '§T5', '§T7', '§T10', '§T11'],
    title: ref('verdict.not-learning'),
    description: {
      en: 'Verdict rule: the training loss never fell meaningfully (less than 5% below where it started, and no significant downward trend). Causes are ranked from the curve: a level at ln(C) points to initialisation or dead units, a noisy flat curve to a learning rate that is too high, a smooth flat one to a learning rate that is too low or frozen weights.',
      zh: '结论规则：训练损失从未有意义地下降（比起点低不到 5%，且没有显著的下降趋势）。原因按曲线排序：停在 ln(C) 说明初始化或神经元坏死，噪声大的平线说明学习率过高，平滑的平线说明学习率过低或权重被冻结。',
    },
    message: {
      en: '{{train}} {{state}}{{chance}}.',
      zh: '{{train}} {{state}}{{chance}}。',
    },
    fragments: {
      'chance.given': {
        en: '; that is ln({{classes}}) = {{lnC}}, the cross-entropy of a uniform guess over {{classes}} classes',
        zh: '；这正是 {{classes}} 类均匀猜测的交叉熵 ln({{classes}}) = {{lnC}}',
      },
      'chance.guessed': {
        en: '; if the task has {{classes}} classes, that is ln({{classes}}) = {{lnC}}, the cross-entropy of a uniform guess',
        zh: '；如果任务有 {{classes}} 个类别，这正是均匀猜测的交叉熵 ln({{classes}}) = {{lnC}}',
      },
      'state.oscillating': {
        en: 'has stopped making progress: since {{axis}} {{since}} it swings up and down around {{trainEnd}} with no net fall (see the oscillation finding)',
        zh: '已不再进展：从 {{axis}} {{since}} 起在约 {{trainEnd}} 上下大幅摆动，没有净下降（见震荡发现）',
      },
      'state.chance-level': { en: 'is stuck at chance level ({{trainStart}} → {{trainEnd}}; see the chance-level finding)', zh: '停在随机猜测水平（{{trainStart}} → {{trainEnd}}，见随机水平发现）' },
      'state.flat': { en: 'has not gone down: {{trainStart}} → {{trainEnd}} ({{improvement}})', zh: '没有下降：{{trainStart}} → {{trainEnd}}（{{improvement}}）' },
    },
    causes: TRAIN_NOT_FALLING_CAUSES,
    remedies: [
      { id: 'lr-sweep', seed: '§T5', text: { en: 'Sweep the learning rate by factors of 10 around {{lr}} (e.g. {{lrLow}} and {{lrHigh}}); use Adam as a default optimiser', zh: '以 10 倍为步长在 {{lr}} 附近搜索学习率（如 {{lrLow}} 和 {{lrHigh}}）；默认先用 Adam 优化器' } },
      { id: 'overfit-one-batch', seed: '§T1', text: { en: 'Check the model can overfit a single small batch; if it cannot, the bug is in the model, loss or data pipeline', zh: '检查模型能否过拟合一个小批次；如果不能，问题出在模型、损失函数或数据管线' } },
      { id: 'check-gradients', seed: '§T7', text: { en: 'Log gradient norms per layer: zeros mean dead units or a broken graph, huge values mean explosion', zh: '记录每层的梯度范数：为零说明神经元坏死或计算图断开，过大说明梯度爆炸' } },
      { id: 'init', seed: '§T2', text: { en: 'Use a standard initialisation (He for ReLU, Glorot for tanh)', zh: '使用标准初始化方法（ReLU 用 He，tanh 用 Glorot）' } },
      { id: 'check-loss', seed: '§T4', text: { en: 'Check the loss matches the task and output (cross-entropy on logits for classification, MSE for regression)', zh: '检查损失函数与任务和输出是否匹配（分类用基于 logits 的交叉熵，回归用 MSE）' } },
      { id: 'check-data', seed: '§T10', text: { en: 'Check labels line up with inputs and features are normalised', zh: '检查标签与输入是否对应，特征是否已归一化' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.id !== 'not-learning') return undefined;
    const t = ctx.train ?? ctx.heldOut;
    if (!t) return undefined;
    const reason = ctx.verdict.reason;
    const classes = ctx.options.numClasses ?? nearChance(t.endLevel);
    const atChance =
      classes !== undefined && Math.abs(t.endLevel - Math.log(classes)) <= 0.05 * Math.log(classes) ? classes : undefined;
    const lr = lrAt(ctx.lr, t.last.x);
    let causeOrder: string[];
    if (reason === 'train-oscillating') causeOrder = ['lr', 'batch-size', 'normalisation', 'data-labels'];
    else if (atChance || reason === 'chance-level') causeOrder = ['init', 'gradient-flow', 'lr', 'data-labels'];
    else if (lr !== undefined && lr === 0) causeOrder = ['lr', 'gradient-flow'];
    else if (t.relNoise > 0.05) causeOrder = ['lr', 'batch-size', 'normalisation', 'data-labels'];
    else causeOrder = ['lr', 'gradient-flow', 'regularisation', 'architecture'];
    const given = ctx.options.numClasses !== undefined;
    // The class count is only known when the user gave it; from the value alone it is a guess.
    const chance =
      !atChance || reason === 'chance-level'
        ? ''
        : ref(given ? 'chance.given' : 'chance.guessed', { classes: atChance, lnC: num(Math.log(atChance)) });
    const state =
      reason === 'train-oscillating'
        ? ref('state.oscillating', { axis: t.axis, since: xval(t.tail.from) })
        : ref(reason === 'chance-level' ? 'state.chance-level' : 'state.flat');
    return {
      confidence: ctx.verdict.confidence,
      data: {
        train: t.name,
        trainStart: num(t.startLevel),
        trainEnd: num(t.endLevel),
        improvement: pct(-t.improvement),
        state,
        chance,
        ...lrData(ctx, t.last.x, 'peak'),
      },
      evidence: { improvement: t.improvement, trend: t.trend, relNoise: t.relNoise, chanceClasses: atChance, lr },
      series: [t.name],
      range: { from: t.span[0], to: t.span[1], axis: t.axis },
      causeOrder,
    };
  },
});
