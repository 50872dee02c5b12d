import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { lrData, num, pct, xval } from '../src/core/engine/rule-helpers.js';

export default defineRule({
  meta: {
    id: 'still-learning',
    severity: 'info',
    tags: ['verdict', 'progress'],
    seed: ['§C1', '§T6'],
    title: ref('verdict.still-learning'),
    description: {
      en: 'Verdict rule: the training loss is still falling at the end of the log (and the held-out loss too, when there is one). Training was stopped, or is still running, before it finished.',
      zh: '结论规则：日志结束时训练损失仍在下降（若有验证/测试损失，它也在下降）。训练在完成之前就停止了，或者仍在进行中。',
    },
    message: {
      en: '{{train}} {{trainPart}}{{heldOutPart}}.',
      zh: '{{train}} {{trainPart}}{{heldOutPart}}。',
    },
    fragments: {
      'held-out.falling': { en: '; {{heldOut}} is falling too ({{heldOutStart}} → {{heldOutEnd}})', zh: '；{{heldOut}} 也在下降（{{heldOutStart}} → {{heldOutEnd}}）' },
      'train.metric-improving': {
        en: 'shows no clear trend ({{tailChange}} over the last third), but {{metric}} is still improving ({{metricChange}} over its last third, {{metricValue}} at {{metricAxis}} {{metricX}})',
        zh: '没有明确趋势（最后三分之一区间变化 {{tailChange}}），但 {{metric}} 仍在改善（最后三分之一 {{metricChange}}，在 {{metricAxis}} {{metricX}} 时为 {{metricValue}}）',
      },
      'train.falling': {
        en: 'is still falling ({{tailChange}} over the last third, to {{trainEnd}} at {{axis}} {{lastX}})',
        zh: '仍在下降（最后三分之一区间变化 {{tailChange}}，在 {{axis}} {{lastX}} 时为 {{trainEnd}}）',
      },
    },
    causes: [{ id: 'too-short', seed: '§T6', text: { en: 'The run ended before the loss stopped improving', zh: '损失还没停止改善，训练就结束了' } }],
    remedies: [
      { id: 'train-longer', seed: '§T6', text: { en: 'Train for more epochs/steps at the current learning rate ({{lr}}); the curve has room to go', zh: '保持当前学习率（{{lr}}）继续训练更多轮次/步数，曲线还有下降空间' } },
      { id: 'watch-val', text: { en: 'Keep evaluating on held-out data so you can stop at the best checkpoint', zh: '继续在验证集上评估，以便在最佳检查点停止' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.id !== 'still-learning') return undefined;
    const main = ctx.train ?? ctx.heldOut;
    if (!main) return undefined;
    const h = ctx.train ? ctx.heldOut : undefined;
    const heldOutPart = h ? ref('held-out.falling', { heldOut: h.name, heldOutStart: num(h.startLevel), heldOutEnd: num(h.endLevel) }) : '';
    // A loss plateau beside a held-out metric that still improves: the metric is the evidence.
    const metric = ctx.verdict.metric !== undefined ? ctx.profiles.get(ctx.verdict.metric) : undefined;
    const trainPart = metric
      ? ref('train.metric-improving', {
          metric: metric.name,
          metricChange: pct(metric.tail.relChange),
          metricAxis: metric.axis,
          metricX: xval(metric.last.x),
          metricValue: num(metric.last.value),
        })
      : ref('train.falling');
    return {
      confidence: ctx.verdict.confidence,
      data: {
        trainPart,
        train: main.name,
        trainEnd: num(main.endLevel),
        tailChange: pct(main.tail.relChange),
        axis: main.axis,
        lastX: xval(main.last.x),
        heldOutPart,
        ...lrData(ctx, main.last.x),
      },
      evidence: { tail: main.tail, improvement: main.improvement, heldOutTail: h?.tail },
      series: [main.name, ...(h ? [h.name] : [])],
      range: { from: main.tail.from, to: main.tail.to, axis: main.axis },
    };
  },
});
