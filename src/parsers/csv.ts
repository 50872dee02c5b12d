/**
 * The CSV family of parsers: generic delimited tables and the tool-specific layouts (Keras
 * CSVLogger, Lightning metrics.csv, YOLO results.csv, W&B and TensorBoard UI exports).
 */
import type { LogParser } from './types.js';
import { genericCsvParser, kerasCsvParser, lightningCsvParser, yoloCsvParser } from './csv/tabular.js';
import { tbExportCsvParser } from './csv/tbExport.js';
import { wandbCsvParser } from './csv/wandb.js';

export { genericCsvParser, kerasCsvParser, lightningCsvParser, yoloCsvParser } from './csv/tabular.js';
export { tbExportCsvParser, parseTbExportName, roleFromRun } from './csv/tbExport.js';
export { wandbCsvParser } from './csv/wandb.js';

/** Every CSV-family parser, most specific first. */
export const csvParsers: readonly LogParser[] = [
  tbExportCsvParser,
  wandbCsvParser,
  yoloCsvParser,
  lightningCsvParser,
  kerasCsvParser,
  genericCsvParser,
];
