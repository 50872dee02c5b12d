/**
 * What the dialect readers produce: records grouped by line kind (one kind per dialect and
 * line shape), in file order, and the parse state dialects keep between lines. Pure.
 */
import type { Role } from '../../core/types.js';
import type { Pair } from './pairs.js';

export interface Counters {
  /** Label of the main step-like counter (`step`, `iter`, `global step`, ...). */
  label?: string;
  stepLike?: number;
  stepTotal?: number;
  /** `global step` / `num_updates`: never combined with the epoch. */
  global?: boolean;
  epoch?: number;
}

export interface Rec {
  kind: string;
  line: number;
  step: number;
  epoch: number;
  pairs: Pair[];
  counters?: Counters;
}

export interface KindInfo {
  id: string;
  /** Example line number, for warnings. */
  firstLine: number;
  role?: Role;
  /** Colliding names get this prefix instead of being dropped (val kinds). */
  prefix?: string;
  generic: boolean;
  records: Rec[];
}

export class Collector {
  readonly kinds = new Map<string, KindInfo>();
  readonly order: Rec[] = [];

  add(kind: string, meta: Omit<KindInfo, 'id' | 'records' | 'firstLine'>, rec: Omit<Rec, 'kind'>): void {
    let info = this.kinds.get(kind);
    if (!info) {
      info = { id: kind, firstLine: rec.line, records: [], ...meta };
      this.kinds.set(kind, info);
    }
    const r: Rec = { kind, ...rec };
    info.records.push(r);
    this.order.push(r);
  }
}

/** State carried from line to line. */
export interface ParseState {
  c: Collector;
  // Keras
  kerasEpoch?: number;
  kerasPending?: { line: number; epoch: number; pairs: Pair[]; kind: string; total?: number };
  /** Epoch whose Keras values were already recorded. */
  kerasFlushedEpoch?: number;
  kerasRunning: number;
  kerasNoEpochCounted: boolean;
  // mmcv
  mmItersPerEpoch?: number;
  mmLastTrainStep?: number;
}

export function newParseState(): ParseState {
  return { c: new Collector(), kerasRunning: 0, kerasNoEpochCounted: false };
}
