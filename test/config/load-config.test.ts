import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig } from '../../src/io/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../cli/cli-helper.js';

let root: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir: root, cleanup } = tempDir('lossdoc-config-'));
  mkdirSync(join(root, 'a/b/c'), { recursive: true });
});
afterEach(() => cleanup());

const write = (rel: string, value: unknown) => writeFileSync(join(root, rel), typeof value === 'string' ? value : JSON.stringify(value));

describe('loadConfig', () => {
  it('walks up from the working directory to the nearest lossdoc.config.json', () => {
    write('lossdoc.config.json', { failOn: 'warning' });
    write('a/lossdoc.config.json', { failOn: 'info' });
    const loaded = loadConfig({ cwd: join(root, 'a/b/c') });
    expect(loaded?.config).toEqual({ failOn: 'info' });
    expect(loaded?.source).toBe(join('..', '..', 'lossdoc.config.json'));
  });

  it('uses a "lossdoc" key in package.json; a package.json without it is passed by', () => {
    write('package.json', { name: 'x', lossdoc: { maxWarnings: 2 } });
    write('a/package.json', { name: 'inner' });
    expect(findConfigFile(join(root, 'a/b'))).toBe(join(root, 'package.json'));
    expect(loadConfig({ cwd: join(root, 'a/b') })?.config).toEqual({ maxWarnings: 2 });
  });

  it('prefers lossdoc.config.json over package.json in the same directory', () => {
    write('package.json', { lossdoc: { maxWarnings: 2 } });
    write('lossdoc.config.json', { maxWarnings: 5 });
    expect(loadConfig({ cwd: root })?.config).toEqual({ maxWarnings: 5 });
  });

  it('--config FILE is used instead of searching; --no-config ignores files', () => {
    write('lossdoc.config.json', { failOn: 'warning' });
    write('ci.json', { failOn: 'none' });
    expect(loadConfig({ cwd: root, explicit: 'ci.json' })?.config).toEqual({ failOn: 'none' });
    expect(loadConfig({ cwd: root, explicit: false })).toBeUndefined();
    expect(loadConfig({ cwd: join(root, 'a') })?.config).toEqual({ failOn: 'warning' });
  });

  it('reports bad files as one-line ConfigErrors naming the file and key', () => {
    expect(() => loadConfig({ cwd: root, explicit: 'missing.json' })).toThrow(new ConfigError('missing.json: no such config file'));
    write('bad.json', '{\n  "failOn": "error",\n}');
    expect(() => loadConfig({ cwd: root, explicit: 'bad.json' })).toThrow(/^bad\.json: invalid JSON at line 3/);
    write('package.json', { lossdoc: { failOn: 'sometimes' } });
    expect(() => loadConfig({ cwd: root })).toThrow('package.json#lossdoc: failOn: expected one of');
    write('other.json', { name: 'x' });
    expect(() => loadConfig({ cwd: root, explicit: 'package.json' })).toThrow(ConfigError);
  });

  it('finds nothing in a tree without config', () => {
    expect(findConfigFile(join(root, 'a/b/c'))).toBeUndefined();
  });
});
