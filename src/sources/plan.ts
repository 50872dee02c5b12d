/**
 * The planner: which files make up which run. Per scanned directory (or over the files given
 * directly), configuration files give the hyperparameters of the runs in their folder; then each
 * source in turn claims the files it reads (see registry.ts for the order) and reads the groups it
 * claimed. Runs found by scanning are named by their path below the scanned directory; files
 * given directly keep their path as given. Pure: paths and bytes in, raw runs out.
 */
import type { FormatId, Hyperparameters } from '../core/types.js';
import type { LossdocError } from '../errors.js';
import { configFromFile } from '../parsers/config-files.js';
import { whatFileIs } from './recognise.js';
import { basename, dirname, join, normalisePath } from './paths.js';
import { sources } from './registry.js';
import type { ClaimContext, FileKind, Group, LogInput, Member, PlanProblem, ProblemKind, ReadContext, RunPlan } from './types.js';

export interface PlanOptions {
  /** Read every file (outside MLflow runs) as this format instead of detecting it. */
  inputFormat?: FormatId;
}

interface Root {
  /** undefined: the inputs given directly. */
  dir?: string;
  /** Name of a run that is the scanned directory itself. */
  selfName: string;
  members: Member[];
}

/** The name a scanned directory gets as a run of its own: its last path part. */
function selfNameOf(dir: string, given?: string): string {
  if (given) return given;
  const b = basename(normalisePath(dir));
  return b === '' || b === '.' || b === '..' ? dir : b;
}

/** Group inputs into runs and parse them. Never throws on bad input: problems are returned. */
export function planRuns(inputs: readonly LogInput[], options: PlanOptions = {}): RunPlan {
  const roots = new Map<string, Root>();
  const direct: Root = { selfName: '.', members: [] };
  for (const input of inputs) {
    if (input.scan) {
      let root = roots.get(input.scan.root);
      if (!root) {
        root = { dir: input.scan.root, selfName: selfNameOf(input.scan.root, input.scan.rootName), members: [] };
        roots.set(input.scan.root, root);
      }
      root.members.push({ input, path: normalisePath(input.scan.rel), index: root.members.length });
    } else {
      direct.members.push({ input, path: normalisePath(input.name), index: direct.members.length });
    }
  }
  const plan: RunPlan = { runs: [], problems: [], roots: [...roots.keys()] };
  if (direct.members.length) planRoot(direct, options, plan);
  for (const root of roots.values()) planRoot(root, options, plan);
  return plan;
}

function planRoot(root: Root, options: PlanOptions, plan: RunPlan): void {
  const scanned = root.dir !== undefined;
  const forced = options.inputFormat;
  const problemOf = (error: LossdocError, kind: ProblemKind): PlanProblem => ({ error, kind, ...(scanned ? { root: root.dir } : {}) });
  /** Problems found while claiming, in listing order. */
  const claimProblems: Array<{ at: number; problem: PlanProblem }> = [];

  // Configuration files: hyperparameters of the runs in their folder.
  const configs = new Map<string, Hyperparameters>();
  for (const m of root.members) {
    if (!m.input.scan?.config) continue;
    const pairs = configFromFile(m.path, m.input.bytes);
    if (pairs.length > 0) configs.set(dirname(m.path), [...(configs.get(dirname(m.path)) ?? []), ...pairs]);
  }

  const kinds = new Map<Member, FileKind>();
  let groups: Group[] = [];
  const claimCtx: ClaimContext = {
    scanned,
    ...(forced !== undefined ? { forced } : {}),
    kindOf(m) {
      let kind = kinds.get(m);
      if (!kind) {
        kind = whatFileIs(m, forced);
        kinds.set(m, kind);
      }
      return kind;
    },
    get groups() {
      return groups;
    },
    fail(error, kind = 'failed', at) {
      claimProblems.push({ at: at?.index ?? Infinity, problem: problemOf(error, kind) });
    },
  };
  let members = root.members.filter((m) => !m.input.scan?.config);
  for (const source of sources) {
    const claim = source.claim(members, claimCtx);
    groups = [...groups.filter((g) => !claim.absorbed?.includes(g)), ...claim.groups];
    members = claim.rest;
  }
  // Runs in listing order, those of sources listed first (MLflow experiments) ahead.
  const rank = (g: Group) => (g.source.listedFirst ? 0 : 1);
  groups.sort((a, b) => rank(a) - rank(b) || a.members[0].index - b.members[0].index);
  claimProblems.sort((a, b) => a.at - b.at);
  plan.problems.push(...claimProblems.map((p) => p.problem));

  /** Full path of a folder or file of this root. */
  const fullPath = (key: string) => (scanned ? join(root.dir!, key) : key === '' ? '.' : key);
  const nameOf = (g: Group): string => {
    if (scanned) return g.key === '' ? root.selfName : g.key;
    return g.members.length === 1 ? g.members[0].input.name : g.key === '' ? '.' : g.key;
  };
  const readCtx: ReadContext = {
    scanned,
    groups,
    fullPath,
    nameOf,
    fail(error, kind = 'failed') {
      plan.problems.push(problemOf(error, kind));
    },
    push(g, raw, format, name = nameOf(g), path = fullPath(g.key)) {
      const hyperparameters = raw.hyperparameters ?? configs.get(g.folder ?? g.key);
      plan.runs.push({
        name,
        path,
        format,
        raw: { ...raw, name, ...(hyperparameters ? { hyperparameters } : {}) },
        sources: g.members.map((m) => m.input.name),
        ...(scanned ? { root: root.dir } : {}),
      });
    },
  };
  for (const g of groups) g.source.read(g, readCtx);
}
