"""Cold start: process start to the window's first paint, and to the first moment a drawing can be classified.

The app is started as a user starts it (the ``digit-trainer`` script, offscreen), with ``DIGIT_TRAINER_STARTUP_LOG``
set: ``guiapp/app.py`` then writes ``time.time()`` stamps when ``main()`` begins, when the window first paints and
when the engine has loaded the model. Time zero is taken just before the process is spawned. Each app start
alternates with a bare ``python -c "import tensorflow"``, the floor for anything that uses TensorFlow.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from bench_util import PYTHON, Figure, child_env, run_child, summary, terminate

EVENTS = ("main", "window_painted", "model_loaded")


def _app_command(model: str | None) -> list[str]:
    script = Path(PYTHON).parent / "digit-trainer"
    cmd = [str(script)] if script.exists() else [PYTHON, "-m", "guiapp.app"]
    return cmd + (["--model", model] if model else [])


def read_log(path: Path) -> dict[str, float]:
    stamps = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if value:
                stamps[name] = float(value)
    return stamps


def start_app_once(model: str | None, timeout_s: float = 180) -> dict[str, float]:
    """Seconds from spawning the app to each logged event (missing events are absent)."""
    with tempfile.TemporaryDirectory(prefix="digit-trainer-startup-") as tmp:
        log = Path(tmp) / "startup.log"
        env = child_env(DIGIT_TRAINER_STARTUP_LOG=log)
        t0 = time.time()
        proc = subprocess.Popen(_app_command(model), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + timeout_s
            while "model_loaded" not in read_log(log) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)  # a plain process poll: no Qt lives in this process
        finally:
            terminate(proc)
        return {name: t - t0 for name, t in read_log(log).items()}


def measure(runs: int, model: str | None, log=print) -> dict[str, list[float]]:
    out = {name: [] for name in EVENTS}
    out["import_tensorflow"] = []
    for i in range(runs):
        stamps = start_app_once(model)
        for name in EVENTS:
            out[name].append(stamps.get(name))
        tf = run_child([PYTHON, "-c", "import tensorflow"], env=child_env()).check("import tensorflow")
        out["import_tensorflow"].append(tf.seconds)
        shown = ", ".join(f"{k} {v:.2f} s" for k, v in stamps.items())
        log(f"  run {i + 1}/{runs}: {shown}; import tensorflow {tf.seconds:.2f} s")
    return out


def figures(results: dict[str, list[float]]) -> dict[str, list[Figure]]:
    return {
        "startup": [
            Figure("cold start: window painted", "s", summary(results["window_painted"]), target="<= 1.5"),
            Figure("cold start: model loaded, can classify", "s", summary(results["model_loaded"])),
            Figure("cold start: main() entered (interpreter, argparse)", "s", summary(results["main"])),
            Figure('python -c "import tensorflow"', "s", summary(results["import_tensorflow"])),
        ]
    }
