/**
 * Entry of the single executable (src/build/single-executable.mjs): the same CLI as lossdoc.ts,
 * built as one CommonJS file (no top-level await there). No file sits beside the executable, so
 * the analysis worker's code comes from the asset embedded with it and runs with `eval`.
 */
import './young-generation.js';
import { getAsset } from 'node:sea';
import { main } from './main.js';

/**
 * Asset name of the analysis worker's bundled code. src/build/single-executable.mjs declares the
 * same name when it embeds the asset: both must match.
 */
const WORKER_ASSET = 'analyze-worker.cjs';

void main({ analysisWorkerCode: getAsset(WORKER_ASSET, 'utf8') });
