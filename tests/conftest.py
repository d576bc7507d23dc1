"""Fixtures shared by every test folder: where MNIST is, MNIST loaded once, and small throw-away datasets."""

from __future__ import annotations

import faulthandler
import os
import sys
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "DIGIT_TRAINER_DATA"
MISSING_MNIST = f"MNIST not found: set {DATA_ENV}=../shared/data/mnist.npz"
# A test still running after this long is hung. faulthandler's watchdog is a C thread that needs no GIL, so it
# still fires in a deadlock that holds the GIL: it prints every thread's stack and ends the run with exit code 1,
# instead of CI sitting until its own time limit. The slowest test (the full seed recipe) takes under 2 minutes.
HANG_TIMEOUT_S = float(os.environ.get("DIGIT_TRAINER_TEST_HANG_TIMEOUT", "900"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if HANG_TIMEOUT_S > 0:
        faulthandler.dump_traceback_later(HANG_TIMEOUT_S, exit=True, file=sys.__stderr__)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def mnist_file() -> Path | None:
    """The MNIST file named by DIGIT_TRAINER_DATA (relative paths are taken from the repo root), if it exists."""
    value = os.environ.get(DATA_ENV)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = REPO_ROOT / path
    path = path.resolve()
    return path if path.exists() else None


@pytest.fixture(scope="session")
def mnist_path() -> Path:
    """Absolute path of the real MNIST (.npz or IDX folder); skips the test when it is not available."""
    path = mnist_file()
    if path is None:
        pytest.skip(MISSING_MNIST)
    return path


@pytest.fixture(scope="session")
def raw_mnist(mnist_path):
    """The real MNIST as a validated RawMnist, loaded once per session. Treat it as read-only."""
    from model.data import read_dataset

    return read_dataset(mnist_path)


def synthetic_arrays(n_train: int = 40, n_test: int = 20, seed: int = 0) -> dict[str, np.ndarray]:
    """Small Keras-layout MNIST-like arrays: uint8 noise images and labels cycling through 0-9."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n_test) % 10).astype(np.uint8),
    }


@pytest.fixture
def make_npz(tmp_path):
    """Factory: ``make_npz(name="mnist.npz", **overrides)`` writes a small dataset into tmp_path, returns its path.

    Overrides replace or add arrays (``x_train=...``); pass ``drop=("y_test",)`` to leave keys out.
    """

    def make(name: str = "mnist.npz", *, drop=(), folder: Path | None = None, compressed=False, seed=0, **overrides):
        arrays = {**synthetic_arrays(seed=seed), **overrides}
        for key in drop:
            arrays.pop(key)
        path = (folder or tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:  # a file object, so numpy does not append ".npz" to odd names
            (np.savez_compressed if compressed else np.savez)(f, **arrays)
        return path

    return make


@pytest.fixture(autouse=True)
def private_run_history(tmp_path_factory, monkeypatch):
    """Runs recorded by a test (the CLI, a window with its run history) go to a throw-away database, in a folder of
    its own (tests check that their own folder holds only the files they expect)."""
    monkeypatch.setenv("DIGIT_TRAINER_HISTORY", str(tmp_path_factory.mktemp("history") / "history.sqlite"))
