"""The one exception type the engine raises for anything the user can fix, carrying a translatable message."""

from __future__ import annotations

from model.messages import MESSAGES, Message


class DigitTrainerError(Exception):
    """A problem with user-supplied data, a model file or a setting.

    The message is meant for the user: it names the file or value and says what is wrong with it. Raise with a
    message code and its params, ``DataError("data.missing", path=p, how=...)`` (see ``model/messages.py``):
    ``str(exc)`` is the English text, and ``code`` / ``params`` let the GUI show it in the user's language. Plain
    text (``DigitTrainerError("...")``) or a ready :class:`~model.messages.Message` are accepted too.
    """

    def __init__(self, message: str, /, **params):
        if message in MESSAGES and not isinstance(message, Message):
            message = Message(message, **params)
        elif params:
            raise TypeError(f"{message!r} is not a message code, so it takes no params")
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        """The message code ("" for plain text)."""
        return getattr(self.message, "code", "")

    @property
    def params(self) -> dict:
        return getattr(self.message, "params", {})


class DataError(DigitTrainerError):
    """A dataset could not be found, read or validated."""


class ModelFileError(DigitTrainerError):
    """A model file could not be read, written or used."""


class SpecError(DigitTrainerError):
    """An architecture spec describes a network that cannot be built."""
