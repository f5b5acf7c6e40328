"""Reusable building blocks for generators and discriminators.

Everything here returns plain Keras layers, so the models built from them
serialise as ordinary Keras models and load under any backend.
"""

import keras

__all__ = ["UPSAMPLING_MODES", "dcgan_init", "upsample"]

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
                keras.layers.UpSampling2D(2, interpolation="nearest"),
                keras.layers.Conv2D(
                    filters,
                    3,
                    padding="same",
                    use_bias=use_bias,
                    kernel_initializer=dcgan_init(),
                ),
            ],
            name=name,
        )
    raise ValueError(
        f"Unknown upsampling mode {mode!r}; use one of {UPSAMPLING_MODES}."
    )
