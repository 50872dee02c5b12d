import { divergence } from '../src/core/baseline.js';
import { atLeast } from '../src/core/severity.js';
import { BASELINE_TAG, REGRESSION_CAUSES, REGRESSION_REMEDIES } from '../src/core/engine/baseline-helpers.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { NO_OPTIONS } from '../src/core/engine/rule-options.js';

/** Findings that regression-diverged already covers when it fires. */
const DIVERGED_IDS = new Set(['diverging', 'not-learning', 'non-finite']);

export default defineRule({
  meta: {
    id: 'regression-new-finding',
    severity: 'error',
    tags: [BASELINE_TAG],
    seed: [],
    title: { en: 'New problem compared with baseline', zh: '相比基线出现新问题' },
    description: {
      en: 'Compares with a baseline run (`lossdoc compare`, or `analyze --baseline`). Lists the error and warning findings of this run whose rule did not fire on the baseline at all. An error among them makes this an error, else it is a warning. What regression-diverged already reports (diverging, not-learning, non-finite) is not repeated.',
      zh: '与基线运行比较（`lossdoc compare`，或 `analyze --baseline`）。列出本次运行中、在基线上完全没有出现的错误和警告诊断。其中有错误时本规则为错误，否则为警告。regression-diverged 已报告的内容（diverging、not-learning、non-finite）不重复。',
    },
    message: { en: 'not in the baseline {{baseline}}: {{list}}.', zh: '基线 {{baseline}} 没有的问题：{{list}}。' },
    causes: REGRESSION_CAUSES,
    remedies: REGRESSION_REMEDIES,
    options: NO_OPTIONS,
  },
  check(ctx) {
    const b = ctx.baseline;
    if (!b?.reference) return undefined;
    const known = new Set(b.reference.report.findings.map((f) => f.id));
    const said = divergence(b) ? DIVERGED_IDS : new Set<string>();
    const fresh = b.current.report.findings.filter(
      (f) => atLeast(f.severity, 'warning') && !known.has(f.id) && !said.has(f.id) && !f.tags.includes(BASELINE_TAG),
    );
    if (fresh.length === 0) return undefined;
    return {
      confidence: 1,
      severity: fresh.some((f) => f.severity === 'error') ? 'error' : 'warning',
      data: { baseline: b.reference.run.name, list: fresh.map((f) => `${f.id} (${f.severity})`).join(', ') },
      series: [...new Set(fresh.flatMap((f) => f.series))],
      evidence: {
        baseline: b.reference.run.name,
        new: fresh.map((f) => ({ id: f.id, severity: f.severity, message: f.message })),
        baselineFindings: [...known],
      },
    };
  },
});
