/**
 * Report words that belong to no single rule, in English: verdict headlines and the shared
 * fragments rules reference from their message data. A report language is one such file.
 */
export const en = {
  'verdict.still-learning': 'Still learning',
  'verdict.converged': 'Converged (plateau)',
  'verdict.overfitting': 'Overfitting',
  'verdict.not-learning': 'Not learning',
  'verdict.data-problem': 'Data problem',
  'verdict.diverging': 'Diverging',
  'verdict.insufficient-data': 'Insufficient data',

  // Separators and list endings.
  'sep.comma': ', ',
  'sep.semicolon': '; ',
  'sep.and': ', and ',
  'sep.none': '',
  /** Between the items of an enumeration. */
  'sep.enum': ', ',
  'list.etc': ', ...',

  // The other curves a baseline measure rule found worse too (baseline-helpers.ts checkMeasure).
  'regression.also': '; also {{list}}',

  // The learning rate when the log has none (rule-helpers.ts lrData).
  'lr.current': 'the current learning rate',
  'lr.tenth': 'a tenth of it',
  'lr.tenfold': '10× it',
  'lr.peak': '{{value}} (its peak)',

  // Words of the report formats.
  'report.axis': '{{axis}} axis',
  'report.points': '{{points}} point(s)',
  'report.other-series': '+{{count}} other series: {{names}}',
  'report.uncertain': 'uncertain',
  'report.verdict-count': '{{count}} {{id}}',
  'report.github-summary': '{{runs}} runs ({{verdicts}}): {{errors}} error(s), {{warnings}} warning(s), {{infos}} info',
  'report.github-left': '; the {{left}} least severe finding(s) are not annotated (GitHub shows {{perKind}} of each kind): see the markdown or HTML report',
  'rules.baselineNote': '  (compares with a baseline: compare or --baseline)',
  'report.junit.head': '{{severity}}: {{title}} [{{id}}] (confidence {{confidence}})',
  'report.junit.series': 'series: {{names}}',
  'report.junit.range': 'range: {{axis}} {{from}}–{{to}}',
  'report.junit.causes': 'likely causes:',
  'report.junit.remedies': 'what to do:',
  'report.junit.verdict': 'verdict: {{title}} ({{id}})',
  'report.junit.source': 'source: {{sources}}',
};

export type CoreTexts = typeof en;
