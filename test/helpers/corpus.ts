/**
 * The real-log corpus, checked out beside the repository (../shared/corpus, described in its
 * SOURCES.md). Not shipped with the project: outside CI its tests skip with a note; with CI=true
 * a missing corpus fails them (see prerequisite.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prerequisite } from './prerequisite.js';

export const CORPUS = path.resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/corpus');

/** True when `target` (a path inside the corpus) exists; throws under CI=true when it does not. */
export function corpusPresent(target: string = CORPUS): boolean {
  return prerequisite(existsSync(target), `corpus not found: ${target}`);
}
