"""An edited architecture (same padding, average pooling) trains through the GUI and its feature maps show."""

import numpy as np

from model.architecture import analyse, conv, dense, flatten, pool
from tests.gui.replay import drag


def test_same_padding_avg_pool_network_trains_and_shows_feature_maps(window, qtbot, train_small):
    spec = [conv(8, padding="same"), pool(2, "avg"), conv(16, padding="same", stride=2), pool(2, "sum"), flatten(),
            dense(10, "softmax")]
    window.architecture_editor.set_spec(spec)
    assert window.training_panel.train_button.isEnabled()
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000) as finished:
        cfg = train_small(window, qtbot, limit=1000, spec=window.architecture_editor.spec())
    assert [layer.to_dict() for layer in cfg.spec] == [layer.to_dict() for layer in spec]
    result = finished.args[0]
    assert result is not None and result.test_accuracy is not None
    summary = window.model_summary.table
    shown = [summary.item(r, 1).text() for r in range(summary.rowCount())]
    assert "AveragePooling2D" in shown and "SumPooling2D" in shown

    canvas = window.draw_panel.canvas
    with qtbot.waitSignal(window.predictionShown, timeout=30_000):
        drag(canvas, np.array([[140, 60], [140, 220]]))
    expected = {info.name: info.output_shape[-1] for info in analyse(spec) if info.kind in ("conv", "pool")}
    assert window.feature_maps.channel_counts() == expected
    titles = window.feature_maps.layer_titles()
    assert any("28×28×8" in t for t in titles) and any("SumPooling2D" in t for t in titles)
