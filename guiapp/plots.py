"""Live loss and accuracy curves (pyqtgraph): a smoothed per-batch line and per-epoch points, per run."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from guiapp.i18n import RetranslateMixin
from guiapp.ranges import round_range
from guiapp.theme import PaletteFollower, colours, run_colour, style_plot

KEEP_RUNS = 3
FLUSH_MS = 300  # batch curves are redrawn at about 3 Hz
ZOOM_AFTER_POINTS = 20  # the y range narrows to the data only once this many values are drawn
SMOOTHING = 0.8  # exponential moving average over the reports (each already the mean of about 0.1 s of batches)
DIMMED = 0.35  # opacity of the runs before the newest


class _RunCurves:
    """The items of one run on one plot: created once, then only ``setData``."""

    def __init__(self, plot: pg.PlotItem, run: int, colour: str, background):
        self.plot = plot
        self.run = run
        self.batch = plot.plot([], [])
        self.batch.setClipToView(True)
        self.batch.setDownsampling(auto=True, method="mean")
        self.train = plot.plot([], [], pen=None, symbol="o", symbolSize=8)
        self.val = plot.plot([], [], symbol="t", symbolSize=10)
        self.set_colour(colour, background)
        self.bx: list[float] = []
        self.by: list[float] = []
        self.ex: list[float] = []
        self.ey: list[float] = []
        self.vx: list[float] = []
        self.vy: list[float] = []
        self._ema = None
        self.dirty = False
        self.lo = math.inf  # extremes of every y value drawn, kept as they come (read at every redraw)
        self.hi = -math.inf
        self.count = 0

    def _extend(self, y: float):
        self.lo, self.hi, self.count = min(self.lo, y), max(self.hi, y), self.count + 1

    def add_batch(self, x: float, y: float):
        if not math.isfinite(y):
            return
        self._ema = y if self._ema is None else SMOOTHING * self._ema + (1 - SMOOTHING) * y
        self.bx.append(x)
        self.by.append(self._ema)
        self._extend(self._ema)
        self.dirty = True

    def flush(self):
        if self.dirty:
            self.batch.setData(np.asarray(self.bx), np.asarray(self.by))
            self.dirty = False

    def add_epoch(self, x: float, y: float, val: float | None):
        if math.isfinite(y):
            self.ex.append(x)
            self.ey.append(y)
            self._extend(y)
            self.train.setData(self.ex, self.ey)
        if val is not None and math.isfinite(val):
            self.vx.append(x)
            self.vy.append(val)
            self._extend(val)
            self.val.setData(self.vx, self.vy)

    def set_colour(self, colour: str, background) -> None:
        """Draw this run in ``colour``; validation triangles are filled with the plot's ``background``."""
        self.colour = colour
        self.batch.setPen(pg.mkPen(colour, width=2))
        self.train.setSymbolBrush(colour)
        self.train.setSymbolPen(colour)
        self.val.setPen(pg.mkPen(colour, width=1, style=Qt.DashLine))
        self.val.setSymbolBrush(background)
        self.val.setSymbolPen(colour)

    def fill(self, bx, by, epochs, val):
        """Draw a whole recorded run at once: batch points (smoothed as they are live), (epoch, y) and (epoch, val)."""
        xs, ys, ema, keep = [], [], self._ema, SMOOTHING
        for x, y in zip(bx, by):  # add_batch's smoothing in one tight loop: thousands of points per run
            if y is not None and math.isfinite(y):
                ema = y if ema is None else keep * ema + (1 - keep) * y
                xs.append(x)
                ys.append(ema)
        if ys:
            self._ema = ema
            self.bx.extend(xs)
            self.by.extend(ys)
            self.lo, self.hi, self.count = min(self.lo, min(ys)), max(self.hi, max(ys)), self.count + len(ys)
            self.dirty = True
        self.flush()
        for x, y in epochs:
            self._extend(y)
        self.ex, self.ey = [x for x, _ in epochs], [y for _, y in epochs]
        self.vx, self.vy = [x for x, v in val if v is not None], [v for _, v in val if v is not None]
        self.train.setData(self.ex, self.ey)
        self.val.setData(self.vx, self.vy)

    def dim(self):
        for item in (self.batch, self.train, self.val):
            item.setOpacity(DIMMED)

    def remove(self):
        for item in (self.batch, self.train, self.val):
            self.plot.removeItem(item)


class TrainingPlots(RetranslateMixin, QWidget):
    """Loss and accuracy plots (``lossPlot``, ``accuracyPlot``) keeping the last three runs for comparison.

    The key to the curves (``plotLegend``) is a line of text above the plots, never on top of the curves; plots,
    curves and key follow the palette (light or dark) and the application font (View › Zoom).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.legend = QLabel()
        self.legend.setObjectName("plotLegend")
        self.legend.setAccessibleName("plotLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setContentsMargins(6, 2, 6, 0)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.loss_plot = self._make_plot("lossPlot")
        self.accuracy_plot = self._make_plot("accuracyPlot")
        # y ranges are set by _fit_y (round numbers, changed only when the data leave them or fill under 40 %):
        # pyqtgraph's auto-range moved them at every redraw, and each move lays both axes out again, which made the
        # GUI thread's longest stalls while training (heartbeat max 112 ms with it, 19 ms without batch curves).
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.getPlotItem().enableAutoRange(axis="y", enable=False)
        self.loss_plot.setYRange(0.0, 2.5, padding=0.02)
        self.accuracy_plot.setYRange(0.0, 1.0, padding=0.02)
        layout.addWidget(self.legend)
        layout.addWidget(self.loss_plot, 1)
        layout.addWidget(self.accuracy_plot, 1)
        self._runs: list[tuple[_RunCurves, _RunCurves]] = []
        self._overlays: dict[int, tuple[_RunCurves, _RunCurves]] = {}  # run-history id -> its ticked curves
        # Batch points are drawn a few times a second, not per report: every repaint re-lays out and repaints the
        # axes (about 24 ms on two busy cores), time taken from training and from the event loop.
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._on_flush_timer_timeout)
        self._flush_timer.start()
        PaletteFollower(self, self._apply_theme)

    @staticmethod
    def _make_plot(name: str) -> pg.PlotWidget:
        w = pg.PlotWidget()
        w.setObjectName(name)
        w.setAccessibleName(name)
        w.showGrid(x=True, y=True, alpha=0.25)
        for side in ("bottom", "left"):
            w.getAxis(side).enableAutoSIPrefix(False)  # "epoch (x0.001)" reads worse than 0.1, 0.2 ...
        w.setMinimumHeight(140)
        return w

    def sizeHint(self) -> QSize:
        return QSize(420, 420)  # pyqtgraph asks 600x480 per plot, which would squeeze the docks around

    def retranslate(self) -> None:
        """Titles, axis labels and the key in the current language (with the palette's colours)."""
        self._apply_theme()

    def _apply_theme(self) -> None:
        """Background, axes, titles, curve colours and the key in the palette's colours and the current font."""
        epoch = self.tr("epoch")
        style_plot(self.loss_plot, self.tr("Loss"), {"left": self.tr("cross-entropy"), "bottom": epoch})
        c = style_plot(self.accuracy_plot, self.tr("Accuracy"), {"left": self.tr("accuracy"), "bottom": epoch})
        for loss, acc in self._runs:
            for curves in (loss, acc):
                curves.set_colour(run_colour(curves.run - 1, c.dark), c.background)
        self._show_legend()

    def _show_legend(self) -> None:
        c = colours(self)
        muted = c.muted.name()
        runs = [
            f'<span style="color:{loss.colour}"><b>━━</b></span>&nbsp;' + self.tr("run {}").format(loss.run)
            for loss, _ in self._runs
        ] + [
            f'<span style="color:{loss.colour}"><b>┅┅</b></span>&nbsp;'
            + self.tr("history {label}").format(label=loss.label)
            for loss, _ in self._overlays.values()
        ]
        key = [
            "━━ " + self.tr("batches (smoothed)"),
            "● " + self.tr("train, end of epoch"),
            "▽ " + self.tr("validation"),
        ]
        # Each entry on one line (Chinese text would otherwise break inside an entry); the key wraps between them.
        parts = [f'<span style="white-space:nowrap">{r}</span>' for r in runs]
        parts += [f'<span style="color:{muted}; white-space:nowrap">{k}</span>' for k in key]
        self.legend.setText(" &nbsp; ".join(parts))

    @Slot()
    def _on_flush_timer_timeout(self):
        for loss, acc in self._runs[-1:]:
            loss.flush()
            acc.flush()
        self._fit_y()

    def _fit_y(self):
        """Keep each plot's y range on round numbers around its data; change it only when it must."""
        for plot, index, ceiling in ((self.loss_plot, 0, None), (self.accuracy_plot, 1, 1.0)):
            curves = [run[index] for run in [*self._runs, *self._overlays.values()]]
            count = sum(c.count for c in curves)
            if not count:
                continue
            vmin, vmax = min(c.lo for c in curves), max(c.hi for c in curves)
            target = round_range(vmin, vmax, ceiling)
            lo, hi = plot.getPlotItem().getViewBox().viewRange()[1]
            span = hi - lo
            inside = lo - 0.02 * span <= vmin and vmax <= hi + 0.02 * span
            # Zoom in only once there is a curve to fit (a first point alone would give a needle-thin range).
            if not inside or (count >= ZOOM_AFTER_POINTS and (target[1] - target[0]) < 0.4 * span):
                plot.setYRange(*target, padding=0.02)

    def start_run(self, run: int, epochs: int | None = None):
        """Add curves for a new run; older runs are dimmed, and only the last three are kept.

        With ``epochs`` the x axis spans the whole run from the start, so it does not re-lay out at every point.
        """
        if epochs:
            for plot in (self.loss_plot, self.accuracy_plot):
                plot.setXRange(0, epochs, padding=0.02)
                plot.getPlotItem().enableAutoRange(axis="x", enable=False)
        for loss, acc in self._runs:
            loss.dim()
            acc.dim()
        while len(self._runs) >= KEEP_RUNS:
            loss, acc = self._runs.pop(0)
            loss.remove()
            acc.remove()
        c = colours(self)
        colour = run_colour(run - 1, c.dark)
        self._runs.append(
            (
                _RunCurves(self.loss_plot.getPlotItem(), run, colour, c.background),
                _RunCurves(self.accuracy_plot.getPlotItem(), run, colour, c.background),
            )
        )
        self._show_legend()

    def add_batch(self, report):
        if not self._runs:
            self.start_run(1)
        x = report.epoch - 1 + report.batch / report.batches
        loss, acc = self._runs[-1]
        loss.add_batch(x, report.loss)
        acc.add_batch(x, report.accuracy)

    def add_epoch(self, report):
        if not self._runs:
            self.start_run(1)
        loss, acc = self._runs[-1]
        loss.flush()
        acc.flush()
        loss.add_epoch(report.epoch, report.loss, report.val_loss)
        acc.add_epoch(report.epoch, report.accuracy, report.val_accuracy)
        self._fit_y()

    def show_overlays(self, runs: dict) -> None:
        """Overlay recorded runs: ``{history id: (label, model.history.RunCurves)}``; runs not in it are taken off.

        Items are made once per ticked run and removed when it is unticked; nothing else is redrawn.
        """
        for key in [k for k in self._overlays if k not in runs]:
            for curves in self._overlays.pop(key):
                curves.remove()
        c = colours(self)
        for key, (label, rec) in runs.items():
            if key in self._overlays:
                continue
            colour = run_colour(len(self._overlays) + KEEP_RUNS, c.dark)
            pair = []
            for plot, by, col in ((self.loss_plot, rec.batch_loss, 1), (self.accuracy_plot, rec.batch_accuracy, 2)):
                curves = _RunCurves(plot.getPlotItem(), 0, colour, c.background)
                curves.label = label
                curves.batch.setPen(pg.mkPen(colour, width=2, style=Qt.DotLine))
                curves.fill(rec.batch_x, by, [(e[0], e[col]) for e in rec.epochs],
                            [(e[0], e[col + 2]) for e in rec.epochs])
                pair.append(curves)
            self._overlays[key] = tuple(pair)
        self._show_legend()
        self._fit_y()

    def overlay_count(self) -> int:
        """How many recorded runs are overlaid."""
        return len(self._overlays)

    def point_counts(self) -> dict:
        """How many points the newest run has drawn on each curve (for tests and status)."""
        if not self._runs:
            return {"batch": 0, "epoch": 0, "val": 0}
        loss, _ = self._runs[-1]
        loss.flush()
        return {"batch": len(loss.bx), "epoch": len(loss.ex), "val": len(loss.vx)}

    def run_count(self) -> int:
        return len(self._runs)
