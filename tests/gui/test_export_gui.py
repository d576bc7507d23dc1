"""File › Export model…: the export runs as an engine job, is checked on the test set, and reports what it wrote."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog

pytestmark = pytest.mark.usefixtures("mnist_path")


def test_export_from_the_menu_writes_a_checked_tflite_file(make_window, qtbot, tmp_path, monkeypatch):
    window = make_window()
    action = window.findChild(QAction, "exportModelAction")
    assert action.isEnabled()
    out = tmp_path / "digits.tflite"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("TensorFlow Lite (.tflite)", True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "digits"), ""))
    with qtbot.waitSignal(window.export_flow.exported, timeout=180_000) as blocker:
        action.trigger()
        assert not action.isEnabled() and window.controller.job == "exporting"
    report = blocker.args[0]
    assert report.path == str(out) and out.is_file() and report.size_bytes == out.stat().st_size
    assert report.images == 10_000 and report.agreement >= 0.999
    assert "digits.tflite" in window.status.text()
    qtbot.waitUntil(action.isEnabled, timeout=10_000)


def test_export_into_a_missing_folder_says_so_and_sends_nothing(make_window, qtbot, tmp_path):
    window = make_window()
    with qtbot.waitSignal(window.errorShown, timeout=10_000) as blocker:
        assert window.export_flow.export(str(tmp_path / "nowhere" / "m.onnx"), "onnx") is False
    assert "nowhere" in blocker.args[1]
    assert not window.controller.busy


def test_a_format_whose_packages_are_missing_names_the_pip_line(make_window, qtbot, tmp_path, monkeypatch):
    import model.export

    window = make_window()
    monkeypatch.setattr(model.export, "missing_packages", lambda fmt: ["tf2onnx"])
    with qtbot.waitSignal(window.errorShown, timeout=10_000) as blocker:
        window.export_flow.export(str(tmp_path / "m.onnx"), "onnx")
    assert "tf2onnx" in blocker.args[1] and "pip install" in blocker.args[1]
    assert not (tmp_path / "m.onnx").exists()
