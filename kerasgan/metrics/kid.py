"""Kernel Inception Distance: an unbiased MMD^2 between feature sets."""

from typing import NamedTuple

import numpy as np

__all__ = ["KID", "KIDResult", "kernel_distance"]


class KIDResult(NamedTuple):
    """KID over random subsets: mean and standard deviation of the MMD^2 estimates."""

    mean: float
    std: float


def _polynomial_kernel(a, b):
    d = a.shape[1]
    return (a @ b.T / d + 1.0) ** 3


def _unbiased_mmd2(x, y):
    """Unbiased MMD^2 of two equally sized samples under the cubic polynomial kernel."""
    m = len(x)
    k_xx = _polynomial_kernel(x, x)
    k_yy = _polynomial_kernel(y, y)
    k_xy = _polynomial_kernel(x, y)
    same = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return same - 2.0 * k_xy.sum() / (m * m)


def kernel_distance(real_features, fake_features, subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance between two feature sets (Binkowski et al. 2018).

    The unbiased estimate of the squared maximum mean discrepancy with the
    kernel k(x, y) = (x.y / d + 1)^3, averaged over `subsets` random subsets
    of `subset_size` vectors drawn without replacement from each set.
    Paper: https://arxiv.org/abs/1801.01401

    Args:
        real_features: array (m, d). Features of real images.
        fake_features: array (n, d). Features of generated images.
        subsets: int. Number of random subsets.
        subset_size: int. Vectors per subset; capped at min(m, n).
        seed: int or None. Seed of the subset draws.

    Returns:
        KIDResult(mean, std) over the subsets (std is 0 for a single subset).

    Example:
    >>> rng = np.random.default_rng(0)
    >>> same = kernel_distance(rng.normal(size=(500, 8)), rng.normal(size=(500, 8)), subsets=10)
    >>> shifted = kernel_distance(rng.normal(size=(500, 8)), rng.normal(1, 1, size=(500, 8)), subsets=10)
    >>> abs(same.mean) < 0.01 < shifted.mean
    True
    """
    real = np.asarray(real_features, dtype=np.float64)
    fake = np.asarray(fake_features, dtype=np.float64)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"Feature sets must be 2-D with the same width, got {real.shape} and {fake.shape}."
        )
    if int(subsets) < 1:
        raise ValueError(f"subsets must be >= 1, got {subsets}.")
    size = min(int(subset_size), len(real), len(fake))
    if size < 2:
        raise ValueError(f"KID needs at least 2 vectors per set, got {len(real)} and {len(fake)}.")
    rng = np.random.default_rng(seed)
    estimates = np.array(
        [
            _unbiased_mmd2(
                real[rng.choice(len(real), size, replace=False)],
                fake[rng.choice(len(fake), size, replace=False)],
            )
            for _ in range(int(subsets))
        ]
    )
    return KIDResult(float(estimates.mean()), float(estimates.std()))


class KID:
    """Kernel Inception Distance between real and generated images.

    Args:
        feature_extractor: None, str or FeatureExtractor. None or "inception"
            uses the standard FID InceptionV3 pool features; "fmnist" the
            small Fashion-MNIST classifier's features.
        subsets: int. Number of random subsets.
        subset_size: int. Images per subset (capped by the smaller set).
        batch_size: int or None. Images per forward pass.
        seed: int or None. Seed of the subset draws.

    Example:
    >>> kid = KID("fmnist", subsets=10, subset_size=100)  # doctest: +SKIP
    >>> kid(real_uint8, gan.generate(1000, seed=0)).mean   # doctest: +SKIP
    """

    def __init__(self, feature_extractor=None, subsets=100, subset_size=1000, batch_size=None, seed=0):
        from kerasgan.metrics.features import get_feature_extractor

        self.feature_extractor = get_feature_extractor(feature_extractor)
        self.subsets = int(subsets)
        self.subset_size = int(subset_size)
        self.batch_size = batch_size
        self.seed = seed

    def __call__(self, real_images, generated_images):
        """Return KIDResult(mean, std) between two image sets (arrays or datasets)."""
        real = self.feature_extractor(real_images, batch_size=self.batch_size)
        fake = self.feature_extractor(generated_images, batch_size=self.batch_size)
        return kernel_distance(real, fake, self.subsets, self.subset_size, self.seed)
