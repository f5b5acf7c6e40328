"""The multilayer-perceptron GAN of Goodfellow et al. 2014."""

import math

import keras

from kerasgan.gan import GAN

__all__ = ["VanillaGAN", "mlp_generator", "mlp_discriminator"]


def mlp_generator(image_shape, latent_dim=64, hidden=256, output_activation="tanh"):
    """Two ReLU hidden layers, then one unit per pixel, reshaped to `image_shape`.

    Args:
        image_shape: tuple. Output shape, e.g. (28, 28, 1) or (2,) for points.
        latent_dim: int. Size of z.
        hidden: int. Units per hidden layer.
        output_activation: str or None. "tanh" for images in [-1, 1]; None
            for unbounded data such as the 2-D toy mixtures.

    Example:
    >>> mlp_generator((28, 28, 1)).output_shape
    (None, 28, 28, 1)
    """
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(hidden, activation="relu", name="hidden0")(z)
    x = keras.layers.Dense(hidden, activation="relu", name="hidden1")(x)
    x = keras.layers.Dense(
        math.prod(image_shape), activation=output_activation, name="pixels"
    )(x)
    out = keras.layers.Reshape(tuple(image_shape))(x)
    return keras.Model(z, out, name="generator")


def mlp_discriminator(image_shape, hidden=256):
    """Flatten, two hidden layers with LeakyReLU(0.2), one raw score.

    Args:
        image_shape: tuple. Input shape.
        hidden: int. Units per hidden layer.

    Example:
    >>> mlp_discriminator((28, 28, 1)).output_shape
    (None, 1)
    """
    images = keras.Input(tuple(image_shape), name="images")
    x = keras.layers.Flatten()(images)
    x = keras.layers.Dense(hidden, name="hidden0")(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Dense(hidden, name="hidden1")(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    score = keras.layers.Dense(1, name="score")(x)
    return keras.Model(images, score, name="discriminator")


@keras.saving.register_keras_serializable(package="kerasgan")
class VanillaGAN(GAN):
    """The original GAN: MLP generator and discriminator (Goodfellow et al. 2014).

    Compile with `loss="minimax"` for the paper's saturating game or keep the
    default `"non_saturating"`; `d_steps=k` gives Algorithm 1's k
    discriminator steps per generator step.

    Paper: https://arxiv.org/abs/1406.2661

    Args:
        image_shape: tuple. Shape of one sample: (28, 28, 1) for images, (2,)
            for 2-D points.
        latent_dim: int. Size of z.
        hidden: int. Units in each of the two hidden layers of G and D.
        output_activation: str or None. The generator's output activation.
        seed: int or None. Seed of the training noise.

    Example:
    >>> import kerasgan
    >>> gan = kerasgan.models.VanillaGAN(image_shape=(28, 28, 1))
    >>> gan.compile(loss="minimax", d_steps=1)
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=64,
        hidden=256,
        output_activation="tanh",
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(int(s) for s in image_shape)
        super().__init__(
            mlp_generator(image_shape, latent_dim, hidden, output_activation),
            mlp_discriminator(image_shape, hidden),
            latent_dim=latent_dim,
            seed=seed,
            **kwargs,
        )
        self._architecture = dict(
            image_shape=list(image_shape),
            latent_dim=int(latent_dim),
            hidden=int(hidden),
            output_activation=output_activation,
        )
