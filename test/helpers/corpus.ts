/**
 * The real-log corpus, checked out beside the repository (../shared/corpus, described in its
 * SOURCES.md). Not shipped with the project: outside CI its tests skip with a note; with CI=true
 * a missing corpus fails the test file, so a broken checkout cannot pass by skipping them all.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS = path.resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/corpus');

const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** True when `target` (a path inside the corpus) exists; throws under CI=true when it does not. */
export function corpusPresent(target: string = CORPUS): boolean {
  if (existsSync(target)) return true;
  if (inCi) throw new Error(`corpus not found: ${target} (CI=true, so the corpus tests must run, not skip)`);
  console.warn(`corpus not found, skipping its tests (${target})`);
  return false;
}
