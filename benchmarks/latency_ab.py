"""Draw -> result latency of two models, A/B: app runs alternate between them, so machine load hits both alike.

Each run is a fresh app process (``app_probe.py latency``: pen digits drawn idle, then while the window trains the
seed recipe). Prints each run's idle and during-training p95, then per model the median of the runs' p95s and
the p95 of all digits pooled.

Usage: ``python benchmarks/latency_ab.py A.keras B.keras [--pairs 3] [--digits 60]``
"""

from __future__ import annotations

import argparse

import numpy as np

from bench_util import BENCH_DIR, PYTHON, child_env, run_child, summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs=2)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--digits", type=int, default=60)
    args = ap.parse_args(argv)
    runs = {m: [] for m in args.models}
    for i in range(args.pairs):
        for m in args.models if i % 2 == 0 else args.models[::-1]:
            cmd = [PYTHON, str(BENCH_DIR / "app_probe.py"), "latency", "--digits", str(args.digits), "--model", m]
            r = run_child(cmd, env=child_env(), timeout=1800).check("latency run").json_line()
            runs[m].append(r)
            print(f"pair {i + 1} {m}: idle p95 {summary(r['idle_ms'])['p95']:.1f} ms, "
                  f"training p95 {summary(r['training_ms'])['p95']:.1f} ms", flush=True)
    for m, rs in runs.items():
        idle = [summary(r["idle_ms"])["p95"] for r in rs]
        train = [summary(r["training_ms"])["p95"] for r in rs]
        pooled_i = summary([x for r in rs for x in r["idle_ms"]])
        pooled_t = summary([x for r in rs for x in r["training_ms"]])
        print(f"{m}: idle p95 median of runs {np.median(idle):.1f} ms (pooled p95 {pooled_i['p95']:.1f}, median "
              f"{pooled_i['median']:.1f}); training p95 median of runs {np.median(train):.1f} ms (pooled p95 "
              f"{pooled_t['p95']:.1f}, median {pooled_t['median']:.1f})")


if __name__ == "__main__":
    main()
