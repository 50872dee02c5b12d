/**
 * Sources: what turns a listing of files into runs. A single-file parser (src/parsers) reads one
 * file; a source claims the files of a listing that make up its runs (an MLflow run folder, the
 * event files of a TensorBoard run, …) and reads each group it claimed. Pure: paths and bytes in,
 * raw runs out; src/io lists directories and reads the bytes.
 */
import type { FormatId, RawRun } from '../core/types.js';
import { InputError, LossdocError } from '../errors.js';
import type { ParserInput } from '../parsers/types.js';

/** One input: its bytes and the name they came from. */
export interface LogInput extends ParserInput {
  /**
   * Set when the file was found by scanning a directory: `root` is that directory as given,
   * `rel` the file's `/`-separated path below it, `rootName` the name of a run that is the
   * directory itself (its last path part). Runs found below a root are named by their path
   * relative to it; files there that turn out not to be training logs are skipped with a
   * warning instead of failing the whole call. `config`: a configuration file beside a run's
   * logs (hparams.yaml, config.yaml, training_args.json), read for the run's hyperparameters.
   * `format`: the format the scan recognised from the file's head (see recogniseFile), so it is
   * not detected again.
   */
  scan?: { root: string; rel: string; rootName?: string; config?: boolean; format?: FormatId };
}

/** A file of the listing. */
export interface Member {
  input: LogInput;
  /** `/`-separated path below the root (scans) or as given. */
  path: string;
  /** Position in the listing: runs and problems keep the listing's order. */
  index: number;
}

/** A single-file log parsed while claiming (its format and runs decide how it is grouped). */
export interface ParsedFile {
  member: Member;
  format: FormatId;
  runs: RawRun[];
}

/** The files one source claimed for one run (or, for a file holding several runs, for those). */
export interface Group {
  source: Source;
  /** Folder (or, for a single file, the file) path of the group within the root. */
  key: string;
  members: Member[];
  /** The folder whose configuration files give the run's hyperparameters; default `key`. */
  folder?: string;
  /** TensorBoard runs: the role sub-folder of each member ('' for the run folder itself). */
  subs?: string[];
  /** TensorBoard exports: the exported run within the folder. */
  label?: string;
  /** Single files and TensorBoard exports: the parsed logs. */
  parsed?: ParsedFile[];
}

/**
 * What a file is, decided once per file: its format (detected, recognised by the scan, or forced
 * with --input-format), or why it is none.
 */
export type FileKind =
  | { kind: 'format'; format: FormatId }
  | { kind: 'empty' }
  | { kind: 'unknown' }
  | { kind: 'own-report'; error: LossdocError };

export interface ClaimContext {
  /** True for a scanned directory, false for the inputs given directly. */
  scanned: boolean;
  /** --input-format: read every file (outside MLflow runs) as this format. */
  forced?: FormatId;
  /** What a file is (memoised: each file is detected once). */
  kindOf(member: Member): FileKind;
  /** The groups claimed so far, every source's. */
  groups: readonly Group[];
  /** A file that could not be read; `no-scalars` when it is a log without a training curve. */
  fail(error: LossdocError, kind?: ProblemKind, at?: Member): void;
}

export interface ReadContext {
  scanned: boolean;
  /** Every group of the root, after claiming. */
  groups: readonly Group[];
  fail(error: LossdocError, kind?: ProblemKind): void;
  /** Full path of a folder or file of the root. */
  fullPath(key: string): string;
  /** Default run name of a group: its path below the scanned folder, or for inputs given directly their path. */
  nameOf(group: Group): string;
  /** A run read from the group. */
  push(group: Group, raw: RawRun, format: FormatId, name?: string, path?: string): void;
}

export interface Claim {
  groups: Group[];
  /** The files left for the sources after this one. */
  rest: Member[];
  /** Groups of earlier sources this one took in (a lone TensorBoard export read as a validation file). */
  absorbed?: Group[];
}

export interface Source {
  /** Id shown by `lossdoc formats`. */
  id: string;
  /** One line for `lossdoc formats` / README. */
  description: string;
  /** Runs of this source are listed before those of the sources that do not say so. */
  listedFirst?: boolean;
  /** Take the files this source reads, grouped by run; the rest go on to the next source. */
  claim(members: readonly Member[], ctx: ClaimContext): Claim;
  /** Read one group claimed by this source into runs (ctx.push) or problems (ctx.fail). */
  read(group: Group, ctx: ReadContext): void;
}

export type ProblemKind = 'no-scalars' | 'failed';

/** One group of `source` per key `keyOf` gives (in the listing's order); members without a key are left for the next source. */
export function claimByKey(source: Source, members: readonly Member[], keyOf: (member: Member) => string | undefined): Claim {
  const groups = new Map<string, Member[]>();
  const rest: Member[] = [];
  for (const m of members) {
    const key = keyOf(m);
    if (key === undefined) rest.push(m);
    else {
      const list = groups.get(key);
      if (list) list.push(m);
      else groups.set(key, [m]);
    }
  }
  return { groups: [...groups].map(([key, list]) => ({ source, key, members: list })), rest };
}

/** Identity helper: keeps source modules typed without a class hierarchy. */
export function defineSource(source: Source): Source {
  return source;
}

/** One run before buildRun. */
export interface PlannedRun {
  /** The run's name: its path below the scanned directory, or its path as given. */
  name: string;
  /** Full path of the run (file or folder), used when names collide. */
  path: string;
  format: FormatId;
  raw: RawRun;
  sources: string[];
  /** The scanned directory the run was found in; undefined for inputs given directly. */
  root?: string;
}

export interface PlanProblem {
  error: LossdocError;
  /** The scanned directory the file was found in; undefined for inputs given directly. */
  root?: string;
  /**
   * `no-scalars`: a readable log without any training curve (an empty event file, hp_metric
   * only) — a warning when other runs were found. `failed`: unreadable or not a log.
   */
  kind: ProblemKind;
}

export interface RunPlan {
  runs: PlannedRun[];
  problems: PlanProblem[];
  /** Every scanned directory that contributed an input. */
  roots: string[];
}

/** An error thrown while reading a log, as a message naming the file. */
export function describeError(error: unknown, name: string): LossdocError {
  if (error instanceof LossdocError) return error;
  return new InputError(name, `could not be parsed (${(error as Error).message})`, { code: 'parse-failed' });
}
