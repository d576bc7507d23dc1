"""Custom Keras layers the seed's lessons need."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="digit_trainer")
class SumPooling2D(keras.layers.Layer):
    """Sum pooling: the sum of each ``pool_size`` window (non-overlapping, 'valid').

    Computed as average pooling times the window area, so it runs on the same fast kernel as AveragePooling2D and
    gives exactly the window sum (to float rounding). Output size is ``floor(n / pool)``, as for max pooling.
    """

    def __init__(self, pool_size=(2, 2), **kwargs):
        super().__init__(**kwargs)
        if isinstance(pool_size, int):
            pool_size = (pool_size, pool_size)
        self.pool_size = tuple(int(p) for p in pool_size)
        self._avg = keras.layers.AveragePooling2D(pool_size=self.pool_size, padding="valid")

    def call(self, inputs):
        area = self.pool_size[0] * self.pool_size[1]
        return ops.multiply(self._avg(inputs), ops.cast(area, inputs.dtype))

    def compute_output_shape(self, input_shape):
        return self._avg.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size}
