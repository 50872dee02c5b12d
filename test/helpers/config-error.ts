import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';

/** The message of the ConfigError that `parse(raw)` throws; fails the test when it throws none. */
export function configErrorOf(parse: (raw: unknown) => unknown, raw: unknown): string {
  try {
    parse(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}
