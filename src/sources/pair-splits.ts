/**
 * Train and validation curves of one run kept in two files of one folder (`train_loss.csv` +
 * `val_loss.csv`, `train.csv` + `valid.csv`, two W&B chart exports). Pure.
 *
 * Rules, per folder, over files that each hold one run:
 * - A file's split is the word `train`/`training` or `val`/`valid`/`validation`/`eval`/`dev` in
 *   its name (between separators `_ - . ` or at either end).
 * - A train file and a validation file whose names are the same once that word is taken out are
 *   one run.
 * - Otherwise, a folder that holds exactly one train file and one validation file of one format
 *   pairs them as a guess, with a warning.
 * The validation file's series get the role `val` (and a `val/` prefix unless their name already
 * says validation); the run is named after the train file.
 */
import type { FormatId, RawMetric, RawRun } from '../core/types.js';
import { inferRole } from '../core/roles.js';

export type Split = 'train' | 'val';

const SPLIT_WORD = /(^|[_\-. ])(train|training|val|valid|validation|eval|dev)(?=[_\-. ]|$)/i;

/** The split a file name states, and the name with that word taken out. */
export function splitOfName(baseName: string): { split: Split; rest: string } | undefined {
  const stem = baseName.replace(/\.[A-Za-z0-9]+$/, '');
  const m = SPLIT_WORD.exec(stem);
  if (!m) return undefined;
  const word = m[2].toLowerCase();
  const rest = `${stem.slice(0, m.index)}${m[1]}*${stem.slice(m.index + m[0].length)}`.toLowerCase();
  return { split: word === 'train' || word === 'training' ? 'train' : 'val', rest };
}

export interface SplitFile {
  /** Folder of the file ('' for the top). */
  dir: string;
  base: string;
  format: FormatId;
}

export interface SplitPair {
  train: number;
  val: number;
  /** Paired because the folder holds just these two, not because their names match. */
  guess: boolean;
}

/** Which of `files` (indexes) are train/validation halves of one run. */
export function pairSplitFiles(files: readonly SplitFile[]): SplitPair[] {
  // Each file's split, read from its name once.
  const splits = files.map((f) => splitOfName(f.base));
  const byDir = new Map<string, number[]>();
  files.forEach((f, i) => {
    if (!splits[i]) return;
    const list = byDir.get(f.dir);
    if (list) list.push(i);
    else byDir.set(f.dir, [i]);
  });
  const pairs: SplitPair[] = [];
  for (const members of byDir.values()) {
    const trains = members.filter((i) => splits[i]!.split === 'train');
    const vals = members.filter((i) => splits[i]!.split === 'val');
    const used = new Set<number>();
    for (const t of trains) {
      const rest = splits[t]!.rest;
      const v = vals.find((i) => !used.has(i) && splits[i]!.rest === rest);
      if (v === undefined) continue;
      used.add(t).add(v);
      pairs.push({ train: t, val: v, guess: false });
    }
    const leftTrain = trains.filter((i) => !used.has(i));
    const leftVal = vals.filter((i) => !used.has(i));
    if (leftTrain.length === 1 && leftVal.length === 1 && files[leftTrain[0]].format === files[leftVal[0]].format) {
      pairs.push({ train: leftTrain[0], val: leftVal[0], guess: true });
    }
  }
  return pairs;
}

function asValidation(m: RawMetric): RawMetric {
  const name = inferRole(m.name) === 'val' ? m.name : `val/${m.name}`;
  return { ...m, name, roleHint: 'val' };
}

/** One run from the train file's run and the validation file's run. */
export function mergeSplitRuns(train: RawRun, val: RawRun): RawRun {
  const merged: RawRun = {
    name: train.name,
    metrics: [...train.metrics, ...val.metrics.map(asValidation)],
    warnings: [...train.warnings, ...val.warnings],
  };
  const hyperparameters = train.hyperparameters ?? val.hyperparameters;
  if (hyperparameters) merged.hyperparameters = hyperparameters;
  return merged;
}
