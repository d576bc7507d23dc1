"""Image files as the CLI and the canvas read them: ink comes out white on black, whatever the file's format."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.errors import DigitTrainerError
from model.images import load_image_file

BAR = (slice(10, 90), slice(46, 54))  # a vertical stroke, the digit 1


def _ink_is_the_bar(img):
    assert img.shape == (100, 100) and img.min() >= 0 and img.max() <= 1
    inside = img[BAR].mean()
    outside = img.sum() - img[BAR].sum()
    assert inside > 0.8 and outside < 5, (inside, outside)


def _save(tmp_path, name, image):
    path = tmp_path / name
    image.save(path)
    return path


def _mode_image(mode, size, background, ink):
    im = Image.new(mode, size, background)
    ImageDraw.Draw(im).rectangle([(46, 10), (53, 89)], fill=ink)
    return im


@pytest.mark.parametrize(
    "name, mode, background, ink",
    [
        ("dark_on_white.png", "RGB", "white", "black"),
        ("white_on_black.png", "L", 0, 255),
        ("dark_on_white.jpg", "L", 255, 0),
        ("dark_on_transparent.png", "RGBA", (0, 0, 0, 0), (0, 0, 0, 255)),
        ("white_on_transparent.png", "RGBA", (255, 255, 255, 0), (255, 255, 255, 255)),
        ("white_on_transparent_black.png", "RGBA", (0, 0, 0, 0), (255, 255, 255, 255)),
        ("grey_alpha.png", "LA", (255, 0), (0, 255)),
        ("sixteen_bit.png", "I;16", 65535, 0),
        ("float_unit.tif", "F", 1.0, 0.0),
        ("float_255.tif", "F", 255.0, 0.0),
    ],
)
def test_formats_give_white_ink_on_black(tmp_path, name, mode, background, ink):
    path = _save(tmp_path, name, _mode_image(mode, (100, 100), background, ink))
    _ink_is_the_bar(load_image_file(path))


@pytest.mark.parametrize(
    "name, mode, background, ink",
    [
        ("dark_on_white.png", "RGB", "white", "black"),
        ("dark_on_white.jpg", "L", 255, 0),
        ("white_on_transparent.png", "RGBA", (255, 255, 255, 0), (255, 255, 255, 255)),
        ("grey_alpha.png", "LA", (255, 0), (0, 255)),
        ("sixteen_bit.png", "I;16", 65535, 0),
        ("float_255.tif", "F", 255.0, 0.0),
        ("one_bit.png", "1", 1, 0),
        ("palette.gif", "P", "white", "black"),
    ],
)
def test_a_large_image_is_read_reduced_with_its_ink_in_place(tmp_path, name, mode, background, ink):
    image = _mode_image("RGB" if mode == "P" else mode, (100, 100), background, ink)
    path = _save(tmp_path, name, image.convert("P") if mode == "P" else image)
    img = load_image_file(path, max_side=50)
    assert img.shape == (50, 50) and img.min() >= 0 and img.max() <= 1
    bar = (slice(5, 45), slice(23, 27))  # BAR halved: the stroke's 8 px columns become 4, averaged in pairs
    assert img[bar].mean() > 0.7 and img.sum() - img[bar].sum() < 5, (img[bar].mean(), img.sum() - img[bar].sum())


def test_max_side_leaves_smaller_images_alone_and_bounds_odd_sizes(tmp_path):
    path = _save(tmp_path, "small.png", _mode_image("L", (100, 100), 255, 0))
    assert load_image_file(path, max_side=100).shape == (100, 100)
    big = _save(tmp_path, "wide.jpg", Image.new("RGB", (3001, 1200), "white"))
    ImageDraw.Draw(im := Image.open(big).copy()).line([(100, 600), (2900, 600)], fill="black", width=60)
    im.save(big)
    img = load_image_file(big, max_side=512)
    assert max(img.shape) <= 512 and img.shape[1] > 2 * img.shape[0]  # the JPEG decoder's draft, then a box
    assert img[img.shape[0] // 2].mean() > 0.5  # the line across the middle survives


def test_palette_image_with_transparency(tmp_path):
    im = _mode_image("RGB", (100, 100), "white", "black").convert("P")
    im.info["transparency"] = im.getpixel((0, 0))
    _ink_is_the_bar(load_image_file(_save(tmp_path, "p.gif", im)))


def _bad_file(folder, kind):
    if kind == "missing":
        return folder / "missing.png"
    if kind == "folder":
        return folder
    path = folder / f"{kind}.png"
    path.write_bytes(b"" if kind == "empty" else b"not an image at all")
    return path


@pytest.mark.parametrize(
    "kind, fragment",
    [("missing", "does not exist"), ("folder", "is a folder"), ("empty", "empty"), ("text", "not an image")],
)
def test_unreadable_files(tmp_path, kind, fragment):
    path = _bad_file(tmp_path, kind)
    with pytest.raises(DigitTrainerError, match=fragment) as err:
        load_image_file(path)
    assert str(path) in str(err.value)


def test_truncated_png(tmp_path):
    path = _save(tmp_path, "t.png", Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300), np.uint8)))
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(DigitTrainerError, match="t.png"):
        load_image_file(path)


def test_huge_image_is_refused_before_decoding(tmp_path):
    path = _save(tmp_path, "big.png", Image.new("1", (7000, 7000)))
    with pytest.raises(DigitTrainerError, match="too large"):
        load_image_file(path)
