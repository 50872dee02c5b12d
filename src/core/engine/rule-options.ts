/**
 * Rule options: a rule's tunable parameters, their defaults (today's named constants) and their zod
 * schema. The schema is built on demand from the zod module it is given: the config loader builds
 * it when it validates a config file, so a run without a config never loads zod. Pure.
 */
import type { z as Zod, ZodType } from 'zod';

/** A value a rule option takes; null turns a level off (tolerances). */
export type OptionValue = number | boolean | string | null;

export interface RuleOptions<T extends Record<string, OptionValue>> {
  /** The values a rule runs with when the config sets none. */
  defaults: Readonly<T>;
  /** One zod type per option (each may be left out of a config); the config rejects any other key. */
  shape(z: typeof Zod): { [K in keyof T]: ZodType };
}

/** Declare a rule's options (put the result in RuleMeta.options: the rule's check receives their values). */
export function defineOptions<T extends Record<string, OptionValue>>(defaults: T, shape: RuleOptions<T>['shape']): RuleOptions<T> {
  return { defaults, shape };
}

/** A rule without options: its config entry takes none. */
export const NO_OPTIONS: RuleOptions<Record<string, never>> = defineOptions({}, () => ({}));

/**
 * The options a rule runs with: its defaults, overridden by the values configured for it
 * (`ruleOptions[id]`, validated when the config was read). Only the rule's own keys are taken.
 */
export function optionValues<T extends Record<string, OptionValue>>(
  options: RuleOptions<T>,
  configured: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
  id: string,
): T {
  const given = configured && Object.hasOwn(configured, id) ? configured[id] : undefined;
  if (!given) return options.defaults;
  const out = { ...options.defaults } as T;
  for (const key of Object.keys(out) as Array<keyof T & string>) if (Object.hasOwn(given, key)) out[key] = given[key] as T[typeof key];
  return out;
}
