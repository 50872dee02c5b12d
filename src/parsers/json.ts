/**
 * The JSON family of parsers: Keras history dumps, Hugging Face trainer_state.json, record
 * arrays, TensorBoard UI JSON exports and JSON lines (mmengine, mmcv, detectron2, fairseq,
 * LLaMA-Factory).
 */
import type { LogParser } from './types.js';
import { hfTrainerStateParser } from './json/hfTrainerState.js';
import { jsonlParser } from './json/jsonl.js';
import { jsonRecordsParser } from './json/jsonRecords.js';
import { kerasHistoryParser } from './json/kerasHistory.js';
import { tbExportJsonParser } from './json/tbExport.js';

export { hfTrainerStateParser } from './json/hfTrainerState.js';
export { jsonlParser } from './json/jsonl.js';
export { jsonRecordsParser } from './json/jsonRecords.js';
export { kerasHistoryParser } from './json/kerasHistory.js';
export { tbExportJsonParser } from './json/tbExport.js';
export { findJsonError, parseJsonLenient, quoteNonFiniteTokens } from './json/jsonText.js';

/** Every JSON-family parser, most specific first. */
export const jsonParsers: readonly LogParser[] = [
  hfTrainerStateParser,
  tbExportJsonParser,
  jsonlParser,
  kerasHistoryParser,
  jsonRecordsParser,
];
