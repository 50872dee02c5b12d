/**
 * The GitHub Action (action.yml, a composite action): its steps run here as a runner runs them,
 * with bash, the step's env and working directory, `${{ … }}` expressions filled in, and the
 * environment variables GitHub sets (GITHUB_WORKSPACE, GITHUB_ACTION_PATH, a temporary
 * GITHUB_STEP_SUMMARY, …). Checked: the summary, the annotations and the step's exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, lossCsv, tempDir } from '../cli/cli-helper.js';

interface Step {
  name: string;
  shell: string;
  workingDirectory?: string;
  env: Map<string, string>;
  run: string;
}

/** The parts of action.yml a composite runner reads, from its block layout (a YAML subset). */
function readAction(text: string): { using: string; defaults: Map<string, string>; steps: Step[] } {
  const lines = text.split('\n');
  const defaults = new Map<string, string>();
  const steps: Step[] = [];
  let section = '';
  let input = '';
  let using = '';
  const unquote = (v: string) => v.trim().replace(/^"(.*)"$/, '$1');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\S/.test(line)) section = line.replace(/:.*/, '');
    const indent = line.length - line.trimStart().length;
    const [, key = '', value = ''] = /^\s*(?:- )?([\w-]+):\s*(.*)$/.exec(line) ?? [];
    if (section === 'inputs' && indent === 2 && key) input = key;
    if (section === 'inputs' && indent === 4 && key === 'default') defaults.set(input, unquote(value));
    if (section !== 'runs') continue;
    if (key === 'using') using = value.trim();
    if (line.startsWith('    - name:')) steps.push({ name: value.trim(), shell: '', env: new Map(), run: '' });
    const step = steps.at(-1);
    if (!step || indent !== 6) continue;
    if (key === 'shell') step.shell = value.trim();
    if (key === 'working-directory') step.workingDirectory = value.trim();
    if (key === 'env') for (; /^ {8}\S/.test(lines[i + 1] ?? ''); i++) {
      const [, k, v] = /^\s+([\w-]+):\s*(.*)$/.exec(lines[i + 1])!;
      step.env.set(k, v.trim());
    }
    if (key === 'run' && value.trim() === '|') for (; /^( {8}|$)/.test(lines[i + 1] ?? 'x') && i + 1 < lines.length; i++) step.run += `${lines[i + 1].slice(8)}\n`;
  }
  return { using, defaults, steps };
}

const action = readAction(readFileSync(join(ROOT, 'action.yml'), 'utf8'));

let workspace: string;
let cleanup: () => void;
beforeAll(ensureBuilt);
beforeEach(() => {
  ({ dir: workspace, cleanup } = tempDir('lossdoc-action-'));
  mkdirSync(join(workspace, 'runs/reference'), { recursive: true });
  mkdirSync(join(workspace, 'runs/latest'), { recursive: true });
  writeFileSync(join(workspace, 'runs/reference/metrics.csv'), lossCsv({ floor: 0.5, seed: 1 }));
});
afterEach(() => cleanup());

/** Run the action's steps with these inputs, as a runner would; stops at the first failing step. */
function runAction(inputs: Record<string, string>) {
  const summary = join(workspace, '.step-summary.md');
  writeFileSync(summary, '');
  const github = { workspace, action_path: ROOT };
  const expand = (text: string) =>
    text.replace(/\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}/g, (_, scope: string, name: string) =>
      scope === 'inputs' ? (inputs[name] ?? action.defaults.get(name) ?? '') : github[name as keyof typeof github],
    );
  let stdout = '';
  let code: number | null = 0;
  for (const step of action.steps) {
    const r = spawnSync(step.shell, ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
      cwd: step.workingDirectory ? expand(step.workingDirectory) : workspace,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: workspace,
        ...Object.fromEntries([...step.env].map(([k, v]) => [k, expand(v)])),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    stdout += r.stdout;
    code = r.status;
    if (code !== 0) break;
  }
  return { code, stdout, summary: readFileSync(summary, 'utf8') };
}

describe('GitHub Action (action.yml)', () => {
  it('is a composite action whose scripts take inputs from the environment only', () => {
    expect(action.using).toBe('composite');
    expect([...action.defaults.keys()].sort()).toEqual(['baseline', 'config', 'fail-on', 'format']);
    expect(action.steps.length).toBeGreaterThan(0);
    for (const step of action.steps) {
      expect(step.shell).toBe('bash');
      expect(step.run).not.toContain('${{');
    }
  });

  it('a regression: annotations in the log, a failed summary, exit 1', () => {
    writeFileSync(join(workspace, 'runs/latest/metrics.csv'), lossCsv({ floor: 1.2, seed: 3 }));
    const r = runAction({ paths: 'runs/latest', baseline: 'runs/reference' });
    expect(r.code).toBe(1);
    for (const line of r.stdout.trimEnd().split('\n')) expect(line).toMatch(/^::(error|warning|notice) file=runs\/latest\/metrics\.csv,title=lossdoc\/[a-z-]+::/);
    expect(r.stdout).toContain('title=lossdoc/regression-final-loss::');
    expect(r.summary).toMatch(/^## ✖ lossdoc: failed\n/);
    expect(r.summary).toContain('Final loss worse than baseline');
  });

  it('a healthy run passes (exit 0) with a summary; fail-on warning and format text are passed on', () => {
    writeFileSync(join(workspace, 'runs/latest/metrics.csv'), lossCsv({ floor: 0.5, seed: 2 }));
    const ok = runAction({ paths: 'runs/latest\n', baseline: 'runs/reference' });
    expect(ok.code).toBe(0);
    expect(ok.summary).toMatch(/^## ✔ lossdoc: passed\n/);
    writeFileSync(join(workspace, 'runs/latest/metrics.csv'), lossCsv({ floor: 0.6, seed: 2 }));
    const strict = runAction({ paths: 'runs/latest', baseline: 'runs/reference', 'fail-on': 'warning', format: 'text' });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('[regression-final-loss]');
  });

  it('format markdown: the same report in the log and the summary; a config file is read', () => {
    writeFileSync(join(workspace, 'runs/latest/metrics.csv'), lossCsv({ floor: 0.5, seed: 2, nanFrom: 600 }));
    writeFileSync(join(workspace, 'strict.json'), JSON.stringify({ failOn: 'none' }));
    const r = runAction({ paths: 'runs/latest', format: 'markdown', config: 'strict.json' });
    expect(r.code).toBe(0);
    expect(r.summary).toBe(r.stdout);
    expect(r.summary).toContain('non-finite');
  });

  it('a missing log: exit 2, as the CLI', () => {
    const r = runAction({ paths: 'runs/missing.csv' });
    expect(r.code).toBe(2);
  });
});
