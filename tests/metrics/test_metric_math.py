"""FID, KID, IS and precision/recall against closed forms and brute force."""

import itertools

import numpy as np
import pytest

from kerasgan.metrics import (
    feature_statistics,
    frechet_distance,
    inception_score,
    kernel_distance,
    precision_recall,
)


def _random_rotation(d, rng):
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


# ----------------------------------------------------------------------------- Frechet distance


def test_frechet_distance_1d_closed_form():
    # (m1 - m2)^2 + (s1 - s2)^2 for N(m1, s1^2), N(m2, s2^2)
    assert frechet_distance([1.0], [[4.0]], [-2.0], [[9.0]]) == pytest.approx(9.0 + 1.0)


def test_frechet_distance_diagonal_and_rotated():
    rng = np.random.default_rng(0)
    d = 16
    a, b = rng.uniform(0.1, 3.0, d), rng.uniform(0.1, 3.0, d)
    mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    assert frechet_distance(mu1, np.diag(a), mu2, np.diag(b)) == pytest.approx(expected, rel=1e-10)
    # The distance is invariant under a common rotation of both Gaussians.
    q = _random_rotation(d, rng)
    rotated = frechet_distance(q @ mu1, q @ np.diag(a) @ q.T, q @ mu2, q @ np.diag(b) @ q.T)
    assert rotated == pytest.approx(expected, rel=1e-8)


def test_frechet_distance_general_covariances_match_eigenvalues_of_product():
    rng = np.random.default_rng(1)
    d = 12
    x, y = rng.normal(size=(d, 2 * d)), rng.normal(size=(d, 2 * d))
    s1, s2 = x @ x.T / d, y @ y.T / d
    # Tr sqrt(S1 S2) = sum of sqrt of the (real, non-negative) eigenvalues of S1 S2.
    tr_sqrt = np.sum(np.sqrt(np.abs(np.linalg.eigvals(s1 @ s2).real)))
    expected = np.trace(s1) + np.trace(s2) - 2 * tr_sqrt
    assert frechet_distance(np.zeros(d), s1, np.zeros(d), s2) == pytest.approx(expected, rel=1e-8)


def test_frechet_distance_of_a_set_with_itself_is_zero_even_when_singular():
    features = np.random.default_rng(2).normal(size=(20, 64))  # n < d: rank-deficient covariance
    stats = feature_statistics(features)
    assert np.linalg.matrix_rank(stats.cov) < 64
    assert frechet_distance(stats.mean, stats.cov, stats.mean, stats.cov) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_bad_shapes():
    with pytest.raises(ValueError, match="same d"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))


def test_feature_statistics_matches_numpy_cov():
    x = np.random.default_rng(3).normal(size=(50, 5))
    stats = feature_statistics(x)
    np.testing.assert_allclose(stats.cov, np.cov(x, rowvar=False))
    assert stats.n == 50


# ----------------------------------------------------------------------------- KID


def _kid_brute_force(x, y):
    d = x.shape[1]
    k = lambda a, b: (np.dot(a, b) / d + 1.0) ** 3  # noqa: E731
    m = len(x)
    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / (m * m)
    return xx + yy - 2 * xy


def test_kid_matches_double_loop():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(15, 6)), rng.normal(0.5, 1.0, size=(15, 6))
    # One subset of the whole set is a permutation of it: the MMD is the full-set estimate.
    result = kernel_distance(x, y, subsets=1, subset_size=100)
    assert result.mean == pytest.approx(_kid_brute_force(x, y), rel=1e-10)
    assert result.std == 0.0


def test_kid_subsets_are_seeded_and_capped():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(40, 4)), rng.normal(1.0, 1.0, size=(30, 4))
    a = kernel_distance(x, y, subsets=5, subset_size=1000, seed=7)
    assert a == kernel_distance(x, y, subsets=5, subset_size=1000, seed=7)
    assert a.mean > 0.1 and a.std > 0
    # Unbiased: two samples of one distribution score ~0 (either sign), far below a shifted one.
    same = kernel_distance(rng.normal(size=(400, 4)), rng.normal(size=(400, 4)), subsets=20, subset_size=200)
    assert abs(same.mean) < 0.05 * a.mean


# ----------------------------------------------------------------------------- Inception Score


def test_inception_score_uniform_classifier_is_one():
    result = inception_score(np.full((100, 7), 1 / 7))
    assert result.mean == pytest.approx(1.0)
    assert result.std == pytest.approx(0.0, abs=1e-12)


def test_inception_score_confident_balanced_classifier_is_number_of_classes():
    labels = np.tile(np.arange(10), 30)  # every split of 30 holds 3 of each class
    result = inception_score(np.eye(10)[labels], splits=10)
    assert result.mean == pytest.approx(10.0)
    assert result.std == pytest.approx(0.0, abs=1e-12)


def test_inception_score_confident_but_collapsed_is_one():
    assert inception_score(np.eye(10)[np.zeros(50, int)], splits=5).mean == pytest.approx(1.0)


def test_inception_score_rejects_logits():
    with pytest.raises(ValueError, match="sum to 1"):
        inception_score(np.random.default_rng(0).normal(size=(20, 3)))


# ----------------------------------------------------------------------------- precision / recall


def _cluster(center, n, rng):
    return center + rng.normal(size=(n, 2))


def test_precision_recall_identical_and_far_sets():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(200, 8))
    assert precision_recall(x, x, k=3) == (1.0, 1.0)
    assert precision_recall(x, x + 1000.0, k=3) == (0.0, 0.0)


def test_precision_recall_half_overlap():
    rng = np.random.default_rng(7)
    a = _cluster(np.array([0.0, 0.0]), 100, rng)
    b = _cluster(np.array([100.0, 0.0]), 100, rng)
    c = _cluster(np.array([200.0, 0.0]), 100, rng)
    real = np.concatenate([a, b])
    fake = np.concatenate([b, c])  # shares cluster b exactly, misses a, adds c
    precision, recall = precision_recall(real, fake, k=3)
    assert precision == pytest.approx(0.5)
    assert recall == pytest.approx(0.5)


def test_precision_recall_low_diversity_generator_has_high_precision_low_recall():
    rng = np.random.default_rng(8)
    real = rng.normal(size=(500, 2))
    fake = 0.1 * rng.normal(size=(500, 2))  # collapsed onto the real mode's centre
    precision, recall = precision_recall(real, fake, k=3)
    assert precision > 0.95
    assert recall < 0.3
