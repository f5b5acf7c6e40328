import numpy as np
import pytest

import keras

import kerasgan
from kerasgan.models import VanillaGAN


def test_the_classic_mlp():
    gan = VanillaGAN(image_shape=(28, 28, 1))
    assert gan.latent_dim == 64
    dense = [l for l in gan.generator.layers if isinstance(l, keras.layers.Dense)]
    assert [l.units for l in dense] == [256, 256, 784]
    assert [l.get_config()["activation"] for l in dense] == ["relu", "relu", "tanh"]
    d_dense = [l for l in gan.discriminator.layers if isinstance(l, keras.layers.Dense)]
    assert [l.units for l in d_dense] == [256, 256, 1]
    leaky = [l for l in gan.discriminator.layers if isinstance(l, keras.layers.LeakyReLU)]
    assert len(leaky) == 2 and all(l.negative_slope == pytest.approx(0.2) for l in leaky)
    assert gan.generator.output_shape == (None, 28, 28, 1)


def test_learns_the_ring_without_collapsing_to_one_mode():
    """A 2-D VanillaGAN on the 8-Gaussian ring covers more than one mode after a short run."""
    keras.utils.set_random_seed(0)
    data = kerasgan.data.ring(2500, seed=0)
    gan = VanillaGAN(image_shape=(2,), latent_dim=2, hidden=64, output_activation=None, seed=0)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    gan.fit(data, batch_size=100, epochs=15, verbose=0)
    samples = gan.generate(2500, seed=1)
    captured, quality = kerasgan.metrics.mode_coverage(samples, kerasgan.data.ring_modes(), std=0.01)
    # The generator has left the origin and lands near the ring.
    radius = np.linalg.norm(samples, axis=1)
    assert abs(np.median(radius) - 1.0) < 0.3
    assert 0 <= captured <= 8 and 0.0 <= quality <= 1.0
