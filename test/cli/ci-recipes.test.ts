/**
 * The CI recipes of the README, run as written (`lossdoc` on PATH is the built CLI, as the
 * tarball or the single executable installs it, and `python train.py` is a small script that
 * writes a log over time) in a throwaway repository with runs/reference and runs/latest.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, lossCsv, tempDir } from './cli-helper.js';

/** GitHub Actions step (`run:` body): summary for the job page, annotations for the PR. */
export const GITHUB_STEP = `
lossdoc compare runs/latest --baseline runs/reference --format markdown >> "$GITHUB_STEP_SUMMARY" || true
lossdoc compare runs/latest --baseline runs/reference --format github
`;

/** GitLab job `script:` line; the XML goes to artifacts:reports:junit. */
export const GITLAB_SCRIPT = `
lossdoc analyze runs/latest --baseline runs/reference --format junit --output-file lossdoc-junit.xml
`;

/** package.json "test:curves" script / .git/hooks/pre-push body. */
export const PRE_PUSH = `
lossdoc compare runs/latest --baseline runs/reference --fail-on warning || {
  echo "lossdoc: training curves regressed (see above); fix, re-baseline, or push with --no-verify" >&2
  exit 1
}
`;

/** Stop a training job as soon as its loss goes bad. */
export const WATCH_WRAPPER = `
python train.py &
TRAIN=$!
if ! lossdoc watch runs/latest/metrics.csv --interval 200 --idle-exit 2 --timeout 3600; then
  kill "$TRAIN"
  exit 1
fi
wait "$TRAIN"
`;

let repo: string;
let cleanup: () => void;

beforeAll(ensureBuilt);
beforeEach(() => {
  ({ dir: repo, cleanup } = tempDir('lossdoc-recipes-'));
  mkdirSync(join(repo, 'bin'));
  const shim = join(repo, 'bin/lossdoc');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  mkdirSync(join(repo, 'runs/reference'), { recursive: true });
  mkdirSync(join(repo, 'runs/latest'), { recursive: true });
  writeFileSync(join(repo, 'runs/reference/metrics.csv'), lossCsv({ floor: 0.5, seed: 1 }));
});
afterEach(() => cleanup());

function latest(text: string): void {
  writeFileSync(join(repo, 'runs/latest/metrics.csv'), text);
}

function sh(script: string, env: Record<string, string> = {}) {
  const body = script.replace(/python train\.py/g, `"${process.execPath}" train.mjs`);
  const r = spawnSync('bash', ['-c', `set -u\n${body}`], {
    cwd: repo,
    env: { ...process.env, PATH: `${join(repo, 'bin')}:${process.env.PATH}`, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CI recipes', () => {
  it('GitHub Actions: markdown job summary + annotations; the step fails on a regression', () => {
    const summary = join(repo, 'summary.md');
    writeFileSync(summary, '');
    latest(lossCsv({ floor: 0.5, seed: 2 }));
    const ok = sh(GITHUB_STEP, { GITHUB_STEP_SUMMARY: summary });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ✔ lossdoc: passed\n/);

    writeFileSync(summary, '');
    latest(lossCsv({ floor: 1.2, seed: 3 }));
    const bad = sh(GITHUB_STEP, { GITHUB_STEP_SUMMARY: summary });
    expect(bad.code).toBe(1);
    for (const line of bad.stdout.trimEnd().split('\n')) expect(line).toMatch(/^::(error|warning|notice) file=runs\/latest\/metrics\.csv,title=lossdoc\/regression-[a-z-]+::/);
    expect(bad.stdout).toContain('title=lossdoc/regression-final-loss::');
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## ✖ lossdoc: failed\n/);
    expect(md).toContain('Final loss worse than baseline');
  });

  it('GitLab: JUnit report artifact with one testcase per rule; the job fails on NaN', () => {
    latest(lossCsv({ floor: 0.5, seed: 2, nanFrom: 600 }));
    const r = sh(GITLAB_SCRIPT);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const xml = readFileSync(join(repo, 'lossdoc-junit.xml'), 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="lossdoc"')).toBe(true);
    expect(xml).toMatch(/<testcase classname="[^"]*metrics\.csv" name="non-finite"[^>]*>\s*<failure /);
    expect(xml).toMatch(/<testcase classname="[^"]*metrics\.csv" name="regression-diverged"[^>]*>\s*<failure /);
    expect(xml).toMatch(/<testcase classname="[^"]*metrics\.csv" name="converged"[^>]*\/>/);

    latest(lossCsv({ floor: 0.5, seed: 2 }));
    expect(sh(GITLAB_SCRIPT).code).toBe(0);
  });

  it('pre-push / npm script: blocks a push when the curves regressed (warnings count)', () => {
    latest(lossCsv({ floor: 0.5, seed: 2 }));
    expect(sh(PRE_PUSH).code).toBe(0);
    latest(lossCsv({ floor: 0.6, seed: 2 }));
    const r = sh(PRE_PUSH);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[regression-final-loss]');
    expect(r.stderr).toContain('lossdoc: training curves regressed');
  });

  it('watch wrapper: kills the training job when the loss turns NaN, lets a healthy one finish', () => {
    const train = (nanFrom?: number) =>
      writeFileSync(
        join(repo, 'train.mjs'),
        `import { appendFileSync, writeFileSync } from 'node:fs';
const lines = ${JSON.stringify(lossCsv({ steps: 1500, val: false, ...(nanFrom !== undefined ? { nanFrom } : {}) }).split(/(?<=\n)/))};
writeFileSync('runs/latest/metrics.csv', lines[0]);
let i = 1;
const timer = setInterval(() => {
  if (i >= lines.length) {
    clearInterval(timer);
    // A broken run goes on "training" long after its log went bad: only the watch can end it early.
    setTimeout(() => writeFileSync('runs/latest/done', ''), ${nanFrom !== undefined ? 60_000 : 0});
    return;
  }
  appendFileSync('runs/latest/metrics.csv', lines.slice(i, i + 10).join(''));
  i += 10;
}, 40);
`,
      );
    train(900);
    const broken = sh(WATCH_WRAPPER);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/lossdoc: stopping: error (non-finite|diverging) in runs\/latest\/metrics\.csv/);
    // The job was stopped before it wrote everything.
    expect(() => readFileSync(join(repo, 'runs/latest/done'))).toThrow();

    train();
    const healthy = sh(WATCH_WRAPPER);
    expect(healthy.code).toBe(0);
    expect(readFileSync(join(repo, 'runs/latest/done'), 'utf8')).toBe('');
  });
});
