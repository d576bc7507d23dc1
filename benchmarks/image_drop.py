"""How long a large image dropped on the canvas blocks the GUI thread, and how much memory it adds.

Makes a W x W PNG (white paper, one dark stroke: what a phone photo of a digit, saved as PNG, looks like to the
loader), opens a :class:`guiapp.canvas.DrawCanvas` offscreen, runs a 10 ms heartbeat QTimer on the GUI thread and
drops the file on the canvas as a real QDropEvent. Reports, from the drop until the drawing has changed: the
heartbeat's worst lateness (how long the GUI thread was blocked), the wall time, the peak RSS growth
(VmHWM - RSS before the drop) and the side of the image the canvas was given. Prints one JSON line.

Usage: ``python benchmarks/image_drop.py [--side 6000]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def make_png(path: Path, side: int) -> None:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (side, side), (240, 238, 230))
    w = side // 25
    ImageDraw.Draw(im).line([(side * 0.3, side * 0.2), (side * 0.7, side * 0.2), (side * 0.45, side * 0.8)],
                            fill=(20, 20, 40), width=w)
    im.save(path, compress_level=1)


def rss_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux: write 5 to clear_refs)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--side", type=int, default=6000)
    args = p.parse_args(argv)
    _app = QApplication.instance() or QApplication([sys.argv[0]])
    from guiapp.canvas import DrawCanvas

    folder = Path(tempfile.mkdtemp())
    path = folder / f"digit_{args.side}.png"
    make_png(path, args.side)
    canvas = DrawCanvas()
    canvas.show()
    given = []
    load_array = canvas.load_array
    canvas.load_array = lambda img: (given.append(np.shape(img)), load_array(img))
    ticks: list[float] = []
    beat = QTimer()
    beat.setTimerType(Qt.TimerType.PreciseTimer)
    beat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    beat.start(10)
    loop = QEventLoop()
    QTimer.singleShot(300, loop.quit)
    loop.exec()
    done = QEventLoop()
    canvas.drawingChanged.connect(done.quit)
    canvas.errorOccurred.connect(lambda m: (print(m, file=sys.stderr), done.quit()))
    reset_peak()
    rss0 = rss_mb("VmRSS")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    QApplication.sendEvent(canvas, QDragEnterEvent(QPoint(100, 100), Qt.DropAction.CopyAction, mime,
                                                   Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    t0 = time.perf_counter()
    QApplication.sendEvent(canvas, QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    if not given:
        QTimer.singleShot(60_000, done.quit)
        done.exec()
    t1 = time.perf_counter()
    loop = QEventLoop()
    QTimer.singleShot(100, loop.quit)
    loop.exec()
    beat.stop()
    t = np.asarray([x for x in ticks if x >= t0 - 0.02])
    late = np.diff(np.concatenate([[t0], t])) * 1000 - 10 if t.size else np.array([])
    print(json.dumps({
        "side": args.side,
        "file_mb": path.stat().st_size / 1e6,
        "drop_to_drawing_s": t1 - t0,
        "gui_blocked_max_ms": float(late.max()) if late.size else None,
        "peak_rss_growth_mb": rss_mb("VmHWM") - rss0,
        "canvas_given_shape": list(given[0]) if given else None,
    }), flush=True)
    path.unlink()
    os._exit(0)


if __name__ == "__main__":
    main()
