"""Reading digit images from files (PNG, JPG ...) for the CLI and for images dropped on the canvas."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from model.errors import DigitTrainerError

MAX_PIXELS = 40_000_000  # about 6,300 x 6,300: anything larger is refused before it is decoded


def load_image_file(path: str | os.PathLike, max_side: int | None = None) -> np.ndarray:
    """Read an image file as white ink on black, float (h, w) in [0, 1]; photos of dark ink are inverted.

    Transparent pixels are background: a transparent image is laid on white when its ink is dark and on black when
    its ink is light, so white strokes exported on a transparent canvas are not lost.

    With ``max_side``, a larger image is read at reduced size, no side over ``max_side``: a JPEG is decoded
    scaled down by its decoder, anything else is box-averaged by an integer factor straight after decoding, so
    the float arrays below never hold the full picture (a 6,000 x 6,000 photo would need about 1 GB of them).
    """
    from PIL import Image, UnidentifiedImageError

    from model.preprocess import photo_to_ink

    p = Path(path)
    if p.is_dir():
        raise DigitTrainerError("image.is_folder", path=str(p))
    if not p.is_file():
        raise DigitTrainerError("image.missing", path=str(p))
    if p.stat().st_size == 0:
        raise DigitTrainerError("image.empty", path=str(p))
    try:
        with Image.open(p) as im:
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise DigitTrainerError("image.too_many_pixels", path=str(p), width=w, height=h)
            if max_side is not None and max(w, h) > max_side:
                im = _reduced(im, max_side)
            if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
                gray = _flatten_transparency(im.convert("RGBA"))
            elif im.mode in ("F", "I", "I;16", "I;16B", "I;16L", "I;16N"):
                gray = _scale_wide(np.asarray(im, dtype=np.float64))
            else:
                gray = np.asarray(im.convert("L"), dtype=np.float64) / 255.0
    except DigitTrainerError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow refuses a huge image before our own size check can
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        if pixels:
            raise DigitTrainerError("image.too_large_mp", path=str(p),
                                    megapixels=f"{int(pixels.group(1)) / 1e6:,.0f}") from exc
        raise DigitTrainerError("image.too_large", path=str(p)) from exc
    except UnidentifiedImageError as exc:
        raise DigitTrainerError("image.unidentified", path=str(p), error=str(exc)) from exc
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged files (SyntaxError: some decoders)
        raise DigitTrainerError("image.unreadable", path=str(p), error=str(exc)) from exc
    return photo_to_ink(gray)


def _reduced(im, max_side: int):
    """``im`` box-averaged by the smallest integer factor that brings both sides to ``max_side`` or less.

    JPEG's decoder scales by 1/2, 1/4 or 1/8 as it decodes (``draft``); other formats are decoded whole first.
    Modes that cannot be averaged (palette, 1-bit, 16-bit, CMYK ...) are converted to ones that can, keeping what
    the loader looks at below (transparency, 16-bit values).
    """
    im.draft(None, (max_side, max_side))
    if (im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info) and im.mode not in ("RGBA", "LA"):
        im = im.convert("RGBA")
    elif im.mode.startswith("I;16"):
        im = im.convert("I")
    elif im.mode not in ("L", "LA", "RGB", "RGBA", "I", "F"):
        im = im.convert("RGB")
    factor = -(-max(im.size) // max_side)
    return im.reduce(factor) if factor > 1 else im


def _flatten_transparency(rgba) -> np.ndarray:
    """Greyscale (h, w) in [0, 1] of an RGBA image laid on the background that contrasts with its ink."""
    a = np.asarray(rgba, dtype=np.float64) / 255.0
    alpha = a[..., 3]
    lum = a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114
    if alpha.sum() > 0 and alpha.min() < 0.5:
        ink_light = float((lum * alpha).sum() / alpha.sum()) > 0.5
        background = 0.0 if ink_light else 1.0
    else:
        background = 1.0  # (almost) opaque: as it would be shown on a white page
    return lum * alpha + background * (1.0 - alpha)


def _scale_wide(x: np.ndarray) -> np.ndarray:
    """16-bit, 32-bit or float pixels -> [0, 1], by the range their values use (1, 255 or 65535)."""
    x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    top = float(x.max()) if x.size else 0.0
    scale = 1.0 if top <= 1.0 else 255.0 if top <= 255.0 else 65535.0 if top <= 65535.0 else top
    return np.clip(x / scale, 0.0, 1.0)
