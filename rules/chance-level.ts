import { rollingLevel } from '../src/core/curve-signals.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { ref, type MessageRef } from '../src/core/engine/messages.js';
import { lrAt, lrData, num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';
import { finitePoints } from '../src/core/stats/decimate.js';
import type { RuleContext } from '../src/core/engine/define-rule.js';
import type { Series, SeriesProfile } from '../src/core/types.js';

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
  source: ClassSource;
  accuracy?: { series: string; level: number };
  /** Flat above ln C (C known): worse than a uniform guess. */
  above: boolean;
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
      en: 'A classification loss that sits flat at ln(C), the cross-entropy of a uniform guess over C classes (or above it: worse than a uniform guess): the model predicts the same probability for every class, whatever the input. C is known from --num-classes / numClasses, or from an accuracy metric of the same split sitting at about 1/C; then the finding is an error (within 5% of ln C, or flat above 1.05·ln C). From the loss value alone C is only a guess — a plateau within 1.5% of ln C for an integer 2 ≤ C ≤ 1000 (and within a fifth of the gap to ln(C±1)), flat there for at least half the run, not starting above 1.5·ln C, and not a sum of loss components — so the finding is then at most info, worded "if the task has C classes", and it is dropped when an accuracy metric is clearly above 1/C. Causes are ranked by whether it sat there from the start, fell to it (learned only the class prior) or climbed back to it (collapsed).',
      zh: '分类损失停在 ln(C) 不动（或高于它：比均匀猜测还差）——ln(C) 是对 C 个类别均匀猜测时的交叉熵：无论输入是什么，模型对每个类别给出相同的概率。C 来自 --num-classes / numClasses，或来自同一数据划分上停在约 1/C 的准确率指标；此时该发现为错误级（与 ln C 相差 5% 以内，或持平在 1.05·ln C 之上）。仅凭损失数值只能猜测 C——平台值与某个整数 2 ≤ C ≤ 1000 的 ln C 相差 1.5% 以内（且小于到相邻 ln(C±1) 距离的五分之一）、在该水平持平至少半程、起点不高于 1.5·ln C、且不是多个损失分量之和——此时最多为提示级，措辞为“如果任务有 C 个类别”；若准确率明显高于 1/C 则不报告。原因排序取决于它是一开始就在那里、下降到那里（只学到了类别先验），还是回升到那里（模型崩溃）。',
    },
    message: {
      en: '{{series}} has been flat at {{level}} since {{axis}} {{since}} ({{share}} of the run): {{reading}}.',
      zh: '{{series}} 从 {{axis}} {{since}} 起一直停在 {{level}}（占全程 {{share}}）：{{reading}}。',
    },
    fragments: {
      'reading.above': {
        en: 'above ln({{classes}}) = {{lnC}}, the loss of a uniform guess over {{classes}} classes: worse than guessing{{why}}',
        zh: '高于 ln({{classes}}) = {{lnC}}（{{classes}} 个类别均匀猜测的损失），比均匀猜测还差{{why}}',
      },
      'reading.guessed': {
        en: 'if the task has {{classes}} classes, that is ln({{classes}}) = {{lnC}}, the loss of a uniform guess (the class count is a guess from the value; confirm with --num-classes)',
        zh: '如果任务有 {{classes}} 个类别，这正是 ln({{classes}}) = {{lnC}}，即均匀猜测的损失（类别数由数值推断；可用 --num-classes 确认）',
      },
      'reading.at': {
        en: 'that is ln({{classes}}) = {{lnC}}, the loss of a uniform guess over {{classes}} classes{{why}}',
        zh: '这正是 ln({{classes}}) = {{lnC}}，即对 {{classes}} 个类别均匀猜测的损失{{why}}',
      },
      'why.accuracy': { en: ' ({{accSeries}} is {{acc}}, about 1/{{classes}})', zh: '；{{accSeries}} 为 {{acc}}，约 1/{{classes}}' },
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
    const given = ctx.options.numClasses !== undefined && ctx.options.numClasses >= 2 ? ctx.options.numClasses : undefined;
    const candidates = [ctx.train, ctx.val, ctx.test].filter(
      (p): p is SeriesProfile => p !== undefined && p.kind === 'loss' && p.nFinite >= 5,
    );
    const task = taskClasses(given, accuracies(ctx));
    let found: AtChance | undefined;
    for (const p of candidates) {
      const series = ctx.series(p.name);
      const hit = atChance(p, series, classesFor(p, task));
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
    const others = candidates.filter((c) => c !== p && atChance(c, ctx.series(c.name), { classes, source: found.source })).map((c) => c.name);
    const known = found.source !== 'value';
    const confidence = (known ? 0.9 : 0.6 - (classes > 100 ? 0.15 : 0)) * (0.7 + 0.3 * Math.min(1, found.share / 0.8));
    return {
      confidence,
      // A class count guessed from the loss value alone is a hint, not an error.
      ...(known ? {} : { severity: 'info' as const }),
      data: {
        series: p.name,
        level: num(p.endLevel),
        axis: p.axis,
        since: xval(found.since),
        share: pct(found.share),
        classes,
        lnC: num(ln),
        reading: reading(found),
        // Under a schedule, the learning rate worth sweeping is its peak, not its decayed tail.
        ...lrData(ctx, schedule && !schedule.constant ? schedule.peak.x : p.last.x),
      },
      evidence: {
        classes,
        classesFrom: found.source,
        ...(found.accuracy ? { accuracy: found.accuracy } : {}),
        lnC: ln,
        endLevel: p.endLevel,
        relativeDistance: found.distance,
        aboveChance: found.above,
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

/** Where the class count comes from: the user, an accuracy at about 1/C, or the loss value alone. */
type ClassSource = 'given' | 'accuracy' | 'value';

interface KnownClasses {
  classes?: number;
  source: ClassSource;
  accuracy?: { series: string; level: number };
  /** An accuracy rose, or sits clearly above chance for the class count the value suggests: nothing to report. */
  learned?: boolean;
  /** The run's accuracy metrics, when the class count is left to the value. */
  accuracies?: readonly Accuracy[];
}

/** The sentence after the colon: what the level means, as sure as the class count is. */
function reading(found: AtChance): MessageRef {
  const { classes, source } = found;
  const data = { classes, lnC: num(Math.log(classes)) };
  const why = source === 'accuracy' ? ref('why.accuracy', { accSeries: found.accuracy!.series, acc: num(found.accuracy!.level) }) : '';
  if (found.above) return ref('reading.above', { ...data, why });
  if (source === 'value') return ref('reading.guessed', data);
  return ref('reading.at', { ...data, why });
}

/**
 * The task's accuracy: named acc/accuracy with at most a split word (`val_acc`, `eval_accuracy`,
 * `train/acc`). A qualified one (`val_domain_acc`, `top5_acc`) belongs to another head or has
 * another chance rate: an adversarial domain classifier sits at 1/2 on purpose.
 */
const ACCURACY_NAME = /^((train|training|val|valid|validation|eval|test)[/_.\- ]*)?acc(uracy)?([/_.\- ]*(train|val|valid|eval|test|epoch|step))?$/i;
const TOP_K = /top[-_ ]?[2-9]/i;

interface Accuracy {
  series: string;
  /** End level as a fraction (percent logs divided by 100). */
  level: number;
  /** The accuracy rose over the run: the model learned something, whatever its level. */
  rose: boolean;
}

/** Accuracy metrics of the run, the held-out splits first (the class count is the task's, not a split's). */
function accuracies(ctx: RuleContext): Accuracy[] {
  const out: Accuracy[] = [];
  for (const [name, p] of ctx.profiles) {
    if (p.kind !== 'metric' || !ACCURACY_NAME.test(name) || TOP_K.test(name) || !Number.isFinite(p.endLevel)) continue;
    // Accuracy logged in percent.
    const level = p.endLevel > 1 && p.endLevel <= 100 && p.max.value > 1 ? p.endLevel / 100 : p.endLevel;
    if (level < 0 || level > 1) continue;
    out.push({ series: name, level, rose: p.trend.direction === 'rising' || p.tail.direction === 'rising' });
  }
  const rank = (a: Accuracy) => (/^(val|eval|valid|test)|[^a-z](val|eval|valid|test)/i.test(a.series) ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b));
}

/**
 * The task's class count: given by the user, or read off a flat accuracy sitting at ≈ 1/C; else
 * left to each loss's value (source 'value'), unless an accuracy shows the model learned.
 */
/** The class count C whose 1/C an accuracy level sits at (within a fifth of 1/C), if any. */
function chanceClassesOf(level: number): number | undefined {
  if (!(level > 0 && level <= 0.55)) return undefined;
  const c = Math.round(1 / level);
  return c >= 2 && c <= MAX_INFERRED_CLASSES && Math.abs(level - 1 / c) <= 0.2 / c ? c : undefined;
}

function taskClasses(given: number | undefined, accs: readonly Accuracy[]): KnownClasses {
  if (given !== undefined) return { classes: given, source: 'given' };
  // An accuracy that rose but ends at about 1/C, for C ≥ 3, learned nothing (a double softmax
  // climbing from below chance to chance, a train accuracy memorising shuffled labels); one that rose
  // elsewhere did. A rise to 0.5 says nothing of the task: many-class accuracies pass 0.5 too.
  const roseToChance = (a: Accuracy) => (chanceClassesOf(a.level) ?? 0) >= 3;
  if (accs.some((a) => a.rose && !roseToChance(a))) return { source: 'value', learned: true };
  for (const accuracy of accs) {
    const { level } = accuracy;
    const c = chanceClassesOf(level);
    if (c === undefined) continue;
    // Another accuracy of the run well above 1/C: the model learned (a shifted split sits at chance).
    if (accs.some((a) => a.level >= 1 / c + 0.1)) return { source: 'value', learned: true };
    return { classes: c, source: 'accuracy', accuracy: { series: accuracy.series, level } };
  }
  return { source: 'value', ...(accs.length ? { accuracies: accs } : {}) };
}

/** For one loss: the task's class count, or the value's guess unless an accuracy is well above 1/C for it. */
function classesFor(loss: SeriesProfile, task: KnownClasses): KnownClasses {
  // An accuracy at chance reads 1/C only to within its sampling error (0.074 rounds to 1/14 on a
  // 10-class task). A loss at or above ln C is consistent with that C (at or worse than chance);
  // one clearly below it is not: then the smaller k whose ln k the loss sits at, if the accuracy
  // is within sampling error of 1/k, is the class count.
  if (task.source === 'accuracy' && task.classes && task.accuracy && loss.endLevel < Math.log(task.classes) * (1 - GIVEN_TOLERANCE)) {
    const level = task.accuracy.level;
    let best: number | undefined;
    for (let k = 2; k < Math.min(task.classes, MAX_INFERRED_CLASSES); k++) {
      const off = Math.abs(loss.endLevel - Math.log(k)) / Math.log(k);
      if (Math.abs(level - 1 / k) <= 0.35 / k && off <= GIVEN_TOLERANCE && (best === undefined || off < Math.abs(loss.endLevel - Math.log(best)) / Math.log(best))) best = k;
    }
    if (best !== undefined) return { ...task, classes: best };
  }
  if (task.source !== 'value' || task.learned) return task;
  const guess = inferClasses(loss.endLevel);
  if (guess !== undefined && task.accuracies?.some((a) => a.level >= 1 / guess + 0.1)) return { source: 'value', learned: true };
  return task;
}

/** Is this loss stuck at ln C (or flat above it, when C is known)? */
function atChance(p: SeriesProfile, series: Series | undefined, known: KnownClasses): AtChance | undefined {
  if (!series || !(p.endLevel > 0) || known.learned) return undefined;
  if (p.tail.direction !== 'flat') return undefined;
  const fromValue = known.source === 'value';
  // A sum of loss components (box + cls + dfl) is no cross-entropy over classes.
  if (fromValue && series.components) return undefined;
  const classes = known.classes ?? inferClasses(p.endLevel);
  if (classes === undefined || classes < 2) return undefined;
  const ln = Math.log(classes);
  const tolerance = fromValue ? INFER_TOLERANCE : GIVEN_TOLERANCE;
  const distance = Math.abs(p.endLevel - ln) / ln;
  const above = !fromValue && p.endLevel > ln * (1 + GIVEN_TOLERANCE);
  if (distance > tolerance && !above) return undefined;
  // How long has the (smoothed) curve been at that level (or above it)? Walk back from the end.
  const pts = finitePoints(series.x, series.y);
  const n = pts.y.length;
  const smooth = rollingLevel(pts.y, Math.max(3, Math.round(n / 20)) | 1);
  const band = Math.max(fromValue ? 0.03 : GIVEN_TOLERANCE, 2 * p.relNoise / Math.sqrt(Math.max(3, Math.round(n / 20)))) * ln;
  const stays = above ? (v: number) => v >= ln - band : (v: number) => Math.abs(v - ln) <= band;
  let i = n - 1;
  while (i > 0 && stays(smooth[i - 1])) i--;
  const span = pts.x[n - 1] - pts.x[0] || 1;
  const share = (pts.x[n - 1] - pts.x[i]) / span;
  if (share < (fromValue ? 0.5 : 0.33)) return undefined;
  // Where did it come from?
  let origin: AtChance['origin'] = 'start';
  if (i > 0) {
    const head = pts.y.subarray(0, Math.max(1, Math.min(i, Math.ceil(n * 0.05))));
    let sum = 0;
    for (const v of head) sum += v;
    const startLevel = sum / head.length;
    if (Math.abs(startLevel - ln) > band) origin = startLevel > ln ? 'fell' : 'rose';
    // A C-class cross-entropy starts near ln C; one that came down from far above is another loss
    // that happens to end near that value (only trusted when the class count is known).
    if (fromValue && startLevel > 1.5 * ln) return undefined;
  }
  return { p, classes, source: known.source, ...(known.accuracy ? { accuracy: known.accuracy } : {}), above, since: pts.x[i], share, distance, origin };
}
