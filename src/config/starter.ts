/**
 * The starter configuration `lossdoc init` writes. JSON has no comments, so every setting is
 * preceded by a "// <key>" entry explaining it; lossdoc ignores keys that start with "//".
 * Values are the built-in defaults, so writing the file changes nothing until it is edited.
 */
import { DEFAULT_TOLERANCES } from '../core/compare.js';
import { formatNames } from '../formatters/index.js';
import { DEFAULT_SETTINGS } from './settings.js';

export function starterConfig(): string {
  const config = {
    '//': 'lossdoc configuration. Keys starting with "//" are comments. Command-line flags override this file.',
    '// rules':
      'Severity per rule: "off", "info", "warning" or "error" (or ["warning", {options}]). `lossdoc rules` lists them, `lossdoc explain <id>` documents one. Regression findings of `lossdoc compare` (regression-final-loss, regression-new-finding, ...) can be set here too.',
    rules: {
      overfitting: 'warning',
      'regression-new-finding': 'warning',
    },
    '// failOn': 'Exit with code 1 when a finding is at or above this severity: "error", "warning", "info" or "none".',
    failOn: DEFAULT_SETTINGS.failOn,
    '// maxWarnings': 'Add "maxWarnings": 0 to also exit 1 when there are more warning findings than that.',
    '// train / val / test':
      'Which columns are the train / validation / test loss when lossdoc guesses wrong, e.g. "val": ["eval/loss"]. Several columns are summed as components.',
    '// x': 'Add "x": "step" or "x": "epoch" to choose the x axis (default: step when the log has steps).',
    '// numClasses': 'Add "numClasses": 10 for a classification loss, so lossdoc can tell chance level (ln 10 = 2.30) from learning.',
    '// lang': 'Report language: "en" or "zh".',
    lang: DEFAULT_SETTINGS.lang,
    '// format': `Report format when --format is not given: ${formatNames.map((f) => `"${f}"`).join(', ')}.`,
    format: DEFAULT_SETTINGS.format,
    '// compare':
      'Baseline gate (`lossdoc compare RUN --baseline REF`): relative worsening that makes a warning / an error (0.1 = 10 % higher loss than the baseline; null = never). finalLoss: loss at the end of the common range; bestLoss: lowest loss; curveArea: mean gap between the curves.',
    compare: {
      finalLoss: { ...DEFAULT_TOLERANCES.finalLoss },
      bestLoss: { ...DEFAULT_TOLERANCES.bestLoss },
      curveArea: { ...DEFAULT_TOLERANCES.curveArea },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
