"""Stop, pause, resume and prompt answers for a running Trainer: thread-safe flags another thread sets."""

from __future__ import annotations

import threading
import time
from typing import Callable

PROMPT_HOLD_S = 2.0  # single training steps for this long after a request for prompt answers


class TrainControl:
    """Thread-safe stop / pause / resume for a running Trainer.

    ``wake()`` lets a paused trainer serve a request at once instead of at its next poll.
    """

    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._wake = threading.Event()
        self._prompt_until = 0.0

    def want_prompt_answers(self, seconds: float = PROMPT_HOLD_S):
        """Train in single steps for the next ``seconds``, so requests are served after every batch, not every group.

        The app calls this for each drawing it classifies during training: grouped steps are faster, but a request
        waits for the whole group (see TrainConfig.steps_per_execution).
        """
        self._prompt_until = max(self._prompt_until, time.monotonic() + seconds)

    @property
    def prompt(self) -> bool:
        return time.monotonic() < self._prompt_until

    def stop(self):
        self._stop.set()
        self._running.set()
        self._wake.set()

    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()
        self._wake.set()

    def wake(self):
        self._wake.set()

    def reset(self):
        self._stop.clear()
        self._running.set()
        self._wake.clear()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self, serve: Callable[[], None] | None, on_paused: Callable[[bool], None] | None = None):
        """Block without spinning while paused; run ``serve`` whenever woken so requests are still answered."""
        if self._running.is_set():
            return
        if on_paused:
            on_paused(True)
        while not self._running.is_set() and not self._stop.is_set():
            self._wake.wait(0.5)
            self._wake.clear()
            if serve:
                serve()
        if on_paused:
            on_paused(False)
