import type { Severity } from '../core/types.js';
import type { Formatter } from './types.js';

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

export const formatGithub: Formatter = (report) => {
  const lines: string[] = [];
  for (const run of report.runs) {
    const source = run.sources[0];
    const file = source && source !== '-' ? `file=${escapeProperty(source)},` : '';
    const prefix = run.name !== source ? `${run.name}: ` : '';
    for (const f of run.findings) {
      const remedy = f.remedies[0] ? `\n→ ${f.remedies[0].text}` : '';
      const message = `${prefix}${f.title}: ${f.message}${remedy}`;
      lines.push(`::${COMMAND[f.severity]} ${file}title=${escapeProperty(`lossdoc/${f.id}`)}::${escapeData(message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
