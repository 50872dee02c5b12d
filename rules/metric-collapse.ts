import { defineRule } from '../src/core/engine/define-rule.js';
import { lrData, num, xval } from '../src/core/engine/rule-helpers.js';
import { primaryLossNames, seriesDirection, type Better } from '../src/core/metric-direction.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import { median, rollingMedian } from '../src/core/stats/robust.js';
import type { Series } from '../src/core/types.js';

/** A collapse must hold for at least this many consecutive evaluations up to the last one (shorter dips are held-out-spikes'). */
const MIN_DOWN_POINTS = 3;
const MIN_POINTS = 8;

interface Collapse {
  better: Better;
  /** Sustained best (rolling median of 3) and where. */
  best: number;
  bestX: number;
  /** The value the collapse crossed, first evaluation below it, and the median level since. */
  threshold: number;
  fromX: number;
  level: number;
  last: number;
  /** How many times worse than the best the level is (≥ 1). */
  factor: number;
  points: number;
}

/**
 * A quality metric that lost at least half of what it had (higher-is-better: below the midpoint
 * between its sustained best and the floor — 0, or 1/C for an accuracy when the class count is
 * known; lower-is-better: above its best by at least its best and at least half its gain from the
 * start) and stayed there to the last evaluation, for at least three consecutive evaluations.
 */
function findCollapse(series: Series, better: Better, floor: number): Collapse | undefined {
  const pts = finitePoints(series.x, series.y);
  const n = pts.y.length;
  if (n < MIN_POINTS) return undefined;
  const smooth = rollingMedian(pts.y, 3);
  let bestIndex = 0;
  for (let i = 1; i < n; i++) if (better === 'higher' ? smooth[i] > smooth[bestIndex] : smooth[i] < smooth[bestIndex]) bestIndex = i;
  const best = smooth[bestIndex];
  const start = median(pts.y.subarray(0, 3));
  let threshold: number;
  if (better === 'higher') {
    if (!(best > floor)) return undefined;
    threshold = floor + 0.5 * (best - floor);
  } else {
    if (!(best > 0)) return undefined;
    threshold = best + Math.max(best, 0.5 * (start - best));
  }
  const down = (v: number) => (better === 'higher' ? v < threshold : v > threshold);
  let from = n;
  while (from > bestIndex + 1 && down(pts.y[from - 1])) from--;
  const points = n - from;
  if (points < MIN_DOWN_POINTS) return undefined;
  const level = median(pts.y.subarray(from));
  const factor = better === 'higher' ? (level > 0 ? best / level : Number.POSITIVE_INFINITY) : level / best;
  return { better, best, bestX: pts.x[bestIndex], threshold, fromX: pts.x[from], level, last: pts.y[n - 1], factor, points };
}

const ROLE_ORDER = { val: 0, test: 1, other: 2, train: 3 } as const;

export default defineRule({
  meta: {
    id: 'metric-collapse',
    severity: 'warning',
    tags: ['stability', 'metrics'],
    seed: ['§T5', '§T7', '§T10'],
    title: { en: 'Metric collapse', zh: '指标崩溃' },
    description: {
      en: 'A quality metric (accuracy, F1, mAP, BLEU ... going up; error rate, WER, perplexity ... going down) lost at least half of what it had and did not come back: a higher-is-better metric falls below the midpoint between its sustained best (rolling median of 3 evaluations) and its floor (0, or 1/C for an accuracy when the class count is given), a lower-is-better one rises above twice its best and above the midpoint between its best and its start; it stays there for at least three consecutive evaluations up to the last one. A dip of one to three evaluations that recovers is the held-out-spikes finding\'s. Runs whose training loss ended in NaN/Inf are left to the non-finite and diverging findings.',
      zh: '质量指标（越高越好的准确率、F1、mAP、BLEU……；越低越好的错误率、WER、困惑度……）丢掉了至少一半的成果且没有恢复：越高越好的指标跌到其持续最佳值（3 次评估的滚动中位数）与下限（0；已知类别数时准确率取 1/C）的中点以下，越低越好的指标升到最佳值的两倍以上、并高于最佳值与起始值的中点；并且连续至少 3 次评估直到最后一次都停在那里。1 到 3 次评估后恢复的下跌属于 held-out-spikes 发现。训练损失以 NaN/Inf 结束的运行交给“非有限值”和“发散”发现。',
    },
    message: {
      en: '{{series}} collapsed: best {{best}} at {{axis}} {{bestX}}, then {{level}} from {{axis}} {{fromX}} to the end ({{points}} evaluations, last {{last}}), ×{{factor}} worse than its best.',
      zh: '{{series}} 崩溃：在 {{axis}} {{bestX}} 达到最佳 {{best}}，之后从 {{axis}} {{fromX}} 起直到结束都在 {{level}} 左右（{{points}} 次评估，最后为 {{last}}），比最佳差 {{factor}} 倍。',
    },
    causes: [
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high: an update threw the weights out of the good region and training did not find it again', zh: '学习率过高：某次更新把权重推出了好的区域，之后再也没有回去' } },
      { id: 'exploding-gradients', seed: '§T7', text: { en: 'Exploding gradients (no clipping) or dead units after a large update', zh: '梯度爆炸（没有裁剪），或一次大更新后神经元坏死' } },
      { id: 'data', seed: '§T10', text: { en: 'The data changed: a corrupt shard, a label or preprocessing change, a read error', zh: '数据变了：损坏的数据分片、标签或预处理改变、读取错误' } },
    ],
    remedies: [
      { id: 'checkpoint', text: { en: 'Keep the checkpoint from {{axis}} {{bestX}} (best {{best}}), not the last one', zh: '保留 {{axis}} {{bestX}} 的检查点（最佳 {{best}}），而不是最后一个' } },
      { id: 'lower-lr-clip', seed: '§T5', text: { en: 'Resume from there with the learning rate lowered from {{lr}} to about {{lrLow}}, and clip gradients', zh: '从那里恢复训练，把学习率从 {{lr}} 降到约 {{lrLow}}，并裁剪梯度' } },
      { id: 'inspect-data', seed: '§T10', text: { en: 'Inspect what the run saw around {{axis}} {{fromX}}: data shards, labels, preprocessing', zh: '检查运行在 {{axis}} {{fromX}} 附近读到的数据：数据分片、标签、预处理' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.train === 'broken') return undefined;
    const primaries = primaryLossNames(ctx.run);
    const numClasses = ctx.options.numClasses !== undefined && ctx.options.numClasses >= 2 ? ctx.options.numClasses : undefined;
    // Held-out metrics first (what the checkpoint is chosen by), then the deepest collapse.
    let chosen: { series: Series; collapse: Collapse } | undefined;
    for (const series of ctx.run.series) {
      const better = seriesDirection(series, primaries, ctx.options.metricDirections);
      if (!better) continue;
      const floor = better === 'higher' && numClasses && /acc/i.test(series.name) ? 1 / numClasses : 0;
      const collapse = findCollapse(series, better, floor);
      if (!collapse) continue;
      const byRole = chosen ? ROLE_ORDER[series.role] - ROLE_ORDER[chosen.series.role] : -1;
      if (byRole < 0 || (byRole === 0 && collapse.factor > chosen!.collapse.factor)) chosen = { series, collapse };
    }
    if (!chosen) return undefined;
    const { series, collapse } = chosen;
    return {
      confidence: Math.min(0.9, 0.6 + (collapse.points >= 5 ? 0.1 : 0) + (collapse.factor >= 3 ? 0.1 : 0)),
      data: {
        series: series.name,
        axis: series.axis,
        best: num(collapse.best),
        bestX: xval(collapse.bestX),
        level: num(collapse.level),
        fromX: xval(collapse.fromX),
        last: num(collapse.last),
        points: collapse.points,
        factor: num(collapse.factor),
        ...lrData(ctx, collapse.fromX, 'peak'),
      },
      evidence: {
        direction: collapse.better,
        best: { x: collapse.bestX, value: collapse.best },
        threshold: collapse.threshold,
        from: collapse.fromX,
        level: collapse.level,
        last: collapse.last,
        points: collapse.points,
        factor: Number.isFinite(collapse.factor) ? collapse.factor : null,
      },
      series: [series.name],
      range: { from: collapse.fromX, to: series.x[series.x.length - 1], axis: series.axis },
      best: { x: collapse.bestX, axis: series.axis, value: collapse.best, series: series.name },
    };
  },
});
