/**
 * A run's hyperparameters from the configuration files trainers write beside their logs:
 * Lightning `hparams.yaml`, W&B `config.yaml` (`key: {value: …}`), Hugging Face
 * `training_args.json` / `config.json`, MLflow `params/<key>` files. Pure; scalars only (lists
 * and deeper structures are left out), in file order.
 */
import type { HyperparameterValue, Hyperparameters } from '../core/types.js';
import { decodeText } from './text.js';

/** File names read as a run's configuration when they sit in the run's folder. */
export const CONFIG_FILE_NAMES = new Set(['hparams.yaml', 'config.yaml', 'training_args.json', 'config.json']);

/** A YAML or text scalar as a number, boolean or string. */
export function scalarOf(text: string): HyperparameterValue {
  const t = text.trim();
  const unquoted = /^(['"])(.*)\1$/.exec(t);
  if (unquoted) return unquoted[2];
  if (t === 'true' || t === 'True') return true;
  if (t === 'false' || t === 'False') return false;
  // One way to match each digit: linear in the length of the text.
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Scalars of a parsed JSON object as `key.sub` pairs, two levels deep. */
export function flattenConfig(value: Record<string, unknown>, prefix = '', depth = 0, out: Hyperparameters = []): Hyperparameters {
  for (const key of Object.keys(value)) {
    const v = value[key];
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out.push([name, v]);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 1) flattenConfig(v as Record<string, unknown>, name, depth + 1, out);
  }
  return out;
}

const TOP_KEY = /^([A-Za-z0-9_.\-/]+):(?:\s+(.*))?$/;
const VALUE_LINE = /^\s+value:\s+(.*)$/;

/** A YAML value without its ` # comment` (indexOf, not a regex: a long run of blanks stays linear). */
function withoutComment(value: string): string {
  const at = value.search(/[ \t]#/);
  return at >= 0 ? value.slice(0, at) : value;
}

/**
 * Top-level scalars of a YAML file: `key: value` lines, and W&B's `key:` followed by an indented
 * `value: …`. Keys starting with `_` (W&B's own) and `wandb_version` are left out.
 */
export function configFromYaml(text: string): Hyperparameters {
  const out: Hyperparameters = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = TOP_KEY.exec(lines[i]);
    if (!m) continue;
    const key = m[1];
    if (key.startsWith('_') || key === 'wandb_version') continue;
    const rest = withoutComment(m[2] ?? '').trim();
    if (rest !== '') {
      if (!/^[[{|>&*!]/.test(rest)) out.push([key, scalarOf(rest)]);
      continue;
    }
    // W&B: the value is the nested `value:` of the key.
    for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]); j++) {
      const v = VALUE_LINE.exec(lines[j]);
      if (v && lines[j].search(/\S/) <= 4) {
        const value = v[1].trim();
        if (value !== '' && !/^[[{|>&*!]/.test(value)) out.push([key, scalarOf(value)]);
        break;
      }
    }
  }
  return out;
}

/** The hyperparameters in a configuration file, by its name; empty when it holds none or cannot be read. */
export function configFromFile(name: string, bytes: Uint8Array): Hyperparameters {
  const text = decodeText(bytes);
  if (/\.ya?ml$/i.test(name)) return configFromYaml(text);
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? flattenConfig(value as Record<string, unknown>) : [];
  } catch {
    return [];
  }
}
