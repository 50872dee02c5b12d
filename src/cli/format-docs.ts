import type { LogParser } from '../parsers/types.js';
import type { Source } from '../sources/types.js';

/**
 * `lossdoc formats`: one line per format, the single-file formats (the ids --input-format takes)
 * then the folder formats (read from a scanned directory).
 */
export function listFormats(parsers: readonly LogParser[], folders: readonly Source[]): string {
  const rows = [...parsers.map((p) => ({ id: p.id, description: p.description, kind: 'file' })), ...folders.map((s) => ({ id: s.id, description: s.description, kind: 'folder' }))];
  const width = Math.max(...rows.map((r) => r.id.length));
  return `${rows.map((r) => `${r.id.padEnd(width)}  ${r.description}  [${r.kind}]`).join('\n')}\n`;
}
