import type { CoreTexts } from './en.js';

/** Report words that belong to no single rule, in Chinese (see en.ts). */
export const zh: CoreTexts = {
  'verdict.still-learning': '仍在学习',
  'verdict.converged': '已收敛（进入平台期）',
  'verdict.overfitting': '过拟合',
  'verdict.not-learning': '没有在学习',
  'verdict.data-problem': '数据有问题',
  'verdict.diverging': '发散',
  'verdict.insufficient-data': '数据不足',

  'sep.comma': '，',
  'sep.semicolon': '；',
  'sep.and': '，并且',
  'sep.none': '',
  /** Between the items of an enumeration. */
  'sep.enum': '、',
  'list.etc': ' 等',

  'lr.current': '当前学习率',
  'lr.tenth': '其 1/10',
  'lr.tenfold': '其 10 倍',
  'lr.peak': '{{value}}（峰值）',
};
