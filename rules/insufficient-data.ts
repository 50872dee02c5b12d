import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { MIN_POINTS } from '../src/core/verdict-thresholds.js';

export default defineRule({
  meta: {
    id: 'insufficient-data',
    severity: 'info',
    tags: ['verdict'],
    seed: [],
    title: ref('verdict.insufficient-data'),
    description: {
      en: `Verdict rule: there is no loss curve, or it has fewer than ${MIN_POINTS} finite points — too few for a trend test, so lossdoc makes no judgement rather than a guess.`,
      zh: `结论规则：没有损失曲线，或其有限值少于 ${MIN_POINTS} 个——不足以做趋势检验，因此 lossdoc 不做判断，而不是瞎猜。`,
    },
    message: { en: '{{what}}', zh: '{{what}}' },
    fragments: {
      'what.few-points': {
        en: '{{series}} has only {{points}} finite point(s); at least {{minimum}} are needed to judge a trend.',
        zh: '{{series}} 只有 {{points}} 个有限值（至少需要 {{minimum}} 个）才能判断趋势。',
      },
      'what.no-loss': { en: 'No loss curve found (series: {{names}}).', zh: '没有找到损失曲线（列名：{{names}}）。' },
      none: { en: 'none', zh: '无' },
    },
    causes: [
      { id: 'short-run', seed: '', text: { en: 'The run was stopped (or the log cut) very early', zh: '训练很早就停止了（或日志被截断）' } },
      { id: 'no-loss', seed: '', text: { en: 'The log holds no series recognised as a loss', zh: '日志中没有被识别为损失的序列' } },
    ],
    remedies: [
      { id: 'log-more', text: { en: 'Log the loss more often (every few steps) or let the run go longer', zh: '更频繁地记录损失（每隔几步），或让训练运行更久' } },
      { id: 'name-columns', text: { en: 'If the loss has an unusual name, point lossdoc at it with --train / --val', zh: '如果损失列的名字不常见，用 --train / --val 指定' } },
    ],
  },
  check(ctx) {
    if (ctx.verdict.id !== 'insufficient-data') return undefined;
    const p = ctx.train ?? ctx.heldOut;
    const names = ctx.run.series.map((s) => s.name).join(', ');
    const what = p
      ? ref('what.few-points', { series: p.name, points: p.nFinite, minimum: MIN_POINTS })
      : ref('what.no-loss', { names: names || ref('none') });
    return {
      confidence: 1,
      data: { what },
      evidence: { points: p?.nFinite ?? 0, minimum: MIN_POINTS },
      series: p ? [p.name] : [],
      causeOrder: p ? ['short-run'] : ['no-loss'],
      remedyOrder: p ? ['log-more'] : ['name-columns'],
    };
  },
});
