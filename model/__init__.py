"""Digit Trainer's engine: data, architectures, training, inference, preprocessing and storage.

Pure Python + Keras 3. It never imports Qt, and importing this package does not import TensorFlow either:
modules that need Keras import it themselves, so the app can show its window before TensorFlow loads.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ start-up chatter out of the CLI and the app

from model.errors import DataError, DigitTrainerError, ModelFileError, SpecError

__all__ = ["DataError", "DigitTrainerError", "ModelFileError", "SpecError"]
