"""How long ticking 3 recorded runs takes to show: reading their curves from the history and redrawing the plots.

Each run has 5 epochs of 600 batch reports (a 5-epoch run on full MNIST at about 10 reports a second). Times the
GUI thread from each tick to a finished repaint of both plots (one tick is one event-loop turn: the stall a person
could notice), over 10 rounds of ticking the three runs one by one (untick in between); the third tick redraws all
three overlaid runs.
Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/overlay_runs.py``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from model.history import RunHistory
from model.recipes import recipe
from model.reports import BatchReport, EpochReport, TrainResult
from tests.gui.history_support import StandInController

EPOCHS, REPORTS = 5, 600


def main() -> dict:
    app = QApplication.instance() or QApplication(sys.argv)
    from guiapp.history_view import HistoryController, RunHistoryView
    from guiapp.plots import TrainingPlots

    path = Path(tempfile.mkdtemp()) / "history.sqlite"
    history = RunHistory(path)
    for n in range(3):
        run = history.start_run(recipe("seed", epochs=EPOCHS), "cli")
        for epoch in range(1, EPOCHS + 1):
            for b in range(1, REPORTS + 1):
                loss = 1.0 / (epoch + b / REPORTS + n)
                history.add_batch(run, BatchReport(epoch, EPOCHS, b, REPORTS, loss, 1 - loss / 3, 0, 0, 0, 0, 0))
            history.add_epoch(run, EpochReport(epoch, EPOCHS, 0.2, 0.95, 0.25, 0.94, 60.0))
        history.finish_run(run, TrainResult(EPOCHS, [], 0.1, 0.98, seconds=300.0, device="CPU"))
    plots, view = TrainingPlots(), RunHistoryView()
    plots.resize(1000, 700)
    plots.show()
    keep = HistoryController(StandInController(), plots, view, history=history)  # noqa: F841 (its slots must live)
    app.processEvents()
    per_tick, third = [], []
    for _ in range(10):
        for row in range(3):  # one tick at a time, as a person ticks them: each is one turn of the event loop
            t0 = time.perf_counter()
            view.table.item(row, 0).setCheckState(Qt.Checked)
            plots.loss_plot.repaint()
            plots.accuracy_plot.repaint()
            per_tick.append((time.perf_counter() - t0) * 1000)
        third.append(per_tick[-1])  # the redraw with all three runs overlaid
        assert plots.overlay_count() == 3
        for row in range(3):
            view.table.item(row, 0).setCheckState(Qt.Unchecked)
        app.processEvents()
    result = {"runs": 3, "points_per_run": EPOCHS * REPORTS, "tick_median_ms": round(statistics.median(per_tick), 1),
              "tick_max_ms": round(max(per_tick), 1), "third_tick_median_ms": round(statistics.median(third), 1)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
