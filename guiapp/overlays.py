"""Explanations drawn over the canvas: the saliency map or Grad-CAM for a digit the user picks, one at a time.

:class:`OverlayControls` owns the toggles (``saliencyToggle``, ``gradCamToggle``) and the digit selector
(``gradCamClassCombo``: the predicted digit, or any digit, "why not 3?"). It asks the controller for the map of the
drawing on screen whenever a new answer is shown (the drawing changed, a mistake from the gallery was loaded, the
weights moved during training) and paints the answer over the canvas, carried back through the preprocessing's
crop and scale (:func:`model.saliency.to_canvas`). When Grad-CAM cannot apply (a network without a convolution
whose maps are larger than 1x1) the toggle is unticked and its tooltip and the status line say why.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox

from guiapp import i18n
from model import saliency

PREDICTED = -1  # the selector's first entry: explain the predicted digit
GRAD_CAM_FLOOR = 0.2  # Grad-CAM values below this are not coloured
GRAD_CAM_ALPHA = 0.6  # the strongest colour's opacity


class OverlayControls(QObject):
    """Saliency / Grad-CAM over ``canvas`` for the drawing on screen, asked of ``controller``.

    Signals
    -------
    saliencyShown(object)  a model.saliency.Saliency is drawn over the canvas
    gradCamShown(object)   a model.gradcam.GradCam is drawn over the canvas
    statusMessage(str)     a line for the status bar (why Grad-CAM cannot apply)
    noteChanged(str)       a line for a learner under the canvas: what the colours mean ("" once none show)
    """

    saliencyShown = Signal(object)
    gradCamShown = Signal(object)
    statusMessage = Signal(str)
    noteChanged = Signal(str)

    def __init__(self, controller, canvas, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.saliency_toggle = _named(QCheckBox(), "saliencyToggle")
        self.grad_cam_toggle = _named(QCheckBox(), "gradCamToggle")
        self.grad_cam_combo = _named(QComboBox(), "gradCamClassCombo")
        self.grad_cam_combo.addItem("", PREDICTED)
        for digit in range(10):
            self.grad_cam_combo.addItem(str(digit), digit)
        self.grad_cam_combo.setEnabled(False)
        self._shown = None  # the Saliency or GradCam drawn over the canvas
        self._unavailable = None  # the Message saying why Grad-CAM cannot apply to the model in use
        self.retranslate()
        i18n.notifier().languageChanged.connect(self._on_language_changed)

    def retranslate(self) -> None:
        self.saliency_toggle.setText(self.tr("Saliency"))
        self.saliency_toggle.setToolTip(self.tr(
            "Colour the pixels whose change would move the predicted digit's probability most "
            "(|∂p/∂input|, averaged over a few noisy copies of the drawing)"
        ))
        self.grad_cam_toggle.setText(self.tr("Grad-CAM"))
        self.grad_cam_combo.setItemText(0, self.tr("its answer"))
        self.grad_cam_combo.setToolTip(self.tr(
            "Which digit to explain: the network's answer, or any digit (\u201cwhy not 3?\u201d)"
        ))
        self._render_grad_cam_tip()
        self._render_note()

    def _render_note(self) -> None:
        shown = self._shown
        if shown is None:
            self.noteChanged.emit("")
            return
        if hasattr(shown, "layer"):  # a GradCam
            text = self.tr("Warm colours: where the maps of {layer} hold evidence for {digit}.").format(
                layer=shown.layer, digit=shown.digit)
        else:
            text = self.tr("Warm colours: the pixels whose change would move the answer {digit} most.").format(
                digit=shown.digit)
        self.noteChanged.emit(text)

    def _set_shown(self, result) -> None:
        if result is None and self._shown is None:
            return  # every answer comes through here: nothing was shown, nothing to take back
        self._shown = result
        self._render_note()

    def _render_grad_cam_tip(self) -> None:
        if self._unavailable is not None:
            self.grad_cam_toggle.setToolTip(i18n.message_for(self._unavailable))
            return
        self.grad_cam_toggle.setToolTip(self.tr(
            "Colour the regions that raise the chosen digit's score, as seen by the last convolution whose maps "
            "are larger than 1×1 (Grad-CAM: its maps weighted by how much each one moves that score)"
        ))

    @Slot(str)
    def _on_language_changed(self, _language: str) -> None:
        self.retranslate()

    def connect(self) -> None:
        c = self.controller
        c.predictionReady.connect(self._on_prediction_ready)
        c.saliencyReady.connect(self._on_saliency_ready)
        c.gradCamReady.connect(self._on_grad_cam_ready)
        c.insightUnavailable.connect(self._on_insight_unavailable)
        c.modelChanged.connect(self._on_model_changed)
        self.saliency_toggle.toggled.connect(self._on_saliency_toggle_toggled)
        self.grad_cam_toggle.toggled.connect(self._on_grad_cam_toggle_toggled)
        self.grad_cam_combo.currentIndexChanged.connect(self._on_grad_cam_combo_current_index_changed)
        self.canvas.cleared.connect(self._on_canvas_cleared)

    @Slot()
    def _on_canvas_cleared(self) -> None:
        self._set_shown(None)

    # State ---------------------------------------------------------------------------------------------------
    def grad_cam_digit(self) -> int | None:
        """The digit Grad-CAM explains: None for the network's answer."""
        digit = self.grad_cam_combo.currentData()
        return None if digit is None or digit == PREDICTED else int(digit)

    def _request(self) -> None:
        if self.canvas.is_drawing():
            return
        if self.saliency_toggle.isChecked():
            self.controller.request_saliency()
        elif self.grad_cam_toggle.isChecked():
            self.controller.request_grad_cam(self.grad_cam_digit())

    def _shows_answer(self) -> bool:
        return not (self.canvas.is_drawing() or self.canvas.is_empty())

    # From the widgets ----------------------------------------------------------------------------------------
    @Slot(bool)
    def _on_saliency_toggle_toggled(self, on: bool) -> None:
        if on:
            self.grad_cam_toggle.setChecked(False)  # one map over the canvas at a time
            self._request()
        elif not self.grad_cam_toggle.isChecked():
            self.canvas.set_overlay(None)
            self._set_shown(None)

    @Slot(bool)
    def _on_grad_cam_toggle_toggled(self, on: bool) -> None:
        self.grad_cam_combo.setEnabled(on)
        if on:
            self.saliency_toggle.setChecked(False)
            self._request()
        elif not self.saliency_toggle.isChecked():
            self.canvas.set_overlay(None)
            self._set_shown(None)

    @Slot(int)
    def _on_grad_cam_combo_current_index_changed(self, _index: int) -> None:
        if self.grad_cam_toggle.isChecked():
            self._request()

    # From the controller -------------------------------------------------------------------------------------
    @Slot(object, object)
    def _on_prediction_ready(self, _prediction, _x) -> None:
        if not self.canvas.has_overlay():
            self._set_shown(None)  # the drawing changed (or was cleared): the map went with it
        self._request()

    @Slot(int, object)
    def _on_saliency_ready(self, _generation: int, result) -> None:
        if not self.saliency_toggle.isChecked() or not self._shows_answer():
            return
        self.canvas.set_overlay(saliency.heat_rgba(saliency.to_canvas(result.values, self.canvas.image())))
        self._set_shown(result)
        self.saliencyShown.emit(result)

    @Slot(int, object)
    def _on_grad_cam_ready(self, _generation: int, result) -> None:
        if not self.grad_cam_toggle.isChecked() or not self._shows_answer():
            return
        values = saliency.to_canvas(result.values, self.canvas.image())
        # Grad-CAM's map is coarse (3x3 in the seed network) and seldom exactly 0: its weakest fifth is left
        # clear and the colour kept lighter than saliency's, so the strokes stay visible under it.
        values = np.clip((values - GRAD_CAM_FLOOR) / (1 - GRAD_CAM_FLOOR), 0, 1)
        self.canvas.set_overlay(saliency.heat_rgba(values, max_alpha=GRAD_CAM_ALPHA))
        self._set_shown(result)
        self.gradCamShown.emit(result)

    @Slot(str, object)
    def _on_insight_unavailable(self, kind: str, message) -> None:
        if kind != "gradcam":
            return
        self._unavailable = message
        self._render_grad_cam_tip()
        if self.grad_cam_toggle.isChecked():
            self.grad_cam_toggle.setChecked(False)
            self.statusMessage.emit(i18n.message_for(message))

    @Slot(object)
    def _on_model_changed(self, _info) -> None:
        if self._unavailable is not None:  # another network: Grad-CAM may apply to it
            self._unavailable = None
            self._render_grad_cam_tip()


def _named(widget, name: str):
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    return widget
