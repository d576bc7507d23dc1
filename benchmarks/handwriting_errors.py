"""Where a model misreads real pen digits: confusion, per class, per writer, and a gallery of the misreads.

The digits of the chosen writers (default: the held-out writers 25-30) are drawn as the canvas draws them
(:func:`model.pendigits.fit_to_canvas`, :func:`model.pendigits.render` at the canvas' pen width) and preprocessed by
:func:`model.preprocess.to_mnist`, the canvas' own path. The gallery shows each misread digit as the model saw it
(28x28), with its true label, the answer and the answer's probability; a red corner marks answers that the app
flags unsure (:func:`guiapp.prediction.is_unsure` rule, here without Qt).

Usage: ``python benchmarks/handwriting_errors.py --model resources/bundled_robust.keras [--writers 25-30]
[--gallery docs/bundled-misreads.png]``
"""

from __future__ import annotations

import argparse

import numpy as np


def main(argv=None):
    from pendigits_eval import figures, parse_writers
    from unsure_threshold import probabilities
    from model import pendigits
    from model.preprocess import to_mnist

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/bundled_robust.keras")
    ap.add_argument("--writers", default="25-30")
    ap.add_argument("--gallery", help="save a PNG of the misreads here")
    args = ap.parse_args(argv)

    writers = parse_writers(args.writers)
    digits = [d for d in pendigits.parse(pendigits.find_file()) if d.writer in writers]
    x = np.stack([to_mnist(pendigits.render(pendigits.fit_to_canvas(d.strokes))) for d in digits])
    y = np.array([d.label for d in digits])
    p = probabilities(args.model, x)
    pred = p.argmax(1)
    f = figures(pred, y)
    print(f"model {args.model}, writers {args.writers}: {len(y)} digits, accuracy {f.accuracy:.2%}")
    print("per class: " + ", ".join(f"{d}: {a:.1%}" for d, a in enumerate(f.per_class)))
    print("confusion (rows: true digit, columns: answer)")
    print("      " + " ".join(f"{d:>4}" for d in range(10)))
    for d in range(10):
        print(f"{d:>4}  " + " ".join(f"{v:>4}" if v else "   ." for v in f.confusion[d]))
    w = np.array([d.writer for d in digits])
    print("per writer: " + ", ".join(f"{k}: {np.mean(pred[w == k] == y[w == k]):.1%} ({np.sum(pred[w == k] != y[w == k])} of {np.sum(w == k)})"
                                     for k in writers))
    wrong = np.flatnonzero(pred != y)
    print("misreads (writer, index, true -> answer, top probability):")
    for i in wrong:
        print(f"  writer {w[i]}, #{digits[i].index}: {y[i]} -> {pred[i]} ({p[i].max():.1%})")
    if args.gallery:
        gallery([digits[i] for i in wrong], x[wrong], p[wrong], args.gallery)
        print(f"gallery: {args.gallery}")


def gallery(digits, images, probs, path, cols: int = 8, scale: int = 4):
    """A grid of the 28x28 inputs, each captioned 'true→answer p%' and the writer."""
    from PIL import Image, ImageDraw

    from model.preprocess import entropy

    unsure_p, unsure_h = 0.9, 1.0
    try:  # the app's thresholds when the GUI package is importable (it needs Qt); the figures match otherwise
        from guiapp.prediction import UNSURE_ENTROPY_BITS, UNSURE_MAX_PROB

        unsure_p, unsure_h = UNSURE_MAX_PROB, UNSURE_ENTROPY_BITS
    except Exception:
        pass
    cell, caption = 28 * scale, 26
    rows = max(1, -(-len(images) // cols))
    sheet = Image.new("L", (cols * (cell + 4), rows * (cell + caption + 4)), 60)
    draw = ImageDraw.Draw(sheet)
    for k, (d, img, p) in enumerate(zip(digits, images, probs)):
        r, c = divmod(k, cols)
        x0, y0 = c * (cell + 4) + 2, r * (cell + caption + 4) + 2
        tile = Image.fromarray(np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)).resize((cell, cell), Image.NEAREST)
        sheet.paste(tile, (x0, y0))
        if p.max() < unsure_p or entropy(p) > unsure_h:
            draw.polygon([(x0 + cell - 14, y0), (x0 + cell, y0), (x0 + cell, y0 + 14)], fill=150)
        draw.text((x0 + 2, y0 + cell + 1), f"{d.label}->{int(p.argmax())} {p.max():.0%}", fill=255)
        draw.text((x0 + 2, y0 + cell + 13), f"writer {d.writer}", fill=200)
    sheet.save(path)


if __name__ == "__main__":
    main()
