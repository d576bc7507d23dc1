"""Shared by the benchmark modules: child processes with their peak memory, summaries, the machine, the outputs.

No Qt and no TensorFlow here: the orchestrator stays light, and every measurement runs in a process of its own.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PYTHON = sys.executable


def data_path() -> str:
    """MNIST: $DIGIT_TRAINER_DATA (relative paths from the repo root) or ../shared/data/mnist.npz."""
    value = os.environ.get("DIGIT_TRAINER_DATA", "../shared/data/mnist.npz")
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (REPO_ROOT / path).resolve())


def child_env(**extra) -> dict:
    """The environment for a measured child: offscreen Qt, quiet TensorFlow, throw-away Qt settings."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        TF_CPP_MIN_LOG_LEVEL="2",
        DIGIT_TRAINER_DATA=data_path(),
        XDG_CONFIG_HOME=tempfile.mkdtemp(prefix="digit-trainer-bench-config-"),
        PYTHONUNBUFFERED="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


@dataclass
class Child:
    """A finished child process: exit code, output, wall time and its own peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float

    def json_line(self) -> dict:
        """The last stdout line that parses as a JSON object (how the measuring scripts report)."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    continue
        raise RuntimeError(f"no JSON result in the child's output; stderr ends with:\n{self.stderr[-2000:]}")

    def check(self, what: str) -> "Child":
        if self.returncode != 0:
            raise RuntimeError(f"{what} failed with exit code {self.returncode}:\n{self.stderr[-3000:]}")
        return self


def run_child(cmd: list[str], env: dict | None = None, timeout: float = 3600, cwd: Path = REPO_ROOT) -> Child:
    """Run ``cmd`` to the end; its peak RSS comes from ``wait4`` (that child alone, not its siblings).

    Output goes to temporary files rather than pipes, so a chatty child can never block on a full pipe while we
    wait for it.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env or child_env(), cwd=cwd)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(proc.returncode, out.read(), err.read(), seconds, usage.ru_maxrss / 1024)


def terminate(proc: subprocess.Popen, grace_s: float = 20) -> None:
    """Ask a child to close (SIGTERM, which the app turns into closing its window), kill it if it will not."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# Summaries -----------------------------------------------------------------------------------------------------
def summary(values) -> dict:
    """Median, quartiles, p95, p99, min and max of ``values`` (an empty list gives an empty dict)."""
    v = np.asarray([x for x in values if x is not None], dtype=float)
    if not len(v):
        return {}
    q = np.percentile(v, [25, 50, 75, 95, 99])
    return {
        "n": int(len(v)),
        "median": float(q[1]),
        "p25": float(q[0]),
        "p75": float(q[2]),
        "p95": float(q[3]),
        "p99": float(q[4]),
        "min": float(v.min()),
        "max": float(v.max()),
    }


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    unit: str
    stats: dict  # a summary(); "median" is the headline
    target: str = ""  # e.g. "<= 10" (in ``unit``); empty when the figure is for information
    key: str = "median"  # which statistic the target applies to
    note: str = ""

    def value(self) -> float | None:
        return self.stats.get(self.key)

    def met(self) -> bool | None:
        if not self.target or self.value() is None:
            return None
        op, limit = self.target.split()
        value, limit = self.value(), float(limit)
        return value <= limit if op == "<=" else value >= limit

    def as_dict(self) -> dict:
        return {**self.__dict__, "value": self.value(), "met": self.met()}


def _num(x: float | None) -> str:
    if x is None:
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}"


def format_table(figures: list[Figure]) -> str:
    """A plain-text (and Markdown) table: median, spread, n, target and whether it was met."""
    head = ["measurement", "median", "spread (min–max)", "IQR", "p95", "n", "unit", "target", "measured", "met"]
    rows = []
    for f in figures:
        s = f.stats
        spread = f"{_num(s.get('min'))}–{_num(s.get('max'))}" if s else "–"
        iqr = f"{_num(s.get('p25'))}–{_num(s.get('p75'))}" if s else "–"
        target = f"{f.key} {f.target}" if f.target else ""
        met = {True: "yes", False: "NO", None: ""}[f.met()]
        measured = _num(f.value()) if f.target else ""
        rows.append(
            [
                f.name,
                _num(s.get("median")),
                spread,
                iqr,
                _num(s.get("p95")),
                str(s.get("n", 0)),
                f.unit,
                target,
                measured,
                met,
            ]  # fmt: skip
        )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def write_json_atomic(path: Path, obj) -> None:
    """Write ``obj`` as JSON to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, indent=1, default=_jsonable)
            f.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the results are for everyone
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"{type(x).__name__} is not JSON serialisable")


# The machine ---------------------------------------------------------------------------------------------------
def git_state() -> dict:
    """The commit measured, and the files that differed from it (the work tree is what actually ran)."""

    def git(*args):
        out = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD"), "uncommitted": git("status", "--porcelain").splitlines()}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    """CPU, cores, RAM and the versions that matter (read from package metadata: nothing heavy is imported)."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1]
        )
    except (OSError, StopIteration):
        mem_kb = 0
    versions = {}
    for pkg in ("tensorflow", "keras", "PySide6", "numpy", "pyqtgraph"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu or platform.processor(),
        "ram_gb": round(mem_kb / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **versions,
    }
