import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from '../../src/formatters/github.js';
import { DEMO, ensureBuilt, lossdoc } from '../cli/cli-helper.js';
import { fixedReport } from './fixed-report.js';

const COMMAND = /^::(error|warning|notice) (file=[^,:\r\n]*,)?title=lossdoc\/[a-z-]+::[^\r\n]*$/;

describe('github formatter', () => {
  const out = formatGithub(fixedReport, { color: false, lang: 'en' });

  it('matches the snapshot', () => {
    expect(out).toMatchSnapshot();
  });

  it('prints one workflow command per finding and nothing else', () => {
    const lines = out.trimEnd().split('\n');
    const findings = fixedReport.runs.flatMap((r) => r.findings);
    expect(lines).toHaveLength(findings.length);
    for (const line of lines) expect(line).toMatch(COMMAND);
    expect(lines.map((l) => l.slice(2, l.indexOf(' ')))).toEqual(['warning', 'error', 'notice']);
  });

  it('cannot be injected by hostile names: newlines, ::commands, property delimiters', () => {
    const hostile = out.trimEnd().split('\n')[1];
    expect(hostile.startsWith('::error file=logs/a%2Cb%3Ac%25.csv,title=lossdoc/non-finite::')).toBe(true);
    expect(hostile).toContain('%0D%0A::warning::injected');
    expect(hostile).toContain('%0A::error::pwned%252C,a:b');
    expect(hostile).not.toMatch(/[\r\n]/);
  });

  it('escapes like actions/toolkit', () => {
    expect(escapeData('50% a\r\nb')).toBe('50%25 a%0D%0Ab');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('prints nothing when there are no findings', () => {
    const quiet = { ...fixedReport, runs: fixedReport.runs.map((r) => ({ ...r, findings: [] })) };
    expect(formatGithub(quiet, { color: false, lang: 'en' })).toBe('');
  });
});

describe('lossdoc analyze --format github', () => {
  beforeAll(ensureBuilt);

  it('stdout holds only workflow commands; exit code as for analyze', () => {
    const r = lossdoc(['analyze', join(DEMO, 'diverging-nan.csv'), join(DEMO, 'overfitting.csv'), '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(line).toMatch(COMMAND);
    expect(r.stdout).toContain(`::error file=${escapeProperty(join(DEMO, 'diverging-nan.csv'))},title=lossdoc/non-finite::`);
    expect(r.stdout).toContain(',title=lossdoc/overfitting::');
  });
});
