"""Turning a drawing or a photo into an MNIST-style 28x28 input, in pure numpy.

MNIST's own recipe (LeCun et al.): each digit was size-normalised to fit a 20x20 box keeping its aspect ratio,
with anti-aliasing, then placed in a 28x28 field so that its centre of mass sits at the centre. Skipping this is
why most draw-a-digit apps misread digits drawn small or off-centre.
"""

from __future__ import annotations

import numpy as np

BOX = 20  # longer side after scaling
FIELD = 28
INK_THRESHOLD = 0.1  # pixels fainter than this are ignored when finding the ink's bounding box


def resample_matrix(n_in: int, scale: float, offset: float, n_out: int) -> np.ndarray:
    """Area-weighting matrix (n_out, n_in): input pixel i spans [offset + i*scale, offset + (i+1)*scale).

    Each output pixel is the area-weighted sum of the input pixels that overlap it, so a downscale is a box filter
    that keeps the mean intensity, and a sub-pixel offset is exact.
    """
    lo = offset + np.arange(n_in) * scale
    hi = lo + scale
    j = np.arange(n_out)[:, None]
    overlap = np.clip(np.minimum(hi[None, :], j + 1) - np.maximum(lo[None, :], j), 0.0, None)
    return overlap


def ink_bbox(img: np.ndarray, threshold: float = INK_THRESHOLD):
    """(top, bottom, left, right) of pixels above ``threshold`` (bottom/right exclusive), or None if none."""
    mask = img > threshold
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def to_mnist(img: np.ndarray, threshold: float = INK_THRESHOLD) -> np.ndarray | None:
    """White-on-black image (h, w), values in [0, 1] -> float32 (28, 28) as MNIST would have it; None if blank.

    Crop to the ink, scale the longer side to 20 px keeping the aspect ratio (area filter), then place it so that
    its centre of mass is at the centre of the 28x28 field (sub-pixel, so nothing is rounded away).
    """
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got shape {img.shape}")
    img = np.nan_to_num(np.clip(img, 0.0, 1.0))
    box = ink_bbox(img, threshold)
    if box is None:
        return None
    top, bottom, left, right = box
    crop = img[top:bottom, left:right]
    h, w = crop.shape
    scale = BOX / max(h, w)
    mass = crop.sum()
    ys, xs = np.arange(h) + 0.5, np.arange(w) + 0.5
    cy = (crop.sum(axis=1) @ ys) / mass * scale  # centre of mass in scaled pixels, from the crop's corner
    cx = (crop.sum(axis=0) @ xs) / mass * scale
    oy, ox = FIELD / 2 - cy, FIELD / 2 - cx
    ry = resample_matrix(h, scale, oy, FIELD)
    rx = resample_matrix(w, scale, ox, FIELD)
    out = ry @ crop @ rx.T
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def naive_resize(img: np.ndarray) -> np.ndarray:
    """The whole canvas box-filtered straight to 28x28, with no cropping or centring (for comparison)."""
    img = np.asarray(img, dtype=np.float64)
    h, w = img.shape
    return np.clip(resample_matrix(h, 28 / h, 0, 28) @ img @ resample_matrix(w, 28 / w, 0, 28).T, 0, 1).astype(
        np.float32
    )


def photo_to_ink(gray: np.ndarray) -> np.ndarray:
    """A photo or scan (greyscale, values 0-1) -> white ink on black, with the paper's texture removed.

    Dark ink on light paper is inverted. The background level (median) is subtracted and the ink is stretched so
    its strongest strokes reach 1; what is left below 25 % of that is treated as paper.
    """
    g = np.asarray(gray, dtype=np.float64)
    if g.max() > 1.0:
        g = g / 255.0
    if np.median(g) > 0.5:
        g = 1.0 - g
    background = np.median(g)
    g = np.clip(g - background, 0, None)
    peak = np.percentile(g, 99.5) if g.size > 100 else g.max()
    if peak <= 1e-6:
        return np.zeros_like(g)
    g = np.clip(g / peak, 0, 1)
    g[g < 0.25] = 0.0
    return g


def entropy(probabilities: np.ndarray) -> float:
    """Shannon entropy in bits of one probability vector (0 = certain, log2(10) = 3.32 = no idea)."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1.0)
    return float(-(p * np.log2(p)).sum())
