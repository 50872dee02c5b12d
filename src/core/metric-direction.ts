/**
 * Which way a metric improves, from its name: accuracy, F1, AUC, mAP, precision, recall, BLEU,
 * ROUGE, IoU/Dice, R² go up; error rates, WER/CER, perplexity, MAE/MSE/RMSE go down. Pure; the
 * name is split into words first, so the test is linear in its length.
 */
import { nameTokens } from './roles.js';
import type { Run, Series } from './types.js';

export type Better = 'higher' | 'lower';

const HIGHER = /^(acc|accuracy|top\d+|f1|f1score|fscore|auc|auroc|roc|map\d*|ap\d*|ar\d*|precision|recall|bleu|rouge\w*|iou|miou|dice|r2|psnr|ssim|score)$/;
const LOWER = /^(err|error|errors|wer|cer|ter|per|perplexity|ppl|mae|mse|rmse|mape|nll|fid|eer)$/;

export function metricDirection(name: string): Better | undefined {
  const tokens = nameTokens(name);
  // The last matching word decides (`val_top1_error` → lower).
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i].replace(/[.@]/g, '');
    if (LOWER.test(t)) return 'lower';
    if (HIGHER.test(t)) return 'higher';
  }
  return undefined;
}

/** The names of the run's judged losses (train, val, test): never metrics, whatever they are called. */
export function primaryLossNames(run: Pick<Run, 'primary'>): Set<string> {
  return new Set([run.primary.train, run.primary.val, run.primary.test].filter((n): n is string => n !== undefined));
}

/** Direction of a series: the user's override, else the name; undefined for losses, learning rates and unknown names. */
export function seriesDirection(series: Pick<Series, 'name' | 'kind'>, primaryLosses: ReadonlySet<string>, overrides?: ReadonlyMap<string, Better>): Better | undefined {
  const given = overrides?.get(series.name);
  if (given) return given;
  if (primaryLosses.has(series.name) || series.kind === 'lr' || series.kind === 'grad-norm') return undefined;
  if (series.kind === 'loss') {
    // A loss-like name that is not a judged loss (eval_wer, val_mae) is a lower-is-better metric.
    const d = metricDirection(series.name);
    return d === 'lower' ? d : undefined;
  }
  return metricDirection(series.name);
}
