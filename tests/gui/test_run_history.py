"""The Runs view (``runHistory``): runs kept across restarts, ticked runs overlaid, delete and CSV export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QTableWidget

from model.history import RunHistory
from model.recipes import recipe
from model.reports import BatchReport, EpochReport, TrainResult
from tests.gui.history_support import StandInController


def _recorded_runs(path, count):
    history = RunHistory(path)
    for n in range(count):
        run = history.start_run(recipe("seed", epochs=2), "cli")
        for epoch in (1, 2):
            for batch in range(1, 11):
                history.add_batch(run, BatchReport(epoch, 2, batch, 10, 1.0 / (batch + n), 0.9, 0, 0, 0, 0, 0))
            history.add_epoch(run, EpochReport(epoch, 2, 0.3, 0.9, 0.35, 0.88, 1.0))
        history.finish_run(run, TrainResult(2, [], 0.2, 0.95, seconds=2.0, device="CPU"))
    history.close()


def _overlay_setup(qtbot, path):
    from guiapp.history_view import HistoryController, RunHistoryView
    from guiapp.plots import TrainingPlots

    plots, view = TrainingPlots(), RunHistoryView()
    qtbot.addWidget(plots)
    qtbot.addWidget(view)
    return plots, view, HistoryController(StandInController(), plots, view, history=RunHistory(path))


def test_three_ticked_runs_show_three_overlay_curves(qtbot, tmp_path):
    _recorded_runs(tmp_path / "h.sqlite", 3)
    plots, view, _ = _overlay_setup(qtbot, tmp_path / "h.sqlite")
    assert view.objectName() == "runHistory" and view.table.objectName() == "runsTable"
    assert view.table.rowCount() == 3
    before = len(plots.loss_plot.getPlotItem().listDataItems())
    for row in range(3):
        view.table.item(row, 0).setCheckState(Qt.Checked)
    assert plots.overlay_count() == 3
    items = plots.loss_plot.getPlotItem().listDataItems()
    assert len(items) - before == 9  # batch curve, epoch points, validation points per run
    assert sum(len(item.xData) == 20 for item in items) == 3
    view.table.item(1, 0).setCheckState(Qt.Unchecked)
    assert plots.overlay_count() == 2


def test_delete_asks_first_and_export_writes_the_table(qtbot, tmp_path, monkeypatch):
    _recorded_runs(tmp_path / "h.sqlite", 2)
    plots, view, _ = _overlay_setup(qtbot, tmp_path / "h.sqlite")
    view.table.item(0, 0).setCheckState(Qt.Checked)
    answers = iter([False, True])
    monkeypatch.setattr(view, "confirm_delete", lambda _id: next(answers))
    first = view.table.ticked()[0]
    view.request_delete(first)
    assert view.table.rowCount() == 2
    view.request_delete(first)
    assert view.table.rowCount() == 1 and plots.overlay_count() == 0
    assert [r.id for r in RunHistory(tmp_path / "h.sqlite").runs()] != [first]
    view.exportRequested.emit(str(tmp_path / "runs.csv"))
    assert len((tmp_path / "runs.csv").read_text().splitlines()) == 2


def test_sorting_by_test_accuracy_keeps_rows_whole(qtbot, tmp_path):
    _recorded_runs(tmp_path / "h.sqlite", 3)
    _, view, _ = _overlay_setup(qtbot, tmp_path / "h.sqlite")
    view.table.horizontalHeader().sectionClicked.emit(0)
    view.table.horizontalHeader().sectionClicked.emit(0)  # a second click sorts the other way
    assert [view.table.item(r, 0).text() for r in range(3)] == ["h3", "h2", "h1"]
    assert view.table.ticked() == []


@pytest.mark.usefixtures("mnist_path")
def test_a_run_trained_in_the_window_is_listed_after_a_restart(qtbot, mnist_path, train_small):
    from guiapp.main_window import MainWindow

    def open_window():
        w = MainWindow(data_path=str(mnist_path))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.training_panel.train_button.isEnabled(), timeout=60_000)
        return w

    first = open_window()
    with qtbot.waitSignal(first.trainingFinished, timeout=180_000):
        train_small(first, qtbot)
    qtbot.waitUntil(lambda: first.controller.job == "", timeout=60_000)
    table = first.findChild(QTableWidget, "runsTable")
    assert table.rowCount() == 1 and table.item(0, 3).text().endswith("%")
    first.close()

    second = open_window()
    table = second.findChild(QTableWidget, "runsTable")
    assert second.findChild(QObject, "runHistory") is not None
    assert table.rowCount() == 1
    assert table.item(0, 3).text().endswith("%") and table.item(0, 2).text() == "1/1"
    second.close()
