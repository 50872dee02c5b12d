import { bySeverityDesc } from '../core/severity.js';
import type { Severity } from '../core/types.js';
import type { VerdictId } from '../core/verdict-ids.js';
import type { Formatter } from './types.js';
import { say, verdictTitle } from '../messages/index.js';

/**
 * GitHub Actions workflow commands: one `::error|warning|notice file=…,title=lossdoc/<id>::message`
 * line per finding and nothing else, so the findings show as annotations on the run and the PR.
 */

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * Control characters other than line breaks (ESC, BEL, C1, DEL), line/paragraph separators and
 * bidirectional overrides: a runner log shows them raw, so a name could recolour or rewrite it.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Escape a command's message (actions/toolkit `escapeData`): a log value cannot start a new
 * command; other control characters are dropped (a tab becomes a space).
 */
export function escapeData(text: string): string {
  return text
    .replace(CONTROL, (c) => (c === '\t' ? ' ' : ''))
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A');
}

/** Escape a command property (actions/toolkit `escapeProperty`): also `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub shows at most this many annotations of each kind per step and drops the rest. */
export const ANNOTATIONS_PER_KIND = 10;

export const formatGithub: Formatter = (report) => {
  const all: Array<{ severity: Severity; confidence: number; order: number; line: string }> = [];
  for (const run of report.runs) {
    const source = run.sources[0];
    const file = source && source !== '-' ? `file=${escapeProperty(source)},` : '';
    const prefix = run.name !== source ? `${run.name}: ` : '';
    for (const f of run.findings) {
      const remedy = f.remedies[0] ? `\n→ ${f.remedies[0].text}` : '';
      const message = `${prefix}${f.title}: ${f.message}${remedy}`;
      // An uncertain finding is a notice: it must not read as a failure in the pull request.
      const severity: Severity = f.uncertain ? 'info' : f.severity;
      const title = `lossdoc/${f.id}${f.uncertain ? ` (${say('report.uncertain', report.lang)})` : ''}`;
      const line = `::${COMMAND[severity]} ${file}title=${escapeProperty(title)}::${escapeData(message)}`;
      all.push({ severity, confidence: f.confidence, order: all.length, line });
    }
  }
  // With several runs one notice summarises them, so one fewer finding notice fits.
  const summarise = report.runs.length > 1;
  const room: Record<Severity, number> = { error: ANNOTATIONS_PER_KIND, warning: ANNOTATIONS_PER_KIND, info: ANNOTATIONS_PER_KIND - (summarise ? 1 : 0) };
  // The most severe and confident first (GitHub keeps the first 10 of each kind).
  const kept = [...all]
    .sort((a, b) => bySeverityDesc(a.severity, b.severity) || b.confidence - a.confidence || a.order - b.order)
    .filter((a) => room[a.severity]-- > 0);
  const lines = kept.map((a) => a.line);
  if (summarise) {
    const s = report.summary;
    const lang = report.lang;
    const verdicts = Object.entries(s.verdicts)
      .map(([id, count]) => say('report.verdict-count', lang, { count, id, title: verdictTitle(id as VerdictId, lang) }))
      .join(say('sep.comma', lang));
    const left = all.length - kept.length;
    const message =
      say('report.github-summary', lang, { runs: report.runs.length, verdicts, errors: s.errors, warnings: s.warnings, infos: s.infos }) +
      (left > 0 ? say('report.github-left', lang, { left, perKind: ANNOTATIONS_PER_KIND }) : '');
    lines.push(`::notice title=${escapeProperty('lossdoc/summary')}::${escapeData(message)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
