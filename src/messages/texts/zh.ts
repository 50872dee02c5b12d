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

  'regression.also': '；另有 {{list}}',

  'lr.current': '当前学习率',
  'lr.tenth': '其 1/10',
  'lr.tenfold': '其 10 倍',
  'lr.peak': '{{value}}（峰值）',

  'report.axis': '{{axis}} 轴',
  'report.points': '{{points}} 个点',
  'report.other-series': '另有 {{count}} 条序列：{{names}}',
  'report.uncertain': '不确定',
  'report.verdict-count': '{{count}} 个{{title}}',
  'report.github-summary': '{{runs}} 个运行（{{verdicts}}）：{{errors}} 个错误，{{warnings}} 个警告，{{infos}} 条提示',
  'report.github-left': '；另有 {{left}} 条最不严重的发现未加注释（GitHub 每类只显示 {{perKind}} 条）：见 markdown 或 HTML 报告',
  'rules.baselineNote': '  （与基线比较：compare 或 --baseline）',
  'report.junit.head': '{{severity}}: {{title}} [{{id}}]（置信度 {{confidence}}）',
  'report.junit.series': '序列：{{names}}',
  'report.junit.range': '范围：{{axis}} {{from}}–{{to}}',
  'report.junit.causes': '可能原因：',
  'report.junit.remedies': '建议：',
  'report.junit.verdict': '结论：{{title}}（{{id}}）',
  'report.junit.source': '来源：{{sources}}',
};
