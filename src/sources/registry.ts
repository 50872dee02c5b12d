/**
 * Every source, in claiming order: each takes the files it reads from what the ones before it
 * left (a TSV below `plots/metrics/` is DVCLive's, not a CSV; a file no folder source took is a
 * single-file log).
 */
import { dvcliveSource } from './dvclive.js';
import { fileSource } from './files.js';
import { hfOutputSource } from './hf-output.js';
import { mlflowSource } from './mlflow.js';
import { tbExportSource } from './tb-export.js';
import { tensorboardSource } from './tensorboard.js';
import type { Source } from './types.js';
import { wandbSource } from './wandb.js';

export const sources: readonly Source[] = [hfOutputSource, mlflowSource, wandbSource, dvcliveSource, tensorboardSource, tbExportSource, fileSource];

/** The folder formats, for `lossdoc formats` (single files are the parsers' formats). */
export const folderSources: readonly Source[] = sources.filter((s) => s !== fileSource);
