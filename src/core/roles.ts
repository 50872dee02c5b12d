import type { Kind, Role } from './types.js';

/**
 * Role and kind of a metric from its name, as the common loggers spell them:
 * `loss`, `train_loss`, `train/loss`, `val_loss`, `eval_loss`, `valid/loss`, `validation_loss`,
 * `test_loss`, `lr`, `learning_rate`, `lr-Adam`, `x/lr0`, `lr/pg0`, `grad_norm`, `gnorm`, ...
 */

const VAL_TOKENS = ['val', 'valid', 'validation', 'eval', 'evaluation', 'dev'];
const TEST_TOKENS = ['test', 'testing', 'holdout'];
const TRAIN_TOKENS = ['train', 'training', 'trn'];

/** Lower-cased words of a metric name, split on separators and camelCase. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9@.]+/)
    .filter(Boolean);
}

export function inferKind(name: string): Kind {
  const lower = name.toLowerCase();
  const tokens = nameTokens(name);
  if (/(^|[^a-z])(lr\d*|learning[_ -]?rate|lr-[a-z].*|pg\d+)($|[^a-z])/i.test(lower) || tokens.includes('lr')) {
    return 'lr';
  }
  if (/grad(ient)?[_ ]?norm|gnorm|grad_norm/.test(lower)) return 'grad-norm';
  if (tokens.some((t) => t === 'loss' || t.endsWith('loss') || t === 'nll' || t === 'ppl' || t === 'perplexity')) {
    return 'loss';
  }
  if (/loss/.test(lower)) return 'loss';
  if (/(^|[^a-z])(mse|mae|rmse|l1|l2|ce|bce|nll|error|err|wer|cer|gap)($|[^a-z])/.test(lower)) return 'loss';
  if (
    /(acc|accuracy|f1|precision|recall|map|auc|iou|bleu|rouge|dice|ap\d*|ar@?\d*|score|r2|top\d|mAP)/i.test(lower)
  ) {
    return 'metric';
  }
  if (/^(epoch|step|iter|iteration|time|wall|timestamp|memory|eta)/.test(lower)) return 'other';
  return 'other';
}

export function inferRole(name: string, hint?: Role): Role {
  const tokens = nameTokens(name);
  const lower = name.toLowerCase();
  if (tokens.some((t) => TEST_TOKENS.includes(t)) || /^test/.test(lower)) return 'test';
  if (tokens.some((t) => VAL_TOKENS.includes(t)) || /^(val|eval|valid)/.test(lower)) return 'val';
  if (tokens.some((t) => TRAIN_TOKENS.includes(t)) || /^train/.test(lower)) return 'train';
  if (hint) return hint;
  // Bare `loss`, `total_loss`, `loss_cls`, `epoch_loss` are what trainers log for the training set.
  return inferKind(name) === 'loss' ? 'train' : 'other';
}

/**
 * How strongly a loss name says "the total loss" rather than a component (`loss_cls`,
 * `train/box_loss`). Higher is more total-like.
 */
export function totalLossScore(name: string): number {
  const lower = name.toLowerCase();
  const stripped = lower
    .replace(/^(train|training|val|valid|validation|eval|test)[/_.\- ]*/, '')
    .replace(/[/_.\- ]*(step|epoch)$/, '');
  if (stripped === 'loss' || stripped === 'total_loss' || stripped === 'loss_total' || stripped === 'epoch_loss') {
    return 3;
  }
  if (stripped === 'total' || stripped === 'objective' || stripped === 'nll' || stripped === 'ppl') return 2;
  // A GAN logs a generator and a discriminator loss: the generator's is the one that shows
  // whether the model learns (the discriminator's settles near a constant when training works).
  if (/(^|[^a-z])(g|gen|generator)([^a-z]|$)|generator/.test(stripped)) return 1.5;
  if (/loss/.test(stripped) && !/(cls|box|bbox|obj|dfl|rpn|mask|reg|center|kl|recon|aux|domain|disc|gen|_)/.test(stripped)) {
    return 2;
  }
  return 1;
}
