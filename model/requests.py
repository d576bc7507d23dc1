"""Newest-wins requests: a drawing to classify (or explain) with its generation number, passed between threads.

The GUI numbers each drawing it sends (its *generation*); the engine answers with the same number, and the GUI
shows an answer only if it is for the drawing on screen. A :class:`NewestWins` box holds at most one pending
request: posting replaces an older one not yet served, so a slow model never builds a backlog. It also remembers
the last request served, so that training can re-classify the drawing as the weights change, until the drawing is
forgotten. Every method takes one lock, and each reads and writes the box's state once, so a clear on one thread
and a take on another cannot interleave badly: once :meth:`forget` has run, no request of that generation or an
older one is served or refreshed again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Request:
    """One drawing (a 28x28 float32 image in [0, 1]) and the GUI's number for it."""

    generation: int
    image: np.ndarray
    digit: int | None = None  # the digit to explain (Grad-CAM's "why not 3?"); None = the predicted one

    @classmethod
    def of(cls, generation: int, image, digit: int | None = None) -> "Request":
        return cls(int(generation), np.asarray(image, dtype=np.float32), digit)


class NewestWins:
    """A one-slot, thread-safe mailbox of :class:`Request` s; see the module docstring."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending: Request | None = None
        self._last: Request | None = None
        self._last_served_at = 0.0
        self._forgotten = -1  # requests of this generation and older are dropped

    def post(self, request: Request) -> bool:
        """Leave ``request`` for the server, replacing an older pending one. False if it was already forgotten."""
        with self._lock:
            if request.generation <= self._forgotten:
                return False
            if self._pending is None or request.generation >= self._pending.generation:
                self._pending = request
            return True

    def take(self) -> Request | None:
        """The pending request (now the last one served), or None."""
        with self._lock:
            request, self._pending = self._pending, None
            if request is not None:
                self._last, self._last_served_at = request, time.perf_counter()
            return request

    def due(self, interval_s: float) -> Request | None:
        """The last request served, if it was served more than ``interval_s`` ago (and marked served again now)."""
        with self._lock:
            now = time.perf_counter()
            if self._last is None or now - self._last_served_at <= interval_s:
                return None
            self._last_served_at = now
            return self._last

    def last(self) -> Request | None:
        """The last request served (the drawing on screen), or None once forgotten."""
        with self._lock:
            return self._last

    def forget(self, generation: int | None = None) -> None:
        """Drop the pending and the last request: those up to ``generation`` (default: every one so far)."""
        with self._lock:
            newest = max(
                [r.generation for r in (self._pending, self._last) if r is not None] + [self._forgotten]
            )
            self._forgotten = max(self._forgotten, newest if generation is None else int(generation))
            if self._pending is not None and self._pending.generation <= self._forgotten:
                self._pending = None
            if self._last is not None and self._last.generation <= self._forgotten:
                self._last = None

    def has_pending(self) -> bool:
        with self._lock:
            return self._pending is not None
