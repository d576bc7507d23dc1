"""Everything TensorFlow-specific: device choice and the training path it implies, the input pipeline, augmentation.

The rest of the engine uses only the Keras 3 API (and, on the tested Keras versions, the private names in
model/keras_internals.py), so another Keras backend could run it later.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

_configured: str | None = None
_towers = 1  # slices per batch run side by side on the CPU's cores (model/towers.py); 1 = Keras' own steps
_gpus = 0  # logical GPUs training can use
_strategy = None
MAX_TOWERS = 4

# How a run trains, by the devices present (training_path):
MIRRORED = "mirrored"  # 2+ GPUs: tf.distribute.MirroredStrategy, Keras' plain step, one batch per call
SINGLE_GPU = "single-gpu"  # 1 GPU: Keras' plain step on it, grouped calls
CPU_SLICES = "cpu-slices"  # CPU: the batch in slices, one per core (model/towers.py), grouped calls
PUBLIC_FALLBACK = "public-fallback"  # Keras outside the tested range: compile(steps_per_execution) and plain fit
PATHS = (MIRRORED, SINGLE_GPU, CPU_SLICES, PUBLIC_FALLBACK)
PATH_VARIABLE = "DIGIT_TRAINER_PATH"  # forces a path; "mirrored" without 2 GPUs mirrors over the logical CPU devices


def training_path(gpus: int, keras_supported: bool = True, forced: str | None = None) -> str:
    """The path training takes with ``gpus`` GPUs: one of PATHS.

    Two or more GPUs: MirroredStrategy (public Keras API only, so whatever the Keras version). One GPU: Keras' own
    step on it. None: the CPU slices. A Keras outside model/keras_internals.SUPPORTED_KERAS gets the public path
    instead of the last two. ``forced`` (the DIGIT_TRAINER_PATH variable) overrides the choice.
    """
    if forced:
        if forced not in PATHS:
            raise ValueError(f"{PATH_VARIABLE}={forced!r} is not one of {', '.join(PATHS)}")
        return forced
    if gpus >= 2:
        return MIRRORED
    if not keras_supported:
        return PUBLIC_FALLBACK
    return SINGLE_GPU if gpus == 1 else CPU_SLICES


def path() -> str:
    """The path this process's runs take now (configure() first)."""
    from model import keras_internals

    configure()
    return training_path(_gpus, keras_internals.supported(), os.environ.get(PATH_VARIABLE))


def distribution_strategy():
    """The MirroredStrategy of the mirrored path: over the GPUs, or the logical CPU devices when there are fewer
    than two GPUs (DIGIT_TRAINER_PATH=mirrored, for tests)."""
    global _strategy
    import tensorflow as tf

    if _strategy is None:
        devices = tf.config.list_logical_devices("GPU")
        if len(devices) < 2:
            devices = tf.config.list_logical_devices("CPU")
        _strategy = tf.distribute.MirroredStrategy(devices=[d.name for d in devices])
    return _strategy


def cpu_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def plan_towers(cores: int, override: str | None = None) -> tuple[int, int]:
    """``(towers, intra-op threads per kernel)`` for a CPU with ``cores`` cores.

    One slice per core, single-threaded kernels, up to MAX_TOWERS slices (a slice of a 64-image batch should keep
    16 images); more cores than that give each kernel more threads. ``override`` (the DIGIT_TRAINER_TOWERS
    variable) sets the number of slices; 1 keeps Keras' own steps and TensorFlow's own threads.
    """
    towers = min(max(cores, 1), MAX_TOWERS)
    if override:
        try:
            towers = max(1, min(int(override), 64))
        except ValueError:
            raise ValueError(f"DIGIT_TRAINER_TOWERS={override!r} is not a whole number of slices") from None
    return towers, max(1, cores // towers)


def towers() -> int:
    """How many slices per batch the engine's models use (1 off the cpu-slices path, or when TensorFlow's threads
    were fixed)."""
    return _towers if path() == CPU_SLICES else 1


def _set_cpu_threads(tf) -> int:
    cores = cpu_cores()
    towers, intra = plan_towers(cores, os.environ.get("DIGIT_TRAINER_TOWERS"))
    if towers <= 1:
        return 1
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(max(cores, towers))
    except RuntimeError:
        return 1  # TensorFlow already runs (someone used it before configure): keep its threads and Keras' steps
    return towers


def configure(force_cpu: bool = False) -> str:
    """Pick the device (a visible GPU unless ``force_cpu``) and return its human-readable name.

    On the CPU, also set TensorFlow's threads for data-parallel slices (see plan_towers and model/towers.py).
    TensorFlow fixes its visible devices and threads when it first initialises them, so the choice made by the
    first call sticks for the life of the process; later calls return the same name.
    """
    global _configured, _towers, _gpus
    import tensorflow as tf

    from model import keras_internals

    if _configured is not None:
        return _configured
    gpus = tf.config.list_physical_devices("GPU")
    if gpus and force_cpu:
        try:
            tf.config.set_visible_devices([], "GPU")
        except RuntimeError:
            pass  # devices already initialised: TF keeps what it has
        gpus = []
    if gpus:
        for gpu in gpus:
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:
                pass
        details = tf.config.experimental.get_device_details(gpus[0])
        _gpus = len(tf.config.list_logical_devices("GPU"))
        _configured = f"GPU: {details.get('device_name', gpus[0].name)}"
        if _gpus > 1:
            _configured = f"{_gpus} GPUs: {details.get('device_name', gpus[0].name)}"
    else:
        chosen = training_path(0, keras_internals.supported(), os.environ.get(PATH_VARIABLE))
        _configured = "CPU"
        if chosen == CPU_SLICES:
            _towers = _set_cpu_threads(tf)
    if training_path(_gpus, keras_internals.supported(), os.environ.get(PATH_VARIABLE)) == MIRRORED:
        _configured += " (MirroredStrategy)"
    return _configured


def warm_up_numpy_bridge():
    """Make TensorFlow's first tensor-to-numpy conversion on a thread that Python created, then return.

    That conversion runs a one-time initialiser that takes the GIL through pybind11. On a thread Python did not
    create (a QThread running a slot), pybind11 makes a second thread state and the process crashes in take_gil
    (the same bug as pytorch#150548). Once initialised, conversions are safe on any thread.
    """
    import threading

    import tensorflow as tf

    worker = threading.Thread(target=lambda: tf.constant([0.0]).numpy(), name="tf-numpy-warm-up")
    worker.start()
    worker.join()


def device_name() -> str:
    return _configured or configure()


def train_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int, augmentation=None):
    """Shuffled, batched, prefetched training data; augmented per batch when ``augmentation`` is given.

    The shuffle covers the whole set each epoch, like ``fit``'s own shuffling of numpy arrays. Augmentation runs on
    whole batches inside the tf.data graph, so it overlaps with the training step.
    """
    import tensorflow as tf

    # Shuffle indices, not images, then gather whole batches: per-element tf.data work on 60,000 images costs
    # a noticeable share of an epoch, and a 60,000-image shuffle buffer copies every image each epoch.
    # The images are held as uint8 when that is exact (MNIST's are k/255): 47 MB instead of 188 MB, and TensorFlow
    # divides each batch by 255 with the same IEEE float32 division numpy used, so the values are bit-identical.
    pixels = exact_uint8(x)
    if pixels is not None:
        xs = tf.constant(pixels)

        def images(idx):
            return tf.cast(tf.gather(xs, idx), tf.float32) / 255.0

    else:
        xs = tf.constant(_aligned_copy(x))  # an unaligned array costs tf.constant a second full copy

        def images(idx):
            return tf.gather(xs, idx)

    ys = tf.constant(y)
    ds = tf.data.Dataset.range(len(x)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).map(lambda idx: (images(idx), tf.gather(ys, idx)))
    if augmentation is not None:
        augment = make_augmenter(augmentation, seed)
        ds = ds.map(lambda a, b: (augment(a), b), num_parallel_calls=tf.data.AUTOTUNE)
        return ds.prefetch(tf.data.AUTOTUNE)
    # Nothing to tune in a gather and a cast: tf.data's autotuner then only costs. With it on, training stalled for
    # about a second at the start of the third epoch in every seed run traced (benchmarks/RESULTS.md).
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.prefetch(2).with_options(options)


def exact_uint8(x: np.ndarray, chunk: int = 4096) -> np.ndarray | None:
    """``x`` (float images in [0, 1]) as uint8 pixels ``p`` with ``float32(p) / 255 == x`` exactly, else None."""
    x = np.asarray(x)
    if x.dtype != np.float32:
        return None
    out = np.empty(x.shape, dtype=np.uint8)
    for start in range(0, len(x), chunk):
        part = x[start : start + chunk]
        pixels = np.rint(np.clip(part, 0.0, 1.0) * 255.0).astype(np.uint8)
        if not np.array_equal(pixels.astype(np.float32) / np.float32(255), part):
            return None
        out[start : start + chunk] = pixels
    return out


def _aligned_copy(x: np.ndarray, alignment: int = 64) -> np.ndarray:
    """A copy of ``x`` whose data starts on an ``alignment``-byte boundary, as TensorFlow's buffers do."""
    x = np.asarray(x)
    raw = np.empty(x.nbytes + alignment, dtype=np.uint8)
    offset = (-raw.ctypes.data) % alignment
    out = raw[offset : offset + x.nbytes].view(x.dtype).reshape(x.shape)
    out[...] = x
    return out


def make_augmenter(aug, seed: int):
    """A function that randomly rotates, shifts, zooms and thickens or thins a batch of (n, 28, 28, 1) images."""
    import keras
    import tensorflow as tf

    geometry = keras.Sequential(
        [
            keras.layers.RandomRotation(aug.rotation_deg / 360.0, fill_mode="constant", seed=seed),
            keras.layers.RandomTranslation(
                aug.shift_px / 28.0, aug.shift_px / 28.0, fill_mode="constant", seed=seed + 1
            ),
            keras.layers.RandomZoom((-aug.zoom, aug.zoom), fill_mode="constant", seed=seed + 2),
        ]
    )
    gen = tf.random.Generator.from_seed(seed + 3)

    def augment(images):
        images = geometry(images, training=True)
        n = tf.shape(images)[0]
        dilated = tf.nn.max_pool2d(images, 2, 1, "SAME")
        eroded = -tf.nn.max_pool2d(-images, 2, 1, "SAME")
        choice = gen.uniform([n, 1, 1, 1])
        half = aug.thickness / 2
        images = tf.where(choice < half, dilated, tf.where(choice < aug.thickness, eroded, images))
        return tf.clip_by_value(images, 0.0, 1.0)

    return augment
