"""``digit-trainer-cli``: train, evaluate, predict and export from the command line.

Output is English; ``--lang zh_CN`` shows error messages and the reason a run stopped in Chinese, read from the GUI's
translation source (the ``.ts`` file: the CLI does not use Qt).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from model.errors import DigitTrainerError
from model.messages import Lookup, translate

LANGUAGES = ("en", "zh_CN")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "guiapp" / "translations"


def message_lookup(language: str) -> Lookup:
    """English template -> its finished translation into ``language`` from the app's ``.ts`` (English if none)."""
    table: dict[str, str] = {}
    if language != "en":
        try:
            root = ET.parse(TRANSLATIONS / f"digit_trainer_{language}.ts").getroot()
        except (OSError, ET.ParseError):
            root = None
        for context in root.iter("context") if root is not None else ():
            if context.findtext("name") != "Messages":
                continue
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is not None and translation.text and not translation.get("type"):
                    table[message.findtext("source")] = translation.text
    return lambda text: table.get(text, text)


class _Progress:
    """A one-line progress bar on a terminal; nothing between epochs when not on a terminal."""

    def __init__(self, stream=sys.stdout):
        self.stream = stream
        self.tty = stream.isatty()

    def batch(self, r):
        if not self.tty:
            return
        width = 30
        filled = int(width * r.batch / r.batches)
        eta = f"{r.eta_s:5.0f}s" if math.isfinite(r.eta_s) else "  ?  "
        self.stream.write(
            f"\repoch {r.epoch}/{r.epochs} [{'#' * filled}{'.' * (width - filled)}] {r.batch}/{r.batches} "
            f"loss={r.loss:.4f} acc={r.accuracy:.4f} {r.samples_per_s:6.0f} samples/s ETA {eta}"
        )
        self.stream.flush()

    def epoch(self, r):
        if self.tty:
            self.stream.write("\r" + " " * 110 + "\r")
        val = ""
        if r.val_loss is not None:
            val = f" val_loss={r.val_loss:.4f} val_accuracy={r.val_accuracy:.4f}"
        print(
            f"epoch {r.epoch}/{r.epochs} loss={r.loss:.4f} accuracy={r.accuracy:.4f}{val} time={r.seconds:.1f}s",
            file=self.stream,
            flush=True,
        )


def _train(args) -> int:
    from model.history import RunHistory
    from model.recipes import recipe
    from model.reports import TrainCallbacks
    from model.session import ModelSession

    cfg = recipe(
        args.recipe,
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_split=args.validation_split,
        seed=args.seed,
        optimizer=args.optimizer,
        learning_rate=args.learning_rate,
        force_cpu=args.cpu,
        tensorboard_dir=args.tensorboard,
        limit_train=args.limit_train,
        steps_per_execution=args.steps_per_execution,
    )
    if args.out:
        from model.storage import check_save_path

        check_save_path(args.out)  # before training, not after it
    history = None if args.no_history else RunHistory()
    session = ModelSession(args.data, log=lambda text: print(text, file=sys.stderr), history=history, origin="cli")
    data = session.prepare(cfg)  # first: a bad data path is reported before TensorFlow loads
    progress = _Progress()
    from model import tf_backend

    print(f"recipe={cfg.recipe} device={tf_backend.configure(cfg.force_cpu)} train={len(data.x_train)}", flush=True)
    result = session.train(cfg, TrainCallbacks(on_batch=progress.batch, on_epoch=progress.epoch), data=data)
    if result.reason:
        print(translate(result.reason, args.lookup), file=sys.stderr)
    if args.out and result.epochs_done:
        session.save(args.out)
        print(f"saved {args.out}")
    if result.test_accuracy is None:
        return 1
    print(f"test_loss={result.test_loss:.4f}")
    print(f"test_accuracy={result.test_accuracy:.4f}")
    return 0


def _evaluate(args) -> int:
    from model.session import ModelSession

    session = ModelSession(args.data)
    raw = session.dataset()  # first: a bad data path is reported before TensorFlow loads
    session.load(args.model)
    t0 = time.perf_counter()
    ev = session.evaluate()
    recipe_name = session.metadata.get("recipe", "?")
    print(f"model={args.model} recipe={recipe_name} images={len(raw.x_test)} time={time.perf_counter() - t0:.1f}s")
    for d in range(10):
        print(f"digit {d}: accuracy={ev.per_class_accuracy[d]:.4f}")
    print(f"test_loss={ev.loss:.4f}")
    print(f"test_accuracy={ev.accuracy:.4f}")
    return 0


def _predict(args) -> int:
    from model.images import load_image_file
    from model.preprocess import to_mnist
    from model.session import ModelSession

    session = ModelSession()
    session.load(args.model)
    status = 0
    for name in args.images:
        try:
            x = to_mnist(load_image_file(name))
        except DigitTrainerError as exc:
            print(f"{name}: error: {translate(exc.message, args.lookup)}", file=sys.stderr)
            status = 1
            continue
        if x is None:
            print(f"{name}: no digit (blank image)")
            continue
        probs = session.probabilities(x)[0]
        digit = int(probs.argmax())
        print(f"{name}: {digit} p={probs[digit]:.4f}")
    return status


def _export(args) -> int:
    from model.data import load_mnist
    from model.export import check_destination, export_model
    from model.storage import load_model

    check_destination(args.out, args.format)  # a bad format, folder or missing package before TensorFlow loads
    raw = load_mnist(args.data)
    model, _ = load_model(args.model)
    report = export_model(model, args.out, args.format, raw, log=lambda text: print(text, file=sys.stderr))
    print(f"exported {args.model} as {report.format} to {report.path}: {report.size_bytes:,} bytes")
    print(f"agreement={report.agreement:.4f} ({report.format} and Keras give the same answer on "
          f"{round(report.agreement * report.images):,} of {report.images:,} test images)")
    print(f"keras_test_accuracy={report.keras_accuracy:.4f}")
    print(f"export_test_accuracy={report.accuracy:.4f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="digit-trainer-cli", description="Train and use the Digit Trainer CNN.")
    lang_help = "the language of error messages (default en)"
    p.add_argument("--lang", choices=LANGUAGES, default="en", help=lang_help)
    common = argparse.ArgumentParser(add_help=False)  # --lang after the command too
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=lang_help)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a recipe on MNIST", parents=[common])
    t.add_argument("--data", help="mnist.npz or a folder of IDX files (default: $DIGIT_TRAINER_DATA, Keras cache)")
    t.add_argument("--recipe", choices=("seed", "robust"), default="seed")
    t.add_argument("--epochs", type=int)
    t.add_argument("--batch-size", type=int)
    t.add_argument("--optimizer", choices=("rmsprop", "adam", "sgd"))
    t.add_argument("--learning-rate", type=float)
    t.add_argument("--validation-split", type=float)
    t.add_argument("--seed", type=int)
    t.add_argument("--limit-train", type=int, help="train on the first N training images only")
    t.add_argument("--out", help="save the trained model to this .keras file")
    t.add_argument("--cpu", action="store_true", help="use the CPU even when a GPU is visible")
    t.add_argument("--tensorboard", metavar="DIR", help="write TensorBoard logs to DIR")
    t.add_argument("--no-history", action="store_true",
                   help="do not record the run in the run history ($DIGIT_TRAINER_HISTORY or the app's data folder)")
    t.add_argument(
        "--steps-per-execution",
        type=int,
        metavar="N",
        help="train N batches per call into TensorFlow (default 8; 1 = one at a time, as the seed script does)",
    )
    t.set_defaults(func=_train)
    e = sub.add_parser("evaluate", help="evaluate a model file on the MNIST test set", parents=[common])
    e.add_argument("--model", required=True)
    e.add_argument("--data")
    e.set_defaults(func=_evaluate)
    r = sub.add_parser("predict", help="classify image files", parents=[common])
    r.add_argument("--model", required=True)
    r.add_argument("images", nargs="+")
    r.set_defaults(func=_predict)
    x = sub.add_parser(
        "export", help="export a model file for other runtimes, checked on the MNIST test set", parents=[common]
    )
    x.add_argument("--model", required=True, help="the .keras model file to export")
    x.add_argument("--format", required=True, metavar="{saved_model,onnx,tflite,tflite-int8}")
    x.add_argument("--out", required=True, help="the file (a folder for saved_model) to write")
    x.add_argument("--data", help="MNIST for the check and the int8 calibration (default: as for train)")
    x.set_defaults(func=_export)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.lookup = message_lookup(args.lang)
    try:
        return args.func(args)
    except DigitTrainerError as exc:
        print(f"error: {translate(exc.message, args.lookup)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
