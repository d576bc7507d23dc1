"""Reading digit images from files (PNG, JPG ...) for the CLI and for images dropped on the canvas."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from model.errors import DigitTrainerError

MAX_PIXELS = 40_000_000  # a 20,000 x 20,000 image (400 MP) is refused before it is decoded


def load_image_file(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as white ink on black, float (h, w) in [0, 1]; photos of dark ink are inverted."""
    from PIL import Image, UnidentifiedImageError

    from model.preprocess import photo_to_ink

    p = Path(path)
    if not p.is_file():
        raise DigitTrainerError(f"Image '{p}' does not exist.")
    if p.stat().st_size == 0:
        raise DigitTrainerError(f"Image '{p}' is empty (0 bytes).")
    try:
        with Image.open(p) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise DigitTrainerError(f"Image '{p}' is {w}×{h} pixels, too large for a digit (limit 40 MP).")
            if im.mode in ("RGBA", "LA") or "transparency" in im.info:
                rgba = im.convert("RGBA")
                bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                im = Image.alpha_composite(bg, rgba)
            gray = np.asarray(im.convert("L"), dtype=np.float64) / 255.0
    except DigitTrainerError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise DigitTrainerError(f"'{p}' is not an image that can be read ({exc}).") from exc
    except OSError as exc:
        raise DigitTrainerError(f"Image '{p}' cannot be read: {exc}") from exc
    return photo_to_ink(gray)
