"""Fixtures for the evaluation / saliency / teach tests: a small trained model file and a window that uses it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="session")
def small_model_file(tmp_path_factory, mnist_path):
    """A seed-recipe model trained for one epoch on 3,000 images by the CLI (in a child process: no TF on the GUI
    thread). Made once per session, shared by the modules that import this fixture. Read-only."""
    path = tmp_path_factory.getbasetemp() / "improve_small_model.keras"
    if not path.exists():
        cmd = [sys.executable, "-m", "model.cli", "train", "--data", str(mnist_path), "--epochs", "1",
               "--limit-train", "3000", "--validation-split", "0", "--out", str(path)]
        done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0 and path.exists(), done.stderr[-2000:]
    return path


@pytest.fixture
def improve_window(qtbot, mnist_path, small_model_file, tmp_path):
    """A shown MainWindow on real MNIST with ``small_model_file`` loaded, idle, samples in ``tmp_path``."""
    from guiapp.main_window import MainWindow

    w = MainWindow(data_path=str(mnist_path), model_path=str(small_model_file),
                   samples_path=str(tmp_path / "samples.sqlite"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.training_panel.train_button.isEnabled() and w.phase == "idle", timeout=90_000)
    yield w
    # The window saves its layout on close; a Teach tab left in front would open that dock (and a sample database
    # in the user's data folder) in the windows of later tests.
    w.feature_dock.raise_()
    w.close()
