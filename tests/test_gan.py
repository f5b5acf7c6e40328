"""The GAN base class: the training game, metrics, sampling, saving and compilation."""

import numpy as np
import pytest

import keras

import kerasgan
from kerasgan.models import DCGAN

IMAGES = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")


def tiny_dcgan(**kwargs):
    return DCGAN(image_shape=(8, 8, 1), latent_dim=4, filters=4, seed=0, **kwargs)


def linear_gan():
    """G(z) = w z + b and D(x) = a x + c, with a fixed latent batch."""

    class FixedNoiseGAN(kerasgan.GAN):
        def sample_latent(self, batch_size, seed=None):
            return keras.ops.convert_to_tensor([[1.0], [2.0]])

    g = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, name="g")])
    d = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, name="d")])
    g.layers[0].set_weights([np.array([[1.0]]), np.array([0.0])])
    d.layers[0].set_weights([np.array([[0.5]]), np.array([0.0])])
    return FixedNoiseGAN(g, d, latent_dim=1)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def test_one_step_alternates_d_then_g_by_hand():
    gan = linear_gan()
    lr = 0.1
    gan.compile(
        d_optimizer=keras.optimizers.SGD(lr),
        g_optimizer=keras.optimizers.SGD(lr),
        loss="non_saturating",
    )
    real = np.array([[3.0], [5.0]], "float32")
    gan.fit(real, batch_size=2, epochs=1, shuffle=False, verbose=0)

    z = np.array([1.0, 2.0])
    x = np.array([3.0, 5.0])
    w, b, a, c = 1.0, 0.0, 0.5, 0.0
    f = w * z + b
    # D step: L = mean(softplus(-(a x + c))) + mean(softplus(a f + c))
    da = np.mean(-sigmoid(-(a * x + c)) * x) + np.mean(sigmoid(a * f + c) * f)
    dc = np.mean(-sigmoid(-(a * x + c))) + np.mean(sigmoid(a * f + c))
    a, c = a - lr * da, c - lr * dc
    # G step against the *updated* D: L = mean(softplus(-(a f + c)))
    dw = np.mean(-sigmoid(-(a * f + c)) * a * z)
    db = np.mean(-sigmoid(-(a * f + c)) * a)
    w, b = w - lr * dw, b - lr * db

    (ga, gc), (dk, dbias) = gan.generator.get_weights(), gan.discriminator.get_weights()
    np.testing.assert_allclose([dk[0, 0], dbias[0]], [a, c], rtol=1e-5)
    np.testing.assert_allclose([ga[0, 0], gc[0]], [w, b], rtol=1e-5)


def test_d_steps_gives_k_discriminator_updates_per_generator_update():
    gan = tiny_dcgan()
    gan.compile(d_steps=3)
    gan.fit(IMAGES, batch_size=8, epochs=1, verbose=0)  # 4 steps
    assert int(gan.d_optimizer.iterations) == 12
    assert int(gan.g_optimizer.iterations) == 4


def test_fit_reports_the_classic_training_log_and_resets_each_epoch():
    gan = tiny_dcgan()
    gan.compile()
    history = gan.fit(IMAGES, batch_size=8, epochs=2, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    for name in ("d_real", "d_fake"):
        assert all(0.0 <= v <= 1.0 for v in history[name])
    assert [m.name for m in gan.metrics] == ["d_loss", "g_loss", "d_real", "d_fake"]
    # Keras resets the trackers at the start of each epoch: the count kept by
    # a Mean is the number of steps in the last epoch, not in both.
    assert int(gan.d_loss_tracker.count) == 4


def test_fit_accepts_images_with_labels():
    gan = tiny_dcgan()
    gan.compile()
    labels = np.arange(32) % 3
    gan.fit(IMAGES, labels, batch_size=8, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 4


def test_generate_is_seeded_and_bounded():
    gan = tiny_dcgan()
    a, b, c = gan.generate(5, seed=1), gan.generate(5, seed=1), gan.generate(5, seed=2)
    assert a.shape == (5, 8, 8, 1) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 0
    assert a.min() >= -1 and a.max() <= 1
    # Batching does not change the samples.
    np.testing.assert_allclose(gan.generate(5, seed=1, batch_size=2), a, atol=1e-6)


def test_save_and_load_model_comes_back_compiled_and_trains_on(tmp_path):
    gan = tiny_dcgan()
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss="least_squares",
        d_steps=2,
    )
    gan.fit(IMAGES, batch_size=8, epochs=1, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)

    loaded = keras.saving.load_model(path)
    assert type(loaded) is DCGAN and loaded.compiled
    assert loaded.loss_fn.name == "least_squares" and loaded.d_steps == 2
    assert float(loaded.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert int(loaded.d_optimizer.iterations) == 8
    np.testing.assert_allclose(loaded.generate(4, seed=3), gan.generate(4, seed=3), atol=1e-6)
    for original, restored in zip(gan.g_optimizer.variables, loaded.g_optimizer.variables):
        np.testing.assert_allclose(np.asarray(original), np.asarray(restored))
    loaded.fit(IMAGES, batch_size=8, epochs=1, verbose=0)
    assert int(loaded.g_optimizer.iterations) == 8


def test_generic_gan_round_trips_its_generator_and_discriminator(tmp_path):
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="tanh")])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = kerasgan.GAN(g, d, latent_dim=3)
    gan.compile(loss="hinge")
    gan.fit(np.zeros((8, 2), "float32"), batch_size=4, verbose=0)
    gan.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras")
    assert loaded.loss_fn.name == "hinge"
    np.testing.assert_allclose(loaded.generate(3, seed=0), gan.generate(3, seed=0), atol=1e-6)


def test_jit_compile_trains():
    gan = tiny_dcgan()
    gan.compile(jit_compile=True, loss="wasserstein", gp_weight=10.0, d_steps=2)
    history = gan.fit(IMAGES, batch_size=8, epochs=1, verbose=0).history
    assert np.isfinite(history["d_loss"][0])
    assert gan.get_compile_config()["jit_compile"] is True


@pytest.mark.parametrize("penalty, expected", [("gp_weight", 10 * (5 - 1) ** 2), ("r1_weight", 0.5 * 10 * 25)])
def test_penalties_by_hand_on_a_linear_critic(penalty, expected):
    """D(x) = a.x + c has gradient a everywhere: ||a|| = 5 gives GP (5-1)^2 and R1 25."""
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    d.layers[0].set_weights([np.array([[3.0], [4.0]]), np.array([0.0])])
    gan = kerasgan.GAN(g, d, latent_dim=2)
    real = keras.ops.convert_to_tensor(np.ones((4, 2), "float32"))
    fake = keras.ops.convert_to_tensor(np.zeros((4, 2), "float32"))
    gan.compile(loss="wasserstein")
    plain = float(gan.discriminator_loss(real, fake)[0])
    gan.compile(loss="wasserstein", **{penalty: 10.0})
    penalised = float(gan.discriminator_loss(real, fake)[0])
    assert penalised - plain == pytest.approx(expected, rel=1e-5)


def test_compile_rejects_bad_arguments():
    gan = tiny_dcgan()
    with pytest.raises(ValueError, match="d_steps"):
        gan.compile(d_steps=0)
    with pytest.raises(TypeError, match="d_optimizer"):
        gan.compile(optimizer="adam")
    with pytest.raises(ValueError, match="Unknown adversarial loss"):
        gan.compile(loss="nope")


def test_fit_before_compile_says_so():
    gan = tiny_dcgan()
    with pytest.raises(Exception, match="compile"):
        gan.fit(IMAGES, batch_size=8, verbose=0)


def test_default_optimizers_are_the_dcgan_setting():
    gan = tiny_dcgan()
    gan.compile()
    for opt in (gan.d_optimizer, gan.g_optimizer):
        assert float(opt.learning_rate) == pytest.approx(2e-4)
        assert float(opt.beta_1) == pytest.approx(0.5)
    assert gan.d_optimizer is not gan.g_optimizer


def test_load_model_in_a_fresh_process_after_import_kerasgan(tmp_path):
    """`import kerasgan` alone must register the families for keras.saving.load_model."""
    import subprocess
    import sys

    gan = tiny_dcgan()
    gan.compile()
    gan.save(tmp_path / "gan.keras")
    code = (
        "import kerasgan, keras, sys; "
        f"m = keras.saving.load_model({str(tmp_path / 'gan.keras')!r}); "
        "print(type(m).__name__, m.compiled)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["DCGAN", "True"]
