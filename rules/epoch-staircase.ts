import { detectStaircase, epochGrid, inferStairGrid, logCurve, trainSeries, type Staircase } from '../src/core/curve-signals.js';
import { defineRule, type RuleContext } from '../src/core/engine/define-rule.js';
import { ref, type MessageValue } from '../src/core/engine/messages.js';
import { num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';

/** The staircase of the run's train loss, when it has epochs to look at. Shared with slow-convergence. */
export function staircaseOf(ctx: RuleContext): Staircase | undefined {
  const curve = logCurve(trainSeries(ctx.run, ctx.series), 30);
  if (!curve) return undefined;
  // A log without an epoch column (TensorBoard exports, event files): the stairs give the period.
  const grid = epochGrid(ctx.run, curve.x[0], curve.x[curve.x.length - 1]) ?? (ctx.run.axis === 'step' ? inferStairGrid(curve) : undefined);
  if (!grid || grid.boundaries.length < 2) return undefined;
  const schedule = ctx.lr ? detectLrSchedule(ctx.lr) : undefined;
  return detectStaircase(curve, grid, schedule ? schedule.drops.map((d) => d.x) : []);
}

export default defineRule({
  meta: {
    id: 'epoch-staircase',
    severity: 'warning',
    tags: ['generalisation', 'memorisation'],
    seed: ['§V1', '§V2', '§V3', '§V4'],
    title: { en: 'Epoch staircase (memorisation)', zh: '按轮次阶梯下降（记忆训练集）' },
    description: {
      en: 'In a multi-epoch per-step log, the training loss drops abruptly at each epoch boundary and stays nearly flat within epochs: every new pass over the same examples starts lower because the model remembers them. Common when fine-tuning large models for several epochs; a warning of overfitting even when no validation curve was logged. Epoch boundaries come from the log\'s step→epoch mapping; in a log without one (TensorBoard event files and CSV exports) the period and phase are searched for: those whose boundaries drop most beyond the drop half a period later (a second difference of half-period means, zero for any smooth decline), and only five consecutive stairs on that grid count. A boundary counts when the median loss of the first half of the new epoch (an even number of logs) is ≥ 5% and ≥ 2 standard errors below that of the last half of the old one, the drop is at least twice what a smooth decline gives between those windows (measured against the fall inside the following epoch), that epoch does not climb back by more than half the drop, and no LR step decay happens there; at least two boundaries and 60% of them must count, or five consecutive ones (memorisation often sets in after a few epochs and fades as the loss nears zero).',
      zh: '在多轮、按步记录的日志中，训练损失在每个轮次边界处突然下降，而在轮次内几乎持平：模型记住了这些样本，所以每次重新遍历同样的数据都从更低处开始。这在对大模型做多轮微调时很常见；即使日志里没有验证曲线，这也是过拟合的警告。轮次边界取自日志中步数到轮次的对应关系；日志中没有这种对应关系时（TensorBoard 事件文件及其 CSV 导出），搜索周期和相位：取边界处的下降比半个周期之后的下降多出最多的那一组（半周期均值的二阶差分，任何平滑下降都为零），并且在这样找到的网格上只有连续五个阶梯才算数。当新轮次前一半的损失中位数比上一轮后一半低至少 5% 且至少 2 个标准误，降幅至少是平滑下降在这两个窗口之间应有降幅的两倍（以下一轮内部的下降为参照）、下一轮回升不超过降幅的一半，并且此处没有学习率阶梯衰减时，该边界计入；至少要有两个边界、且占 60% 以上，或者连续五个边界都计入（记忆往往在几轮之后才开始，并在损失接近零时减弱）。',
    },
    message: {
      en: '{{series}} drops abruptly at each epoch boundary and stays nearly flat within epochs: epoch medians {{levels}}; drops of {{drops}} at {{axis}} {{xs}}. Each pass over the same data starts lower: the model is memorising the training set{{valPart}}.',
      zh: '{{series}} 在每个轮次边界处突然下降，而轮次内几乎持平：各轮中位数 {{levels}}；在 {{axis}} {{xs}} 分别下降 {{drops}}。每次遍历同样的数据都从更低处开始：模型在记忆训练集{{valPart}}。',
    },
    fragments: {
      'val.rising': { en: '; {{heldOut}} is already rising (best {{best}} at {{heldOutAxis}} {{bestX}})', zh: '；{{heldOut}} 已经在回升（最低 {{best}}，位于 {{heldOutAxis}} {{bestX}}）' },
      'val.check': { en: '; check {{heldOut}} to decide where to stop', zh: '；请对照 {{heldOut}} 判断何时停止' },
      'val.none': { en: ' (no validation curve in the log to confirm it)', zh: '（日志中没有验证曲线来确认）' },
      fewer: { en: 'e.g. {{firstEpoch}}–{{nextEpoch}} instead of {{epochs}}', zh: '例如 {{firstEpoch}}–{{nextEpoch}} 轮，而不是 {{epochs}} 轮' },
    },
    causes: [
      { id: 'memorising', seed: '§V', text: { en: 'The model memorises the training examples (large model, several passes over the same data)', zh: '模型在记忆训练样本（模型大、同样的数据被反复遍历多次）' } },
      { id: 'too-little-data', seed: '§V3', text: { en: 'Too little training data for the number of epochs and the model size', zh: '相对轮数和模型规模，训练数据太少' } },
      { id: 'weak-regularisation', seed: '§V1', text: { en: 'Too little regularisation (dropout, weight decay)', zh: '正则化不足（dropout、权重衰减）' } },
      { id: 'too-big', seed: '§V2', text: { en: 'More trainable capacity than the task needs', zh: '可训练的容量超出任务所需' } },
    ],
    remedies: [
      { id: 'fewer-epochs', seed: '§V', text: { en: 'Train for fewer epochs ({{fewer}}): past the first pass, the drops at each boundary are memorisation', zh: '减少训练轮数（{{fewer}}）：第一轮之后，每个边界处的下降都是在记忆' } },
      { id: 'hold-out', text: { en: 'Hold out a validation set and evaluate it every epoch; keep the checkpoint where it is lowest', zh: '留出验证集，每轮评估一次；保留验证损失最低的检查点' } },
      { id: 'more-data', seed: '§V3', text: { en: 'Add more (or more varied) training data instead of more epochs', zh: '用更多（或更多样）的训练数据代替更多的轮数' } },
      { id: 'regularise', seed: '§V1', text: { en: 'Regularise: dropout (LoRA dropout), weight decay, a lower learning rate for the later epochs', zh: '加强正则化：dropout（LoRA dropout）、权重衰减、后几轮使用更低的学习率' } },
      { id: 'augment', seed: '§V4', text: { en: 'Augment or paraphrase the training examples so later passes are not identical', zh: '对训练样本做增强或改写，使后面的遍历不再完全相同' } },
      { id: 'smaller-model', seed: '§V2', text: { en: 'Train fewer parameters (smaller model, lower adapter rank)', zh: '减少可训练参数（更小的模型、更低的适配器秩）' } },
    ],
  },
  check(ctx) {
    const sc = staircaseOf(ctx);
    if (!sc || !sc.fires) return undefined;
    const name = ctx.run.primary.train!;
    const axis = ctx.run.axis;
    const steps = sc.steps.filter((s) => s.qualifies);
    const levels = sc.epochLevels.map((e) => num(e.level)).join(', ');
    const drops = steps.map((s) => pct(s.drop)).join(', ');
    const xs = steps.map((s) => xval(Math.round(s.x))).join(', ');
    const h = ctx.heldOut;
    let valPart: MessageValue;
    if (h) {
      const rising = ctx.verdict.heldOut === 'rising';
      valPart = rising
        ? ref('val.rising', { heldOut: h.name, best: num(h.min.value), heldOutAxis: h.axis, bestX: xval(h.min.x) })
        : ref('val.check', { heldOut: h.name });
    } else valPart = ref('val.none');
    // The first boundary that counts: one epoch before it is where memorisation starts.
    const firstEpoch = Math.max(1, sc.steps.findIndex((s) => s.qualifies) + 1);
    const fewer = ref('fewer', { firstEpoch, nextEpoch: firstEpoch + 1, epochs: sc.epochLevels.length });
    const confidence = Math.min(0.9, 0.55 + 0.1 * Math.min(3, steps.length - 1) + 0.1 * Math.min(1, steps.reduce((a, s) => a + s.drop, 0) / steps.length / 0.3));
    return {
      confidence,
      data: { series: name, levels, drops, xs, axis, valPart, fewer },
      evidence: {
        stepsPerEpoch: sc.stepsPerEpoch,
        epochLevels: sc.epochLevels,
        boundaries: sc.steps.map((s) => ({ x: s.x, before: s.before, after: s.after, drop: s.drop, z: s.z, fallInNextEpoch: s.fallAfter, lrDrop: s.lrDrop, counts: s.qualifies })),
        qualifying: sc.qualifying,
      },
      series: [name],
      range: { from: steps[0].x, to: steps[steps.length - 1].x, axis },
      causeOrder: ['memorising', 'too-little-data', 'weak-regularisation', 'too-big'],
      remedyOrder: h ? ['fewer-epochs', 'more-data', 'regularise', 'augment', 'smaller-model'] : ['fewer-epochs', 'hold-out', 'more-data', 'regularise', 'augment', 'smaller-model'],
    };
  },
});
