import { epochGrid, rollingLevel } from '../src/core/curve-signals.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { defineOptions } from '../src/core/engine/rule-options.js';
import { lrAt, lrData, num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';
import { MAX_STAT_POINTS } from '../src/core/profile.js';
import { decimate, finitePoints, window } from '../src/core/stats/decimate.js';
import { median } from '../src/core/stats/robust.js';
import { theilSen } from '../src/core/stats/trend-tests.js';
import { staircaseOf } from './epoch-staircase.js';

/** Share of the current level the remaining fall (projected from the tail) must reach. */
export const PROJECTED_SHARE = 0.4;

const options = defineOptions({ projectedShare: PROJECTED_SHARE }, (z) => ({ projectedShare: z.number().positive() }));

export default defineRule({
  meta: {
    id: 'slow-convergence',
    severity: 'info',
    tags: ['progress', 'optimisation'],
    seed: ['§T5', '§T6', '§T8'],
    title: { en: 'Slow convergence', zh: '收敛缓慢' },
    description: {
      en: 'The training loss is still falling steadily when the log ends, with a long way to go (24 points or more). Theil–Sen slopes in four windows over the last two-thirds give the pace, and both windows of the last third must fall. The remaining fall is projected as an exponential approach to a floor when the pace slows (the decay rate is the larger of a fit to the log of the four slopes and the middle-third/last-third ratio; what is left is the slope at the end ÷ that rate), or linearly over one more run of the same length when it does not; it fires when that is at least 40% of the current level. Only on a "still learning" verdict, and not when the fall is an epoch staircase (memorisation) or follows an LR step decay in the last third (the schedule at work). Causes are ranked from the shape: a curve that falls at nearly the same rate from start to end points to a learning rate that is too low (or a batch that is too large); a normal fast-then-slow curve, or a schedule that has decayed to near zero, to a run that is too short.',
      zh: '日志结束时训练损失仍在稳定下降，而且离收敛还远（至少 24 个点）。用后三分之二上四个窗口的 Theil–Sen 斜率衡量速度，且最后三分之一的两个窗口都必须在下降。若速度在变慢，就按指数逼近下限来估计剩余降幅（衰减率取四个斜率对数拟合值与中段/末段斜率比两者中的较大者，剩余降幅为末端斜率 ÷ 衰减率）；若没有变慢，就按再训练一个同样长度线性外推；剩余降幅至少为当前水平的 40% 时触发。仅在“仍在学习”的结论下触发；如果下降是按轮次的阶梯（记忆训练集），或紧随最后三分之一内的学习率阶梯衰减（调度在起作用），则不触发。原因按曲线形状排序：从头到尾以几乎相同速度下降，说明学习率太低（或批太大）；先快后慢的正常曲线、或学习率已衰减到接近 0，则说明训练时间太短。',
    },
    message: {
      en: '{{series}} is still falling steadily at the end ({{midChange}} over the middle third, {{tailChange}} over the last third, now {{end}}): at this pace it has about {{projected}} of its current value left to lose.',
      zh: '{{series}} 在结束时仍在稳定下降（中间三分之一变化 {{midChange}}，最后三分之一变化 {{tailChange}}，当前 {{end}}）：按这个速度，它还能再降低当前值的约 {{projected}}。',
    },
    fragments: {
      all: { en: 'all', zh: '全部' },
    },
    causes: [
      { id: 'too-short', seed: '§T6', text: { en: 'Not trained long enough: the run ended mid-descent', zh: '训练时间不够：训练在下降途中就结束了' } },
      { id: 'lr-too-low', seed: '§T5', text: { en: 'Learning rate too low: every step is small, so progress is steady but slow', zh: '学习率太低：每一步都很小，所以进展稳定但缓慢' } },
      { id: 'batch-too-large', seed: '§T8', text: { en: 'Batch too large: gradients average out and there are few updates per epoch', zh: '批太大：梯度被平均掉，每轮的更新次数也少' } },
    ],
    options,
    remedies: [
      { id: 'train-longer', seed: '§T6', text: { en: 'Train longer (at least {{more}} more {{axis}}s), extending the LR schedule with it', zh: '训练更久（至少再训练 {{more}} 个 {{axis}}），学习率调度也相应延长' } },
      { id: 'raise-lr', seed: '§T5', text: { en: 'Try a larger (peak) learning rate: {{lr}} → {{lrHigh}} (watch for spikes)', zh: '尝试更大的（峰值）学习率：{{lr}} → {{lrHigh}}（注意是否出现尖峰）' } },
      { id: 'smaller-batch', seed: '§T8', text: { en: 'Try a smaller batch (more updates per epoch), e.g. half the current size', zh: '尝试更小的批（每轮更新次数更多），例如当前的一半' } },
    ],
  },
  check(ctx, o) {
    if (ctx.verdict.id !== 'still-learning' || !ctx.train) return undefined;
    const p = ctx.train;
    if (p.nFinite < 24) return undefined;
    if (!(p.endLevel > 0) || p.tail.direction !== 'falling' || p.tail.p >= 0.01) return undefined;
    const series = ctx.series(p.name);
    if (!series) return undefined;
    const span = p.span[1] - p.span[0];
    if (!(span > 0)) return undefined;
    // How much is left: Theil–Sen slopes in four windows over the last two-thirds; the log of
    // their size against x gives the decay rate k of an exponential approach to a floor, and
    // the fall still to come is |slope at the end| ÷ k. A pace that does not slow is
    // extrapolated linearly over one more run length.
    const raw = finitePoints(series.x, series.y);
    // A pattern that repeats every epoch would alias with the windows: smooth over one epoch first.
    const grid = epochGrid(ctx.run, raw.x[0], raw.x[raw.x.length - 1]);
    const perEpoch = grid ? Math.round((raw.x.length * grid.stepsPerEpoch) / (raw.x[raw.x.length - 1] - raw.x[0] || 1)) : 0;
    const pts = perEpoch >= 4 && perEpoch < raw.x.length / 4 ? { x: raw.x, y: rollingLevel(raw.y, perEpoch | 1) } : raw;
    const wx: number[] = [];
    const ws: number[] = [];
    for (let k = 0; k < 4; k++) {
      const from = p.span[0] + span / 3 + (k * span) / 6;
      const w = decimate(window(pts, from, from + span / 6), MAX_STAT_POINTS);
      if (w.x.length < 4) return undefined;
      wx.push(from + span / 12);
      ws.push(theilSen(w.x, w.y).slope);
    }
    // Falling steadily at the end: both windows of the last third fall.
    if (!(ws[2] < 0 && ws[3] < 0)) return undefined;
    const neg = ws.map((v, k) => ({ x: wx[k], l: v < 0 ? Math.log(-v) : Number.NaN })).filter((w) => Number.isFinite(w.l));
    const fit = theilSen(Float64Array.from(neg, (w) => w.x), Float64Array.from(neg, (w) => w.l));
    // Two noisy estimates of the rate (fit over four windows; middle third against last third):
    // take the larger, i.e. the smaller projection, so that noise does not invent a long way to go.
    const pairRate = ws[0] + ws[1] < 0 ? Math.log((ws[0] + ws[1]) / (ws[2] + ws[3])) / (span / 3) : 0;
    const rate = Math.max(neg.length >= 3 ? -fit.slope : 0, pairRate);
    const endSlope = neg.length >= 3 ? -Math.exp(fit.intercept + fit.slope * p.span[1]) : (ws[2] + ws[3]) / 2;
    const linear = -endSlope * span;
    const remaining = rate > 0 ? Math.min(linear, -endSlope / rate) : linear;
    const projected = remaining / p.endLevel;
    if (projected < o.projectedShare) return undefined;
    const midSlope = (ws[0] + ws[1]) / 2;
    const sc = staircaseOf(ctx);
    if (sc?.fires) return undefined;
    // A fall right after an LR step decay in the last third is the schedule at work.
    const schedule = ctx.lr ? detectLrSchedule(ctx.lr) : undefined;
    if (schedule?.drops.some((d) => d.x >= p.span[1] - span / 3)) return undefined;

    // Shape: the fall rate in the first third against the last third.
    const first = decimate(window(pts, p.span[0], p.span[0] + span / 3), MAX_STAT_POINTS);
    const firstSlope = first.x.length >= 4 ? theilSen(first.x, first.y).slope : p.tail.slope;
    const steady = firstSlope >= 2.5 * p.tail.slope; // slopes are negative: early fall < 2.5× late fall
    const lrEnd = lrAt(ctx.lr, p.last.x);
    const decayedOut = schedule !== undefined && !schedule.constant && schedule.last <= 0.1 * schedule.peak.value;
    let causeOrder: string[];
    if (decayedOut) causeOrder = ['too-short', 'lr-too-low', 'batch-too-large'];
    else if (steady) causeOrder = ['lr-too-low', 'batch-too-large', 'too-short'];
    else causeOrder = ['too-short', 'lr-too-low', 'batch-too-large'];
    const remedyFor: Record<string, string> = { 'too-short': 'train-longer', 'lr-too-low': 'raise-lr', 'batch-too-large': 'smaller-batch' };
    return {
      confidence: Math.min(0.85, p.tail.confidence * (0.6 + 0.4 * Math.min(1, projected))),
      data: {
        series: p.name,
        tailChange: pct(p.tail.relChange),
        midChange: pct((midSlope * span) / 3 / (median(window(pts, p.span[0] + span / 3, p.span[0] + (2 * span) / 3).y) || p.endLevel)),
        end: num(p.endLevel),
        span: xval(Math.round(span)),
        axis: p.axis,
        projected: projected >= 1 ? ref('all') : pct(projected),
        more: xval(Math.round(span / 2)),
        // After a decay, the learning rate worth raising is the schedule's peak, not its tail.
        ...lrData(ctx, decayedOut ? schedule!.peak.x : p.last.x),
      },
      evidence: {
        tail: p.tail,
        projectedShare: projected,
        decayRate: rate,
        windowSlopes: ws.map((slope, k) => ({ x: wx[k], slope })),
        slopeAtEnd: endSlope,
        firstThirdSlope: firstSlope,
        steadyFromStart: steady,
        lrAtEnd: lrEnd ?? null,
        lrDecayedOut: decayedOut,
      },
      series: [p.name],
      range: { from: p.tail.from, to: p.tail.to, axis: p.axis },
      causeOrder,
      remedyOrder: causeOrder.map((c) => remedyFor[c]),
    };
  },
});
