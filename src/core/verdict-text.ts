import type { Localized } from './engine/define-rule.js';
import type { VerdictId } from './verdict.js';

/** Headline of each verdict, in every report language. */
export const verdictTitles: Record<VerdictId, Localized> = {
  'still-learning': { en: 'Still learning', zh: '仍在学习' },
  converged: { en: 'Converged (plateau)', zh: '已收敛（进入平台期）' },
  overfitting: { en: 'Overfitting', zh: '过拟合' },
  'not-learning': { en: 'Not learning', zh: '没有在学习' },
  'data-problem': { en: 'Data problem', zh: '数据有问题' },
  diverging: { en: 'Diverging', zh: '发散' },
  'insufficient-data': { en: 'Insufficient data', zh: '数据不足' },
};
