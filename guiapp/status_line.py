"""The window's status line: a label that keeps what it says, so that a language switch says it again in the new
language."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from guiapp.i18n import RetranslateMixin, message_for


def render(text) -> str:
    """``text`` in the current language: a callable giving it, a model message (or error), or plain text."""
    if callable(text):
        return text()
    return message_for(text) if text else ""


class StatusLine(RetranslateMixin, QLabel):
    """``say(text)`` with a callable (``lambda: self.tr("Stopping…")``) or a model message keeps it for a switch;
    plain text (already translated elsewhere) is shown as it is."""

    def __init__(self, text="", parent=None):
        super().__init__(parent)
        self.say(text)

    def say(self, text) -> None:
        self._source = text
        self.setText(render(text))

    def retranslate(self) -> None:
        self.setText(render(self._source))
