"""A read-only window showing the network as a Keras script, with Copy and Save… (written atomically).

The script itself comes from :func:`model.keras_code.keras_code` and stays in English: it is Python code.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from guiapp.i18n import RetranslateMixin
from model.keras_code import save_script

DEFAULT_NAME = "digit_cnn.py"


def _named(widget, name: str):
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    return widget


class KerasCodeDialog(RetranslateMixin, QDialog):
    """Shows ``text`` (a Python script) in a monospace, read-only view; Copy puts it on the clipboard, Save… writes it."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        _named(self, "kerasCodeDialog")
        self._status = None  # a callable giving the status line in the current language, or None
        self.code_view = _named(QPlainTextEdit(), "kerasCodeView")
        self.code_view.setReadOnly(True)
        self.code_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.code_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_button = _named(QPushButton(), "copyKerasCodeButton")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.save_button = _named(QPushButton(), "saveKerasCodeButton")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.close_button = _named(QPushButton(), "closeKerasCodeButton")
        self.close_button.clicked.connect(self.close)
        self.status_label = _named(QLabel(), "kerasCodeStatus")
        self.status_label.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.code_view, 1)
        layout.addLayout(buttons)
        self.set_code(text)
        self._fit_to_screen()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Keras code"))
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the whole script to the clipboard"))
        self.save_button.setText(self.tr("Save…"))
        self.save_button.setToolTip(self.tr("Save the script as a Python file"))
        self.close_button.setText(self.tr("Close"))
        self.status_label.setText(self._status() if self._status else "")

    # Public API ----------------------------------------------------------------------------------------------
    def set_code(self, text: str) -> None:
        self.code_view.setPlainText(text)
        self._show_status(None)

    def code(self) -> str:
        return self.code_view.toPlainText()

    def save_to(self, path: str) -> bool:
        """Write the script to ``path`` atomically; say in the dialog whether it worked."""
        try:
            saved = save_script(self.code(), path)
        except OSError as exc:
            error = exc.strerror or str(exc)
            self._show_status(lambda: self.tr("Could not save {path}: {error}").format(path=path, error=error))
            return False
        self._show_status(lambda: self.tr("Saved to {path}").format(path=str(saved)))
        return True

    # Slots ---------------------------------------------------------------------------------------------------
    @Slot()
    def _on_copy_clicked(self):
        QGuiApplication.clipboard().setText(self.code())
        self._show_status(lambda: self.tr("Copied to the clipboard"))

    @Slot()
    def _on_save_clicked(self):
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save Keras code"), DEFAULT_NAME, self.tr("Python files (*.py);;All files (*)"))
        if path:
            self.save_to(path)

    # Internals -----------------------------------------------------------------------------------------------
    def _show_status(self, status) -> None:
        self._status = status
        self.status_label.setText(status() if status else "")

    def _fit_to_screen(self) -> None:
        """Wide enough for the script's longest line where the screen allows, and most of the screen's height."""
        metrics = self.code_view.fontMetrics()
        longest = max((metrics.horizontalAdvance(line) for line in self.code().splitlines()), default=400)
        screen = self.screen().availableGeometry()
        self.resize(min(longest + 80, int(screen.width() * 0.9)), int(screen.height() * 0.8))
