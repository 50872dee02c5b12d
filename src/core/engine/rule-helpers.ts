/** Small helpers shared by the rule modules in rules/. Pure. */
import { readableNumber, xLabel } from '../number-format.js';
import { primaryLossNames, seriesDirection, type Better } from '../metric-direction.js';
import type { Series, SeriesProfile } from '../types.js';
import type { CauseDef, RuleContext } from './define-rule.js';
import { ref, type MessageData } from './messages.js';

/** A number in a sentence: 4 significant digits, exponent form outside [1e-3, 1e5). */
export const num = readableNumber;

/** A share as an unsigned percentage to 3 significant digits. */
export function pct(v: number): string {
  return `${Number((v * 100).toPrecision(3))}%`;
}

/** An x value: whole numbers with thousands separators, fractional epochs to 4 significant digits. */
export const xval = (v: number): string => xLabel(v);

/** The learning rate in force at x (last logged value at or before x). */
export function lrAt(lr: Series | undefined, x: number): number | undefined {
  if (!lr || lr.x.length === 0) return undefined;
  let found: number | undefined;
  for (let i = 0; i < lr.x.length && lr.x[i] <= x; i++) if (Number.isFinite(lr.y[i])) found = lr.y[i];
  return found ?? (Number.isFinite(lr.y[0]) ? lr.y[0] : undefined);
}

/** The highest learning rate logged at or before x (the whole series when none is): the one a blow-up or a swing answers to. */
function lrPeakUpTo(lr: Series | undefined, x: number): number | undefined {
  if (!lr || lr.x.length === 0) return undefined;
  let peak: number | undefined;
  for (let i = 0; i < lr.x.length && (lr.x[i] <= x || peak === undefined); i++) {
    if (Number.isFinite(lr.y[i]) && (peak === undefined || lr.y[i] > peak)) peak = lr.y[i];
  }
  return peak;
}

/**
 * Template data about the learning rate: `lr`, `lrLow` (÷10) and `lrHigh` (×10: advice moves by
 * factors of 10). `at`: the LR in force at x (a plateau's best epoch, the end of a run still
 * learning); `peak`: the highest LR up to x (divergence, spikes, oscillation: a decayed tail would
 * advise lowering what the schedule already lowered).
 */
export function lrData(ctx: RuleContext, x: number, mode: 'at' | 'peak' = 'at'): MessageData {
  const value = mode === 'peak' ? lrPeakUpTo(ctx.lr, x) : lrAt(ctx.lr, x);
  if (value === undefined || value <= 0) return { lr: ref('lr.current'), lrLow: ref('lr.tenth'), lrHigh: ref('lr.tenfold') };
  // One number style for the three: exponents for all when the smallest needs one.
  const style = value / 10 < 1e-3 ? (v: number) => v.toExponential(2) : num;
  const lr = mode === 'peak' && lrAt(ctx.lr, x) !== value ? ref('lr.peak', { value: style(value) }) : style(value);
  return { lr, lrLow: style(value / 10), lrHigh: style(value * 10) };
}

/** Seed causes for "training loss does not go down" (§T1–T12), in their default order. */
export const TRAIN_NOT_FALLING_CAUSES: CauseDef[] = [
  { id: 'lr', seed: '§T5', text: { en: 'Learning rate or optimiser wrong (too low to move, or too high to settle)', zh: '学习率或优化器不合适（太低走不动，或太高停不下来）' } },
  { id: 'gradient-flow', seed: '§T7', text: { en: 'Gradients vanish or explode, or ReLU units died', zh: '梯度消失或爆炸，或 ReLU 神经元坏死' } },
  { id: 'init', seed: '§T2', text: { en: 'Bad weight initialisation', zh: '权重初始化不当' } },
  { id: 'loss-activation', seed: '§T4', text: { en: 'Wrong loss function or output activation for the task', zh: '损失函数或输出层激活函数与任务不匹配' } },
  { id: 'data-labels', seed: '§T10', text: { en: 'Noisy or wrong labels, read errors, class imbalance', zh: '标签噪声或错误、数据读取错误、类别不平衡' } },
  { id: 'normalisation', seed: '§T11', text: { en: 'Input features not normalised', zh: '输入特征没有归一化' } },
  { id: 'architecture', seed: '§T1', text: { en: 'Model structure wrong or too small for the task', zh: '模型结构有误或容量太小' } },
  { id: 'regularisation', seed: '§T3', text: { en: 'Too much regularisation (weight decay, dropout)', zh: '正则化过强（权重衰减、dropout）' } },
  { id: 'shuffle', seed: '§T9', text: { en: 'Data not shuffled', zh: '数据没有打乱' } },
  { id: 'features', seed: '§T12', text: { en: 'Features carry too little signal', zh: '特征选择不当，信号太弱' } },
  { id: 'batch-size', seed: '§T8', text: { en: 'Batch size too large or too small', zh: '批大小过大或过小' } },
  { id: 'too-short', seed: '§T6', text: { en: 'Not trained long enough yet', zh: '训练时间还不够' } },
];

/** Where the last flat phase of a profile begins, if it ends flat. */
export function plateauStart(p: SeriesProfile): number | undefined {
  const last = p.phases[p.phases.length - 1];
  return last && last.direction === 'flat' ? last.from : undefined;
}

/** A metric of the held-out split and which way it improves. */
export interface SplitMetric {
  p: SeriesProfile;
  better: Better;
  /** Best value and where. */
  best: { x: number; value: number };
  /** Moving toward better over the last third (significant trend), or at its best in the last tenth of the run and staying there. */
  improving: boolean;
  /** Moving toward worse over the last third, or past its best by more than 5% of it. */
  worsening: boolean;
}

/** Accuracy-like metrics first, then the rest in log order: the one an expert would read first. */
const METRIC_PRIORITY = /acc|f1|map|auc|ap\d|bleu|rouge|iou|dice|wer|cer/i;

/** The metric logged for the same split as `loss` (val_accuracy beside val_loss, eval_wer beside eval_loss). */
export function splitMetric(ctx: RuleContext, loss: SeriesProfile): SplitMetric | undefined {
  const primaries = primaryLossNames(ctx.run);
  const candidates: Array<{ p: SeriesProfile; better: Better }> = [];
  for (const p of ctx.profiles.values()) {
    // Unprefixed metrics (mAP, AR@100) are what trainers evaluate on the held-out split.
    const sameSplit = p.role === loss.role || (p.role === 'other' && loss.role !== 'train');
    if (!sameSplit || p.name === loss.name || p.nFinite < 3) continue;
    const better = seriesDirection(p, primaries, ctx.options.metricDirections);
    if (better) candidates.push({ p, better });
  }
  if (candidates.length === 0) return undefined;
  const chosen = candidates.find((c) => METRIC_PRIORITY.test(c.p.name)) ?? candidates[0];
  const { p, better } = chosen;
  const best = better === 'higher' ? p.max : p.min;
  const span = p.span[1] - p.span[0] || 1;
  const towardBetter = better === 'higher' ? 'rising' : 'falling';
  const towardWorse = better === 'higher' ? 'falling' : 'rising';
  const end = p.endLevel;
  const pastBest = better === 'higher' ? (best.value - end) / (Math.abs(best.value) || 1) : (end - best.value) / (Math.abs(best.value) || 1);
  return {
    p,
    better,
    best: { x: best.x, value: best.value },
    // At its best near the end only counts when the recent level is there too (not one lucky evaluation).
    improving: p.tail.direction === towardBetter || ((best.x - p.span[0]) / span >= 0.9 && Math.abs(best.value - end) <= p.noise),
    worsening: p.tail.direction === towardWorse || pastBest > 0.05,
  };
}
