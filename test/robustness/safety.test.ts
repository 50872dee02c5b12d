/**
 * No input or config can make lossdoc execute code, read files other than those it was given
 * (and the config it looks for), or write anywhere but --output-file.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuns } from '../../src/api.js';
import { parseConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { readInputs } from '../../src/io/read-inputs.js';
import { nodeFs, type ScanFs } from '../../src/io/scan.js';
import { ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { writeEventFile } from '../helpers/tfevents-writer.js';

let root: string;
let cleanup: () => void;
const SECRET = 'TOPSECRET-4242-do-not-print';

function csv(n = 40): string {
  return `step,loss,val_loss\n${Array.from({ length: n }, (_, i) => `${i},${2 * Math.exp(-i / 10) + 0.3},${2.2 * Math.exp(-i / 10) + 0.4}`).join('\n')}\n`;
}

function write(path: string, content: string | Uint8Array): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** Every file and folder below `dir`: path → size, mtime, mode. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const s = statSync(p, { throwIfNoEntry: false });
      out.set(relative(dir, p), s ? `${s.size}:${s.mtimeMs}:${s.mode}` : 'dangling');
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  ensureBuilt();
  ({ dir: root, cleanup } = tempDir('lossdoc-safety-'));
  // Outside the logs: a secret that log files point at.
  write(join(root, 'outside/secret.txt'), `${SECRET}\nloss: 1.0\nstep: 1\n`);
  const logs = join(root, 'logs');
  write(join(logs, 'run1/metrics.csv'), csv());
  write(join(logs, 'run1/events/events.out.tfevents.1700000000.host', ), writeEventFile(Array.from({ length: 20 }, (_, i) => ({ tag: 'loss', step: i, value: 1 / (i + 1) }))));
  // MLflow and Hugging Face files that name paths outside the folder.
  const mlrun = join(logs, 'mlruns/0/0123456789abcdef');
  write(join(mlrun, 'meta.yaml'), `artifact_uri: file://${join(root, 'outside')}\nrun_id: 0123456789abcdef\nstatus: 3\nexperiment_id: '0'\n`);
  write(join(mlrun, 'metrics/loss'), Array.from({ length: 20 }, (_, i) => `1700000000 ${1 / (i + 1)} ${i}`).join('\n'));
  write(join(mlrun, 'tags/mlflow.runName'), `../../../outside/secret.txt`);
  write(
    join(logs, 'hf/trainer_state.json'),
    JSON.stringify({
      best_model_checkpoint: join(root, 'outside/secret.txt'),
      log_history: Array.from({ length: 20 }, (_, i) => ({ step: i * 10, loss: 2 / (i + 1), learning_rate: 1e-4 })),
    }),
  );
  // Things that would run code if anything ever loaded them.
  const marker = join(root, 'outside/EXECUTED');
  for (const name of ['lossdoc.config.js', 'lossdoc.config.mjs', 'lossdoc.config.cjs', '.lossdocrc.js']) {
    write(join(root, 'cwd', name), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');`);
  }
  write(join(logs, 'rules/evil.ts'), `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x');`);
  write(join(logs, 'node_modules/lossdoc-plugin/index.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');`);
  write(join(root, 'cwd/package.json'), JSON.stringify({ name: 'x', scripts: { postinstall: `touch ${marker}` }, lossdoc: { failOn: 'none' } }));
  chmodSync(join(logs, 'run1/metrics.csv'), 0o444);
});
afterAll(() => cleanup());

describe('writes', () => {
  it('analyze, compare, watch and the other commands change nothing but --output-file', () => {
    const cwd = join(root, 'cwd');
    const before = snapshot(root);
    const logs = join(root, 'logs');
    const out = join(root, 'out');
    mkdirSync(out);
    const runs: string[][] = [
      ['analyze', logs],
      ['analyze', logs, '-f', 'json', '--include-data'],
      ['analyze', join(logs, 'run1/metrics.csv'), '-f', 'html', '-o', join(out, 'report.html')],
      ['analyze', join(logs, 'run1/metrics.csv'), '-f', 'junit', '--output-file', join(out, 'report.xml')],
      ['analyze', join(logs, 'run1/metrics.csv'), '--baseline', join(logs, 'run1/metrics.csv'), '-f', 'markdown'],
      ['compare', join(logs, 'run1/metrics.csv'), '--baseline', join(logs, 'hf')],
      ['watch', join(logs, 'run1/metrics.csv'), '--timeout', '0.5', '--interval', '100'],
      ['schema'],
      ['rules'],
      ['explain', 'overfitting'],
      ['formats'],
    ];
    for (const args of runs) {
      const r = lossdoc(args, { cwd });
      expect(r.stderr, args.join(' ')).not.toMatch(/crashed|\n\s+at /);
      expect([0, 1], `${args.join(' ')}: ${r.stderr}`).toContain(r.code);
    }
    const after = snapshot(root);
    const added = [...after.keys()].filter((k) => !before.has(k)).sort();
    expect(added).toEqual(['out', 'out/report.html', 'out/report.xml']);
    for (const [path, stamp] of before) expect(after.get(path), path).toBe(stamp);
  });

  it('nothing in the logs, the config folder or package.json was executed', () => {
    lossdoc(['analyze', join(root, 'logs')], { cwd: join(root, 'cwd') });
    expect(existsSync(join(root, 'outside/EXECUTED'))).toBe(false);
  });
});

describe('config', () => {
  it('is JSON only, validated: hostile keys are a one-line error, never code or prototype pollution', () => {
    const { dir, cleanup: done } = tempDir('lossdoc-config-');
    try {
      const log = write(join(dir, 'log.csv'), csv());
      for (const config of [
        '{"__proto__": {"polluted": true}}',
        '{"rules": {"__proto__": ["off"]}}',
        '{"rules": {"constructor": {"prototype": {"polluted": true}}}}',
        '{"format": "../../../../etc/passwd"}',
        '{"format": "html", "outputFile": "/tmp/should-not-exist"}',
        '{"train": [{"toString": "x"}]}',
        '[1, 2, 3]',
        '"just a string"',
        '{',
      ]) {
        writeFileSync(join(dir, 'lossdoc.config.json'), config);
        const r = lossdoc(['analyze', log], { cwd: dir });
        expect(r.stderr, config).not.toMatch(/crashed|\n\s+at /);
        expect(r.code, config).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trimEnd().split('\n'), config).toHaveLength(1);
        expect(r.stderr).toMatch(/^lossdoc: lossdoc\.config\.json: /);
      }
      expect(existsSync('/tmp/should-not-exist')).toBe(false);
      // In process: validating hostile keys leaves Object.prototype alone.
      for (const text of ['{"__proto__": {"polluted": true}}', '{"rules": {"__proto__": {"polluted": true}}}', '{"compare": {"__proto__": {"polluted": true}}}']) {
        expect(() => parseConfig(JSON.parse(text), { source: 'c.json' })).toThrow(ConfigError);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      done();
    }
  });
});

describe('reads', () => {
  it('a scan reads only below the folder it was given, whatever the logs point at', () => {
    const logs = join(root, 'logs');
    const touched: string[] = [];
    const note = <T>(path: string, f: () => T): T => {
      touched.push(resolve(path));
      return f();
    };
    const fs: ScanFs = {
      readdir: (p) => note(p, () => nodeFs.readdir(p)),
      stat: (p) => note(p, () => nodeFs.stat(p)),
      realpath: (p) => note(p, () => nodeFs.realpath(p)),
      readFile: (p) => note(p, () => nodeFs.readFile(p)),
      readHead: (p, n) => note(p, () => nodeFs.readHead(p, n)),
    };
    const read = readInputs([logs], undefined, { fs });
    expect(read.errors).toEqual([]);
    expect(touched.length).toBeGreaterThan(0);
    for (const p of touched) expect(p.startsWith(resolve(logs)), p).toBe(true);
    // Parsing is pure: the runs come from those bytes alone, and the secret is in none of them.
    const loaded = loadRuns(read.inputs);
    expect(loaded.runs.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(loaded.runs.map((r) => [r.name, r.sources, r.series.map((s) => s.name), r.warnings]))).not.toContain(SECRET);
  });

  it('the CLI never prints the content of a file a log points at', () => {
    for (const format of ['text', 'json', 'markdown', 'html']) {
      const r = lossdoc(['analyze', join(root, 'logs'), '-f', format, '--verbose'], { cwd: join(root, 'cwd') });
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
  });

  it('a symlink inside a scanned folder that points outside it is followed like any file (documented), a dangling one is skipped', () => {
    const { dir, cleanup: done } = tempDir('lossdoc-links-');
    try {
      write(join(dir, 'elsewhere/metrics.csv'), csv());
      mkdirSync(join(dir, 'logs'));
      symlinkSync(join(dir, 'elsewhere/metrics.csv'), join(dir, 'logs/linked.csv'));
      symlinkSync(join(dir, 'nowhere.csv'), join(dir, 'logs/dangling.csv'));
      symlinkSync(join(dir, 'logs'), join(dir, 'logs/loop'));
      const r = lossdoc(['analyze', join(dir, 'logs'), '-f', 'json'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).runs.map((run: { name: string }) => run.name)).toEqual(['linked.csv']);
    } finally {
      done();
    }
  });
});
