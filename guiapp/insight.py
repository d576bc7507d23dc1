"""The controller for "what has it learned?": class pictures, filter pictures and the inner-space map.

It owns the two views (:class:`~guiapp.class_pictures_view.ClassPicturesView`,
:class:`~guiapp.embedding_view.EmbeddingView`) and asks the window's :class:`~guiapp.controller.Controller` for
their contents. The engine computes them in slices (see :mod:`model.insight_work`); a view that is on screen is
*live*: the engine refreshes it at every epoch's end and whenever another model comes into use. A view that is
not on screen is only marked out of date, and is computed when it is shown again.

t-SNE is numpy and scikit-learn, no TensorFlow: it runs on a worker thread of its own from the features of the
last map, with progress, and can be stopped. The drawing's point on the map is the map's projection of the
drawing's penultimate activations, which come with every classification (``Prediction.features``).
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from guiapp import i18n
from guiapp.class_pictures_view import ClassPicturesView
from guiapp.embedding_view import EmbeddingView

PCA, TSNE = "pca", "tsne"


class _TsneRun(QObject):
    """t-SNE of one map's features on a worker thread; ``progress`` and ``finished`` arrive on the GUI thread."""

    progress = Signal(float)
    finished = Signal(object)  # an Embedding, or None when stopped or failed
    failed = Signal(str)

    def __init__(self, source, previous=None):
        super().__init__()
        self.source = source  # the PCA Embedding whose features are laid out
        self.previous = previous
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="t-SNE", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait_s: float = 0.0) -> None:
        self._stop.set()
        if wait_s and self._thread.is_alive():
            self._thread.join(wait_s)

    def _run(self) -> None:
        from model.embedding import tsne_embedding

        e = self.source
        try:
            result = tsne_embedding(e.features, e.labels, e.predicted, e.confidence, e.indices, e.layer,
                                    previous=self.previous, progress=self.progress.emit,
                                    should_stop=self._stop.is_set)
        except Exception as exc:  # e.g. scikit-learn missing or out of memory: said in the view
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.finished.emit(None if self._stop.is_set() else result)


class InsightController(QObject):
    """Class pictures, filter pictures and the map, through ``controller``. See the module docstring.

    Signals
    -------
    statusMessage(str)     a line for the status bar
    picturesShown(object)  the final class pictures (a list of Picture) are on screen
    filterShown(object)    a filter's final Picture is on screen
    mapShown(object)       an Embedding is on screen
    """

    statusMessage = Signal(str)
    picturesShown = Signal(object)
    filterShown = Signal(object)
    mapShown = Signal(object)

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.pictures_view = ClassPicturesView()
        self.map_view = EmbeddingView()
        self._visible = {"classes": False, "map": False}
        self._stale = {"classes": True, "map": True}
        self._has_model = False
        self._raw = None  # the dataset, for the map's images
        self._pca = None  # the last PCA map (its features feed t-SNE)
        self._shown = None  # the map on screen (PCA or t-SNE)
        self._method = PCA
        self._tsne: _TsneRun | None = None
        self._filter = None  # (layer, channel) last asked for
        self._filter_picture = None  # its Picture once computed
        self._drawing_features = None  # the drawing's penultimate activations, to place it on a new map
        self._epoch = 0
        self._tsne_epoch = None
        i18n.notifier().languageChanged.connect(self._on_language_changed)

    def connect(self) -> None:
        c = self.controller
        c.picturesReady.connect(self._on_pictures_ready)
        c.mapProgress.connect(self._on_map_progress)
        c.mapReady.connect(self._on_map_ready)
        c.insightUnavailable.connect(self._on_insight_unavailable)
        c.modelChanged.connect(self._on_model_changed)
        c.datasetLoaded.connect(self._on_dataset_loaded)
        c.predictionReady.connect(self._on_prediction_ready)
        c.epochEnded.connect(self._on_epoch_ended)
        c.runStarted.connect(self._on_run_started)
        self.pictures_view.refreshRequested.connect(self._on_pictures_refresh_requested)
        self.map_view.methodRequested.connect(self._on_map_method_requested)
        self.map_view.recomputeRequested.connect(self._on_map_recompute_requested)

    def close(self) -> None:
        """Stop a t-SNE run (the window is closing)."""
        if self._tsne is not None:
            self._tsne.stop(wait_s=2.0)
            self._tsne = None

    # Which views are on screen -------------------------------------------------------------------------------
    def set_visible(self, kind: str, visible: bool) -> None:
        """``kind`` ("classes" or "map") came on screen or left it; on screen and out of date: compute it now."""
        self._visible[kind] = bool(visible)
        self.controller.set_insight_live(self._visible["classes"], self._visible["map"])
        if visible and self._stale[kind]:
            self._refresh(kind)

    def _refresh(self, kind: str) -> None:
        if not self._has_model:
            return
        self._stale[kind] = False
        if kind == "classes":
            from model.class_pictures import PictureTarget

            self.pictures_view.set_progress(0.0)
            self.controller.request_pictures("classes", [PictureTarget.of_digit(d) for d in range(10)])
        elif self._raw is not None:
            self.map_view.set_progress(0.0)
            self.controller.request_map()
        else:
            self.map_view.set_message(self._no_dataset_text())

    # Filters -------------------------------------------------------------------------------------------------
    def show_filter(self, layer: str, channel: int) -> None:
        """Picture channel ``channel`` of layer ``layer`` (a channel clicked in the feature maps)."""
        from model.class_pictures import PictureTarget

        info = self.controller.model_info
        kinds = {} if info is None else {row[0]: row[1] for row in info.summary}
        if kinds.get(layer) != "Conv2D":
            return  # a pooling or dense layer has no filter to picture
        self._filter = (layer, int(channel))
        self._filter_picture = None
        self.pictures_view.set_filter_picture(None, self._filter_title())
        self.controller.request_pictures("filter", [PictureTarget.of_filter(layer, int(channel))])

    def _filter_title(self) -> str:
        layer, channel = self._filter
        return self.tr("Filter {channel} of {layer}").format(channel=channel + 1, layer=layer)

    # Drawings ------------------------------------------------------------------------------------------------
    def drawing_cleared(self) -> None:
        self._drawing_features = None
        self.map_view.set_drawing_point(None)

    def _place_drawing(self) -> None:
        f, shown = self._drawing_features, self._shown
        if f is None or shown is None or f.shape[-1] != shown.features.shape[-1]:
            self.map_view.set_drawing_point(None)
            return
        x, y = shown.project(f.reshape(1, -1))[0]
        self.map_view.set_drawing_point((float(x), float(y)))

    # From the views ------------------------------------------------------------------------------------------
    @Slot()
    def _on_pictures_refresh_requested(self) -> None:
        if not self._has_model:
            self.pictures_view.set_message(i18n.message_for(_message("insight.no_model")))
            return
        self._refresh("classes")
        if self._filter is not None:
            self.show_filter(*self._filter)

    @Slot(str)
    def _on_map_method_requested(self, method: str) -> None:
        self._method = method
        if method == PCA:
            self._stop_tsne()
            if self._pca is not None:
                self._show_map(self._pca)
            self.map_view.set_stale(None)
        elif self._pca is not None:
            self._start_tsne()
        else:
            self._refresh("map")

    @Slot()
    def _on_map_recompute_requested(self) -> None:
        if self._method == TSNE and self._pca is not None:
            self._start_tsne()
        else:
            self._refresh("map")

    def _start_tsne(self) -> None:
        self._stop_tsne()
        previous = self._shown if self._shown is not None and self._shown.method == TSNE else None
        run = _TsneRun(self._pca, previous)
        run.progress.connect(self._on_tsne_progress)
        run.finished.connect(self._on_tsne_finished)
        run.failed.connect(self._on_tsne_failed)
        self._tsne = run
        self._tsne_epoch = self._epoch
        self.map_view.set_progress(0.0)
        run.start()

    def _stop_tsne(self) -> None:
        if self._tsne is not None:
            self._tsne.stop()
            self._tsne = None
            self.map_view.set_progress(None)

    @Slot(float)
    def _on_tsne_progress(self, fraction: float) -> None:
        if self.sender() is self._tsne:
            self.map_view.set_progress(fraction)

    @Slot(object)
    def _on_tsne_finished(self, embedding) -> None:
        if self.sender() is not self._tsne:
            return  # a run stopped since
        self._tsne = None
        self.map_view.set_progress(None)
        if embedding is not None and self._method == TSNE:
            self._show_map(embedding)
            self.map_view.set_stale(None)

    @Slot(str)
    def _on_tsne_failed(self, error: str) -> None:
        if self.sender() is not self._tsne:
            return
        self._tsne = None
        self.map_view.set_progress(None)
        self.map_view.set_message(i18n.message_for(_message("insight.failed", error=error)))

    # From the controller -------------------------------------------------------------------------------------
    @Slot(str, object, float)
    def _on_pictures_ready(self, kind: str, pictures, fraction: float) -> None:
        done = fraction >= 1.0
        if kind == "classes":
            self.pictures_view.set_message(None)
            self.pictures_view.set_pictures(pictures)
            self.pictures_view.set_progress(None if done else fraction)
            if done:
                self.picturesShown.emit(pictures)
        elif pictures:
            target = pictures[0].target
            if self._filter != (target.layer, target.channel):
                return  # another filter was clicked since
            self._filter_picture = pictures[0]
            self.pictures_view.set_filter_picture(pictures[0], self._filter_title())
            if done:
                self.filterShown.emit(pictures[0])

    @Slot(float)
    def _on_map_progress(self, fraction: float) -> None:
        if self._method == PCA or self._shown is None:
            self.map_view.set_progress(None if fraction >= 1.0 else fraction)

    @Slot(object)
    def _on_map_ready(self, embedding) -> None:
        self._pca = embedding
        self.map_view.set_message(None)
        if self._method == PCA or self._shown is None:
            self.map_view.set_progress(None)
            self._show_map(embedding)
        elif self._tsne is None:
            self.map_view.set_stale(self.tr("t-SNE of epoch {epoch}: press Recompute for the weights now").format(
                epoch=self._tsne_epoch or 0) if self._tsne_epoch else self.tr(
                "t-SNE of an earlier model: press Recompute for the weights now"))

    def _show_map(self, embedding) -> None:
        images = None if self._raw is None else self._raw.x_test[embedding.indices]
        if images is None:
            return
        self._shown = embedding
        self.map_view.set_embedding(embedding, images)
        self._place_drawing()
        self.mapShown.emit(embedding)

    @Slot(str, object)
    def _on_insight_unavailable(self, kind: str, message) -> None:
        text = i18n.message_for(message)
        if kind == "classes":
            self.pictures_view.set_progress(None)
            self.pictures_view.set_message(text)
        elif kind == "filter":
            self._filter = self._filter_picture = None
            self.pictures_view.set_filter_picture(None, "")
            self.statusMessage.emit(text)
        elif kind == "map":
            self.map_view.set_progress(None)
            self.map_view.set_message(text)

    @Slot(object)
    def _on_model_changed(self, info) -> None:
        self._has_model = info is not None
        # On screen, the engine refreshes the view itself (it is live); off screen it is computed when shown.
        for kind in ("classes", "map"):
            self._stale[kind] = not self._visible[kind]
        if info is None:
            self.pictures_view.set_message(i18n.message_for(_message("insight.no_model")))

    @Slot(object)
    def _on_dataset_loaded(self, raw) -> None:
        self._raw = raw
        self._stale["map"] = not self._visible["map"]
        if self._visible["map"]:
            self.map_view.set_message(None)

    @Slot(object, object)
    def _on_prediction_ready(self, prediction, _x) -> None:
        features = getattr(prediction, "features", None)
        self._drawing_features = None if features is None else np.asarray(features)[0]
        self._place_drawing()

    @Slot(object)
    def _on_epoch_ended(self, report) -> None:
        self._epoch = report.epoch

    @Slot(int, object)
    def _on_run_started(self, _run: int, _config) -> None:
        self._epoch = 0

    @Slot(str)
    def _on_language_changed(self, _language: str) -> None:
        if self._filter is not None:
            self.pictures_view.set_filter_picture(self._filter_picture, self._filter_title())
        if self._raw is None and self._visible["map"]:
            self.map_view.set_message(self._no_dataset_text())

    def _no_dataset_text(self) -> str:
        return i18n.message_for(_message("insight.no_dataset"))


def _message(code: str, **params):
    from model.messages import Message

    return Message(code, **params)
