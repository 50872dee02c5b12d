/**
 * A config file found by searching upwards changes the result, so lossdoc says which one it applied
 * (text header, JSON `config`, a stderr line for the CI formats) and stops searching at the
 * repository root (a folder with `.git`) or the home folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConfigFile } from '../../src/io/find-config.js';
import { DEMO, ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';

let dir: string;
let cleanup: () => void;
const overfit = join(DEMO, 'overfitting.csv');

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-config-'));
  // outer/lossdoc.config.json above a repository (outer/repo/.git) and above a plain folder.
  mkdirSync(join(dir, 'outer/repo/.git'), { recursive: true });
  mkdirSync(join(dir, 'outer/repo/src'), { recursive: true });
  mkdirSync(join(dir, 'outer/plain/deep'), { recursive: true });
  mkdirSync(join(dir, 'home/user/project'), { recursive: true });
  writeFileSync(join(dir, 'outer/lossdoc.config.json'), JSON.stringify({ failOn: 'warning' }));
  writeFileSync(join(dir, 'home/lossdoc.config.json'), JSON.stringify({ failOn: 'warning' }));
});
afterAll(() => cleanup());

describe('the config file applied is named', () => {
  const cwd = () => join(dir, 'outer/plain/deep');

  it('text: a header line (and the config applies: failOn warning)', () => {
    const r = lossdoc(['analyze', overfit], { cwd: cwd() });
    expect(r.stdout.split('\n')[0]).toBe('config: ../../lossdoc.config.json');
    expect(r.code).toBe(1);
  });

  it('JSON: the config field (null without one)', () => {
    const withConfig = JSON.parse(lossdoc(['analyze', overfit, '-f', 'json'], { cwd: cwd() }).stdout);
    expect(withConfig.config).toBe('../../lossdoc.config.json');
    expect(Object.keys(withConfig).slice(0, 4)).toEqual(['schemaVersion', 'tool', 'lang', 'config']);
    expect(JSON.parse(lossdoc(['analyze', overfit, '-f', 'json', '--no-config']).stdout).config).toBeNull();
  });

  it.each(['github', 'junit'])('%s: a line on stderr', (format) => {
    const r = lossdoc(['analyze', overfit, '-f', format], { cwd: cwd() });
    expect(r.stderr).toContain('lossdoc: config: ../../lossdoc.config.json\n');
  });

  it('-c names the file as given', () => {
    const r = lossdoc(['analyze', overfit, '-f', 'json', '-c', join(dir, 'outer/lossdoc.config.json')]);
    expect(JSON.parse(r.stdout).config).toBe(join(dir, 'outer/lossdoc.config.json'));
  });
});

describe('the upward search stops', () => {
  it('at the repository root: a config above it is not applied', () => {
    expect(findConfigFile(join(dir, 'outer/repo/src'), '/nonexistent-home')).toBeUndefined();
    const r = lossdoc(['analyze', overfit, '-f', 'json'], { cwd: join(dir, 'outer/repo/src') });
    expect(JSON.parse(r.stdout).config).toBeNull();
    // The overfitting warning would fail the run under the outer config (failOn: warning).
    expect(r.code).toBe(0);
  });

  it('at the home folder, after looking in it', () => {
    expect(findConfigFile(join(dir, 'home/user/project'), join(dir, 'home/user'))).toBeUndefined();
    expect(findConfigFile(join(dir, 'home/user/project'), join(dir, 'home'))).toBe(join(dir, 'home/lossdoc.config.json'));
  });

  it('not below it: a config between the folder and the root is found', () => {
    expect(findConfigFile(join(dir, 'outer/plain/deep'), '/nonexistent-home')).toBe(join(dir, 'outer/lossdoc.config.json'));
  });
});
