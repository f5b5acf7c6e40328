"""evaluate(), format_table() and the FIDMonitor callback, on tiny images and a pixel feature network."""

import keras
import numpy as np
import pytest

from kerasgan.metrics import FeatureExtractor
from kerasgan.metrics.evaluation import evaluate, format_table, generate_images
from kerasgan.metrics.monitor import FIDMonitor


def pixels(size=8):
    flatten = lambda x: keras.ops.reshape(x, (x.shape[0], -1))  # noqa: E731
    return FeatureExtractor(flatten, name=f"pixels{size}", image_size=(size, size), channels=1)


@pytest.fixture
def real():
    return np.random.default_rng(0).integers(0, 256, size=(80, 8, 8, 1), dtype=np.uint8)


def test_evaluate_scores_a_copy_of_the_data_as_perfect_and_noise_as_bad(real, tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE_DIR", str(tmp_path))
    kwargs = dict(metrics=("fid", "kid", "pr"), n=80, features=pixels(), kid_subsets=5, kid_subset_size=40)
    same = evaluate(real, real, **kwargs)
    assert same["fid"] == pytest.approx(0.0, abs=1e-6)
    assert (same["precision"], same["recall"]) == (1.0, 1.0)
    dark = evaluate(real // 8, real, **kwargs)
    assert dark["fid"] > 1.0 and dark["kid"] > 10 * abs(same["kid"])
    assert dark["precision"] < 0.5
    assert same["n_generated"] == same["n_real"] == 80 and same["features"] == "pixels8"
    table = format_table(dark)
    assert "FID" in table and "KID" in table and "+-" in table and "80 generated vs 80 real" in table


def test_evaluate_rejects_unknown_metrics(real):
    with pytest.raises(ValueError, match="Unknown metrics"):
        evaluate(real, real, metrics=("fid", "lpips"), features=pixels())


def test_generate_images_from_a_generator_model_is_seeded():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="tanh"),
                                  keras.layers.Reshape((4, 4, 1))])
    a = generate_images(generator, 10, seed=3, batch_size=4)
    assert a.shape == (10, 4, 4, 1) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, generate_images(generator, 10, seed=3, batch_size=7))
    assert not np.array_equal(a, generate_images(generator, 10, seed=4))


def test_fid_monitor_logs_fid_and_keeps_the_best_checkpoint(tmp_path):
    import kerasgan

    keras.utils.set_random_seed(0)
    real = np.random.default_rng(1).integers(0, 256, size=(32, 16, 16, 1), dtype=np.uint8)  # one step per epoch
    gan = kerasgan.models.DCGAN(image_shape=(16, 16, 1), latent_dim=4, filters=4, upsampling="resize")
    gan.compile()
    checkpoint = tmp_path / "best.weights.h5"
    monitor = FIDMonitor(every=1, data=real, n=32, features=pixels(16), checkpoint=checkpoint, verbose=0)
    history = gan.fit(kerasgan.data.load(real, batch_size=32), epochs=2, callbacks=[monitor], verbose=0)
    assert [epoch for epoch, _ in monitor.history] == [1, 2]
    assert history.history["fid"] == [value for _, value in monitor.history]
    assert monitor.best == min(history.history["fid"]) and monitor.best_epoch in (1, 2)
    assert checkpoint.is_file()


def test_public_names_are_the_functions_not_modules():
    import kerasgan.metrics as metrics
    import kerasgan.metrics.evaluation  # noqa: F401  (importing a submodule must not shadow a name)

    assert callable(metrics.evaluate) and metrics.evaluate is evaluate
    assert callable(metrics.inception_score) and callable(metrics.precision_recall)
    assert metrics.FIDMonitor is FIDMonitor
