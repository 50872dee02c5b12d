import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from '../../src/formatters/github.js';
import { DEMO, ensureBuilt, lossdoc } from '../cli/cli-helper.js';
import { fixedReport } from './fixed-report.js';

const COMMAND = /^::(error|warning|notice) (file=[^,:\r\n]*,)?title=lossdoc\/[a-z-]+::[^\r\n]*$/;
const kinds = (text: string) => text.trimEnd().split('\n').map((l) => l.slice(2, l.indexOf(' ')));

describe('github formatter', () => {
  const out = formatGithub(fixedReport, { color: false, lang: 'en' });

  it('matches the snapshot', () => {
    expect(out).toMatchSnapshot();
  });

  it('prints one workflow command per finding and, with several runs, one summary notice', () => {
    const lines = out.trimEnd().split('\n');
    const findings = fixedReport.runs.flatMap((r) => r.findings);
    expect(lines).toHaveLength(findings.length + 1);
    for (const line of lines) expect(line).toMatch(COMMAND);
    expect(kinds(out)).toEqual(['error', 'warning', 'notice', 'notice']);
    expect(lines.at(-1)).toMatch(/^::notice title=lossdoc\/summary::2 runs \(1 overfitting, 1 diverging\)/);
  });

  it('emits at most 10 annotations of each kind, the most severe and confident kept', () => {
    const base = fixedReport.runs[0];
    const many = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      name: `run-${i}`,
      findings: (['error', 'warning', 'info'] as const).map((severity) => ({ ...base.findings[0], severity, confidence: i / 30 })),
    }));
    const text = formatGithub({ ...fixedReport, runs: many }, { color: false, lang: 'en' });
    const counts = kinds(text).reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
    expect(Object.fromEntries(counts)).toEqual({ error: 10, warning: 10, notice: 10 });
    // The 10 most confident errors are those of runs 20–29, most confident first.
    const errors = text.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors.map((l) => /::run-(\d+): /.exec(l)![1])).toEqual(['29', '28', '27', '26', '25', '24', '23', '22', '21', '20']);
    expect(text.trimEnd().split('\n').at(-1)).toContain('the 61 least severe finding(s) are not annotated');
  });

  it('cannot be injected by hostile names: newlines, ::commands, property delimiters', () => {
    const hostile = out.trimEnd().split('\n')[0];
    expect(hostile.startsWith('::error file=logs/a%2Cb%3Ac%25.csv,title=lossdoc/non-finite::')).toBe(true);
    expect(hostile).toContain('%0D%0A::warning::injected');
    expect(hostile).toContain('%0A::error::pwned%252C,a:b');
    expect(hostile).not.toMatch(/[\r\n]/);
  });

  it('escapes like actions/toolkit', () => {
    expect(escapeData('50% a\r\nb')).toBe('50%25 a%0D%0Ab');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('prints nothing but the summary notice when there are no findings', () => {
    const quiet = { ...fixedReport, runs: fixedReport.runs.map((r) => ({ ...r, findings: [] })) };
    expect(kinds(formatGithub(quiet, { color: false, lang: 'en' }))).toEqual(['notice']);
    expect(formatGithub({ ...quiet, runs: quiet.runs.slice(0, 1) }, { color: false, lang: 'en' })).toBe('');
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
