/**
 * Renders message data (src/core/engine/messages.ts) into a report language: rule templates and
 * fragments from the rule's meta, shared words from texts/<lang>.ts. Pure.
 */
import type { Localized, MessageData, MessageValue, Text } from '../core/engine/messages.js';
import type { Lang } from '../core/types.js';
import type { VerdictId } from '../core/verdict-ids.js';
import { en, type CoreTexts } from './texts/en.js';
import { zh } from './texts/zh.js';

const TEXTS: Record<Lang, CoreTexts> = { en, zh };

type Fragments = Readonly<Record<string, Localized>>;

/** A shared text by id, in `lang`; unknown ids stay visible so a broken reference is noticed. */
export function coreText(id: string, lang: Lang): string {
  const texts: Readonly<Record<string, string>> = TEXTS[lang];
  return Object.hasOwn(texts, id) ? texts[id] : `{{${id}}}`;
}

/** A shared text by id, filled from `data`. */
export function say(id: string, lang: Lang, data: MessageData = {}): string {
  return fillTemplate(coreText(id, lang), data, lang);
}

export function verdictTitle(id: VerdictId, lang: Lang): string {
  return coreText(`verdict.${id}`, lang);
}

/** A fixed text (a rule title, a cause) in `lang`. */
export function textIn(text: Text, lang: Lang): string {
  return 'ref' in text ? say(text.ref, lang, text.data) : text[lang];
}

/**
 * Fill {{name}} placeholders from `data`; a value may reference a fragment (the rule's, then a
 * shared one) or join a list. Unknown names stay visible so a broken template is noticed.
 */
export function fillTemplate(template: string, data: MessageData, lang: Lang, fragments: Fragments = {}): string {
  const fragment = (id: string): string => (Object.hasOwn(fragments, id) ? fragments[id][lang] : coreText(id, lang));
  const valueText = (v: MessageValue, scope: MessageData): string => {
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    if ('join' in v) return v.join.map((item) => valueText(item, scope)).join(fragment(v.sep));
    return fill(fragment(v.ref), v.data ? { ...scope, ...v.data } : scope);
  };
  const fill = (t: string, scope: MessageData): string =>
    t.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (Object.hasOwn(scope, key) ? valueText(scope[key], scope) : whole));
  return fill(template, data);
}
