/**
 * The configuration file's schema (zod). Pure: the file is read by load-config.ts; this module
 * validates values. How they merge with the command line is settings.ts (zod-free, re-exported here).
 */
import { z } from 'zod';
import type { CompareTolerances, Tolerance } from '../core/compare.js';
import { ConfigError } from '../errors.js';
import { findRule } from '../../rules/index.js';
import {
  closeMatches,
  FAIL_ON,
  KNOWN_RULE_IDS,
  RULE_SEVERITIES,
  shownName,
  stripComments,
  unknownRuleMessage,
  type LossdocConfig,
  type RuleSetting,
  type RuleSeverity,
} from './settings.js';

// The zod-free part, in settings.ts so that the CLI loads zod only when there is a config file.
export {
  closeMatches,
  COMMENT_PREFIX,
  DEFAULT_SETTINGS,
  FAIL_ON,
  KNOWN_RULE_IDS,
  mergeTolerances,
  parseRuleFlag,
  parseToleranceFlag,
  resolveSettings,
  RULE_SEVERITIES,
  stripComments,
  type LossdocConfig,
  type Overrides,
  type RuleSetting,
  type RuleSeverity,
  type Settings,
} from './settings.js';

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
  maxPoints: z.number().int().nonnegative().optional(),
  maxSeries: z.number().int().positive().optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  metrics: z.record(z.string(), z.enum(['max', 'min'])).optional(),
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

function didYouMean(name: string, known: readonly string[]): string {
  const close = closeMatches(name, known);
  return close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : '';
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${shownName(String(p))}` : shownName(String(p));
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
    return `${where ? `${where}: ` : ''}unknown key "${shownName(key)}"${didYouMean(key, known)}`;
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

/** Check a rule's options against its schema: an unknown key or a wrong value names the rule and the option. */
function parseRuleOptions(id: string, options: Record<string, unknown>, where: string, fail: (msg: string) => never): Record<string, unknown> {
  const spec = findRule(id)?.meta.options;
  const names = spec ? Object.keys(spec.defaults) : [];
  // Keys are checked on the parsed JSON itself (a `"__proto__"` key is an own property there).
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue;
    const known = names.length ? `; its options: ${names.join(', ')}` : '; it takes no options';
    fail(`${where}: unknown option "${shownName(key)}" for rule ${id}${didYouMean(key, names)}${known}`);
  }
  if (!spec || names.length === 0) return {};
  const parsed = z.strictObject(spec.shape(z)).partial().safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    const expected = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
    fail(`${where}.${key}: ${expected} for option "${key}" of rule ${id}, got ${describe(options[key])}`);
  }
  return parsed.data as Record<string, unknown>;
}

function parseRuleSetting(id: string, value: unknown, where: string, fail: (msg: string) => never): RuleSetting {
  if (typeof value === 'string') return { severity: parseSeverity(value, where, fail) };
  if (Array.isArray(value)) {
    if (value.length < 1 || value.length > 2) fail(`${where}: expected [severity] or [severity, {options}], got ${value.length} items`);
    const severity = parseSeverity(value[0], `${where}[0]`, fail);
    if (value.length === 1) return { severity };
    const options = value[1];
    if (!options || typeof options !== 'object' || Array.isArray(options)) fail(`${where}[1]: rule options must be an object, got ${describe(options)}`);
    return { severity, options: parseRuleOptions(id, options as Record<string, unknown>, `${where}[1]`, fail) };
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
    for (const id of Object.keys(rawRules)) if (!known.includes(id)) fail(`rules.${shownName(id)}: ${unknownRuleMessage(id, known)}`);
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) fail(issueMessage(parsed.error.issues[0], input));
  const data = parsed.data!;
  const config: LossdocConfig = {};
  if (data.rules) {
    config.rules = {};
    for (const [id, value] of Object.entries(data.rules)) {
      if (!known.includes(id)) fail(`rules.${shownName(id)}: ${unknownRuleMessage(id, known)}`);
      config.rules[id] = parseRuleSetting(id, value, `rules.${id}`, fail);
    }
  }
  if (data.format !== undefined && options.formats && !options.formats.includes(data.format)) {
    fail(`format: expected one of ${options.formats.map((f) => `"${f}"`).join(', ')}, got ${describe(data.format)}${didYouMean(data.format, options.formats)}`);
  }
  for (const key of ['failOn', 'maxWarnings', 'train', 'val', 'test', 'x', 'numClasses', 'maxPoints', 'maxSeries', 'minConfidence', 'lang', 'format'] as const) {
    if (data[key] !== undefined) (config as Record<string, unknown>)[key] = data[key];
  }
  // Series names come from logs: kept as pairs, never as object properties.
  if (data.metrics) config.metrics = Object.entries(data.metrics);
  if (data.compare) {
    const compare: NonNullable<LossdocConfig['compare']> = {};
    for (const [key, tol] of Object.entries(data.compare) as Array<[keyof CompareTolerances, Partial<Tolerance> | undefined]>) {
      if (tol) compare[key] = Object.fromEntries(Object.entries(tol).filter(([, v]) => v !== undefined)) as Partial<Tolerance>;
    }
    config.compare = compare;
  }
  return config;
}
