/**
 * The source registry and the planner's one detection per file, without the disk.
 */
import { describe, expect, it } from 'vitest';
import type { FormatId } from '../../src/core/types.js';
import { formatIds } from '../../src/parsers/index.js';
import { planRuns } from '../../src/sources/plan.js';
import { recogniseFile } from '../../src/sources/recognise.js';
import { folderSources, sources } from '../../src/sources/registry.js';
import type { LogInput, Member } from '../../src/sources/types.js';

const enc = new TextEncoder();
const csv = 'epoch,loss,val_loss\n1,1.0,1.1\n2,0.8,0.9\n3,0.6,0.7\n4,0.5,0.6\n';

function found(rel: string, text: string, format?: FormatId): LogInput {
  return { name: `d/${rel}`, bytes: enc.encode(text), scan: { root: 'd', rel, ...(format ? { format } : {}) } };
}

describe('source registry', () => {
  it('gives every source a distinct id, none a single-file format id, and a one-line description', () => {
    const ids = sources.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of sources) {
      expect(formatIds as readonly string[], s.id).not.toContain(s.id);
      expect(s.description, s.id).toMatch(/^\S[^\n]+$/);
    }
    expect(folderSources.map((s) => s.id)).toEqual(expect.arrayContaining(['mlflow', 'dvclive-folder', 'tensorboard-run', 'tb-export-run', 'wandb-run', 'hf-output']));
  });

  it('passes on what a source does not claim', () => {
    const members: Member[] = [found('notes/train.csv', csv)].map((input, index) => ({ input, path: input.scan!.rel, index }));
    const ctx = { scanned: true, groups: [], kindOf: () => ({ kind: 'unknown' as const }), fail: () => undefined };
    for (const s of folderSources) expect(s.claim(members, ctx).rest, s.id).toEqual(members);
  });
});

describe('one detection per file', () => {
  it('reads a scanned file as the format the scan recognised, without detecting it again', () => {
    // Detected here, the bytes are a Keras CSV; recognised by the scan as a plain CSV, they stay one.
    expect(planRuns([found('run.log', csv)]).runs.map((r) => r.format)).toEqual(['keras-csv']);
    expect(planRuns([found('run.log', csv, 'csv')]).runs.map((r) => r.format)).toEqual(['csv']);
  });

  it('recognises a file of unknown name only with a confident sniff; a log-named file with any', () => {
    // Any two-column table sniffs as a generic CSV, weakly: read when its name says log, not otherwise.
    const weak = enc.encode('id,score\n1,2\n2,3\n');
    expect(recogniseFile({ name: 'd/scores', bytes: weak }, false)).toBeUndefined();
    expect(recogniseFile({ name: 'd/scores.csv', bytes: weak }, true)).toBe('csv');
    expect(recogniseFile({ name: 'd/history', bytes: enc.encode(csv) }, false)).toBe('keras-csv');
    expect(recogniseFile({ name: 'd/notes', bytes: enc.encode('hello world\n') }, true)).toBeUndefined();
  });
});
