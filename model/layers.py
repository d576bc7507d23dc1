"""Custom Keras layers the seed's lessons need."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="digit_trainer")
class SumPooling2D(keras.layers.Layer):
    """Sum pooling: the sum of each ``pool_size`` window (non-overlapping, 'valid', channels last).

    The windows are cut out with a reshape and summed, so the result is the exact window sum (integer-valued
    inputs give exact integers; average pooling times the window area would be off by rounding, e.g. 3840.0002
    for a 5x5 window). Output size is ``floor(n / pool)``, as for max pooling.
    """

    def __init__(self, pool_size=(2, 2), **kwargs):
        super().__init__(**kwargs)
        if isinstance(pool_size, int):
            pool_size = (pool_size, pool_size)
        self.pool_size = tuple(int(p) for p in pool_size)
        # Kept for inputs whose height or width is unknown until run time (never the case in the app's models).
        self._avg = keras.layers.AveragePooling2D(pool_size=self.pool_size, padding="valid")

    def call(self, inputs):
        ph, pw = self.pool_size
        _, h, w, c = inputs.shape
        if h is None or w is None or c is None:
            return ops.multiply(self._avg(inputs), ops.cast(ph * pw, inputs.dtype))
        oh, ow = h // ph, w // pw
        x = inputs[:, : oh * ph, : ow * pw, :]
        x = ops.reshape(x, (-1, oh, ph, ow, pw, c))
        return ops.sum(x, axis=(2, 4))

    def compute_output_shape(self, input_shape):
        return self._avg.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size}
