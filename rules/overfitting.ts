import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { num, pct, splitMetric, xval } from '../src/core/engine/rule-helpers.js';

export default defineRule({
  meta: {
    id: 'overfitting',
    severity: 'warning',
    tags: ['verdict', 'generalisation'],
    seed: ['§C2', '§V1', '§V2', '§V3', '§V4'],
    title: ref('verdict.overfitting'),
    description: {
      en: 'Verdict rule: the held-out (val, else test) loss reached its best value and has since stayed flat or risen, while the training loss kept falling or stayed low — the model is fitting the training set at the expense of new data. Names the best epoch/step so you can restore that checkpoint.',
      zh: '结论规则：验证（或测试）损失达到最佳值后持平或回升，而训练损失继续下降或保持在低位——模型在以牺牲新数据表现为代价拟合训练集。给出最佳的轮次/步数，便于恢复该检查点。',
    },
    message: {
      en: '{{heldOut}} bottomed at {{best}} at {{axis}} {{bestX}}{{after}}, while {{train}} {{trainMove}}{{metricPart}}.',
      zh: '{{heldOut}} 在 {{axis}} {{bestX}} 达到最低 {{best}}{{after}}，而 {{train}} {{trainMove}}{{metricPart}}。',
    },
    fragments: {
      'after.never-improved': {
        en: ', never improved after that and sits at about {{recent}}, {{ratio}}× the training loss',
        zh: '，此后从未改善，最近约为 {{recent}}，是训练损失的 {{ratio}} 倍',
      },
      'after.rising': { en: ' and has risen {{rise}} since (recent median {{recent}})', zh: '，此后回升了 {{rise}}（最近的中位数 {{recent}}）' },
      'after.flat': { en: ' and has not improved since (recent median {{recent}})', zh: '，此后没有再改善（最近的中位数 {{recent}}）' },
      'metric.over-confident': {
        en: '; but {{metric}} keeps improving (best {{metricBest}} at {{axis}} {{metricBestX}}): the loss rises because the model grows over-confident on the examples it gets wrong while the task still improves — pick the checkpoint by {{metric}} ({{axis}} {{metricBestX}}), not by the loss ({{axis}} {{bestX}})',
        zh: '；但 {{metric}} 仍在改善（最佳 {{metricBest}}，{{axis}} {{metricBestX}}）：损失上升是因为模型对答错的样本越来越自信，而任务表现仍在变好——按 {{metric}} 选检查点（{{axis}} {{metricBestX}}），而不是按损失（{{axis}} {{bestX}}）',
      },
      'metric.confirms': {
        en: '; {{metric}} confirms it: best {{metricBest}} at {{axis}} {{metricBestX}}, recently about {{metricEnd}}',
        zh: '；{{metric}} 证实了这一点：最佳 {{metricBest}}（{{axis}} {{metricBestX}}），最近约 {{metricEnd}}',
      },
      'train.none': { en: '(no train loss in the log)', zh: '（日志中没有训练损失）' },
      'train.falling': { en: 'kept falling to {{trainEnd}}', zh: '继续下降到 {{trainEnd}}' },
      'train.stayed': { en: 'stayed at {{trainEnd}}', zh: '保持在 {{trainEnd}}' },
      'train-loss': { en: 'train loss', zh: '训练损失' },
    },
    causes: [
      { id: 'memorising', seed: '§V', text: { en: 'The model memorises the training set instead of the pattern', zh: '模型在记忆训练集，而不是学习规律' } },
      { id: 'too-little-data', seed: '§V3', text: { en: 'Too little training data for the model', zh: '相对模型而言训练数据太少' } },
      { id: 'too-big', seed: '§V2', text: { en: 'Model larger than the task needs', zh: '模型规模超出任务所需' } },
      { id: 'weak-regularisation', seed: '§V1', text: { en: 'Too little regularisation', zh: '正则化不足' } },
    ],
    remedies: [
      { id: 'restore-best', text: { en: 'Restore the checkpoint from {{axis}} {{bestX}} ({{heldOut}} {{best}}), or use early stopping on {{heldOut}} (e.g. patience of a few evaluations, restore best weights)', zh: '恢复 {{axis}} {{bestX}} 的检查点（{{heldOut}} = {{best}}），或在 {{heldOut}} 上使用早停（耐心值设为几次评估，并恢复最佳权重）' } },
      { id: 'regularise', seed: '§V1', text: { en: 'Add regularisation: weight decay, dropout, normalisation layers', zh: '加入正则化：权重衰减、dropout、归一化层' } },
      { id: 'augment', seed: '§V4', text: { en: 'Augment the training data (noise, crops, flips, ...)', zh: '对训练数据做增强（加噪声、裁剪、翻转等）' } },
      { id: 'more-data', seed: '§V3', text: { en: 'Get more training data', zh: '获取更多训练数据' } },
      { id: 'smaller-model', seed: '§V2', text: { en: 'Reduce the model size', zh: '减小模型规模' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.id !== 'overfitting' || !ctx.heldOut) return undefined;
    const h = ctx.heldOut;
    const t = ctx.train;
    const rising = ctx.verdict.heldOut === 'rising';
    // The percentage is computed from the two numbers the sentence quotes: the best point and the
    // recent level (median of the last tenth of the evaluations, said as such).
    const riseFromBest = (h.endLevel - h.min.value) / (Math.abs(h.min.value) || 1);
    const recent = num(h.endLevel);
    const after =
      ctx.verdict.reason === 'held-out-never-improved'
        ? ref('after.never-improved', { recent, ratio: num(h.endLevel / (t?.endLevel || 1)) })
        : rising
          ? ref('after.rising', { recent, rise: pct(riseFromBest) })
          : ref('after.flat', { recent });
    // The held-out metric read beside the loss: it confirms the overfitting, or says the loss rises
    // only because the model grows over-confident on what it gets wrong (the task still improves).
    const metric = splitMetric(ctx, h);
    const overConfident = rising && metric !== undefined && metric.improving && !metric.worsening;
    const confirmed = metric !== undefined && metric.worsening && !metric.improving;
    const metricData = metric && { metric: metric.p.name, metricBest: num(metric.best.value), metricBestX: xval(metric.best.x), metricEnd: num(metric.p.endLevel) };
    const metricPart = !metricData ? '' : overConfident ? ref('metric.over-confident', metricData) : confirmed ? ref('metric.confirms', metricData) : '';
    const trainMove = !t ? ref('train.none') : ref(ctx.verdict.train === 'falling' ? 'train.falling' : 'train.stayed', { trainEnd: num(t.endLevel) });
    return {
      confidence: confirmed ? Math.min(1, ctx.verdict.confidence + 0.15) : overConfident ? ctx.verdict.confidence * 0.8 : ctx.verdict.confidence,
      data: {
        metricPart,
        heldOut: h.name,
        best: num(h.min.value),
        bestX: xval(h.min.x),
        axis: h.axis,
        after,
        train: t?.name ?? ref('train-loss'),
        trainMove,
      },
      evidence: {
        best: { x: h.min.x, value: h.min.value },
        ...(metric ? { heldOutMetric: { name: metric.p.name, better: metric.better, best: metric.best, end: metric.p.endLevel, tail: metric.p.tail.direction, overConfident, confirms: confirmed } } : {}),
        heldOutTail: h.tail,
        riseSinceBest: { relative: h.relRiseSinceMin, noiseUnits: h.riseSinceMin },
        trainTail: t?.tail,
        gap: ctx.gap ? { startRel: ctx.gap.startRel, endRel: ctx.gap.endRel, trend: ctx.gap.trend } : undefined,
      },
      series: [h.name, ...(t ? [t.name] : [])],
      range: { from: h.min.x, to: h.last.x, axis: h.axis },
      best: { x: h.min.x, axis: h.axis, value: h.min.value, series: h.name },
      // A held-out loss that only stopped improving is the onset, not yet a failure.
      ...(rising || ctx.verdict.reason === 'held-out-never-improved' ? {} : { severity: 'info' as const }),
    };
  },
});
