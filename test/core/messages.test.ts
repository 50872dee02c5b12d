/** Message data → text: templates, fragment references and lists, in every report language. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineRules, rules } from '../../rules/index.js';
import { joined, ref } from '../../src/core/engine/messages.js';
import { coreText, fillTemplate } from '../../src/messages/index.js';

const root = resolve(import.meta.dirname, '../..');

describe('fillTemplate', () => {
  const fragments = { once: { en: 'spiked once', zh: '出现 1 次尖峰' }, times: { en: 'spiked {{count}} times', zh: '出现 {{count}} 次尖峰' } };

  it('fills placeholders, renders fragment references with their own data over the message data', () => {
    expect(fillTemplate('{{series}} {{what}}.', { series: 'loss', what: ref('times'), count: 3 }, 'en', fragments)).toBe('loss spiked 3 times.');
    expect(fillTemplate('{{series}} {{what}}。', { series: 'loss', what: ref('times', { count: 2 }), count: 3 }, 'zh', fragments)).toBe('loss 出现 2 次尖峰。');
  });

  it('joins lists with a separator fragment of the language and falls back to the shared texts', () => {
    const data = { xs: joined(['1', '2', ref('list.etc')], 'sep.none'), parts: joined([ref('once'), 'b'], 'sep.semicolon') };
    expect(fillTemplate('{{xs}} / {{parts}}', data, 'en', fragments)).toBe('12, ... / spiked once; b');
    expect(fillTemplate('{{xs}} / {{parts}}', data, 'zh', fragments)).toBe('12 等 / 出现 1 次尖峰；b');
  });

  it('leaves unknown placeholders and fragments visible', () => {
    expect(fillTemplate('{{a}} {{b}}', { b: ref('no-such-fragment') }, 'en')).toBe('{{a}} {{no-such-fragment}}');
    expect(coreText('no-such-text', 'zh')).toBe('{{no-such-text}}');
  });
});

describe('rule fragments', () => {
  it('every fragment a rule references exists in its meta or the shared texts, in every language', () => {
    for (const { meta } of [...rules, ...baselineRules]) {
      const source = readFileSync(resolve(root, `rules/${meta.id}.ts`), 'utf8');
      // ref('id'), or ref(cond ? 'id' : 'other').
      const ids = [...source.matchAll(/\bref\(([^,)]*)/g)].flatMap((m) => [...m[1].matchAll(/(?:^|[?:]\s*)'([^']+)'/g)].map((l) => l[1]));
      // Computed ids (`shape.${decay}`) name fragments by prefix.
      const prefixes = [...source.matchAll(/\bref\(`([^`$]+)\$\{/g)].map((m) => m[1]);
      const own = Object.keys(meta.fragments ?? {});
      for (const id of ids) {
        const known = own.includes(id) || (!coreText(id, 'en').startsWith('{{') && !coreText(id, 'zh').startsWith('{{'));
        expect(known, `${meta.id}: fragment ${id}`).toBe(true);
      }
      for (const prefix of prefixes) expect(own.some((id) => id.startsWith(prefix)), `${meta.id}: fragments ${prefix}*`).toBe(true);
    }
  });
});
