"""Every user-facing text of ``model/`` as a code and an English template with named placeholders.

``model/`` never imports Qt, yet its messages must reach the user in the language the app shows. So a message is
a :class:`Message`: a ``str`` (the English text, exactly what the user saw before translations existed) that also
carries its ``code`` and ``params``. The GUI looks the English template up in Qt's translation (context
``"Messages"``) and formats the translation with the same params (``guiapp.i18n.message_for``); the CLI does the
same from the ``.ts`` file (``--lang zh_CN``).

The templates are marked with ``QT_TRANSLATE_NOOP("Messages", ...)``, a plain function here, so that
``pyside6-lupdate`` finds them as it finds ``self.tr`` calls in ``guiapp/`` (see ``tools/update_translations.py``).
A param may itself be a Message (translated in turn) or a non-empty list of Messages (joined with ``list.separator``).
"""

from __future__ import annotations

from collections.abc import Callable


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    return text


MESSAGES: dict[str, str] = {
    # Joining and small words ------------------------------------------------------------------------------------
    "list.separator": QT_TRANSLATE_NOOP("Messages", "; "),
    "word.nothing": QT_TRANSLATE_NOOP("Messages", "nothing"),
    # Datasets (model/data.py, model/pendigits.py) ---------------------------------------------------------------
    "data.how_to_provide": QT_TRANSLATE_NOOP(
        "Messages",
        "Provide MNIST in one of these ways: pass --data PATH (or use File > Open dataset...), set {env} to a "
        "Keras-layout mnist.npz or a folder of the four IDX files, or place mnist.npz in {cache}.",
    ),
    "data.not_found": QT_TRANSLATE_NOOP("Messages", "MNIST was not found and downloading is off. {how}"),
    "data.download_failed": QT_TRANSLATE_NOOP("Messages", "MNIST could not be downloaded ({error}). {how}"),
    "data.missing": QT_TRANSLATE_NOOP("Messages", "Dataset '{path}' does not exist. {how}"),
    "data.permission": QT_TRANSLATE_NOOP("Messages", "Dataset '{path}' cannot be read: permission denied."),
    "data.unreadable": QT_TRANSLATE_NOOP("Messages", "Dataset '{path}' cannot be read: {error}."),
    "data.empty": QT_TRANSLATE_NOOP("Messages", "Dataset '{path}' is empty (0 bytes)."),
    "data.npy_not_npz": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{path}' is a single .npy array, not a Keras-layout .npz holding {keys}."
    ),
    "data.not_zip": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{path}' is not a readable .npz file (not a zip archive: corrupt or another format)."
    ),
    "data.missing_keys": QT_TRANSLATE_NOOP(
        "Messages",
        "Dataset '{path}' lacks the key(s) {missing}; a Keras-layout MNIST file holds {keys} (it has: {found}).",
    ),
    "data.npz_corrupt": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{path}' is not a readable .npz file (truncated or corrupt): {error}"
    ),
    "data.idx_missing": QT_TRANSLATE_NOOP(
        "Messages", "Folder '{folder}' has no {stem} (or {stem}.gz). An IDX folder needs all four MNIST files: {files}."
    ),
    "data.idx_permission": QT_TRANSLATE_NOOP("Messages", "IDX file '{path}' cannot be read: permission denied."),
    "data.idx_unreadable": QT_TRANSLATE_NOOP(
        "Messages", "IDX file '{path}' cannot be read (truncated or corrupt?): {error}"
    ),
    "data.idx_short": QT_TRANSLATE_NOOP("Messages", "IDX file '{path}' is too short ({size} bytes) to hold a header."),
    "data.idx_magic": QT_TRANSLATE_NOOP(
        "Messages",
        "IDX file '{path}' has the wrong magic number 0x{magic} (expected 0x00000801 for labels or 0x00000803 for "
        "images).",
    ),
    "data.idx_header": QT_TRANSLATE_NOOP("Messages", "IDX file '{path}' is truncated inside its header."),
    "data.idx_size": QT_TRANSLATE_NOOP(
        "Messages", "IDX file '{path}' should hold {expected} bytes of data for shape {shape} but holds {actual}."
    ),
    "data.image_shape": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{source}': x_{part} has shape {shape}; expected (n, 28, 28) images."
    ),
    "data.label_shape": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{source}': y_{part} has shape {shape}; expected a 1-D array of labels."
    ),
    "data.length_mismatch": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{source}': x_{part} has {images} images but y_{part} has {labels} labels."
    ),
    "data.no_images": QT_TRANSLATE_NOOP("Messages", "Dataset '{source}': x_{part} holds no images."),
    "data.image_dtype": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{source}': x_{part} has dtype {dtype}; expected uint8 pixels."
    ),
    "data.nonfinite_pixels": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{source}': x_{part} contains {count} NaN or infinite pixel value(s)."
    ),
    "data.pixel_range": QT_TRANSLATE_NOOP("Messages", "Dataset '{source}': x_{part} has pixel values outside 0-255."),
    "data.label_dtype": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{source}': y_{part} has dtype {dtype}; expected integer labels 0-9."
    ),
    "data.label_range": QT_TRANSLATE_NOOP(
        "Messages", "Dataset '{source}': y_{part} has labels outside 0-9 (for example {example!r}; {count} in all)."
    ),
    "data.validation_split": QT_TRANSLATE_NOOP(
        "Messages", "Validation split {value!r} must be at least 0 and below 1."
    ),
    "data.train_limit": QT_TRANSLATE_NOOP("Messages", "The training limit {value!r} must be at least 1 image."),
    "data.test_limit": QT_TRANSLATE_NOOP("Messages", "The test limit {value!r} must not be negative."),
    "data.split_leaves_nothing": QT_TRANSLATE_NOOP(
        "Messages", "Validation split {value} leaves no training images out of {count}."
    ),
    "data.load_failed": QT_TRANSLATE_NOOP("Messages", "Dataset '{path}' could not be loaded: {error}"),
    "pendigits.unreadable": QT_TRANSLATE_NOOP("Messages", "Pen-digit file '{path}' cannot be read: {error}"),
    "pendigits.empty": QT_TRANSLATE_NOOP("Messages", "Pen-digit file '{path}' holds no '.SEGMENT DIGIT' entries."),
    # Architecture specs (model/architecture.py) -----------------------------------------------------------------
    "spec.where": QT_TRANSLATE_NOOP("Messages", "Layer {index} ({kind})"),
    "spec.not_mapping": QT_TRANSLATE_NOOP("Messages", "Layer spec {spec!r} is not a mapping with a 'kind'."),
    "spec.unknown_fields": QT_TRANSLATE_NOOP("Messages", "Layer spec {spec!r} has unknown field(s): {fields}."),
    "spec.not_whole": QT_TRANSLATE_NOOP("Messages", "{where}: {attr} must be a whole number, not {value!r}."),
    "spec.too_small": QT_TRANSLATE_NOOP("Messages", "{where}: {attr} must be at least {minimum}, not {value!r}."),
    "spec.empty": QT_TRANSLATE_NOOP("Messages", "The network has no layers."),
    "spec.unknown_kind": QT_TRANSLATE_NOOP("Messages", "Layer {index}: unknown kind {kind!r}; use one of {kinds}."),
    "spec.needs_map": QT_TRANSLATE_NOOP(
        "Messages", "{where} needs a 2-D feature map but gets shape {shape}; move it before Flatten."
    ),
    "spec.padding": QT_TRANSLATE_NOOP("Messages", "{where}: padding {padding!r} is not one of {choices}."),
    "spec.activation": QT_TRANSLATE_NOOP("Messages", "{where}: activation {activation!r} is not one of {choices}."),
    "spec.kernel_too_big": QT_TRANSLATE_NOOP(
        "Messages", "{where}: a {k}×{k} kernel does not fit a {n}×{n} input (output {out}×{out})."
    ),
    "spec.pooling": QT_TRANSLATE_NOOP("Messages", "{where}: pooling {pool!r} is not one of {choices}."),
    "spec.pool_too_big": QT_TRANSLATE_NOOP(
        "Messages", "{where}: a {p}×{p} pool does not fit a {n}×{n} input (output {out}×{out})."
    ),
    "spec.needs_flat": QT_TRANSLATE_NOOP(
        "Messages", "{where} needs a flat input but gets shape {shape}; add a Flatten layer before it."
    ),
    "spec.rate": QT_TRANSLATE_NOOP("Messages", "{where}: rate must be at least 0 and below 1, not {rate}."),
    "spec.last_layer": QT_TRANSLATE_NOOP(
        "Messages", "Layer {index}: the last layer must be Dense({classes}, softmax), one unit a digit."
    ),
    "spec.not_list": QT_TRANSLATE_NOOP("Messages", "An architecture spec is a list of layers, not {type}."),
    "formula.no_weights": QT_TRANSLATE_NOOP("Messages", "no weights"),
    "formula.dropout": QT_TRANSLATE_NOOP("Messages", "unchanged; drops {rate:.0%} of values while training"),
    # Image files (model/images.py) ------------------------------------------------------------------------------
    "image.is_folder": QT_TRANSLATE_NOOP("Messages", "'{path}' is a folder, not an image."),
    "image.missing": QT_TRANSLATE_NOOP("Messages", "Image '{path}' does not exist."),
    "image.empty": QT_TRANSLATE_NOOP("Messages", "Image '{path}' is empty (0 bytes)."),
    "image.too_many_pixels": QT_TRANSLATE_NOOP(
        "Messages", "Image '{path}' is {width}×{height} pixels, too large for a digit (limit 40 MP)."
    ),
    "image.too_large_mp": QT_TRANSLATE_NOOP(
        "Messages", "Image '{path}' is too large for a digit ({megapixels} MP); the limit is 40 MP."
    ),
    "image.too_large": QT_TRANSLATE_NOOP("Messages", "Image '{path}' is too large for a digit; the limit is 40 MP."),
    "image.unidentified": QT_TRANSLATE_NOOP("Messages", "'{path}' is not an image that can be read ({error})."),
    "image.unreadable": QT_TRANSLATE_NOOP("Messages", "Image '{path}' cannot be read: {error}"),
    # Run history (model/history.py) ------------------------------------------------------------------------------
    "history.open_failed": QT_TRANSLATE_NOOP("Messages", "The run history '{path}' cannot be opened: {error}"),
    "history.write_failed": QT_TRANSLATE_NOOP("Messages", "The run history '{path}' could not be written: {error}"),
    "history.export_failed": QT_TRANSLATE_NOOP("Messages", "Cannot export the run history to '{path}': {error}"),
    # Labelled samples (model/samples.py) ------------------------------------------------------------------------
    "samples.open_failed": QT_TRANSLATE_NOOP("Messages", "The sample database '{path}' cannot be opened: {error}"),
    "samples.write_failed": QT_TRANSLATE_NOOP("Messages", "The sample database '{path}' could not be written: {error}"),
    "samples.export_failed": QT_TRANSLATE_NOOP("Messages", "Cannot export samples to '{path}': {error}"),
    "samples.missing": QT_TRANSLATE_NOOP("Messages", "Samples file '{path}' does not exist."),
    "samples.not_npz": QT_TRANSLATE_NOOP(
        "Messages", "'{path}' is not a .npz file (not a zip archive; truncated or corrupt?)."
    ),
    "samples.missing_keys": QT_TRANSLATE_NOOP(
        "Messages",
        "Samples file '{path}' lacks {missing} (it holds {found}); export one from Digit Trainer or save arrays "
        "'images' (n, 28, 28) and 'labels' (n,).",
    ),
    "samples.unreadable": QT_TRANSLATE_NOOP("Messages", "Samples file '{path}' cannot be read: {error}"),
    "samples.image_shape": QT_TRANSLATE_NOOP(
        "Messages", "Samples file '{path}': images have shape {shape}; expected (n, 28, 28)."
    ),
    "samples.label_count": QT_TRANSLATE_NOOP(
        "Messages", "Samples file '{path}': {images} images but labels of shape {shape}; expected ({images},)."
    ),
    "samples.extras_mismatch": QT_TRANSLATE_NOOP(
        "Messages", "Samples file '{path}': strokes or created do not match the {count} labels."
    ),
    "samples.labels": QT_TRANSLATE_NOOP("Messages", "Samples file '{path}': labels must be whole numbers 0-9."),
    "samples.not_numbers": QT_TRANSLATE_NOOP("Messages", "Samples file '{path}': images hold {dtype}, not numbers."),
    "samples.values": QT_TRANSLATE_NOOP(
        "Messages", "Samples file '{path}': image values must be finite and within 0-1 (or uint8)."
    ),
    # Model files (model/storage.py, model/session.py) -----------------------------------------------------------
    "model_file.no_temp": QT_TRANSLATE_NOOP("Messages", "Cannot save '{path}': {error} (is the folder writable?)."),
    "model_file.save_failed": QT_TRANSLATE_NOOP(
        "Messages", "Cannot save '{path}': {error}. The previous file, if any, is unchanged."
    ),
    "model_file.suffix": QT_TRANSLATE_NOOP("Messages", "Model file '{path}' must end in .keras."),
    "model_file.save_to_folder": QT_TRANSLATE_NOOP("Messages", "Cannot save '{path}': it is a folder."),
    "model_file.no_folder": QT_TRANSLATE_NOOP(
        "Messages", "Cannot save '{path}': the folder '{folder}' does not exist."
    ),
    "model_file.corrupt": QT_TRANSLATE_NOOP("Messages", "Model file '{path}' is corrupt or truncated ({error})."),
    "model_file.metadata": QT_TRANSLATE_NOOP(
        "Messages", "Model file '{path}' has corrupt metadata ({name} is not a JSON object)."
    ),
    "model_file.missing": QT_TRANSLATE_NOOP("Messages", "Model file '{path}' does not exist."),
    "model_file.is_folder": QT_TRANSLATE_NOOP("Messages", "'{path}' is a folder, not a .keras model file."),
    "model_file.permission": QT_TRANSLATE_NOOP("Messages", "Model file '{path}' cannot be read: permission denied."),
    "model_file.empty": QT_TRANSLATE_NOOP("Messages", "Model file '{path}' is empty (0 bytes)."),
    "model_file.not_zip": QT_TRANSLATE_NOOP(
        "Messages", "Model file '{path}' is not a .keras file (not a zip archive; truncated or corrupt?)."
    ),
    "model_file.checksum": QT_TRANSLATE_NOOP(
        "Messages", "Model file '{path}' is corrupt: the entry {entry} fails its checksum."
    ),
    "model_file.cannot_load": QT_TRANSLATE_NOOP("Messages", "Model file '{path}' cannot be loaded: {error}"),
    "model_file.load_failed": QT_TRANSLATE_NOOP("Messages", "Model file '{path}' could not be loaded: {error}"),
    "model_file.input_shape": QT_TRANSLATE_NOOP(
        "Messages", "Model file '{path}' takes inputs of shape {shape}; Digit Trainer needs (28, 28, 1)."
    ),
    "model_file.output_shape": QT_TRANSLATE_NOOP(
        "Messages", "Model file '{path}' gives outputs of shape {shape}; Digit Trainer needs 10 classes."
    ),
    "session.no_bundled": QT_TRANSLATE_NOOP("Messages", "The bundled model is missing from this install."),
    "session.nothing_to_save": QT_TRANSLATE_NOOP("Messages", "There is no model to save yet."),
    "session.nothing_to_classify": QT_TRANSLATE_NOOP("Messages", "There is no model to classify with yet."),
    "session.nothing_to_evaluate": QT_TRANSLATE_NOOP("Messages", "There is no model to evaluate yet."),
    "session.nothing_to_fine_tune": QT_TRANSLATE_NOOP("Messages", "There is no model to fine-tune yet."),
    # Training settings and runs (model/recipes.py, model/training.py, model/reporter.py) -------------------------
    "settings.invalid": QT_TRANSLATE_NOOP("Messages", "Invalid training settings: {problems}."),
    "settings.optimizer": QT_TRANSLATE_NOOP("Messages", "optimizer {value!r} is not one of {choices}"),
    "settings.epochs": QT_TRANSLATE_NOOP("Messages", "epochs {value} must be between 1 and 1000"),
    "settings.batch_size": QT_TRANSLATE_NOOP("Messages", "batch size {value} must be between 1 and 1,000,000"),
    "settings.learning_rate": QT_TRANSLATE_NOOP("Messages", "learning rate {value} must be positive"),
    "settings.steps_per_execution": QT_TRANSLATE_NOOP(
        "Messages", "steps per execution {value} must be between 1 and 1000"
    ),
    "settings.validation_split": QT_TRANSLATE_NOOP(
        "Messages", "validation split {value} must be at least 0 and below 1"
    ),
    "recipe.unknown": QT_TRANSLATE_NOOP("Messages", "Unknown recipe {name!r}; choose 'seed' or 'robust'."),
    "training.held_out_writers": QT_TRANSLATE_NOOP(
        "Messages", "Pen-digit writers {writers} are held out for testing and never trained on."
    ),
    "training.out_of_memory": QT_TRANSLATE_NOOP(
        "Messages",
        "Out of memory with batch size {batch_size}: {what} does not fit in this computer's memory. Try a smaller "
        "batch size, or fewer filters or units.",
    ),
    "training.oom_tensor": QT_TRANSLATE_NOOP("Messages", "a tensor of shape ({shape})"),
    "training.oom_network": QT_TRANSLATE_NOOP("Messages", "the network"),
    "training.loss_not_finite": QT_TRANSLATE_NOOP(
        "Messages",
        "The loss became {loss} at epoch {epoch}, batch {batch}: the learning rate ({lr:g}) is probably too high. "
        "Training stopped and the last good weights were kept.",
    ),
    "training.stopped": QT_TRANSLATE_NOOP("Messages", "Stopped by the user."),
    "training.stopped_before_start": QT_TRANSLATE_NOOP("Messages", "Stopped by the user before training began."),
    # Fine-tuning (model/finetune.py) ----------------------------------------------------------------------------
    "finetune.too_few": QT_TRANSLATE_NOOP(
        "Messages",
        "Fine-tuning needs at least {minimum} labelled samples (you have {count}); a few of each digit you want "
        "the model to learn is best.",
    ),
    "finetune.failed": QT_TRANSLATE_NOOP("Messages", "Fine-tuning failed: {reason}"),
    "finetune.measuring_before": QT_TRANSLATE_NOOP("Messages", "Measuring the model before fine-tuning…"),
    "finetune.measuring_after": QT_TRANSLATE_NOOP("Messages", "Measuring the fine-tuned model…"),
    # Exporting a model (model/export.py) ------------------------------------------------------------------------
    "export.format": QT_TRANSLATE_NOOP("Messages", "Unknown export format '{format}'; choose one of {formats}."),
    "export.no_folder": QT_TRANSLATE_NOOP(
        "Messages", "Cannot export to '{path}': the folder '{folder}' does not exist."
    ),
    "export.not_writable": QT_TRANSLATE_NOOP(
        "Messages", "Cannot export to '{path}': the folder '{folder}' is not writable ({error})."
    ),
    "export.is_folder": QT_TRANSLATE_NOOP(
        "Messages", "Cannot export to '{path}': it is a folder, and the {format} format writes a single file."
    ),
    "export.is_file": QT_TRANSLATE_NOOP(
        "Messages", "Cannot export to '{path}': it is a file, and a SavedModel is written as a folder."
    ),
    "export.missing_packages": QT_TRANSLATE_NOOP(
        "Messages",
        "Exporting as {format} needs the Python package(s) {packages}, which are not installed. Install them with: "
        "{command}",
    ),
    "export.failed": QT_TRANSLATE_NOOP("Messages", "Exporting to '{path}' as {format} failed: {error}"),
    "export.check_failed": QT_TRANSLATE_NOOP(
        "Messages",
        "The {format} export agrees with the Keras model on only {agreement} of the test images ({required} "
        "needed), so nothing was written to '{path}'.",
    ),
    # Jobs that fail outside model/'s own checks (guiapp/engine.py) ----------------------------------------------
    "job.failed": QT_TRANSLATE_NOOP("Messages", "{what} failed: {error}"),
    "job.tensorflow": QT_TRANSLATE_NOOP("Messages", "TensorFlow could not be loaded: {error}"),
    "job.classify": QT_TRANSLATE_NOOP("Messages", "The model could not classify the drawing: {error}"),
    "job.saliency": QT_TRANSLATE_NOOP("Messages", "The saliency map could not be computed: {error}"),
    # Insight views: class pictures, Grad-CAM, the inner-space map (model/insight_work.py, guiapp/engine.py) -------
    "insight.no_model": QT_TRANSLATE_NOOP("Messages", "There is no model yet: train one or open one first."),
    "insight.no_dataset": QT_TRANSLATE_NOOP(
        "Messages", "The map shows 2,000 test images: open the MNIST dataset (File > Open dataset…) to see it."
    ),
    "insight.failed": QT_TRANSLATE_NOOP("Messages", "This view could not be computed: {error}"),
    "job.gradcam": QT_TRANSLATE_NOOP("Messages", "The Grad-CAM map could not be computed: {error}"),
    # When an insight view cannot apply (model/class_pictures.py, model/gradcam.py, model/embedding.py) -----------
    "pictures.no_targets": QT_TRANSLATE_NOOP("Messages", "Nothing to picture: choose a digit or a filter."),
    "pictures.unknown_layer": QT_TRANSLATE_NOOP(
        "Messages", "This network has no layer called '{layer}'. Its convolutions are: {layers}."
    ),
    "pictures.not_a_filter": QT_TRANSLATE_NOOP(
        "Messages", "Layer '{layer}' is a {kind}, not a convolution, so it has no filters to picture."
    ),
    "pictures.no_channel": QT_TRANSLATE_NOOP(
        "Messages", "Layer '{layer}' has {count} filters, numbered 0 to {last}; there is no filter {channel}."
    ),
    "pictures.not_ten_classes": QT_TRANSLATE_NOOP(
        "Messages", "This network gives {count} outputs, not one for each of the 10 digits, so it has no digit pictures."
    ),
    "pictures.bad_digit": QT_TRANSLATE_NOOP("Messages", "There is no digit {digit}: pictures exist for the digits 0 to 9."),
    "gradcam.no_convolution": QT_TRANSLATE_NOOP(
        "Messages", "This network has no convolution with maps larger than 1x1, so Grad-CAM has nothing to show."
    ),
    "gradcam.bad_digit": QT_TRANSLATE_NOOP("Messages", "Grad-CAM explains one of the digits 0 to 9, not {digit}."),
    "embedding.no_features": QT_TRANSLATE_NOOP(
        "Messages", "This network's answer does not come out of a Dense layer with a layer before it, so it has no "
        "inner space to map."
    ),
    "embedding.too_few": QT_TRANSLATE_NOOP(
        "Messages", "The map needs at least {minimum} images; there are {count}."
    ),
    # Non-digit shapes (model/nondigits.py) -------------------------------------------------------------------------
    "nondigits.unknown_kind": QT_TRANSLATE_NOOP("Messages", "Unknown non-digit shape '{kind}'; known kinds: {kinds}."),
    "nondigits.bad_count": QT_TRANSLATE_NOOP("Messages", "The number of non-digit shapes must be 0 or more, not {count}."),
    "nondigits.test_seed": QT_TRANSLATE_NOOP(
        "Messages", "Non-digit training shapes need a seed from 0 to {limit} (exclusive), not {seed}: seeds from {limit} on are the tests'."
    ),
}

Lookup = Callable[[str], str]  # English template -> template in the wanted language


class Message(str):
    """A user-facing text: the English text as a ``str``, plus ``code`` and ``params`` to translate it from.

    ``Message("data.missing", path=p, how=...)``; ``str(m)`` and ``m == "..."`` behave as the English text, so
    code that only wants the text need not know about translations.
    """

    code: str
    params: dict

    def __new__(cls, code: str, /, **params):
        self = super().__new__(cls, render(code, params))
        self.code, self.params = code, params
        return self

    def __reduce__(self):
        return _rebuild, (self.code, self.params)

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {str.__repr__(self)})"


def _rebuild(code: str, params: dict) -> Message:
    return Message(code, **params)


def _english(text: str) -> str:
    return text


def render(code: str, params: dict, lookup: Lookup = _english) -> str:
    """The text of ``code`` with ``params``, its template looked up through ``lookup`` (English by default).

    A translation whose placeholders do not fit the params falls back to the English template, so a translator's
    slip shows English rather than an error.
    """
    english = MESSAGES[code]
    values = {name: _render_value(value, lookup) for name, value in params.items()}
    template = lookup(english)
    if template is not english:
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            pass
    return english.format(**values)


def _render_value(value, lookup: Lookup):
    if isinstance(value, Message):
        return render(value.code, value.params, lookup)
    if isinstance(value, list) and value and all(isinstance(item, Message) for item in value):
        return render("list.separator", {}, lookup).join(_render_value(item, lookup) for item in value)
    return value


def translate(text: str, lookup: Lookup, **overrides) -> str:
    """``text`` in the language of ``lookup``: a Message by its code, or plain English text with no placeholders.

    ``overrides`` replace params (e.g. an already translated job title). Text that is neither comes back unchanged.
    """
    if isinstance(text, Message):
        return render(text.code, {**text.params, **overrides}, lookup)
    code = _PLAIN.get(text)
    return render(code, {}, lookup) if code else str(text)


# English text -> code, for texts without placeholders that lost their code on the way (a Qt str signal).
_PLAIN = {template: code for code, template in MESSAGES.items() if "{" not in template}
