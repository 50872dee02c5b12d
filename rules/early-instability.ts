import { EARLY_SHARE, findEarlyEpisodes, logCurve, trainSeries, VOLATILE_SHARE } from '../src/core/curve-signals.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { joined, ref, type MessageValue } from '../src/core/engine/messages.js';
import { lrAt, lrData, num, pct, xval } from '../src/core/engine/rule-helpers.js';
import { detectLrSchedule } from '../src/core/lr-schedule.js';
import { gradNormSeries } from '../src/core/grad-norm.js';

export default defineRule({
  meta: {
    id: 'early-instability',
    severity: 'warning',
    tags: ['stability', 'warm-up'],
    seed: ['§T2', '§T5', '§T7'],
    title: { en: 'Unstable start', zh: '训练初期不稳定' },
    description: {
      en: `The training loss rises (or explodes) early in training, above the lowest level it had already reached, and comes back down. On the log of the loss, against the level reached so far (a rolling median whose window grows with the log, so that noise does not drag it down): a rise held over 2 of 3 consecutive logs of ×1.5 and 6 robust standard deviations, or a lone point of ×2 and 8 that the tail of the background noise does not explain (×2.5 when it is the only episode) — within the first ${EARLY_SHARE * 100}% of the run. When the first ${VOLATILE_SHARE * 100}% of training is at least 3× as jumpy as the rest (which inflates the noise estimate), ×1.5 held / ×2 lone rises anywhere in that first quarter count. The rise must be abrupt (within 4 logs or 0.5% of the run: a slow climb is not an explosion) and the smoothed loss must return within a quarter of the rise (log scale) of the level before it, within the first 35% of the run. The learning-rate schedule, when logged, tells whether the warm-up is missing, too short, or its peak too high.`,
      zh: `训练损失在训练初期（高于它已达到的最低水平）上升或暴涨，随后又降下来。在损失的对数上，与迄今达到的水平（窗口随日志长度增大的滚动中位数，以免被噪声拉低）比较：在全程前 ${EARLY_SHARE * 100}% 内，连续 3 条记录中有 2 条保持上升至少 1.5 倍且 6 个稳健标准差，或单个点达到 2 倍且 8 个标准差、且不能由背景噪声的尾部解释（若只有这一次则需 2.5 倍）。若前 ${VOLATILE_SHARE * 100}% 的训练比其余部分抖动大 3 倍以上（这会抬高噪声估计），则前四分之一内任何保持 1.5 倍 / 单点 2 倍的上升都计入。上升必须是突然的（在 4 条记录或全程 0.5% 之内；缓慢爬升不算暴涨），并且平滑后的损失要在全程前 35% 内回到上升前水平附近（对数尺度上不超过上升幅度的四分之一）。若日志中有学习率，就据此判断预热是缺失、太短还是峰值过高。`,
    },
    message: {
      en: '{{series}} rose ×{{factor}} early in training ({{ref}} → {{peak}} at {{axis}} {{peakX}}, {{share}} into the run) and recovered to {{recovered}} by {{axis}} {{endX}}{{morePart}}{{lrPart}}.',
      zh: '{{series}} 在训练初期上升到 {{factor}} 倍（{{ref}} → {{peak}}，位于 {{axis}} {{peakX}}，即全程的 {{share}} 处），到 {{axis}} {{endX}} 才恢复到 {{recovered}}{{morePart}}{{lrPart}}。',
    },
    fragments: {
      'lr.in-warmup': { en: '; the LR was still warming up ({{lrNow}}, warm-up until {{axis}} {{warmEnd}})', zh: '；当时学习率还在预热中（{{lrNow}}，预热到 {{axis}} {{warmEnd}}）' },
      'lr.after-warmup': { en: '; right after the warm-up ended ({{axis}} {{warmEnd}}, peak {{warmPeak}})', zh: '；紧接在预热结束（{{axis}} {{warmEnd}}，峰值 {{warmPeak}}）之后' },
      'lr.no-warmup': { en: '; the LR has no warm-up (it starts at {{lrFirst}})', zh: '；学习率没有预热（一开始就是 {{lrFirst}}）' },
      'more.rose-again': { en: '; it rose again {{times}} more time(s) ({{list}})', zh: '；之后又上升 {{times}} 次（{{list}}）' },
      'more.jumpy-start': { en: '; the first {{startShare}} of training is {{ratio}}× as jumpy as the rest', zh: '；前 {{startShare}} 的训练比其余部分抖动大 {{ratio}} 倍' },
      'more.first-log': { en: '; the very first log was already {{firstValue}}', zh: '；第一条记录就高达 {{firstValue}}' },
      'advice.longer-warmup': {
        en: 'from {{warmLength}} to about {{suggest}} {{axis}}s (the loss only settled by {{axis}} {{settledX}})',
        zh: '从 {{warmLength}} 延长到约 {{suggest}} 个 {{axis}}（损失到 {{axis}} {{settledX}} 才稳定下来）',
      },
      'advice.add-warmup': {
        en: 'linear over the first {{suggest}} {{axis}}s (about {{suggestShare}} of the run; the loss only settled by {{axis}} {{settledX}})',
        zh: '线性预热前 {{suggest}} 个 {{axis}}（约全程的 {{suggestShare}}；损失到 {{axis}} {{settledX}} 才稳定下来）',
      },
    },
    causes: [
      { id: 'warmup', seed: '§T5', text: { en: 'No learning-rate warm-up, or one too short: the first updates overshoot', zh: '没有学习率预热或预热太短：最初的更新步子过大' } },
      { id: 'lr-too-high', seed: '§T5', text: { en: 'Learning rate too high for the start of training', zh: '对于训练初期而言学习率过高' } },
      { id: 'exploding-gradients', seed: '§T7', text: { en: 'Exploding gradients while the weights are still random (large initial gradients, unnormalised inputs)', zh: '权重仍是随机时梯度爆炸（初始梯度过大、输入未归一化）' } },
      { id: 'init', seed: '§T2', text: { en: 'An initialisation that gives very large initial losses or activations', zh: '初始化导致初始损失或激活值过大' } },
    ],
    remedies: [
      { id: 'warmup', seed: '§T5', text: { en: 'Add or lengthen the learning-rate warm-up: {{warmupAdvice}}', zh: '加入或延长学习率预热：{{warmupAdvice}}' } },
      { id: 'lower-lr', seed: '§T5', text: { en: 'Lower the (peak) learning rate from {{lr}} to about {{lrLow}}', zh: '把（峰值）学习率从 {{lr}} 降到约 {{lrLow}}' } },
      { id: 'clip', seed: '§T7', text: { en: 'Clip gradients (e.g. max norm 1.0)', zh: '做梯度裁剪（例如最大范数 1.0）' } },
      { id: 'init', seed: '§T2', text: { en: 'Use a standard initialisation (He for ReLU, Glorot for tanh) and check input normalisation', zh: '使用标准初始化（ReLU 用 He，tanh 用 Glorot），并检查输入是否归一化' } },
    ],
  },
  check(ctx) {
    const series = trainSeries(ctx.run, ctx.series);
    const curve = logCurve(series, 6);
    if (!series || !curve) return undefined;
    const episodes = findEarlyEpisodes(curve);
    if (episodes.length === 0) return undefined;
    const ep = episodes[0];
    const axis = series.axis;
    const x0 = curve.x[0];
    const span = curve.x[curve.x.length - 1] - x0 || 1;
    const schedule = ctx.lr ? detectLrSchedule(ctx.lr) : undefined;
    const warm = schedule?.warmup;
    const lrAtPeak = lrAt(ctx.lr, ep.peakX);
    let phase: 'in-warmup' | 'after-warmup' | 'no-warmup' | 'unknown' = 'unknown';
    if (schedule && !schedule.constant && warm) {
      phase = ep.peakX <= warm.to ? 'in-warmup' : ep.peakX <= warm.to + 0.1 * span ? 'after-warmup' : 'unknown';
    } else if (schedule) phase = 'no-warmup';

    let lrPart: MessageValue = '';
    if (phase === 'in-warmup') lrPart = ref('lr.in-warmup', { lrNow: num(lrAtPeak ?? Number.NaN), warmEnd: xval(warm!.to) });
    else if (phase === 'after-warmup') lrPart = ref('lr.after-warmup', { warmEnd: xval(warm!.to), warmPeak: num(warm!.peakValue) });
    else if (phase === 'no-warmup') lrPart = ref('lr.no-warmup', { lrFirst: num(schedule!.first) });

    const lastEp = episodes[episodes.length - 1];
    const more: MessageValue[] = [];
    if (episodes.length > 1) {
      const list = episodes.slice(1).map((e) => `×${num(e.factor)} @ ${xval(e.peakX)}`).join(', ');
      more.push(ref('more.rose-again', { times: episodes.length - 1, list }));
    }
    if (ep.volatilityRatio >= 3) more.push(ref('more.jumpy-start', { startShare: pct(VOLATILE_SHARE), ratio: num(ep.volatilityRatio) }));
    if (curve.y[0] >= 10 * ep.ref && curve.y[0] >= 10 * Math.exp(curve.v[curve.v.length - 1])) {
      more.push(ref('more.first-log', { firstValue: num(curve.y[0]) }));
    }
    const morePart = joined(more, 'sep.none');
    const settle = Math.max(lastEp.endX - x0, 0.02 * span);
    // Long enough to cover the unstable start, but warm-ups beyond ~10% of a run are unusual.
    const suggest = Math.round(warm ? Math.max(Math.min(settle, 0.1 * span), 2 * (warm.to - warm.from)) : Math.min(settle, 0.1 * span));
    const settledX = xval(lastEp.endX);
    const warmupAdvice = warm
      ? ref('advice.longer-warmup', { warmLength: xval(Math.round(warm.to - warm.from)), suggest: xval(suggest), settledX })
      : ref('advice.add-warmup', { suggest: xval(suggest), suggestShare: pct(suggest / span), settledX });

    let causeOrder: string[];
    if (phase === 'after-warmup') causeOrder = ['lr-too-high', 'warmup', 'exploding-gradients', 'init'];
    else causeOrder = ['warmup', 'lr-too-high', 'exploding-gradients', 'init'];
    const grad = gradNormSeries(ctx.run);
    if (grad) {
      let atPeak = Number.NaN;
      const g: number[] = [];
      for (let i = 0; i < grad.x.length; i++) {
        if (!Number.isFinite(grad.y[i])) continue;
        g.push(grad.y[i]);
        if (grad.x[i] >= ep.startX && grad.x[i] <= ep.endX) atPeak = Number.isFinite(atPeak) ? Math.max(atPeak, grad.y[i]) : grad.y[i];
      }
      g.sort((a, b) => a - b);
      if (g.length >= 5 && atPeak >= 3 * g[g.length >> 1]) causeOrder = ['exploding-gradients', ...causeOrder.filter((c) => c !== 'exploding-gradients')];
    }
    const remedyFor: Record<string, string> = { warmup: 'warmup', 'lr-too-high': 'lower-lr', 'exploding-gradients': 'clip', init: 'init' };

    const size = Math.min(1, Math.log(Math.max(...episodes.map((e) => e.factor))) / Math.log(4));
    const confidence = Math.min(0.9, 0.5 + 0.3 * size + (ep.single ? 0 : 0.05) + (episodes.length > 1 ? 0.05 : 0));
    return {
      confidence,
      data: {
        series: series.name,
        factor: num(ep.factor),
        ref: num(ep.ref),
        peak: num(ep.peak),
        recovered: num(ep.recovered),
        axis,
        peakX: xval(ep.peakX),
        endX: xval(ep.endX),
        share: pct((ep.peakX - x0) / span),
        lrPart,
        morePart,
        warmupAdvice,
        ...lrData(ctx, warm && phase !== 'unknown' ? warm.to : ep.peakX, 'peak'),
      },
      evidence: {
        before: { x: ep.startX, value: ep.ref },
        peak: { x: ep.peakX, value: ep.peak },
        recovered: { x: ep.endX, value: ep.recovered },
        factor: ep.factor,
        zLog: ep.z,
        lonePoint: ep.single,
        test: ep.kind,
        startVolatilityRatio: Number.isFinite(ep.volatilityRatio) ? ep.volatilityRatio : null,
        episodes: episodes.map((e) => ({ from: e.startX, peakX: e.peakX, peak: e.peak, before: e.ref, factor: e.factor, recoveredAt: e.endX })),
        firstValue: curve.y[0],
        lrAtPeak: lrAtPeak ?? null,
        warmup: warm ?? null,
        phase,
      },
      series: [series.name],
      range: { from: ep.startX, to: lastEp.endX, axis },
      causeOrder,
      remedyOrder: causeOrder.map((c) => remedyFor[c]),
    };
  },
});
