"""Axis and colour-scale ranges rounded outward to round numbers, one rule for every plot and colour bar.

A range that moves at every update makes pyqtgraph lay its axis (or a colour bar's ticks) out again each time, which
costs milliseconds on the GUI thread. Rounded outward to multiples of a round step, successive data mostly share
one range, and callers set it only when it changes.
"""

from __future__ import annotations

import math

import numpy as np

STEPS = (1.0, 2.0, 5.0, 10.0)  # a range's ends are multiples of one of these times a power of ten
STEPS_PER_SPAN = 4  # the step is the smallest round one of at least a quarter of the span


def _tidy(x: float) -> float:
    """``x`` without the float noise of ``k * step`` (0.30000000000000004 -> 0.3)."""
    return float(f"{x:.12g}") + 0.0  # + 0.0 turns -0.0 into 0.0


def round_range(lo: float, hi: float, ceiling: float | None = None, include_zero: bool = False) -> tuple[float, float]:
    """[lo, hi] widened to multiples of a round step (1, 2 or 5 x 10^k, about a quarter of the span).

    A flat range gets a span of a fifth of its size, so a constant curve sits inside a sensible axis; all zero gives
    (0, 1). With ``ceiling`` the top never passes it while the data stay below it (accuracy ends at 1.0). With
    ``include_zero`` the range reaches 0 (bars grow from it; an activation's colour scale starts at it). Starting
    from 0, the top stays within 1.5x of ``hi``.
    """
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = max(hi - lo, 0.2 * max(abs(lo), abs(hi)))
    if not span > 0:
        return 0.0, 1.0
    power = 10.0 ** math.floor(math.log10(span / STEPS_PER_SPAN))
    step = next(m * power for m in STEPS if m * power >= span / STEPS_PER_SPAN * (1 - 1e-9))
    bottom = _tidy(math.floor(lo / step + 1e-9) * step)
    top = _tidy(math.ceil(hi / step - 1e-9) * step)
    if ceiling is not None and hi <= ceiling:
        top = min(top, ceiling)
    if top <= bottom:
        top = _tidy(bottom + step)
    return bottom, top


def value_range(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite values, widened if flat; (0, 1) if there are none (a diverged network gives NaN)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi) if hi > lo else (lo, lo + 1e-6)


def display_range(values: np.ndarray) -> tuple[float, float]:
    """A colour scale or bar-plot axis covering the finite ``values`` and 0, on round numbers (:func:`round_range`)."""
    return round_range(*value_range(values), include_zero=True)
