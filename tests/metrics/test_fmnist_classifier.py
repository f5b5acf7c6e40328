"""The bundled Fashion-MNIST classifier: shipped weights, accuracy, FID-FMNIST and the domain IS."""

import numpy as np
import pytest

from kerasgan.hub import sha256_file
from kerasgan.metrics import FID, InceptionScore
from kerasgan.metrics import fmnist_classifier as clf
from kerasgan.metrics.features import get_feature_extractor


@pytest.fixture(scope="module")
def test_set():
    from kerasgan.data import DatasetUnavailableError, load_arrays

    try:
        return load_arrays("fashion_mnist", "test")
    except DatasetUnavailableError as error:
        pytest.skip(f"Fashion-MNIST is not installed: {error}")


def test_shipped_weights_are_small_and_pinned():
    assert clf.WEIGHTS_PATH.is_file()
    assert clf.WEIGHTS_PATH.stat().st_size < 2_000_000
    assert sha256_file(clf.WEIGHTS_PATH) == clf.WEIGHTS_SHA256


def test_test_accuracy_is_at_least_90_percent(test_set):
    images, labels = test_set
    probabilities = get_feature_extractor("fmnist-probabilities")(images[:3000])
    assert probabilities.shape == (3000, 10)
    accuracy = np.mean(probabilities.argmax(1) == labels[:3000])
    assert accuracy >= 0.90, accuracy


def test_fid_fmnist_separates_real_from_shifted_and_collapsed(test_set):
    images, labels = test_set
    fid = FID("fmnist")
    a, b = images[:1000], images[1000:2000]
    real_vs_real = fid(a, b)
    one_class = images[2000:][labels[2000:] == 7][:1000]  # a generator stuck on sneakers
    noisy = np.clip(b.astype(int) + np.random.default_rng(0).integers(-80, 80, b.shape), 0, 255).astype(np.uint8)
    assert real_vs_real < 0.1 * fid(a, one_class)
    assert real_vs_real < 0.1 * fid(a, noisy)


def test_domain_inception_score(test_set):
    images, labels = test_set
    score = InceptionScore("fmnist", splits=5)
    assert score(images[:1000]).mean > 7.0  # confident and balanced: close to the maximum of 10
    assert score(images[labels == 1][:200]).mean < 1.5  # one class only


def test_features_are_batch_size_independent_and_rgb_is_read_as_luma(test_set):
    images, _ = test_set
    extractor = get_feature_extractor("fmnist")
    reference = extractor(images[:64], batch_size=64)
    assert reference.shape == (64, 128)
    np.testing.assert_allclose(extractor(images[:64], batch_size=5), reference, rtol=1e-4, atol=1e-4)
    rgb = np.repeat(images[:64], 3, axis=-1)  # gray as RGB: luma weights sum to 1
    np.testing.assert_allclose(extractor(rgb, batch_size=64), reference, rtol=1e-4, atol=1e-3)
