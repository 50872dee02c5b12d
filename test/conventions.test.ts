/** The project's own rules: registry, docs, tests and texts stay in step with rules/. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineRules, rules } from '../rules/index.js';
import { textIn } from '../src/messages/index.js';
import { formatIds } from '../src/parsers/index.js';
import { VERSION } from '../src/version.js';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const ruleFiles = readdirSync(resolve(root, 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.replace(/\.ts$/, ''));
const SEED = /^§(C[1-5]|T([1-9]|1[0-2])|V[1-4]?|S[12])$/;

describe('conventions', () => {
  it('every file in rules/ is registered under its own kebab-case id, sorted', () => {
    const ids = rules.map((r) => r.meta.id);
    const baselineIds = baselineRules.map((r) => r.meta.id);
    expect([...ids].sort()).toEqual(ids);
    expect([...baselineIds].sort()).toEqual(baselineIds);
    expect([...ruleFiles].sort()).toEqual([...ids, ...baselineIds].sort());
    for (const id of baselineIds) expect(id).toMatch(/^regression(-[a-z]+)+$/);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('every baseline rule has a README row and English and Chinese texts', () => {
    for (const { meta } of baselineRules) {
      expect(readme, `README row for ${meta.id}`).toMatch(new RegExp(`\\| \`${meta.id}\` \\|`));
      for (const item of [meta.description, meta.message, ...meta.causes.map((c) => c.text), ...meta.remedies.map((r) => r.text)]) {
        expect(item.en.length, meta.id).toBeGreaterThan(0);
        expect(item.zh.length, meta.id).toBeGreaterThan(0);
      }
      expect(textIn(meta.title, 'en').length, meta.id).toBeGreaterThan(0);
      expect(textIn(meta.title, 'zh'), meta.id).toMatch(/[\u4e00-\u9fff]/);
      expect(meta.description.zh, meta.id).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('every rule has a test file, a README row, English and Chinese texts and valid seed ids', () => {
    for (const { meta } of rules) {
      expect(existsSync(resolve(root, `test/rules/${meta.id}.test.ts`)), `test/rules/${meta.id}.test.ts`).toBe(true);
      expect(readme, `README row for ${meta.id}`).toMatch(new RegExp(`\\| \`${meta.id}\` \\| ${meta.severity} \\|`));
      for (const text of [textIn(meta.title, 'en'), meta.description.en]) expect(text.length).toBeGreaterThan(0);
      for (const text of [textIn(meta.title, 'zh'), meta.description.zh]) expect(text).toMatch(/[\u4e00-\u9fff]/);
      // Message templates may be all placeholders (fragments referenced from the data word the rest).
      expect(meta.message.zh.length).toBeGreaterThan(0);
      for (const [id, text] of Object.entries(meta.fragments ?? {})) {
        expect(text.en.length + text.zh.length, `${meta.id}/${id}`).toBeGreaterThan(0);
      }
      for (const item of [...meta.causes, ...meta.remedies]) {
        expect(item.text.zh, `${meta.id}/${item.id}`).toMatch(/[\u4e00-\u9fff]/);
        const seed = 'seed' in item ? item.seed : undefined;
        if (seed) expect(seed, `${meta.id}/${item.id}`).toMatch(SEED);
      }
      for (const s of meta.seed) expect(s, meta.id).toMatch(SEED);
      const causeIds = meta.causes.map((c) => c.id);
      expect(new Set(causeIds).size, `${meta.id} cause ids`).toBe(causeIds.length);
    }
  });

  it('rules and core choose no words of a language: wording is data, rendered by src/messages', () => {
    const sources = [
      ...ruleFiles.map((f) => `rules/${f}.ts`),
      ...['src/core', 'src/core/engine'].flatMap((dir) =>
        readdirSync(resolve(root, dir))
          .filter((f) => f.endsWith('.ts') && f !== 'compare.ts')
          .map((f) => `${dir}/${f}`),
      ),
    ];
    for (const file of sources) {
      expect(readFileSync(resolve(root, file), 'utf8'), file).not.toMatch(/lang\s*===|=== *'(en|zh)'|ctx\.options\.lang/);
    }
  });

  it('README documents every input format', () => {
    for (const id of formatIds) expect(readme).toContain(`| \`${id}\` |`);
  });

  it('the version constant matches package.json', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
