import { BASELINE_TAG } from '../core/engine/baseline-helpers.js';
import type { Rule } from '../core/engine/define-rule.js';
import type { Lang } from '../core/types.js';
import { say, textIn } from '../messages/index.js';

function baselineNote(rule: Rule, lang: Lang): string {
  if (!rule.meta.tags.includes(BASELINE_TAG)) return '';
  return say('rules.baselineNote', lang);
}

/** `lossdoc rules`: one line per rule. */
export function listRules(rules: readonly Rule[], lang: Lang): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  return `${rules
    .map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${textIn(r.meta.title, lang)}  [${r.meta.tags.join(', ')}]${baselineNote(r, lang)}`)
    .join('\n')}\n`;
}

/** The rule's options with their defaults, for `explain` (none: no line). */
function optionLines(rule: Rule, lang: Lang): string[] {
  const defaults = Object.entries(rule.meta.options?.defaults ?? {});
  if (defaults.length === 0) return [];
  const list = defaults.map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join(', ');
  return [lang === 'zh' ? `选项（默认值）: ${list}` : `options (defaults): ${list}`, ''];
}

/** `lossdoc explain <id>`: the rule's documentation. */
export function explainRule(rule: Rule, lang: Lang): string {
  const m = rule.meta;
  const zh = lang === 'zh';
  const lines = [
    `${m.id} — ${textIn(m.title, lang)}`,
    '',
    `${zh ? '严重程度' : 'severity'}: ${m.severity}    ${zh ? '标签' : 'tags'}: ${m.tags.join(', ')}    ${zh ? '知识来源' : 'source'}: ${m.seed.join(' ') || '–'}`,
    '',
    m.description[lang],
    '',
    ...optionLines(rule, lang),
    // A rule that reports a condition rather than a problem (regression-not-comparable) lists no causes.
    ...(m.causes.length ? [`${zh ? '可能原因' : 'Likely causes'}:`, ...m.causes.map((c) => `  - ${c.text[lang]}${c.seed ? ` (${c.seed})` : ''}`), ''] : []),
    `${zh ? '建议' : 'Remedies'} ${zh ? '（{{…}} 处由日志中的数值填充）' : '({{…}} is filled from your log)'}:`,
    ...m.remedies.map((r) => `  - ${r.text[lang]}${r.seed ? ` (${r.seed})` : ''}`),
    '',
    zh ? '§ 编号（§C 趋势表的行、§T、§V、§S）的含义见 README 的“Knowledge source”一节。' : 'The § ids (§C rows of the trend table, §T, §V, §S) are listed in the README section "Knowledge source".',
  ];
  return `${lines.join('\n')}\n`;
}
