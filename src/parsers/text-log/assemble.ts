/**
 * Records of every line kind → raw metrics: generic counters resolved, constant-counter kinds
 * dropped, steps inherited by stepless kinds, name collisions between kinds settled. Pure.
 */
import type { ParseWarning, RawMetric, Role } from '../../core/types.js';
import type { SeriesCap } from '../series-cap.js';
import type { Collector, KindInfo, Rec } from './collector.js';
import { resolveGenericCounters } from './generic.js';

const ROLE_WORD = /(^|[^a-z])(val|valid|validation|eval|evaluation|test|dev)([^a-z]|$)/i;

export function finish(c: Collector, source: string, warnings: ParseWarning[], cap: SeriesCap): RawMetric[] {
  const kinds = [...c.kinds.values()];
  for (const k of kinds) if (k.generic) resolveGenericCounters(k);

  // A generic line kind whose counter never moves (e.g. `Global step 0 ... loss: 0.000000`
  // summaries) is not a curve when other kinds are.
  const moving = (k: KindInfo): boolean => {
    const xs = k.records.map((r) => (Number.isFinite(r.step) ? r.step : r.epoch));
    return xs.some((x) => x !== xs[0]);
  };
  const dropped = new Set<string>();
  if (kinds.some((k) => k.records.length >= 2 && moving(k))) {
    for (const k of kinds) {
      if (k.generic && k.records.length >= 2 && !moving(k)) {
        dropped.add(k.id);
        warnings.push({
          code: 'constant-counter',
          line: k.firstLine,
          message: `${source}: ${k.records.length} lines like line ${k.firstLine} were ignored: their counter never changes, so they are not a curve`,
        });
      }
    }
  }
  const live = kinds.filter((k) => !dropped.has(k.id));

  // Kinds without any step of their own take the last step logged before them (val lines between
  // step lines), when every one of their lines has such a step.
  if (live.some((k) => k.records.some((r) => Number.isFinite(r.step)))) {
    const stepless = new Set(live.filter((k) => !k.records.some((r) => Number.isFinite(r.step))).map((k) => k.id));
    if (stepless.size) {
      const inherited = new Map<Rec, number>();
      let last = Number.NaN;
      for (const r of c.order) {
        if (dropped.has(r.kind)) continue;
        if (stepless.has(r.kind)) inherited.set(r, last);
        else if (Number.isFinite(r.step)) last = r.step;
      }
      for (const id of stepless) {
        const recs = c.kinds.get(id)!.records;
        if (recs.every((r) => Number.isFinite(inherited.get(r)!))) for (const r of recs) r.step = inherited.get(r)!;
      }
    }
  }

  // Names: a name logged by several line kinds stays with the kind that logs it most (kinds
  // without a role first); val kinds rename theirs with a prefix, others drop theirs.
  const counts = new Map<string, Map<string, number>>();
  for (const k of live) {
    const m = new Map<string, number>();
    for (const r of k.records) for (const p of r.pairs) m.set(p.key, (m.get(p.key) ?? 0) + 1);
    counts.set(k.id, m);
  }
  const rename = new Map<string, Map<string, string | null>>(); // kind → key → new name (null = drop)
  const owners = new Map<string, KindInfo[]>();
  for (const k of live) for (const key of counts.get(k.id)!.keys()) owners.set(key, [...(owners.get(key) ?? []), k]);
  const taken = new Set(owners.keys());
  const genericLosers = new Map<KindInfo, string[]>();
  for (const [key, ks] of owners) {
    if (ks.length < 2) continue;
    const ranked = [...ks].sort(
      (a, b) => (a.prefix ? 1 : 0) - (b.prefix ? 1 : 0) || counts.get(b.id)!.get(key)! - counts.get(a.id)!.get(key)!,
    );
    for (const loser of ranked.slice(1)) {
      const map = rename.get(loser.id) ?? new Map<string, string | null>();
      rename.set(loser.id, map);
      const alt = loser.prefix ? `${loser.prefix}${key}` : undefined;
      if (alt && !taken.has(alt)) {
        map.set(key, alt);
        taken.add(alt);
      } else if (loser.generic) {
        map.set(key, null);
        genericLosers.set(loser, [...(genericLosers.get(loser) ?? []), key]);
      } else {
        map.set(key, null);
        warnings.push({
          code: 'mixed-lines',
          line: loser.firstLine,
          message: `${source}: ${counts.get(loser.id)!.get(key)} "${key}" value(s) on lines like line ${loser.firstLine} were left out: another kind of line logs "${key}" more often`,
        });
      }
    }
  }
  // A second kind of generic line that logs the same names is another phase (test, checkpoint
  // summaries): only its explicitly val/test-named values are kept.
  for (const [loser, keys] of genericLosers) {
    const map = rename.get(loser.id)!;
    const left: string[] = [...keys];
    for (const key of counts.get(loser.id)!.keys()) {
      if (map.has(key)) continue;
      if (!ROLE_WORD.test(key)) {
        map.set(key, null);
        left.push(key);
      }
    }
    warnings.push({
      code: 'mixed-lines',
      line: loser.firstLine,
      message: `${source}: ${loser.records.length} lines like line ${loser.firstLine} were left out (${left.join(', ')}): they repeat names that another kind of line logs more often`,
    });
  }

  interface Acc {
    name: string;
    role?: Role;
    value: number[];
    step: number[];
    epoch: number[];
    line: number[];
  }
  const acc = new Map<string, Acc>();
  for (const r of c.order) {
    if (dropped.has(r.kind)) continue;
    const kind = c.kinds.get(r.kind)!;
    const map = rename.get(r.kind);
    for (const p of r.pairs) {
      let name = p.key;
      if (map?.has(name)) {
        const alt = map.get(name);
        if (alt === null || alt === undefined) continue;
        name = alt;
      }
      let a = acc.get(name);
      if (!a) {
        if (!cap.admit(name, acc.size)) continue;
        a = { name, ...(kind.role ? { role: kind.role } : {}), value: [], step: [], epoch: [], line: [] };
        acc.set(name, a);
      }
      a.value.push(p.value);
      a.step.push(r.step);
      a.epoch.push(r.epoch);
      a.line.push(r.line);
    }
  }
  const anyFinite = (xs: number[]) => xs.some((x) => Number.isFinite(x));
  return [...acc.values()].map((a) => ({
    name: a.name,
    value: Float64Array.from(a.value),
    ...(anyFinite(a.step) ? { step: Float64Array.from(a.step) } : {}),
    ...(anyFinite(a.epoch) ? { epoch: Float64Array.from(a.epoch) } : {}),
    line: Int32Array.from(a.line),
    ...(a.role ? { roleHint: a.role } : {}),
  }));
}
