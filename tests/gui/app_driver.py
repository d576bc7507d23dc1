"""Run the real app (``guiapp.app.main``) and close it at a chosen phase; used by test_shutdown.py.

Usage: ``python tests/gui/app_driver.py PHASE [app arguments]`` with PHASE one of ``loading``, ``idle``,
``training``, ``validating``, ``testing``, ``evaluating``, ``paused``; or ``sigterm`` / ``sigterm-training``: set
Epochs to 7, print READY once idle (or once training), and wait for the test to send SIGTERM. The driver prints,
flushed, one line per event:

``CLOSE <time.time()>``  just before it asks the window to close (the shutdown clock starts here);
``PHASE <name>``         each phase the window shows;
``THREADS <names>``      the Python threads besides the main one still alive when the app is about to quit (after the
                         window's close has joined the engine's thread), ``-`` for none.

For the phases inside a run, a callable connected to the engine's signal runs on the engine thread: it asks the
GUI thread to close the window and holds the engine in that phase until the close has asked it to stop, so the
close lands in the phase every time, however fast or slow the machine.
"""

from __future__ import annotations

import os
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PHASE = sys.argv[1]
APP_ARGS = sys.argv[2:]
RUN = dict(epochs=1, batch_size=32, limit_train=2000, limit_test=2000, validation_split=0.5)


def say(*parts):
    print(*parts, flush=True)


def drive(window):
    from PySide6.QtCore import QMetaObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from model.recipes import recipe

    engine = window.controller.engine
    state = {"closed": False, "started": False}

    def close_now():
        if not state["closed"]:
            state["closed"] = True
            say("CLOSE", f"{time.time():.6f}")
            window.close()

    def close_from_engine_thread():
        """On the engine thread: queue the close on the GUI thread (through a timer living there), then hold the
        engine in its phase until the close has asked it to stop."""
        QMetaObject.invokeMethod(bridge, "start", Qt.QueuedConnection)
        engine.control._stop.wait(20)

    bridge = QTimer()
    bridge.setSingleShot(True)
    bridge.setInterval(0)
    bridge.timeout.connect(close_now)
    window._driver_bridge = bridge

    def on_engine_phase(phase):  # engine thread
        if phase == PHASE and PHASE in ("validating", "testing", "evaluating") and not state["closed"]:
            close_from_engine_thread()

    def on_engine_batch(_report):  # engine thread
        if PHASE == "training" and not state["closed"]:
            close_from_engine_thread()

    engine.phaseChanged.connect(on_engine_phase)
    engine.batchEnded.connect(on_engine_batch)

    def poll():  # GUI thread, every 50 ms
        phase = window.phase
        if state.get("last") != phase:
            state["last"] = phase
            say("PHASE", phase)
        ready = window.training_panel.train_button.isEnabled() and phase == "idle"
        if PHASE == "loading" and window.controller.engine_thread.isRunning() and phase == "loading":
            close_now()
        elif PHASE == "idle" and ready:
            close_now()
        elif PHASE.startswith("sigterm") and ready and not state["started"]:
            state["started"] = True
            window.training_panel.epochs_spin.setValue(7)
            if PHASE == "sigterm":
                say("READY")
            else:
                window.train(recipe("seed", **{**RUN, "limit_train": 20000}))
        elif PHASE == "sigterm-training" and phase == "training" and window.plots.point_counts()["batch"]:
            if not state.get("ready"):
                state["ready"] = True
                say("READY")
        elif PHASE in ("training", "validating", "testing", "paused") and ready and not state["started"]:
            state["started"] = True
            window.train(recipe("seed", **RUN))
        elif PHASE == "evaluating" and ready and not state["started"]:
            state["started"] = True
            window.evaluate()
        elif PHASE == "paused" and state["started"] and window.plots.point_counts()["batch"] and phase == "training":
            if not window.training_panel.pause_button.isChecked():
                window.training_panel.pause_button.click()
        elif PHASE == "paused" and phase == "paused":
            close_now()

    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(50)

    def about_to_quit():
        alive = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
        say("THREADS", ",".join(alive) or "-")

    QApplication.instance().aboutToQuit.connect(about_to_quit)


def main():
    import guiapp.main_window as main_window
    from guiapp import app

    original_init = main_window.MainWindow.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        drive(self)

    main_window.MainWindow.__init__ = init
    return app.main(APP_ARGS)  # leaves the process itself


if __name__ == "__main__":
    sys.exit(main())
