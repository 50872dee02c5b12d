/**
 * The release tarball: `npm pack` holds the built dist/ only (no sources, tests, fixtures, source
 * maps or the single executable), stays small, and `npm install -g ./lossdoc-<version>.tgz` gives
 * a `lossdoc` on PATH that works. The install goes to a temporary prefix; its dependencies come
 * from npm's cache when `npm ci` has filled it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, ROOT, ensureBuilt, tempDir } from '../cli/cli-helper.js';

const MAX_TARBALL_BYTES = 1.5 * 1024 * 1024;
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

let dir: string;
let cleanup: () => void;
let packed: { filename: string; size: number; files: Array<{ path: string }> };
beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-pack-'));
  // dist/ is already built: --ignore-scripts skips the rebuild that `prepare` would do.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  packed = JSON.parse(out)[0];
});
afterAll(() => cleanup());

describe('release tarball', () => {
  it(`lossdoc-${version}.tgz holds dist/ and the manual only, under 1.5 MB`, () => {
    expect(packed.filename).toBe(`lossdoc-${version}.tgz`);
    expect(packed.size).toBeLessThan(MAX_TARBALL_BYTES);
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('dist/lossdoc.js');
    expect(paths).toContain('dist/analyze-worker.js');
    for (const p of paths) {
      expect(p).toMatch(/^(dist\/|package\.json$|README\.md$|LICENSE$)/);
      expect(p).not.toMatch(/^dist\/bin\/|\.map$|\.test\.|(^|\/)(test|fixtures)\//);
    }
  });

  it('npm install -g ./lossdoc-<version>.tgz puts a working lossdoc on PATH', () => {
    const prefix = join(dir, 'prefix');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: dir, stdio: 'pipe' });
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, NO_COLOR: '1' };
    const run = (args: string[]) => spawnSync('lossdoc', args, { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    expect(run(['--version']).stdout.trim()).toBe(version);
    const r = run(['analyze', join(DEMO, 'overfitting.csv'), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).runs[0].verdict.id).toBe('overfitting');
  });
});
