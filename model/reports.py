"""What a training run reports: per-batch and per-epoch figures, its result, and the callables that receive them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class BatchReport:
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based within the epoch
    batches: int
    loss: float  # mean over the batches since the previous report
    accuracy: float
    epoch_loss: float  # running mean since the epoch began, as Keras reports it
    epoch_accuracy: float
    samples_per_s: float
    eta_s: float
    fraction: float  # of the whole run, 0-1


@dataclass
class EpochReport:
    epoch: int
    epochs: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    seconds: float


@dataclass
class TrainResult:
    epochs_done: int
    history: list[EpochReport]
    test_loss: float | None
    test_accuracy: float | None
    stopped: bool = False
    reason: str = ""  # why training ended early, for the user
    seconds: float = 0.0
    device: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class TrainCallbacks:
    """Plain callables the Trainer calls on its own thread. All optional."""

    on_batch: Callable[[BatchReport], None] | None = None
    on_epoch: Callable[[EpochReport], None] | None = None
    on_phase: Callable[[str], None] | None = None  # "compiling", "training", "validating", "testing", "paused"
    between_batches: Callable[[], None] | None = None  # serve pending requests (e.g. classify) between batches
