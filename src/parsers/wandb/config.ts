/**
 * A W&B run's configuration as hyperparameters: from the config items of the `.wandb` log, or from
 * `config.yaml` (`key: {desc: …, value: …}` per key). Nested keys are joined with `/`; the
 * internal `_wandb` key is left out. Pure.
 */
import type { Hyperparameter } from '../../core/types.js';
import { looseNumber, walkLooseJson, type Leaf } from './loose-json.js';

/** Longest value text kept (a list of 10 000 numbers is not a hyperparameter to show in full). */
const MAX_TEXT = 200;

function hyper(name: string, value: Leaf): Hyperparameter {
  if (typeof value === 'number' && !Number.isFinite(value)) return { name, value: String(value) };
  if (typeof value === 'string' && value.length > MAX_TEXT) return { name, value: `${value.slice(0, MAX_TEXT)}…` };
  return { name, value };
}

/** W&B wraps config values as `{desc, value}` in config.yaml and in old logs: keep the value. */
function unwrap(path: string): string | undefined {
  if (path === 'desc' || path.startsWith('desc/')) return undefined;
  if (path === 'value') return '';
  if (path.startsWith('value/')) return path.slice(6);
  return path;
}

/** Hyperparameters from the config items of a `.wandb` log (key → value_json text). */
export function configFromItems(items: ReadonlyMap<string, string>): Hyperparameter[] {
  const out: Hyperparameter[] = [];
  for (const [key, json] of items) {
    if (key === '_wandb' || key.startsWith('_wandb/')) continue;
    const leaves: Array<[string, Leaf]> = [];
    const ok = walkLooseJson(json, (path, value) => leaves.push([path, value]), { arraysAsText: true });
    if (!ok) {
      out.push(hyper(key, json));
      continue;
    }
    const wrapped = leaves.length > 0 && leaves.every(([p]) => unwrap(p) !== p);
    for (const [path, value] of leaves) {
      const rest = wrapped ? unwrap(path) : path;
      if (rest === undefined) continue;
      out.push(hyper(rest === '' ? key : `${key}/${rest}`, value));
    }
  }
  return out;
}

function yamlScalar(text: string): Leaf {
  const t = text.trim();
  if ((t.startsWith("'") && t.endsWith("'") && t.length >= 2) || (t.startsWith('"') && t.endsWith('"') && t.length >= 2)) {
    return t.slice(1, -1);
  }
  if (t === 'null' || t === '~' || t === '') return null;
  if (t === 'true' || t === 'True') return true;
  if (t === 'false' || t === 'False') return false;
  if (t === '.nan' || t === '.NaN') return Number.NaN;
  if (t === '.inf' || t === '.Inf') return Infinity;
  if (t === '-.inf' || t === '-.Inf') return -Infinity;
  return looseNumber(t) ?? t;
}

function unquote(key: string): string {
  const k = key.trim();
  return (k.startsWith("'") && k.endsWith("'")) || (k.startsWith('"') && k.endsWith('"')) ? k.slice(1, -1) : k;
}

/**
 * Hyperparameters from a W&B `config.yaml`: the block-style YAML W&B writes (nested mappings,
 * `- item` lists kept as their text). Not a general YAML reader: flow collections and multi-line
 * strings are kept as text.
 */
export function configFromYaml(text: string): Hyperparameter[] {
  const stack: Array<{ indent: number; key: string }> = [];
  const leaves: Array<{ path: string[]; value: Leaf }> = [];
  const lists = new Map<string, { index: number; items: string[] }>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const body = line.trimStart();
    if (body === '' || body.startsWith('#') || body === '---') continue;
    const indent = line.length - body.length;
    if (body.startsWith('- ') || body === '-') {
      while (stack.length > 0 && stack[stack.length - 1].indent > indent) stack.pop();
      const path = stack.map((s) => s.key);
      const id = path.join('\u0000');
      let list = lists.get(id);
      if (!list) {
        list = { index: leaves.length, items: [] };
        lists.set(id, list);
        leaves.push({ path, value: '' });
      }
      list.items.push(body.slice(1).trim());
      continue;
    }
    const colon = body.indexOf(': ');
    const keyText = colon >= 0 ? body.slice(0, colon) : body.endsWith(':') ? body.slice(0, -1) : undefined;
    if (keyText === undefined) continue;
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
    const key = unquote(keyText);
    const rest = colon >= 0 ? body.slice(colon + 2).trim() : '';
    if (rest === '') stack.push({ indent, key });
    else leaves.push({ path: [...stack.map((s) => s.key), key], value: yamlScalar(rest) });
  }
  for (const list of lists.values()) leaves[list.index].value = `[${list.items.join(', ')}]`;
  const out: Hyperparameter[] = [];
  for (const { path, value } of leaves) {
    const [top, ...inner] = path;
    if (top === undefined || top === 'wandb_version' || top === '_wandb') continue;
    const rest = unwrap(inner.join('/'));
    if (rest === undefined) continue;
    out.push(hyper(rest === '' ? top : `${top}/${rest}`, value));
  }
  return out;
}
