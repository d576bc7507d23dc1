"""The benchmark suite's plumbing on made-up figures: summaries, the table, the JSON file and output parsing.

No timing is asserted here (benchmarks report figures; tests never judge wall-clock times).
"""

import json
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH_DIR))
    import bench_latency
    import bench_startup
    import bench_training
    import bench_util
    import run

    return bench_util, bench_training, bench_latency, bench_startup, run


def test_summary_and_targets(bench):
    util = bench[0]
    s = util.summary([3.0, 1.0, 2.0, None, 4.0])
    assert (s["n"], s["median"], s["min"], s["max"]) == (4, 2.5, 1.0, 4.0)
    assert util.summary([]) == {}
    assert util.Figure("x", "ms", s, target="<= 5", key="max").met() is True
    assert util.Figure("x", "ms", s, target="<= 3", key="max").met() is False
    assert util.Figure("x", "ms", s).met() is None


def test_table_and_atomic_json(bench, tmp_path):
    util = bench[0]
    figs = [
        util.Figure("draw -> result, idle", "ms", util.summary([5, 6, 40]), target="<= 10", key="p95"),
        util.Figure("import tensorflow", "s", util.summary([2.5])),
        util.Figure("nothing measured", "s", {}),
    ]
    table = util.format_table(figs)
    lines = table.splitlines()
    assert len(lines) == 2 + len(figs)
    assert len({len(line) for line in lines}) == 1  # columns line up
    assert "NO" in lines[2] and "p95 <= 10" in lines[2]
    out = tmp_path / "results.json"
    out.write_text("old")
    util.write_json_atomic(out, {"figures": [f.as_dict() for f in figs]})
    data = json.loads(out.read_text())
    assert data["figures"][0]["met"] is False and data["figures"][1]["met"] is None
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temporary file left behind


def test_training_figures_from_fake_runs(bench):
    training = bench[1]
    runs = []
    for cycle in range(2):
        runs += [
            training.Run("seed", cycle, 60000, [30.0, 20.0, 20.0], 0.99, 70, 900),
            training.Run("cli", cycle, 60000, [25.0, 10.0, 10.0], 0.99, 50, 800),
            training.Run("app", cycle, 60000, [25.0, 10.5, 10.5], 0.99, 55, 1000, [0.1], [0.2, 60.0], [0.3]),
        ]
    groups = training.figures(runs)
    by_name = {f.name: f for f in groups["training"]}
    assert by_name["epoch time ratio engine (CLI) / seed script"].stats["median"] == pytest.approx(0.5)
    assert by_name["epoch time ratio app window / engine (CLI)"].met() is True
    assert by_name["engine (CLI): throughput epoch 2+"].stats["median"] == pytest.approx(6000)
    assert any(f.met() is False for f in groups["responsiveness"])  # a 60 ms late heartbeat misses the 50 ms max


def test_cli_output_parsing(bench):
    training = bench[1]
    out = "recipe=seed device=CPU train=60000\nepoch 1/2 loss=0.2 accuracy=0.9 time=21.5s\n" \
          "epoch 2/2 loss=0.1 accuracy=0.97 time=18.0s\ntest_loss=0.05\ntest_accuracy=0.9871\n"  # fmt: skip
    assert training.parse_cli(out) == ([21.5, 18.0], 0.9871)


def test_startup_log_reading(bench, tmp_path):
    startup = bench[3]
    log = tmp_path / "startup.log"
    log.write_text("main 100.5\nwindow_painted 101.0\n")
    assert startup.read_log(log) == {"main": 100.5, "window_painted": 101.0}
    assert startup.read_log(tmp_path / "missing.log") == {}
