"""Improved precision and recall: k-NN manifolds in feature space."""

from typing import NamedTuple

import numpy as np

__all__ = ["PrecisionRecall", "PRResult", "precision_recall"]

_BLOCK = 1024  # rows of the distance matrix held in memory at a time


class PRResult(NamedTuple):
    """Precision (fidelity of generated samples) and recall (coverage of the real data)."""

    precision: float
    recall: float


def _squared_distances(a, b, b_norms):
    a_norms = np.einsum("ij,ij->i", a, a)
    d = a_norms[:, None] + b_norms[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d, 0.0)


def _knn_radii(features, k):
    """Squared distance from each row to its k-th nearest other row."""
    norms = np.einsum("ij,ij->i", features, features)
    radii = np.empty(len(features), dtype=np.float64)
    for start in range(0, len(features), _BLOCK):
        d = _squared_distances(features[start : start + _BLOCK], features, norms)
        # Index 0 of the sorted row is the point itself (distance 0), so the
        # k-th neighbour sits at index k.
        radii[start : start + _BLOCK] = np.partition(d, k, axis=1)[:, k]
    return radii


def _inside_manifold(queries, support, radii):
    """Fraction of queries within radius of at least one support point."""
    norms = np.einsum("ij,ij->i", support, support)
    inside = 0
    for start in range(0, len(queries), _BLOCK):
        d = _squared_distances(queries[start : start + _BLOCK], support, norms)
        inside += int(np.any(d <= radii[None, :], axis=1).sum())
    return inside / len(queries)


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall of generated features (Kynkaanniemi et al. 2019).

    Each set's manifold is the union of balls around its points whose radius
    is the distance to the point's k-th nearest neighbour in the same set.
    Precision is the fraction of generated points inside the real manifold;
    recall the fraction of real points inside the generated manifold.
    Paper: https://arxiv.org/abs/1904.06991

    Args:
        real_features: array (m, d). Features of real images, m > k.
        fake_features: array (n, d). Features of generated images, n > k.
        k: int. Neighbourhood size (the paper uses 3).

    Returns:
        PRResult(precision, recall), each in [0, 1].

    Example:
    >>> x = np.random.default_rng(0).normal(size=(100, 4))
    >>> precision_recall(x, x)
    PRResult(precision=1.0, recall=1.0)
    """
    real = np.asarray(real_features, dtype=np.float32)
    fake = np.asarray(fake_features, dtype=np.float32)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"Feature sets must be 2-D with the same width, got {real.shape} and {fake.shape}."
        )
    k = int(k)
    if k < 1 or len(real) <= k or len(fake) <= k:
        raise ValueError(f"Need k >= 1 and more than k vectors per set, got k={k}, {len(real)} and {len(fake)}.")
    precision = _inside_manifold(fake, real, _knn_radii(real, k))
    recall = _inside_manifold(real, fake, _knn_radii(fake, k))
    return PRResult(float(precision), float(recall))


class PrecisionRecall:
    """Improved precision and recall between real and generated images.

    Args:
        feature_extractor: None, str or FeatureExtractor. None or "inception"
            uses the FID InceptionV3 pool features (the paper used VGG-16
            fc2; Inception features are the common substitute), "fmnist" the
            Fashion-MNIST classifier's features.
        k: int. Neighbourhood size.
        batch_size: int or None. Images per forward pass.

    Example:
    >>> PrecisionRecall("fmnist")(real_uint8, gan.generate(10000, seed=0))  # doctest: +SKIP
    PRResult(precision=0.71, recall=0.42)
    """

    def __init__(self, feature_extractor=None, k=3, batch_size=None):
        from kerasgan.metrics.features import get_feature_extractor

        self.feature_extractor = get_feature_extractor(feature_extractor)
        self.k = int(k)
        self.batch_size = batch_size

    def __call__(self, real_images, generated_images):
        """Return PRResult(precision, recall) between two image sets."""
        real = self.feature_extractor(real_images, batch_size=self.batch_size)
        fake = self.feature_extractor(generated_images, batch_size=self.batch_size)
        return precision_recall(real, fake, self.k)
