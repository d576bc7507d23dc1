"""Exporting a trained model to SavedModel, ONNX or TFLite through Keras' own ``model.export``, checked by its runtime.

An export is written beside its destination (a hidden temp folder in the same folder), loaded back with the runtime
that will run it (TensorFlow for a SavedModel, ``onnxruntime`` for ONNX, the LiteRT interpreter for TFLite) and
compared with the Keras model on the MNIST test set. Only then is it moved into place, so a failure at any step
leaves nothing behind and an existing file at the destination intact.

The ONNX converter and runtimes are an optional extra (``pip install 'digit-trainer[export]'``):
:func:`missing_packages` says what a format still needs, before any work is done.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.errors import DigitTrainerError

FORMATS = ("saved_model", "onnx", "tflite", "tflite-int8")
SUFFIX = {"saved_model": "", "onnx": ".onnx", "tflite": ".tflite", "tflite-int8": ".tflite"}
INSTALL = "pip install 'digit-trainer[export]'"
# Python module -> the package that provides it; which modules each format needs to be written and checked.
PACKAGES = {"tf2onnx": "tf2onnx", "onnxruntime": "onnxruntime", "ai_edge_litert": "ai-edge-litert"}
NEEDS = {"saved_model": (), "onnx": ("tf2onnx", "onnxruntime"), "tflite": ("ai_edge_litert",),
         "tflite-int8": ("ai_edge_litert",)}
REPRESENTATIVE_IMAGES = 300
BATCH = 500
# The least agreement with Keras (share of identical answers on the test set) an export must reach to be kept:
# a float export differs from Keras by rounding only; int8 weights and activations move a few borderline answers.
MIN_AGREEMENT = {"saved_model": 0.999, "onnx": 0.999, "tflite": 0.999, "tflite-int8": 0.98}


@dataclass(frozen=True)
class ExportReport:
    """What was written and how closely it answers like the Keras model on the test set."""

    path: str
    format: str
    size_bytes: int
    images: int
    agreement: float  # share of test images where the export's answer (argmax) is the Keras model's
    accuracy: float  # the export's test accuracy
    keras_accuracy: float


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise DigitTrainerError("export.format", format=fmt, formats=", ".join(FORMATS))
    return fmt


def missing_packages(fmt: str) -> list[str]:
    """The pip packages ``fmt`` needs that are not installed ([] when it can be exported here)."""
    missing = [PACKAGES[m] for m in NEEDS[check_format(fmt)] if importlib.util.find_spec(m) is None]
    if fmt.startswith("tflite") and missing and _tf_interpreter_available():
        return []  # TensorFlow's own (older) copy of the LiteRT interpreter checks the file as well
    return missing


def _tf_interpreter_available() -> bool:
    try:
        import tensorflow as tf

        return hasattr(tf.lite, "Interpreter")
    except ImportError:
        return False


def check_destination(out: str | os.PathLike, fmt: str) -> Path:
    """Raise DigitTrainerError unless ``fmt`` could be exported to ``out``; cheap, so callers check before work."""
    check_format(fmt)
    path = Path(out).expanduser()
    if not path.parent.is_dir():
        raise DigitTrainerError("export.no_folder", path=str(path), folder=str(path.parent))
    if fmt == "saved_model" and path.exists() and not path.is_dir():
        raise DigitTrainerError("export.is_file", path=str(path))
    if fmt != "saved_model" and path.is_dir():
        raise DigitTrainerError("export.is_folder", path=str(path), format=fmt)
    missing = missing_packages(fmt)
    if missing:
        raise DigitTrainerError(
            "export.missing_packages", format=fmt, packages=", ".join(missing), command=INSTALL
        )
    return path


def export_model(model, out: str | os.PathLike, fmt: str, raw, *, log: Callable[[str], None] | None = None
                 ) -> ExportReport:
    """Export ``model`` as ``fmt`` to ``out``, check it against ``model`` on ``raw`` (a RawMnist), then move it in.

    ``raw.x_train`` gives the int8 variant its representative images, ``raw.x_test`` / ``raw.y_test`` the check.
    Raises DigitTrainerError naming the destination on any failure; nothing is left at ``out`` then.
    """
    from model.data import to_float_images

    path = check_destination(out, fmt)
    say = log or (lambda text: None)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".export", dir=path.parent))
    except OSError as exc:
        raise DigitTrainerError(
            "export.not_writable", path=str(path), folder=str(path.parent), error=exc.strerror or str(exc)
        ) from exc
    try:
        artifact = work / f"{path.stem or 'model'}{SUFFIX[fmt]}"
        say(f"exporting {fmt} ...")
        try:
            _write(model, artifact, fmt, raw.x_train)
        except DigitTrainerError:
            raise
        except Exception as exc:
            raise DigitTrainerError("export.failed", path=str(path), format=fmt, error=_detail(exc)) from exc
        say(f"checking the {fmt} export on {len(raw.x_test)} test images ...")
        x_test = to_float_images(raw.x_test)
        y_test = np.asarray(raw.y_test).astype(np.int64)
        keras_answers = model.predict(x_test, batch_size=BATCH, verbose=0).argmax(axis=1)
        try:
            answers = _run(artifact, fmt, x_test).argmax(axis=1)
        except Exception as exc:
            raise DigitTrainerError("export.failed", path=str(path), format=fmt, error=_detail(exc)) from exc
        agreement = float(np.mean(answers == keras_answers))
        if agreement < MIN_AGREEMENT[fmt]:
            raise DigitTrainerError(
                "export.check_failed", format=fmt, agreement=f"{agreement:.2%}", required=f"{MIN_AGREEMENT[fmt]:.1%}",
                path=str(path),
            )
        size = _size(artifact)
        _move_into_place(artifact, path, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportReport(
        path=str(path), format=fmt, size_bytes=size, images=len(x_test), agreement=agreement,
        accuracy=float(np.mean(answers == y_test)), keras_accuracy=float(np.mean(keras_answers == y_test)),
    )


def _write(model, artifact: Path, fmt: str, x_train: np.ndarray) -> None:
    # Keras traces only a model that has been called ("The model provided has never called"); a loaded one has not.
    model(np.zeros((1, *model.input_shape[1:]), dtype=np.float32), training=False)
    if fmt == "saved_model":
        model.export(str(artifact), format="tf_saved_model", verbose=False)
    elif fmt == "onnx":
        model.export(str(artifact), format="onnx", verbose=False)
    elif fmt == "tflite":
        model.export(str(artifact), format="litert", verbose=False)
    else:
        import tensorflow as tf

        model.export(
            str(artifact), format="litert", verbose=False, optimizations=[tf.lite.Optimize.DEFAULT],
            representative_dataset=_representative(x_train),
        )


def _representative(x_train: np.ndarray) -> Callable:
    """A few hundred training images spread over the set, one at a time, as the int8 calibration wants them."""
    from model.data import to_float_images

    picks = np.random.default_rng(0).choice(len(x_train), size=min(REPRESENTATIVE_IMAGES, len(x_train)),
                                            replace=False)
    images = to_float_images(np.asarray(x_train)[np.sort(picks)])

    def samples():
        for image in images:
            yield [image[None]]

    return samples


def _run(artifact: Path, fmt: str, x: np.ndarray) -> np.ndarray:
    """The export's outputs for ``x``, computed by the export's own runtime."""
    if fmt == "saved_model":
        import tensorflow as tf

        loaded = tf.saved_model.load(str(artifact))  # kept: its variables die with it, and serve needs them
        return np.concatenate(
            [np.asarray(loaded.serve(tf.constant(x[i:i + BATCH]))) for i in range(0, len(x), BATCH)]
        )
    if fmt == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(str(artifact), providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        return np.concatenate([session.run(None, {name: x[i:i + BATCH]})[0] for i in range(0, len(x), BATCH)])
    return _run_tflite(artifact, x)


def _run_tflite(artifact: Path, x: np.ndarray) -> np.ndarray:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    interpreter = Interpreter(model_path=str(artifact))
    inp = interpreter.get_input_details()[0]
    outputs = []
    for i in range(0, len(x), BATCH):
        batch = x[i:i + BATCH]
        interpreter.resize_tensor_input(inp["index"], list(batch.shape))
        interpreter.allocate_tensors()
        inp = interpreter.get_input_details()[0]
        out = interpreter.get_output_details()[0]
        interpreter.set_tensor(inp["index"], _quantize(batch, inp))
        interpreter.invoke()
        outputs.append(_dequantize(interpreter.get_tensor(out["index"]), out))
    return np.concatenate(outputs)


def _quantize(x: np.ndarray, detail: dict) -> np.ndarray:
    """``x`` as the input tensor wants it: unchanged for float inputs, scaled to integers for quantised ones."""
    if np.issubdtype(detail["dtype"], np.floating):
        return x.astype(detail["dtype"])
    scale, zero = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    return np.clip(np.round(x / scale + zero), info.min, info.max).astype(detail["dtype"])


def _dequantize(y: np.ndarray, detail: dict) -> np.ndarray:
    if np.issubdtype(detail["dtype"], np.floating):
        return y
    scale, zero = detail["quantization"]
    return (y.astype(np.float32) - zero) * scale


def _size(artifact: Path) -> int:
    if artifact.is_file():
        return artifact.stat().st_size
    return sum(f.stat().st_size for f in artifact.rglob("*") if f.is_file())


def _move_into_place(artifact: Path, path: Path, work: Path) -> None:
    """Put the checked export at ``path``; a SavedModel folder already there is replaced only once the new one is in."""
    try:
        if artifact.is_dir() and path.is_dir():
            old = work / "replaced"
            os.replace(path, old)
            try:
                os.replace(artifact, path)
            except OSError:
                os.replace(old, path)
                raise
        else:
            os.replace(artifact, path)
    except OSError as exc:
        raise DigitTrainerError(
            "export.not_writable", path=str(path), folder=str(path.parent), error=exc.strerror or str(exc)
        ) from exc


def _detail(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
