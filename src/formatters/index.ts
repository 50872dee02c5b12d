import { formatJson } from './json.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

export type FormatName = 'text' | 'json';

export const formatters = { text: formatText, json: formatJson } satisfies Record<FormatName, Formatter>;

export const formatNames = Object.keys(formatters) as FormatName[];

export type { Formatter, FormatOptions } from './types.js';
