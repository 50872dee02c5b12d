import { defineRule } from '../src/core/engine/define-rule.js';
import { joined, ref, type MessageValue } from '../src/core/engine/messages.js';
import { defineOptions } from '../src/core/engine/rule-options.js';
import { lrData, pct, xval } from '../src/core/engine/rule-helpers.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import { mad, median } from '../src/core/stats/robust.js';

/** Evaluation noise (share of the level) from which a validation curve counts as noisy. */
export const VAL_NOISE = 0.05;
/** ... when the signal a verdict hinges on is within this many noise units. */
export const SIGNAL_IN_NOISE = 3;
/** A large jump: this factor off the mean of both neighbours (log scale), and 4 noise units. */
export const JUMP_FACTOR = 1.5;

export interface ValNoise {
  /** Robust noise from second differences (removes local trends), as a share of the level. */
  rel: number;
  /** Evaluations that sit ≥ ×1.5 and ≥ 4 noise units off the mean of their two neighbours. */
  jumps: number;
  /** x of the largest jumps (up to 5). */
  jumpXs: number[];
  n: number;
}

/** The thresholds above, as the rule's options. */
const options = defineOptions({ noise: VAL_NOISE, signalInNoise: SIGNAL_IN_NOISE, jumpFactor: JUMP_FACTOR }, (z) => ({
  noise: z.number().positive(),
  signalInNoise: z.number().positive(),
  jumpFactor: z.number().gt(1),
}));

/** Noise of a held-out curve: 1.4826·MAD(Δ²)/√6 on ln(loss) (or on loss ÷ level), plus its large jumps. */
export function valNoise(x: Float64Array, y: Float64Array, jumpFactor = JUMP_FACTOR): ValNoise | undefined {
  const pts = finitePoints(x, y);
  const n = pts.y.length;
  if (n < 8) return undefined;
  const positive = pts.y.every((v) => v > 0);
  const level = median(pts.y.map(Math.abs)) || 1;
  const w = Array.from(pts.y, (v) => (positive ? Math.log(v) : v / level));
  const d2: number[] = [];
  for (let i = 2; i < n; i++) d2.push(w[i] - 2 * w[i - 1] + w[i - 2]);
  const sigma = (1.4826 * mad(d2)) / Math.sqrt(6);
  const jumps: Array<{ x: number; size: number }> = [];
  const floor = positive ? Math.log(jumpFactor) : jumpFactor - 1;
  const off = (i: number) => (i >= 1 && i + 1 < n ? Math.abs(w[i] - (w[i - 1] + w[i + 1]) / 2) : 0);
  for (let i = 1; i + 1 < n; i++) {
    // A jump makes each neighbour look half as far off: count only the local maxima.
    const o = off(i);
    if (o >= Math.max(floor, 4 * sigma * Math.sqrt(1.5)) && o >= off(i - 1) && o > off(i + 1)) jumps.push({ x: pts.x[i], size: o });
  }
  const jumpXs = [...jumps].sort((a, b) => b.size - a.size).slice(0, 5).map((j) => j.x).sort((a, b) => a - b);
  return { rel: positive ? Math.exp(sigma) - 1 : sigma, jumps: jumps.length, jumpXs, n };
}

export default defineRule({
  meta: {
    id: 'noisy-validation',
    severity: 'info',
    tags: ['validation', 'reliability'],
    seed: ['§C2', '§C4', '§T3', '§T5', '§V3'],
    title: { en: 'Noisy validation curve', zh: '验证曲线噪声大' },
    description: {
      en: 'The held-out (validation, else test) loss jumps so much from one evaluation to the next that its trend, and any verdict built on it (overfitting, plateau, still improving), is unreliable. Noise is measured on the log of the loss from second differences (1.4826·MAD(Δ²)/√6, which ignores smooth trends and single outliers). It fires, with 8 or more evaluations, when that noise is at least 5% of the level and the signal a verdict hinges on — the change over the last third, or the rise since the best value — is within 3 noise units; or when at least 3 evaluations (and 5% of them) jump ×1.5 off their neighbours.',
      zh: '验证（或测试）损失在相邻两次评估之间跳动太大，以致它的趋势、以及基于它得出的结论（过拟合、平台期、仍在改善）都不可靠。噪声在损失的对数上用二阶差分计算（1.4826·MAD(Δ²)/√6，不受平滑趋势和单个离群点影响）。在至少 8 次评估的前提下：当噪声至少是水平的 5%，且结论所依据的信号（最后三分之一的变化，或自最佳值以来的回升）不超过 3 个噪声单位时触发；或者当至少 3 次（且占 5% 以上）评估相对相邻两次偏离 1.5 倍以上时触发。',
    },
    message: {
      en: '{{series}} {{what}} ({{n}} evaluations): {{consequence}}',
      zh: '{{series}} {{what}}（共 {{n}} 次评估）：{{consequence}}',
    },
    fragments: {
      'what.noisy': { en: 'jumps about ±{{jump}} between evaluations', zh: '相邻评估之间跳动约 ±{{jump}}' },
      'what.jumps': { en: 'has {{jumps}} jumps of ×1.5 or more off its neighbours (e.g. {{axis}} {{xs}})', zh: '有 {{jumps}} 次偏离相邻值 1.5 倍以上的跳变（如 {{axis}} {{xs}}）' },
      'consequence.noisy': {
        en: 'that is as large as the signal a verdict rests on (last-third change {{tailChange}}, rise since best {{riseSinceBest}}), so its trend is hard to read; judge it over several evaluations.',
        zh: '这与结论所依据的信号（最后三分之一变化 {{tailChange}}，自最佳值回升 {{riseSinceBest}}）相当，趋势难以判读，应综合多次评估来判断。',
      },
      'consequence.jumps': { en: 'single evaluations are unreliable; judge it over several.', zh: '单次评估不可靠，应综合多次评估来判断。' },
    },
    causes: [
      { id: 'small-val-set', seed: '§V3', text: { en: 'Validation set too small (or evaluated on few batches): the loss estimate itself is noisy', zh: '验证集太小（或只在少数批次上评估）：损失的估计本身就有噪声' } },
      { id: 'random-subset', seed: '§C4', text: { en: 'A different random subset of the validation data is used at each evaluation', zh: '每次评估使用验证数据的不同随机子集' } },
      { id: 'unstable-training', seed: '§T5', text: { en: 'The weights themselves jump between evaluations (learning rate too high)', zh: '权重本身在两次评估之间剧烈变化（学习率过高）' } },
      { id: 'eval-mode', seed: '§T3', text: { en: 'Dropout or batch-norm left in training mode during evaluation', zh: '评估时 dropout 或 batch-norm 仍处于训练模式' } },
    ],
    options,
    remedies: [
      { id: 'bigger-val', seed: '§V3', text: { en: 'Evaluate on more examples: the noise (±{{noise}}) shrinks with the square root of the size, so 4× the examples halves it', zh: '在更多样本上评估：噪声（±{{noise}}）随样本数的平方根减小，样本增加到 4 倍噪声减半' } },
      { id: 'fixed-subset', text: { en: 'Evaluate on the same fixed subset every time', zh: '每次都在同一个固定子集上评估' } },
      { id: 'smooth', text: { en: 'Judge the trend over several evaluations (a moving average, or early-stopping patience of a few evaluations)', zh: '综合多次评估判断趋势（移动平均，或早停时设置几次评估的耐心值）' } },
      { id: 'lower-lr', seed: '§T5', text: { en: 'If the training loss is noisy too, lower the learning rate from {{lr}} to {{lrLow}}', zh: '如果训练损失也很嘈杂，把学习率从 {{lr}} 降到 {{lrLow}}' } },
      { id: 'eval-mode', seed: '§T3', text: { en: 'Make sure the model is in evaluation mode (model.eval()) while validating', zh: '确认验证时模型处于评估模式（model.eval()）' } },
    ],
  },
  check(ctx, o) {
    const h = ctx.heldOut;
    if (!h || h.kind !== 'loss') return undefined;
    const series = ctx.series(h.name);
    if (!series) return undefined;
    const noise = valNoise(series.x, series.y, o.jumpFactor);
    if (!noise) return undefined;
    const signal = Math.max(Math.abs(h.tail.relChange), h.relRiseSinceMin);
    const noisy = noise.rel >= o.noise && signal <= o.signalInNoise * noise.rel;
    const spiky = noise.jumps >= Math.max(3, Math.ceil(0.05 * noise.n));
    if (!noisy && !spiky) return undefined;
    // Is training itself jumpy at the same resolution?
    const t = ctx.train ? ctx.series(ctx.train.name) : undefined;
    const trainNoise = t && t.axis === series.axis && t.x.length <= 2 * series.x.length ? valNoise(t.x, t.y, o.jumpFactor) : undefined;
    const trainJumpy = trainNoise !== undefined && (trainNoise.rel >= 0.75 * noise.rel || (spiky && trainNoise.jumps >= 0.5 * noise.jumps));
    const causeOrder = trainJumpy
      ? ['unstable-training', 'small-val-set', 'random-subset', 'eval-mode']
      : ['small-val-set', 'random-subset', 'eval-mode', 'unstable-training'];
    const remedyOrder = trainJumpy ? ['lower-lr', 'smooth', 'bigger-val', 'fixed-subset'] : ['bigger-val', 'fixed-subset', 'smooth', 'eval-mode'];
    const parts: MessageValue[] = [];
    if (noisy) parts.push(ref('what.noisy', { jump: pct(noise.rel) }));
    if (spiky) parts.push(ref('what.jumps', { jumps: noise.jumps, axis: h.axis, xs: noise.jumpXs.map(xval).join(', ') }));
    const what = joined(parts, 'sep.and');
    const consequence = noisy
      ? ref('consequence.noisy', { tailChange: pct(h.tail.relChange), riseSinceBest: pct(h.relRiseSinceMin) })
      : ref('consequence.jumps');
    return {
      confidence: Math.min(0.85, 0.45 + (noisy ? 0.25 * Math.min(1, noise.rel / 0.15) : 0) + (spiky ? 0.15 : 0)),
      data: {
        series: h.name,
        what,
        consequence,
        noise: pct(noise.rel),
        n: noise.n,
        ...lrData(ctx, h.last.x),
      },
      evidence: {
        noiseRel: noise.rel,
        signal: { tailChange: h.tail.relChange, riseSinceBest: h.relRiseSinceMin, tailP: h.tail.p },
        largeJumps: noise.jumps,
        jumpXs: noise.jumpXs,
        evaluations: noise.n,
        trainNoiseRel: trainNoise?.rel ?? null,
        noisy,
        spiky,
        thresholds: { noise: o.noise, signalInNoise: o.signalInNoise, jumpFactor: o.jumpFactor },
      },
      series: [h.name],
      range: { from: h.span[0], to: h.span[1], axis: h.axis },
      causeOrder,
      remedyOrder,
    };
  },
});
