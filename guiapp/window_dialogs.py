"""The main window's dialogs: File › Open dataset / Open model / Save model, the unsaved-model question and About,
in the language the app shows (Qt's own buttons come from its qtbase translation)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox


def discard_unsaved_ok(window) -> bool:
    """Ask before an unsaved trained or fine-tuned model is replaced; True to go on."""
    if not window.controller.unsaved_model:
        return True
    answer = QMessageBox.question(
        window,
        QCoreApplication.translate("MainWindow", "Unsaved model"),
        QCoreApplication.translate(
            "MainWindow", "The model in use was trained here and has not been saved. Open another model and discard it?"
        ),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


def open_dataset(window) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window,
        QCoreApplication.translate("MainWindow", "Open MNIST dataset"),
        "",
        QCoreApplication.translate("MainWindow", "MNIST (*.npz);;All files (*)"),
    )
    if path:
        window.open_dataset(path)


def open_model(window) -> None:
    if not discard_unsaved_ok(window):
        return
    path, _ = QFileDialog.getOpenFileName(
        window,
        QCoreApplication.translate("MainWindow", "Open model"),
        "",
        QCoreApplication.translate("MainWindow", "Keras model (*.keras)"),
    )
    if path:
        window.open_model(path)


def save_model(window) -> None:
    path, _ = QFileDialog.getSaveFileName(
        window,
        QCoreApplication.translate("MainWindow", "Save model"),
        "digit_model.keras",
        QCoreApplication.translate("MainWindow", "Keras model (*.keras)"),
    )
    if path:
        if not path.endswith(".keras"):
            path += ".keras"
        window.save_model(path)


def about(window) -> None:
    QMessageBox.about(
        window,
        QCoreApplication.translate("MainWindow", "About Digit Trainer"),
        QCoreApplication.translate(
            "MainWindow",
            "Digit Trainer trains the classic Keras MNIST CNN and shows everything that happens inside it.",
        ),
    )
