"""Exporting in a child process: the app's engine runs TensorFlow's converters there, never in its own process.

TensorFlow's TFLite and ONNX converters run native code with threads of their own; inside the app, beside the
engine's training graph and its thread settings, a TFLite conversion was seen to hang for good (CI, 2026-11-29).
A child process starts clean, and whatever it allocates is given back when it ends. :func:`export_in_child` saves
nothing itself: it takes a .keras file, and reports like :func:`model.export.export_model`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

from model.errors import DigitTrainerError

TIMEOUT_S = 900


def export_in_child(model_path: str, out: str, fmt: str, data_path: str | None = None):
    """Export the model in ``model_path`` as ``fmt`` to ``out`` in a child process; a model.export.ExportReport.

    Raises DigitTrainerError with the child's message code (so it can be shown in the user's language).
    """
    from model.export import ExportReport

    root = str(Path(__file__).resolve().parent.parent)  # the folder holding the model package
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    cmd = [sys.executable, "-m", "model.export_child", model_path, str(out), fmt, data_path or ""]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DigitTrainerError("export.failed", path=str(out), format=fmt, error=str(exc)) from exc
    if done.returncode == 0:
        return ExportReport(**json.loads(done.stdout.strip().splitlines()[-1]))
    try:
        problem = json.loads(done.stderr.strip().splitlines()[-1])
        raise DigitTrainerError(problem["code"], **problem["params"])
    except (ValueError, KeyError, IndexError, TypeError):
        detail = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise DigitTrainerError("export.failed", path=str(out), format=fmt, error=detail) from None


def _main(argv: list[str]) -> int:
    model_path, out, fmt, data_path = argv
    try:
        from model.data import load_mnist
        from model.export import export_model
        from model.storage import load_model

        model, _ = load_model(model_path)
        report = export_model(model, out, fmt, load_mnist(data_path or None))
    except DigitTrainerError as exc:
        if not exc.code:
            raise
        print(json.dumps({"code": exc.code, "params": exc.params}), file=sys.stderr)
        return 2
    print(json.dumps(dataclasses.asdict(report)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
