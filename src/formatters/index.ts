import { formatGithub } from './github.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';
import type { Formatter } from './types.js';

export type FormatName = 'text' | 'json' | 'markdown' | 'github' | 'junit' | 'html';

export const formatters = {
  text: formatText,
  json: formatJson,
  markdown: formatMarkdown,
  github: formatGithub,
  junit: formatJunit,
  html: formatHtml,
} satisfies Record<FormatName, Formatter>;

export const formatNames = Object.keys(formatters) as FormatName[];

/** Formats that draw the curves and so need every point in the report (`includeData`). */
export const formatsNeedingData = new Set<string>(['html']);

export type { Formatter, FormatOptions } from './types.js';
