import { failsOn } from '../core/exit-code.js';
import type { Finding, RunReport } from '../core/report-schema.js';
import type { Lang } from '../core/types.js';
import { say } from '../messages/index.js';
import { defuseCommandLines } from './plain-text.js';
import type { Formatter } from './types.js';

/**
 * JUnit XML for CI test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure DevOps): a
 * testsuite per run, a testcase per rule (classname = run name, name = rule id). A finding at or
 * above the fail level is a <failure>; a lower warning or error is <skipped> (counted and visible
 * without failing); an info finding passes with its text as <system-out>; a rule that found
 * nothing passes. No timestamps: the output is deterministic.
 */

/**
 * Characters XML 1.0 does not allow at all (control characters except tab, LF, CR; lone
 * surrogates), and the DEL and C1 controls it only discourages (a terminal may act on them).
 */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escape text or an attribute value; characters XML cannot hold become U+FFFD. */
export function xml(text: string): string {
  return text
    .replace(INVALID_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Attribute values also keep their line breaks (they would be normalised to spaces). */
function attr(text: string): string {
  return xml(text).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function details(run: RunReport, f: Finding, lang: Lang): string {
  const lines = [say('report.junit.head', lang, { severity: f.severity, title: f.title, id: f.id, confidence: f.confidence }), f.message];
  if (f.series.length) lines.push(say('report.junit.series', lang, { names: f.series.join(', ') }));
  if (f.range) lines.push(say('report.junit.range', lang, { axis: f.range.axis, from: f.range.from ?? '?', to: f.range.to ?? '?' }));
  if (f.causes.length) lines.push(say('report.junit.causes', lang), ...f.causes.map((c, i) => `  ${i + 1}. ${c.text}${c.seed ? ` (${c.seed})` : ''}`));
  if (f.remedies.length) lines.push(say('report.junit.remedies', lang), ...f.remedies.map((r) => `  - ${r.text}`));
  lines.push(say('report.junit.verdict', lang, { title: run.verdict.title, id: run.verdict.id }), say('report.junit.source', lang, { sources: run.sources.join(', ') }));
  return lines.join('\n');
}

export const formatJunit: Formatter = (report, options) => {
  const failOn = options.failOn ?? 'error';
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const run of report.runs) {
    const byId = new Map<string, Finding[]>();
    for (const f of run.findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
    const ids = [...new Set([...(options.ruleIds ?? []), ...byId.keys()])];
    const cases: string[] = [];
    let runFailures = 0;
    let runSkipped = 0;
    for (const id of ids) {
      const found = byId.get(id) ?? [];
      const open = `    <testcase classname="${attr(run.name)}" name="${attr(id)}" file="${attr(run.sources[0] ?? '')}" time="0"`;
      if (found.length === 0) {
        cases.push(`${open}/>`);
        continue;
      }
      const failing = found.filter((f) => failsOn(f, failOn));
      const body: string[] = [];
      if (failing.length > 0) {
        runFailures++;
        const f = failing[0];
        body.push(`      <failure message="${attr(`${f.title}: ${f.message}`)}" type="${f.severity}">${xml(failing.map((x) => details(run, x, report.lang)).join('\n\n'))}</failure>`);
      } else {
        // Below the fail level: warnings (and errors with --fail-on none) are skipped, so they are
        // counted and visible; info findings pass, with their text as output.
        const f = found[0];
        if (f.severity !== 'info') {
          runSkipped++;
          body.push(`      <skipped message="${attr(`${f.severity}: ${f.title}: ${f.message}`)}"/>`);
        }
        body.push(`      <system-out>${xml(found.map((x) => details(run, x, report.lang)).join('\n\n'))}</system-out>`);
      }
      cases.push(`${open}>`, ...body, '    </testcase>');
    }
    tests += ids.length;
    failures += runFailures;
    skipped += runSkipped;
    suites.push(
      `  <testsuite name="${attr(run.name)}" tests="${ids.length}" failures="${runFailures}" errors="0" skipped="${runSkipped}" time="0">`,
      `    <properties>`,
      `      <property name="verdict" value="${attr(run.verdict.id)}"/>`,
      `      <property name="format" value="${attr(run.format)}"/>`,
      `      <property name="axis" value="${run.axis}"/>`,
      `    </properties>`,
      ...cases,
      '  </testsuite>',
    );
  }
  // Messages keep their line breaks in element text: no such line may read as a CI command.
  return defuseCommandLines([
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lossdoc" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n'));
};
