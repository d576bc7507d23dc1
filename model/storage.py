"""Saving and loading ``.keras`` model files: atomic writes and metadata beside the weights.

The metadata (recipe, architecture spec, test accuracy, date, epochs ...) is stored as ``digit_trainer.json``
inside the ``.keras`` zip, which Keras ignores when loading.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
import threading
import zipfile
import zlib
from pathlib import Path

from model.errors import ModelFileError

META_NAME = "digit_trainer.json"


def save_model(model, path: str | os.PathLike, metadata: dict | None = None) -> Path:
    """Write ``model`` to ``path`` atomically: a temp file in the same folder, fsync, then ``os.replace``.

    Whatever goes wrong (read-only folder, full disk, a crash halfway), an existing file at ``path`` stays intact.
    """
    path = check_save_path(path)
    folder = path.parent
    meta = {"saved": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), **(metadata or {})}
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp.keras", dir=folder)
    except OSError as exc:
        raise ModelFileError("model_file.no_temp", path=str(path), error=str(exc.strerror or exc)) from exc
    os.close(fd)
    try:
        _without_optimizer(model).save(tmp)
        with zipfile.ZipFile(tmp, "a") as zf:
            zf.writestr(META_NAME, json.dumps(meta, indent=2, default=_json_default))
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        _set_mode(tmp, path)
        os.replace(tmp, path)
    except ModelFileError:
        raise
    except Exception as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ModelFileError("model_file.save_failed", path=str(path), error=detail) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _fsync_dir(folder)
    return path


def _without_optimizer(model):
    """A copy of ``model`` sharing nothing but its weights' values and carrying no optimiser.

    Files hold what inference needs. The optimiser's slots (one or two per weight) would double or triple the file,
    and every training or fine-tuning run here compiles a fresh optimiser anyway.
    """
    if getattr(model, "optimizer", None) is None:
        return model
    import keras

    from model.layers import SumPooling2D

    # Not clone_model: it compiles the copy (and builds a fresh optimiser) when the original was compiled.
    with keras.saving.custom_object_scope({"SumPooling2D": SumPooling2D}):
        copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def check_save_path(path: str | os.PathLike) -> Path:
    """Raise ModelFileError unless ``path`` could be saved to (a .keras name in an existing folder).

    Cheap, so callers can check a destination before a long training run rather than after it.
    """
    path = Path(path).expanduser()
    if path.suffix != ".keras":
        raise ModelFileError("model_file.suffix", path=str(path))
    if path.is_dir():
        raise ModelFileError("model_file.save_to_folder", path=str(path))
    if not path.parent.is_dir():
        raise ModelFileError("model_file.no_folder", path=str(path), folder=str(path.parent))
    return path


def _json_default(value):
    """numpy scalars and arrays as JSON numbers and lists (np.float32(0.98) must not become the string "0.98")."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


_umask_lock = threading.Lock()


def _default_mode() -> int:
    """The mode a newly created file gets (0o666 minus the umask); mkstemp's own 0o600 would hide the model."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def _set_mode(tmp: str, path: Path):
    """Give the new file the old file's permissions, or a normal new file's when there is none."""
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = _default_mode()
    try:
        os.chmod(tmp, mode)
    except OSError:
        pass  # e.g. a filesystem without Unix permissions: the file is still saved


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
            meta = json.loads(zf.read(META_NAME))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error) as exc:  # ValueError: bad JSON or UTF-8
        raise ModelFileError("model_file.corrupt", path=str(path), error=str(exc)) from exc
    if not isinstance(meta, dict):
        raise ModelFileError("model_file.metadata", path=str(path), name=META_NAME)
    return meta


def _check_readable(path: Path):
    if not path.exists():
        raise ModelFileError("model_file.missing", path=str(path))
    if path.is_dir():
        raise ModelFileError("model_file.is_folder", path=str(path))
    if not os.access(path, os.R_OK):
        raise ModelFileError("model_file.permission", path=str(path))
    if path.stat().st_size == 0:
        raise ModelFileError("model_file.empty", path=str(path))


def load_model(path: str | os.PathLike):
    """Load and check a model file; return ``(model, metadata)``.

    Raises ModelFileError naming the file for a missing, truncated or corrupt file, or for a model that does not
    take 28x28x1 images and give 10 class probabilities. Nothing half-loaded ever escapes.
    """
    path = Path(path).expanduser()
    _check_readable(path)
    if not zipfile.is_zipfile(path):
        raise ModelFileError("model_file.not_zip", path=str(path))
    meta = read_metadata(path)
    import keras

    from model.layers import SumPooling2D

    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
        if bad is not None:
            raise ModelFileError("model_file.checksum", path=str(path), entry=bad)
        model = keras.saving.load_model(path, custom_objects={"SumPooling2D": SumPooling2D}, compile=False)
    except ModelFileError:
        raise
    except Exception as exc:
        raise ModelFileError("model_file.cannot_load", path=str(path), error=f"{type(exc).__name__}: {exc}") from exc
    in_shape = tuple(model.inputs[0].shape[1:]) if model.inputs else None
    out_shape = tuple(model.outputs[0].shape[1:]) if model.outputs else None
    if in_shape != (28, 28, 1):
        raise ModelFileError("model_file.input_shape", path=str(path), shape=in_shape)
    if out_shape != (10,):
        raise ModelFileError("model_file.output_shape", path=str(path), shape=out_shape)
    return model, meta
