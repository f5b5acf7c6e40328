import numpy as np
import pytest

import keras

from kerasgan.models import WGANGP


def test_critic_has_no_batch_norm_and_paper_defaults():
    gan = WGANGP(image_shape=(32, 32, 3), latent_dim=8, filters=4)
    assert not any(isinstance(l, keras.layers.BatchNormalization) for l in gan.discriminator.layers)
    gan.compile()
    assert gan.loss_fn.name == "wasserstein"
    assert gan.gp_weight == 10.0 and gan.d_steps == 5
    opt = gan.d_optimizer
    assert float(opt.learning_rate) == pytest.approx(1e-4)
    assert float(opt.beta_1) == 0.0 and float(opt.beta_2) == pytest.approx(0.9)


def test_trains_and_round_trips(tmp_path):
    gan = WGANGP(image_shape=(8, 8, 1), latent_dim=4, filters=2, seed=0)
    gan.compile(d_steps=2)
    x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    gan.fit(x, batch_size=8, verbose=0)
    assert int(gan.d_optimizer.iterations) == 4
    gan.save(tmp_path / "w.keras")
    loaded = keras.saving.load_model(tmp_path / "w.keras")
    assert loaded.gp_weight == 10.0 and loaded.d_steps == 2
    np.testing.assert_allclose(loaded.generate(2, seed=0), gan.generate(2, seed=0), atol=1e-6)
