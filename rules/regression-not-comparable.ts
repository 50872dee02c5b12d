import type { NotComparableReason } from '../src/core/baseline.js';
import { BASELINE_TAG } from '../src/core/engine/baseline-helpers.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { joined, ref, type MessageRef } from '../src/core/engine/messages.js';
import { NO_OPTIONS } from '../src/core/engine/rule-options.js';

/** The message's sentences and the reasons it lists (named sub-templates of `{{text}}`). */
const TEXT = {
  noBaseline: { en: 'no baseline run matches {{run}}.', zh: '没有与 {{run}} 对应的基线运行。' },
  cannotCompare: { en: 'cannot compare {{run}} with baseline {{baseline}}: {{reasons}}.', zh: '无法将 {{run}} 与基线 {{baseline}} 比较：{{reasons}}。' },
  'different-axes': { en: 'different x axes ({{current}} vs {{baseline}})', zh: 'x 轴不同（{{current}} 与 {{baseline}}）' },
  'short-overlap': { en: '{{current}} and {{baseline}} share too little {{axis}} range', zh: '{{current}} 与 {{baseline}} 没有足够的共同 {{axis}} 范围' },
  'no-common-loss': { en: 'the runs have no primary train or val loss in common', zh: '两次运行没有共同的主训练/验证损失' },
};

function reasonText(reason: NotComparableReason): MessageRef {
  if (reason.kind === 'no-common-loss') return ref(reason.kind);
  if (reason.kind === 'different-axes') return ref(reason.kind, { current: reason.current, baseline: reason.baseline });
  return ref(reason.kind, { current: reason.current, baseline: reason.baseline, axis: reason.axis });
}

export default defineRule({
  meta: {
    id: 'regression-not-comparable',
    severity: 'warning',
    tags: [BASELINE_TAG],
    seed: [],
    title: { en: 'Cannot compare with baseline', zh: '无法与基线比较' },
    description: {
      en: 'Compares with a baseline run (`lossdoc compare`, or `analyze --baseline`). Says why a run could not be compared: no baseline run matches it (runs are paired by run or file name, else by position when both sides have as many runs; a single baseline run is the reference of every run), the two runs use different x axes, or their primary losses share fewer than 3 points of x range.',
      zh: '与基线运行比较（`lossdoc compare`，或 `analyze --baseline`）。说明一次运行为何无法比较：没有对应的基线运行（按运行名或文件名配对，两边运行数相同时按位置配对；只有一个基线运行时它是所有运行的参照）、两次运行的 x 轴不同，或主损失的共同 x 范围不足 3 个点。',
    },
    message: { en: '{{text}}', zh: '{{text}}' },
    causes: [],
    remedies: [
      {
        id: 'same-axis',
        text: {
          en: 'Make sure both runs log the same loss (name it with --train/--val) on the same x axis (--x step|epoch)',
          zh: '确认两次运行记录了同一个损失（--train/--val 指定列）并且共享同一 x 轴（--x step|epoch）',
        },
      },
    ],
    fragments: TEXT,
    options: NO_OPTIONS,
  },
  check(ctx) {
    const b = ctx.baseline;
    if (!b) return undefined;
    if (!b.reference) {
      return { confidence: 1, data: { text: ref('noBaseline', { run: b.current.run.name }) }, evidence: { reason: 'no-baseline-run' } };
    }
    if (b.curves.length > 0) return undefined;
    const reasons = b.notComparable.map(reasonText);
    const baseline = b.reference.run.name;
    return {
      confidence: 1,
      data: { text: ref('cannotCompare', { run: b.current.run.name, baseline, reasons: joined(reasons, 'sep.semicolon') }) },
      evidence: { baseline, reasons: b.notComparable },
    };
  },
});
