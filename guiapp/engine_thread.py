"""The engine's thread: a Python thread that Qt adopts, running a Qt event loop for the Engine's queued slots."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QMetaObject, QObject, Qt, QThread, Signal


class EngineThread(QObject):
    """Hosts the Engine on a thread of its own, running a Qt event loop; never a daemon.

    The thread is a Python ``threading.Thread`` that Qt adopts, not a QThread: TensorFlow's pybind11 code takes the
    GIL with ``PyGILState``, and on a QThread running PySide slots it found a second thread state and crashed the
    process (take_gil, like pytorch#150548). On a thread that Python created, the states agree. Queued signals and
    ``@Slot``s work as with a QThread, since Qt gives the adopted thread its own event dispatcher.
    """

    started = Signal()
    finished = Signal()

    def __init__(self, engine, parent=None):
        super().__init__(parent)
        self.setObjectName("EngineThread")
        self.engine = engine
        self._thread: threading.Thread | None = None
        self._loop: QEventLoop | None = None
        self._qthread: QThread | None = None
        self._adopted = threading.Event()
        self._go = threading.Event()

    def start(self):
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="EngineThread", daemon=False)
        self._thread.start()
        self._adopted.wait()
        self.engine.moveToThread(self._qthread)
        self._go.set()

    def _run(self):
        self._qthread = QThread.currentThread()
        self._qthread.setObjectName("EngineThread")
        self._loop = QEventLoop()
        self._adopted.set()
        self._go.wait()
        # The engine now lives here: queue its start so it runs inside this thread's event loop.
        QMetaObject.invokeMethod(self.engine, "start", Qt.QueuedConnection)
        self.started.emit()
        self._loop.exec()
        # The engine belongs to this thread: delete its Qt side here, once its loop has ended, so nothing it owns
        # outlives the thread (deleteLater needs this thread's event dispatcher to run the deferred delete).
        self.engine.deleteLater()
        QCoreApplication.sendPostedEvents(self.engine, QEvent.Type.DeferredDelete)
        self.finished.emit()

    def qthread(self) -> QThread | None:
        """The QThread object Qt made for the engine's thread (what ``engine.thread()`` returns)."""
        return self._qthread

    def isRunning(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def isFinished(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def quit(self):
        if self._loop is not None:
            QMetaObject.invokeMethod(self._loop, "quit", Qt.QueuedConnection)

    def wait(self, timeout_ms: int) -> bool:
        if self._thread is None:
            return True
        self._thread.join(timeout_ms / 1000)
        return not self._thread.is_alive()

    def shutdown(self, timeout_ms: int = 1800) -> bool:
        """Ask the engine to stop whatever it is doing, end the thread's event loop and wait for it."""
        self.engine.control.stop()
        self.quit()
        return self.wait(timeout_ms)
