"""How long the insight views' model work takes: class pictures, Grad-CAM, the inner-space map's features, PCA, t-SNE.

Every figure is a wall-clock median on this machine, in one process, TensorFlow warmed up by a first classification:

- all 10 class pictures (``STEPS`` steps, a new search each time, so its one trace is included, as in the app where
  every refresh is a new search), bundled model and the seed network; and one step of a running 10-target search;
- Grad-CAM for one image (the first call builds and traces its sub-model; then warm);
- FeatureCollector for 2,000 test images in chunks of 250 (a new collector each time, as at every epoch);
- PCA + Procrustes alignment of 2,000 x 64 features to the previous map;
- t-SNE of 2,000 points (four stages of 250 iterations);
- Predictor.predict of one image with and without the feature output, for a network whose feature layer (a Flatten)
  is not already an output (for the seed and bundled networks the call is the same as before).

Run: ``python benchmarks/insight.py [--repeats 3]``. Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_util import data_path


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of the slow figures (pictures, features, t-SNE)")
    args = parser.parse_args()

    import keras

    from model import class_pictures as cp
    from model import embedding, gradcam
    from model.architecture import build_model, conv, dense, flatten, pool, seed_spec
    from model.data import read_dataset
    from model.inference import Predictor
    from model.storage import load_model
    from resources import bundled_model_path

    raw = read_dataset(data_path())
    bundled, _ = load_model(bundled_model_path())
    keras.utils.set_random_seed(0)
    seed_net = build_model(seed_spec())
    image = raw.x_test[0].astype(np.float32) / 255.0
    for model in (bundled, seed_net):
        Predictor(model).predict(image)
    rows: list[tuple[str, str, float, int]] = []  # name, unit, median, n

    def add(name, unit, values):
        rows.append((name, unit, statistics.median(values), len(values)))

    for name, model in (("bundled", bundled), ("seed network (untrained)", seed_net)):
        add(f"all 10 class pictures, {cp.STEPS} steps, {name}", "s",
            timed(lambda m=model: cp.class_pictures(m, seed=0), args.repeats))
    search = cp.PictureSearch(bundled, [cp.PictureTarget.of_digit(d) for d in range(10)], steps=10_000)
    search.advance(5)
    add("one PictureSearch step, 10 targets, bundled", "ms", [1000 * t for t in timed(search.advance, 50)])
    search = cp.PictureSearch(seed_net, [cp.PictureTarget.of_digit(d) for d in range(10)], steps=10_000)
    search.advance(5)
    add("one PictureSearch step, 10 targets, seed network", "ms", [1000 * t for t in timed(search.advance, 50)])

    gradcam._CACHE.clear()
    add("Grad-CAM, one image, first call (builds + traces)", "ms",
        [1000 * t for t in timed(lambda: gradcam.grad_cam(bundled, image), 1)])
    add("Grad-CAM, one image, warm", "ms", [1000 * t for t in timed(lambda: gradcam.grad_cam(bundled, image), 20)])

    indices = embedding.sample_indices(raw.y_test)
    images = raw.x_test[indices]

    def collect():
        collector = embedding.FeatureCollector(bundled, images)
        while not collector.advance():
            pass
        return collector

    add("FeatureCollector, 2,000 images, chunks of 250, bundled", "s", timed(collect, args.repeats))
    collector = collect()
    f, probs, labels = collector.features, collector.probabilities, raw.y_test[indices]
    first = embedding.pca_embedding(f, labels, probs.argmax(1), probs.max(1), indices, collector.layer)
    noisy = f + np.random.default_rng(0).normal(0, 0.05 * f.std(), f.shape).astype(np.float32)  # "the next epoch"
    add("PCA + alignment, 2,000 x 64", "ms", [1000 * t for t in timed(
        lambda: embedding.pca_embedding(noisy, labels, probs.argmax(1), probs.max(1), indices, collector.layer,
                                        previous=first), 20)])
    add("t-SNE, 2,000 points (4 x 250 iterations)", "s", timed(
        lambda: embedding.tsne_embedding(f, labels, probs.argmax(1), probs.max(1), indices, collector.layer,
                                         previous=first), args.repeats))

    flat_net = build_model([conv(32), pool(2), flatten(), dense(10, "softmax")])
    predictor = Predictor(flat_net)
    without = keras.Model(flat_net.inputs, [layer.output for layer in predictor.layers])
    x = image.reshape(1, 28, 28, 1)
    for fn in (lambda: predictor.predict(image), lambda: without.predict_on_batch(x)):
        timed(fn, 20)
    add("Predictor.predict, one image, with the Flatten feature output", "ms",
        [1000 * t for t in timed(lambda: predictor.predict(image), 200)])
    add("the same probe without it", "ms", [1000 * t for t in timed(lambda: without.predict_on_batch(x), 200)])

    load = [round(x, 1) for x in os.getloadavg()]
    width = max(len(r[0]) for r in rows)
    print(f"load average at the end (1, 5, 15 min): {load[0]}, {load[1]}, {load[2]} on {os.cpu_count()} cores")
    print(f"{'figure'.ljust(width)}  {'median':>9}  n")
    for name, unit, value, n in rows:
        print(f"{name.ljust(width)}  {value:7.3f} {unit:<2} {n}")
    print(json.dumps({"load_average": load, "figures": [{"name": n, "unit": u, "median": v, "n": k}
                                                          for n, u, v, k in rows]}))


if __name__ == "__main__":
    main()
