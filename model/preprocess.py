"""Turning a drawing or a photo into an MNIST-style 28x28 input, in pure numpy.

MNIST's own recipe (LeCun et al.): each digit was size-normalised to fit a 20x20 box keeping its aspect ratio,
with anti-aliasing, then placed in a 28x28 field so that its centre of mass sits at the centre. Skipping this is
why most draw-a-digit apps misread digits drawn small or off-centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BOX = 20  # longer side after scaling
FIELD = 28
INK_THRESHOLD = 0.1  # pixels fainter than this are ignored when finding the ink's bounding box
CENTRE = 14.5
"""Where the centre of mass goes, in continuous coordinates (pixel i spans [i, i+1)), on both axes.

Measured on MNIST (``x_test``, 10,000 images): mean centre of mass y = 14.49 (sd 0.29), x = 14.51 (sd 0.29); the
training images give 14.50 / 14.51. That is the centre of pixel 14, not the field's geometric centre 14.0: MNIST
shifted each digit by whole pixels to put its centre of mass in pixel 14 (the sd of 0.29 is that of a uniform
rounding error, 1/sqrt(12)). Centring at 14.0 would sit every digit half a pixel up and left of MNIST's.
"""
DEFAULT_PEN_WIDTH = 27.0
"""Default pen width of the drawing canvas, in px on a 280 px canvas (digits drawn at about 65 % of its height).

Chosen so that after :func:`to_mnist` the strokes are as thick as MNIST's (``benchmarks/pen_width.py``, pen digits of
training writers 1-24, every 3rd, 1,999 digits, figures averaged per class then over classes):

=========  ========  ========  ===========
pen px     ink mass  px > 0.5  width 2A/P
=========  ========  ========  ===========
18         77.4      77.2      2.15
22         90.7      90.7      2.39
24         97.0      96.8      2.53
26         103.0     102.8     2.67
28         108.7     108.6     2.82
30         114.2     114.1     2.99
MNIST      104.6     106.0     2.74
=========  ========  ========  ===========

The width matching MNIST is 26.6 px by ink mass, 27.1 px by pixels > 0.5 and 26.8 px by the length-independent
stroke width 2A/P (twice the ink area over its outline's length): 27 px. The old 18 px pen drew strokes about 22 %
thinner than MNIST's (2.15 px against 2.74 px).
"""


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


def area_resample(a: np.ndarray, scale: float, offset: float, n_out: int, axis: int = 0) -> np.ndarray:
    """``resample_matrix(a.shape[axis], scale, offset, n_out)`` applied along ``axis``, without a matrix product.

    The area-weighted sum over output pixel [j, j+1) is F(j+1) - F(j), where F, the ink integrated from the left
    edge, is piecewise linear between the input pixels' edges: a cumulative sum and a linear interpolation give it
    exactly, in O(input size). The equivalent ``matrix @ image`` goes through a multi-threaded BLAS that, on a
    busy 2-core machine, took 10 ms per digit instead of 0.2 ms.
    """
    a = np.moveaxis(np.asarray(a, dtype=np.float64), axis, 0)
    n = a.shape[0]
    cum = np.concatenate([np.zeros((1,) + a.shape[1:]), np.cumsum(a, axis=0)])
    u = (np.arange(n_out + 1) - offset) / scale  # output pixel edges in input pixel units
    k = np.clip(np.floor(u).astype(np.int64), 0, n - 1)
    frac = np.clip(u - k, 0.0, 1.0).reshape((-1,) + (1,) * (a.ndim - 1))
    integral = scale * (cum[k] + frac * a[k])
    return np.moveaxis(np.diff(integral, axis=0), 0, axis)


def ink_bbox(img: np.ndarray, threshold: float = INK_THRESHOLD):
    """(top, bottom, left, right) of pixels above ``threshold`` (bottom/right exclusive), or None if none."""
    mask = img > threshold
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


@dataclass(frozen=True)
class Geometry:
    """Where :func:`to_mnist` puts a drawing: the ink's crop box, its scale, and where the crop's corner lands.

    Pixel (r, c) of the crop covers field rows ``offset_y + r * scale`` to ``offset_y + (r + 1) * scale`` and
    columns ``offset_x + c * scale`` to ``offset_x + (c + 1) * scale``, in the 28x28 field's pixel units.
    """

    top: int
    bottom: int  # exclusive, as are right and the crop's slices
    left: int
    right: int
    scale: float
    offset_y: float
    offset_x: float

    def crop(self, img: np.ndarray) -> np.ndarray:
        return img[self.top : self.bottom, self.left : self.right]


def clean_image(img: np.ndarray) -> np.ndarray:
    """A white-on-black image (h, w) as float64 in [0, 1], NaN as 0: what :func:`mnist_geometry` expects."""
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got shape {img.shape}")
    return np.nan_to_num(np.clip(img, 0.0, 1.0))


def mnist_geometry(img: np.ndarray, threshold: float = INK_THRESHOLD) -> Geometry | None:
    """MNIST's size and place for the ink of ``img`` (a :func:`clean_image`); None if there is no ink.

    The crop is the ink's bounding box; its longer side is scaled to :data:`BOX` px keeping the aspect ratio, and it
    is shifted so that its centre of mass lands on :data:`CENTRE` (sub-pixel, so nothing is rounded away).
    """
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
    return Geometry(int(top), int(bottom), int(left), int(right), scale, CENTRE - cy, CENTRE - cx)


def to_mnist(img: np.ndarray, threshold: float = INK_THRESHOLD) -> np.ndarray | None:
    """White-on-black image (h, w), values in [0, 1] -> float32 (28, 28) as MNIST would have it; None if blank.

    The ink is cropped, scaled and shifted as :func:`mnist_geometry` says, with an area filter (anti-aliased).
    """
    img = clean_image(img)
    g = mnist_geometry(img, threshold)
    if g is None:
        return None
    crop = g.crop(img)
    out = area_resample(area_resample(crop, g.scale, g.offset_y, FIELD, axis=0), g.scale, g.offset_x, FIELD, axis=1)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def naive_resize(img: np.ndarray) -> np.ndarray:
    """The whole canvas box-filtered straight to 28x28, with no cropping or centring (for comparison)."""
    img = np.asarray(img, dtype=np.float64)
    h, w = img.shape
    out = area_resample(area_resample(img, 28 / h, 0, 28, axis=0), 28 / w, 0, 28, axis=1)
    return np.clip(out, 0, 1).astype(np.float32)


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
