import { describe, expect, it } from 'vitest';
import { compileGlob, globMatches, globMatchesExactly, PathFilter } from '../../src/io/glob.js';

const m = (pattern: string, path: string) => globMatches(compileGlob(pattern), path);
const exact = (pattern: string, path: string) => globMatchesExactly(compileGlob(pattern), path);

describe('compileGlob / globMatches', () => {
  it('* and ? stay inside one path segment', () => {
    expect(exact('*.csv', 'metrics.csv')).toBe(true);
    expect(exact('runs/*.csv', 'runs/a.csv')).toBe(true);
    expect(exact('runs/*.csv', 'runs/x/a.csv')).toBe(false);
    expect(exact('version_?', 'version_1')).toBe(true);
    expect(exact('version_?', 'version_12')).toBe(false);
    expect(exact('a?c', 'a/c')).toBe(false);
  });

  it('a pattern without / matches any name along the path', () => {
    expect(m('*.csv', 'lightning_logs/version_0/metrics.csv')).toBe(true);
    expect(m('checkpoints', 'run1/checkpoints/epoch=1.ckpt')).toBe(true);
    expect(m('checkpoints', 'run1/checkpoints_old/x')).toBe(false);
    expect(m('version_1*', 'lightning_logs/version_12/metrics.csv')).toBe(true);
    expect(m('version_1', 'lightning_logs/version_12/metrics.csv')).toBe(false);
  });

  it('a pattern with / is anchored at the scanned directory and covers what is inside a matched folder', () => {
    expect(m('lightning_logs/version_0', 'lightning_logs/version_0/metrics.csv')).toBe(true);
    expect(m('lightning_logs/version_0', 'lightning_logs/version_01/metrics.csv')).toBe(false);
    expect(m('version_0/metrics.csv', 'lightning_logs/version_0/metrics.csv')).toBe(false);
    expect(m('./runs/exp1*', 'runs/exp12/events.out.tfevents.1.h')).toBe(true);
    expect(m('/runs/exp1*', 'runs/exp12/events.out.tfevents.1.h')).toBe(true);
    expect(m('runs\\exp1', 'runs/exp1/x.log')).toBe(true);
  });

  it('** matches across folders, and no folder at all at the start', () => {
    expect(m('**/metrics.csv', 'metrics.csv')).toBe(true);
    expect(m('**/metrics.csv', 'a/b/c/metrics.csv')).toBe(true);
    expect(m('mlruns/**/loss', 'mlruns/1/abc/metrics/loss')).toBe(true);
    expect(m('mlruns/**/loss', 'mlruns/loss')).toBe(true);
    expect(exact('mlruns/**', 'mlruns')).toBe(true);
    expect(exact('mlruns/**', 'mlruns/1/x')).toBe(true);
    expect(exact('**/wandb/**', 'proj/wandb')).toBe(true);
    expect(exact('**/wandb/**', 'proj/wandb/run-1/files/output.log')).toBe(true);
    expect(exact('a/**b', 'a/x/yb')).toBe(true);
    expect(exact('**', 'anything/at/all')).toBe(true);
  });

  it('character classes, and regex characters are literal', () => {
    expect(exact('version_[01]', 'version_1')).toBe(true);
    expect(exact('version_[!01]', 'version_1')).toBe(false);
    expect(exact('version_[!01]', 'version_2')).toBe(true);
    expect(exact('v[0-9]', 'v7')).toBe(true);
    expect(exact('run-.-tag-(loss).csv', 'run-.-tag-(loss).csv')).toBe(true);
    expect(exact('run-.-tag-(loss).csv', 'run-x-tag-(loss)Xcsv')).toBe(false);
    expect(exact('a+b', 'a+b')).toBe(true);
    expect(exact('[abc', '[abc')).toBe(true);
  });
});

describe('PathFilter', () => {
  it('without patterns takes everything', () => {
    const f = new PathFilter();
    expect(f.active).toBe(false);
    expect(f.takeFile('a/b.csv')).toBe(true);
    expect(f.enterDir('a')).toBe(true);
  });

  it('exclude prunes folders and drops files; include keeps only matching files', () => {
    const f = new PathFilter(['lightning_logs', '*.tsv'], ['version_1', '**/*.bak']);
    expect(f.enterDir('lightning_logs/version_1')).toBe(false);
    expect(f.enterDir('lightning_logs/version_0')).toBe(true);
    expect(f.takeFile('lightning_logs/version_0/metrics.csv')).toBe(true);
    expect(f.takeFile('lightning_logs/version_1/metrics.csv')).toBe(false);
    expect(f.takeFile('other/metrics.csv')).toBe(false);
    expect(f.takeFile('dvclive/plots/metrics/loss.tsv')).toBe(true);
    expect(f.takeFile('lightning_logs/x.bak')).toBe(false);
    // include never prunes folders: a matching file may be deeper.
    expect(f.enterDir('other')).toBe(true);
  });
});
