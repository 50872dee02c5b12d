import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reportSchema } from '../../src/core/report-schema.js';
import { DEMO, ensureBuilt, lossdoc, ROOT } from '../cli/cli-helper.js';

describe('JSON output is the machine contract', () => {
  beforeAll(ensureBuilt);

  it('lossdoc schema prints the JSON Schema generated from reportSchema', () => {
    const r = lossdoc(['schema']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    const { title, ...rest } = printed;
    expect(title).toMatch(/lossdoc report/);
    expect(rest).toEqual(z.toJSONSchema(reportSchema));
  });

  it('real fixtures give JSON that passes the zod schema and the printed JSON Schema', () => {
    const jsonSchema = z.fromJSONSchema(JSON.parse(lossdoc(['schema']).stdout) as Parameters<typeof z.fromJSONSchema>[0]);
    const inputs = [
      ...readdirSync(DEMO).map((f) => join(DEMO, f)),
      join(ROOT, 'fixtures/logs/csv/yolov8_results.csv'),
      join(ROOT, 'fixtures/logs/csv/wandb_two_runs.csv'),
      join(ROOT, 'fixtures/logs/json/trainer_state.json'),
      join(ROOT, 'fixtures/logs/json/live_partial.jsonl'),
    ];
    for (const includeData of [false, true]) {
      const r = lossdoc(['analyze', ...inputs, '--format', 'json', ...(includeData ? ['--include-data'] : [])]);
      expect(r.code, r.stderr).toBe(1);
      const report = reportSchema.parse(JSON.parse(r.stdout));
      expect(jsonSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
      expect(report.runs.length).toBeGreaterThanOrEqual(inputs.length);
      expect(report.runs.every((run) => run.series.every((s) => (s.data !== undefined) === includeData))).toBe(true);
    }
  });

  it('stdout is only the JSON document; input warnings go to stderr', () => {
    const r = lossdoc(['analyze', join(ROOT, 'fixtures/logs/json/live_partial.jsonl'), '-f', 'json']);
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/^lossdoc: warning: .*live_partial\.jsonl:\d+: /m);
    const quiet = lossdoc(['analyze', join(ROOT, 'fixtures/logs/json/live_partial.jsonl'), '-f', 'json', '--quiet']);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(r.stdout);
  });
});
