import type { Formatter } from './types.js';

/** The machine contract: the report as one JSON document (schema: `lossdoc schema`). */
export const formatJson: Formatter = (report) => `${JSON.stringify(report, null, 2)}\n`;
