/** `lossdoc init`: write a starter lossdoc.config.json, never over an existing one. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE } from '../config/find-config.js';
import { starterConfig } from '../config/starter.js';
import { ConfigError } from '../errors.js';
import { messages } from './messages.js';
import type { CliIo } from './run.js';

export function initCommand(io: CliIo): number {
  const path = join(io.cwd ?? '.', CONFIG_FILE);
  try {
    writeFileSync(path, starterConfig(), { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ConfigError(messages.configExists(CONFIG_FILE));
    throw new ConfigError(`${CONFIG_FILE}: cannot be written (${code ?? (error as Error).message})`);
  }
  io.stdout(`${messages.configWritten(CONFIG_FILE)}\n`);
  return 0;
}
