/**
 * The single executable (`npm run build:binary` → dist/bin/lossdoc-linux-x64) run with an empty
 * PATH, so no `node` can be found: the same reports as `node dist/lossdoc.js`, worker threads
 * (a sweep of 20 runs), csv-parse (a quoted CSV), the HTML assets and the rule texts.
 * Building it takes a while, so `.ci/run` builds it before `npm test`; elsewhere the tests skip
 * with a note when it is absent, and with CI=true its absence fails.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, ROOT, ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { prerequisite } from '../helpers/prerequisite.js';

const EXE = join(ROOT, 'dist/bin/lossdoc-linux-x64');
const present = prerequisite(existsSync(EXE), `single executable not built: ${EXE} (npm run build:binary; .ci/run builds it before npm test)`);

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-exe-'));
});
afterAll(() => cleanup());

/** Run the executable with nothing on PATH (no node, no npx). */
function exe(args: string[]) {
  const r = spawnSync(EXE, args, { cwd: dir, env: { PATH: '', NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

describe.runIf(present)('single executable, no node on PATH', () => {
  it('prints the package version', () => {
    const r = exe(['--version']);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('gives the same JSON report as node dist/lossdoc.js, also for a sweep analysed on worker threads', () => {
    const sweep = join(dir, 'sweep');
    mkdirSync(sweep);
    for (let i = 0; i < 20; i++) copyFileSync(join(DEMO, i % 2 ? 'overfitting.csv' : 'still-learning.csv'), join(sweep, `run${i}.csv`));
    // A quoted field: read with csv-parse, which the executable carries inside.
    writeFileSync(join(sweep, 'quoted.csv'), 'step,loss,"note"\n1,2.0,"a, b"\n2,1.5,c\n3,1.2,d\n4,1.0,e\n5,0.9,f\n');
    const fromExe = exe(['analyze', sweep, '--format', 'json']);
    const fromNode = lossdoc(['analyze', sweep, '--format', 'json'], { cwd: dir });
    expect(fromExe.code).toBe(fromNode.code);
    expect(fromExe.stderr).toBe(fromNode.stderr);
    expect(JSON.parse(fromExe.stdout)).toEqual(JSON.parse(fromNode.stdout));
    expect(JSON.parse(fromExe.stdout).runs).toHaveLength(21);
  });

  it('writes the HTML report with its chart library, and prints rule texts', () => {
    const html = exe(['analyze', join(DEMO, 'overfitting.csv'), '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout).toBe(lossdoc(['analyze', join(DEMO, 'overfitting.csv'), '--format', 'html']).stdout);
    expect(html.stdout).toContain('uPlot');
    const explain = exe(['explain', 'overfitting']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toBe(lossdoc(['explain', 'overfitting']).stdout);
  });

  it('writes the Python training callback (init python)', () => {
    expect(exe(['init', 'python']).code).toBe(0);
    expect(readFileSync(join(dir, 'lossdoc_callback.py'), 'utf8')).toBe(readFileSync(join(ROOT, 'src/cli/python/lossdoc_callback.py'), 'utf8'));
  });

  it('bad input: a one-line message and exit 2', () => {
    const r = exe(['analyze', join(dir, 'missing.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing.csv');
  });
});
