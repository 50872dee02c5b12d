/**
 * TensorBoard run folders: event files (by name or by their bytes) make one run per folder.
 * Event files in a `train/`, `validation/`, `eval/`… sub-folder belong to the folder above it, with
 * their tags prefixed by the sub-folder (`train/epoch_loss`, `validation/epoch_loss`) and the role
 * it says. Several event files of one folder (restarts) are merged in the order of the timestamp in
 * their names; where a later file logs a step again, its points replace the earlier ones from that
 * step on. A run whose only scalars are `hp_metric`/`epoch` has no scalar series.
 */
import type { ParseWarning, RawMetric } from '../core/types.js';
import { InputError } from '../errors.js';
import { readEventScalars } from '../parsers/tfevents.js';
import { basename, dirname, normalisePath } from './paths.js';
import { pickPoints } from './split-appended.js';
import { claimByKey, defineSource } from './types.js';

/** Folder names Keras / TF Estimator / TensorBoard use for the split of one run. */
const ROLE_DIRS = new Set(['train', 'training', 'validation', 'val', 'valid', 'eval', 'evaluation', 'test']);

/** True for a folder name that holds one split of a run (`train/`, `validation/`, …). */
export function isRoleDir(name: string): boolean {
  return ROLE_DIRS.has(name.toLowerCase());
}

/**
 * The start time in an event file's name, `events.out.tfevents.<unix seconds>.<host>…`;
 * undefined when the name has none.
 */
export function eventFileTimestamp(name: string): number | undefined {
  const m = /tfevents\.(\d+(?:\.\d+)?)/i.exec(name);
  if (!m) return undefined;
  const t = Number(m[1]);
  return Number.isFinite(t) ? t : undefined;
}

/** Scalars that are not a training curve on their own (Lightning logs both next to real metrics). */
const NOT_CURVES = new Set(['hp_metric', 'epoch']);

/** Wall time of an event file's first record (Event.wall_time), when it is there. */
export function firstWallTime(bytes: Uint8Array): number | undefined {
  if (bytes.length < 21 || bytes[12] !== 0x09) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset + 13, 8).getFloat64(0, true);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

export interface EventFileInput {
  name: string;
  bytes: Uint8Array;
  /** The role sub-folder the file is in (`train`, `validation`), '' for the run folder itself. */
  sub: string;
  maxSeries?: number;
}

/** One event file's points of a series, with its largest step (-Infinity when it has none). */
interface Chunk {
  metric: RawMetric;
  maxStep: number;
}

export interface MergedEvents {
  metrics: RawMetric[];
  warnings: ParseWarning[];
  /** Files that held at least one scalar. */
  withScalars: number;
}

/**
 * Merge the event files of one run: sub-folder tags are prefixed (`validation/epoch_loss`), tags
 * are listed in name order, and files of one folder are taken in the order of their start time
 * (from the name, else the first record); where a later file logs a tag at a step the earlier
 * ones already reached, the earlier points from that step on are dropped (a resumed run replaces
 * what it redoes).
 */
export function mergeEventFiles(files: readonly EventFileInput[]): MergedEvents {
  const order = files
    .map((f, i) => ({ f, i, t: eventFileTimestamp(basename(normalisePath(f.name))) ?? firstWallTime(f.bytes) ?? Infinity }))
    .sort((a, b) => (a.f.sub < b.f.sub ? -1 : a.f.sub > b.f.sub ? 1 : 0) || a.t - b.t || (a.f.name < b.f.name ? -1 : a.f.name > b.f.name ? 1 : 0) || a.i - b.i);
  const warnings: ParseWarning[] = [];
  interface Acc {
    name: string;
    chunks: Chunk[];
  }
  const accs = new Map<string, Acc>();
  let withScalars = 0;
  for (const { f } of order) {
    const read = readEventScalars(f.bytes, f.name, f.maxSeries);
    warnings.push(...read.warnings);
    if (read.metrics.length > 0) withScalars++;
    let restartAt = Infinity;
    let reached = -Infinity;
    for (const m of read.metrics) {
      const name = f.sub && !m.name.startsWith(`${f.sub}/`) ? `${f.sub}/${m.name}` : m.name;
      const key = `${f.sub}\u0000${name}`;
      let acc = accs.get(key);
      if (!acc) {
        acc = { name, chunks: [] };
        accs.set(key, acc);
      } else if (m.step && m.step.length > 0) {
        const s0 = m.step[0];
        let dropped = false;
        for (let c = 0; c < acc.chunks.length; c++) {
          const { metric, maxStep } = acc.chunks[c];
          if (!metric.step || maxStep < s0) continue;
          acc.chunks[c] = keepBelow(metric, s0);
          dropped = true;
          if (maxStep > reached) reached = maxStep;
        }
        if (dropped && s0 < restartAt) restartAt = s0;
      }
      const metric = { ...m, name };
      acc.chunks.push({ metric, maxStep: largestStep(metric) });
    }
    if (restartAt !== Infinity) {
      warnings.push({
        code: 'restart',
        message: `${f.name}: starts again at step ${restartAt} where an earlier event file reached step ${reached} (a resumed run): its points replace the earlier ones from step ${restartAt} on`,
      });
    }
  }
  const metrics: RawMetric[] = [];
  // Tags in name order, as TensorBoard lists them (and as MLflow lists its keys): the series of a
  // run do not depend on the order a trainer happened to first log them in.
  const sorted = [...accs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const acc of sorted) {
    const chunks = acc.chunks.map((c) => c.metric).filter((c) => c.value.length > 0);
    if (chunks.length === 0) continue;
    metrics.push(chunks.length === 1 ? chunks[0] : concatMetrics(acc.name, chunks));
  }
  return { metrics, warnings, withScalars };
}

/** The points of `m` below step `limit` (and those without a step), with the largest step kept. */
function keepBelow(m: RawMetric, limit: number): Chunk {
  const keep: number[] = [];
  let maxStep = -Infinity;
  for (let i = 0; i < m.value.length; i++) {
    const s = m.step![i];
    if (s >= limit) continue;
    keep.push(i);
    if (s > maxStep) maxStep = s;
  }
  return { metric: pickPoints(m, keep), maxStep };
}

/** The largest step of a metric (-Infinity when it has none). */
function largestStep(m: RawMetric): number {
  let max = -Infinity;
  if (m.step) for (const s of m.step) if (s > max) max = s;
  return max;
}

function concatMetrics(name: string, chunks: RawMetric[]): RawMetric {
  const n = chunks.reduce((s, c) => s + c.value.length, 0);
  const value = new Float64Array(n);
  const step = new Float64Array(n).fill(Number.NaN);
  const line = new Int32Array(n);
  let o = 0;
  for (const c of chunks) {
    value.set(c.value, o);
    if (c.step) step.set(c.step, o);
    if (c.line) line.set(c.line, o);
    o += c.value.length;
  }
  const out: RawMetric = { name, value, step, line };
  const hint = chunks.find((c) => c.roleHint)?.roleHint;
  if (hint) out.roleHint = hint;
  return out;
}

/** The run folder of an event file, and its role sub-folder ('' when the file sits in the run folder itself). */
function eventFileRun(path: string): { key: string; sub: string } {
  const parent = dirname(path);
  const parentName = basename(parent);
  const role = parent !== '' && parent !== '/' && isRoleDir(parentName);
  return role ? { key: dirname(parent), sub: parentName } : { key: parent, sub: '' };
}

export const tensorboardSource = defineSource({
  id: 'tensorboard-run',
  description: 'TensorBoard run folder (its event files merged in start order, train/ and validation/ sub-folders as splits)',
  claim(members, ctx) {
    const claim = claimByKey(tensorboardSource, members, (m) => {
      const kind = ctx.kindOf(m);
      return kind.kind === 'format' && kind.format === 'tfevents' ? eventFileRun(m.path).key : undefined;
    });
    for (const g of claim.groups) g.subs = g.members.map((m) => eventFileRun(m.path).sub);
    return claim;
  },
  read(g, ctx) {
    const merged = mergeEventFiles(g.members.map((m, i) => ({ name: m.input.name, bytes: m.input.bytes, sub: g.subs![i], maxSeries: m.input.maxSeries })));
    const where = g.members.length === 1 && !ctx.scanned ? g.members[0].input.name : ctx.fullPath(g.key);
    const files = g.members.length === 1 ? 'the event file holds' : `its ${g.members.length} event files hold`;
    if (merged.metrics.length === 0) {
      const why = merged.warnings.find((w) => w.code !== 'restart');
      ctx.fail(
        new InputError(where, `no scalar series: ${files} no scalar summaries${why ? ` (${why.message})` : ''}`, {
          code: 'no-scalars',
          hint: 'only a header, graphs, images, histograms or hparams? A run that has just started writes its first scalars later',
        }),
        'no-scalars',
      );
      return;
    }
    const curves = merged.metrics.filter((m) => !NOT_CURVES.has(basename(m.name)));
    if (curves.length === 0) {
      const names = [...new Set(merged.metrics.map((m) => basename(m.name)))].join(' and ');
      ctx.fail(
        new InputError(where, `no scalar series: ${files} only ${names}, which is not a training curve`, {
          code: 'no-scalars',
          hint: 'hp_metric is the hyperparameter summary PyTorch Lightning writes; the run logged no loss',
        }),
        'no-scalars',
      );
      return;
    }
    ctx.push(g, { name: '', metrics: merged.metrics, warnings: merged.warnings }, 'tfevents');
  },
});
