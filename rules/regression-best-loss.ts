import { DEFAULT_TOLERANCES } from '../src/core/baseline.js';
import { BASELINE_TAG, checkMeasure, REGRESSION_CAUSES, REGRESSION_REMEDIES, toleranceOptions, type Measure } from '../src/core/engine/baseline-helpers.js';
import { defineRule } from '../src/core/engine/define-rule.js';
import { num } from '../src/core/engine/rule-helpers.js';

const options = toleranceOptions(DEFAULT_TOLERANCES.bestLoss);

const measure: Measure = {
  rel: (c) => c.best.rel,
  data: (c) => ({ currentBest: num(c.best.current), baselineBest: num(c.best.baseline) }),
  best: true,
};

export default defineRule({
  meta: {
    id: 'regression-best-loss',
    severity: 'error',
    tags: [BASELINE_TAG],
    seed: [],
    title: { en: 'Best loss worse than baseline', zh: '最佳损失比基线差' },
    description: {
      en: 'Compares with a baseline run (`lossdoc compare`, or `analyze --baseline`). On the two runs’ primary losses aligned over their common x range and lightly smoothed (a rolling median over about 5% of the range, so one noisy point does not decide), the lowest level reached is compared: higher than the baseline’s by more than the warning tolerance (default +10%) is a warning, by more than the error tolerance (default +50%) an error. Options `warning` and `error` set the two levels (null: never); config "compare.bestLoss" and --tolerance best=… set the same.',
      zh: '与基线运行比较（`lossdoc compare`，或 `analyze --baseline`）。两次运行的主损失在共同 x 范围上对齐并轻度平滑（约占范围 5% 的滚动中位数，避免单个噪声点起决定作用）后，比较各自达到的最低水平：比基线高出超过警告容差（默认 +10%）为警告，超过错误容差（默认 +50%）为错误。选项 `warning` 和 `error` 设置这两个水平（null：从不）；配置 "compare.bestLoss" 和 --tolerance best=… 设置的是同一对值。',
    },
    message: {
      en: "{{current}} reached a best of {{currentBest}} vs {{baselineBest}} for the baseline's {{baseline}} ({{rel}}, tolerance {{limit}}){{also}}.",
      zh: '{{current}} 的最佳值 {{currentBest}} 比基线 {{baseline}} 的 {{baselineBest}} 差（{{rel}}，容差 {{limit}}）{{also}}。',
    },
    causes: REGRESSION_CAUSES,
    remedies: REGRESSION_REMEDIES,
    options,
  },
  check: (ctx, tol) => checkMeasure(ctx, measure, tol),
});
