/** Reads the configuration file (find-config.ts finds it) and validates it with src/config/schema.ts. */
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { findConfigFile, PACKAGE_KEY } from './find-config.js';
import { isSpecialFile } from './read-chunks.js';
import { parseConfig, type LossdocConfig } from '../config/schema.js';

export { CONFIG_FILE, findConfigFile, PACKAGE_KEY } from './find-config.js';

export interface LoadedConfig {
  config: LossdocConfig;
  /** The file it came from (`…/package.json#lossdoc` for the package.json key). */
  source: string;
}

export interface LoadConfigOptions {
  /** Directory to start the search from. */
  cwd: string;
  /** `--config FILE` (a path), or false for `--no-config`. */
  explicit?: string | false;
  /** Report formats the CLI knows, to check `format`. */
  formats?: readonly string[];
  /** What findConfigFile(cwd) returned, when the caller already searched. */
  found?: string;
}

/** JSON.parse with a message that names the line and column. */
function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    let where = '';
    if (at) {
      const before = text.slice(0, Number(at[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${Number(at[1]) - before.lastIndexOf('\n')}`;
    }
    throw new ConfigError(`${source}: invalid JSON${where} (${message.split('\n')[0]})`, 'JSON allows no comments or trailing commas; use "//" keys for comments');
  }
}

/** Largest config file read (a package.json is a few KB; `/dev/zero` or a huge file is a mistake). */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

function readText(path: string, shown: string): string {
  try {
    const stat = statSync(path);
    if (isSpecialFile(stat)) throw new ConfigError(`${shown}: is not a regular file (a device, FIFO or socket); the config must be a JSON file`);
    if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError(`${shown}: is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; not a config file`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${shown}: ${code === 'ENOENT' ? 'no such config file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (error as Error).message})`}`);
  }
}

/** Read and validate one config file; `shown` is how messages name it. */
function fromFile(path: string, shown: string, formats?: readonly string[]): LoadedConfig {
  const text = readText(path, shown);
  if (path.endsWith('package.json')) {
    const pkg = parseJson(text, shown) as Record<string, unknown> | null;
    const section = pkg && typeof pkg === 'object' ? pkg[PACKAGE_KEY] : undefined;
    if (section === undefined) throw new ConfigError(`${shown}: has no "${PACKAGE_KEY}" key`);
    const source = `${shown}#${PACKAGE_KEY}`;
    return { config: parseConfig(section, { source, ...(formats ? { formats } : {}) }), source };
  }
  return { config: parseConfig(parseJson(text, shown), { source: shown, ...(formats ? { formats } : {}) }), source: shown };
}

/** Load the configuration: `--config FILE`, else the nearest one found, else none (undefined). */
export function loadConfig(options: LoadConfigOptions): LoadedConfig | undefined {
  if (options.explicit === false) return undefined;
  if (typeof options.explicit === 'string') {
    return fromFile(resolve(options.cwd, options.explicit), options.explicit, options.formats);
  }
  const found = options.found ?? findConfigFile(options.cwd);
  return found ? fromFile(found, relative(options.cwd, found) || found, options.formats) : undefined;
}
