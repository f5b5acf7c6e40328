"""The 1-D toy GAN: a linear generator learns a Gaussian."""

import keras

from kerasgan.gan import GAN

__all__ = ["GaussianGAN"]


@keras.saving.register_keras_serializable(package="kerasgan")
class GaussianGAN(GAN):
    """Learn N(mu, sigma^2) with a linear generator G(z) = w z + b, z ~ N(0, 1).

    The answer is known in closed form (b = mu, |w| = sigma), which makes this
    the smallest end-to-end check of a GAN training loop. The discriminator
    is a small MLP that standardises its input with the data's mean and
    standard deviation (ordinary input preprocessing: the generator is not
    told them and must move b from 0 to mu by itself).

    Args:
        input_mean: float. Mean of the training data, used by D's input
            normalisation (e.g. `x.mean()`).
        input_std: float. Standard deviation of the training data (`x.std()`).
        hidden: int. Units of D's two hidden layers.
        seed: int or None. Seed of the training noise and initialisers.

    Example:
    >>> import kerasgan
    >>> x = kerasgan.data.gaussian_1d(10_000, loc=500.0, scale=5.0, seed=0)
    >>> gan = kerasgan.models.GaussianGAN(input_mean=x.mean(), input_std=x.std())
    >>> gan.compile()
    >>> gan.fit(x, batch_size=256, epochs=60, verbose=0)  # doctest: +SKIP
    >>> gan.generator_parameters()                       # doctest: +SKIP
    (5.0..., 500.0...)
    """

    def __init__(self, input_mean=0.0, input_std=1.0, hidden=32, seed=None, **kwargs):
        if not input_std > 0:
            raise ValueError(f"input_std must be > 0, got {input_std}.")
        z = keras.Input((1,), name="z")
        x = keras.layers.Dense(
            1,
            kernel_initializer=keras.initializers.Ones(),
            bias_initializer="zeros",
            name="linear",
        )(z)
        generator = keras.Model(z, x, name="generator")

        samples = keras.Input((1,), name="samples")
        h = keras.layers.Normalization(
            mean=float(input_mean), variance=float(input_std) ** 2, name="standardise"
        )(samples)
        for i in range(2):
            h = keras.layers.Dense(hidden, name=f"hidden{i}")(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        score = keras.layers.Dense(1, name="score")(h)
        discriminator = keras.Model(samples, score, name="discriminator")

        super().__init__(generator, discriminator, latent_dim=1, seed=seed, **kwargs)
        self._architecture = dict(
            input_mean=float(input_mean), input_std=float(input_std), hidden=int(hidden)
        )

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss="non_saturating",
        d_steps=1,
        gp_weight=0.0,
        r1_weight=0.0,
        **kwargs,
    ):
        """Compile with defaults suited to the toy.

        The generator's bias has to travel from 0 to mu (500 by default); a
        DCGAN learning rate of 2e-4 would need millions of steps, so G uses
        Adam with a learning rate that decays from 1.0, and D Adam(1e-3, 0.5).
        Arguments as in `GAN.compile`.
        """
        if g_optimizer is None:
            g_optimizer = keras.optimizers.Adam(
                keras.optimizers.schedules.ExponentialDecay(1.0, 1000, 0.1),
                beta_1=0.5,
            )
        if d_optimizer is None:
            d_optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5)
        super().compile(
            d_optimizer=d_optimizer,
            g_optimizer=g_optimizer,
            loss=loss,
            d_steps=d_steps,
            gp_weight=gp_weight,
            r1_weight=r1_weight,
            **kwargs,
        )

    def generator_parameters(self):
        """Return the learned (w, b) of G(z) = w z + b as floats."""
        kernel, bias = self.generator.get_layer("linear").get_weights()
        return float(kernel[0, 0]), float(bias[0])
