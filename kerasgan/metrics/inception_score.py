"""Inception Score: exp(E_x KL(p(y|x) || p(y))) from a classifier's class probabilities."""

from typing import NamedTuple

import numpy as np

__all__ = ["InceptionScore", "ISResult", "inception_score"]


class ISResult(NamedTuple):
    """Inception Score over splits: mean and standard deviation."""

    mean: float
    std: float


def inception_score(probabilities, splits=10):
    """Inception Score of class probabilities (Salimans et al. 2016).

    The samples are cut into `splits` consecutive chunks; each chunk scores
    exp(mean_i KL(p(y|x_i) || p(y))) with p(y) the chunk's mean prediction.
    A classifier that is confident on every sample and spreads its answers
    evenly over K classes scores K; a uniform classifier scores 1.
    Paper: https://arxiv.org/abs/1606.03498

    Args:
        probabilities: array (n, classes). Rows are probability vectors.
        splits: int. Number of chunks (the paper uses 10 over 50,000 samples).

    Returns:
        ISResult(mean, std) over the splits.

    Example:
    >>> round(inception_score(np.eye(10)[np.tile(np.arange(10), 10)]).mean, 6)
    10.0
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(f"probabilities must be 2-D (n, classes), got shape {p.shape}.")
    if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("Each row of probabilities must be non-negative and sum to 1 (pass softmax outputs).")
    splits = int(splits)
    if not 1 <= splits <= len(p):
        raise ValueError(f"splits must be in [1, {len(p)}] for {len(p)} samples, got {splits}.")
    scores = []
    for chunk in np.array_split(p, splits):
        marginal = chunk.mean(axis=0, keepdims=True)
        # 0 log 0 = 0: mask the zero entries instead of adding an eps that biases one-hot inputs.
        ratio = np.where(chunk > 0, chunk / np.where(marginal > 0, marginal, 1.0), 1.0)
        kl = np.sum(chunk * np.log(ratio), axis=1)
        scores.append(np.exp(kl.mean()))
    scores = np.array(scores)
    return ISResult(float(scores.mean()), float(scores.std()))


class InceptionScore:
    """Inception Score of generated images under a classifier.

    The standard Inception Score uses the 1008-way classifier head of the TF
    2015 Inception graph; the FID feature network kerasgan ships has no
    classifier head, so the default here is the domain score from the small
    Fashion-MNIST classifier ("fmnist", K = 10, maximum 10). Any callable or
    `FeatureExtractor` that returns class probabilities works.

    Args:
        classifier: str, FeatureExtractor or callable. "fmnist" for the
            bundled Fashion-MNIST classifier, or something mapping images to
            probabilities of shape (n, classes).
        splits: int. Number of chunks.
        batch_size: int or None. Images per forward pass.

    Example:
    >>> InceptionScore("fmnist")(gan.generate(10000, seed=0))  # doctest: +SKIP
    ISResult(mean=8.1, std=0.1)
    """

    def __init__(self, classifier="fmnist", splits=10, batch_size=None):
        from kerasgan.metrics.features import get_classifier

        self.classifier = get_classifier(classifier)
        self.splits = int(splits)
        self.batch_size = batch_size

    def __call__(self, images):
        """Return ISResult(mean, std) of an image set (array or dataset)."""
        return inception_score(self.classifier(images, batch_size=self.batch_size), self.splits)
