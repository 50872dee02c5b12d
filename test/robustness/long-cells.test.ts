/**
 * One absurdly long numeric cell (200 000 digits) is damage in one row, not a reason to reject the
 * file: the cell is reported as not a number (quoted shortly) and the rest of the log is read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNumber } from '../../src/parsers/text.js';
import { ensureBuilt, lossdoc, tempDir } from '../cli/cli-helper.js';

const DIGITS = '1'.repeat(200_000);

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = tempDir('lossdoc-longcell-'));
});
afterAll(() => cleanup());

/** A falling loss log of 40 rows whose row `bad` has `cell` in column `column` (0 = step). */
function csvWith(cell: string, column: number, delimiter = ','): string {
  const rows = ['step', 'loss', 'val_loss'].join(delimiter);
  const out = [rows];
  for (let i = 0; i < 40; i++) {
    const cells = [String(i), (2 * Math.exp(-i / 10) + 0.3).toFixed(5), (2.1 * Math.exp(-i / 10) + 0.4).toFixed(5)];
    if (i === 7) cells[column] = cell;
    out.push(cells.join(delimiter));
  }
  return `${out.join('\n')}\n`;
}

describe('a 200 000-digit cell', () => {
  it.each([
    ['an integer in the loss column', DIGITS, 1, ','],
    ['a decimal in the loss column', `0.${DIGITS}`, 1, ','],
    ['a number with an exponent', `${DIGITS}e5`, 2, ','],
    ['the step column', DIGITS, 0, ','],
    ['a semicolon CSV with decimal commas', `0,${DIGITS}`, 1, ';'],
    ['a quoted cell', `"${DIGITS}"`, 1, ','],
  ])('%s: the cell is a warning, the file is read', (_label, cell, column, delimiter) => {
    const file = join(dir, `long-${column}-${delimiter === ',' ? 'c' : 's'}-${cell.length}.csv`);
    writeFileSync(file, csvWith(cell, column, delimiter));
    const r = lossdoc(['analyze', file, '-f', 'json']);
    expect(r.stderr).not.toMatch(/call stack|could not be parsed/);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toMatch(/:9: '1{5}|:9: '0[.,]1{5}|:9: '"1{5}/);
    // The warning quotes the cell shortly.
    expect(r.stderr.length).toBeLessThan(2000);
    const report = JSON.parse(r.stdout) as { runs: Array<{ series: Array<{ name: string; points: number }> }> };
    expect(report.runs[0].series.find((s) => s.name === 'loss')!.points).toBeGreaterThanOrEqual(39);
  });

  it('is not a number to the shared cell reader', () => {
    expect(parseNumber(DIGITS)).toBeNull();
    expect(parseNumber('0.30000000000000004')).toBe(0.30000000000000004);
  });
});
