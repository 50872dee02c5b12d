/**
 * Directory scanning: which files below a directory are training logs. Reads folder listings and,
 * for files whose name does not settle it, the first 64 KB; never opens a file whose name marks it
 * as a checkpoint, weights, media or an archive. The file system is passed in (tests wrap it).
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { InputError, type LossdocError } from '../errors.js';
import type { FormatId } from '../core/types.js';
import { ownReportError } from '../parsers/own-report.js';
import { DVCLIVE_LAYOUT, isDvcliveMetricFile, isDvcliveSummaryFile } from '../sources/dvclive.js';
import { isHfOutputListing } from '../sources/hf-output.js';
import { isMlflowRunListing, MLFLOW_RUN_LAYOUT } from '../sources/mlflow.js';
import { recogniseFile } from '../sources/recognise.js';
import { isRoleDir } from '../sources/tensorboard.js';
import { isWandbDebugLog, isWandbRootListing, isWandbRunFile, isWandbRunListing } from '../sources/wandb.js';
import { PathFilter } from './glob.js';
import { CONFIG_FILE_NAMES } from '../parsers/config-files.js';
import { HEAD_BYTES, whyUnreadable } from './read-chunks.js';
import { gunzipCapped, isGzip } from './gzip.js';
import { classifyFileName, isSkippedDir, type NameClass } from './names.js';

/** Options of a directory scan (`--max-depth`, `--include`, `--exclude`). */
export interface ScanOptions {
  /**
   * How many folder levels below the given directory are searched: 0 = only the files directly
   * in it, 1 = also its sub-folders, … Default: DEFAULT_MAX_DEPTH, with a warning counting the
   * folders below it (symlink loops are not followed twice; /proc, /sys and /dev are never entered).
   * A run folder that is reached is read whole: an MLflow run's `metrics/`, a DVCLive folder's
   * `plots/metrics/`, and the `train/` / `validation/` folders of a TensorBoard run.
   */
  maxDepth?: number;
  /** Globs (`*`, `**`, `?`, `[…]`) over paths below the directory: read only files that match one (or are in a folder that does). */
  include?: string[];
  /** Globs over paths below the directory: skip files and folders that match. */
  exclude?: string[];
}

/** The file-system calls a scan makes. */
export interface ScanFs {
  readdir(path: string): Array<{ name: string; isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }>;
  stat(path: string): { isFile(): boolean; isDirectory(): boolean; size: number };
  realpath(path: string): string;
  readFile(path: string): Uint8Array;
  /** The first `bytes` bytes (fewer when the file is shorter). */
  readHead(path: string, bytes: number): Uint8Array;
}

export const nodeFs: ScanFs = {
  readdir: (path) => readdirSync(path, { withFileTypes: true }),
  stat: (path) => statSync(path),
  realpath: (path) => realpathSync(path),
  readFile: (path) => readFileSync(path),
  readHead(path, bytes) {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      let n = 0;
      while (n < bytes) {
        const got = readSync(fd, buf, n, bytes - n, n);
        if (got === 0) break;
        n += got;
      }
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  },
};

/** Folder depth used when no --max-depth is given (a guard against absurd trees; deeper folders are reported). */
export const DEFAULT_MAX_DEPTH = 64;

/** Virtual file systems a symlink must not lead a scan into (`/proc` alone holds the whole process table). */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

function isSystemPath(real: string): boolean {
  return SYSTEM_ROOTS.some((r) => real === r || real.startsWith(`${r}/`));
}

/** How a found file is read: whole (its folder said what it is) or after sniffing its head. */
export type FoundClass = 'mlflow' | 'dvclive' | 'wandb' | 'config' | Exclude<NameClass, 'skip'>;

/** A configuration file larger than this is not read for hyperparameters. */
const CONFIG_MAX_BYTES = 1024 * 1024;

export interface FoundFile {
  /** The path to open: the directory as given joined with `rel`. */
  path: string;
  /** `/`-separated path below the scanned directory. */
  rel: string;
  size: number;
  cls: FoundClass;
}

export interface ScanResult {
  files: FoundFile[];
  /** Sub-folders or files that could not be listed or stat'ed (the scan went on). */
  warnings: LossdocError[];
}

/** Natural order: `version_2` before `version_10`. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

function joinPath(dir: string, name: string): string {
  if (dir === '') return name;
  return /[\\/]$/.test(dir) ? `${dir}${name}` : `${dir}/${name}`;
}

function joinRel(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

interface Entry {
  name: string;
  isDir: boolean;
  isFile: boolean;
}

function errCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * The candidate log files below `root`, in natural path order: MLflow run files, DVCLive TSVs,
 * event files, and files with a log extension or an unknown name (to be sniffed). Skips hidden
 * folders, node_modules, Python caches, and files whose name says they are not logs.
 */
export function scanDirectory(root: string, options: ScanOptions = {}, fs: ScanFs = nodeFs): ScanResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const filter = new PathFilter(options.include, options.exclude);
  const files: FoundFile[] = [];
  const warnings: LossdocError[] = [];
  const visited = new Set<string>();
  /** Folders left unsearched because of the default depth guard (a --max-depth given is obeyed silently). */
  let tooDeep = 0;
  let rootReal = root;
  try {
    rootReal = fs.realpath(root);
  } catch {
    // reported when the root is listed
  }
  const scanningSystem = isSystemPath(rootReal);

  const list = (dir: string): Entry[] | undefined => {
    let raw;
    try {
      raw = fs.readdir(dir);
    } catch (error) {
      warnings.push(new InputError(dir, `folder cannot be read (${errCode(error)}); skipped`, { code: 'unreadable' }));
      return undefined;
    }
    const entries: Entry[] = [];
    for (const d of raw) {
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        try {
          const target = joinPath(dir, d.name);
          const s = fs.stat(target);
          isDir = s.isDirectory();
          isFile = s.isFile();
        } catch {
          // A dangling symlink: not a log.
          continue;
        }
      }
      entries.push({ name: d.name, isDir, isFile });
    }
    return entries;
  };

  /** Natural order, applied after name filtering (a folder of a million images sorts nothing). */
  const sorted = (entries: Entry[]) => entries.sort((a, b) => naturalCompare(a.name, b.name));

  const firstVisit = (dir: string): boolean => {
    let real = dir;
    try {
      real = fs.realpath(dir);
    } catch {
      // keep the path as given
    }
    if (visited.has(real)) return false;
    visited.add(real);
    // Reached through a symlink (to `/`, say): /proc, /sys and /dev are never walked.
    if (!scanningSystem && isSystemPath(real)) {
      warnings.push(new InputError(dir, `is ${real}; not searched`, { code: 'system-link' }));
      return false;
    }
    return true;
  };

  /** Files are stat'ed only once chosen by name (a folder of a million images costs one listing). */
  const addFile = (dir: string, rel: string, e: Entry, cls: FoundClass) => {
    const path = joinPath(dir, e.name);
    let size: number;
    try {
      size = fs.stat(path).size;
    } catch (error) {
      warnings.push(new InputError(path, `cannot be read (${errCode(error)}); skipped`, { code: 'unreadable' }));
      return;
    }
    files.push({ path, rel: joinRel(rel, e.name), size, cls });
  };

  /** Every file below `dir` (MLflow metrics, DVCLive plots), whatever the depth. */
  const collectTree = (dir: string, rel: string, cls: FoundClass, accept: (name: string) => boolean, guard = 0) => {
    if (guard > DEFAULT_MAX_DEPTH) {
      tooDeep++;
      return;
    }
    if (!firstVisit(dir)) return;
    const entries = list(dir);
    if (!entries) return;
    for (const e of sorted(entries.filter((x) => !x.name.startsWith('.') && (x.isDir || (x.isFile && accept(x.name)))))) {
      const childRel = joinRel(rel, e.name);
      if (e.isDir) {
        if (filter.enterDir(childRel)) collectTree(joinPath(dir, e.name), childRel, cls, accept, guard + 1);
      } else if (filter.takeFile(childRel)) {
        addFile(dir, rel, e, cls);
      }
    }
  };

  const walk = (dir: string, rel: string, depth: number, roleExtension: boolean) => {
    if (!firstVisit(dir)) return;
    const entries = list(dir);
    if (!entries) return;

    // An MLflow run folder (its layout: MLFLOW_RUN_LAYOUT); artifacts are searched as usual.
    if (isMlflowRunListing(entries)) {
      const layout = MLFLOW_RUN_LAYOUT;
      const before = files.length;
      collectTree(joinPath(dir, layout.metrics), joinRel(rel, layout.metrics), 'mlflow', (n) => classifyFileName(n) !== 'skip');
      if (files.length > before) {
        const meta = entries.find((e) => e.isFile && e.name === layout.meta);
        if (meta) addFile(dir, rel, meta, 'mlflow');
        for (const extra of layout.extras) {
          if (entries.some((e) => e.isDir && e.name === extra.dir)) collectTree(joinPath(dir, extra.dir), joinRel(rel, extra.dir), 'mlflow', extra.accept);
        }
      }
      const artifacts = entries.find((e) => e.isDir && e.name === layout.artifacts);
      const artifactsRel = joinRel(rel, layout.artifacts);
      if (artifacts && depth + 1 <= maxDepth && filter.enterDir(artifactsRel)) walk(joinPath(dir, layout.artifacts), artifactsRel, depth + 1, false);
      return;
    }

    // A W&B run folder: its log, config.yaml and wandb-summary.json (also in files/); media, code and console output are not read.
    if (isWandbRunListing(entries)) {
      const take = (at: string, atRel: string, list: Entry[]) => {
        for (const e of sorted(list.filter((x) => x.isFile && isWandbRunFile(x.name)))) {
          if (filter.takeFile(joinRel(atRel, e.name))) addFile(at, atRel, e, 'wandb');
        }
      };
      take(dir, rel, entries);
      const filesRel = joinRel(rel, 'files');
      if (entries.some((e) => e.isDir && e.name === 'files') && filter.enterDir(filesRel)) {
        const inner = list(joinPath(dir, 'files'));
        if (inner) take(joinPath(dir, 'files'), filesRel, inner);
      }
      return;
    }

    // A DVCLive folder (its layout: DVCLIVE_LAYOUT): the TSVs under plots/metrics/ are one run; its summary files are not logs.
    const { plots: plotsDir, metrics: metricsDir } = DVCLIVE_LAYOUT;
    let dvclive = false;
    if (entries.some((e) => e.isDir && e.name === plotsDir)) {
      const plots = list(joinPath(dir, plotsDir));
      if (plots?.some((e) => e.isDir && e.name === metricsDir)) {
        dvclive = true;
        const metricsRel = joinRel(joinRel(rel, plotsDir), metricsDir);
        if (filter.enterDir(joinRel(rel, plotsDir)) && filter.enterDir(metricsRel)) {
          collectTree(joinPath(joinPath(dir, plotsDir), metricsDir), metricsRel, 'dvclive', isDvcliveMetricFile);
        }
      }
    }

    // Configuration files beside a run's logs give its hyperparameters (config-files.ts); a
    // config.json only beside a Hugging Face trainer_state.json (elsewhere it is a model's).
    const trainerOutput = isHfOutputListing(entries, rel);
    for (const e of entries) {
      if (!e.isFile || !CONFIG_FILE_NAMES.has(e.name) || (e.name === 'config.json' && !trainerOutput)) continue;
      if (filter.takeFile(joinRel(rel, e.name))) addFile(dir, rel, e, 'config');
    }

    // A `wandb/` folder's debug.log / debug-internal.log are the SDK's own logs (links into the latest run), not training logs.
    const wandbRoot = isWandbRootListing(entries);
    const candidates = entries.filter((e) =>
      e.isDir
        ? !isSkippedDir(e.name)
        : e.isFile && classifyFileName(e.name) !== 'skip' && !CONFIG_FILE_NAMES.has(e.name) && !(wandbRoot && isWandbDebugLog(e.name)),
    );
    for (const e of sorted(candidates)) {
      const childRel = joinRel(rel, e.name);
      if (e.isDir) {
        if ((dvclive && e.name === plotsDir) || roleExtension) continue;
        if (!filter.enterDir(childRel)) continue;
        if (depth + 1 <= maxDepth) walk(joinPath(dir, e.name), childRel, depth + 1, false);
        // The train/ and validation/ folders of a run at the depth limit still belong to it.
        else if (isRoleDir(e.name)) walk(joinPath(dir, e.name), childRel, depth + 1, true);
        else if (options.maxDepth === undefined) tooDeep++;
        continue;
      }
      if (dvclive && isDvcliveSummaryFile(e.name)) continue;
      if (!filter.takeFile(childRel)) continue;
      addFile(dir, rel, e, classifyFileName(e.name) as FoundClass);
    }
  };

  walk(root, '', 0, false);
  if (tooDeep > 0) {
    warnings.push(
      new InputError(root, `${tooDeep} folder(s) more than ${DEFAULT_MAX_DEPTH} levels down were not searched`, {
        code: 'too-deep',
        hint: 'pass --max-depth to search deeper',
      }),
    );
  }
  return { files, warnings };
}

export interface SelectedFile extends FoundFile {
  /** The format recognised from the file's head (files whose name or folder did not settle it). */
  format?: FormatId;
  /** The whole file, gzip undone (only when `read` was asked for, and not for a non-gzip file of at least `streamMinBytes`). */
  bytes?: Uint8Array;
}

export interface Selection {
  files: SelectedFile[];
  /** Files with a log extension whose head no parser recognised (not read further). */
  unrecognised: FoundFile[];
  warnings: LossdocError[];
}

/**
 * Scan `root` and decide, by sniffing the head of every file whose name does not settle it,
 * which files are logs. With `read`, the chosen files are read whole (gzip undone), except
 * non-gzip files of at least `streamMinBytes`, left for the caller to stream.
 */
export function selectLogFiles(root: string, options: ScanOptions = {}, fs: ScanFs = nodeFs, read = true, streamMinBytes = Infinity): Selection {
  const scan = scanDirectory(root, options, fs);
  const out: SelectedFile[] = [];
  const unrecognised: FoundFile[] = [];
  const warnings = [...scan.warnings];
  for (const f of scan.files) {
    try {
      if (f.cls === 'config') {
        if (read && f.size <= CONFIG_MAX_BYTES) out.push({ ...f, bytes: fs.readFile(f.path) });
        continue;
      }
      if (f.cls === 'mlflow' || f.cls === 'dvclive' || f.cls === 'event' || f.cls === 'wandb') {
        out.push(read && !(f.size >= streamMinBytes && !/\.gz$/i.test(f.rel)) ? { ...f, bytes: fs.readFile(f.path) } : f);
        continue;
      }
      if (f.size === 0) {
        // An empty log is reported by the parser ("empty file"); an empty unknown file is nothing.
        if (f.cls === 'log') out.push(read ? { ...f, bytes: new Uint8Array(0) } : f);
        continue;
      }
      const gz = /\.gz$/i.test(f.rel);
      let head = gz ? fs.readFile(f.path) : fs.readHead(f.path, Math.min(f.size, HEAD_BYTES));
      if (gz && isGzip(head)) head = gunzipCapped(head, f.path);
      const name = gz ? f.path.replace(/\.gz$/i, '') : f.path;
      // A report written into the analysed folder: read back, it would be a bogus run.
      const ownReport = ownReportError(f.path, head, true);
      if (ownReport) {
        warnings.push(ownReport);
        continue;
      }
      const format = recogniseFile({ name, bytes: head.subarray(0, HEAD_BYTES) }, f.cls === 'log');
      if (format === undefined) {
        if (f.cls === 'log') unrecognised.push(f);
        continue;
      }
      if (!read || (!gz && f.size >= streamMinBytes)) out.push({ ...f, format });
      else out.push({ ...f, format, bytes: gz || head.length >= f.size ? head : fs.readFile(f.path) });
    } catch (error) {
      warnings.push(error instanceof InputError ? error : new InputError(f.path, `${whyUnreadable(error)}; skipped`, { code: 'unreadable' }));
    }
  }
  return { files: out, unrecognised, warnings };
}
