"""Insight work done in slices on the engine's thread: class and filter pictures, and the inner-space map.

The GUI asks through an :class:`InsightBox` (thread-safe, like :class:`model.requests.NewestWins`): "picture the
ten digits", "picture this filter", "map the test images", and says which views are on screen (*live*). The engine
owns one :class:`InsightWork` and calls :meth:`InsightWork.advance` with a time budget between training batches and,
when idle, from its event loop, one slice at a time, so a drawing is classified between two slices and training
never waits more than about one batch for it. While training, live views are refreshed at every epoch's end and
whenever the model in use changes.

Results go out through :class:`InsightEvents` callbacks (the engine turns them into Qt signals).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from model.errors import DigitTrainerError
from model.messages import Message

CLASSES = "classes"  # the ten class pictures
FILTER = "filter"  # the picture of one filter
PICTURE_KINDS = (CLASSES, FILTER)
PARTIAL_EVERY = 0.2  # pictures mid-search are shown at every fifth of the steps
MAP_CHUNK = 64  # test images per step of the map's features: a forward pass, cheaper than one training batch


@dataclass
class InsightEvents:
    """Where results go (all called on the engine's thread)."""

    pictures: Callable[[str, list, float], None] | None = None  # kind, pictures, fraction (1.0 = final)
    map_progress: Callable[[float], None] | None = None
    map_done: Callable[[object], None] | None = None  # model.embedding.Embedding
    unavailable: Callable[[str, Message], None] | None = None  # kind ("classes", "filter", "map"), why


@dataclass
class _Wants:
    pictures: dict = field(default_factory=dict)  # kind -> tuple of PictureTarget
    map: bool = False


class InsightBox:
    """What the GUI wants computed, and which views are live; read and emptied by the engine."""

    def __init__(self):
        self._lock = threading.Lock()
        self._wants = _Wants()
        self._live = {CLASSES: False, "map": False}

    def post_pictures(self, kind: str, targets) -> None:
        """Ask for pictures of ``targets`` (PictureTargets); replaces a pending request of the same kind."""
        if kind not in PICTURE_KINDS:
            raise ValueError(f"unknown kind of picture: {kind!r}")
        with self._lock:
            self._wants.pictures[kind] = tuple(targets)

    def post_map(self) -> None:
        with self._lock:
            self._wants.map = True

    def set_live(self, classes: bool, map_: bool) -> None:
        """Which views are on screen: they are refreshed at each epoch's end and when the model changes."""
        with self._lock:
            self._live = {CLASSES: bool(classes), "map": bool(map_)}

    def live(self, what: str) -> bool:
        with self._lock:
            return self._live.get(what, False)

    def take(self) -> _Wants:
        with self._lock:
            wants, self._wants = self._wants, _Wants()
            return wants

    def has_pending(self) -> bool:
        with self._lock:
            return bool(self._wants.pictures) or self._wants.map


class InsightWork:
    """The engine's insight work in progress; every method runs on the engine's thread."""

    def __init__(self, session, box: InsightBox, events: InsightEvents, seed: int = 0):
        self.session = session
        self.box = box
        self.events = events
        self.seed = seed
        self._searches: dict[str, tuple] = {}  # kind -> (PictureSearch, next fraction to show)
        self._collector = None  # (FeatureCollector, indices, labels) while the map's features are computed
        self._previous_map = None  # the last Embedding, to align the next one to
        self._again: set[str] = set()  # refreshed while being computed: start once more when done

    # What is wanted ------------------------------------------------------------------------------------------
    def pending(self) -> bool:
        return bool(self._searches) or self._collector is not None or self.box.has_pending()

    def refresh_live(self) -> None:
        """The weights changed (an epoch ended): recompute what is on screen. What is being computed is finished
        first (then computed once more), so a view is updated even when epochs are shorter than its work."""
        if self.box.live(CLASSES):
            if CLASSES in self._searches:
                self._again.add(CLASSES)
            else:
                self._start_pictures(CLASSES, _class_targets())
        if self.box.live("map"):
            if self._collector is not None:
                self._again.add("map")
            else:
                self._start_map()

    def model_changed(self) -> None:
        """Another model is in use: what was being computed belongs to the old one."""
        previous = self._searches
        self._searches = {}
        self._collector = None
        self._again.clear()
        if FILTER in previous:  # the filter picture is still wanted, for the new model's filter of that name
            self._start_pictures(FILTER, previous[FILTER][0].targets)
        self.refresh_live()

    def dataset_changed(self) -> None:
        self._previous_map = None
        if self.box.live("map"):
            self._start_map()

    def _take_wants(self) -> None:
        wants = self.box.take()
        for kind, targets in wants.pictures.items():
            self._start_pictures(kind, targets)
        if wants.map:
            self._start_map()

    def _start_pictures(self, kind: str, targets) -> None:
        self._searches.pop(kind, None)
        try:
            search = self.session.picture_search(list(targets), seed=self.seed)
        except DigitTrainerError as exc:
            self._unavailable(kind, exc.message)
            return
        if search is None:
            self._unavailable(kind, Message("insight.no_model"))
            return
        self._searches[kind] = (search, PARTIAL_EVERY)

    def _start_map(self) -> None:
        from model.embedding import FeatureCollector, sample_indices

        self._collector = None
        if self.session.dataset_source is None:  # none loaded: say so rather than start a download
            self._unavailable("map", Message("insight.no_dataset"))
            return
        raw = self.session.dataset()
        if raw is None:
            self._unavailable("map", Message("insight.no_dataset"))
            return
        indices = sample_indices(raw.y_test)
        if self.session.model is None:
            self._unavailable("map", Message("insight.no_model"))
            return
        try:
            collector = FeatureCollector(self.session.model, raw.x_test[indices], chunk=MAP_CHUNK)
        except DigitTrainerError as exc:
            self._unavailable("map", exc.message)
            return
        if self._previous_map is not None and not _same_points(self._previous_map, indices):
            self._previous_map = None
        self._collector = (collector, indices, raw.y_test[indices])

    def _unavailable(self, kind: str, message) -> None:
        if self.events.unavailable:
            self.events.unavailable(kind, message)

    # Doing it ------------------------------------------------------------------------------------------------
    def advance(self, budget_s: float) -> bool:
        """Work for about ``budget_s`` seconds (at least one step if any is pending); True while work remains."""
        self._take_wants()
        deadline = time.perf_counter() + budget_s
        while True:
            if self._searches:
                self._picture_step()
            elif self._collector is not None:
                self._map_step()
            else:
                return False
            if time.perf_counter() >= deadline:
                return self.pending()

    def _picture_step(self) -> None:
        kind = FILTER if FILTER in self._searches else CLASSES  # one filter is quick and was just clicked
        search, show_at = self._searches[kind]
        try:
            done = search.advance(1)
            if done or search.fraction >= show_at:
                pictures = search.pictures()
                if self.events.pictures:
                    self.events.pictures(kind, pictures, 1.0 if done else search.fraction)
                show_at = search.fraction + PARTIAL_EVERY
        except Exception as exc:  # e.g. a model the search cannot differentiate: said in the view, not fatal
            self._searches.pop(kind, None)
            self._unavailable(kind, _failure(exc))
            return
        if done:
            self._searches.pop(kind, None)
            if kind in self._again:
                self._again.discard(kind)
                self._start_pictures(kind, _class_targets())
        else:
            self._searches[kind] = (search, show_at)

    def _map_step(self) -> None:
        from model.embedding import feature_layer, pca_embedding

        collector, indices, labels = self._collector
        try:
            done = collector.advance()
            if self.events.map_progress:
                self.events.map_progress(collector.fraction)
            if not done:
                return
            self._collector = None
            probabilities = collector.probabilities
            embedding = pca_embedding(
                collector.features, labels, probabilities.argmax(axis=1), probabilities.max(axis=1), indices,
                feature_layer(self.session.model), previous=self._previous_map,
            )
        except Exception as exc:
            self._collector = None
            self._unavailable("map", _failure(exc))
            return
        self._previous_map = embedding
        if self.events.map_done:
            self.events.map_done(embedding)
        if "map" in self._again:
            self._again.discard("map")
            self._start_map()


def _class_targets():
    from model.class_pictures import PictureTarget

    return [PictureTarget.of_digit(d) for d in range(10)]


def _same_points(embedding, indices) -> bool:
    import numpy as np

    return len(embedding.indices) == len(indices) and bool(np.array_equal(embedding.indices, indices))


def _failure(exc: Exception):
    if isinstance(exc, DigitTrainerError):
        return exc.message
    return Message("insight.failed", error=f"{type(exc).__name__}: {exc}")
