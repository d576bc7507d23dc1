"""Saving and loading ``.keras`` model files: atomic writes and metadata beside the weights.

The metadata (recipe, architecture spec, test accuracy, date, epochs ...) is stored as ``digit_trainer.json``
inside the ``.keras`` zip, which Keras ignores when loading.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
import zipfile
from pathlib import Path

from model.errors import ModelFileError

META_NAME = "digit_trainer.json"


def save_model(model, path: str | os.PathLike, metadata: dict | None = None) -> Path:
    """Write ``model`` to ``path`` atomically: a temp file in the same folder, fsync, then ``os.replace``.

    Whatever goes wrong (read-only folder, full disk, a crash halfway), an existing file at ``path`` stays intact.
    """
    path = Path(path).expanduser()
    if path.suffix != ".keras":
        raise ModelFileError(f"Model file '{path}' must end in .keras.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelFileError(f"Cannot save '{path}': the folder '{folder}' does not exist.")
    meta = {"saved": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), **(metadata or {})}
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp.keras", dir=folder)
    except OSError as exc:
        raise ModelFileError(f"Cannot save '{path}': {exc.strerror or exc} (is the folder writable?).") from exc
    os.close(fd)
    try:
        model.save(tmp)
        with zipfile.ZipFile(tmp, "a") as zf:
            zf.writestr(META_NAME, json.dumps(meta, indent=2, default=str))
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except ModelFileError:
        raise
    except Exception as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ModelFileError(f"Cannot save '{path}': {detail}. The previous file, if any, is unchanged.") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _fsync_dir(folder)
    return path


def _fsync_dir(folder: Path):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_metadata(path: str | os.PathLike) -> dict:
    """The Digit Trainer metadata of a model file ({} for a plain Keras file)."""
    path = Path(path).expanduser()
    _check_readable(path)
    try:
        with zipfile.ZipFile(path) as zf:
            if META_NAME not in zf.namelist():
                return {}
            return json.loads(zf.read(META_NAME))
    except (zipfile.BadZipFile, json.JSONDecodeError, OSError, EOFError) as exc:
        raise ModelFileError(f"Model file '{path}' is corrupt or truncated ({exc}).") from exc


def _check_readable(path: Path):
    if not path.exists():
        raise ModelFileError(f"Model file '{path}' does not exist.")
    if path.is_dir():
        raise ModelFileError(f"'{path}' is a folder, not a .keras model file.")
    if not os.access(path, os.R_OK):
        raise ModelFileError(f"Model file '{path}' cannot be read: permission denied.")
    if path.stat().st_size == 0:
        raise ModelFileError(f"Model file '{path}' is empty (0 bytes).")


def load_model(path: str | os.PathLike):
    """Load and check a model file; return ``(model, metadata)``.

    Raises ModelFileError naming the file for a missing, truncated or corrupt file, or for a model that does not
    take 28x28x1 images and give 10 class probabilities. Nothing half-loaded ever escapes.
    """
    path = Path(path).expanduser()
    _check_readable(path)
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"Model file '{path}' is not a .keras file (not a zip archive; truncated or corrupt?).")
    meta = read_metadata(path)
    import keras

    from model.layers import SumPooling2D

    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
        if bad is not None:
            raise ModelFileError(f"Model file '{path}' is corrupt: the entry {bad} fails its checksum.")
        model = keras.saving.load_model(path, custom_objects={"SumPooling2D": SumPooling2D}, compile=False)
    except ModelFileError:
        raise
    except Exception as exc:
        raise ModelFileError(f"Model file '{path}' cannot be loaded: {type(exc).__name__}: {exc}") from exc
    in_shape = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    out_shape = tuple(model.outputs[0].shape[1:]) if model.outputs else None
    if in_shape != (28, 28, 1):
        raise ModelFileError(f"Model file '{path}' takes inputs of shape {in_shape}; Digit Trainer needs (28, 28, 1).")
    if out_shape != (10,):
        raise ModelFileError(f"Model file '{path}' gives outputs of shape {out_shape}; Digit Trainer needs 10 classes.")
    return model, meta
