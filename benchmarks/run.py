"""Digit Trainer's benchmark suite: prints a table and writes ``benchmarks/results.json``.

Every measurement runs in fresh child processes (see the ``bench_*`` modules); this process imports neither Qt nor
TensorFlow. Each figure is a median with its spread over several runs or many samples; ratios are taken between
runs made one after another in the same cycle.

Usage: ``python benchmarks/run.py [--quick] [--only training,latency,startup] [--out FILE]``

``--quick`` is a smoke version (about three minutes): two short epochs on 6,000 images, one cycle, fewer digits
and starts. Its figures show that everything works, not how fast it is.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import bench_latency
import bench_startup
import bench_training
from bench_util import BENCH_DIR, Figure, format_table, git_state, load_average, machine, write_json_atomic

FULL = {
    "training": {"epochs": 5, "cycles": 2, "limit": None},
    "latency": {"digits": 100, "runs": 2},
    "startup": {"runs": 5},
}
QUICK = {
    "training": {"epochs": 2, "cycles": 1, "limit": 6000},
    "latency": {"digits": 25, "runs": 1},
    "startup": {"runs": 2},
}
SECTIONS = ("startup", "latency", "training")  # the cold start first, the long training runs last
GROUPS = ("training", "responsiveness", "latency", "startup", "memory")


def log(msg: str):
    print(msg, file=sys.stderr, flush=True)


def _runs_for_json(runs) -> list[dict]:
    out = []
    for r in runs:
        d = asdict(r)
        for key in ("heartbeat_late_ms_idle", "heartbeat_late_ms", "heartbeat_late_ms_steady"):
            d[key] = f"{len(d[key])} intervals (summarised in figures)"
        d["heartbeat_late_ms_by_phase"] = {k: len(v) for k, v in d["heartbeat_late_ms_by_phase"].items()}
        out.append(d)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Run Digit Trainer's benchmarks.")
    p.add_argument("--quick", action="store_true", help="short smoke version (about three minutes)")
    p.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ", ".join(SECTIONS))
    p.add_argument("--out", default=str(BENCH_DIR / "results.json"))
    args = p.parse_args(argv)
    config = QUICK if args.quick else FULL
    sections = [s for s in SECTIONS if s in args.only.split(",")]
    groups: dict[str, list[Figure]] = {g: [] for g in GROUPS}
    record = {
        "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "mode": "quick" if args.quick else "full",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "config": {s: config[s] for s in sections},
        "load_average_1_5_15": {"before": load_average()},
        "seconds": {},
        "raw": {},
    }

    def save():
        record["figures"] = {g: [f.as_dict() for f in figs] for g, figs in groups.items() if figs}
        write_json_atomic(Path(args.out), record)

    with tempfile.TemporaryDirectory(prefix="digit-trainer-bench-") as workdir:
        model, model_text = bench_latency.model_for_app(Path(workdir), log)
        record["app_model"] = model_text
        for section in sections:
            log(f"{section} (load average {load_average()}) ...")
            t0 = time.perf_counter()
            cfg = config[section]
            if section == "training":
                runs = bench_training.measure(cfg["epochs"], cfg["cycles"], cfg["limit"], model, log)
                record["raw"]["training"] = _runs_for_json(runs)
                found = bench_training.figures(runs)
            elif section == "latency":
                results = bench_latency.measure(cfg["digits"], cfg["runs"], model, log)
                record["raw"]["latency"] = results
                found = bench_latency.figures(results)
            else:
                results = bench_startup.measure(cfg["runs"], model, log)
                record["raw"]["startup"] = results
                found = bench_startup.figures(results)
            for group, figs in found.items():
                groups[group].extend(figs)
            record["seconds"][section] = round(time.perf_counter() - t0, 1)
            record["load_average_1_5_15"][f"after {section}"] = load_average()
            save()
    record["load_average_1_5_15"]["after"] = load_average()
    save()
    m = record["machine"]
    print(
        f"\n{record['date']}  {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, "
        f"TensorFlow {m['tensorflow']}, Keras {m['keras']}, PySide6 {m['PySide6']}"
    )
    print(f"app model: {model_text}; load average before {record['load_average_1_5_15']['before']}, "
          f"after {record['load_average_1_5_15']['after']}\n")  # fmt: skip
    print(format_table([f for g in GROUPS for f in groups[g]]))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
