import { describe, expect, it } from 'vitest';
import { metricDirection, seriesDirection } from '../../src/core/metric-direction.js';

describe('metric direction from the name', () => {
  it('higher is better for accuracy-like metrics, as loggers spell them', () => {
    for (const name of ['val_acc', 'eval_accuracy', 'metrics/mAP_0.5', 'metrics/mAP50(B)', 'bbox_mAP', 'AR@100', 'val_f1', 'auc', 'val/iou', 'bleu', 'rougeL', 'r2', 'precision(B)', 'recall']) {
      expect(metricDirection(name), name).toBe('higher');
    }
  });
  it('lower is better for error rates and regression errors', () => {
    for (const name of ['eval_wer', 'val_cer', 'top1_error', 'perplexity', 'val_ppl', 'val_mae', 'rmse', 'test_mse']) {
      expect(metricDirection(name), name).toBe('lower');
    }
  });
  it('unknown names, losses and learning rates have none', () => {
    expect(metricDirection('epoch_seconds')).toBeUndefined();
    expect(seriesDirection({ name: 'val_loss', kind: 'loss' }, new Set(['val_loss']))).toBeUndefined();
    expect(seriesDirection({ name: 'lr', kind: 'lr' }, new Set())).toBeUndefined();
    // A loss-like name that is not the judged loss is a lower-is-better metric.
    expect(seriesDirection({ name: 'val_mae', kind: 'loss' }, new Set(['val_loss']))).toBe('lower');
  });
  it('a name that is a prototype property is just an unknown name', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(metricDirection(name)).toBeUndefined();
  });
  it('the config override wins over the name', () => {
    expect(seriesDirection({ name: 'val_score', kind: 'metric' }, new Set(), new Map([['val_score', 'lower' as const]]))).toBe('lower');
  });
});
