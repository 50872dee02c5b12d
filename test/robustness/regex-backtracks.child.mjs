/**
 * Run by regex-growth.test.ts in a node started with V8's backtrack counter: every regex execution
 * that backtracks more than --regexp-backtracks-before-fallback times is handed to V8's linear
 * engine, and --trace-experimental-regexp-engine prints a line for it. Each case is announced on
 * stderr first, so the parent can say which input made which pattern blow up.
 * argv: the repository root, then a JSON list of the adversarial line units.
 */
const [root, unitsJson] = process.argv.slice(2);
const { parseTextLog, textLogParser } = await import(`${root}/dist/src/parsers/text-log.js`);
const { parseMlflowRun } = await import(`${root}/dist/src/sources/mlflow.js`);
const { isObjectLine } = await import(`${root}/dist/src/parsers/json/sniff.js`);
const { jsonlParser } = await import(`${root}/dist/src/parsers/json.js`);
const { compileGlob, globMatches } = await import(`${root}/dist/src/io/glob.js`);

const BIG = 1024 * 1024;
const LINES = 17;
const repeat = (unit) => (bytes) => unit.repeat(Math.ceil(bytes / unit.length));
/** 1 MB of text as LINES lines built by `line`, between real metric lines. */
const log = (line) => {
  const one = line(Math.floor(BIG / LINES));
  return `step 1 loss: 0.5\nstep 2 loss: 0.4\n${`${one}\n`.repeat(LINES)}step 3 loss: 0.3\n`;
};
const parse = (text) => {
  parseTextLog(text, 'adversarial.log');
  textLogParser.sniff(text.slice(0, 16384), 'adversarial.log');
};
const cases = [
  ...JSON.parse(unitsJson).map((unit) => [`lines of ${JSON.stringify(unit)}`, () => parse(log(repeat(unit)))]),
  ['blanks then a fairseq JSON record', () => parse(log((n) => `| train | ${' '.repeat(n)}{"loss": 1}`))],
  ['a line over the cap', () => parseTextLog(`step 1 loss: 0.5\n${'| train | {'.repeat(BIG / 11)}\nstep 2 loss: 0.4\n`, 'long.log')],
  ['MLflow meta.yaml value of blanks', () => parseMlflowRun([{ relPath: 'meta.yaml', bytes: new TextEncoder().encode(`status: ${' \t'.repeat(BIG / 4)}x\n`) }], 'run')],
  [
    'JSON-lines sniffing of pipes and blanks',
    () => {
      for (const line of [repeat('| a |')(BIG), `| a |${' '.repeat(BIG)}{}`]) {
        isObjectLine(line);
        jsonlParser.sniff(`${line}\n`, 'x.jsonl');
      }
    },
  ],
  [
    'globs against a long name',
    () => {
      for (const glob of ['*a*a*a*a*a*a*b', '**/*a*a*a*a*a*b/**', 'x/**/a*a*a*a*?b']) globMatches(compileGlob(glob), 'a'.repeat(BIG / 16));
    },
  ],
  // The control: a pattern that backtracks quadratically must be caught, or the counter is off.
  ['control: \\d*\\d*x over a line of digits', () => /\d*\d*x/.test('1'.repeat(BIG / 16))],
];
for (const [name, run] of cases) {
  process.stderr.write(`CASE ${name}\n`);
  run();
}
process.stderr.write('DONE\n');
