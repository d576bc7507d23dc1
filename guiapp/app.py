"""``digit-trainer``: launch the app."""

from __future__ import annotations

import argparse
import os
import signal
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="digit-trainer", description="Train and explore the MNIST CNN.")
    parser.add_argument("--data", help="mnist.npz or a folder of IDX files (default: $DIGIT_TRAINER_DATA)")
    parser.add_argument("--model", help="a .keras model to open instead of the bundled one")
    args, qt_args = parser.parse_known_args(argv if argv is not None else sys.argv[1:])

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setOrganizationName("DigitTrainer")
    app.setApplicationName("Digit Trainer")

    from guiapp.main_window import MainWindow

    window = MainWindow(data_path=args.data, model_path=args.model)
    window.show()

    # Python runs signal handlers only between bytecodes; a timer lets it in while Qt's loop waits.
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, window.close))
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, window.close))
    heartbeat = QTimer()
    heartbeat.start(200)
    heartbeat.timeout.connect(lambda: None)

    code = app.exec()
    if window.engine_thread.isRunning():
        # TensorFlow was still importing or a kernel would not return: settings are saved, so leave now
        # rather than let Qt abort on a running thread.
        sys.stdout.flush()
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
