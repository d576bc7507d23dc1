"""The feature-map and kernel views, fed fake activations shaped like the seed model's and like other networks'."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea  # noqa: E402

from guiapp.feature_maps import FeatureMapView  # noqa: E402
from guiapp.kernel_view import KernelView  # noqa: E402
from model.inference import Activation  # noqa: E402

SEED = [
    ("conv2d", "Conv2D", (26, 26, 32)),
    ("max_pooling2d", "MaxPooling2D", (13, 13, 32)),
    ("conv2d_1", "Conv2D", (11, 11, 64)),
    ("max_pooling2d_1", "MaxPooling2D", (5, 5, 64)),
    ("conv2d_2", "Conv2D", (3, 3, 64)),
    ("dense", "Dense", (64,)),
    ("dense_1", "Dense", (10,)),
]


def activations(spec, seed=0):
    rng = np.random.default_rng(seed)
    return [Activation(name, kind, rng.random((1, *shape)).astype(np.float32) * 3) for name, kind, shape in spec]


def show(view, qtbot, acts):
    """Give ``view`` the activations and wait until every layer widget is made (they are made one per turn)."""
    view.set_activations(acts)
    if view.building():
        with qtbot.waitSignal(view.layersBuilt, timeout=5000):
            pass
    assert not view.building()


@pytest.fixture
def view(qtbot):
    v = FeatureMapView()
    qtbot.addWidget(v)
    v.resize(900, 700)
    v.show()
    return v


def test_one_grid_per_map_layer_with_every_channel(view):
    assert view.objectName() == "featureMaps"
    view.set_activations(activations(SEED))
    assert view.layer_titles() == [
        "conv2d · Conv2D · 26×26×32",
        "max_pooling2d · MaxPooling2D · 13×13×32",
        "conv2d_1 · Conv2D · 11×11×64",
        "max_pooling2d_1 · MaxPooling2D · 5×5×64",
        "conv2d_2 · Conv2D · 3×3×64",
        "dense · Dense · 64",
        "dense_1 · Dense · 10",
    ]
    assert view.channel_counts() == {
        "conv2d": 32, "max_pooling2d": 32, "conv2d_1": 64, "max_pooling2d_1": 64, "conv2d_2": 64,
    }


def test_every_channel_lands_in_its_own_tile_on_one_shared_scale(view, qtbot):
    maps = np.broadcast_to(np.arange(40, dtype=np.float32), (1, 6, 5, 40)).copy()  # channel k holds the value k
    maps[0, 0, 0, 7] = 100.0
    show(view, qtbot, [Activation("c", "Conv2D", maps)])
    mosaic = view.mosaic("c")
    tiles = sorted({float(v) for v in mosaic[np.isfinite(mosaic)]})
    assert tiles == [float(k) for k in range(40)] + [100.0]  # all 40 channels are shown
    cols = (mosaic.shape[1] + 1) // 6  # tiles are 5 wide with 1 px gaps between them
    for k in (0, 7, 17, 39):
        r, c = divmod(k, cols)
        tile = mosaic[r * 7 : r * 7 + 6, c * 6 : c * 6 + 5]
        assert np.isfinite(tile).all() and np.median(tile) == k
    assert view.levels("c") == (0.0, 100.0)


def test_same_architecture_updates_in_place(view, qtbot):
    show(view, qtbot, activations(SEED, seed=1))
    plots = view.findChildren(pg.GraphicsLayoutWidget)
    first = view.mosaic("conv2d").copy()
    acts = activations(SEED, seed=2)
    view.set_activations(acts)
    assert view.findChildren(pg.GraphicsLayoutWidget) == plots  # no rebuild
    assert not np.array_equal(view.mosaic("conv2d"), first)
    lo, hi = view.levels("conv2d_1")
    # One colour scale for the layer, widened to round numbers (display_range): covers every value, top within
    # 1.5x of the largest, so successive drawings mostly share it.
    values = acts[2].values
    assert lo <= values.min() and values.max() <= hi <= 1.5 * values.max()
    assert lo == 0.0 if values.min() >= 0 else lo < 0


def test_another_architecture_rebuilds_the_grids(view):
    view.set_activations(activations(SEED))
    other = [
        ("block1", "Conv2D", (28, 28, 8)),
        ("pool", "AveragePooling2D", (14, 14, 8)),
        ("block2", "Conv2D", (12, 12, 100)),
        ("head", "Dense", (10,)),
    ]
    view.set_activations(activations(other))
    assert view.channel_counts() == {"block1": 8, "pool": 8, "block2": 100}
    assert view.layer_titles()[2] == "block2 · Conv2D · 12×12×100"
    assert len(view.layer_titles()) == 4
    view.set_activations(activations(SEED))
    assert len(view.layer_titles()) == 7


def test_dense_layers_are_bar_plots(view, qtbot):
    acts = activations(SEED)
    show(view, qtbot, acts)
    bars = [item for plot in view.findChildren(pg.PlotWidget) for item in plot.getPlotItem().items
            if isinstance(item, pg.BarGraphItem)]
    heights = sorted((len(b.opts["height"]), tuple(b.opts["height"])) for b in bars)
    assert [n for n, _ in heights] == [10, 64]
    np.testing.assert_allclose(heights[0][1], acts[-1].values[0])


def test_clicking_a_map_enlarges_that_channel(view, qtbot):
    acts = activations(SEED)
    show(view, qtbot, acts)
    layer = [w for w in view.findChildren(pg.GraphicsLayoutWidget) if "enlarge" in w.toolTip()][0]  # conv2d's
    qtbot.waitUntil(layer.isVisible, timeout=2000)
    vb = layer.ci.getItem(0, 0)
    qtbot.waitUntil(lambda: vb.width() > 100, timeout=2000)
    cols = (view.mosaic("conv2d").shape[1] + 1) // 27  # 26 px tiles with 1 px gaps
    row, col = divmod(18, cols)
    scene = vb.mapViewToScene(pg.Point(col * 27 + 13, row * 27 + 13))  # centre of tile 18
    pos = layer.mapFromScene(scene)
    with qtbot.waitSignal(view.channelSelected, timeout=2000) as blocker:
        qtbot.mouseClick(layer.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y()))
    assert blocker.args == ["conv2d", 18]
    assert view.selected_channel() == ("conv2d", 18)
    shown = [w for w in view.findChildren(QLabel) if w.isVisible() and "channel 18" in w.text()]
    assert shown and "conv2d" in shown[0].text()
    values = acts[0].values[0, ..., 18]
    assert any(f"max {values.max():.3g}" in w.text() for w in view.findChildren(QLabel) if w.isVisible())


def test_selected_channel_follows_updates_and_clear(view):
    view.set_activations(activations(SEED))
    view.select_channel("conv2d_2", 63)
    view.set_activations(activations(SEED, seed=5))
    assert view.selected_channel() == ("conv2d_2", 63)
    with pytest.raises(ValueError):
        view.select_channel("conv2d_2", 64)
    view.clear()
    assert view.layer_titles() == [] and view.channel_counts() == {} and view.selected_channel() is None


# The bundled model's network (robust recipe): a 'same' first convolution and a third pooling.
ROBUST = [
    ("conv2d_3", "Conv2D", (28, 28, 32)),
    ("max_pooling2d_3", "MaxPooling2D", (14, 14, 32)),
    ("conv2d_4", "Conv2D", (12, 12, 64)),
    ("max_pooling2d_4", "MaxPooling2D", (6, 6, 64)),
    ("conv2d_5", "Conv2D", (4, 4, 64)),
    ("max_pooling2d_5", "MaxPooling2D", (2, 2, 64)),
    ("dense_2", "Dense", (64,)),
    ("dense_3", "Dense", (10,)),
]


def test_a_new_network_reuses_the_layer_widgets_made_for_the_last(view, qtbot):
    from guiapp.layer_maps import MosaicLayer, UnitBars

    show(view, qtbot, activations(ROBUST))  # the bundled model answers the first drawing
    made = set(view.findChildren(MosaicLayer)) | set(view.findChildren(UnitBars))
    acts = activations(SEED, seed=3)
    view.set_activations(acts)  # Train pressed: the seed network answers the same drawing
    assert not view.building()  # every layer had a widget of its kind to take over: nothing to make
    assert view.layer_titles()[0] == "conv2d · Conv2D · 26×26×32"
    assert view.channel_counts()["conv2d_2"] == 64
    shown = [w for w in view.findChildren(MosaicLayer) + view.findChildren(UnitBars) if w.isVisibleTo(view)]
    assert len(shown) == 7 and set(shown) <= made  # the spare pooling layer went
    mosaic = view.mosaic("conv2d_1")
    assert (mosaic.shape[0] + 1) % 12 == 0 and (mosaic.shape[1] + 1) % 12 == 0  # 11x11 tiles now, not 12x12
    assert np.nanmax(mosaic) == pytest.approx(acts[2].values.max())
    renamed = [Activation(a.name + "_x", a.kind, a.values) for a in acts]  # the next run's network: new names
    view.set_activations(renamed)
    assert not view.building() and view.layer_titles()[-1] == "dense_1_x · Dense · 10"
    np.testing.assert_allclose(view.mosaic("conv2d_x")[:26, :26], acts[0].values[0, ..., 0])


def test_missing_layer_widgets_are_made_one_per_event_loop_turn(view, qtbot, monkeypatch):
    import guiapp.feature_maps as fm

    log = []
    for name in ("MosaicLayer", "UnitBars"):
        cls = getattr(fm, name)
        monkeypatch.setattr(fm, name, type(name, (cls,), {"__init__": lambda self, *a, _c=cls, **k: (
            log.append("made"), _c.__init__(self, *a, **k))[1]}))
    turns = QTimer()
    turns.timeout.connect(lambda: log.append("turn"))
    turns.start(0)
    view.set_activations(activations(SEED))
    assert log == [] and view.building()  # nothing made while the caller waits
    assert view.layer_titles()[2] == "conv2d_1 · Conv2D · 11×11×64"  # though the view knows what is coming
    with qtbot.waitSignal(view.layersBuilt, timeout=5000):
        pass
    turns.stop()
    made = [i for i, x in enumerate(log) if x == "made"]
    assert len(made) == 7
    assert all(b - a > 1 for a, b in zip(made, made[1:])), log  # the loop turned between any two
    assert not view.building() and view.mosaic("conv2d").shape == view.mosaic("conv2d").shape


def test_the_maps_fill_the_width(qtbot):
    from guiapp.layer_maps import MosaicLayer

    view = FeatureMapView()
    qtbot.addWidget(view)
    view.resize(1300, 500)
    view.show()
    show(view, qtbot, activations(SEED))
    width = view.findChild(QScrollArea).viewport().width()
    for layer in view.findChildren(MosaicLayer):
        assert layer.glw.width() >= 0.9 * width, (layer.name, layer.glw.width(), width)
    view.resize(700, 500)
    qtbot.waitUntil(lambda: view.findChild(QScrollArea).viewport().width() < 700, timeout=2000)
    width = view.findChild(QScrollArea).viewport().width()
    for layer in view.findChildren(MosaicLayer):
        assert 0.9 * width <= layer.glw.width() <= width, (layer.name, layer.glw.width(), width)


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.Base, "#1e1e1e"),
                         (QPalette.ColorRole.Text, "#eeeeee"), (QPalette.ColorRole.WindowText, "#eeeeee")):
        palette.setColor(role, QColor(colour))
    return palette


def test_the_maps_follow_the_palette(view, qtbot):
    from guiapp.layer_maps import MosaicLayer, UnitBars

    show(view, qtbot, activations(SEED))
    view.select_channel("conv2d", 3)
    light = view.palette()

    def painted(palette):
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        glws = [m.glw for m in view.findChildren(MosaicLayer)] + [view.findChild(QFrame, "channelDetail").glw]
        plots = [b.plot for b in view.findChildren(UnitBars)]
        return (all(g.backgroundBrush().color() == base for g in glws + plots)
                and all(m.bar.axis.textPen().color() == text for m in view.findChildren(MosaicLayer)))

    assert painted(light)
    view.setPalette(_dark_palette())
    qtbot.waitUntil(lambda: painted(_dark_palette()), timeout=2000)
    shot = view.grab().toImage()
    gap = shot.pixelColor(view.width() - 30, view.height() - 5)  # below the last layer, right of the bars
    assert gap.lightness() < 80
    view.setPalette(light)
    qtbot.waitUntil(lambda: painted(light), timeout=2000)


def test_kernel_view_uses_a_symmetric_scale(qtbot):
    kv = KernelView()
    qtbot.addWidget(kv)
    kv.resize(700, 200)
    kv.show()
    assert kv.objectName() == "kernelView" and kv.kernel_count() == 0
    w = np.random.default_rng(0).normal(scale=0.2, size=(3, 3, 1, 32)).astype(np.float32)
    w[1, 1, 0, 3] = -0.9
    kv.set_kernels(w)
    assert kv.kernel_count() == 32
    assert kv.levels() == pytest.approx((-0.9, 0.9))
    kv.set_kernels(np.ones((5, 5, 1, 6), np.float32) * 0.5)
    assert kv.kernel_count() == 6 and kv.levels() == pytest.approx((-0.5, 0.5))
    kv.set_kernels(None)
    assert kv.kernel_count() == 0 and kv.levels() is None
    with pytest.raises(ValueError):
        kv.set_kernels(np.zeros((3, 3, 32)))


def test_a_diverged_network_does_not_break_the_view(view, qtbot):
    acts = activations(SEED)
    acts[0].values[0, 3, 3, 5] = np.nan
    acts[2].values[:] = np.inf
    acts[5].values[0, :5] = np.nan
    acts[6].values[:] = np.nan
    show(view, qtbot, acts)
    view.select_channel("conv2d", 5)
    view.grab()  # renders every layer
    lo, hi = view.levels("conv2d")
    assert np.isfinite([lo, hi]).all() and hi > lo
    assert view.levels("conv2d_1") == (0.0, 1.0)


@pytest.mark.parametrize(
    "values, expected",
    [([0.0, 0.83], (0.0, 1.0)), ([0.0, 1.3], (0.0, 1.5)), ([0.0, 2.2], (0.0, 3.0)), ([-0.4, 3.1], (-1.0, 4.0)),
     ([0.0, 6.9], (0.0, 8.0)), ([0.0, 7.5], (0.0, 8.0)), ([0.001, 0.012], (0.0, 0.015)), ([0.0, 1.0], (0.0, 1.0)),
     ([0.5, 0.6], (0.0, 0.8)), ([-3.0, -1.0], (-3.0, 0.0))],
)
def test_display_range_rounds_outward(values, expected):
    from guiapp.ranges import display_range

    assert display_range(np.array(values, dtype=np.float32)) == pytest.approx(expected)


class Marking:
    """A translator that shows every text of ``contexts`` as <<source>>: proof that a text is fetched through tr()
    again when the language changes (the real .qm may not hold a new text yet)."""

    def __new__(cls, contexts):
        from PySide6.QtCore import QTranslator

        class _Marking(QTranslator):
            def translate(self, context, source, disambiguation=None, n=-1):
                return f"<<{source}>>" if context in contexts else ""

            def isEmpty(self):
                return False

        return _Marking()


def test_a_language_change_retranslates_from_the_state_shown(view, qtbot):
    from PySide6.QtCore import QCoreApplication

    from guiapp.canvas import DrawCanvas
    from guiapp.layer_maps import MosaicLayer

    kv, canvas = KernelView(), DrawCanvas()
    qtbot.addWidget(kv)
    qtbot.addWidget(canvas)
    show(view, qtbot, activations(SEED))
    view.select_channel("conv2d_1", 7)
    kv.set_kernels(np.full((3, 3, 1, 32), 0.25, np.float32))
    detail = view.findChild(QFrame, "channelDetail")
    layers = view.findChildren(MosaicLayer)

    def texts():
        return (view.layer_titles(), [m.title.text() for m in layers], layers[0].glw.toolTip(), detail.title.text(),
                detail.range.text(), kv.findChild(MosaicLayer).title.text(), canvas.toolTip())

    english = texts()
    assert english[3] == "conv2d_1 · channel 7 of 64 · 11×11" and english[4].startswith("min ")
    assert english[5].startswith("First conv layer's kernels · 3×3 · 32 filters · scale ±0.25")
    translator = Marking({"FeatureMapView", "ChannelDetail", "KernelView", "DrawCanvas"})
    app = QCoreApplication.instance()
    try:
        app.installTranslator(translator)
        qtbot.waitUntil(lambda: view.layer_titles()[0].startswith("<<"), timeout=5000)  # LanguageChange is posted
        titles, shown, tip, detail_title, detail_range, kernel_title, canvas_tip = texts()
        assert titles[0] == "<<conv2d · <<Conv2D>> · 26×26×32>>" and shown == titles[: len(shown)]
        assert tip == "<<Click a map to enlarge it>>"
        assert detail_title == "<<conv2d_1 · channel 7 of 64 · 11×11>>" and detail_range.startswith("<<min ")
        assert kernel_title.startswith("<<First conv layer's kernels · 3×3 · 32 filters") and canvas_tip[:2] == "<<"
        assert view.selected_channel() == ("conv2d_1", 7) and view.findChildren(MosaicLayer) == layers  # state kept
    finally:
        app.removeTranslator(translator)
    qtbot.waitUntil(lambda: not view.layer_titles()[0].startswith("<<"), timeout=5000)
    assert texts() == english
