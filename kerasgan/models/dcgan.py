"""DCGAN (Radford et al. 2016): strided convolutions, batch norm, no pooling."""

import keras

from kerasgan.gan import GAN
from kerasgan.layers import UPSAMPLING_MODES, BatchNormalization, dcgan_init, upsample

__all__ = ["DCGAN", "dcgan_generator", "dcgan_discriminator", "spatial_plan"]


def spatial_plan(image_shape):
    """Return (start_size, doublings) so that start_size * 2**doublings == side.

    The side is halved while it is even and larger than 7: 28 -> (7, 2),
    32 -> (4, 3), 64 -> (4, 4).

    Args:
        image_shape: tuple (H, W, C). A square image with an even side.
    """
    if len(image_shape) != 3 or image_shape[0] != image_shape[1]:
        raise ValueError(
            f"DCGAN needs a square image_shape (H, W, C), got {tuple(image_shape)}."
        )
    side = int(image_shape[0])
    start, doublings = side, 0
    while start % 2 == 0 and start > 7:
        start //= 2
        doublings += 1
    if doublings == 0:
        raise ValueError(
            f"DCGAN image side must be even and at least 8 (e.g. 28, 32, 64), got {side}."
        )
    return start, doublings


def dcgan_generator(image_shape, latent_dim=100, filters=64, upsampling="transposed"):
    """The DCGAN generator: project z, then (upsample, batch norm, ReLU) blocks, tanh.

    Args:
        image_shape: tuple (H, W, C). Output image shape.
        latent_dim: int. Size of z.
        filters: int. Channels of the last hidden block; each block closer to
            z has twice as many (64 gives 512-256-128-64 at 64x64, as in the paper).
        upsampling: str. "transposed" or "resize" (see `kerasgan.layers.upsample`).

    Example:
    >>> dcgan_generator((28, 28, 1), latent_dim=16, filters=8).output_shape
    (None, 28, 28, 1)
    """
    if upsampling not in UPSAMPLING_MODES:
        raise ValueError(
            f"Unknown upsampling {upsampling!r}; use one of {UPSAMPLING_MODES}."
        )
    start, doublings = spatial_plan(image_shape)
    width = filters * 2 ** (doublings - 1)
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(
        start * start * width, use_bias=False, kernel_initializer=dcgan_init(), name="project"
    )(z)
    x = BatchNormalization(name="project_bn")(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Reshape((start, start, width))(x)
    for i in range(doublings - 1):
        width //= 2
        x = upsample(width, upsampling, name=f"up{i}")(x)
        x = BatchNormalization(name=f"up{i}_bn")(x)
        x = keras.layers.ReLU()(x)
    x = upsample(image_shape[-1], upsampling, use_bias=True, name="to_image")(x)
    images = keras.layers.Activation("tanh", name="tanh")(x)
    return keras.Model(z, images, name="generator")


def dcgan_discriminator(image_shape, filters=64, batch_norm=True, dropout=0.0):
    """The DCGAN discriminator: stride-2 convolutions with LeakyReLU(0.2), one raw score.

    Batch norm follows every convolution but the first, as in the paper.

    Args:
        image_shape: tuple (H, W, C). Input image shape.
        filters: int. Channels of the first convolution, doubled at each stride.
        batch_norm: bool. False gives the WGAN-GP critic (no batch norm, since
            the gradient penalty is defined per sample).
        dropout: float in [0, 1). Dropout rate after every LeakyReLU (0 = none,
            the paper); it adds no weights.

    Example:
    >>> dcgan_discriminator((28, 28, 1), filters=8).output_shape
    (None, 1)
    """
    _, doublings = spatial_plan(image_shape)
    images = keras.Input(tuple(image_shape), name="images")
    x = images
    for i in range(doublings):
        x = keras.layers.Conv2D(
            filters * 2**i,
            4,
            strides=2,
            padding="same",
            use_bias=not (batch_norm and i > 0),
            kernel_initializer=dcgan_init(),
            name=f"down{i}",
        )(x)
        if batch_norm and i > 0:
            x = BatchNormalization(name=f"down{i}_bn")(x)
        x = keras.layers.LeakyReLU(0.2)(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"down{i}_dropout")(x)
    x = keras.layers.Flatten(name="features")(x)
    score = keras.layers.Dense(1, kernel_initializer=dcgan_init(), name="score")(x)
    return keras.Model(images, score, name="discriminator")


@keras.saving.register_keras_serializable(package="kerasgan")
class DCGAN(GAN):
    """Deep convolutional GAN (Radford et al. 2016).

    LSGAN (Mao et al. 2017) is this model compiled with
    `loss="least_squares"`: the least-squares loss works on D's raw output,
    which is what the discriminator here returns.

    Paper: https://arxiv.org/abs/1511.06434

    Args:
        image_shape: tuple (H, W, C). Square, with an even side: 28x28x1,
            32x32x3, 64x64x3 and larger powers of two.
        latent_dim: int. Size of z.
        filters: int. Width of the networks (see `dcgan_generator`).
        upsampling: str. "transposed" (the paper) or "resize" (nearest
            upsampling + convolution, free of checkerboard artifacts).
        seed: int or None. Seed of the training noise.

    Example:
    >>> import kerasgan
    >>> gan = kerasgan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=100)
    >>> gan.compile()                       # DCGAN: Adam(2e-4, 0.5), non-saturating
    >>> lsgan = kerasgan.models.DCGAN()
    >>> lsgan.compile(loss="least_squares")  # LSGAN
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        upsampling="transposed",
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(int(s) for s in image_shape)
        super().__init__(
            dcgan_generator(image_shape, latent_dim, filters, upsampling),
            dcgan_discriminator(image_shape, filters, batch_norm=True),
            latent_dim=latent_dim,
            seed=seed,
            **kwargs,
        )
        self._architecture = dict(
            image_shape=list(image_shape),
            latent_dim=int(latent_dim),
            filters=int(filters),
            upsampling=upsampling,
        )

