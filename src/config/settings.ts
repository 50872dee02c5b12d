/**
 * The settings a command runs with and how the config file merges with the command line. Pure and
 * free of zod: the CLI needs this on every run, while validating a config file (schema.ts, zod) is
 * only needed when there is one.
 */
import { resolveTolerances, TOLERANCE_RULES, type CompareTolerances, type Tolerance } from '../core/compare.js';
import type { FailOn } from '../core/exit-code.js';
import type { Axis, Lang, Severity } from '../core/types.js';
import { UsageError } from '../errors.js';
import { allRules } from '../../rules/index.js';

export const RULE_SEVERITIES = ['off', 'info', 'warning', 'error'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];
export const FAIL_ON = ['error', 'warning', 'info', 'none'] as const;

/** Every id the `rules` setting and `--rule` accept: the built-in rules, those comparing with a baseline included. */
export const KNOWN_RULE_IDS: readonly string[] = allRules.map((r) => r.meta.id).sort();

/** Keys starting with `//` are comments, at any level (JSON has no comments). */
export const COMMENT_PREFIX = '//';

export interface RuleSetting {
  severity: RuleSeverity;
  /** Rule options, validated against the rule's options schema; passed to the analysis as `ruleOptions`. */
  options?: Record<string, unknown>;
}

export interface LossdocConfig {
  rules?: Record<string, RuleSetting>;
  failOn?: FailOn;
  maxWarnings?: number;
  train?: string[];
  val?: string[];
  test?: string[];
  x?: Axis;
  numClasses?: number;
  /** Series longer than this are analysed on a sample (src/core/resolution.ts); 0: every point. */
  maxPoints?: number;
  /** Most distinct series read from one log (src/parsers/series-cap.ts). */
  maxSeries?: number;
  /** Findings below this confidence are shown as uncertain and never fail the run (default 0.5). */
  minConfidence?: number;
  /** Which way a metric improves, by series name (`max`: higher is better), over what its name says. */
  metrics?: Array<[string, 'max' | 'min']>;
  lang?: Lang;
  format?: string;
  compare?: Partial<Record<keyof CompareTolerances, Partial<Tolerance>>>;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = keep;
    }
  }
  return prev[b.length];
}

/** Names longer than this are cut in messages (an error stays one short line whatever the file holds). */
const MAX_SHOWN_NAME = 60;

/** `name` as a message shows it: cut after MAX_SHOWN_NAME characters, saying how long it was. */
export function shownName(name: string): string {
  return name.length <= MAX_SHOWN_NAME ? name : `${name.slice(0, MAX_SHOWN_NAME - 1)}… (${name.length} characters)`;
}

/** Up to three known names close to `name` (edit distance, shared prefix or substring); none for a name far longer than any. */
export function closeMatches(name: string, known: readonly string[]): string[] {
  if (name.length > 2 * MAX_SHOWN_NAME) return [];
  const lower = name.toLowerCase();
  return known
    .map((k) => {
      const kl = k.toLowerCase();
      const d = distance(lower, kl);
      const contained = kl.includes(lower) || lower.includes(kl);
      const samePrefix = lower.length >= 4 && kl.startsWith(lower.slice(0, 4));
      return { k, score: contained ? Math.min(d, 1) : samePrefix ? Math.min(d, 2) : d };
    })
    .filter(({ k, score }) => score <= Math.max(2, Math.floor(k.length / 3)))
    .sort((a, b) => a.score - b.score || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map(({ k }) => k);
}

/** "unknown rule" with the close matches, or the known rules when none is close. */
export function unknownRuleMessage(id: string, known: readonly string[]): string {
  const close = closeMatches(id, known);
  return close.length
    ? `unknown rule "${shownName(id)}" (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)`
    : `unknown rule "${shownName(id)}" (known rules: ${known.join(', ')})`;
}

/** Remove `//` comment keys from every object in the value. */
export function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.startsWith(COMMENT_PREFIX))
        .map(([k, v]) => [k, stripComments(v)]),
    );
  }
  return value;
}

/** Command-line values that override the file. Undefined = not given. */
export interface Overrides extends Omit<LossdocConfig, 'rules'> {
  /** From `--rule id=severity` (repeatable; later wins). */
  rules?: Array<[string, RuleSeverity]>;
}

/** What a command runs with: defaults < config file < command line. */
export interface Settings extends Pick<LossdocConfig, 'maxWarnings' | 'train' | 'val' | 'test' | 'x' | 'numClasses' | 'maxPoints' | 'maxSeries' | 'minConfidence' | 'metrics'> {
  ruleSeverity: Record<string, Severity | 'off'>;
  ruleOptions: Record<string, Record<string, unknown>>;
  failOn: FailOn;
  lang: Lang;
  format: string;
  compare: CompareTolerances;
  /** The config file applied, as messages name it (relative to the working folder when found by search). */
  configFile?: string;
}

export const DEFAULT_SETTINGS = { failOn: 'error', lang: 'en', format: 'text' } as const;

/** Merge: built-in defaults, then the config file, then command-line flags (per key; rules per id). */
export function resolveSettings(config: LossdocConfig | undefined, overrides: Overrides = {}): Settings {
  const c = config ?? {};
  const ruleSeverity: Record<string, Severity | 'off'> = {};
  const ruleOptions: Record<string, Record<string, unknown>> = {};
  for (const [id, setting] of Object.entries(c.rules ?? {})) {
    ruleSeverity[id] = setting.severity;
    if (setting.options) ruleOptions[id] = setting.options;
  }
  for (const [id, severity] of overrides.rules ?? []) ruleSeverity[id] = severity;
  const pick = <K extends keyof Overrides & keyof LossdocConfig>(key: K) => overrides[key] ?? c[key];
  const compare: NonNullable<LossdocConfig['compare']> = {};
  // A measure rule's options are its tolerance: "compare" and --tolerance set the same levels and win.
  for (const [key, id] of TOLERANCE_RULES) {
    compare[key] = { ...(ruleOptions[id] as Partial<Tolerance> | undefined), ...c.compare?.[key], ...overrides.compare?.[key] };
  }
  const settings: Settings = {
    ruleSeverity,
    ruleOptions,
    failOn: pick('failOn') ?? DEFAULT_SETTINGS.failOn,
    lang: pick('lang') ?? DEFAULT_SETTINGS.lang,
    format: pick('format') ?? DEFAULT_SETTINGS.format,
    compare: resolveTolerances(compare),
  };
  for (const key of ['maxWarnings', 'train', 'val', 'test', 'x', 'numClasses', 'maxPoints', 'maxSeries', 'minConfidence'] as const) {
    const value = pick(key);
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  if (c.metrics) settings.metrics = c.metrics;
  return settings;
}

/** `--rule id=severity[,id=severity]` → pairs. Throws UsageError naming the rule. */
export function parseRuleFlag(value: string, known: readonly string[] = KNOWN_RULE_IDS): Array<[string, RuleSeverity]> {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) throw new UsageError(`--rule takes id=severity, got "${shownName(part)}" (e.g. --rule overfitting=error)`);
      const id = part.slice(0, eq).trim();
      const sev = part.slice(eq + 1).trim();
      if (!known.includes(id)) throw new UsageError(`--rule: ${unknownRuleMessage(id, known)}`);
      const severity = sev === 'warn' ? 'warning' : sev;
      if (!(RULE_SEVERITIES as readonly string[]).includes(severity)) {
        throw new UsageError(`--rule ${id}: severity must be one of ${RULE_SEVERITIES.join(', ')}, got "${sev}"`);
      }
      return [id, severity as RuleSeverity];
    });
}

/** A Map: `--tolerance __proto__=1` must not find Object's prototype. */
const TOLERANCE_KEYS = new Map<string, keyof CompareTolerances>([
  ['final', 'finalLoss'],
  ['finalloss', 'finalLoss'],
  ['best', 'bestLoss'],
  ['bestloss', 'bestLoss'],
  ['area', 'curveArea'],
  ['curvearea', 'curveArea'],
]);

function parseLimit(text: string, flag: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return null;
  const percent = t.endsWith('%');
  const n = Number(percent ? t.slice(0, -1) : t);
  if (t === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: "${shownName(text)}" is not a tolerance (use 0.1, 10% or off)`);
  return percent ? n / 100 : n;
}

/**
 * `--tolerance final=0.1:0.5` (warning:error), `best=10%`, `area=0.05:off` → partial tolerances.
 * A single number sets the warning level and keeps the error level; a single `off` turns both off.
 */
export function parseToleranceFlag(value: string): NonNullable<LossdocConfig['compare']> {
  const out: NonNullable<LossdocConfig['compare']> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const key = TOLERANCE_KEYS.get(name.trim().toLowerCase());
    if (eq < 0 || !key) {
      throw new UsageError(`--tolerance takes final|best|area=warning[:error], got "${shownName(part)}" (e.g. --tolerance final=10%:50%)`);
    }
    const [warning, error, extra] = part.slice(eq + 1).split(':');
    if (extra !== undefined) throw new UsageError(`--tolerance ${name}: at most two levels (warning:error), got "${shownName(part)}"`);
    const flag = `--tolerance ${name}`;
    const warn = parseLimit(warning, flag);
    // A lone "off" turns the check off; a lone number is the warning level.
    if (error === undefined && warn === null) out[key] = { warning: null, error: null };
    else out[key] = { warning: warn, ...(error !== undefined ? { error: parseLimit(error, flag) } : {}) };
  }
  return out;
}

/** Merge several `--tolerance` values (later wins per level). */
export function mergeTolerances(parts: Array<NonNullable<LossdocConfig['compare']>>): NonNullable<LossdocConfig['compare']> {
  const out: NonNullable<LossdocConfig['compare']> = {};
  for (const part of parts) {
    for (const [key, tol] of Object.entries(part) as Array<[keyof CompareTolerances, Partial<Tolerance>]>) {
      out[key] = { ...out[key], ...tol };
    }
  }
  return out;
}
