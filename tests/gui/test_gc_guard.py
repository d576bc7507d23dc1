"""Cyclic garbage is collected on the GUI thread while a window's engine runs, never on the engine's thread."""

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from guiapp import gc_guard


class _Cycle:
    def __init__(self):
        self.me = self
        self.qt = QObject()  # a Qt wrapper in the garbage, as in the deadlock gc_guard prevents


def _collected_on_thread(obj) -> list:
    """Names of the threads on which ``obj`` was finalised."""
    threads = []
    weakref.finalize(obj, lambda: threads.append(threading.current_thread().name))
    return threads


def test_window_turns_automatic_collection_off_and_collects_on_the_gui_thread(window, qtbot):
    assert not gc.isenabled()
    assert gc_guard.collector().engaged()
    threads = _collected_on_thread(_Cycle())
    # Enough allocations to pass generation 0's threshold; only the GUI thread's timer may then collect.
    junk = [[] for _ in range(gc.get_threshold()[0] * 3)]
    qtbot.waitUntil(lambda: bool(threads), timeout=10_000)
    assert threads == ["MainThread"]
    del junk


def test_closing_the_last_window_gives_collection_back(qtbot, mnist_path):
    from guiapp.main_window import MainWindow

    was_enabled = gc.isenabled()
    w = MainWindow(data_path=str(mnist_path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.training_panel.train_button.isEnabled(), timeout=60_000)
    assert not gc.isenabled()
    w.close()
    assert not w.controller.engine_thread.isRunning()
    assert gc.isenabled() == was_enabled
    assert not gc_guard.collector().engaged()
