"""The answer panel: the predicted digit, the ten class probabilities, and the 28x28 input the model saw."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from guiapp.i18n import RetranslateMixin
from guiapp.qimage import gray_pixmap
from guiapp.theme import PaletteFollower, scaled_font, style_plot, zoom
from model.preprocess import FIELD, entropy

UNSURE_MAX_PROB = 0.9
"""A result whose winning probability is below this is flagged unsure. Measured in resources/BUNDLED_MODEL.md
("Unsure and not a digit") with ``python benchmarks/unsure_threshold.py``."""

UNSURE_ENTROPY_BITS = 1.0
"""A result whose probabilities have more entropy than this (bits; 0 = certain, 3.32 = uniform over ten) is flagged
unsure even if one class wins: the mass is spread over several digits."""

NOT_DIGIT_INK = 250.0
"""A model input (28x28, ink 0-1) holding more ink than this is not a digit: a dot, a full-canvas fill or a tight
spiral, which :func:`model.preprocess.to_mnist` blows up to a 20 px block of ink. A backstop for models that were not
trained on non-digits (the seed recipe's); the bundled model flags those shapes by its probabilities alone. Pen digits
of writers 1-24 hold 104 (median) to 159 at the canvas' pen and 65 % of its height, at most 206 with the widest pen
(40 px), at most 235 drawn at 35 % of the height; only digits drawn at 30 % of the height with the widest pen pass
250 (8 %). Generated non-digits above 250: 99 % of dots, all fills, 79 % of spirals (benchmarks/unsure_threshold.py).
"""

SECOND_GUESS_MIN = 0.2
"""An unsure answer names the runner-up ("could be 9") when it holds at least this much probability; otherwise the
mass is spread thin and the answer says the drawing is not like any digit."""

PREVIEW_SCALE = 5  # the 28x28 preview is shown at 140x140, one block per model pixel (times the interface zoom)
PREVIEW_MAX_ZOOM = 1.0
HEADLINE_SCALE = 1.8  # the answer's font, relative to the application font
_WIN_BRUSH, _WIN_UNSURE_BRUSH, _OTHER_BRUSH = pg.mkBrush("#3d8ee6"), pg.mkBrush("#e69a3d"), pg.mkBrush("#8a8f98")

SURE, UNSURE, NOT_A_DIGIT = "sure", "unsure", "not a digit"


def verdict(probabilities: np.ndarray, preprocessed: np.ndarray | None = None) -> str:
    """:data:`SURE`, :data:`UNSURE` or :data:`NOT_A_DIGIT` for one answer.

    Not a digit: the model input ``preprocessed`` (if given) holds more ink than :data:`NOT_DIGIT_INK`, or the
    probabilities are spread thin (unsure with no runner-up of :data:`SECOND_GUESS_MIN`). Unsure: the top probability
    is below :data:`UNSURE_MAX_PROB` or the entropy above :data:`UNSURE_ENTROPY_BITS`. Output that is not a number
    (a diverged network) is unsure.
    """
    p = np.ravel(probabilities)
    if not np.isfinite(p).all():
        return UNSURE
    if preprocessed is not None and float(np.sum(preprocessed)) > NOT_DIGIT_INK:
        return NOT_A_DIGIT
    if not (p.max() < UNSURE_MAX_PROB or entropy(p) > UNSURE_ENTROPY_BITS):
        return SURE
    digit = int(p.argmax())
    second = float(np.max(np.where(np.arange(p.size) == digit, -np.inf, p)))
    return UNSURE if second >= SECOND_GUESS_MIN else NOT_A_DIGIT


def is_unsure(probabilities: np.ndarray, preprocessed: np.ndarray | None = None) -> bool:
    """True when :func:`verdict` is not :data:`SURE`: the answer is flagged (unsure, or not a digit)."""
    return verdict(probabilities, preprocessed) != SURE


def result_text(probabilities: np.ndarray, preprocessed: np.ndarray | None = None) -> str:
    """'7  (98.2 %)', '4  (52 %, unsure — could be 9)' or '3  (30 %, unsure — not like any digit)'.

    The digit always comes first, so the answer can be read (and tested) the same way whether flagged or not.
    """
    p = np.ravel(probabilities)
    if not np.isfinite(p).all():
        return QCoreApplication.translate(
            "PredictionPanel", "{digit}  (unsure — the model's output is not a number)"
        ).format(digit=int(np.nan_to_num(p, nan=-1.0).argmax()))
    digit = int(p.argmax())
    second = int(np.where(np.arange(p.size) == digit, -np.inf, p).argmax())
    pct = 100 * float(p[digit])
    kind = verdict(p, preprocessed)
    if kind == SURE:
        return f"{digit}  ({pct:.1f} %)"
    if kind == UNSURE:
        return QCoreApplication.translate(
            "PredictionPanel", "{digit}  ({percent} %, unsure — could be {second})"
        ).format(digit=digit, percent=f"{pct:.0f}", second=second)
    return QCoreApplication.translate(
        "PredictionPanel", "{digit}  ({percent} %, unsure — not like any digit)"
    ).format(digit=digit, percent=f"{pct:.0f}")


class _BarPlot(pg.PlotWidget):
    def sizeHint(self) -> QSize:
        # pyqtgraph asks for 600x480, which made the panel (and the dock holding it) scroll
        return QSize(240, 150)


class PredictionPanel(RetranslateMixin, QWidget):
    """Shows one classification: a headline label, a bar chart of the ten probabilities and the model's input.

    Object names: ``predictionLabel`` (QLabel; starts with the digit when there is a result, holds no digit when
    empty), ``probabilityPlot`` (pg.PlotWidget) and ``preprocessedPreview`` (QLabel with the enlarged 28x28 input).
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("predictionPanel")
        self._shown = np.zeros((FIELD, FIELD))
        self._probabilities = None  # the answer shown (None: nothing drawn); a str: a status such as set_busy's
        self._input = None  # the model input of the answer shown, if it came with one (for the ink check)

        self.label = QLabel()
        self.label.setObjectName("predictionLabel")
        self.label.setAccessibleName("predictionLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        self.plot = _BarPlot()
        self.plot.setObjectName("probabilityPlot")
        self.plot.setAccessibleName("probabilityPlot")
        self.plot.setMinimumSize(200, 130)
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        # Fixed ranges: auto-range would follow the bars and move the axes at every answer.
        item.enableAutoRange(enable=False)
        item.setXRange(-0.6, 9.6, padding=0)
        item.setYRange(0, 1.1, padding=0)  # room above 100 % for its tick label
        item.getAxis("bottom").setTicks([[(i, str(i)) for i in range(10)]])
        item.getAxis("left").setTicks([[(v, f"{v:.0%}") for v in (0, 0.25, 0.5, 0.75, 1.0)]])
        item.showGrid(y=True, alpha=0.25)
        self._bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.75, brushes=[_OTHER_BRUSH] * 10,
                                     pen=pg.mkPen(None))
        item.addItem(self._bars)

        self.preview = QLabel()
        self.preview.setObjectName("preprocessedPreview")
        self.preview.setAccessibleName("preprocessedPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel { background: black; border: 1px solid #5a5a5a; }")
        self._caption = caption = QLabel()
        caption.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        caption.setStyleSheet("color: palette(mid);")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(caption)
        layout.addWidget(self.plot, 1)
        self.show_empty()
        PaletteFollower(self, self._apply_theme)
        self.retranslate()

    def retranslate(self) -> None:
        """The caption, tooltips and the answer shown, in the current language."""
        self.preview.setToolTip(self.tr("What the model sees: the drawing cropped, scaled to 20 px and centred in 28×28"))
        self._caption.setText(self.tr("Model input, 28 × 28"))
        self._apply_theme()  # the axis label, and the width the longest answer needs in this language
        shown = self._probabilities
        if shown is None:
            self.label.setText(self.tr("Draw a digit"))
        elif not isinstance(shown, str):
            self._show_answer(shown)

    def sizeHint(self) -> QSize:
        # pyqtgraph asks for 600x480 per plot, which would make a dock holding this panel far too wide
        return QSize(300, 300)

    def _apply_theme(self) -> None:
        """The answer's large font, the plot's colours and the preview's size follow the palette and the zoom."""
        self.label.setFont(scaled_font(self, HEADLINE_SCALE, bold=True))
        # Wide and tall enough for the longest answer in two lines (and never narrower than the bars need), measured
        # as it is laid out in this language: Chinese breaks between characters (not before "）" or "，"), and its
        # glyphs come from a fallback font whose lines are taller than the interface font's.
        width, height = self._two_lines(result_text(np.full(10, 0.1)))
        self.label.setFixedHeight(max(2 * self.label.fontMetrics().lineSpacing(), height) + 4)
        self.setMinimumWidth(max(self.plot.minimumWidth(), width + 8))
        style_plot(self.plot, labels={"bottom": self.tr("digit")}, background=False)
        side = FIELD * self._preview_scale() + 2
        self.preview.setFixedSize(side, side)
        self.show_preprocessed(self._shown)

    def _two_lines(self, text: str) -> tuple[int, int]:
        """The narrowest width at which ``text`` takes at most two lines in the answer's font, and their height."""
        probe = QLabel(text)
        probe.setFont(self.label.font())
        probe.setWordWrap(True)
        one_line = probe.heightForWidth(100_000)
        width = probe.fontMetrics().horizontalAdvance(text) + 2
        for trial in range(width // 2, width, max(1, width // 50)):
            if probe.heightForWidth(trial) <= 2 * one_line:
                return trial, probe.heightForWidth(trial)
        return width, one_line

    @staticmethod
    def _preview_scale() -> int:
        # Grows less than the type: in presentation mode the room is better spent on the canvas and the bars.
        return max(1, round(PREVIEW_SCALE * min(zoom(), PREVIEW_MAX_ZOOM)))

    def show_result(self, probabilities: np.ndarray, preprocessed: np.ndarray | None = None) -> None:
        """Show a classification: ``probabilities`` (10,) or (1, 10), and the (28, 28) input if given."""
        p = np.ravel(np.asarray(probabilities, dtype=np.float64))
        if p.size != 10:
            raise ValueError(f"expected 10 class probabilities, got {p.size}")
        self._input = None if preprocessed is None else np.asarray(preprocessed, dtype=np.float64)
        unsure = is_unsure(p, self._input)
        digit = int(result_text(p)[0])
        self._show_answer(p)
        p = np.nan_to_num(p, nan=0.0, posinf=1.0, neginf=0.0)
        brushes = [_OTHER_BRUSH] * 10
        brushes[digit] = _WIN_UNSURE_BRUSH if unsure else _WIN_BRUSH
        self._bars.setOpts(height=p, brushes=brushes)
        if preprocessed is not None:
            self.show_preprocessed(preprocessed)

    def _show_answer(self, p: np.ndarray) -> None:
        """The headline and its tooltip for the probabilities ``p``."""
        self._probabilities = p
        text = result_text(p, self._input)
        q = np.nan_to_num(p, nan=0.0, posinf=1.0, neginf=0.0)
        self.label.setText(text)
        self.label.setToolTip(self.tr(
            "Top probability {top}, entropy {entropy} bits. Flagged unsure below {limit} or above {bits} bits."
        ).format(top=f"{q[int(text[0])]:.1%}", entropy=f"{entropy(q):.2f}", limit=f"{UNSURE_MAX_PROB:.0%}",
                 bits=UNSURE_ENTROPY_BITS))

    def show_preprocessed(self, img: np.ndarray) -> None:
        """Show the (28, 28) model input, one visible block per pixel."""
        self._shown = np.asarray(img).reshape(FIELD, FIELD)
        self.preview.setPixmap(gray_pixmap(self._shown, FIELD * self._preview_scale()))

    def verdict(self) -> str | None:
        """The answer shown: :data:`SURE`, :data:`UNSURE` or :data:`NOT_A_DIGIT`; None when there is none."""
        if self._probabilities is None or isinstance(self._probabilities, str):
            return None
        return verdict(self._probabilities, self._input)

    def show_empty(self) -> None:
        """Nothing drawn: no digit in the label, flat bars, black preview."""
        self._probabilities = None
        self._input = None
        self.label.setText(self.tr("Draw a digit"))
        self.label.setToolTip("")
        self._bars.setOpts(height=np.zeros(10), brushes=[_OTHER_BRUSH] * 10)
        self.show_preprocessed(np.zeros((FIELD, FIELD)))

    def set_busy(self, text: str) -> None:
        """Show a status such as 'Loading model…' in place of the answer until the next result."""
        self._probabilities = text
        self.label.setText(text)
        self.label.setToolTip("")

    def probabilities(self) -> np.ndarray:
        """The bar heights currently shown."""
        return np.asarray(self._bars.opts["height"], dtype=np.float64)
