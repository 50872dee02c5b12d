#!/usr/bin/env node
/**
 * Performance benchmarks of issue #6, every figure next to its target:
 *
 *   npm run bench                          (= npm run build && node test/bench/run.mjs)
 *   node test/bench/run.mjs --quick        (smaller inputs, fewer repeats: a smoke run)
 *
 * Options: --rows N (big CSV, default 2000000) --small-rows N (scaling baseline, default rows/10)
 * --repeat N (timed runs per figure, best kept; default 3) --sweep-runs N (default 1000)
 * --sweep-rows N (default 2000) --tfevents-mb N (default 100; also the .wandb size) --skip-slow (no csv-parse path)
 * --skip SECTION,... (parse,pandas,e2e,repr,scaling,tfevents,wandb,startup,sweep).
 * LOSSDOC_BENCH_ROOT=DIR benches another built copy of lossdoc (its dist/ and package.json).
 *
 * Inputs are generated deterministically into os.tmpdir()/lossdoc-bench (gen-big-csv.mjs,
 * gen-sweep.mjs) and reused. pandas is timed only when `python3 -c 'import pandas'` works
 * (also tried: $LOSSDOC_PYTHON, /usr/bin/python3). Peak memory is GNU time's "Maximum resident
 * set size" (/usr/bin/time -v) when available, else the child's own process.resourceUsage().
 * Nothing is asserted except that the parallel sweep equals the sequential one; the exit code
 * is 1 when that fails. Timings on a loaded machine are noisy: the load average is printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBigCsv } from './gen-big-csv.mjs';
import { ensureSweep } from './gen-sweep.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const root = process.env.LOSSDOC_BENCH_ROOT ? path.resolve(process.env.LOSSDOC_BENCH_ROOT) : repo;
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = flag('quick');
const ROWS = Number(arg('rows', quick ? '200000' : '2000000'));
const SMALL_ROWS = Number(arg('small-rows', String(Math.round(ROWS / 10))));
const REPEAT = Number(arg('repeat', quick ? '1' : '3'));
const SWEEP_RUNS = Number(arg('sweep-runs', quick ? '100' : '1000'));
const SWEEP_ROWS = Number(arg('sweep-rows', '2000'));
const TF_MB = Number(arg('tfevents-mb', quick ? '20' : '100'));
const skip = new Set((arg('skip', '') || '').split(',').filter(Boolean));

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const bin = path.join(root, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.lossdoc);
const distUrl = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
if (!existsSync(bin)) {
  console.error(`no build at ${bin}: run npm run build first (npm run bench does)`);
  process.exit(2);
}

const results = [];
const note = (figure, target, measured, ok) => results.push({ figure, target, measured, ok });
const mb = (bytes) => bytes / 1e6;
const fmtMs = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const best = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const section = (title) => console.log(`\n## ${title}`);

// ---------------------------------------------------------------------------------------------
// Process measurement: wall time and peak RSS of a child.

const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0 ? '/usr/bin/time' : undefined;
const RSS_PRELOAD = `data:text/javascript,${encodeURIComponent("process.on('exit',()=>process.stderr.write('\\nLOSSDOC_MAXRSS_KB '+process.resourceUsage().maxRSS+'\\n'))")}`;

/** Run `node ...nodeArgs`; returns wall ms, peak RSS (KB), exit status, stdout. */
function runNode(nodeArgs, { rss = false } = {}) {
  let cmd = process.execPath;
  let argv = nodeArgs;
  if (rss && GNU_TIME) {
    cmd = GNU_TIME;
    argv = ['-v', process.execPath, ...nodeArgs];
  } else if (rss) argv = ['--import', RSS_PRELOAD, ...nodeArgs];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', cwd: root });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssKB;
  if (rss) {
    const m = GNU_TIME ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr) : /LOSSDOC_MAXRSS_KB (\d+)/.exec(r.stderr);
    rssKB = m ? Number(m[1]) : undefined;
  }
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${nodeArgs.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return { ms, rssKB, status: r.status, stdout: r.stdout };
}

function timeNode(nodeArgs, repeat, opts) {
  const runs = Array.from({ length: repeat }, () => runNode(nodeArgs, opts));
  return { ms: best(runs.map((r) => r.ms)), rssKB: Math.max(...runs.map((r) => r.rssKB ?? 0)) || undefined, stdout: runs[0].stdout };
}

// ---------------------------------------------------------------------------------------------

const cpus = os.cpus();
console.log('# lossdoc benchmarks (issue #6)');
console.log(
  `machine: ${os.availableParallelism()} cores (${cpus[0]?.model ?? 'unknown cpu'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `${os.platform()} ${os.release()}; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);
console.log(`build: ${path.relative(repo, bin) || bin}${root !== repo ? ` (LOSSDOC_BENCH_ROOT=${root})` : ''}; peak memory via ${GNU_TIME ? '/usr/bin/time -v' : 'process.resourceUsage()'}`);

const big = ensureBigCsv(ROWS);
const small = ensureBigCsv(SMALL_ROWS);
const tiny = ensureBigCsv(100);
console.log(`inputs: ${big.file} (${ROWS} rows, ${mb(big.bytes).toFixed(1)} MB), ${small.file} (${SMALL_ROWS} rows), ${tiny.file} (100 rows)`);

// ---------------------------------------------------------------------------------------------
// 1. Parse throughput (in this process, JIT warm after the first run).

/** The build's parseLog, and parseInput: one input parsed the way the CLI does it (the fast CSV probe first). */
async function loadParsers() {
  const { parseLog } = await import(distUrl('src/parsers/index.js'));
  const { probeOf } = await import(distUrl('src/parsers/csv/fast-entry.js'));
  return { parseLog, parseInput: (input) => parseLog(input, undefined, probeOf(input)) };
}

let parseStreamMs;
if (!skip.has('parse')) {
  section('CSV parsing (parse only, best of runs)');
  const { parseLog, parseInput } = await loadParsers();
  const { fastCsv } = await import(distUrl('src/parsers/csv/fast.js'));
  const { openStreamingInput } = await import(distUrl('src/io/read-chunks.js'));
  const bytes = new Uint8Array(readFileSync(big.file));
  const timeIt = (fn, n) => {
    const ts = [];
    let out;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      out = fn();
      ts.push(performance.now() - t0);
    }
    return { ms: best(ts), first: ts[0], out };
  };
  const rowsOf = (log) => Math.max(...log.runs.flatMap((r) => r.metrics.map((m) => m.value.length)));
  const fast = timeIt(() => parseLog({ name: big.file, bytes }), Math.max(REPEAT, 2));
  console.log(`fast path, bytes in memory: ${fmtMs(fast.ms)} (first run ${fmtMs(fast.first)}) — ${(mb(big.bytes) / (fast.ms / 1000)).toFixed(0)} MB/s, ${(ROWS / (fast.ms / 1000) / 1e6).toFixed(2)} M rows/s [${fast.out.format}, fallback: ${fastCsv.lastFallback ?? 'none'}]`);
  const streamed = timeIt(() => parseInput(openStreamingInput(big.file, big.file, 0)), Math.max(REPEAT, 2));
  parseStreamMs = streamed.ms;
  console.log(`fast path, streamed from disk in 1 MB chunks: ${fmtMs(streamed.ms)} — ${(mb(big.bytes) / (streamed.ms / 1000)).toFixed(0)} MB/s, ${(ROWS / (streamed.ms / 1000) / 1e6).toFixed(2)} M rows/s`);
  if (rowsOf(fast.out) !== ROWS || rowsOf(streamed.out) !== ROWS) console.log(`WARNING: expected ${ROWS} points per metric`);
  if (!flag('skip-slow')) {
    fastCsv.enabled = false;
    const slow = timeIt(() => parseLog({ name: big.file, bytes }), 1);
    fastCsv.enabled = true;
    console.log(`ordinary path (string split + RegExp per cell, csv-parse for quoted lines): ${fmtMs(slow.ms)} — fast path is ${(slow.ms / fast.ms).toFixed(1)}x faster`);
  }
  const smallStream = timeIt(() => parseInput(openStreamingInput(small.file, small.file, 0)), Math.max(REPEAT, 3));
  const parseRatio = parseStreamMs / smallStream.ms;
  console.log(`scaling of the parse: ${SMALL_ROWS} rows ${fmtMs(smallStream.ms)}, ${ROWS} rows ${fmtMs(parseStreamMs)}: ${(ROWS / SMALL_ROWS).toFixed(0)}x the rows cost ${parseRatio.toFixed(2)}x the time`);
  note(`parse scaling (${ROWS / SMALL_ROWS}x rows)`, `≤ ${(1.1 * ROWS / SMALL_ROWS).toFixed(0)}x time`, `${parseRatio.toFixed(2)}x`, parseRatio <= 1.1 * (ROWS / SMALL_ROWS));
}

// ---------------------------------------------------------------------------------------------
// 2. pandas.read_csv on the same file.

let pandasMs;
const pythons = [process.env.LOSSDOC_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
const python = skip.has('pandas') ? undefined : pythons.find((p) => spawnSync(p, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0);

/** Best pandas.read_csv time of `file` in ms (undefined without pandas); prints it. */
function timePandas(file, bytes) {
  if (!python) return undefined;
  const script = `import sys,time\nimport pandas as pd\nts=[]\nfor _ in range(${Math.max(REPEAT, 2)}):\n    t=time.perf_counter(); df=pd.read_csv(sys.argv[1]); ts.append(time.perf_counter()-t)\nprint(min(ts)*1000, len(df), pd.__version__)`;
  const r = spawnSync(python, ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`pandas failed: ${r.stderr.slice(-500)}`);
    return undefined;
  }
  const [ms, rows, version] = r.stdout.trim().split(/\s+/);
  console.log(`pandas ${version} (${python}) read_csv: ${fmtMs(Number(ms))} for ${rows} rows — ${(mb(bytes) / (Number(ms) / 1000)).toFixed(0)} MB/s`);
  return Number(ms);
}

if (!skip.has('pandas')) {
  section('pandas.read_csv (reference)');
  if (!python) console.log("skipped: no python3 with pandas (`python3 -c 'import pandas'` fails; set LOSSDOC_PYTHON)");
  pandasMs = timePandas(big.file, big.bytes);
}

// ---------------------------------------------------------------------------------------------
// 3. End to end: `lossdoc analyze big.csv` (parse + analysis + report), time and peak memory.

const e2e = {};
if (!skip.has('e2e')) {
  section(`lossdoc analyze on ${ROWS} rows, end to end (best of ${REPEAT}; peak RSS)`);
  const cli = timeNode([bin, 'analyze', big.file, '--no-color', '--quiet'], REPEAT, { rss: true });
  e2e.cli = cli;
  const ratioOfFile = (1024 * cli.rssKB) / big.bytes;
  console.log(`${path.relative(root, bin)} analyze: ${fmtMs(cli.ms)} — ${(mb(big.bytes) / (cli.ms / 1000)).toFixed(0)} MB/s, ${(ROWS / (cli.ms / 1000) / 1e6).toFixed(2)} M rows/s; peak RSS ${(cli.rssKB / 1024).toFixed(0)} MiB = ${ratioOfFile.toFixed(2)}x the file`);
  console.log(cli.stdout.split('\n').slice(0, 7).map((l) => `  | ${l}`).join('\n'));
  if (pandasMs !== undefined) {
    console.log(`ratio to pandas.read_csv alone: ${(cli.ms / pandasMs).toFixed(2)}x`);
    note('analyze big.csv end to end', `≤ pandas.read_csv (${fmtMs(pandasMs)})`, `${fmtMs(cli.ms)} (${(cli.ms / pandasMs).toFixed(2)}x)`, cli.ms <= pandasMs);
  } else note('analyze big.csv end to end', '≤ pandas.read_csv (≈ 1 s)', fmtMs(cli.ms), cli.ms <= 1000);
  note('peak memory, analyze big.csv', '≤ 2.5x file size', `${ratioOfFile.toFixed(2)}x (${(cli.rssKB / 1024).toFixed(0)} MiB)`, ratioOfFile <= 2.5);
  // Memory of the parse alone (streamed): what the fast path itself needs.
  const parseMem = runNode(['-e', `const m=await import(${JSON.stringify(distUrl('src/parsers/csv/fast-entry.js'))});const p=await import(${JSON.stringify(distUrl('src/parsers/index.js'))});const r=await import(${JSON.stringify(distUrl('src/io/read-chunks.js'))});const input=r.openStreamingInput(${JSON.stringify(big.file)},${JSON.stringify(big.file)},0);p.parseLog(input,undefined,m.probeOf(input));`, '--input-type=module'], { rss: true });
  const base = runNode(['-e', `await import(${JSON.stringify(distUrl('src/parsers/csv/fast-entry.js'))});await import(${JSON.stringify(distUrl('src/parsers/index.js'))});`, '--input-type=module'], { rss: true });
  console.log(`peak RSS of the streamed parse alone: ${(parseMem.rssKB / 1024).toFixed(0)} MiB = ${((1024 * parseMem.rssKB) / big.bytes).toFixed(2)}x the file (node with the parser modules loaded: ${(base.rssKB / 1024).toFixed(0)} MiB)`);
}

// ---------------------------------------------------------------------------------------------
// 3b. The same log as Python writes it: float32 values in repr (16–17 significant digits), the
// way Lightning and Keras CSV loggers leave them. Informative: the targets are set on big.csv.

if (!skip.has('repr')) {
  const repr = ensureBigCsv(ROWS, 'decay', 'repr');
  section(`the same ${ROWS} rows as Python writes them (${mb(repr.bytes).toFixed(1)} MB: float32 values in repr, 16–17 digits)`);
  const { parseInput } = await loadParsers();
  const { openStreamingInput } = await import(distUrl('src/io/read-chunks.js'));
  const ts = [];
  for (let i = 0; i < Math.max(REPEAT, 2); i++) {
    const t0 = performance.now();
    parseInput(openStreamingInput(repr.file, repr.file, 0));
    ts.push(performance.now() - t0);
  }
  console.log(`fast path, streamed, in process: ${fmtMs(best(ts))} — ${(mb(repr.bytes) / (best(ts) / 1000)).toFixed(0)} MB/s`);
  const reprPandas = timePandas(repr.file, repr.bytes);
  const cli = timeNode([bin, 'analyze', repr.file, '--no-color', '--quiet'], REPEAT, { rss: true });
  const ratio = (1024 * cli.rssKB) / repr.bytes;
  console.log(`${path.relative(root, bin)} analyze: ${fmtMs(cli.ms)}${reprPandas ? ` = ${(cli.ms / reprPandas).toFixed(2)}x pandas.read_csv` : ''}; peak RSS ${(cli.rssKB / 1024).toFixed(0)} MiB = ${ratio.toFixed(2)}x the file`);
  note('(info) parse, Python-written numbers', reprPandas ? `pandas.read_csv ${fmtMs(reprPandas)}` : 'pandas not available', fmtMs(best(ts)), reprPandas === undefined || best(ts) <= reprPandas);
  note('(info) analyze, Python-written numbers', reprPandas ? `pandas.read_csv ${fmtMs(reprPandas)}` : 'pandas not available', `${fmtMs(cli.ms)}, ${ratio.toFixed(2)}x file RSS`, reprPandas === undefined || cli.ms <= reprPandas);
}

// ---------------------------------------------------------------------------------------------
// 4. Linear scaling end to end.

if (!skip.has('scaling')) {
  section(`scaling, end to end: ${SMALL_ROWS} vs ${ROWS} rows (best of ${REPEAT})`);
  const k = ROWS / SMALL_ROWS;
  const cli = (file) => [bin, 'analyze', file, '--no-color', '--quiet'];
  const curves = [
    ['decaying curve', ensureBigCsv(SMALL_ROWS), e2e.cli ? undefined : ensureBigCsv(ROWS)],
    // Every early point goes through the early-instability search (gen-big-csv.mjs --shape early-rise).
    ['early-rise curve', ensureBigCsv(SMALL_ROWS, 'early-rise'), ensureBigCsv(ROWS, 'early-rise')],
  ];
  for (const [label, smallFile, bigFile] of curves) {
    const a = timeNode(cli(smallFile.file), REPEAT);
    const b = bigFile ? timeNode(cli(bigFile.file), REPEAT) : e2e.cli;
    const ratio = b.ms / a.ms;
    console.log(`${label}: ${SMALL_ROWS} rows ${fmtMs(a.ms)}, ${ROWS} rows ${fmtMs(b.ms)} → ${k.toFixed(0)}x the rows cost ${ratio.toFixed(2)}x the time`);
    note(`e2e scaling, ${label} (${k.toFixed(0)}x rows)`, `≤ ${(1.1 * k).toFixed(0)}x time`, `${ratio.toFixed(2)}x`, ratio <= 1.1 * k);
  }
}

// ---------------------------------------------------------------------------------------------
// 5. TensorBoard event files.

if (!skip.has('tfevents')) {
  section(`tfevents: readEventScalars on ${TF_MB} MB scalar-only event files (test/bench/tfevents-bench.mjs)`);
  const r = spawnSync(process.execPath, [path.join(here, 'tfevents-bench.mjs'), '--mb', String(TF_MB), '--runs', String(Math.max(REPEAT, 3))], {
    encoding: 'utf8',
    env: { ...process.env, LOSSDOC_TFEVENTS_MODULE: path.join(root, 'dist/src/parsers/tfevents.js') },
  });
  process.stdout.write(r.stdout);
  if (r.status !== 0) console.log(`tfevents bench failed: ${r.stderr.slice(-500)}`);
  const speeds = [...r.stdout.matchAll(/best (\d+) MB\/s/g)].map((m) => Number(m[1]));
  if (speeds.length) note('tfevents read throughput', '≥ 100 MB/s', `${Math.min(...speeds)} MB/s (slowest encoding)`, Math.min(...speeds) >= 100);
}

// ---------------------------------------------------------------------------------------------
// 5b. W&B transaction logs, against the tfevents reader.

if (!skip.has('wandb')) {
  section(`wandb: readWandbRun on ${TF_MB} MB generated .wandb logs (test/bench/wandb-bench.mjs)`);
  const r = spawnSync(process.execPath, [path.join(here, 'wandb-bench.mjs'), '--mb', String(TF_MB), '--runs', String(Math.max(REPEAT, 3))], {
    encoding: 'utf8',
    env: { ...process.env, LOSSDOC_WANDB_MODULE: path.join(root, 'dist/src/parsers/wandb/run.js') },
  });
  process.stdout.write(r.stdout);
  if (r.status !== 0) console.log(`wandb bench failed: ${r.stderr.slice(-500)}`);
  // The bench times the tfevents reader in the same rounds (same load): the fair bar.
  const speed = (label) => Number(new RegExp(`^${label}.*best (\\d+) MB/s`, 'm').exec(r.stdout)?.[1]);
  const wandb = Math.min(speed('python-style'), speed('go-style'));
  const events = speed('tfevents');
  if (Number.isFinite(wandb)) note('.wandb read throughput', `≥ tfevents (${events} MB/s, same rounds)`, `${wandb} MB/s (slower of Python/Go style)`, wandb >= events);
}

// ---------------------------------------------------------------------------------------------
// 6. Start-up on a tiny log.

if (!skip.has('startup')) {
  const N = 15;
  section(`start-up: lossdoc analyze on a 100-row CSV vs node -e 0 (${N} rounds, each runs both once; medians)`);
  const variants = [
    ['node -e 0', ['-e', '0']],
    [`${path.relative(root, bin)} analyze (${(statSync(bin).size / 1024).toFixed(0)} KiB bundle)`, [bin, 'analyze', tiny.file, '--no-color', '--quiet']],
  ];
  // Interleaved, so that a busy machine slows both alike.
  const times = variants.map(() => []);
  for (let round = 0; round < N; round++) variants.forEach(([, a], k) => times[k].push(runNode(a).ms));
  const [nodeMs, cliMs] = times.map(median);
  console.log(`${variants[0][0]}: ${fmtMs(nodeMs)}; ${variants[1][0]}: ${fmtMs(cliMs)} = ${(cliMs / nodeMs).toFixed(2)}x`);
  note('start-up, 100-row CSV', '≤ 2.5x node -e 0', `${(cliMs / nodeMs).toFixed(2)}x`, cliMs / nodeMs <= 2.5);
}

// ---------------------------------------------------------------------------------------------
// 7. Sweep: many run folders on every core.

if (!skip.has('sweep')) {
  section(`sweep: ${SWEEP_RUNS} run folders x ${SWEEP_ROWS} steps, analysis sequential vs worker threads`);
  const dir = ensureSweep(SWEEP_RUNS, SWEEP_ROWS);
  const r = spawnSync(process.execPath, [path.join(here, 'sweep-analyze.mjs'), dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) console.log(`sweep failed: ${r.stderr.slice(-1000)}`);
  else {
    const s = JSON.parse(r.stdout.trim().split('\n').pop());
    const threads = os.availableParallelism();
    console.log(`${s.runs} runs: read + parse + build ${fmtMs(s.load)} (sequential); analysis sequential ${fmtMs(s.tSeq)}, ${threads} worker threads ${fmtMs(s.tPar)} → ${(s.tSeq / s.tPar).toFixed(2)}x; progress reached ${s.progress}/${s.runs}; reports identical: ${s.same}`);
    note(`sweep of ${s.runs} runs on ${threads} cores`, 'uses every core, same output', `${(s.tSeq / s.tPar).toFixed(2)}x faster, identical: ${s.same}`, s.same && s.tPar < s.tSeq);
    if (!s.same) process.exitCode = 1;
  }
}

// ---------------------------------------------------------------------------------------------

section('summary');
const w = Math.max(...results.map((r) => r.figure.length));
const t = Math.max(...results.map((r) => r.target.length));
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'MISS'}  ${r.figure.padEnd(w)}  target ${r.target.padEnd(t)}  measured ${r.measured}`);
console.log(`\nreproduce: npm run bench   (node ${process.version}, ${os.availableParallelism()} cores, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
