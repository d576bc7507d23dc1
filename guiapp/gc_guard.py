"""Python's cyclic garbage collector, run on the GUI thread only.

CPython runs a collection in whichever thread happens to allocate when a generation's count passes its threshold.
In this app that is mostly the engine's thread, which allocates heavily inside TensorFlow. When the garbage it
collects holds Qt wrappers (a closed dialog, a window of an earlier test, a rebuilt feature-map grid), their C++
destructors then run on the engine's thread: a QObject destroyed off its own thread, and a deadlock seen in
practice: the engine's thread, inside ``~QObject``, holds the object's connection mutex and waits for the GIL,
while the GUI thread holds the GIL and waits for that mutex (py-spy showed both). pyqtgraph's ``GarbageCollector``
answers this the same way: automatic collection is disabled and a GUI-thread timer collects instead.

Once TensorFlow and the first model are loaded, :func:`freeze_startup` collects once and moves what survives into
the permanent generation (``gc.freeze``), so later full collections skip TensorFlow's ~270,000 start-up objects and
take microseconds instead of about 130 ms of the GUI thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

CHECK_INTERVAL_MS = 250


class GuiThreadGarbageCollector(QObject):
    """Disables automatic collection while at least one window holds it, and collects from a GUI-thread timer."""

    def __init__(self, interval_ms: int = CHECK_INTERVAL_MS):
        super().__init__()
        self.setObjectName("guiThreadGarbageCollector")
        self._holders = 0
        self._was_enabled = True
        self._frozen = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def engage(self):
        """Called by each window as it opens (on the GUI thread)."""
        if self._holders == 0:
            self._was_enabled = gc.isenabled()
            gc.disable()
            self._timer.start()
        self._holders += 1

    def release(self):
        """Called by a window once its engine thread has ended; the last one gives collection back to CPython."""
        if self._holders == 0:
            return
        self._holders -= 1
        if self._holders == 0:
            self._timer.stop()
            gc.collect()
            if self._was_enabled:
                gc.enable()

    def engaged(self) -> bool:
        return self._holders > 0

    @Slot()
    def check(self):
        """Collect the generations whose counts passed CPython's own thresholds, youngest first."""
        threshold = gc.get_threshold()
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= threshold[generation]:
                break
            gc.collect(generation)

    def freeze_startup(self):
        """Once per process, after TensorFlow and a model have loaded: collect, then freeze what survives."""
        if self._frozen:
            return
        self._frozen = True
        gc.collect()
        gc.freeze()


_collector: GuiThreadGarbageCollector | None = None


def collector() -> GuiThreadGarbageCollector:
    """The process' one collector (create it on the GUI thread)."""
    global _collector
    if _collector is None:
        _collector = GuiThreadGarbageCollector()
    return _collector
