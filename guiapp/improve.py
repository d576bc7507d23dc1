"""The controller for "evaluate and improve": evaluation view, the canvas' overlays, teach mode and fine-tuning.

It owns the widgets for these features and the user's sample database. Jobs go through the window's
:class:`~guiapp.controller.Controller` (which owns the engine and the busy state); results come back from it to
``@Slot`` methods here. It never sees the window: what the user should read goes out as ``statusMessage`` and
``errorRaised``, which the window shows. The sample database is used on the GUI thread only.

Texts go through ``self.tr`` (context ``ImproveController``); model errors through :func:`guiapp.i18n.message_for`.
The fine-tuning status is handed to the teach panel as a function, so it is re-rendered when the language changes;
a status-bar line says how the last action ended and stays as it was said.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from guiapp import i18n
from guiapp.evaluation_view import EvaluationView
from guiapp.overlays import OverlayControls
from guiapp.teach_panel import LabelBar, TeachPanel
from model.finetune import MIN_SAMPLES
from model.preprocess import to_mnist
from model.samples import SampleStore, SampleStoreError

SAMPLES_ENV = "DIGIT_TRAINER_SAMPLES"
SAMPLES_FILE = "samples.sqlite"
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(10)}


def default_samples_path() -> Path:
    """``$DIGIT_TRAINER_SAMPLES`` if set, else ``samples.sqlite`` in the user's data folder (AppDataLocation)."""
    if os.environ.get(SAMPLES_ENV):
        return Path(os.environ[SAMPLES_ENV]).expanduser()
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder or Path.home() / ".digit-trainer") / SAMPLES_FILE


class ImproveController(QObject):
    """Evaluation, saliency and teach mode, through ``controller`` and for ``canvas`` (the DrawCanvas).

    Signals (GUI thread; the window forwards the last four as its own)
    -------
    statusMessage(str)
        A line for the status bar.
    errorRaised(str, str)
        A problem to show: title, message.
    evaluationWanted()
        The evaluation view has something new: the window brings it to the front.
    evaluationShown(object)
        The evaluation view shows a new :class:`model.evaluation.Evaluation`.
    saliencyShown(object)
        A :class:`model.saliency.Saliency` is drawn over the canvas.
    sampleSaved(object)
        A drawing was stored as a :class:`model.samples.Sample`.
    fineTuneFinished(object)
        A :class:`model.finetune.FineTuneResult`, or None when fine-tuning was refused, stopped or failed.
    """

    statusMessage = Signal(str)
    errorRaised = Signal(str, str)
    evaluationWanted = Signal()
    evaluationShown = Signal(object)
    sampleSaved = Signal(object)
    fineTuneFinished = Signal(object)

    def __init__(self, controller, canvas, samples_path: str | os.PathLike | None = None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.samples_path = Path(samples_path) if samples_path else default_samples_path()
        self.store: SampleStore | None = None
        self._raw = None
        self.evaluation_view = EvaluationView()
        self.teach_panel = TeachPanel()
        self.label_bar = LabelBar()
        self.overlays = OverlayControls(controller, canvas, self)
        self.saliency_toggle = self.overlays.saliency_toggle
        self.saliencyShown = self.overlays.saliencyShown
        self.draw_tools = QWidget()
        self.draw_tools.setObjectName("drawTools")
        column = QVBoxLayout(self.draw_tools)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        explain = QHBoxLayout()
        explain.addWidget(self.saliency_toggle)
        explain.addSpacing(8)
        explain.addWidget(self.overlays.grad_cam_toggle)
        explain.addWidget(self.overlays.grad_cam_combo)
        explain.addStretch(1)
        column.addLayout(explain)
        column.addWidget(self.label_bar)

    def connect(self) -> None:
        """Wire the widgets and the controller; call once, after the window has made its own connections."""
        c = self.controller
        c.datasetLoaded.connect(self._on_dataset_loaded)
        c.evaluationProgress.connect(self.evaluation_view.set_progress)
        c.evaluated.connect(self._on_evaluated)
        c.fineTuneProgress.connect(self.teach_panel.set_progress)
        c.fineTuned.connect(self._on_fine_tuned)
        c.previousModelChanged.connect(self.teach_panel.set_revert_available)
        c.modelChanged.connect(self._on_model_changed)
        c.jobChanged.connect(self._on_job_changed)
        c.runFinished.connect(self._on_run_finished)
        self.evaluation_view.evaluateRequested.connect(self._on_evaluate_requested)
        self.evaluation_view.imageActivated.connect(self._on_evaluation_image_activated)
        self.overlays.connect()
        self.overlays.statusMessage.connect(self.statusMessage)
        self.label_bar.labelRequested.connect(self._on_label_requested)
        p = self.teach_panel
        p.deleteRequested.connect(self._on_teach_delete_requested)
        p.relabelRequested.connect(self._on_teach_relabel_requested)
        p.exportRequested.connect(self._on_teach_export_requested)
        p.importRequested.connect(self._on_teach_import_requested)
        p.fineTuneRequested.connect(self._on_teach_fine_tune_requested)
        p.revertRequested.connect(self._on_teach_revert_requested)
        self.canvas.installEventFilter(self)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    # Keys 0-9 on the canvas ------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and obj is self.canvas:
            digit = _DIGIT_KEYS.get(event.key())
            plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.NoModifier
            if digit is not None and plain:
                self._on_label_requested(digit)
                return True
        return False

    # Samples ---------------------------------------------------------------------------------------------------
    def open_store(self) -> SampleStore | None:
        """The sample database, opened (and listed in the teach panel) on first use; None if it cannot be."""
        if self.store is None:
            try:
                self.store = SampleStore(self.samples_path)
                self.teach_panel.set_samples(self.store.list())
            except SampleStoreError as exc:
                self.errorRaised.emit(self.tr("Opening your samples"), i18n.message_for(exc))
                return None
        return self.store

    @Slot(bool)
    def set_teach_visible(self, visible: bool) -> None:
        """The Teach view was shown or hidden: the sample database opens the first time it is shown."""
        if visible:
            self.open_store()

    @Slot(int)
    def _on_label_requested(self, digit: int) -> None:
        canvas = self.canvas
        x = to_mnist(canvas.image())
        if x is None:
            self.statusMessage.emit(self.tr("Draw a digit first, then press its key (0-9) to store it as a sample."))
            return
        store = self.open_store()
        if store is None:
            return
        try:
            sample = store.get(store.add(x, digit, canvas.strokes()))
        except SampleStoreError as exc:
            self.errorRaised.emit(self.tr("Storing the sample"), i18n.message_for(exc))
            return
        self.teach_panel.add_sample(sample)
        self.statusMessage.emit(self.tr("Stored as a {digit} (sample {id}, {count} in all). Draw the next one.").format(
            digit=digit, id=sample.id, count=len(store)))
        canvas.clear()
        self.sampleSaved.emit(sample)

    @Slot(list)
    def _on_teach_delete_requested(self, ids: list) -> None:
        self._edit_samples(lambda store, i: store.delete(i), ids,
                           lambda done: self.tr("Deleted {count} sample(s).").format(count=done))

    @Slot(list, int)
    def _on_teach_relabel_requested(self, ids: list, label: int) -> None:
        self._edit_samples(lambda store, i: store.relabel(i, label), ids,
                           lambda done: self.tr("Relabelled as {label}: {count} sample(s).").format(label=label,
                                                                                                   count=done))

    def _edit_samples(self, change, ids, report) -> None:
        """Apply ``change(store, id)`` to each of ``ids``; ``report(done)`` is the status line saying how many."""
        store = self.open_store()
        if store is None:
            return
        try:
            done = sum(bool(change(store, i)) for i in ids)
        except SampleStoreError as exc:
            self.errorRaised.emit(self.tr("Changing samples"), i18n.message_for(exc))
            done = 0
        self.teach_panel.set_samples(store.list())
        self.statusMessage.emit(report(done))

    @Slot()
    def _on_teach_export_requested(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.canvas.window(), self.tr("Export samples"), "my_digits.npz",
                                              self.tr("NumPy archive (*.npz)"))
        if path:
            self.export_samples(path if path.endswith(".npz") else path + ".npz")

    @Slot()
    def _on_teach_import_requested(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.canvas.window(), self.tr("Import samples"), "",
                                              self.tr("NumPy archive (*.npz)"))
        if path:
            self.import_samples(path)

    def export_samples(self, path: str) -> int | None:
        store = self.open_store()
        if store is None:
            return None
        try:
            n = store.export_npz(path)
        except SampleStoreError as exc:
            self.errorRaised.emit(self.tr("Exporting samples"), i18n.message_for(exc))
            return None
        self.statusMessage.emit(self.tr("Exported {count} samples to {path}").format(count=n, path=path))
        return n

    def import_samples(self, path: str) -> int | None:
        store = self.open_store()
        if store is None:
            return None
        try:
            n = store.import_npz(path)
        except SampleStoreError as exc:
            self.errorRaised.emit(self.tr("Importing samples"), i18n.message_for(exc))
            return None
        self.teach_panel.set_samples(store.list())
        self.statusMessage.emit(self.tr("Imported {count} samples from {path}").format(count=n, path=path))
        return n

    # Fine-tuning -----------------------------------------------------------------------------------------------
    @Slot()
    def _on_teach_fine_tune_requested(self) -> None:
        store = self.open_store()
        if store is None:
            return
        def busy() -> str:
            return self.tr("The engine is busy: fine-tune when it is done.")

        if self.controller.busy:
            self.teach_panel.show_status(busy)
            return
        x, y, _ids = store.arrays()
        n = len(x)
        if n < MIN_SAMPLES:
            self.teach_panel.show_status(lambda: self.tr(
                "Fine-tuning needs at least {minimum} samples; you have {count}. Draw digits and press their "
                "keys (0-9) on the canvas to add some."
            ).format(minimum=MIN_SAMPLES, count=n))
            self.fineTuneFinished.emit(None)
            return
        if not self.controller.fine_tune(x, y):
            self.teach_panel.show_status(busy)
            return
        self.teach_panel.set_fine_tune_running(True)
        self.teach_panel.show_status(lambda: self.tr("Fine-tuning on {count} samples mixed with MNIST… (Esc stops)")
                                     .format(count=n))

    @Slot()
    def _on_teach_revert_requested(self) -> None:
        if not self.controller.revert():
            self.teach_panel.show_status(lambda: self.tr("The engine is busy: revert when it is done."))

    @Slot(object)
    def _on_fine_tuned(self, result) -> None:
        self.teach_panel.set_fine_tune_running(False)
        if result is None:
            self.teach_panel.show_status(lambda: self.tr("Fine-tuning did not finish; the model is unchanged."))
        else:
            self.teach_panel.show_result(result)
            self.teach_panel.show_status(lambda: self.tr(
                "Done in {seconds} s ({trained} samples trained on, {held_out} held out). "
                "The fine-tuned model is in use: save it to keep it, or revert."
            ).format(seconds=f"{result.seconds:.0f}", trained=result.n_train, held_out=result.n_holdout))
        self.fineTuneFinished.emit(result)

    # Evaluation ------------------------------------------------------------------------------------------------
    @Slot(object)
    def _on_dataset_loaded(self, raw) -> None:
        self._raw = raw

    @Slot()
    def _on_evaluate_requested(self) -> None:
        if not self.controller.evaluate():
            self.statusMessage.emit(self.tr("The engine is busy: evaluate when it is done."))

    @Slot(int, object)
    def _on_run_finished(self, _run: int, result) -> None:
        if result is not None and result.test_accuracy is not None and self.evaluation_view.auto_evaluate():
            self.controller.evaluate(automatic=True)

    @Slot(object)
    def _on_evaluated(self, evaluation) -> None:
        raw = self._raw
        if evaluation is None:
            self.evaluation_view.set_progress(0.0)
            return  # stopped, or failed (the error is shown)
        if raw is None or len(raw.y_test) != len(evaluation.predicted):
            return  # cannot happen: the engine reports the dataset before evaluating on it
        self.evaluation_view.set_evaluation(evaluation, raw.x_test, raw.y_test)
        self.evaluationWanted.emit()
        self.evaluationShown.emit(evaluation)

    @Slot(int)
    def _on_evaluation_image_activated(self, index: int) -> None:
        raw = self._raw
        if raw is None:
            return
        self.canvas.load_array(raw.x_test[index] / 255.0)

    @Slot(object)
    def _on_model_changed(self, info) -> None:
        if info is None or info.source != "untrained":
            self.evaluation_view.mark_stale()

    @Slot(str)
    def _on_job_changed(self, job: str) -> None:
        self.evaluation_view.set_busy(bool(job))
