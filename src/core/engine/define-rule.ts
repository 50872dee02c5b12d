import type { Baseline } from '../baseline.js';
import type { Verdict } from '../verdict.js';
import type { Axis, GapProfile, Run, Series, SeriesProfile, Severity } from '../types.js';
import type { Localized, MessageData, Text } from './messages.js';
import { optionValues, type OptionValue, type RuleOptions } from './rule-options.js';

export type { Localized } from './messages.js';

/** A likely cause, citing the seed section it comes from (§T5, §V1, ...). */
export interface CauseDef {
  id: string;
  seed: string;
  text: Localized;
}

/** A remedy; `text` may use {{placeholders}} filled from the detection's data. */
export interface RemedyDef {
  id: string;
  text: Localized;
  seed?: string;
}

export interface RuleMeta<O extends Record<string, OptionValue> = Record<string, OptionValue>> {
  id: string;
  severity: Severity;
  tags: string[];
  /** Seed sections the rule's knowledge comes from. */
  seed: string[];
  title: Text;
  /** What the rule detects and how, for `lossdoc explain` and the README. */
  description: Localized;
  /** One-line finding message; {{placeholders}} come from Detection.data. */
  message: Localized;
  causes: CauseDef[];
  remedies: RemedyDef[];
  /** Named wording that varies with the case, referenced from Detection.data (see messages.ts). */
  fragments?: Record<string, Localized>;
  /** Tunable parameters with their defaults, validated when the config is read; none when absent. */
  options?: RuleOptions<O>;
}

/** What a rule reports when it fires. */
export interface Detection {
  /** 0..1 */
  confidence: number;
  /** Values for the message and remedy templates: numbers, names from the log, fragment references. */
  data: MessageData;
  /** Numbers that justify the finding, as JSON. */
  evidence: Record<string, unknown>;
  series?: string[];
  range?: { from: number; to: number; axis: Axis };
  best?: { x: number; axis: Axis; value: number; series: string };
  /** Cause ids, most likely first, as the curves suggest; unlisted causes follow in rule order. */
  causeOrder?: string[];
  /** Remedy ids to show, in order; by default all in rule order. */
  remedyOrder?: string[];
  /** Only to lower the rule's severity for a milder case. */
  severity?: Severity;
}

export interface AnalyzeOptions {
  /** Number of classes of a classification loss (for chance-level detection). */
  numClasses?: number;
  /** Which way a metric improves, by series name, over what its name says. */
  metricDirections?: ReadonlyMap<string, 'higher' | 'lower'>;
  /** Per-rule options (`rules: { id: [severity, {options}] }`), by rule id; defineRule hands each rule its own. */
  ruleOptions?: Record<string, Record<string, unknown>>;
}

/** Everything a rule may look at: the run, its series and their profiles. Read-only. */
export interface RuleContext {
  run: Run;
  profiles: ReadonlyMap<string, SeriesProfile>;
  train?: SeriesProfile;
  val?: SeriesProfile;
  test?: SeriesProfile;
  /** val, or test when the log has no val. */
  heldOut?: SeriesProfile;
  gap?: GapProfile;
  verdict: Verdict;
  options: AnalyzeOptions;
  series(name: string): Series | undefined;
  /** The learning-rate series, when the log has one. */
  lr?: Series;
  /** The reference run this run is compared with (`compare`, `--baseline`): only baseline rules read it. */
  baseline?: Baseline;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): Detection | undefined;
}

/** A rule as its module writes it: `check` receives the options it runs with, typed by its meta. */
export interface RuleDef<O extends Record<string, OptionValue>> {
  meta: RuleMeta<O>;
  check(ctx: RuleContext, options: O): Detection | undefined;
}

/**
 * A rule module is `export default defineRule({ meta, check })`: its check receives its options,
 * the defaults overridden by the values configured for `meta.id` (none without `meta.options`).
 */
export function defineRule<O extends Record<string, OptionValue> = Record<string, never>>(rule: RuleDef<O>): Rule {
  const { meta } = rule;
  return { meta, check: (ctx) => rule.check(ctx, meta.options ? optionValues(meta.options, ctx.options.ruleOptions, meta.id) : ({} as O)) };
}
