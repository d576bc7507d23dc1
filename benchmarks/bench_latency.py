"""Draw -> result latency in the real window: final mouse release of a pen digit to ``predictionShown``.

Each run is a fresh app process (``app_probe.py latency``): it draws digits with the engine idle, then again while
the window trains the seed recipe on the whole of MNIST. The figures pool the digits of all runs. The first digit
after the model loads is reported on its own (it traces the inference function once).

The first answer after a clear also makes the feature-map view build its layer widgets, so single-stroke digits
(whose final release is also their first) are summarised apart from the others.
"""

from __future__ import annotations

from pathlib import Path

from bench_util import BENCH_DIR, PYTHON, REPO_ROOT, Figure, child_env, data_path, run_child, summary


def model_for_app(workdir: Path, log=print) -> tuple[str | None, str]:
    """The bundled model if this checkout has it (None: the app opens it itself), else a seed model trained now.

    Returns (``--model`` argument or None, a description).
    """
    bundled = REPO_ROOT / "resources" / "bundled_robust.keras"
    if bundled.is_file():
        return None, "bundled (resources/bundled_robust.keras)"
    path = workdir / "seed_1epoch.keras"
    if not path.exists():
        log("  resources/bundled_robust.keras is missing: training a seed model (1 epoch, 10,000 images) instead")
        from bench_training import _cli_command

        cmd = [*_cli_command(), "train", "--recipe", "seed", "--epochs", "1", "--limit-train", "10000",
               "--validation-split", "0", "--data", data_path(), "--out", str(path)]  # fmt: skip
        run_child(cmd, env=child_env()).check("training the fallback model")
    return str(path), "seed recipe, 1 epoch on 10,000 images (bundled model missing)"


def measure(digits: int, runs: int, model: str | None, log=print) -> list[dict]:
    out = []
    for i in range(runs):
        cmd = [PYTHON, str(BENCH_DIR / "app_probe.py"), "latency", "--digits", str(digits)]
        if model:
            cmd += ["--model", model]
        try:
            child = run_child(cmd, env=child_env(), timeout=1800).check("latency run")
            result = child.json_line()
        except RuntimeError as exc:
            log(f"  run {i + 1}/{runs} FAILED: {exc}")
            out.append({"error": str(exc)[-2000:]})
            continue
        result["max_rss_mb"] = child.max_rss_mb
        s_idle, s_train = summary(result["idle_ms"]), summary(result["training_ms"])
        log(
            f"  run {i + 1}/{runs}: idle median {s_idle['median']:.1f} ms p95 {s_idle['p95']:.1f} ms; during training "
            f"median {s_train['median']:.1f} ms p95 {s_train['p95']:.1f} ms; first {result['first_ms']:.0f} ms"
        )
        out.append(result)
    return out


def _split(results: list[dict], key: str, single: bool) -> list[float]:
    results = [r for r in results if "error" not in r]
    return [ms for r in results for ms, n in zip(r[f"{key}_ms"], r[f"{key}_strokes"]) if (n == 1) == single]


def figures(results: list[dict]) -> dict[str, list[Figure]]:
    results = [r for r in results if "error" not in r]
    idle = [ms for r in results for ms in r["idle_ms"]]
    training = [ms for r in results for ms in r["training_ms"]]
    latency = [
        Figure("draw -> result, idle", "ms", summary(idle), target="<= 10", key="p95"),
        Figure("draw -> result, during training", "ms", summary(training), target="<= 30", key="p95"),
        Figure("  idle, multi-stroke digits", "ms", summary(_split(results, "idle", False)), key="p95"),
        Figure("  idle, single-stroke digits", "ms", summary(_split(results, "idle", True)), key="p95"),
        Figure("  training, multi-stroke digits", "ms", summary(_split(results, "training", False)), key="p95"),
        Figure("  training, single-stroke digits", "ms", summary(_split(results, "training", True)), key="p95"),
        Figure("first drawing after the model loads", "ms", summary(r["first_ms"] for r in results)),
    ]
    memory = [
        Figure(
            "app: peak RSS, drawing while training all of MNIST",
            "MB",
            summary(r["max_rss_mb"] for r in results),
            target="<= 1200",
            key="max",
        )  # fmt: skip
    ]
    return {"latency": latency, "memory": memory}
