import { z } from 'zod';
import { VERDICT_IDS } from './verdict-ids.js';

/**
 * The JSON report: lossdoc's machine contract (`--format json`, `lossdoc schema`).
 * Non-finite numbers are written as null; every field is deterministic for a given input.
 */

const num = z.number().nullable();
const direction = z.enum(['falling', 'flat', 'rising']);
const severity = z.enum(['error', 'warning', 'info']);
const role = z.enum(['train', 'val', 'test', 'other']);
const kind = z.enum(['loss', 'metric', 'lr', 'grad-norm', 'other']);
const axis = z.enum(['step', 'epoch']);

export const pointSchema = z.object({ x: num, value: num });

export const trendSchema = z.object({
  direction,
  p: num.describe('two-sided p-value of the autocorrelation-corrected Mann-Kendall test'),
  tau: num.describe("Kendall's tau"),
  slope: num.describe('Theil-Sen slope per x unit'),
  relChange: num.describe('slope × window span ÷ typical level (scale-free)'),
  confidence: num,
  from: num,
  to: num,
  n: z.number().int().describe('points used (after decimation)'),
});

export const seriesSchema = z.object({
  name: z.string(),
  role,
  kind,
  primary: z.enum(['train', 'val', 'test']).nullable().describe('the loss that stands for the run in this role'),
  better: z.enum(['higher', 'lower']).nullable().describe('for a metric: which way it improves (from its name, or the config\'s metrics); null for losses, learning rates and unknown names'),
  components: z.array(z.string()).optional(),
  points: z.number().int(),
  sampling: z
    .object({ stride: z.number().int(), analyzedPoints: z.number().int() })
    .nullable()
    .describe('null when every point was analysed; for a long series, the statistics use every stride-th point plus the points that carry events (spikes, non-finite edges, extremes)'),
  sparkline: z.string().describe('bucket medians of the curve as ▁▂▃▄▅▆▇█'),
  nonFinite: z.object({
    count: z.number().int(),
    first: z.object({ x: num, value: z.string().describe('the first non-finite value, by kind: "NaN", "Infinity" or "-Infinity"') }).nullable(),
  }),
  span: z.tuple([num, num]),
  first: pointSchema,
  last: pointSchema,
  min: pointSchema,
  max: pointSchema,
  startLevel: num,
  endLevel: num,
  noise: num.describe('robust noise scale 1.4826·MAD(Δy)/√2'),
  relNoise: num,
  improvement: num.describe('(start − end) ÷ |start|'),
  riseSinceMin: num.describe('rise of the end level above the best level, in noise units'),
  trend: trendSchema.nullable(),
  tail: trendSchema.nullable(),
  phases: z.array(z.object({ from: num, to: num, direction, relChange: num })),
  data: z
    .object({ x: z.array(num), y: z.array(z.union([z.number(), z.string()])) })
    .optional()
    .describe('the points (only with includeData); non-finite y as "NaN", "Infinity", "-Infinity"'),
});

export const findingSchema = z.object({
  id: z.string(),
  severity,
  confidence: z.number(),
  uncertain: z.boolean().describe('confidence below the minimum (--min-confidence, default 0.5): shown as uncertain, never counted by --fail-on or --max-warnings'),
  title: z.string(),
  message: z.string(),
  series: z.array(z.string()),
  range: z.object({ from: num, to: num, axis }).nullable(),
  best: z.object({ x: num, axis, value: num, series: z.string() }).nullable(),
  evidence: z.record(z.string(), z.unknown()),
  causes: z.array(z.object({ id: z.string(), seed: z.string(), text: z.string() })),
  remedies: z.array(z.object({ id: z.string(), text: z.string() })),
  seed: z.array(z.string()),
  tags: z.array(z.string()),
});

export const verdictSchema = z.object({
  id: z.enum(VERDICT_IDS),
  title: z.string(),
  train: z.string().nullable(),
  heldOut: z.string().nullable(),
  heldOutRole: z.enum(['val', 'test']).nullable(),
  seedRow: z.string().nullable(),
  confidence: z.number(),
  reason: z.string(),
});

export const hyperparametersSchema = z
  .array(z.tuple([z.string(), z.union([z.string(), z.number(), z.boolean()])]))
  .describe('the run\'s configuration as [key, value] pairs, in the order the log (or a file beside it) states them; empty when unknown');

export const warningSchema = z.object({ code: z.string(), message: z.string(), line: z.number().int().nullable() });

export const runReportSchema = z.object({
  name: z.string(),
  sources: z.array(z.string()),
  format: z.string(),
  axis,
  series: z.array(seriesSchema),
  gap: z
    .object({
      train: z.string(),
      val: z.string(),
      startRel: num,
      endRel: num,
      valBelowShare: num,
      trend: trendSchema,
      n: z.number().int(),
    })
    .nullable(),
  verdict: verdictSchema,
  findings: z.array(findingSchema),
  warnings: z.array(warningSchema),
  hyperparameters: hyperparametersSchema,
});

const valueAt = z.object({ series: z.string(), x: num, value: num });

export const runSummarySchema = z.object({
  name: z.string(),
  verdict: verdictSchema.shape.id,
  worstFinding: z.object({ id: z.string(), severity, confidence: z.number(), title: z.string() }).nullable(),
  bestHeldOut: valueAt.nullable().describe('lowest point of the held-out loss (validation, else test); null without one'),
  final: valueAt.nullable().describe('last point of the loss that stands for the run: held-out, else train'),
  hyperparameters: hyperparametersSchema,
});

export const reportSchema = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal('lossdoc'), version: z.string() }),
  lang: z.enum(['en', 'zh']),
  /** The config file the CLI applied (null: none); absent in reports built by the library. */
  config: z.string().nullable().optional(),
  runs: z.array(runReportSchema),
  summary: z.object({
    runs: z.array(runSummarySchema).describe('one entry per run, best held-out loss first (runs without one last, in input order)'),
    errors: z.number().int(),
    warnings: z.number().int(),
    infos: z.number().int(),
    uncertain: z.number().int().describe('findings below the minimum confidence (not counted in errors, warnings or infos)'),
    verdicts: z.record(z.string(), z.number().int()),
  }),
});

export type Report = z.infer<typeof reportSchema>;
export type RunReport = z.infer<typeof runReportSchema>;
export type Finding = z.infer<typeof findingSchema>;
export type SeriesReport = z.infer<typeof seriesSchema>;
export type RunSummary = z.infer<typeof runSummarySchema>;
export type TrendReport = z.infer<typeof trendSchema>;
