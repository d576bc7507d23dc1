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

from layout_driver import FIRST_MAPS, NEEDED

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
        for name in (*NEEDED, FIRST_MAPS):
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
    preview = window.draw_panel.prediction_panel.preview
    axis = window.plots.loss_plot.getPlotItem().getAxis("left")
    before = (label.font().pointSizeF(), preview.width(), axis.style["tickFont"].pointSizeF())
    try:
        for _ in range(2):
            window.findChild(QAction, "zoomInAction").trigger()
        assert theme.zoom() == 1.25
        assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
        qtbot.waitUntil(lambda: label.font().pointSizeF() > before[0])
        assert preview.width() > before[1]
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
