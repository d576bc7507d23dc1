"""Open the real window on a screen of a chosen size, draw a 7, train, and report whether everything a person needs
is on screen and unclipped, at rest and 3 s into training; used by test_layout.py, and to take screenshots.

Usage::

    python tests/gui/layout_driver.py 1366x768 [--train] [--presentation] [--zoom F] [--shot PATH] [--x11]
                                               [--lang en|zh_CN]

Without ``--x11`` the window opens on Qt's offscreen platform with one screen of that size (its ``configfile``
option); with it, on the X server in ``$DISPLAY`` (Xvfb), whose screen should have that size. Settings start empty
(a fresh user) unless ``--keep-settings``. ``--shot`` saves a PNG of the screen 3 s into training (or at rest).
MNIST comes from ``--data`` or ``$DIGIT_TRAINER_DATA``.

Prints, flushed, one line per fact:

``SCREEN <w> <h>``                the screen's available size, as Qt reports it
``WINDOW <x> <y> <w> <h>``        the window's frame on that screen
``CHECK <stage> <name> ok``       or ``CHECK <stage> <name> <problem>; <problem>`` (stage ``rest`` or ``training``)
``PHASE <stage> <phase>``         the engine's phase when the stage was checked
``DONE``                          the end
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "gui")]

NEEDED = ("trainButton", "pauseButton", "stopButton", "trainingProgress", "drawCanvas", "clearButton",
          "predictionLabel", "probabilityPlot", "preprocessedPreview", "lossPlot", "accuracyPlot", "saliencyToggle",
          "gradCamToggle", "gradCamClassCombo")
FIRST_MAPS = "featureMaps[0]"  # the first feature-map layer
LONGEST_ANSWER = "predictionLabel[longest]"  # the label showing the longest answer it can give
MIN_CANVAS = 280
TRAIN_CHECK_MS = 3000


def say(*parts):
    print(*parts, flush=True)


def _args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("size", help="WIDTHxHEIGHT of the screen")
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--presentation", action="store_true")
    parser.add_argument("--zoom", type=float)
    parser.add_argument("--shot")
    parser.add_argument("--x11", action="store_true")
    parser.add_argument("--keep-settings", action="store_true")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="the interface's language (default: the system's)")
    parser.add_argument("--data", default=os.environ.get("DIGIT_TRAINER_DATA"))
    return parser.parse_args(argv)


def _platform(args) -> None:
    """Choose the Qt platform and a fresh settings folder before Qt is imported."""
    scratch = Path(tempfile.mkdtemp(prefix="digit-trainer-layout-"))
    if not args.keep_settings:
        os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
    if args.x11:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        return
    width, height = (int(v) for v in args.size.lower().split("x"))
    config = scratch / "screens.json"
    screen = {"name": "screen-1", "x": 0, "y": 0, "width": width, "height": height, "dpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def problems(widget, window, min_side: int = 1) -> list[str]:
    """What keeps ``widget`` from being seen whole: hidden, off the screen, outside the window, cut by a parent."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QLabel

    if widget is None:
        return ["missing"]
    if not widget.isVisible():
        return ["hidden"]
    found = []
    if min(widget.width(), widget.height()) < min_side:
        found.append(f"only {widget.width()}x{widget.height()} px (at least {min_side} needed)")
    size = widget.size()
    screen = window.screen().availableGeometry()
    on_screen = QRect(widget.mapToGlobal(QPoint(0, 0)), size)
    if not screen.contains(on_screen):
        found.append(f"off the screen: {_rect(on_screen)} not in {_rect(screen)}")
    in_window = QRect(widget.mapTo(window, QPoint(0, 0)), size)
    if not window.rect().contains(in_window):
        found.append(f"outside the window: {_rect(in_window)} not in {_rect(window.rect())}")
    ancestor = widget.parentWidget()
    while ancestor is not None and ancestor is not window:
        inside = QRect(widget.mapTo(ancestor, QPoint(0, 0)), size)
        if not ancestor.rect().contains(inside):
            name = ancestor.objectName() or ancestor.metaObject().className()
            found.append(f"cut by {name}: {_rect(inside)} not in {_rect(ancestor.rect())}")
            break
        ancestor = ancestor.parentWidget()
    if isinstance(widget, QLabel) and widget.wordWrap() and widget.heightForWidth(widget.width()) > widget.height():
        found.append(f"text cut: needs {widget.heightForWidth(widget.width())} px of height, has {widget.height()}")
    return found


def _rect(r) -> str:
    return f"{r.x()},{r.y()} {r.width()}x{r.height()}"


def first_feature_layer(window):
    """The top feature-map layer shown (None before a drawing)."""
    from guiapp.layer_maps import MosaicLayer

    layers = [w for w in window.feature_maps.findChildren(MosaicLayer) if w.isVisible()]
    return min(layers, key=lambda w: w.mapTo(window.feature_maps, w.rect().topLeft()).y(), default=None)


def check(window, stage: str) -> None:
    import numpy as np
    from PySide6.QtWidgets import QWidget

    from guiapp.prediction import result_text

    for name in NEEDED:
        widget = window.findChild(QWidget, name)
        found = problems(widget, window, MIN_CANVAS if name == "drawCanvas" else 1)
        say("CHECK", stage, name, "; ".join(found) or "ok")
    found = problems(first_feature_layer(window), window)
    say("CHECK", stage, FIRST_MAPS, "; ".join(found) or "ok")
    # The longest answer the label can show ("0  (10 %, unsure — not like any digit)") must fit too.
    label = window.findChild(QWidget, "predictionLabel")
    shown = label.text()
    label.setText(result_text(np.full(10, 0.1)))
    found = problems(label, window)
    label.setText(shown)
    say("CHECK", stage, LONGEST_ANSWER, "; ".join(found) or "ok")
    say("PHASE", stage, window.phase)


def main(argv=None) -> int:
    args = _args(sys.argv[1:] if argv is None else argv)
    _platform(args)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setOrganizationName("DigitTrainer")
    app.setApplicationName("Digit Trainer")

    from faults import SEVEN
    from guiapp import i18n
    from guiapp.main_window import MainWindow
    from model.recipes import recipe
    from replay import drag

    if args.presentation or args.zoom:
        from PySide6.QtCore import QSettings

        settings = QSettings("DigitTrainer", "DigitTrainer")
        settings.setValue("view/presentation", bool(args.presentation))
        if args.zoom:
            settings.setValue("view/presentationZoom" if args.presentation else "view/zoom", args.zoom)
        settings.sync()
    i18n.install(app, args.lang)
    window = MainWindow(data_path=args.data)
    window.show()
    area = window.screen().availableGeometry()
    say("SCREEN", area.width(), area.height())
    state = {"stage": "loading"}

    def shoot():
        if args.shot:
            if args.x11:
                window.screen().grabWindow(0).save(args.shot)
            else:
                window.grab().save(args.shot)

    def finish():
        shoot()
        frame = window.frameGeometry()
        say("WINDOW", frame.x(), frame.y(), frame.width(), frame.height())
        window.controller.stop()
        state["stage"] = "closing"

    def poll():
        stage = state["stage"]
        if stage == "loading" and window.training_panel.train_button.isEnabled() and window.phase == "idle":
            state["stage"] = "drawing"
            drag(window.draw_panel.canvas, SEVEN)
        elif stage == "drawing" and first_feature_layer(window) is not None:
            c = window.controller
            if c.shown_generation() == c.generation():
                state["stage"] = "settling"
                QTimer.singleShot(300, after_rest)
        elif stage == "training" and window.plots.point_counts()["batch"]:
            state["stage"] = "waiting"
            QTimer.singleShot(TRAIN_CHECK_MS, after_training)
        elif stage == "closing" and not window.controller.busy:
            state["stage"] = "closed"
            window.close()
            say("DONE")
            app.quit()

    def after_rest():
        check(window, "rest")
        if args.train:
            state["stage"] = "training"
            window.train(recipe("seed", epochs=2, limit_train=12000, limit_test=500))
        else:
            finish()

    def after_training():
        check(window, "training")
        finish()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    code = app.exec()
    sys.stdout.flush()
    os._exit(code)  # TensorFlow's teardown adds a second and nothing is left to do


if __name__ == "__main__":
    sys.exit(main())
