#!/usr/bin/env node
/**
 * One-file ESM bundle of the CLI (esbuild), for start-up time: Node then compiles one file
 * instead of resolving and loading ~120 modules. The library (`exports`) stays the tsc output.
 *
 *   node src/build/bundle.mjs [OUTDIR]      (default: dist)
 *
 * Writes OUTDIR/lossdoc.js (the bin), OUTDIR/analyze-worker.js (the worker entry that
 * src/io/worker-pool.ts starts from `new URL('./analyze-worker.js', import.meta.url)`) and
 * OUTDIR/chunks/ (code they share, and modules loaded with import(), e.g. a lazily loaded zod).
 * OUTDIR must be inside the package (csv-parse is loaded lazily from node_modules at run time).
 * Needs the `esbuild` devDependency; exits 3 when it is not installed.
 */
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Build the bundle into `outdir`; returns the bin path, or undefined without esbuild. */
export async function bundle(outdir = path.join(root, 'dist')) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined;
  }
  // Chunk names carry content hashes: clear the old ones so they do not pile up.
  rmSync(path.join(outdir, 'chunks'), { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'src/bin/lossdoc.ts'), path.join(root, 'src/io/analyze-worker.ts')],
    entryNames: '[name]',
    // Code shared by the bin and the worker (and anything loaded with import()) goes to chunks.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outdir,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Bundled CommonJS dependencies (commander) call require() for Node built-ins.
    banner: { js: "import { createRequire as __lossdocCreateRequire } from 'node:module'; const require = __lossdocCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const bin = path.join(outdir, 'lossdoc.js');
  // The bin is run directly (`./dist/lossdoc.js`, npm links it): keep it executable.
  chmodSync(bin, 0o755);
  return bin;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await bundle(path.resolve(process.argv[2] ?? path.join(root, 'dist')));
  if (!out) {
    process.stderr.write('esbuild is not installed (npm install --save-dev esbuild)\n');
    process.exit(3);
  }
  process.stdout.write(`${out}\n`);
}
