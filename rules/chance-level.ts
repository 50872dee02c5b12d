import { rollingLevel } from '../src/core/curve-signals.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { lrAt, lrData, num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import type { SeriesProfile } from '../src/core/types.js';

/** Largest number of classes tried when C is inferred from the level. */
export const MAX_INFERRED_CLASSES = 1000;
/** Tolerance around ln C when C is inferred (share of ln C), capped by a fifth of the gap to ln(C±1). */
const INFER_TOLERANCE = 0.015;
/** Tolerance when the user gave C. */
const GIVEN_TOLERANCE = 0.05;

/** The C whose ln C is within the inference tolerance of `level`, if any. */
export function inferClasses(level: number): number | undefined {
  if (!(level > 0)) return undefined;
  const c = Math.round(Math.exp(level));
  for (const k of [c - 1, c, c + 1]) {
    if (k < 2 || k > MAX_INFERRED_CLASSES) continue;
    const ln = Math.log(k);
    const gap = Math.min(Math.log(k + 1) - ln, k > 2 ? ln - Math.log(k - 1) : Number.POSITIVE_INFINITY);
    if (Math.abs(level - ln) <= Math.min(INFER_TOLERANCE * ln, 0.2 * gap)) return k;
  }
  return undefined;
}

interface AtChance {
  p: SeriesProfile;
  classes: number;
  given: boolean;
  /** x from which the smoothed curve stays at ln C. */
  since: number;
  /** Share of the x span spent at ln C. */
  share: number;
  /** |level − ln C| ÷ ln C */
  distance: number;
  /** Where the curve came from: 'start' (there from the first logs), 'fell' or 'rose' to it. */
  origin: 'start' | 'fell' | 'rose';
}

export default defineRule({
  meta: {
    id: 'chance-level',
    severity: 'error',
    tags: ['optimisation', 'classification'],
    seed: ['§T2', '§T4', '§T5', '§T7', '§T10'],
    title: { en: 'Stuck at chance level', zh: '停在随机猜测水平' },
    description: {
      en: 'A classification loss that sits flat at ln(C), the cross-entropy of a uniform guess over C classes: the model predicts the same probability for every class, whatever the input. C comes from --num-classes when given (within 5% of ln C); otherwise it is inferred only when the plateau is within 1.5% of ln C for an integer 2 ≤ C ≤ 1000 (and within a fifth of the gap to the neighbouring ln(C±1)), and only when the curve has been flat at that level for at least half the run and did not start above 1.5·ln C. Causes are ranked by whether it sat there from the start, fell to it (learned only the class prior) or climbed back to it (collapsed).',
      zh: '分类损失停在 ln(C) 不动——这是对 C 个类别均匀猜测时的交叉熵：无论输入是什么，模型对每个类别给出相同的概率。给出 --num-classes 时使用该 C（与 ln C 相差 5% 以内）；否则只有当平台值与某个整数 2 ≤ C ≤ 1000 的 ln C 相差 1.5% 以内（且小于到相邻 ln(C±1) 距离的五分之一），并且曲线在该水平持平至少半程、且起点不高于 1.5·ln C 时才推断 C。原因排序取决于它是一开始就在那里、下降到那里（只学到了类别先验），还是回升到那里（模型崩溃）。',
    },
    message: {
      en: '{{series}} has been flat at {{level}} since {{axis}} {{since}} ({{share}} of the run): that is ln({{classes}}) = {{lnC}}, the loss of a uniform guess over {{classes}} classes{{inferred}}.',
      zh: '{{series}} 从 {{axis}} {{since}} 起一直停在 {{level}}（占全程 {{share}}）：这正是 ln({{classes}}) = {{lnC}}，即对 {{classes}} 个类别均匀猜测的损失{{inferred}}。',
    },
    causes: [
      { id: 'init', seed: '§T2', text: { en: 'Bad initialisation: outputs start (and stay) uniform, e.g. a zero-initialised or saturated last layer', zh: '初始化不当：输出一开始就是（并保持）均匀分布，例如最后一层被初始化为 0 或已饱和' } },
      { id: 'dead-units', seed: '§T7', text: { en: 'Dead units or vanishing gradients: no gradient reaches the layers before the output', zh: '神经元坏死或梯度消失：梯度到达不了输出层之前的各层' } },
      { id: 'lr', seed: '§T5', text: { en: 'Learning rate too high (the model collapsed to the uniform answer) or zero / too low to move', zh: '学习率过高（模型崩溃成均匀输出）或为 0 / 太低而无法移动' } },
      { id: 'labels', seed: '§T10', text: { en: 'Labels disconnected from inputs (shuffled or misaligned labels, wrong label column): only the class prior can be learned', zh: '标签与输入脱节（标签被打乱或错位、用错了标签列）：只能学到类别先验' } },
      { id: 'double-softmax', seed: '§T4', text: { en: 'Softmax applied before a loss that already applies it (probabilities fed to a cross-entropy on logits): gradients are tiny and the loss hugs ln C', zh: '在已经包含 softmax 的损失之前又做了一次 softmax（把概率送进基于 logits 的交叉熵）：梯度极小，损失贴在 ln C 附近' } },
    ],
    remedies: [
      { id: 'overfit-batch', seed: '§T1', text: { en: 'Try to overfit one small batch: if the loss cannot leave {{lnC}} even there, the bug is in the model, the loss or the labels, not the data size', zh: '尝试过拟合一个小批次：如果连这样损失都离不开 {{lnC}}，问题在模型、损失函数或标签，而不是数据量' } },
      { id: 'check-gradients', seed: '§T7', text: { en: 'Log per-layer gradient norms: all-zero layers mean dead ReLUs or a detached graph (LeakyReLU, or fix the graph)', zh: '记录每层梯度范数：全为 0 的层说明 ReLU 坏死或计算图断开（换用 LeakyReLU，或修复计算图）' } },
      { id: 'init', seed: '§T2', text: { en: 'Re-initialise with a standard scheme (He for ReLU, Glorot for tanh); do not zero the output layer', zh: '使用标准初始化方案重新初始化（ReLU 用 He，tanh 用 Glorot）；不要把输出层初始化为 0' } },
      { id: 'lr-sweep', seed: '§T5', text: { en: 'Sweep the learning rate by factors of 10 around {{lr}} (e.g. {{lrLow}} and {{lrHigh}})', zh: '以 10 倍为步长在 {{lr}} 附近搜索学习率（如 {{lrLow}} 和 {{lrHigh}}）' } },
      { id: 'check-labels', seed: '§T10', text: { en: 'Check that labels line up with inputs (print a few pairs) and that the label column is the right one', zh: '检查标签是否与输入对应（打印几对样本），以及用的是否是正确的标签列' } },
      { id: 'logits', seed: '§T4', text: { en: 'Feed raw logits to the cross-entropy (no softmax before it)', zh: '把原始 logits 直接送入交叉熵（之前不要做 softmax）' } },
    ],
  },
  check(ctx) {
    const lang = ctx.options.lang ?? 'en';
    const given = ctx.options.numClasses !== undefined && ctx.options.numClasses >= 2 ? ctx.options.numClasses : undefined;
    const candidates = [ctx.train, ctx.val, ctx.test].filter(
      (p): p is SeriesProfile => p !== undefined && p.kind === 'loss' && p.nFinite >= 5,
    );
    let found: AtChance | undefined;
    for (const p of candidates) {
      const hit = atChance(p, ctx.series(p.name), given);
      // The longest stretch at ln C wins; on a tie, the curve closest to it (a pinned eval loss).
      if (hit && (!found || hit.share > found.share + 1e-9 || (Math.abs(hit.share - found.share) <= 1e-9 && hit.distance < found.distance))) found = hit;
    }
    if (!found) return undefined;
    const { p, classes } = found;
    const ln = Math.log(classes);
    const lr = lrAt(ctx.lr, p.last.x);
    const schedule = ctx.lr ? detectLrSchedule(ctx.lr) : undefined;
    const lrZero = ctx.lr !== undefined && lr !== undefined && lr === 0;
    let causeOrder: string[];
    if (lrZero) causeOrder = ['lr', 'dead-units', 'init', 'labels', 'double-softmax'];
    else if (found.origin === 'fell') causeOrder = ['labels', 'double-softmax', 'lr', 'dead-units', 'init'];
    else if (found.origin === 'rose') causeOrder = ['lr', 'dead-units', 'labels', 'init', 'double-softmax'];
    else if (p.relNoise < 0.002) causeOrder = ['init', 'dead-units', 'double-softmax', 'lr', 'labels'];
    else causeOrder = ['init', 'dead-units', 'lr', 'double-softmax', 'labels'];
    const remedyFor: Record<string, string> = {
      init: 'init',
      'dead-units': 'check-gradients',
      lr: 'lr-sweep',
      labels: 'check-labels',
      'double-softmax': 'logits',
    };
    const inferred = found.given
      ? ''
      : lang === 'zh'
        ? `（C 由数值推断；可用 --num-classes 确认）`
        : ` (C inferred from the value; confirm with --num-classes)`;
    const others = candidates.filter((c) => c !== p && atChance(c, ctx.series(c.name), classes)).map((c) => c.name);
    const confidence = (found.given ? 0.9 : 0.75 - (classes > 100 ? 0.15 : 0)) * (0.7 + 0.3 * Math.min(1, found.share / 0.8));
    return {
      confidence,
      data: {
        series: p.name,
        level: num(p.endLevel),
        axis: p.axis,
        since: xval(found.since),
        share: pct(found.share),
        classes,
        lnC: num(ln),
        inferred,
        // Under a schedule, the learning rate worth sweeping is its peak, not its decayed tail.
        ...lrData(ctx, schedule && !schedule.constant ? schedule.peak.x : p.last.x),
      },
      evidence: {
        classes,
        classesGiven: found.given,
        lnC: ln,
        endLevel: p.endLevel,
        relativeDistance: found.distance,
        flatSince: found.since,
        shareAtChance: found.share,
        origin: found.origin,
        relNoise: p.relNoise,
        tail: p.tail,
        lr: lr ?? null,
        alsoAtChance: others,
      },
      series: [p.name, ...others],
      range: { from: found.since, to: p.last.x, axis: p.axis },
      causeOrder,
      remedyOrder: ['overfit-batch', ...causeOrder.map((c) => remedyFor[c])],
    };
  },
});

/** Is this loss stuck at ln C? C given, or inferred from the end level. */
function atChance(p: SeriesProfile, series: { x: Float64Array; y: Float64Array } | undefined, given: number | undefined): AtChance | undefined {
  if (!series || !(p.endLevel > 0)) return undefined;
  if (p.tail.direction !== 'flat') return undefined;
  const classes = given ?? inferClasses(p.endLevel);
  if (classes === undefined || classes < 2) return undefined;
  const ln = Math.log(classes);
  const distance = Math.abs(p.endLevel - ln) / ln;
  if (distance > (given ? GIVEN_TOLERANCE : INFER_TOLERANCE)) return undefined;
  // How long has the (smoothed) curve been at that level? Walk back from the end.
  const pts = finitePoints(series.x, series.y);
  const n = pts.y.length;
  const smooth = rollingLevel(pts.y, Math.max(3, Math.round(n / 20)) | 1);
  const band = Math.max(given ? GIVEN_TOLERANCE : 0.03, 2 * p.relNoise / Math.sqrt(Math.max(3, Math.round(n / 20)))) * ln;
  let i = n - 1;
  while (i > 0 && Math.abs(smooth[i - 1] - ln) <= band) i--;
  const span = pts.x[n - 1] - pts.x[0] || 1;
  const share = (pts.x[n - 1] - pts.x[i]) / span;
  if (share < (given ? 0.33 : 0.5)) return undefined;
  // Where did it come from?
  let origin: AtChance['origin'] = 'start';
  if (i > 0) {
    const head = pts.y.subarray(0, Math.max(1, Math.min(i, Math.ceil(n * 0.05))));
    let sum = 0;
    for (const v of head) sum += v;
    const startLevel = sum / head.length;
    if (Math.abs(startLevel - ln) > band) origin = startLevel > ln ? 'fell' : 'rose';
    // A C-class cross-entropy starts near ln C; one that came down from far above is another loss
    // that happens to end near that value (only trusted when the user said it is C classes).
    if (!given && startLevel > 1.5 * ln) return undefined;
  }
  return { p, classes, given: given !== undefined, since: pts.x[i], share, distance, origin };
}
