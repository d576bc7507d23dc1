"""Finding, reading, validating and preparing MNIST.

Sources are tried in a fixed order (see :func:`load_mnist`). Whatever is loaded is validated before use, and any
problem raises :class:`~model.errors.DataError` with the file name and the exact fault.
"""

from __future__ import annotations

import gzip
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.errors import DataError

ENV_VAR = "DIGIT_TRAINER_DATA"
KERAS_CACHE = Path("~/.keras/datasets/mnist.npz")
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
HOW_TO_PROVIDE = (
    "Provide MNIST in one of these ways: pass --data PATH (or use File > Open dataset...), set "
    f"{ENV_VAR} to a Keras-layout mnist.npz or a folder of the four IDX files, or place mnist.npz in "
    f"{KERAS_CACHE}."
)


@dataclass(frozen=True)
class RawMnist:
    """MNIST as stored: uint8 images (n, 28, 28) and integer labels (n,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def class_counts(self) -> np.ndarray:
        return np.bincount(self.y_train.astype(np.int64), minlength=10)


@dataclass(frozen=True)
class PreparedData:
    """Model-ready arrays: images float32 (n, 28, 28, 1) in [0, 1], labels one-hot float32 (n, 10)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    x_test: np.ndarray
    y_test: np.ndarray


def load_mnist(path: str | os.PathLike | None = None, *, allow_download: bool = True) -> RawMnist:
    """Load and validate MNIST.

    Order: ``path`` if given, else the ``DIGIT_TRAINER_DATA`` environment variable (a ``.npz`` or a folder of IDX
    files); then the Keras cache ``~/.keras/datasets/mnist.npz`` read directly; then
    ``keras.datasets.mnist.load_data()``, which downloads when online.
    """
    explicit = path if path is not None else os.environ.get(ENV_VAR) or None
    if explicit is not None:
        return read_dataset(explicit)
    cache = KERAS_CACHE.expanduser()
    if cache.is_file():
        return read_dataset(cache)
    if not allow_download:
        raise DataError(f"MNIST was not found and downloading is off. {HOW_TO_PROVIDE}")
    try:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # any network or file error: the user gets one clear message
        raise DataError(f"MNIST could not be downloaded ({type(exc).__name__}: {exc}). {HOW_TO_PROVIDE}") from exc
    raw = RawMnist(x_train, y_train, x_test, y_test, source="keras.datasets.mnist")
    validate(raw)
    return raw


def read_dataset(path: str | os.PathLike) -> RawMnist:
    """Read a Keras-layout ``.npz`` or a folder of the four IDX files (gzipped or not), then validate it."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DataError(f"Dataset '{p}' does not exist. {HOW_TO_PROVIDE}")
    if p.is_dir():
        raw = _read_idx_folder(p)
    else:
        raw = _read_npz(p)
    validate(raw)
    return raw


NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, or an empty zip


def _read_npz(p: Path) -> RawMnist:
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except PermissionError as exc:
        raise DataError(f"Dataset '{p}' cannot be read: permission denied.") from exc
    except OSError as exc:
        raise DataError(f"Dataset '{p}' cannot be read: {exc.strerror or exc}.") from exc
    if not head:
        raise DataError(f"Dataset '{p}' is empty (0 bytes).")
    if head.startswith(NPY_MAGIC):
        raise DataError(
            f"Dataset '{p}' is a single .npy array, not a Keras-layout .npz holding {', '.join(NPZ_KEYS)}."
        )
    if not head.startswith(ZIP_MAGICS):
        # np.load would try to unpickle it and suggest allow_pickle=True: never the right advice for a dataset.
        raise DataError(f"Dataset '{p}' is not a readable .npz file (not a zip archive: corrupt or another format).")
    try:
        with np.load(p, allow_pickle=False) as f:
            missing = [k for k in NPZ_KEYS if k not in f.files]
            if missing:
                raise DataError(
                    f"Dataset '{p}' lacks the key(s) {', '.join(missing)}; a Keras-layout MNIST file holds "
                    f"{', '.join(NPZ_KEYS)} (it has: {', '.join(f.files) or 'nothing'})."
                )
            arrays = {k: f[k] for k in NPZ_KEYS}
    except DataError:
        raise
    except PermissionError as exc:
        raise DataError(f"Dataset '{p}' cannot be read: permission denied.") from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        raise DataError(f"Dataset '{p}' is not a readable .npz file (truncated or corrupt): {exc}") from exc
    return RawMnist(**arrays, source=str(p))


def _read_idx_folder(folder: Path) -> RawMnist:
    arrays = {}
    for key, stem in IDX_FILES.items():
        candidates = [folder / stem, folder / (stem + ".gz"), folder / stem.replace("-idx", ".idx")]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise DataError(
                f"Folder '{folder}' has no {stem} (or {stem}.gz). An IDX folder needs all four MNIST files: "
                f"{', '.join(IDX_FILES.values())}."
            )
        arrays[key] = read_idx(found)
    return RawMnist(**arrays, source=str(folder))


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (LeCun's format), gzipped or not; unsigned-byte data only, as MNIST uses."""
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            data = f.read()
    except PermissionError as exc:
        raise DataError(f"IDX file '{path}' cannot be read: permission denied.") from exc
    except (OSError, EOFError, zlib.error) as exc:  # zlib.error: a damaged gzip stream
        raise DataError(f"IDX file '{path}' cannot be read (truncated or corrupt?): {exc}") from exc
    if len(data) < 4:
        raise DataError(f"IDX file '{path}' is too short ({len(data)} bytes) to hold a header.")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise DataError(
            f"IDX file '{path}' has the wrong magic number 0x{data[:4].hex()} (expected 0x00000801 for labels or "
            "0x00000803 for images)."
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"IDX file '{path}' is truncated inside its header.")
    shape = struct.unpack(">" + "I" * ndim, data[4:header])
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise DataError(
            f"IDX file '{path}' should hold {expected} bytes of data for shape {shape} but holds {len(data) - header}."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def validate(raw: RawMnist) -> None:
    """Check dtypes, image shape 28x28, labels 0-9, matching lengths and no NaN; raise DataError otherwise."""
    src = raw.source
    for part in ("train", "test"):
        x = np.asarray(getattr(raw, f"x_{part}"))
        y = np.asarray(getattr(raw, f"y_{part}"))
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataError(f"Dataset '{src}': x_{part} has shape {x.shape}; expected (n, 28, 28) images.")
        if y.ndim != 1:
            raise DataError(f"Dataset '{src}': y_{part} has shape {y.shape}; expected a 1-D array of labels.")
        if len(x) != len(y):
            raise DataError(f"Dataset '{src}': x_{part} has {len(x)} images but y_{part} has {len(y)} labels.")
        if len(x) == 0:
            raise DataError(f"Dataset '{src}': x_{part} holds no images.")
        if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
            raise DataError(f"Dataset '{src}': x_{part} has dtype {x.dtype}; expected uint8 pixels.")
        if np.issubdtype(x.dtype, np.floating):
            if not np.all(np.isfinite(x)):
                bad = int(np.count_nonzero(~np.isfinite(x)))
                raise DataError(f"Dataset '{src}': x_{part} contains {bad} NaN or infinite pixel value(s).")
            if x.min() < 0 or x.max() > 255:
                raise DataError(f"Dataset '{src}': x_{part} has pixel values outside 0-255.")
        elif x.dtype != np.uint8 and (x.min() < 0 or x.max() > 255):
            raise DataError(f"Dataset '{src}': x_{part} has pixel values outside 0-255.")
        if not np.issubdtype(y.dtype, np.integer):
            if np.issubdtype(y.dtype, np.floating) and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
                pass
            else:
                raise DataError(f"Dataset '{src}': y_{part} has dtype {y.dtype}; expected integer labels 0-9.")
        if y.min() < 0 or y.max() > 9:
            bad = y[(y < 0) | (y > 9)]
            raise DataError(
                f"Dataset '{src}': y_{part} has labels outside 0-9 (for example {bad[0].item()!r}; {len(bad)} in all)."
            )


def to_float_images(x: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1], as the seed does."""
    x = np.asarray(x)
    out = x.reshape((len(x), 28, 28, 1)).astype(np.float32)  # one float array: divided in place, no temporaries
    np.divide(out, np.float32(255), out=out)
    return out


def one_hot(y: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Integer labels -> float32 one-hot, equivalent to ``keras.utils.to_categorical``."""
    y = np.asarray(y).astype(np.int64)
    out = np.zeros((len(y), num_classes), dtype="float32")
    out[np.arange(len(y)), y] = 1.0
    return out


def prepare(
    raw: RawMnist,
    *,
    validation_split: float = 0.1,
    limit_train: int | None = None,
    limit_test: int | None = None,
    seed: int = 0,
) -> PreparedData:
    """Preprocess as the seed does and carve a validation split from the training data.

    ``validation_split=0`` trains on every training image, exactly as the seed. The split is a seeded random
    subset, so its class mix matches the training set. The test set is left untouched for the final evaluation.
    """
    if not 0.0 <= validation_split < 1.0:
        raise DataError(f"Validation split {validation_split!r} must be at least 0 and below 1.")
    if limit_train is not None and limit_train < 1:
        raise DataError(f"The training limit {limit_train!r} must be at least 1 image.")
    if limit_test is not None and limit_test < 0:
        raise DataError(f"The test limit {limit_test!r} must not be negative.")
    x, y = raw.x_train, raw.y_train
    if limit_train is not None:
        x, y = x[:limit_train], y[:limit_train]
    xt, yt = raw.x_test, raw.y_test
    if limit_test is not None:
        xt, yt = xt[:limit_test], yt[:limit_test]
    n_val = int(round(len(x) * validation_split))
    if validation_split > 0 and n_val == 0:
        n_val = 1
    if n_val >= len(x):
        raise DataError(f"Validation split {validation_split} leaves no training images out of {len(x)}.")
    if n_val:
        order = np.random.default_rng(seed).permutation(len(x))
        val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
        x_val, y_val = to_float_images(x[val_idx]), one_hot(y[val_idx])
        x, y = x[train_idx], y[train_idx]
    else:
        x_val = y_val = None
    return PreparedData(to_float_images(x), one_hot(y), x_val, y_val, to_float_images(xt), one_hot(yt))
