"""The Frechet distance between two Gaussians, and feature statistics (mean, covariance)."""

from typing import NamedTuple

import numpy as np

__all__ = ["FeatureStatistics", "frechet_distance", "feature_statistics"]


class FeatureStatistics(NamedTuple):
    """Mean and covariance of a set of feature vectors, and how many there were."""

    mean: np.ndarray
    cov: np.ndarray
    n: int


def feature_statistics(features):
    """Return the mean and the unbiased (n - 1) covariance of feature vectors.

    Args:
        features: array (n, d). One feature vector per row, n >= 2.

    Returns:
        FeatureStatistics(mean (d,), cov (d, d), n), in float64.

    Example:
    >>> feature_statistics(np.array([[0.0, 0.0], [2.0, 2.0]])).cov.tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2:
        raise ValueError(f"features must be a 2-D array (n, d), got shape {features.shape}.")
    if len(features) < 2:
        raise ValueError(f"Need at least 2 feature vectors for a covariance, got {len(features)}.")
    mean = features.mean(axis=0)
    centred = features - mean
    cov = centred.T @ centred / (len(features) - 1)
    return FeatureStatistics(mean, cov, len(features))


def _psd_sqrt(matrix):
    """Symmetric square root of a symmetric positive semi-definite matrix."""
    values, vectors = np.linalg.eigh(matrix)
    # Round-off leaves tiny negative eigenvalues on singular covariances.
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def _trace_sqrt_product(sigma1, sigma2):
    """Tr((sigma1 sigma2)^(1/2)) for symmetric PSD matrices, without a general sqrtm.

    sigma1 sigma2 is similar to A = sigma1^(1/2) sigma2 sigma1^(1/2), which is
    symmetric PSD, so the trace of the square root is the sum of the square
    roots of A's eigenvalues. Two symmetric eigendecompositions are accurate
    even when the covariances are singular (fewer samples than dimensions),
    where the Schur-based sqrtm of the product needs an eps offset.
    """
    root1 = _psd_sqrt(sigma1)
    inner = root1 @ sigma2 @ root1
    inner = (inner + inner.T) / 2
    values = np.linalg.eigvalsh(inner)
    return float(np.sqrt(np.clip(values, 0.0, None)).sum())


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Frechet (2-Wasserstein squared) distance between N(mu1, sigma1) and N(mu2, sigma2).

    d^2 = |mu1 - mu2|^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2)), the
    quantity FID reports on Inception features (Heusel et al. 2017).
    Paper: https://arxiv.org/abs/1706.08500

    Args:
        mu1: array (d,). Mean of the first Gaussian.
        sigma1: array (d, d). Covariance of the first Gaussian (symmetric PSD).
        mu2: array (d,). Mean of the second Gaussian.
        sigma2: array (d, d). Covariance of the second Gaussian.

    Returns:
        float >= 0 (round-off below zero is clipped to 0).

    Example:
    >>> frechet_distance([0.0], [[1.0]], [3.0], [[4.0]])  # 3^2 + (1 - 2)^2
    10.0
    """
    mu1 = np.atleast_1d(np.asarray(mu1, dtype=np.float64))
    mu2 = np.atleast_1d(np.asarray(mu2, dtype=np.float64))
    sigma1 = np.atleast_2d(np.asarray(sigma1, dtype=np.float64))
    sigma2 = np.atleast_2d(np.asarray(sigma2, dtype=np.float64))
    d = mu1.shape[0]
    if mu1.shape != (d,) or mu2.shape != (d,) or sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError(
            "Expected means of shape (d,) and covariances of shape (d, d) with the same d, got "
            f"{mu1.shape}, {sigma1.shape}, {mu2.shape}, {sigma2.shape}."
        )
    if not (np.all(np.isfinite(sigma1)) and np.all(np.isfinite(sigma2))):
        raise ValueError("Covariances contain NaN or inf (did the features blow up?).")
    sigma1 = (sigma1 + sigma1.T) / 2
    sigma2 = (sigma2 + sigma2.T) / 2
    diff = mu1 - mu2
    value = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * _trace_sqrt_product(sigma1, sigma2)
    return max(float(value), 0.0)
