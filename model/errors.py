"""The one exception type the engine raises for anything the user can fix."""


class DigitTrainerError(Exception):
    """A problem with user-supplied data, a model file or a setting.

    The message is meant for the user: it names the file or value and says what is wrong with it.
    """


class DataError(DigitTrainerError):
    """A dataset could not be found, read or validated."""


class ModelFileError(DigitTrainerError):
    """A model file could not be read, written or used."""


class SpecError(DigitTrainerError):
    """An architecture spec describes a network that cannot be built."""
