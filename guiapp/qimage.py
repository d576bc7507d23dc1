"""Greyscale arrays as Qt images: the one place a (h, w) numpy array becomes a Grayscale8 QImage or a crisp pixmap."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def gray_qimage(img: np.ndarray) -> QImage:
    """(h, w) uint8, or floats in [0, 1] (NaN counts as 0), -> a Grayscale8 QImage that owns its pixels."""
    a = np.asarray(img)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got an array of shape {a.shape}")
    if a.dtype != np.uint8:
        a = np.round(np.clip(np.nan_to_num(a.astype(np.float64)), 0.0, 1.0) * 255).astype(np.uint8)
    a = np.ascontiguousarray(a)
    h, w = a.shape
    # the QImage only borrows the numpy buffer, so copy it before the array can go away
    return QImage(a.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


def gray_pixmap(img: np.ndarray, width: int, height: int | None = None) -> QPixmap:
    """:func:`gray_qimage` enlarged to ``width`` x ``height`` (default square) with visible, nearest-neighbour pixels."""
    q = gray_qimage(img).scaled(width, width if height is None else height, Qt.AspectRatioMode.IgnoreAspectRatio,
                                Qt.TransformationMode.FastTransformation)
    return QPixmap.fromImage(q)
