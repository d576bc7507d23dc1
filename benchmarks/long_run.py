"""Long run: N minutes of scripted random use of the real window, watching for crashes, memory growth and threads.

The parent process starts a child that opens an offscreen MainWindow and, action after random action, draws real
pen digits (tests/gui/replay.py), clears, trains a tiny network on a small MNIST slice, stops runs part-way, evaluates,
saves and loads models. The child samples its resident memory (VmRSS) and its threads every few seconds and prints
one JSON line per sample; the parent reports a crash if the child dies, and judges the memory growth after warm-up:
the rise of RSS's low points (10th percentile) from the first to the last quarter of the samples after warm-up.

Usage: ``python benchmarks/long_run.py [--minutes 30] [--warmup 3] [--seed 0] [--out report.json]``
Exit status 0 when there was no crash, no error shown, no hang, no leaked thread and RSS grew < 50 MB after warm-up.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_util import PYTHON, REPO_ROOT, child_env, data_path  # noqa: E402

sys.path.insert(0, str(REPO_ROOT))  # the child replays pen digits with tests.gui.replay

MAX_GROWTH_MB = 50.0
SAMPLE_EVERY_S = 5.0
ACTION_TIMEOUT_S = 300.0
ACTIONS = {"draw": 8, "clear": 3, "train": 2, "stop": 2, "evaluate": 2, "save": 2, "load": 2}  # relative weights


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))


def _say(**record):
    print(json.dumps(record), flush=True)


def child(args) -> int:
    """The scripted user: runs inside app.exec(); every action ends in a window signal that schedules the next."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication

    from guiapp.main_window import MainWindow
    from model import pendigits
    from model.architecture import conv, dense, flatten, pool
    from model.recipes import recipe
    from tests.gui.replay import drag, replay

    rng = random.Random(args.seed)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    errors, exceptions = [], []
    sys.excepthook = lambda kind, exc, tb: exceptions.append(f"{kind.__name__}: {exc}")
    folder = Path(tempfile.mkdtemp(prefix="digit-trainer-long-run-"))
    tiny = [conv(4), pool(2), flatten(), dense(10, "softmax")]
    source = pendigits.find_file()
    digits = pendigits.parse(source)[:2000] if source else []
    window = MainWindow(data_path=data_path(), model_path=str(folder / "none_yet.keras"))
    window.show()
    canvas = window.draw_panel.canvas
    state = {"action": "start", "since": time.monotonic(), "count": {}, "answers": 0, "saved": [], "busy": True}
    t0 = time.monotonic()
    end = t0 + args.minutes * 60

    def done(*_):
        if state["busy"]:
            state["busy"] = False
            QTimer.singleShot(rng.randint(20, 400), step)

    def on_error(title, message):
        if "none_yet.keras" not in message:  # the app starts with a model file that does not exist, on purpose
            errors.append(f"{state['action']}: {message}")
        if state["action"] in ("load", "save"):
            done()

    def done_if(*actions):
        return lambda *_: done() if state["action"] in actions else None

    def on_saved(path):
        if path not in state["saved"]:
            state["saved"].append(path)
        done_if("save")()

    def on_phase(phase):
        if phase == "evaluating":
            state["evaluating"] = True
        elif phase == "idle" and (state["action"] == "start" or state.pop("evaluating", False)):
            done_if("start", "evaluate")()

    window.errorShown.connect(on_error)
    window.predictionShown.connect(lambda _p: state.__setitem__("answers", state["answers"] + 1))
    window.trainingFinished.connect(done_if("train", "stop"))
    window.modelSaved.connect(on_saved)
    window.modelShown.connect(done_if("load"))
    window.phaseShown.connect(on_phase)

    def draw():
        if digits:
            from model.pendigits import fit_to_canvas

            replay(canvas, fit_to_canvas(rng.choice(digits).strokes, size=canvas.width()))
        else:
            drag(canvas, np.cumsum(np.random.default_rng(rng.randrange(1 << 30)).normal(0, 8, (40, 2)), 0) + 140)

    def train(stop_after_ms=None):
        cfg = recipe("seed", spec=tiny, epochs=rng.randint(1, 2), batch_size=32, limit_train=rng.randint(300, 3000),
                     limit_test=500, validation_split=0.1, seed=rng.randrange(1000))
        window.train(cfg)
        run = window.controller.run
        if stop_after_ms is not None:
            QTimer.singleShot(stop_after_ms, lambda: window.controller.run == run and window.training_panel.stop_button.click())

    def step():
        now = time.monotonic()
        if now >= end:
            window.close()
            app.quit()
            return
        names = [n for n in args.only if n != "load" or state["saved"]]
        if not state["count"].get("train"):
            names = ["train"]  # first a model to draw with, save and load
        elif not names:
            names = ["save"]
        action = rng.choices(names, [ACTIONS.get(n, 1) for n in names])[0]
        state.update(action=action, since=now, busy=True)
        state["count"][action] = state["count"].get(action, 0) + 1
        if action == "draw":
            draw()
            done()
        elif action == "clear":
            window.draw_panel.clear_button.click()
            done()
        elif action == "train":
            train()
        elif action == "stop":
            train(stop_after_ms=rng.randint(100, 3000))
        elif action == "evaluate":
            state.pop("evaluating", None)
            window.findChild(QAction, "evaluateAction").trigger()
        elif action == "save":
            window.save_model(folder / f"model_{rng.randint(0, 2)}.keras")
        elif action == "load":
            window.open_model(rng.choice(state["saved"]))

    def sample():
        now = time.monotonic()
        hung = state["busy"] and now - state["since"] > ACTION_TIMEOUT_S and state["action"] != "start"
        if hung:
            errors.append(f"hang: {state['action']} did not finish in {ACTION_TIMEOUT_S:.0f} s")
            window.training_panel.stop_button.click()
            done()
        _say(kind="sample", t=round(now - t0, 1), rss_mb=round(_rss_mb(), 1),
             python_threads=threading.active_count(), native_threads=len(os.listdir("/proc/self/task")),
             python_objects=len(gc.get_objects()), qt_widgets=len(QApplication.allWidgets()),
             actions=sum(state["count"].values()), answers=state["answers"])

    sampler = QTimer()
    sampler.timeout.connect(sample)
    sampler.start(int(SAMPLE_EVERY_S * 1000))
    app.exec()
    sampler.stop()
    leaked = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    _say(kind="summary", counts=state["count"], answers=state["answers"], errors=errors, exceptions=exceptions,
         leaked_threads=leaked, engine_running=window.controller.engine_thread.isRunning(), rss_mb=round(_rss_mb(), 1))
    return 0


def _median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else float("nan")


def _low(values):
    values = sorted(values)
    return values[len(values) // 10] if values else float("nan")


def parent(args) -> int:
    cmd = [PYTHON, str(Path(__file__).resolve()), "--child", "--minutes", str(args.minutes), "--seed", str(args.seed),
           "--only", ",".join(args.only)]
    started = time.time()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    stderr_lines = []
    drain = threading.Thread(target=lambda: stderr_lines.extend(proc.stderr), daemon=True)
    drain.start()
    samples, summary = [], None
    for line in proc.stdout:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("kind") == "sample":
            samples.append(record)
            if len(samples) % 12 == 0:
                print(f"{record['t'] / 60:5.1f} min  RSS {record['rss_mb']:7.1f} MB  threads {record['python_threads']}"
                      f"/{record['native_threads']}  actions {record['actions']}  answers {record['answers']}"
                      f"  objects {record['python_objects']}  widgets {record['qt_widgets']}", flush=True)
        elif record.get("kind") == "summary":
            summary = record
    proc.wait()
    drain.join(5)
    warm = [s["rss_mb"] for s in samples if s["t"] <= args.warmup * 60]
    after = [s["rss_mb"] for s in samples if s["t"] > args.warmup * 60]
    quarter = max(1, len(after) // 4)
    # A training run in flight holds its batches, activations and traced graphs for a while: RSS swings by tens of
    # MB with what happens to be running at a sample. What a leak raises is the floor it swings down to, so the
    # growth is measured between the low points (10th percentile) of the first and the last quarter after warm-up.
    growth = _low(after[-quarter:]) - _low(after[:quarter]) if after else float("nan")
    median_growth = _median(after[-quarter:]) - _median(after[:quarter]) if after else float("nan")
    crashed = proc.returncode != 0 or summary is None
    report = {
        "minutes": args.minutes,
        "wall_minutes": round((time.time() - started) / 60, 2),
        "exit_code": proc.returncode,
        "crashed": crashed,
        "rss_mb_end_of_warmup": _median(warm[-3:]) if warm else None,
        "rss_mb_max": max((s["rss_mb"] for s in samples), default=None),
        "rss_growth_after_warmup_mb": round(growth, 1),
        "rss_median_growth_after_warmup_mb": round(median_growth, 1),
        "rss_mb_at_quarters_after_warmup": [round(_median(after[i * quarter : (i + 1) * quarter]), 1) for i in range(4)],
        "native_threads_min_max": [min((s["native_threads"] for s in samples), default=0),
                                   max((s["native_threads"] for s in samples), default=0)],
        "summary": summary,
        "stderr_tail": "".join(stderr_lines[-20:]) if crashed else "",
    }
    print(json.dumps(report, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps({**report, "samples": samples}, indent=2))
    ok = (
        not crashed
        and growth < MAX_GROWTH_MB
        and not summary["errors"]
        and not summary["exceptions"]
        and not summary["leaked_threads"]
        and not summary["engine_running"]
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--warmup", type=float, default=3.0, help="minutes before memory growth is judged")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="write the report and every sample as JSON here")
    p.add_argument("--only", type=lambda text: text.split(","), default=list(ACTIONS),
                   help=f"comma-separated actions to choose from (default: all of {','.join(ACTIONS)})")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
