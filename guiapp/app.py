"""``digit-trainer``: launch the app."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time

STARTUP_LOG_ENV = "DIGIT_TRAINER_STARTUP_LOG"  # benchmarks/bench_startup.py reads the timestamps written there


def _log_startup(window, path: str):
    """Append ``event time.time()`` lines to ``path``, once each: the window's first paint and the first model
    loaded (the first moment a drawing can be classified). Returns the logger (its ``mark`` adds events); keep it.
    """
    from PySide6.QtCore import QEvent, QObject

    class StartupLog(QObject):
        def __init__(self):
            super().__init__(window)
            self.seen = set()

        def mark(self, event: str, t: float | None = None):
            if event not in self.seen:
                self.seen.add(event)
                with open(path, "a") as f:
                    f.write(f"{event} {time.time() if t is None else t:.6f}\n")

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                self.mark("window_painted")
            return False

    log = StartupLog()
    window.installEventFilter(log)
    # Called on the engine's thread, as soon as the model is usable.
    window.engine.modelChanged.connect(lambda _info: log.mark("model_loaded"))
    return log


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="digit-trainer", description="Train and explore the MNIST CNN.")
    parser.add_argument("--data", help="mnist.npz or a folder of IDX files (default: $DIGIT_TRAINER_DATA)")
    parser.add_argument("--model", help="a .keras model to open instead of the bundled one")
    parser.add_argument("--lang", choices=("en", "zh_CN"),
                        help="the language of this session (default: the one chosen in View › Language, else the "
                             "system's); not remembered")
    args, qt_args = parser.parse_known_args(argv if argv is not None else sys.argv[1:])
    t_main = time.time()

    from guiapp import xcb_check

    if xcb_check.will_use_xcb(qt_args):
        missing = xcb_check.missing_packages()
        if missing:
            print(xcb_check.explain(missing, args.lang), file=sys.stderr)
            return 1

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setOrganizationName("DigitTrainer")
    app.setApplicationName("Digit Trainer")

    from guiapp import i18n

    i18n.install(app, args.lang)  # before the window is made, so that it is made in its language

    from guiapp.main_window import MainWindow

    window = MainWindow(data_path=args.data, model_path=args.model)
    startup_log = None
    if os.environ.get(STARTUP_LOG_ENV):
        startup_log = _log_startup(window, os.environ[STARTUP_LOG_ENV])
        startup_log.mark("main", t_main)
    window.show()

    # Python runs signal handlers only between bytecodes; a timer lets it in while Qt's loop waits.
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, window.close))
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, window.close))
    heartbeat = QTimer()
    heartbeat.start(200)
    heartbeat.timeout.connect(lambda: None)

    code = app.exec()
    # Settings are saved and the engine's thread has ended, or is stuck in TensorFlow's import or a kernel that cannot
    # be interrupted (then Qt would abort on the running thread). Either way nothing is left to do, and Python's own
    # teardown with TensorFlow loaded takes about a second (0.9-1.7 s measured), so leave without it.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
