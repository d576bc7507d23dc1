"""The drawing tab's left half: canvas, its tools, MNIST-style preprocessing and the answer panel.

The panel never runs the model. It emits ``inputChanged`` with each new 28x28 input; the controller numbers it,
has it classified, drops answers that are out of date, and shows the rest through :meth:`DrawPanel.show_prediction`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from guiapp.canvas import DEFAULT_PEN_WIDTH, DrawCanvas
from guiapp.i18n import RetranslateMixin
from guiapp.prediction import PredictionPanel
from model.preprocess import to_mnist

LIVE_INTERVAL_MS = 100  # while drawing, classify at most ten times a second
PEN_WIDTH_RANGE = (4, 40)


class DrawPanel(RetranslateMixin, QWidget):
    """Canvas + Clear / Undo / pen width + :class:`PredictionPanel`, preprocessing every change to a 28x28 input.

    Signals
    -------
    inputChanged(object)
        The drawing's new 28x28 input (float32 in [0, 1]); after a finished stroke, an undo or a load at once,
        while drawing throttled.
    predictionShown(object)
        The :class:`model.inference.Prediction` just shown.
    strokeStarted()
        The pen went down on the canvas.
    cleared()
        The canvas became empty (cleared, or its last stroke undone); anything computed from it is out of date.
    errorOccurred(str)
        A dropped file could not be used.
    """

    inputChanged = Signal(object)
    predictionShown = Signal(object)
    strokeStarted = Signal()
    cleared = Signal()
    errorOccurred = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("drawPanel")
        self.canvas = DrawCanvas()
        self.prediction_panel = PredictionPanel()

        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearButton")
        self.undo_button = QPushButton()
        self.undo_button.setObjectName("undoButton")
        self.pen_slider = QSlider(Qt.Orientation.Horizontal)
        self.pen_slider.setObjectName("penWidthSlider")
        self.pen_slider.setRange(*PEN_WIDTH_RANGE)
        self.pen_slider.setValue(round(DEFAULT_PEN_WIDTH))
        self._pen_value = QLabel()
        self._pen_value.setMinimumWidth(self._pen_value.fontMetrics().horizontalAdvance("40 px") + 4)
        self.message = QLabel()
        self.message.setObjectName("canvasMessage")
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(self.canvas.width())
        self._compact = False
        self._error = ""  # the dropped file's problem under the canvas ("" shows the hint)
        self._note = ""  # what the colours over the canvas mean, shown in the hint's place

        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        pen = QHBoxLayout()
        self._pen_label = QLabel()
        pen.addWidget(self._pen_label)
        pen.addWidget(self.pen_slider, 1)
        pen.addWidget(self._pen_value)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.canvas)
        left.addLayout(buttons)
        left.addLayout(pen)
        left.addWidget(self.message)
        left.addStretch(1)
        self._left_box = QWidget()
        self._left_box.setLayout(left)
        self._left_box.setFixedWidth(self.canvas.width())
        self._left_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(12)
        self._layout.addWidget(self._left_box, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self._layout.addWidget(self.prediction_panel, 1)
        self._set_direction(QBoxLayout.Direction.LeftToRight)

        self._empty = True
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_INTERVAL_MS)

        self._live_timer.timeout.connect(self._on_live_timer_timeout)
        self.canvas.strokeStarted.connect(self.strokeStarted)
        self.canvas.strokeFinished.connect(self._on_canvas_stroke_finished)
        self.canvas.drawingChanged.connect(self._on_canvas_drawing_changed)
        self.canvas.cleared.connect(self._on_canvas_cleared)
        self.canvas.errorOccurred.connect(self._on_canvas_error_occurred)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.pen_slider.valueChanged.connect(self._on_pen_slider_value_changed)
        self._on_pen_slider_value_changed(self.pen_slider.value())
        self.retranslate()

    def retranslate(self) -> None:
        """Buttons, tooltips, the pen's label and the hint in the current language."""
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Clear the canvas (Delete, Backspace or right-click)"))
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Remove the last stroke (Ctrl+Z)"))
        self._pen_label.setText(self.tr("Pen width"))
        self.pen_slider.setAccessibleName(self.tr("Pen width"))
        self.pen_slider.setToolTip(self.tr("Pen width in canvas pixels (MNIST strokes are about 2 of 28 px wide)"))
        if not self._error:
            self._show_hint()

    # ----------------------------------------------------------------------------------------------------- public
    def show_prediction(self, prediction, x: np.ndarray | None = None) -> None:
        """Show an answer (a :class:`model.inference.Prediction`) next to the input ``x`` it answers."""
        probs = np.asarray(prediction.probabilities)
        self.prediction_panel.show_result(probs[0] if probs.ndim == 2 else probs, x)
        self.predictionShown.emit(prediction)

    @Slot()
    def classify_now(self) -> None:
        """Preprocess the canvas and announce its input (or show the empty state)."""
        self._live_timer.stop()
        x = to_mnist(self.canvas.image())
        if x is None:
            self._become_empty()
            return
        self._empty = False
        self.prediction_panel.show_preprocessed(x)
        self.inputChanged.emit(x)

    # ----------------------------------------------------------------------------------------------- internals
    def _become_empty(self) -> None:
        self._live_timer.stop()
        self.prediction_panel.show_empty()
        if not self._empty:
            self._empty = True
            self.cleared.emit()

    def set_note(self, text: str | None) -> None:
        """Say what the map over the canvas shows (saliency, Grad-CAM) in the hint's place; None brings the hint
        back. A dropped file's problem stays until the next stroke."""
        self._note = text or ""
        if not self._error:
            self._show_hint()

    def note(self) -> str:
        return self._note

    def _show_hint(self) -> None:
        self._error = ""
        self.message.setText(self._note or self.tr(
            "Right-click clears · Ctrl+Z undoes · drop an image file to classify it"))
        self.message.setStyleSheet("color: palette(mid);")
        self.message.setVisible(not self._compact)

    @Slot()
    def _on_canvas_stroke_finished(self) -> None:
        self._show_hint()
        self.classify_now()

    @Slot()
    def _on_canvas_drawing_changed(self) -> None:
        if not self.canvas.is_drawing():
            self.classify_now()
        elif not self._live_timer.isActive():
            self._live_timer.start()

    @Slot()
    def _on_live_timer_timeout(self) -> None:
        if self.canvas.is_drawing():
            self.classify_now()

    @Slot()
    def _on_canvas_cleared(self) -> None:
        self._empty = False  # a clear always announces itself, even if nothing was classified yet
        self._show_hint()
        self._become_empty()

    @Slot(str)
    def _on_canvas_error_occurred(self, message: str) -> None:
        self._error = message
        self.message.setText(message)
        self.message.setStyleSheet("color: #d9534f;")
        self.message.show()
        self.errorOccurred.emit(message)

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        self.canvas.clear()
        self.canvas.setFocus()

    @Slot()
    def _on_undo_button_clicked(self) -> None:
        self.canvas.undo()
        self.canvas.setFocus()

    @Slot(int)
    def _on_pen_slider_value_changed(self, value: int) -> None:
        self.canvas.set_pen_width(value)
        self._pen_value.setText(f"{value} px")

    def _widths(self) -> tuple[int, int]:
        """(narrowest, narrowest side by side): canvas and answer stacked, or next to each other."""
        margins = self._layout.contentsMargins()
        frame = margins.left() + margins.right()
        answer = max(self.prediction_panel.minimumWidth(), self.prediction_panel.minimumSizeHint().width())
        canvas = self._left_box.width()
        return max(canvas, answer) + frame, canvas + self._layout.spacing() + answer + frame

    def _set_direction(self, direction: QBoxLayout.Direction) -> None:
        # Side by side when there is room for both, else the answer goes under the canvas. The minimum width is
        # set by hand to the stacked one; the layout's own would never let the panel get narrow enough to stack.
        self._layout.setDirection(direction)
        self.setMinimumSize(self._widths()[0], self._layout.minimumSize().height())

    def _fit_direction(self) -> None:
        wide = self.width() >= self._widths()[1]
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._layout.direction() != direction:
            self._set_direction(direction)

    def set_compact(self, on: bool) -> None:
        """Presentation mode: no hint line under the canvas (the blank canvas says what to do); errors still show."""
        self._compact = on
        self._show_hint()

    def set_canvas_zoom(self, zoom: float) -> None:
        """Show the canvas ``zoom`` times its 280 px (presentation mode, large screens); the drawing is unchanged."""
        self.canvas.set_zoom(zoom)
        self.message.setMaximumWidth(self.canvas.width())
        self._left_box.setFixedWidth(self.canvas.width())
        self._set_direction(self._layout.direction())
        self._fit_direction()

    def wide_width(self) -> int:
        """The width this panel needs to show the canvas and the answer side by side."""
        return self._widths()[1]

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """The height needed at ``width``, laid out the way that width will lay it out (side by side or stacked)."""

        def needs(widget: QWidget, w: int) -> int:
            hint = widget.heightForWidth(w) if widget.hasHeightForWidth() else -1
            return max(hint, widget.sizeHint().height(), widget.minimumSizeHint().height())

        margins = self._layout.contentsMargins()
        frame_w, frame_h = margins.left() + margins.right(), margins.top() + margins.bottom()
        canvas = self._left_box.width()
        left = needs(self._left_box, canvas)
        if width >= self._widths()[1]:
            answer = needs(self.prediction_panel, width - frame_w - canvas - self._layout.spacing())
            return max(left, answer) + frame_h
        return left + self._layout.spacing() + needs(self.prediction_panel, width - frame_w) + frame_h

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_direction()
