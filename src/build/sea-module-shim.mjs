/**
 * `node:module` inside the single executable (src/build/single-executable.mjs): the same module,
 * except that createRequire() finds csv-parse in the bundle, as no node_modules sits beside it.
 */
import * as nodeModule from 'node:module';
import * as csvParseSync from 'csv-parse/sync';

const bundled = new Map([['csv-parse/sync', csvParseSync]]);

export * from 'node:module';

export function createRequire(from) {
  const requireFrom = nodeModule.createRequire(from);
  return (id) => (bundled.has(id) ? bundled.get(id) : requireFrom(id));
}
