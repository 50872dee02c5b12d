import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { lrData, num, xval } from '../src/core/engine/rule-helpers.js';

export default defineRule({
  meta: {
    id: 'non-finite',
    severity: 'error',
    tags: ['numerics', 'stability'],
    seed: ['§T4', '§T5', '§T7', '§T10'],
    title: { en: 'NaN or Inf loss', zh: '损失出现 NaN 或 Inf' },
    description: {
      en: 'A loss series contains NaN or ±Inf values. Reports the first occurrence, how many there are, and whether the loss ever recovered; the training numbers after the first NaN are usually meaningless.',
      zh: '某条损失曲线中出现了 NaN 或 ±Inf。报告首次出现的位置、数量以及之后是否恢复；第一个 NaN 之后的训练数值通常已无意义。',
    },
    message: {
      en: '{{series}} is {{value}} at {{axis}} {{at}} ({{count}} of {{total}} points non-finite{{recovered}}); the last finite value before it was {{before}}.',
      zh: '{{series}} 在 {{axis}} {{at}} 为 {{value}}（{{total}} 个点中有 {{count}} 个非有限值{{recovered}}）；此前最后一个有限值为 {{before}}。',
    },
    fragments: {
      recovered: { en: ', finite again later', zh: '，之后恢复为有限值' },
      'never-recovered': { en: ', never finite again', zh: '，之后再未恢复' },
      none: { en: '(none)', zh: '（无）' },
    },
    causes: [
      { id: 'exploding-gradients', seed: '§T7', text: { en: 'Exploding gradients overflowed the weights', zh: '梯度爆炸使权重溢出' } },
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high', zh: '学习率过高' } },
      { id: 'bad-data', seed: '§T10', text: { en: 'A bad batch: NaN/Inf in inputs or labels, read errors', zh: '坏批次：输入或标签中有 NaN/Inf，或读取错误' } },
      { id: 'unstable-loss', seed: '§T4', text: { en: 'Numerically unstable loss (log of 0, division by 0, softmax + log instead of log-softmax, fp16 overflow)', zh: '损失计算数值不稳定（log(0)、除以 0、先 softmax 再取 log、fp16 溢出）' } },
    ],
    remedies: [
      { id: 'clip', seed: '§T7', text: { en: 'Clip gradients (max norm 1.0) and stop on the first NaN (TerminateOnNaN / check_finite)', zh: '做梯度裁剪（最大范数 1.0），并在第一次出现 NaN 时停止训练（TerminateOnNaN / check_finite）' } },
      { id: 'lower-lr', seed: '§T5', text: { en: 'Lower the learning rate from {{lr}} to {{lrLow}}', zh: '把学习率从 {{lr}} 降到 {{lrLow}}' } },
      { id: 'inspect-batches', seed: '§T10', text: { en: 'Inspect the batches just before {{axis}} {{at}} for NaN/Inf or extreme values', zh: '检查 {{axis}} {{at}} 之前的批次中是否有 NaN/Inf 或极端值' } },
      { id: 'stable-loss', seed: '§T4', text: { en: 'Use numerically stable losses (cross-entropy on logits), and loss scaling with mixed precision', zh: '使用数值稳定的损失（基于 logits 的交叉熵），混合精度训练时启用损失缩放' } },
    ],
  },
  check(ctx) {
    const affected = [...ctx.profiles.values()].filter((p) => p.kind === 'loss' && p.nonFinite.count > 0);
    if (affected.length === 0) return undefined;
    // Report the primary loss first, else the one that broke earliest.
    const primaryNames = new Set(Object.values(ctx.run.primary));
    affected.sort(
      (a, b) =>
        Number(primaryNames.has(b.name)) - Number(primaryNames.has(a.name)) ||
        (a.nonFinite.first?.x ?? 0) - (b.nonFinite.first?.x ?? 0),
    );
    const p = affected[0];
    const first = p.nonFinite.first!;
    const series = ctx.series(p.name)!;
    let before = Number.NaN;
    for (let i = 0; i < series.x.length && series.x[i] < first.x; i++) if (Number.isFinite(series.y[i])) before = series.y[i];
    const recoveredAfter = p.last.x > first.x;
    const recovered = ref(recoveredAfter ? 'recovered' : 'never-recovered');
    return {
      confidence: 1,
      data: {
        series: p.name,
        value: first.value,
        axis: p.axis,
        at: xval(first.x),
        count: p.nonFinite.count,
        total: p.n,
        recovered,
        before: Number.isFinite(before) ? num(before) : ref('none'),
        ...lrData(ctx, first.x, 'peak'),
      },
      evidence: {
        first,
        count: p.nonFinite.count,
        points: p.n,
        recovered: recoveredAfter,
        lastFiniteBefore: Number.isFinite(before) ? before : null,
        otherSeries: affected.slice(1).map((a) => ({ name: a.name, first: a.nonFinite.first, count: a.nonFinite.count })),
      },
      series: affected.map((a) => a.name),
      range: { from: first.x, to: p.span[1], axis: p.axis },
      causeOrder: Number.isFinite(before) && Math.abs(before) > 100 * Math.abs(p.startLevel || 1) ? ['exploding-gradients', 'lr-too-high'] : undefined,
    };
  },
});
