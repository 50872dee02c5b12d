#!/usr/bin/python3
"""Writes fixtures/real-runs/: logs of small models really trained with PyTorch on synthetic data,
each with one injected fault (scenarios.py), written through the real log formats (writers.py),
and fixtures/real-runs/manifest.json with the expected verdict, required and allowed findings and
the checks on the logged numbers that the run passed. A run whose numbers do not show its cause
is retried with another seed, then dropped (listed in drops.json).

Needs PyTorch (Debian: apt-get install python3-torch).  Deterministic: one CPU thread, fixed seeds.
Usage: /usr/bin/python3 test/eval/real/generate.py [--out DIR] [--only SCENARIO] [--runs N] [--dry-run] [--append]
--only SCENARIO --append writes that scenario's runs and replaces its entries in the manifest, leaving the others.
"""
import argparse
import json
import os
import shutil
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checks  # noqa: E402
import writers  # noqa: E402
from scenarios import BASE_ALLOW, SCENARIOS  # noqa: E402
from train import train  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
ATTEMPTS = 5


def write_log(log, fmt, out, name, per_step, seed):
    """Write one run in one format; returns the manifest path (a file, or the run folder)."""
    every = 1 if per_step else max(1, log.steps_per_epoch // 4)
    if fmt == 'keras-csv':
        rel = f'keras-csv/{name}.csv'
        writers.keras_csv(log, os.path.join(out, rel))
    elif fmt == 'keras-history-json':
        rel = f'keras-history-json/{name}.json'
        writers.keras_history_json(log, os.path.join(out, rel))
    elif fmt == 'keras-stdout':
        rel = f'keras-stdout/{name}.log'
        writers.keras_stdout(log, os.path.join(out, rel), 'keras2' if seed % 2 else 'keras3')
    elif fmt == 'hf-trainer-state':
        rel = f'hf-trainer-state/{name}/trainer_state.json'
        writers.hf_trainer_state(log, os.path.join(out, rel), every)
    elif fmt == 'lightning-csv':
        rel = f'lightning-csv/{name}/metrics.csv'
        writers.lightning_csv(log, os.path.join(out, rel), every)
    elif fmt == 'tfevents':
        rel = f'tfevents/{name}'
        writers.tfevents(log, os.path.join(out, rel), every)
    elif fmt == 'mmengine-jsonl':
        rel = f'mmengine-jsonl/{name}/scalars.json'
        writers.mmengine_jsonl(log, os.path.join(out, rel), every)
    elif fmt in ('tb-export-csv', 'tb-export-csv-epoch'):
        epochs = fmt.endswith('-epoch')
        rel = f'tb-export-csv/run-{name}-tag-{"epoch_loss" if epochs else "loss"}.csv'
        writers.tb_export_csv(log, os.path.join(out, rel), epochs)
    else:
        raise ValueError(fmt)
    return rel


def label(scenario, log):
    """The expected verdict(s) and the checks, from the injected cause plus the logged numbers."""
    results = [{'name': n, 'passed': bool(ok), **nums} for n, ok, nums in scenario.checks(log)]
    verdict, also = scenario.verdict, list(scenario.verdict_also)
    if verdict is None:
        got, numbers = checks.shape_verdicts(log)
        verdict, also = got[0], got[1:] + also
        results.append({'name': 'verdict from the epoch curves', 'passed': True, **numbers, 'verdicts': got})
    return verdict, also, results


def _merged(out, name, scenario_id, entries):
    """The file's entries of the other scenarios, in their order, then this scenario's new ones."""
    path = os.path.join(out, name)
    old = json.load(open(path)) if os.path.exists(path) else []
    return [e for e in old if e['scenario'] != scenario_id] + entries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=os.path.join(ROOT, 'fixtures', 'real-runs'))
    parser.add_argument('--only', help='one scenario id (for tuning; does not rewrite the manifest)')
    parser.add_argument('--runs', type=int, default=12, help='runs per scenario')
    parser.add_argument('--dry-run', action='store_true', help='train and check, write nothing')
    parser.add_argument('--append', action='store_true', help='with --only: write its runs and replace its manifest entries')
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if not args.dry_run and not args.only and os.path.isdir(args.out):
        shutil.rmtree(args.out)
    manifest, drops = [], []
    for k, scenario in enumerate(SCENARIOS):
        if args.only and scenario.id != args.only:
            continue
        for i in range(min(args.runs, scenario.runs or args.runs)):
            fmt = scenario.formats[i % len(scenario.formats)]
            for attempt in range(ATTEMPTS):
                seed = 100 * k + i + 1000 * attempt
                torch.manual_seed(seed)
                g = torch.Generator().manual_seed(seed)
                started = time.process_time()
                setup, task = scenario.make(g, seed)
                log = train(setup, g)
                cpu = time.process_time() - started
                verdict, also, results = label(scenario, writers.logged_view(log, fmt))
                failed = [r for r in results if not r['passed']]
                status = 'ok' if not failed else 'FAILED ' + '; '.join(f"{r['name']} {json.dumps({k2: v for k2, v in r.items() if k2 not in ('name', 'passed')})}" for r in failed)
                print(f'{scenario.id:24} seed {seed:5} {fmt:20} {cpu:5.2f}s cpu  {verdict:15} {status}', flush=True)
                if failed:
                    drops.append({'scenario': scenario.id, 'seed': seed, 'format': fmt, 'failed': failed})
                    continue
                name = f'{scenario.id}-{seed}'
                rel = None if args.dry_run else write_log(log, fmt, args.out, name, scenario.per_step, seed)
                manifest.append({
                    'file': rel, 'format': fmt.replace('-epoch', ''), 'scenario': scenario.id, 'cause': scenario.cause,
                    'reasoning': scenario.reasoning, 'task': task, 'seed': seed, 'verdict': verdict, 'verdictAlso': also,
                    'findings': scenario.findings, 'allow': sorted(set(BASE_ALLOW + scenario.allow)),
                    'healthy': scenario.healthy, 'checks': results,
                })
                break
            else:
                print(f'{scenario.id:24} run {i} DROPPED after {ATTEMPTS} seeds', flush=True)
    print(f'{len(manifest)} runs kept, {len(drops)} attempts rejected')
    if args.dry_run or (args.only and not args.append):
        return
    if args.only:
        manifest, drops = _merged(args.out, 'manifest.json', args.only, manifest), _merged(args.out, 'drops.json', args.only, drops)
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        f.write(json.dumps(manifest, indent=1, ensure_ascii=False) + '\n')
    with open(os.path.join(args.out, 'drops.json'), 'w') as f:
        f.write(json.dumps(drops, indent=1, ensure_ascii=False) + '\n')


if __name__ == '__main__':
    main()
