"""WGAN-GP (Gulrajani et al. 2017): a Wasserstein critic with a gradient penalty."""

import keras

from kerasgan.gan import GAN
from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator

__all__ = ["WGANGP"]


@keras.saving.register_keras_serializable(package="kerasgan")
class WGANGP(GAN):
    """Wasserstein GAN with gradient penalty on a DCGAN-shaped generator and critic.

    The critic has no batch norm (the penalty is per sample). `compile()`
    defaults follow the paper: Wasserstein loss, gradient penalty 10, 5
    critic steps per generator step, Adam(1e-4, beta_1=0, beta_2=0.9).

    Paper: https://arxiv.org/abs/1704.00028

    Args:
        image_shape: tuple (H, W, C). Square image with an even side.
        latent_dim: int. Size of z.
        filters: int. Width of generator and critic.
        upsampling: str. "transposed" or "resize".
        seed: int or None. Seed of the training noise.

    Example:
    >>> import kerasgan
    >>> gan = kerasgan.models.WGANGP(image_shape=(32, 32, 3))
    >>> gan.compile()  # loss="wasserstein", gp_weight=10, d_steps=5
    """

    def __init__(
        self,
        image_shape=(32, 32, 3),
        latent_dim=128,
        filters=64,
        upsampling="transposed",
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(int(s) for s in image_shape)
        super().__init__(
            dcgan_generator(image_shape, latent_dim, filters, upsampling),
            dcgan_discriminator(image_shape, filters, batch_norm=False),
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

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss="wasserstein",
        d_steps=5,
        gp_weight=10.0,
        r1_weight=0.0,
        **kwargs,
    ):
        super().compile(
            d_optimizer=d_optimizer or _wgan_gp_adam(),
            g_optimizer=g_optimizer or _wgan_gp_adam(),
            loss=loss,
            d_steps=d_steps,
            gp_weight=gp_weight,
            r1_weight=r1_weight,
            **kwargs,
        )


def _wgan_gp_adam():
    return keras.optimizers.Adam(learning_rate=1e-4, beta_1=0.0, beta_2=0.9)
