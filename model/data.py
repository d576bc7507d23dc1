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
from model.messages import Message

ENV_VAR = "DIGIT_TRAINER_DATA"
KERAS_CACHE = Path("~/.keras/datasets/mnist.npz")
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
HOW_TO_PROVIDE = Message("data.how_to_provide", env=ENV_VAR, cache=str(KERAS_CACHE))


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
        raise DataError("data.not_found", how=HOW_TO_PROVIDE)
    try:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # any network or file error: the user gets one clear message
        raise DataError("data.download_failed", error=f"{type(exc).__name__}: {exc}", how=HOW_TO_PROVIDE) from exc
    raw = RawMnist(x_train, y_train, x_test, y_test, source="keras.datasets.mnist")
    validate(raw)
    return raw


def read_dataset(path: str | os.PathLike) -> RawMnist:
    """Read a Keras-layout ``.npz`` or a folder of the four IDX files (gzipped or not), then validate it."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DataError("data.missing", path=str(p), how=HOW_TO_PROVIDE)
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
        raise DataError("data.permission", path=str(p)) from exc
    except OSError as exc:
        raise DataError("data.unreadable", path=str(p), error=str(exc.strerror or exc)) from exc
    if not head:
        raise DataError("data.empty", path=str(p))
    if head.startswith(NPY_MAGIC):
        raise DataError("data.npy_not_npz", path=str(p), keys=", ".join(NPZ_KEYS))
    if not head.startswith(ZIP_MAGICS):
        # np.load would try to unpickle it and suggest allow_pickle=True: never the right advice for a dataset.
        raise DataError("data.not_zip", path=str(p))
    try:
        with np.load(p, allow_pickle=False) as f:
            missing = [k for k in NPZ_KEYS if k not in f.files]
            if missing:
                raise DataError("data.missing_keys", path=str(p), missing=", ".join(missing), keys=", ".join(NPZ_KEYS),
                                found=", ".join(f.files) or Message("word.nothing"))
            arrays = {k: f[k] for k in NPZ_KEYS}
    except DataError:
        raise
    except PermissionError as exc:
        raise DataError("data.permission", path=str(p)) from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        raise DataError("data.npz_corrupt", path=str(p), error=str(exc)) from exc
    return RawMnist(**arrays, source=str(p))


def _read_idx_folder(folder: Path) -> RawMnist:
    arrays = {}
    for key, stem in IDX_FILES.items():
        candidates = [folder / stem, folder / (stem + ".gz"), folder / stem.replace("-idx", ".idx")]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise DataError("data.idx_missing", folder=str(folder), stem=stem, files=", ".join(IDX_FILES.values()))
        arrays[key] = read_idx(found)
    return RawMnist(**arrays, source=str(folder))


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (LeCun's format), gzipped or not; unsigned-byte data only, as MNIST uses."""
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            data = f.read()
    except PermissionError as exc:
        raise DataError("data.idx_permission", path=str(path)) from exc
    except (OSError, EOFError, zlib.error) as exc:  # zlib.error: a damaged gzip stream
        raise DataError("data.idx_unreadable", path=str(path), error=str(exc)) from exc
    if len(data) < 4:
        raise DataError("data.idx_short", path=str(path), size=len(data))
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise DataError("data.idx_magic", path=str(path), magic=data[:4].hex())
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError("data.idx_header", path=str(path))
    shape = struct.unpack(">" + "I" * ndim, data[4:header])
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise DataError("data.idx_size", path=str(path), expected=expected, shape=shape, actual=len(data) - header)
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def validate(raw: RawMnist) -> None:
    """Check dtypes, image shape 28x28, labels 0-9, matching lengths and no NaN; raise DataError otherwise."""
    src = raw.source
    for part in ("train", "test"):
        x = np.asarray(getattr(raw, f"x_{part}"))
        y = np.asarray(getattr(raw, f"y_{part}"))
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise DataError("data.image_shape", source=src, part=part, shape=x.shape)
        if y.ndim != 1:
            raise DataError("data.label_shape", source=src, part=part, shape=y.shape)
        if len(x) != len(y):
            raise DataError("data.length_mismatch", source=src, part=part, images=len(x), labels=len(y))
        if len(x) == 0:
            raise DataError("data.no_images", source=src, part=part)
        if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
            raise DataError("data.image_dtype", source=src, part=part, dtype=str(x.dtype))
        if np.issubdtype(x.dtype, np.floating):
            if not np.all(np.isfinite(x)):
                bad = int(np.count_nonzero(~np.isfinite(x)))
                raise DataError("data.nonfinite_pixels", source=src, part=part, count=bad)
            if x.min() < 0 or x.max() > 255:
                raise DataError("data.pixel_range", source=src, part=part)
        elif x.dtype != np.uint8 and (x.min() < 0 or x.max() > 255):
            raise DataError("data.pixel_range", source=src, part=part)
        if not np.issubdtype(y.dtype, np.integer):
            if np.issubdtype(y.dtype, np.floating) and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
                pass
            else:
                raise DataError("data.label_dtype", source=src, part=part, dtype=str(y.dtype))
        if y.min() < 0 or y.max() > 9:
            bad = y[(y < 0) | (y > 9)]
            raise DataError("data.label_range", source=src, part=part, example=bad[0].item(), count=len(bad))


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
        raise DataError("data.validation_split", value=validation_split)
    if limit_train is not None and limit_train < 1:
        raise DataError("data.train_limit", value=limit_train)
    if limit_test is not None and limit_test < 0:
        raise DataError("data.test_limit", value=limit_test)
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
        raise DataError("data.split_leaves_nothing", value=validation_split, count=len(x))
    if n_val:
        order = np.random.default_rng(seed).permutation(len(x))
        val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
        x_val, y_val = to_float_images(x[val_idx]), one_hot(y[val_idx])
        x, y = x[train_idx], y[train_idx]
    else:
        x_val = y_val = None
    return PreparedData(to_float_images(x), one_hot(y), x_val, y_val, to_float_images(xt), one_hot(yt))
