import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatJunit, xml } from '../../src/formatters/junit.js';
import { DEMO, ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';
import { fixedReport, HOSTILE_NAME } from './fixed-report.js';

/** A small well-formedness check: balanced tags, quoted attributes, only known entities, no raw `<` or `&`. */
function assertWellFormed(doc: string): void {
  const body = doc.replace(/^<\?xml[^?]*\?>\n/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body))) {
    if (m[6]) throw new Error(`raw < at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      const bad = /&(?!(amp|lt|gt|quot|apos|#\d+);)/.exec(m[5]);
      if (bad) throw new Error(`raw & in text: ${m[5].slice(0, 40)}`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(m[5])) throw new Error('control character in text');
      continue;
    }
    if (m[1]) {
      if (stack.pop() !== m[2]) throw new Error(`unbalanced </${m[2]}>`);
    } else if (!m[4]) stack.push(m[2]);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

const attr = (doc: string, tag: string, name: string) => [...doc.matchAll(new RegExp(`<${tag} [^>]*${name}="([^"]*)"`, 'g'))].map((m) => m[1]);

describe('junit formatter', () => {
  const ruleIds = ['converged', 'non-finite', 'overfitting', 'still-learning'];
  const out = formatJunit(fixedReport, { color: false, lang: 'en', ruleIds });

  it('matches the snapshot', () => {
    expect(out).toMatchSnapshot();
  });

  it('is well-formed XML even with hostile names', () => {
    assertWellFormed(out);
    expect(out).toContain(xml(HOSTILE_NAME.replace('\u0001', '\ufffd')).replace(/\n/g, '&#10;'));
    expect(out).not.toContain(']]>');
  });

  it('has one testcase per rule per run; failures at the fail level, lower warnings/errors skipped, infos pass', () => {
    expect(attr(out, 'testsuites', 'tests')).toEqual(['8']);
    expect(attr(out, 'testsuites', 'failures')).toEqual(['1']);
    expect(attr(out, 'testsuites', 'skipped')).toEqual(['1']);
    expect(attr(out, 'testcase', 'name')).toEqual([...ruleIds, ...ruleIds]);
    const strict = formatJunit(fixedReport, { color: false, lang: 'en', ruleIds, failOn: 'warning' });
    expect(attr(strict, 'testsuites', 'failures')).toEqual(['2']);
    const never = formatJunit(fixedReport, { color: false, lang: 'en', ruleIds, failOn: 'none' });
    expect(attr(never, 'testsuites', 'failures')).toEqual(['0']);
    expect(attr(never, 'testsuites', 'skipped')).toEqual(['2']);
  });

  it('without rule ids, lists the rules that found something', () => {
    const bare = formatJunit(fixedReport, { color: false, lang: 'en' });
    expect(attr(bare, 'testcase', 'name')).toEqual(['overfitting', 'non-finite', 'still-learning']);
  });

  it('xml() escapes markup, quotes and invalid characters', () => {
    expect(xml(`<a href="x">&'</a>]]>\u0000`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;]]&gt;\ufffd');
  });
});

describe('lossdoc analyze --format junit', () => {
  beforeAll(ensureBuilt);

  it('writes a JUnit report with a testcase per rule and the analyze exit code', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'junit.xml');
      const r = lossdoc(['analyze', join(DEMO, 'diverging-nan.csv'), join(DEMO, 'still-learning.csv'), '-f', 'junit', '-o', file]);
      expect(r.code).toBe(1);
      const doc = readFileSync(file, 'utf8');
      assertWellFormed(doc);
      expect(attr(doc, 'testsuite', 'name')).toEqual([join(DEMO, 'diverging-nan.csv'), join(DEMO, 'still-learning.csv')]);
      expect(Number(attr(doc, 'testsuites', 'failures')[0])).toBeGreaterThanOrEqual(2);
      expect(doc).toMatch(/<testcase classname="[^"]*diverging-nan.csv" name="non-finite"[^>]*>\s*<failure /);
      expect(doc).toMatch(/<testcase classname="[^"]*still-learning.csv" name="non-finite"[^>]*\/>/);
    } finally {
      cleanup();
    }
  });
});
