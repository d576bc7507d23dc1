"""File › Export model…: pick a format and a file, export on the engine's thread, and report the checked result.

The export itself is ``model.export.export_model``, run as an engine job through the controller (it uses
TensorFlow). What can be checked without TensorFlow (the format, the folder, the packages a format needs) is checked
here first, so a missing package is named before any work, with the exact ``pip install`` line.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from guiapp.i18n import message_for
from model.errors import DigitTrainerError

FORMAT_NAMES = {  # shown in the format list; the keys are model.export.FORMATS
    "onnx": "ONNX (.onnx)",
    "tflite": "TensorFlow Lite (.tflite)",
    "tflite-int8": "TensorFlow Lite, int8 (.tflite)",
    "saved_model": "TensorFlow SavedModel",
}


class ExportFlow(QObject):
    """Export the controller's model from ``window`` (the dialogs' parent).

    Signals
    -------
    exported(object)
        A :class:`model.export.ExportReport`, once the export is written and checked.
    errorRaised(str, str)
        A problem found before the export was sent (title, message), in the app's language.
    statusMessage(str)
        A line for the status bar.
    """

    exported = Signal(object)
    errorRaised = Signal(str, str)
    statusMessage = Signal(str)

    def __init__(self, controller, window: QWidget):
        super().__init__(window)
        self.controller = controller
        self.window = window
        controller.exported.connect(self._on_controller_exported)

    def ask(self) -> None:
        """The menu entry: a format, then a destination, then the export."""
        from model.export import FORMATS, SUFFIX

        names = [FORMAT_NAMES[f] for f in FORMATS]
        name, ok = QInputDialog.getItem(self.window, self.tr("Export model"), self.tr("Format:"), names, 0, False)
        if not ok:
            return
        fmt = FORMATS[names.index(name)]
        if fmt == "saved_model":
            path = QFileDialog.getExistingDirectory(self.window, self.tr("Export as a SavedModel into the folder"))
            path = path and f"{path.rstrip('/')}/digit_model_savedmodel"
        else:
            suffix = SUFFIX[fmt]
            path, _ = QFileDialog.getSaveFileName(
                self.window, self.tr("Export model"), f"digit_model{suffix}", f"{name} (*{suffix})"
            )
            if path and not path.endswith(suffix):
                path += suffix
        if path:
            self.export(path, fmt)

    def export(self, path: str, fmt: str) -> bool:
        """Export to ``path`` as ``fmt``; False (with the reason shown) if it cannot start now."""
        from model.export import check_destination

        try:
            check_destination(path, fmt)
        except DigitTrainerError as exc:
            self.errorRaised.emit(self.tr("Exporting the model"), message_for(exc))
            return False
        if not self.controller.export_model(path, fmt):
            self.statusMessage.emit(self.tr("Export: not now, the engine is busy or has no model."))
            return False
        return True

    @Slot(object)
    def _on_controller_exported(self, report) -> None:
        text = self.tr(
            "{path}\n{size} KB. On the {images} MNIST test images it gives the Keras model's answer for "
            "{agreement} % of them; its test accuracy is {accuracy} % (Keras: {keras} %)."
        ).format(
            path=report.path, size=f"{report.size_bytes / 1024:,.0f}", images=f"{report.images:,}",
            agreement=f"{report.agreement * 100:.2f}", accuracy=f"{report.accuracy * 100:.2f}",
            keras=f"{report.keras_accuracy * 100:.2f}",
        )
        self.statusMessage.emit(self.tr("Exported {path}").format(path=report.path))
        box = QMessageBox(QMessageBox.Information, self.tr("Model exported"), text, QMessageBox.Ok, self.window)
        box.setObjectName("exportReportDialog")
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.exported.emit(report)
