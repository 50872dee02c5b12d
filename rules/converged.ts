import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { lrData, num, pct, plateauStart, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';

/** A schedule that already ends this many times below its peak has done the decaying. */
const DECAYED = 10;

export default defineRule({
  meta: {
    id: 'converged',
    severity: 'info',
    tags: ['verdict', 'plateau'],
    seed: ['§C4', '§T5', '§T8'],
    title: ref('verdict.converged'),
    description: {
      en: 'Verdict rule: the training loss fell and is now flat (no significant trend in the last third), and the held-out loss is flat too, not rising. Learning has hit a bottleneck at this learning rate and batch size.',
      zh: '结论规则：训练损失下降后已经走平（最后三分之一没有显著趋势），验证损失也走平而没有上升。在当前学习率和批大小下，学习遇到了瓶颈。',
    },
    message: {
      en: '{{train}} fell {{improvement}} and has been flat at about {{trainEnd}} since {{axis}} {{since}}{{heldOutPart}}.',
      zh: '{{train}} 下降了 {{improvement}}，从 {{axis}} {{since}} 起一直稳定在约 {{trainEnd}}{{heldOutPart}}。',
    },
    fragments: {
      'held-out.flat': { en: '; {{heldOut}} is flat too (about {{heldOutEnd}}, best {{heldOutBest}})', zh: '；{{heldOut}} 也已走平（约 {{heldOutEnd}}，最佳 {{heldOutBest}}）' },
    },
    causes: [
      { id: 'lr-too-high-to-settle', seed: '§T5', text: { en: 'The learning rate is too high to descend further into the minimum', zh: '学习率偏高，无法进一步深入最小值' } },
      { id: 'batch-size', seed: '§T8', text: { en: 'Batch size limits further progress', zh: '批大小限制了进一步的进展' } },
      { id: 'capacity', seed: '§T1', text: { en: 'The model has reached what its capacity allows', zh: '模型已达到其容量所能达到的水平' } },
    ],
    remedies: [
      { id: 'decay-lr', seed: '§C4', text: { en: 'Lower the learning rate from {{lr}} to {{lrLow}} (or add a decay schedule / ReduceLROnPlateau) to go further', zh: '将学习率从 {{lr}} 降到 {{lrLow}}（或加入衰减策略 / ReduceLROnPlateau）以继续下降' } },
      { id: 'smaller-batch', seed: '§C4', text: { en: 'Try a smaller batch size', zh: '尝试更小的批大小' } },
      { id: 'stop', text: { en: 'If the held-out score is good enough, stop here: more epochs at this setting will not help', zh: '如果验证效果已经足够好，就此停止：在当前设置下继续训练不会有帮助' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.id !== 'converged') return undefined;
    const main = ctx.train ?? ctx.heldOut;
    if (!main) return undefined;
    const h = ctx.train ? ctx.heldOut : undefined;
    const since = plateauStart(main) ?? main.tail.from;
    const heldOutPart = h ? ref('held-out.flat', { heldOut: h.name, heldOutEnd: num(h.endLevel), heldOutBest: num(h.min.value) }) : '';
    // Lowering the learning rate is the advice only when it has not been lowered already.
    const schedule = ctx.lr ? detectLrSchedule(ctx.lr) : undefined;
    const decayed = schedule !== undefined && schedule.peak.value > 0 && schedule.last * DECAYED <= schedule.peak.value;
    return {
      confidence: ctx.verdict.confidence,
      ...(decayed ? { causeOrder: ['capacity', 'batch-size'], remedyOrder: ['stop', 'smaller-batch'] } : {}),
      data: {
        train: main.name,
        trainEnd: num(main.endLevel),
        improvement: pct(main.improvement),
        axis: main.axis,
        since: xval(since),
        heldOutPart,
        // A plateau's advice starts from the LR at its best point, not a decayed tail.
        ...lrData(ctx, main.min.x),
      },
      evidence: {
        tail: main.tail,
        improvement: main.improvement,
        plateauFrom: since,
        heldOutTail: h?.tail,
        ...(schedule ? { lrPeak: schedule.peak.value, lrLast: schedule.last, lrAlreadyDecayed: decayed } : {}),
      },
      series: [main.name, ...(h ? [h.name] : [])],
      range: { from: since, to: main.last.x, axis: main.axis },
    };
  },
});
