"""pytest-qt fixtures: offscreen Qt, throw-away settings, and a check that no test leaves a QThread running."""

import os
import tempfile
import threading
import weakref

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings go to a throw-away folder, never the developer's own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="digit-trainer-test-config-")

import pytest  # noqa: E402
from PySide6.QtCore import QThread  # noqa: E402

_started_threads: list = []
_original_start = QThread.start


def _tracking_start(self, *args, **kwargs):
    _started_threads.append(weakref.ref(self))
    return _original_start(self, *args, **kwargs)


QThread.start = _tracking_start


@pytest.fixture(autouse=True)
def fresh_settings(qapp):
    """Every test starts from the defaults: a window saves its settings (epochs, paths, layout) when it closes."""
    from PySide6.QtCore import QSettings

    from guiapp.main_window import SETTINGS_APP, SETTINGS_ORG

    settings = QSettings(SETTINGS_ORG, SETTINGS_APP)
    settings.clear()
    settings.sync()
    yield


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    """Fail any test that leaves a QThread or the engine's thread running (as napari's test suite does)."""
    before = set(threading.enumerate())
    yield
    running = [t() for t in _started_threads if t() is not None and t().isRunning()]
    _started_threads.clear()
    for thread in running:
        thread.quit()
        thread.wait(5000)
    engines = [t for t in threading.enumerate() if t.name == "EngineThread" and t not in before]
    assert not running, f"test left {len(running)} QThread(s) running: {[t.objectName() for t in running]}"
    assert not engines, "test left the engine thread running"


@pytest.fixture
def window(qtbot, mnist_path):
    """A MainWindow on the real MNIST file, with its engine loaded and ready."""
    from guiapp.main_window import MainWindow

    w = MainWindow(data_path=str(mnist_path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.training_panel.train_button.isEnabled(), timeout=60_000)
    yield w
    w.close()


def _train_small(window, qtbot, *, epochs=1, limit=600, batch_size=32, **overrides):
    from model.recipes import recipe

    cfg = recipe("seed", epochs=epochs, batch_size=batch_size, limit_train=limit, limit_test=500, **overrides)
    assert window.train(cfg), window.status.text()
    return cfg


@pytest.fixture
def train_small():
    """``train_small(window, qtbot, epochs=1, limit=600, ...)`` starts a short real run (seed recipe, MNIST slice)."""
    return _train_small


@pytest.fixture(scope="session")
def model_files(tmp_path_factory):
    """Valid .keras files: ``seed`` and ``other_seed`` (seed network, different weights), ``cifar_shaped`` (32x32x3
    input) and ``five_classes`` (5 outputs). Treat them as read-only; copy one to change it."""
    from faults import make_model_files

    return make_model_files(tmp_path_factory.mktemp("models"))


@pytest.fixture
def make_window(qtbot, model_files, mnist_path):
    """``make_window(data_path=MNIST, model_path=seed.keras, ready=True)``: a shown MainWindow, waited on until its
    engine is idle with the model loaded (``ready=False`` returns at once). Closed, engine gates released, at the end."""
    from faults import EngineGate
    from guiapp.main_window import MainWindow

    windows = []

    def make(data_path=mnist_path, model_path=model_files["seed"], ready=True):
        w = MainWindow(data_path=str(data_path), model_path=str(model_path) if model_path else None)
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        if ready:
            qtbot.waitUntil(lambda: not w.controller.busy and w.phase == "idle", timeout=60_000)
        return w

    yield make
    EngineGate.release_all()
    for w in windows:
        w.close()


@pytest.fixture
def bundled_window(qtbot):
    """The window as a user first sees it: no dataset, the bundled model."""
    from guiapp.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    # Wait on the window's own signal: a Python callable connected to an engine signal runs on the engine's thread.
    qtbot.waitUntil(lambda: (w.controller.model_info is not None), timeout=60_000)
    qtbot.waitUntil(lambda: w.model_summary.total_label.text() != "", timeout=10_000)
    yield w
    w.close()
