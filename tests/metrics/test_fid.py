"""FID on images: input handling, cached reference statistics, the feature-network plumbing."""

import os

import keras
import numpy as np
import pytest

from kerasgan.metrics import FID, KID, FeatureExtractor, PrecisionRecall, frechet_distance
from kerasgan.metrics import features as features_module
from kerasgan.metrics.features import iter_uint8_batches


class CountingPixels:
    """A feature 'network' that returns the pixels (8x8 gray -> 64-d) and counts its calls."""

    def __init__(self):
        self.images_seen = 0

    def __call__(self, x):
        self.images_seen += int(x.shape[0])
        return keras.ops.reshape(x, (x.shape[0], -1))


def pixel_extractor(**kwargs):
    return FeatureExtractor(CountingPixels(), name="pixels", image_size=(8, 8), channels=1, **kwargs)


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(60, 8, 8, 1), dtype=np.uint8)


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_a_shift(images):
    fid = FID(pixel_extractor())
    assert fid(images, images) == pytest.approx(0.0, abs=1e-6)
    brighter = np.clip(images.astype(int) + 40, 0, 255).astype(np.uint8)
    assert fid(images, brighter) > 1.0


def test_uint8_and_float_inputs_give_the_same_features(images):
    extractor = pixel_extractor()
    as_float = images.astype(np.float32) / 127.5 - 1.0
    np.testing.assert_array_equal(extractor(images), extractor(as_float))
    np.testing.assert_array_equal(extractor(images), extractor(images[..., 0]))  # (n, h, w) works too


def test_fid_matches_frechet_distance_of_pixel_statistics(images):
    other = np.random.default_rng(1).integers(0, 128, size=(50, 8, 8, 1), dtype=np.uint8)
    scaled = lambda x: x.reshape(len(x), -1) / 127.5 - 1.0  # noqa: E731  (value_range (-1, 1))
    a, b = scaled(images.astype(np.float64)), scaled(other.astype(np.float64))
    expected = frechet_distance(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    assert FID(pixel_extractor())(images, other) == pytest.approx(expected, rel=1e-5)


def test_datasets_batched_unbatched_and_labelled(images):
    import tensorflow as tf

    fid = FID(pixel_extractor())
    reference = fid.features(images)
    unbatched = tf.data.Dataset.from_tensor_slices(images)
    labelled = tf.data.Dataset.from_tensor_slices((images, np.zeros(len(images)))).batch(7)
    floats = tf.data.Dataset.from_tensor_slices(images.astype(np.float32) / 127.5 - 1).batch(13)
    for dataset in (unbatched, labelled, floats):
        np.testing.assert_allclose(fid.features(dataset), reference, atol=1e-6)


def test_bad_inputs_raise_clear_errors(images):
    extractor = pixel_extractor()
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        extractor(images.astype(np.float32))  # floats in [0, 255]
    with pytest.raises(ValueError, match="channels last"):
        extractor(np.zeros((2, 1, 8, 8), np.uint8))
    with pytest.raises(ValueError, match="No images"):
        extractor(np.zeros((0, 8, 8, 1), np.uint8))


def test_iter_uint8_batches_rebatches_across_input_batches():
    batches = [np.zeros((3, 4, 4, 1), np.uint8), np.zeros((4, 4, 4, 1), np.uint8)]
    assert [len(b) for b in iter_uint8_batches(iter(batches), 5)] == [5, 2]


def test_keras_feature_extraction_is_batch_size_independent(images):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((12, 12, 3)), keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.GlobalAveragePooling2D()]
    )
    extractor = FeatureExtractor(model, name="tiny", image_size=(12, 12), channels=3)
    reference = extractor(images, batch_size=60)
    assert reference.shape == (60, 4)
    for batch_size in (1, 7, 16):
        np.testing.assert_allclose(extractor(images, batch_size=batch_size), reference, rtol=1e-5, atol=1e-6)


def test_preprocessing_resizes_and_repeats_gray_channels():
    seen = {}

    def record(x):
        seen["x"] = keras.ops.convert_to_numpy(x)
        return keras.ops.reshape(x, (x.shape[0], -1))

    extractor = FeatureExtractor(record, name="rec", image_size=(16, 16), channels=3, value_range=(-1.0, 0.9921875))
    extractor(np.full((2, 4, 4, 1), 128, np.uint8))
    assert seen["x"].shape == (2, 16, 16, 3)
    np.testing.assert_allclose(seen["x"], 0.0, atol=1e-6)  # (128 - 128) / 128, as the FID graph scales


def test_reference_statistics_are_cached_and_reused(images, tmp_path):
    extractor = pixel_extractor(batch_size=100)  # one unpadded batch: images_seen counts images
    fid = FID(extractor, cache_dir=tmp_path)
    stats = fid.reference_statistics(images, key="toy-test")
    path = fid.statistics_path("toy-test")
    assert os.path.isfile(path) and path.startswith(str(tmp_path))
    assert extractor.model.images_seen == 60

    shuffled = images[np.random.default_rng(0).permutation(len(images))]
    again = fid.reference_statistics(shuffled, key="toy-test")  # same images: no forward pass
    assert extractor.model.images_seen == 60
    np.testing.assert_array_equal(again.mean, stats.mean)

    loaded = FID(pixel_extractor(), cache_dir=tmp_path).reference_statistics(key="toy-test")
    np.testing.assert_array_equal(loaded.cov, stats.cov)
    assert loaded.n == 60
    assert fid("toy-test", images) == pytest.approx(0.0, abs=1e-6)  # a key stands for the real set

    with pytest.warns(UserWarning, match="other images"):
        changed = fid.reference_statistics(images[:30], key="toy-test")
    assert changed.n == 30 and extractor.model.images_seen == 60 + 60 + 30  # ref, fid() above, recompute


def test_missing_reference_statistics_say_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"reference_statistics\(real_images, key='nothing'\)"):
        FID(pixel_extractor(), cache_dir=tmp_path)("nothing", np.zeros((4, 8, 8, 1), np.uint8))
    with pytest.raises(ValueError, match="key must be"):
        FID(pixel_extractor(), cache_dir=tmp_path).statistics_path("../escape")


def test_fid_accepts_precomputed_statistics(images):
    fid = FID(pixel_extractor())
    stats = fid.statistics(images)
    assert fid((stats.mean, stats.cov), images) == pytest.approx(0.0, abs=1e-6)


def test_kid_and_precision_recall_on_images(images):
    kid = KID(pixel_extractor(), subsets=5, subset_size=30)
    assert abs(kid(images[:30], images[30:]).mean) < kid(images, images // 4).mean
    pr = PrecisionRecall(pixel_extractor(), k=3)
    assert pr(images, images) == (1.0, 1.0)


def test_default_fid_without_weights_says_how_to_convert(tmp_path, monkeypatch):
    from kerasgan.hub import WeightsUnavailableError
    from kerasgan.metrics import inception

    monkeypatch.setenv("KERASGAN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(inception.WEIGHTS_ENV, raising=False)
    monkeypatch.setattr(features_module, "_BUILT", {})
    with pytest.raises(WeightsUnavailableError, match="convert_fid_inception.py") as info:
        FID()
    assert str(tmp_path / "fid_inception" / inception.WEIGHTS_FILE) in str(info.value)


def test_damaged_local_inception_weights_are_refused(tmp_path, monkeypatch):
    from kerasgan.metrics import inception

    monkeypatch.setenv("KERASGAN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(inception.WEIGHTS_ENV, raising=False)
    target = tmp_path / "fid_inception" / inception.WEIGHTS_FILE
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the weights")
    with pytest.raises(inception.FIDWeightsUnavailableError, match="different or damaged"):
        inception.fid_inception_weights()


def test_weights_named_by_the_environment_must_match_the_pinned_sha256(tmp_path, monkeypatch):
    from kerasgan.hub import IntegrityError
    from kerasgan.metrics import inception

    other = tmp_path / "other.safetensors"
    other.write_bytes(b"\0" * 16)
    monkeypatch.setenv(inception.WEIGHTS_ENV, str(other))
    with pytest.raises(IntegrityError, match="sha256 mismatch"):
        inception.fid_inception_weights()


def test_inception_weights_come_from_the_pinned_hub_revision(hf_env, tmp_path, monkeypatch):
    """With WEIGHTS_REVISION pinned, the weights are fetched from the Hub, sha256-checked and reused."""
    import hashlib
    from pathlib import Path

    from kerasgan import hub
    from kerasgan.metrics import inception

    payload = b"stand-in for the converted FID weights" * 50
    folder = tmp_path / "publish"
    folder.mkdir()
    (folder / inception.WEIGHTS_FILE).write_bytes(payload)
    commit = hub.upload_folder_pinned(folder, "kerasgan-test/fid-inception-v3")
    monkeypatch.setattr(inception, "WEIGHTS_REPO", "kerasgan-test/fid-inception-v3")
    monkeypatch.setattr(inception, "WEIGHTS_REVISION", commit)
    monkeypatch.setattr(inception, "WEIGHTS_SHA256", hashlib.sha256(payload).hexdigest())
    monkeypatch.setenv("KERASGAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(inception.WEIGHTS_ENV, raising=False)

    path = Path(inception.fid_inception_weights())
    assert path.read_bytes() == payload
    requests = len(hf_env.server.requests)
    assert Path(inception.fid_inception_weights()) == path and len(hf_env.server.requests) == requests
    path.write_bytes(b"damaged")  # a damaged copy is replaced by a fresh, verified download
    assert Path(inception.fid_inception_weights()).read_bytes() == payload
