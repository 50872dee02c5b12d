import { DEFAULT_TOLERANCES } from '../src/core/baseline.js';
import { BASELINE_TAG, checkMeasure, REGRESSION_CAUSES, REGRESSION_REMEDIES, toleranceOptions, type Measure } from '../src/core/engine/baseline-helpers.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { num } from '../src/core/engine/rule-helpers.js';

const options = toleranceOptions(DEFAULT_TOLERANCES.finalLoss);

const measure: Measure = {
  rel: (c) => c.final.rel,
  data: (c) => ({ currentFinal: num(c.final.current), baselineFinal: num(c.final.baseline) }),
};

export default defineRule({
  meta: {
    id: 'regression-final-loss',
    severity: 'error',
    tags: [BASELINE_TAG],
    seed: [],
    title: { en: 'Final loss worse than baseline', zh: '最终损失比基线差' },
    description: {
      en: 'Compares with a baseline run (`lossdoc compare`, or `analyze --baseline`). Both runs’ primary train and val losses are aligned on their common x range (linear interpolation on an even grid, at most 1000 points); the final level is the median of the last 10% of that range. A level higher than the baseline’s by more than the warning tolerance (default +10%) is a warning, by more than the error tolerance (default +50%) an error. Options `warning` and `error` set the two levels (a fraction: 0.1 = 10%; null: never); config "compare.finalLoss" and --tolerance final=… set the same.',
      zh: '与基线运行比较（`lossdoc compare`，或 `analyze --baseline`）。两次运行的主训练和验证损失在共同的 x 范围上对齐（在均匀网格上线性插值，最多 1000 点）；最终水平取该范围最后 10% 的中位数。比基线高出超过警告容差（默认 +10%）为警告，超过错误容差（默认 +50%）为错误。选项 `warning` 和 `error` 设置这两个水平（比例：0.1 = 10%；null：从不）；配置 "compare.finalLoss" 和 --tolerance final=… 设置的是同一对值。',
    },
    message: {
      en: "{{current}} ends the common range at {{currentFinal}} vs {{baselineFinal}} for the baseline's {{baseline}} ({{rel}}, tolerance {{limit}}, {{axis}} {{from}}–{{to}}){{also}}.",
      zh: '{{current}} 在共同范围末尾为 {{currentFinal}}，基线 {{baseline}} 为 {{baselineFinal}}（{{rel}}，容差 {{limit}}，{{axis}} {{from}}–{{to}}）{{also}}。',
    },
    causes: REGRESSION_CAUSES,
    remedies: REGRESSION_REMEDIES,
    options,
  },
  check: (ctx, tol) => checkMeasure(ctx, measure, tol),
});
