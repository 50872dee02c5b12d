import { divergence } from '../src/core/baseline.js';
import { BASELINE_TAG, REGRESSION_CAUSES, REGRESSION_REMEDIES } from '../src/core/engine/baseline-helpers.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { num } from '../src/core/engine/rule-helpers.js';
import { NO_OPTIONS } from '../src/core/engine/rule-options.js';
import { sig6 } from '../src/core/number-format.js';

/** The message's sentences and parts (named sub-templates of `{{text}}`). */
const TEXT = {
  verdict: {
    en: "this run's verdict is {{verdict}} while the baseline {{baseline}} was {{baselineVerdict}}{{nanPart}}.",
    zh: '本次结论为“{{verdictTitle}}”，而基线 {{baseline}} 为“{{baselineVerdictTitle}}”{{nanPart}}。',
  },
  verdictNanPart: { en: '; the loss became NaN/Inf at {{axis}} {{at}}', zh: '；损失在 {{axis}} {{at}} 变为 NaN/Inf' },
  nonFinite: { en: 'the loss became NaN/Inf at {{axis}} {{at}}; {{baselinePart}}.', zh: '损失在 {{axis}} {{at}} 变为 NaN/Inf，{{baselinePart}}。' },
  baselineNever: { en: 'the baseline never did', zh: '基线从未出现' },
  baselineAt: { en: 'the baseline at {{axis}} {{at}}', zh: '基线在 {{axis}} {{at}}' },
};

export default defineRule({
  meta: {
    id: 'regression-diverged',
    severity: 'error',
    tags: [BASELINE_TAG],
    seed: [],
    title: { en: 'Diverged where the baseline did not', zh: '基线正常而本次发散' },
    description: {
      en: 'Compares with a baseline run (`lossdoc compare`, or `analyze --baseline`). The run failed to train where its baseline did not: its verdict is diverging or not-learning while the baseline’s is neither, or its primary loss turned NaN/Inf earlier than the baseline’s (or where the baseline’s never did). When this fires, regression-new-finding does not repeat diverging, not-learning or non-finite.',
      zh: '与基线运行比较（`lossdoc compare`，或 `analyze --baseline`）。本次训练失败而基线没有：结论为发散或没有学习，而基线两者都不是；或主损失比基线更早变为 NaN/Inf（或基线从未出现）。此规则触发时，regression-new-finding 不再重复 diverging、not-learning 或 non-finite。',
    },
    message: { en: '{{text}}', zh: '{{text}}' },
    causes: REGRESSION_CAUSES,
    remedies: REGRESSION_REMEDIES,
    fragments: TEXT,
    options: NO_OPTIONS,
  },
  check(ctx) {
    const b = ctx.baseline;
    const how = b && divergence(b);
    if (!b?.reference || !how) return undefined;
    const current = b.current.report;
    const reference = b.reference.report;
    const axis = b.current.run.axis;
    const evidence = {
      baseline: b.reference.run.name,
      verdict: current.verdict.id,
      baselineVerdict: reference.verdict.id,
      firstNonFinite: how.at ?? null,
      baselineFirstNonFinite: how.baselineAt ?? null,
    };
    if (how.kind === 'verdict') {
      const run = b.current.run;
      const data = {
        verdict: current.verdict.id,
        verdictTitle: current.verdict.title,
        baseline: b.reference.run.name,
        baselineVerdict: reference.verdict.id,
        baselineVerdictTitle: reference.verdict.title,
        nanPart: how.at !== undefined ? ref('verdictNanPart', { axis, at: num(how.at) }) : '',
      };
      return {
        confidence: 1,
        data: { text: ref('verdict', data) },
        series: [run.primary.train, run.primary.val].filter((n): n is string => n !== undefined),
        evidence,
      };
    }
    const at = how.at!;
    const baselinePart = how.baselineAt === undefined ? ref('baselineNever') : ref('baselineAt', { axis, at: num(how.baselineAt) });
    return {
      confidence: 1,
      data: { text: ref('nonFinite', { axis, at: num(at), baselinePart }) },
      series: current.series.filter((s) => s.primary && s.nonFinite.count > 0).map((s) => s.name),
      range: { from: sig6(at), to: sig6(at), axis },
      evidence,
    };
  },
});
