/**
 * Hugging Face Trainer `trainer_state.json`: `log_history` mixes train entries (`loss`,
 * `learning_rate`, `grad_norm`, fractional `epoch`, `step`), eval entries (`eval_loss`,
 * `eval_<metric>`, `eval_g0_loss` for several eval sets; same step as a train entry is normal)
 * and a final summary (`train_loss`, `train_runtime`, …) that is not a curve point.
 */
import { InputError } from '../../errors.js';
import { defineParser, type LogParser } from '../types.js';
import { isObject, parseJsonDocument } from './jsonText.js';
import { isTrainSummary, MetricCollector, readRecord, runNameOf, WarningList } from './records.js';
import { seriesLimit } from '../series-cap.js';
import { stripBom } from './sniff.js';

/** Top-level keys only trainer_state.json has, or an HF-shaped first log entry. */
const HF_EVIDENCE =
  /"(?:global_step|max_steps|best_model_checkpoint|is_world_process_zero|is_local_process_zero|logging_steps|num_train_epochs|best_metric)"\s*:|"log_history"\s*:\s*\[\s*\{[^{}]*"(?:step|eval_loss|learning_rate)"\s*:/;

export const hfTrainerStateParser: LogParser = defineParser({
  id: 'hf-trainer-state',
  description: 'Hugging Face Trainer trainer_state.json (log_history: train, eval and summary entries)',
  sniff(head, fileName) {
    try {
      const h = stripBom(head);
      if (!/^\s*\{/.test(h) || !/"log_history"\s*:/.test(h)) {
        return /(^|[\\/])trainer_state\.json$/i.test(fileName) && /^\s*\{/.test(h) ? 0.5 : 0;
      }
      // A bare {"log_history": [...]} without HF fields is left to the records parser (0.6).
      return HF_EVIDENCE.test(h) || /(^|[\\/])trainer_state\.json$/i.test(fileName) ? 0.95 : 0.55;
    } catch {
      return 0;
    }
  },
  parse(input) {
    const { value } = parseJsonDocument(input.name, input.bytes);
    if (!isObject(value) || !Array.isArray(value.log_history)) {
      throw new InputError(input.name, 'no "log_history" array: not a Hugging Face trainer_state.json', {
        code: 'bad-format',
      });
    }
    const history: unknown[] = value.log_history;
    const warnings = new WarningList();
    const collector = new MetricCollector(seriesLimit(input));
    let summaries = 0;
    for (let i = 0; i < history.length; i++) {
      const entry = history[i];
      if (!isObject(entry)) {
        warnings.add('bad-record', `log_history entry #${i + 1} is not an object; skipped`, i + 1);
        continue;
      }
      if (isTrainSummary(entry)) {
        summaries++;
        continue;
      }
      collector.addRecord(readRecord(entry, i + 1));
    }
    if (collector.size === 0) {
      throw new InputError(input.name, 'no metrics found', {
        code: 'no-metrics',
        hint:
          history.length === 0
            ? 'log_history is empty (training logged nothing yet?)'
            : `log_history holds no loss/metric values${summaries > 0 ? ' besides the final summary' : ''}`,
      });
    }
    return {
      format: 'hf-trainer-state',
      runs: [{ name: runNameOf(input.name), metrics: collector.finish(), warnings: collector.withCapWarning(warnings.finish()) }],
    };
  },
});
