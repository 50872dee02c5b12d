import { DEFAULT_TOLERANCES } from '../src/core/baseline.js';
import { BASELINE_TAG, checkMeasure, REGRESSION_CAUSES, REGRESSION_REMEDIES, toleranceOptions, type Measure } from '../src/core/engine/baseline-helpers.js';
import { defineRule } from '../src/core/engine/define-rule.js';

const options = toleranceOptions(DEFAULT_TOLERANCES.curveArea);

const measure: Measure = {
  rel: (c) => c.area.rel,
  data: () => ({}),
};

export default defineRule({
  meta: {
    id: 'regression-curve-area',
    severity: 'warning',
    tags: [BASELINE_TAG],
    seed: [],
    title: { en: 'Loss curve above baseline', zh: '损失曲线整体高于基线' },
    description: {
      en: 'Compares with a baseline run (`lossdoc compare`, or `analyze --baseline`). The mean relative gap between the two runs’ aligned, lightly smoothed primary losses over their common x range (signed, so noise cancels): a curve above the baseline’s by more than the warning tolerance on average (default +10%) is a warning; by default it never is an error. Options `warning` and `error` set the two levels (null: never); config "compare.curveArea" and --tolerance area=… set the same.',
      zh: '与基线运行比较（`lossdoc compare`，或 `analyze --baseline`）。在共同 x 范围上，两次运行对齐并轻度平滑后的主损失之间的平均相对差距（带符号，噪声会相互抵消）：平均高出基线超过警告容差（默认 +10%）为警告；默认从不报错误。选项 `warning` 和 `error` 设置这两个水平（null：从不）；配置 "compare.curveArea" 和 --tolerance area=… 设置的是同一对值。',
    },
    message: {
      en: "{{current}} is on average {{rel}} above the baseline's {{baseline}} over {{axis}} {{from}}–{{to}} (tolerance {{limit}}){{also}}.",
      zh: '{{current}} 在 {{axis}} {{from}}–{{to}} 上平均比基线 {{baseline}} 高 {{rel}}（容差 {{limit}}）{{also}}。',
    },
    causes: REGRESSION_CAUSES,
    remedies: REGRESSION_REMEDIES,
    options,
  },
  check: (ctx, tol) => checkMeasure(ctx, measure, tol),
});
