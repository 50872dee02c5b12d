import { indexAtOrAfter, logCurve, medianOf, rollingLevel, trainSeries } from '../src/core/curve-signals.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { joined, ref, type MessageList, type MessageValue } from '../src/core/engine/messages.js';
import { num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule, type LrSchedule } from '../src/core/lr-schedule.js';

interface LatePlateau {
  /** Where the loss stopped improving, and the LR drop that ended the plateau. */
  from: number;
  dropX: number;
  level: number;
  /** Relative step down of the loss after the drop. */
  stepDown: number;
  lrFrom: number;
  lrTo: number;
}

interface BlowUp {
  x: number;
  /** 'warmup-end' or 'restart' */
  after: 'warmup-end' | 'restart';
  factor: number;
  lr: number;
}

function describe(s: LrSchedule): MessageList {
  const parts: MessageValue[] = [];
  if (s.warmup) {
    parts.push(ref('schedule.warmup', { warmStart: num(s.warmup.startValue), warmPeak: num(s.warmup.peakValue), warmEnd: xval(s.warmup.to), warmShare: pct(s.warmup.share) }));
  }
  if (s.cycles) {
    parts.push(ref('schedule.cyclic', { restarts: s.cycles.restarts, period: xval(Math.round(s.cycles.period)) }));
  } else if (s.drops.length > 0) {
    const list = s.drops
      .slice(0, 4)
      .map((d) => `${num(d.from)} → ${num(d.to)} @ ${xval(d.x)}`)
      .join(', ');
    const more = s.drops.length > 4 ? ref('drops.more', { more: s.drops.length - 4 }) : '';
    parts.push(ref('schedule.drops', { drops: s.drops.length, list, more }));
  } else if (s.decay !== 'none') {
    parts.push(ref('schedule.decay', { shape: ref(`shape.${s.decay}`), peak: num(s.peak.value), last: num(s.last) }));
  }
  if (s.rises.length > 0 && !s.cycles) {
    parts.push(ref('schedule.raised', { raisedAt: joined(s.rises.map((r) => xval(r.x)), 'sep.enum') }));
  }
  return joined(parts, 'sep.semicolon');
}

export default defineRule({
  meta: {
    id: 'lr-schedule',
    severity: 'info',
    tags: ['schedule', 'optimisation'],
    seed: ['§T5'],
    title: { en: 'Learning-rate schedule', zh: '学习率调度' },
    description: {
      en: 'Reads the learning-rate series, when the log has one: warm-up (a monotone rise to the peak), step decays (drops by a factor ≥ 2 between consecutive logged values that stand out from their neighbours), restarts and cyclic schedules (two or more rises by ≥ 2× after a decay), and the shape of a smooth decay (linear, cosine, exponential). Then relates it to the training loss: a plateau that only ended when the LR was cut says the decay could have come earlier; a blow-up right after the LR went up (from the last quarter of the warm-up to half a warm-up / 1% of the run after it, or right after a restart; ×1.5 held over 2 of 3 logs and 6σ, or a lone ×2 and 8σ, on the log of the loss) says the peak LR is too high. A plateau counts when the loss stayed within ~2% of its pre-drop level for at least 10% of the run and stepped down ≥ 3% after the drop.',
      zh: '当日志中有学习率序列时读取其调度：预热（单调上升到峰值）、阶梯衰减（相邻两次记录之间下降至少 2 倍，且明显区别于前后变化）、重启与周期性调度（衰减后两次以上回升至少 2 倍），以及平滑衰减的形状（线性、余弦、指数）。再与训练损失对照：平台期直到学习率下调才结束，说明衰减本可以更早；学习率上调（从预热最后四分之一到其后半个预热长度 / 全程 1% 之内，或重启之后）损失立刻暴涨（对数尺度上连续 3 条中 2 条上升 1.5 倍且 6σ，或单点 2 倍且 8σ），说明峰值学习率过高。平台期指损失在下调前至少 10% 的全程内保持在下调前水平约 2% 以内，且下调后至少下降 3%。',
    },
    message: {
      en: '{{lrName}}: {{schedule}}.{{interactions}}',
      zh: '{{lrName}}：{{schedule}}。{{interactions}}',
    },
    fragments: {
      'schedule.warmup': {
        en: 'warm-up from {{warmStart}} to {{warmPeak}} (until {{axis}} {{warmEnd}}, {{warmShare}} of the run)',
        zh: '预热：从 {{warmStart}} 升到 {{warmPeak}}（到 {{axis}} {{warmEnd}}，占 {{warmShare}}）',
      },
      'schedule.cyclic': { en: 'cyclic: {{restarts}} restarts, one every ~{{period}} {{axis}}s', zh: '周期性：重启 {{restarts}} 次，周期约 {{period}}' },
      'schedule.drops': { en: '{{drops}} step decay(s) ({{list}}{{more}})', zh: '阶梯衰减 {{drops}} 次（{{list}}{{more}}）' },
      'drops.more': { en: ' and {{more}} more', zh: ' 等 {{drops}} 次' },
      'schedule.decay': { en: '{{shape}} decay from {{peak}} to {{last}}', zh: '{{shape}}衰减：{{peak}} → {{last}}' },
      'shape.linear': { en: 'linear', zh: '线性' },
      'shape.cosine': { en: 'cosine', zh: '余弦' },
      'shape.exponential': { en: 'exponential', zh: '指数' },
      'shape.smooth': { en: 'smooth', zh: '平滑' },
      'shape.step': { en: 'step', zh: '阶梯' },
      'schedule.raised': { en: 'raised at {{axis}} {{raisedAt}}', zh: '在 {{axis}} {{raisedAt}} 上调' },
      'late-plateau': {
        en: ' The loss sat at about {{level}} from {{axis}} {{from}} and only fell again ({{stepDown}}) after the LR drop {{lrFrom}} → {{lrTo}} at {{axis}} {{dropX}}.',
        zh: '损失从 {{axis}} {{from}} 起停在约 {{level}}，直到 {{axis}} {{dropX}} 学习率从 {{lrFrom}} 降到 {{lrTo}} 后才再下降 {{stepDown}}。',
      },
      'blow-up': { en: ' The loss rose ×{{factor}} {{when}} ({{axis}} {{x}}).', zh: '损失{{when}}上升到 {{factor}} 倍（{{axis}} {{x}}）。' },
      'when.warmup-end': { en: 'at the end of warm-up', zh: '预热结束时' },
      'when.restart': { en: 'right after the LR was raised', zh: '学习率重启后' },
    },
    causes: [
      { id: 'decay-late', seed: '§T5', text: { en: 'The learning rate stayed high after the loss had stopped improving; only the cut let it go lower', zh: '损失停止改善后学习率仍然偏高，直到下调学习率损失才继续下降' } },
      { id: 'peak-too-high', seed: '§T5', text: { en: 'The peak learning rate is too high: the loss blows up when the LR goes up', zh: '峰值学习率过高：学习率一上调损失就暴涨' } },
      { id: 'as-planned', seed: '§T5', text: { en: 'The loss follows the schedule as intended', zh: '损失按调度预期变化' } },
    ],
    remedies: [
      { id: 'decay-earlier', seed: '§T5', text: { en: 'Lower the learning rate earlier: around {{axis}} {{plateauFrom}}, where the loss stopped improving (move the milestone there, or use ReduceLROnPlateau with a shorter patience)', zh: '更早降低学习率：在 {{axis}} {{plateauFrom}} 左右（损失停止改善处）就下调（把里程碑挪到这里，或使用耐心值更短的 ReduceLROnPlateau）' } },
      { id: 'lower-peak', seed: '§T5', text: { en: 'Lower the peak learning rate from {{peakLr}} to {{peakLow}}, or lengthen the warm-up', zh: '把峰值学习率从 {{peakLr}} 降到 {{peakLow}}，或延长预热' } },
      { id: 'keep', text: { en: 'Nothing to change in the schedule; when comparing runs, compare them at the same point of it', zh: '调度无需改动；比较不同运行时，请在调度的相同阶段进行比较' } },
    ],
  },
  check(ctx) {
    if (!ctx.lr) return undefined;
    const s = detectLrSchedule(ctx.lr);
    if (!s || s.constant) return undefined;
    const structured = s.warmup || s.drops.length > 0 || s.rises.length > 0 || s.cycles || s.decay !== 'none';
    if (!structured) return undefined;
    const axis = ctx.lr.axis;

    const late: LatePlateau[] = [];
    const blowUps: BlowUp[] = [];
    const curve = logCurve(trainSeries(ctx.run, ctx.series));
    if (curve) {
      const { x, v } = curve;
      const n = v.length;
      const span = x[n - 1] - x[0] || 1;
      const level = rollingLevel(v, Math.max(5, Math.round(0.03 * n)) | 1);
      const sigma = curve.noise || 1e-12;
      // (a) Plateaus ended by a step decay.
      let prevBoundary = s.warmup ? s.warmup.to : x[0];
      for (const d of s.drops) {
        const at = indexAtOrAfter(x, d.x);
        const startIdx = indexAtOrAfter(x, prevBoundary);
        prevBoundary = d.x;
        if (at - startIdx < 6 || at >= n - 3) continue;
        const k = Math.max(3, Math.round(0.03 * n));
        const before = medianOf(v, at - k, at);
        const afterEnd = indexAtOrAfter(x, d.x + 0.1 * span);
        const after = medianOf(v, Math.max(at + 1, afterEnd - k), Math.max(afterEnd, at + 4));
        const stepDown = 1 - Math.exp(after - before);
        const se = 1.2533 * sigma * Math.sqrt(2 / k);
        if (stepDown < 0.03 || before - after < 3 * se) continue;
        // Walk back while the rolling level stays within a band of the pre-drop level.
        const band = Math.max(Math.log(1.02), 3 * se);
        let from = at - 1;
        while (from - 1 >= startIdx && Math.abs(level[from - 1] - before) <= band) from--;
        if (x[at] - x[from] >= 0.1 * span) {
          late.push({ from: x[from], dropX: d.x, level: Math.exp(before), stepDown, lrFrom: d.from, lrTo: d.to });
        }
      }
      // (b) Blow-ups at the end of warm-up or right after a restart.
      // "Right after": within max(half the warm-up / a tenth of a cycle, 1% of the run, 3 logs).
      const logGap = span / Math.max(1, n - 1);
      const events: Array<{ x: number; from: number; until: number; kind: BlowUp['after'] }> = [];
      if (s.warmup) {
        const len = s.warmup.to - s.warmup.from;
        events.push({ x: s.warmup.to, from: s.warmup.to - 0.25 * len, until: s.warmup.to + Math.max(0.5 * len, 0.01 * span, 3 * logGap), kind: 'warmup-end' });
      }
      const after = Math.max(0.01 * span, 3 * logGap, s.cycles ? 0.1 * s.cycles.period : 0);
      for (const r of s.rises) events.push({ x: r.x, from: r.prevX, until: r.x + after, kind: 'restart' });
      if (s.cycles) {
        for (const p of s.cycles.peaks.slice(1)) if (!events.some((e) => e.x === p)) events.push({ x: p, from: p - after, until: p + after, kind: 'restart' });
      }
      const smooth = rollingLevel(v, 3);
      for (const e of events) {
        const i0 = indexAtOrAfter(x, e.from);
        const k = Math.min(i0, Math.max(3, Math.round(0.02 * n)));
        if (k < 3) continue;
        const before = medianOf(v, i0 - k, i0);
        const end = indexAtOrAfter(x, e.until);
        // Held rise (2 of 3 logs) ≥ ×1.5 and 6σ, or a lone point ≥ ×2 and 8σ; report the larger.
        let best = 0;
        let bestX = e.x;
        for (let i = i0; i <= Math.min(n - 1, end); i++) {
          const held = smooth[i] - before;
          const lone = v[i] - before;
          const rise = lone >= Math.max(Math.log(2), 8 * sigma) ? lone : held >= Math.max(Math.log(1.5), 6 * sigma) ? held : 0;
          if (rise > best) {
            best = rise;
            bestX = x[i];
          }
        }
        if (best > 0) blowUps.push({ x: bestX, after: e.kind, factor: Math.exp(best), lr: s.peak.value });
      }
    }

    const parts: MessageValue[] = [];
    for (const p of late.slice(0, 3)) {
      parts.push(ref('late-plateau', { from: xval(p.from), level: num(p.level), dropX: xval(p.dropX), lrFrom: num(p.lrFrom), lrTo: num(p.lrTo), stepDown: pct(p.stepDown) }));
    }
    for (const b of blowUps.slice(0, 3)) {
      parts.push(ref('blow-up', { when: ref(b.after === 'warmup-end' ? 'when.warmup-end' : 'when.restart'), factor: num(b.factor), x: xval(b.x) }));
    }
    const causeOrder = blowUps.length ? ['peak-too-high', 'decay-late', 'as-planned'] : late.length ? ['decay-late', 'as-planned'] : ['as-planned'];
    const remedyOrder: string[] = [];
    if (blowUps.length) remedyOrder.push('lower-peak');
    if (late.length) remedyOrder.push('decay-earlier');
    if (!remedyOrder.length) remedyOrder.push('keep');
    const peakLr = s.peak.value;
    return {
      confidence: late.length || blowUps.length ? 0.7 : 0.9,
      data: {
        lrName: ctx.lr.name,
        schedule: describe(s),
        interactions: joined(parts, 'sep.none'),
        axis,
        plateauFrom: late.length ? xval(late[0].from) : '',
        peakLr: num(peakLr),
        peakLow: num(peakLr / 3),
      },
      evidence: {
        schedule: {
          first: s.first,
          peak: s.peak,
          last: s.last,
          warmup: s.warmup,
          drops: s.drops.map((d) => ({ x: d.x, from: d.from, to: d.to, factor: d.factor })),
          rises: s.rises.map((d) => ({ x: d.x, from: d.from, to: d.to, factor: d.factor })),
          cycles: s.cycles,
          decay: s.decay,
        },
        plateausEndedByDrop: late,
        blowUps,
      },
      series: [ctx.lr.name, ...(ctx.run.primary.train ? [ctx.run.primary.train] : [])],
      range: { from: s.span[0], to: s.span[1], axis },
      causeOrder,
      remedyOrder,
    };
  },
});
