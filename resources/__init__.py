"""Files that ship with the app: the bundled trained model and icons. Read them with importlib.resources."""

from importlib import resources as _resources

BUNDLED_MODEL = "bundled_robust.keras"


def bundled_model_path():
    """A filesystem path to the bundled model, or None if it is missing from this install."""
    path = _resources.files(__name__) / BUNDLED_MODEL
    return path if path.is_file() else None
