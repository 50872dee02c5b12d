/**
 * The configuration file's schema and how it merges with the command line. Pure: the file is read
 * by load-config.ts; this module validates values and resolves the settings a command runs with.
 */
import { z } from 'zod';
import { REGRESSION_IDS, resolveTolerances, type CompareTolerances, type Tolerance } from '../core/compare.js';
import type { FailOn } from '../core/exit-code.js';
import type { Axis, Lang, Severity } from '../core/types.js';
import { ConfigError, UsageError } from '../errors.js';
import { rules } from '../../rules/index.js';

export const RULE_SEVERITIES = ['off', 'info', 'warning', 'error'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];
export const FAIL_ON = ['error', 'warning', 'info', 'none'] as const;

/** Every id the `rules` setting and `--rule` accept: the built-in rules and the baseline-comparison findings. */
export const KNOWN_RULE_IDS: readonly string[] = [...rules.map((r) => r.meta.id), ...REGRESSION_IDS].sort();

/** Keys starting with `//` are comments, at any level (JSON has no comments). */
export const COMMENT_PREFIX = '//';

export interface RuleSetting {
  severity: RuleSeverity;
  /** Rule options, passed through to the analysis as `ruleOptions`. */
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
  lang?: Lang;
  format?: string;
  compare?: Partial<Record<keyof CompareTolerances, Partial<Tolerance>>>;
}

const columns = z.array(z.string().min(1, 'column names must not be empty'));
const tolerance = z
  .strictObject({
    warning: z.number().nonnegative().nullable().optional(),
    error: z.number().nonnegative().nullable().optional(),
  })
  .optional();

/** Shape of the file (comments already removed). Rules and format are checked separately, for better messages. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  rules: z.record(z.string(), z.unknown()).optional(),
  failOn: z.enum(FAIL_ON).optional(),
  maxWarnings: z.number().int().nonnegative().optional(),
  train: columns.optional(),
  val: columns.optional(),
  test: columns.optional(),
  x: z.enum(['step', 'epoch']).optional(),
  numClasses: z.number().int().min(2).optional(),
  lang: z.enum(['en', 'zh']).optional(),
  format: z.string().optional(),
  compare: z
    .strictObject({
      finalLoss: tolerance,
      bestLoss: tolerance,
      curveArea: tolerance,
    })
    .optional(),
});

const TOP_KEYS = Object.keys(configSchema.shape);

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

/** Up to three known names close to `name` (edit distance, shared prefix or substring). */
export function closeMatches(name: string, known: readonly string[]): string[] {
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

function didYouMean(name: string, known: readonly string[]): string {
  const close = closeMatches(name, known);
  return close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : '';
}

function unknownRuleMessage(id: string, known: readonly string[]): string {
  const close = closeMatches(id, known);
  return close.length
    ? `unknown rule "${id}" (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)`
    : `unknown rule "${id}" (known rules: ${known.join(', ')})`;
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

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** One line for the first zod issue, naming the key. */
function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const where = pathText(path);
    const known = path.length === 0 ? TOP_KEYS : path.length === 1 ? ['finalLoss', 'bestLoss', 'curveArea'] : ['warning', 'error'];
    return `${where ? `${where}: ` : ''}unknown key "${key}"${didYouMean(key, known)}`;
  }
  const got = describe(valueAt(input, path));
  const where = pathText(path) || '(top level)';
  if (issue.code === 'invalid_value') return `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
  if (issue.code === 'invalid_type') return `${where}: expected ${issue.expected}, got ${got}`;
  return `${where}: ${issue.message} (got ${got})`;
}

function parseSeverity(value: unknown, where: string, fail: (msg: string) => never): RuleSeverity {
  const v = value === 'warn' ? 'warning' : value;
  if (typeof v === 'string' && (RULE_SEVERITIES as readonly string[]).includes(v)) return v as RuleSeverity;
  return fail(`${where}: expected one of ${RULE_SEVERITIES.map((s) => `"${s}"`).join(', ')}, got ${describe(value)}`);
}

function parseRuleSetting(value: unknown, where: string, fail: (msg: string) => never): RuleSetting {
  if (typeof value === 'string') return { severity: parseSeverity(value, where, fail) };
  if (Array.isArray(value)) {
    if (value.length < 1 || value.length > 2) fail(`${where}: expected [severity] or [severity, {options}], got ${value.length} items`);
    const severity = parseSeverity(value[0], `${where}[0]`, fail);
    if (value.length === 1) return { severity };
    const options = value[1];
    if (!options || typeof options !== 'object' || Array.isArray(options)) fail(`${where}[1]: rule options must be an object, got ${describe(options)}`);
    return { severity, options: options as Record<string, unknown> };
  }
  return fail(`${where}: expected a severity ("off", "info", "warning", "error") or [severity, {options}], got ${describe(value)}`);
}

export interface ParseConfigOptions {
  /** Where the value came from, for messages (a path, or `package.json#lossdoc`). */
  source: string;
  /** Report formats the CLI knows (checked for `format`). */
  formats?: readonly string[];
  ruleIds?: readonly string[];
}

/** Validate a parsed config value. Throws ConfigError naming the source and key. */
export function parseConfig(raw: unknown, options: ParseConfigOptions): LossdocConfig {
  const fail = (message: string): never => {
    throw new ConfigError(`${options.source}: ${message}`);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(`expected an object, got ${describe(raw)}`);
  const input = stripComments(raw);
  const known = options.ruleIds ?? KNOWN_RULE_IDS;
  // Rule ids are checked on the parsed JSON itself: a `"__proto__"` key is an own property there,
  // but would vanish (into the prototype) once copied into the validated object.
  const rawRules = (input as Record<string, unknown>).rules;
  if (rawRules && typeof rawRules === 'object' && !Array.isArray(rawRules)) {
    for (const id of Object.keys(rawRules)) if (!known.includes(id)) fail(`rules.${id}: ${unknownRuleMessage(id, known)}`);
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) fail(issueMessage(parsed.error.issues[0], input));
  const data = parsed.data!;
  const config: LossdocConfig = {};
  if (data.rules) {
    config.rules = {};
    for (const [id, value] of Object.entries(data.rules)) {
      if (!known.includes(id)) fail(`rules.${id}: ${unknownRuleMessage(id, known)}`);
      config.rules[id] = parseRuleSetting(value, `rules.${id}`, fail);
    }
  }
  if (data.format !== undefined && options.formats && !options.formats.includes(data.format)) {
    fail(`format: expected one of ${options.formats.map((f) => `"${f}"`).join(', ')}, got ${describe(data.format)}${didYouMean(data.format, options.formats)}`);
  }
  for (const key of ['failOn', 'maxWarnings', 'train', 'val', 'test', 'x', 'numClasses', 'lang', 'format'] as const) {
    if (data[key] !== undefined) (config as Record<string, unknown>)[key] = data[key];
  }
  if (data.compare) {
    const compare: NonNullable<LossdocConfig['compare']> = {};
    for (const [key, tol] of Object.entries(data.compare) as Array<[keyof CompareTolerances, Partial<Tolerance> | undefined]>) {
      if (tol) compare[key] = Object.fromEntries(Object.entries(tol).filter(([, v]) => v !== undefined)) as Partial<Tolerance>;
    }
    config.compare = compare;
  }
  return config;
}

/** Command-line values that override the file. Undefined = not given. */
export interface Overrides extends Omit<LossdocConfig, 'rules'> {
  /** From `--rule id=severity` (repeatable; later wins). */
  rules?: Array<[string, RuleSeverity]>;
}

/** What a command runs with: defaults < config file < command line. */
export interface Settings {
  ruleSeverity: Record<string, Severity | 'off'>;
  ruleOptions: Record<string, Record<string, unknown>>;
  failOn: FailOn;
  maxWarnings?: number;
  train?: string[];
  val?: string[];
  test?: string[];
  x?: Axis;
  numClasses?: number;
  lang: Lang;
  format: string;
  compare: CompareTolerances;
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
  for (const key of ['finalLoss', 'bestLoss', 'curveArea'] as const) {
    compare[key] = { ...c.compare?.[key], ...overrides.compare?.[key] };
  }
  const settings: Settings = {
    ruleSeverity,
    ruleOptions,
    failOn: pick('failOn') ?? DEFAULT_SETTINGS.failOn,
    lang: pick('lang') ?? DEFAULT_SETTINGS.lang,
    format: pick('format') ?? DEFAULT_SETTINGS.format,
    compare: resolveTolerances(compare),
  };
  for (const key of ['maxWarnings', 'train', 'val', 'test', 'x', 'numClasses'] as const) {
    const value = pick(key);
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
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
      if (eq < 0) throw new UsageError(`--rule takes id=severity, got "${part}" (e.g. --rule overfitting=error)`);
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

const TOLERANCE_KEYS: Record<string, keyof CompareTolerances> = {
  final: 'finalLoss',
  finalloss: 'finalLoss',
  best: 'bestLoss',
  bestloss: 'bestLoss',
  area: 'curveArea',
  curvearea: 'curveArea',
};

function parseLimit(text: string, flag: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return null;
  const percent = t.endsWith('%');
  const n = Number(percent ? t.slice(0, -1) : t);
  if (t === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: "${text}" is not a tolerance (use 0.1, 10% or off)`);
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
    const key = TOLERANCE_KEYS[name.trim().toLowerCase()];
    if (eq < 0 || !key) {
      throw new UsageError(`--tolerance takes final|best|area=warning[:error], got "${part}" (e.g. --tolerance final=10%:50%)`);
    }
    const [warning, error, extra] = part.slice(eq + 1).split(':');
    if (extra !== undefined) throw new UsageError(`--tolerance ${name}: at most two levels (warning:error), got "${part}"`);
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
