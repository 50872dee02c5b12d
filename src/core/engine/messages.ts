/**
 * What a rule says, as data: template ids and the values that fill them. Rules and core never
 * choose words of a language; src/messages renders these into the report language.
 */

/** A template in every report language; {{name}} placeholders are filled from message data. */
export interface Localized {
  en: string;
  zh: string;
}

/** A value of a template placeholder. */
export type MessageValue = string | number | MessageRef | MessageList;

/**
 * A named fragment — the rule's own (`meta.fragments`) or a shared one (src/messages/texts) —
 * filled with its own data over the enclosing message's data.
 */
export interface MessageRef {
  ref: string;
  data?: MessageData;
}

/** Values joined by a separator fragment (`sep.comma`, `sep.semicolon`, …). */
export interface MessageList {
  join: MessageValue[];
  sep: string;
}

export type MessageData = Record<string, MessageValue>;

/** A fixed text: its templates, or a reference to a shared one (a verdict rule's title is the verdict's). */
export type Text = Localized | MessageRef;

/** A reference to the fragment `id`, with its own data when it has placeholders. */
export function ref(id: string, data?: MessageData): MessageRef {
  return data ? { ref: id, data } : { ref: id };
}

/** `items` joined by the separator fragment `sep`. */
export function joined(items: MessageValue[], sep: string): MessageList {
  return { join: items, sep };
}
