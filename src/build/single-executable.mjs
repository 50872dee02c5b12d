#!/usr/bin/env node
/**
 * Single executable for linux-x64 (Node's single executable applications): one file that runs
 * with no `node` on PATH. It is this Node binary with the CLI injected as a blob (postject).
 *
 *   node src/build/single-executable.mjs [OUT]      (default: dist/bin/lossdoc-linux-x64)
 *
 * A single executable runs one CommonJS script and can require() only Node's built-in modules, so
 * the CLI is bundled again (esbuild) as CommonJS with every dependency inside, csv-parse included
 * (the parser loads it lazily through createRequire, served here from the bundle). The analysis
 * worker is bundled alone and embedded as an asset; the CLI starts it with `eval`
 * (src/bin/single-executable.ts). Needs the `esbuild` and `postject` devDependencies.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
/** The fuse Node's binary carries; postject flips it so Node runs the injected blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const WORKER_ASSET = 'analyze-worker.cjs';
const MODULE_SHIM = path.join(root, 'src/build/sea-module-shim.mjs');

/**
 * `node:module` as the bundled code sees it: createRequire() answers 'csv-parse/sync' from the
 * bundle, since there is no node_modules beside a single executable.
 */
const moduleShim = {
  name: 'sea-module-shim',
  setup(build) {
    build.onResolve({ filter: /^(node:)?module$/ }, (args) => (args.importer === MODULE_SHIM ? undefined : { path: MODULE_SHIM }));
  },
};

async function bundleCjs(esbuild, entry, outfile) {
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // CommonJS has no import.meta: the executable's own path stands in for the module's URL.
    define: { 'import.meta.url': '__lossdocModuleUrl' },
    banner: { js: "const __lossdocModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [moduleShim],
    logLevel: 'warning',
  });
}

export async function buildSingleExecutable(out = path.join(root, 'dist/bin/lossdoc-linux-x64')) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`single executable: built for linux-x64 only (this is ${process.platform}-${process.arch})`);
  const esbuild = await import('esbuild');
  const { inject } = require('postject');
  const work = mkdtempSync(path.join(tmpdir(), 'lossdoc-sea-'));
  try {
    const main = path.join(work, 'lossdoc.cjs');
    const worker = path.join(work, WORKER_ASSET);
    await bundleCjs(esbuild, 'src/bin/single-executable.ts', main);
    await bundleCjs(esbuild, 'src/io/analyze-worker.ts', worker);
    const blob = path.join(work, 'sea.blob');
    const config = path.join(work, 'sea-config.json');
    writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets: { [WORKER_ASSET]: worker } }));
    execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
    mkdirSync(path.dirname(out), { recursive: true });
    rmSync(out, { force: true });
    copyFileSync(process.execPath, out);
    chmodSync(out, 0o755);
    await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${await buildSingleExecutable(process.argv[2] ? path.resolve(process.argv[2]) : undefined)}\n`);
}
