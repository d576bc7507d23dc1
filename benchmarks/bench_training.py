"""Training throughput: the seed's own script, the app's engine through its CLI, and the app's window.

The three run in turn, each in a fresh process (seed, CLI, app, seed, CLI, app, ...), on the same data with the
seed's settings (batch 64, RMSprop, no validation split). Ratios are taken within each cycle, between runs that
were seconds apart, and then summarised over the cycles; a single wall time is never compared with another.

Every epoch is timed by the script that trains: the seed's own callback (``epoch_seconds``), the engine's
``EpochReport.seconds`` (the CLI prints them as ``time=…s``, the window reports them through ``epochEnded``). The
first epoch includes tracing and compiling, so throughput is taken from the epochs after it; the first epoch is
reported on its own. The app runs also carry a 10 ms heartbeat timer (responsiveness) and every run its process'
peak resident memory (from ``wait4``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bench_util import BENCH_DIR, PYTHON, Figure, child_env, data_path, run_child, summary

KINDS = ("seed", "cli", "app")
LABEL = {"seed": "seed script", "cli": "engine (CLI)", "app": "app window"}


@dataclass
class Run:
    kind: str
    cycle: int
    n_train: int
    epoch_seconds: list[float]
    test_accuracy: float | None
    wall_seconds: float
    max_rss_mb: float
    heartbeat_late_ms_idle: list[float] = field(default_factory=list)
    heartbeat_late_ms: list[float] = field(default_factory=list)
    heartbeat_late_ms_steady: list[float] = field(default_factory=list)
    heartbeat_late_ms_by_phase: dict = field(default_factory=dict)
    heartbeat_worst: list = field(default_factory=list)  # the longest stalls: when, how long, the engine's phase
    error: str = ""  # why the run failed (its figures are left out)

    def steady_epoch_s(self) -> list[float]:
        """Epochs after the first (which also traces and compiles)."""
        return self.epoch_seconds[1:]


def _cli_command() -> list[str]:
    script = Path(PYTHON).parent / "digit-trainer-cli"
    return [str(script)] if script.exists() else [PYTHON, "-m", "model.cli"]


def command(kind: str, epochs: int, limit: int | None, model: str | None) -> list[str]:
    """The command line of one run (the CLI's is the one a user would type)."""
    lim_seed = ["--limit", str(limit)] if limit else []
    lim_cli = ["--limit-train", str(limit)] if limit else []
    if kind == "seed":
        return [PYTHON, str(BENCH_DIR / "seed_reference.py"), data_path(), "--epochs", str(epochs), *lim_seed]
    if kind == "cli":
        return [*_cli_command(), "train", "--recipe", "seed", "--validation-split", "0", "--batch-size", "64",
                "--epochs", str(epochs), "--data", data_path(), *lim_cli]  # fmt: skip
    model_arg = ["--model", model] if model else []
    return [PYTHON, str(BENCH_DIR / "app_probe.py"), "train", "--epochs", str(epochs), *lim_seed, *model_arg]


_EPOCH_LINE = re.compile(r"^epoch \d+/\d+ .* time=([\d.]+)s$", re.M)
_TEST_ACC = re.compile(r"^test_accuracy=([\d.]+)$", re.M)


def parse_cli(stdout: str) -> tuple[list[float], float | None]:
    """Epoch seconds and test accuracy from ``digit-trainer-cli train`` output."""
    acc = _TEST_ACC.search(stdout)
    return [float(t) for t in _EPOCH_LINE.findall(stdout)], float(acc.group(1)) if acc else None


def run_one(kind: str, cycle: int, epochs: int, limit: int | None, model: str | None) -> Run:
    child = run_child(command(kind, epochs, limit, model), env=child_env(), timeout=1800).check(f"{kind} training run")
    n_train = limit or 60000
    if kind == "cli":
        epoch_s, acc = parse_cli(child.stdout)
        return Run(kind, cycle, n_train, epoch_s, acc, child.seconds, child.max_rss_mb)
    out = child.json_line()
    run = Run(kind, cycle, n_train, out["epoch_seconds"], out["test_accuracy"], child.seconds, child.max_rss_mb)
    if kind == "app":
        run.heartbeat_late_ms_idle = out["heartbeat_late_ms_idle"]
        run.heartbeat_late_ms = out["heartbeat_late_ms_whole_run"]
        run.heartbeat_late_ms_steady = out["heartbeat_late_ms_after_first_batch"]
        run.heartbeat_late_ms_by_phase = out["heartbeat_late_ms_by_phase"]
        run.heartbeat_worst = out["heartbeat_worst"]
    return run


def measure(epochs: int, cycles: int, limit: int | None = None, model: str | None = None, log=print) -> list[Run]:
    runs = []
    for cycle in range(cycles):
        for kind in KINDS:
            try:
                run = run_one(kind, cycle, epochs, limit, model)
            except RuntimeError as exc:
                log(f"  cycle {cycle + 1}/{cycles} {LABEL[kind]:13s} FAILED: {exc}")
                runs.append(Run(kind, cycle, limit or 60000, [], None, 0.0, 0.0, error=str(exc)[-2000:]))
                continue
            log(
                f"  cycle {cycle + 1}/{cycles} {LABEL[kind]:13s} epochs "
                + " ".join(f"{s:.1f}" for s in run.epoch_seconds)
                + f" s, test accuracy {run.test_accuracy}, peak RSS {run.max_rss_mb:.0f} MB"
            )
            runs.append(run)
    return runs


def _per_cycle_ratio(runs: list[Run], num: str, den: str) -> list[float]:
    """Median steady epoch time of ``num`` over ``den``, within each cycle."""
    import numpy as np

    ratios = []
    for cycle in sorted({r.cycle for r in runs}):
        a = [r for r in runs if r.cycle == cycle and r.kind == num]
        b = [r for r in runs if r.cycle == cycle and r.kind == den]
        if a and b and a[0].steady_epoch_s() and b[0].steady_epoch_s():
            ratios.append(float(np.median(a[0].steady_epoch_s()) / np.median(b[0].steady_epoch_s())))
    return ratios


def figures(runs: list[Run]) -> dict[str, list[Figure]]:
    """The figures, grouped by the measurement they belong to."""
    training, responsiveness, memory = [], [], []
    for kind in KINDS:
        mine = [r for r in runs if r.kind == kind and not r.error]
        if not mine:
            continue
        steady = [s for r in mine for s in r.steady_epoch_s()]
        training.append(Figure(f"{LABEL[kind]}: epoch 2+ time", "s", summary(steady)))
        training.append(
            Figure(f"{LABEL[kind]}: epoch 1 time (with compile)", "s", summary(r.epoch_seconds[0] for r in mine))
        )
        training.append(
            Figure(
                f"{LABEL[kind]}: throughput epoch 2+",
                "samples/s",
                summary(r.n_train / s for r in mine for s in r.steady_epoch_s()),
            )
        )
        training.append(Figure(f"{LABEL[kind]}: test accuracy", "", summary(r.test_accuracy for r in mine)))
        memory.append(
            Figure(
                f"{LABEL[kind]}: peak RSS while training",
                "MB",
                summary(r.max_rss_mb for r in mine),
                target="<= 1200" if kind == "app" else "",
                key="max",
            )  # fmt: skip
        )
    training.append(
        Figure(
            "epoch time ratio engine (CLI) / seed script",
            "x",
            summary(_per_cycle_ratio(runs, "cli", "seed")),
            note="per cycle, epochs 2+",
        )  # fmt: skip
    )
    training.append(
        Figure(
            "epoch time ratio app window / engine (CLI)",
            "x",
            summary(_per_cycle_ratio(runs, "app", "cli")),
            target="<= 1.05",
            note="per cycle, epochs 2+; the GUI's cost",
        )  # fmt: skip
    )
    app = [r for r in runs if r.kind == "app" and not r.error]
    if app:
        idle = [x for r in app for x in r.heartbeat_late_ms_idle]
        whole = [x for r in app for x in r.heartbeat_late_ms]
        steady = [x for r in app for x in r.heartbeat_late_ms_steady]
        responsiveness += [
            Figure("heartbeat lateness, idle window (baseline)", "ms", summary(idle), key="max"),
            Figure("heartbeat lateness during training (whole run)", "ms", summary(whole), target="<= 50", key="max"),
            Figure("heartbeat lateness during training (whole run)", "ms", summary(whole), target="<= 20", key="p99"),
            Figure("heartbeat lateness after the first batch", "ms", summary(steady), target="<= 50", key="max"),
            Figure("heartbeat lateness after the first batch", "ms", summary(steady), target="<= 20", key="p99"),
        ]
        phases = {}
        for r in app:
            for phase, lateness in r.heartbeat_late_ms_by_phase.items():
                phases.setdefault(phase, []).extend(lateness)
        for phase in ("loading data", "compiling", "training", "testing"):
            if phase in phases:
                responsiveness.append(
                    Figure(f"  heartbeat lateness while {phase}", "ms", summary(phases[phase]), key="max")
                )
    return {"training": training, "responsiveness": responsiveness, "memory": memory}
