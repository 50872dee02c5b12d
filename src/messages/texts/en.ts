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

  // The learning rate when the log has none (rule-helpers.ts lrData).
  'lr.current': 'the current learning rate',
  'lr.tenth': 'a tenth of it',
  'lr.tenfold': '10× it',
  'lr.peak': '{{value}} (its peak)',
};

export type CoreTexts = typeof en;
