"""The default window fits a laptop or a projector: at 1,366 x 768 and 1,280 x 720 everything a person needs is on
screen and unclipped, at rest and 3 s into training; zoom, presentation mode and saved layouts keep it so.

Each screen size runs the real app in its own process (``layout_driver.py``): Qt's platform, and so the screen, is
fixed when the QApplication is made, and pytest-qt has one per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction

from layout_driver import FIRST_MAPS, LONGEST_ANSWER, NEEDED

DRIVER = Path(__file__).with_name("layout_driver.py")
SCREENS = ("1366x768", "1280x720")


def _open(qtbot, mnist_path):
    """A shown MainWindow with its engine ready (closing one while TensorFlow imports leaves the thread behind)."""
    from guiapp.main_window import MainWindow

    window = MainWindow(data_path=str(mnist_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.training_panel.train_button.isEnabled(), timeout=60_000)
    return window


def _run_driver(size: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("QT_QPA_PLATFORM", None)  # the driver sets its own offscreen screen
    return subprocess.Popen([sys.executable, str(DRIVER), size, *extra], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def driven(mnist_path):
    """{screen size: driver output lines}, both sizes run side by side (each is mostly waiting on TensorFlow)."""
    runs = {size: _run_driver(size, "--train", "--data", str(mnist_path)) for size in SCREENS}
    out = {}
    for size, proc in runs.items():
        text, _ = proc.communicate(timeout=240)
        out[size] = text.splitlines()
        assert proc.returncode == 0 and "DONE" in out[size], text[-3000:]
    return out


@pytest.mark.parametrize("size", SCREENS)
def test_every_needed_widget_is_on_screen_and_unclipped_at_rest_and_while_training(driven, size):
    lines = driven[size]
    width, height = (int(v) for v in size.split("x"))
    assert f"SCREEN {width} {height}" in lines  # the offscreen screen really had that size
    checks = {tuple(line.split(" ", 3)[1:3]): line.split(" ", 3)[3] for line in lines if line.startswith("CHECK ")}
    for stage in ("rest", "training"):
        for name in (*NEEDED, FIRST_MAPS, LONGEST_ANSWER):
            assert checks.get((stage, name)) == "ok", f"{size} {stage}: {name}: {checks.get((stage, name))}"
    phases = dict(line.split(" ")[1:3] for line in lines if line.startswith("PHASE "))
    assert phases["training"] in ("training", "validating"), phases  # checked inside the run, not after it
    window = next(line for line in lines if line.startswith("WINDOW ")).split()[1:]
    x, y, w, h = (int(v) for v in window)
    assert 0 <= x and 0 <= y and x + w <= width and y + h <= height, window


def test_a_saved_window_larger_than_the_screen_is_not_restored(qtbot, mnist_path):
    first = _open(qtbot, mnist_path)
    area = first.screen().availableGeometry()
    first.showNormal()
    first.resize(area.width() + 400, area.height() + 300)  # as saved on a larger monitor
    first.save_settings()
    first.close()
    second = _open(qtbot, mnist_path)
    try:
        normal = second.normalGeometry()
        assert normal.width() <= area.width() and normal.height() <= area.height()
    finally:
        second.close()


def test_a_saved_layout_that_fits_is_restored(qtbot, mnist_path):
    first = _open(qtbot, mnist_path)
    area = first.screen().availableGeometry()
    size = QSize(area.width() - 10, area.height() - 100)
    first.setWindowState(first.windowState() & ~first.windowState().WindowMaximized)
    first.setGeometry(5, 10, size.width(), size.height())
    first.draw_dock.hide()
    first.save_settings()
    first.close()
    second = _open(qtbot, mnist_path)
    try:
        assert second.normalGeometry().size() == size
        assert second.draw_dock.isHidden()
    finally:
        second.close()


def test_zoom_scales_the_interface_and_is_remembered(qtbot, mnist_path):
    from PySide6.QtWidgets import QApplication

    from guiapp import theme

    base = QApplication.font().pointSizeF()
    window = _open(qtbot, mnist_path)
    label = window.draw_panel.prediction_panel.label
    canvas = window.draw_panel.canvas
    axis = window.plots.loss_plot.getPlotItem().getAxis("left")
    before = (label.font().pointSizeF(), canvas.width(), axis.style["tickFont"].pointSizeF())
    try:
        for _ in range(2):
            window.findChild(QAction, "zoomInAction").trigger()
        assert theme.zoom() == 1.25
        assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
        qtbot.waitUntil(lambda: label.font().pointSizeF() > before[0])
        qtbot.waitUntil(lambda: canvas.width() > before[1])  # a larger canvas, the drawing unchanged
        assert canvas.image().shape == (280, 280)
        assert axis.style["tickFont"].pointSizeF() > before[2]  # pyqtgraph's tick labels follow the font too
        window.close()
        again = _open(qtbot, mnist_path)
        assert theme.zoom() == 1.25  # remembered
        again.findChild(QAction, "zoomResetAction").trigger()
        assert theme.zoom() == 1.0
        again.close()
    finally:
        theme.set_zoom(1.0)


def test_presentation_mode_enlarges_the_answer_and_switches_back(qtbot, mnist_path):
    from guiapp import theme
    from guiapp.presentation import PRESENTATION_ZOOM

    window = _open(qtbot, mnist_path)
    action = window.findChild(QAction, "presentationAction")
    label = window.draw_panel.prediction_panel.label
    size = label.font().pointSizeF()
    try:
        assert action.isCheckable() and not action.isChecked()
        action.trigger()
        assert action.isChecked() and theme.zoom() == PRESENTATION_ZOOM
        qtbot.waitUntil(lambda: label.font().pointSizeF() >= size * PRESENTATION_ZOOM * 0.99)
        action.trigger()
        assert theme.zoom() == 1.0
    finally:
        theme.set_zoom(1.0)
        window.close()


def test_plots_follow_the_palette_light_and_dark(qtbot):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from guiapp.plots import TrainingPlots
    from guiapp.prediction import PredictionPanel

    app = QApplication.instance()
    original = app.palette()
    plots, panel = TrainingPlots(), PredictionPanel()
    for w in (plots, panel):
        qtbot.addWidget(w)
    axis = plots.loss_plot.getPlotItem().getAxis("left")

    def shade(plot):
        return plot.backgroundBrush().color().lightnessF()

    try:
        app.setPalette(QPalette(QColor("#f0f0f0")))
        qtbot.waitUntil(lambda: shade(plots.loss_plot) > 0.8)
        assert axis.textPen().color().lightnessF() < 0.5  # dark tick labels on the light plot
        app.setPalette(QPalette(QColor("#2b2b2b")))
        qtbot.waitUntil(lambda: shade(plots.loss_plot) < 0.3)
        assert axis.textPen().color().lightnessF() > 0.5
        assert panel.plot.getPlotItem().getAxis("bottom").textPen().color().lightnessF() > 0.5
    finally:
        app.setPalette(original)


def test_the_runs_table_shows_every_column_whole_during_and_after_a_run(qtbot):
    from types import SimpleNamespace

    from guiapp.training_panel import TrainingPanel
    from model.recipes import recipe

    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.resize(340, 600)
    panel.show()
    panel.show_run_started(1, recipe("seed", epochs=2, limit_train=6000))
    panel.show_epoch(1, SimpleNamespace(epoch=1, epochs=2, accuracy=0.9374, val_accuracy=0.9512))
    table = panel.runs_table
    assert table.item(0, 3).text() == "running…"  # the test accuracy is not confused with the epoch's figures
    assert table.item(0, 4).text() == "95.12 %"

    def cut() -> list[str]:
        """The cells whose text does not fit their column's width and the row's height (wrapped at words)."""
        found = []
        for column in range(table.columnCount()):
            item = table.item(0, column)
            needed = table.fontMetrics().boundingRect(0, 0, table.columnWidth(column) - 6, 10_000,
                                                      int(item.textAlignment()) | 0x1000, item.text())  # word wrap
            if needed.height() > table.rowHeight(0) or needed.width() > table.columnWidth(column):
                found.append(item.text())
        return found

    qtbot.waitUntil(lambda: not cut())  # the header resizes its sections on its next layout
    assert table.horizontalScrollBar().maximum() == 0  # and at the default dock's width, no sideways scrolling


def test_the_plot_key_is_outside_the_plots(qtbot):
    from guiapp.plots import TrainingPlots

    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.start_run(1, 2)
    assert plots.loss_plot.getPlotItem().legend is None and plots.accuracy_plot.getPlotItem().legend is None
    assert "run 1" in plots.legend.text()


def test_the_architecture_editor_fits_a_narrow_dock_without_a_sideways_scroll_bar(qtbot):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QComboBox, QSpinBox

    from guiapp.architecture_editor import ArchitectureEditor

    editor = ArchitectureEditor()
    qtbot.addWidget(editor)
    editor.resize(340, 700)
    editor.show()
    qtbot.waitExposed(editor)
    viewport = editor.scroll.viewport()
    assert not editor.scroll.horizontalScrollBar().isVisible()
    found = editor.scroll.widget().findChildren(QComboBox) + editor.scroll.widget().findChildren(QSpinBox)
    controls = [w for w in found if w.isVisible()]
    assert len(controls) > 10
    for control in controls:
        right = control.mapTo(viewport, QPoint(control.width(), 0)).x()
        assert right <= viewport.width(), f"{control.objectName()} ends at {right} of {viewport.width()} px"


def test_a_zoomed_canvas_is_larger_and_draws_the_same_digit(qtbot):
    import numpy as np
    from faults import SEVEN
    from replay import drag

    from guiapp.canvas import DrawCanvas

    plain, zoomed = DrawCanvas(), DrawCanvas()
    for canvas in (plain, zoomed):
        qtbot.addWidget(canvas)
    zoomed.set_zoom(1.5)
    assert zoomed.width() == zoomed.height() == 420
    drag(plain, SEVEN)
    drag(zoomed, SEVEN * 1.5)  # the same stroke where the person sees it on the larger canvas
    np.testing.assert_allclose(zoomed.strokes()[0], plain.strokes()[0], atol=1e-3)
    np.testing.assert_array_equal(zoomed.image(), plain.image())  # what the model reads does not change
    assert zoomed.image().shape == (280, 280)
