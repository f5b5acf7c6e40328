"""Reusable building blocks for generators and discriminators.

Everything here returns plain Keras layers, so the models built from them
serialise as ordinary Keras models and load under any backend.
"""

import keras

__all__ = ["UPSAMPLING_MODES", "BatchNormalization", "dcgan_init", "upsample"]

UPSAMPLING_MODES = ("transposed", "resize")


def dcgan_init(seed=None):
    """The DCGAN weight initialisation N(0, 0.02) (Radford et al. 2016, Sec. 4)."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02, seed=seed)


def upsample(filters, mode="transposed", kernel_size=4, use_bias=False, name=None):
    """A layer that doubles the spatial size and maps to `filters` channels.

    `"transposed"` is a stride-2 transposed convolution, the DCGAN choice.
    `"resize"` is nearest-neighbour upsampling followed by a stride-1
    convolution: every output pixel then sees the same number of kernel taps,
    which removes the checkerboard artifacts of uneven overlap (Odena et al.
    2016, https://distill.pub/2016/deconv-checkerboard/).

    Args:
        filters: int. Output channels.
        mode: str. "transposed" or "resize".
        kernel_size: int. Kernel of the transposed convolution; the resize
            variant uses 3x3, the odd kernel that keeps "same" padding centred.
        use_bias: bool. Whether the convolution has a bias (off before batch norm).
        name: str or None. Layer name.

    Example:
    >>> import numpy as np
    >>> upsample(8, "resize")(np.zeros((1, 4, 4, 3), "float32")).shape
    (1, 8, 8, 8)
    """
    if mode == "transposed":
        return keras.layers.Conv2DTranspose(
            filters,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=use_bias,
            kernel_initializer=dcgan_init(),
            name=name,
        )
    if mode == "resize":
        return keras.Sequential(
            [
                keras.layers.UpSampling2D(2, interpolation="nearest", name="upsample"),
                keras.layers.Conv2D(
                    filters,
                    3,
                    padding="same",
                    use_bias=use_bias,
                    kernel_initializer=dcgan_init(),
                    name="conv",
                ),
            ],
            name=name,
        )
    raise ValueError(
        f"Unknown upsampling mode {mode!r}; use one of {UPSAMPLING_MODES}."
    )


@keras.saving.register_keras_serializable(package="kerasgan")
class BatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` that runs TensorFlow's fused kernel when it can.

    Keras 3 normalises with separate moment, subtract and scale ops; on the
    TensorFlow backend a channels-last 4-D float input can instead go
    through one `FusedBatchNormV3` kernel (oneDNN on CPU, cuDNN on GPU),
    which makes a DCGAN training step about 10% faster on CPU
    (benchmarks/README.md). Every other case (other backends, masks,
    renorm, synchronised or non-last-axis batch norm, other ranks) uses the
    Keras implementation unchanged, so a saved generator still loads and
    samples under any backend.

    One difference in training mode: the fused kernel updates the moving
    variance with the unbiased batch variance (n / (n - 1) times Keras's),
    as PyTorch does; with n = batch x height x width that is a relative
    change of 1 / (n - 1). Outputs are the same.

    Args:
        **kwargs: as `keras.layers.BatchNormalization`.

    Example:
    >>> import numpy as np
    >>> BatchNormalization()(np.ones((2, 4, 4, 3), "float32")).shape
    TensorShape([2, 4, 4, 3])
    """

    def _fusable(self, inputs, mask):
        return (
            keras.backend.backend() == "tensorflow"
            and mask is None
            and len(inputs.shape) == 4
            and self.axis in (-1, 3)
            and not getattr(self, "renorm", False)
            and not getattr(self, "synchronized", False)
        )

    def call(self, inputs, training=None, mask=None):
        if not self._fusable(inputs, mask):
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf

        x = tf.cast(inputs, "float32")
        channels = x.shape[-1]
        gamma = self.gamma.value if self.scale else tf.ones((channels,))
        beta = self.beta.value if self.center else tf.zeros((channels,))
        moving_mean = tf.cast(self.moving_mean.value, "float32")
        moving_variance = tf.cast(self.moving_variance.value, "float32")
        training = bool(training and self.trainable)
        # In training mode, with exponential_avg_factor < 1, the kernel returns
        # the updated moving statistics rather than the batch statistics.
        y, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            x,
            tf.cast(gamma, "float32"),
            tf.cast(beta, "float32"),
            mean=moving_mean,
            variance=moving_variance,
            epsilon=self.epsilon,
            is_training=training,
            exponential_avg_factor=1.0 - self.momentum if training else 1.0,
        )
        if training:
            self.moving_mean.assign(tf.cast(mean, self.moving_mean.dtype))
            self.moving_variance.assign(tf.cast(variance, self.moving_variance.dtype))
        return tf.cast(y, inputs.dtype)
