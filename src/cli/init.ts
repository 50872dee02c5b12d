/** `lossdoc init [config|python]`: write a starter file in the current directory, never over an existing one. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE } from '../io/find-config.js';
import { starterConfig } from '../config/starter.js';
import { ConfigError } from '../errors.js';
import { messages } from './messages.js';
import { PYTHON_CALLBACK, PYTHON_CALLBACK_FILE } from './python/callback-source.js';
import type { CliIo } from './cli-io.js';

export const INIT_KINDS = ['config', 'python'] as const;
export type InitKind = (typeof INIT_KINDS)[number];

export function initCommand(io: CliIo, kind: InitKind = 'config'): number {
  const [file, text, written] =
    kind === 'python'
      ? [PYTHON_CALLBACK_FILE, PYTHON_CALLBACK, messages.callbackWritten(PYTHON_CALLBACK_FILE)]
      : [CONFIG_FILE, starterConfig(), messages.configWritten(CONFIG_FILE)];
  const path = join(io.cwd ?? '.', file);
  try {
    writeFileSync(path, text, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ConfigError(messages.fileExists(file, kind));
    throw new ConfigError(`${file}: cannot be written (${code ?? (error as Error).message})`);
  }
  io.stdout(`${written}\n`);
  return 0;
}
