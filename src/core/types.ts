/**
 * Shared data types of the pure core. Parsers produce RawRun; buildRun turns it into Run
 * (roles, kinds, one x axis, restarts resolved); analysis turns Run into RunReport.
 */

export type Role = 'train' | 'val' | 'test' | 'other';
export type Kind = 'loss' | 'metric' | 'lr' | 'grad-norm' | 'other';
export type Axis = 'step' | 'epoch';
export type Severity = 'error' | 'warning' | 'info';
export type Lang = 'en' | 'zh';

/** Identifiers of the input formats lossdoc reads. */
export type FormatId =
  | 'csv'
  | 'keras-csv'
  | 'lightning-csv'
  | 'yolo-csv'
  | 'wandb-csv'
  | 'tb-export-csv'
  | 'tb-export-json'
  | 'keras-history-json'
  | 'hf-trainer-state'
  | 'json-records'
  | 'jsonl'
  | 'tfevents'
  | 'mlflow'
  | 'dvclive'
  | 'wandb'
  | 'text-log';

/** A recoverable oddity in the input: reported, never fatal. */
export interface ParseWarning {
  code: string;
  message: string;
  /** 1-based line (text formats) or record index (JSON arrays), when known. */
  line?: number;
}

/**
 * One metric as the log holds it, in file order, before any cleaning.
 * `step` and `epoch` are per point; NaN where the log has no value for that point.
 * Values may be NaN/±Infinity: those are symptoms and are kept.
 */
export interface RawMetric {
  name: string;
  value: Float64Array;
  step?: Float64Array;
  epoch?: Float64Array;
  /** 1-based source line (or record number) of each point, for warnings. */
  line?: Int32Array;
  /** Role suggested by the container (TensorBoard run folder `validation`, a `mode: val` record). */
  roleHint?: Role;
}

/** One hyperparameter of a run (a W&B config key; nested keys joined with `/`). */
export interface Hyperparameter {
  name: string;
  /** Lists are kept as their JSON text; non-finite numbers as "NaN", "Infinity", "-Infinity". */
  value: string | number | boolean | null;
}

/** One run as a parser found it. A file may hold several runs (W&B exports). */
export interface RawRun {
  name: string;
  metrics: RawMetric[];
  warnings: ParseWarning[];
  /** The run's configuration, when the log records it (W&B run folders). */
  hyperparameters?: Hyperparameter[];
}

export interface ParsedLog {
  format: FormatId;
  runs: RawRun[];
}

/** A cleaned series: x strictly increasing, finite; y may hold non-finite values. */
export interface Series {
  name: string;
  role: Role;
  kind: Kind;
  axis: Axis;
  x: Float64Array;
  y: Float64Array;
  /** Set when this series is the sum of several loss components (YOLO box/cls/dfl). */
  components?: string[];
  /**
   * Set on an analysis sample of a long series (src/core/resolution.ts): every `stride`-th of
   * `points`, with the facts of the whole series that a sample cannot give.
   */
  resolution?: { stride: number; points: number; facts: SeriesFacts };
}

/** Counts and edge points of a whole series (exact, whatever the analysis resolution). */
export interface SeriesFacts {
  n: number;
  nFinite: number;
  nonFinite: { count: number; first?: { x: number; value: string } };
  span: [number, number];
  first: Point;
  last: Point;
  min: Point;
  max: Point;
}

export interface Run {
  name: string;
  sources: string[];
  format: FormatId;
  axis: Axis;
  series: Series[];
  /** Names of the series that stand for the run's train / val / test loss. */
  primary: { train?: string; val?: string; test?: string };
  /** Epoch number at each x, when a per-step log also carries epochs (for per-epoch patterns). */
  epochAt?: { x: Float64Array; epoch: Float64Array };
  warnings: ParseWarning[];
  /** The run's configuration, when the log records it. */
  hyperparameters?: Hyperparameter[];
}

export type Direction = 'falling' | 'flat' | 'rising';

/** A trend decision on one window of one series, with its test statistics. */
export interface Trend {
  direction: Direction;
  /** Two-sided p-value of the (autocorrelation-corrected) Mann-Kendall test. */
  p: number;
  /** Kendall's tau. */
  tau: number;
  /** Theil-Sen slope, in value units per x unit. */
  slope: number;
  /** slope × window span ÷ typical level: scale-free size of the change over the window. */
  relChange: number;
  /** 0..1 */
  confidence: number;
  from: number;
  to: number;
  n: number;
}

export interface Phase {
  from: number;
  to: number;
  direction: Direction;
  relChange: number;
}

export interface Point {
  x: number;
  value: number;
}

export interface SeriesProfile extends SeriesFacts {
  name: string;
  role: Role;
  kind: Kind;
  axis: Axis;
  /** Robust level (median) of the first and last windows. */
  startLevel: number;
  endLevel: number;
  /** Robust noise scale: 1.4826·MAD(diff y)/√2. */
  noise: number;
  /** noise ÷ typical level. */
  relNoise: number;
  /** Lowest level the curve sustained (minimum of a rolling median), robust to lone low points. */
  bestLevel: number;
  /** (startLevel − endLevel) ÷ |startLevel|: share of the starting loss removed. */
  improvement: number;
  /** (endLevel − min) in noise units: how far the curve has climbed back from its best. */
  riseSinceMin: number;
  /** (endLevel − min) ÷ |min|. */
  relRiseSinceMin: number;
  /** Finite points logged after the lowest one (0: the last point is the lowest). */
  pointsAfterMin: number;
  trend: Trend;
  tail: Trend;
  phases: Phase[];
}

export interface GapProfile {
  train: string;
  val: string;
  /** val − train at the start and end of the common x range, relative to the train level. */
  startRel: number;
  endRel: number;
  /** Share of evaluations where val < the training mean since the previous evaluation. */
  valBelowShare: number;
  /** The last evaluation: its value and the training mean over the interval that led to it. */
  last: { x: number; val: number; trainMean: number };
  trend: Trend;
  n: number;
}
