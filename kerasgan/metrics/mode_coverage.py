"""Mode coverage on 2-D Gaussian mixtures, following the PacGAN protocol."""

from typing import NamedTuple

import numpy as np

__all__ = ["ModeCoverage", "mode_coverage"]


class ModeCoverage(NamedTuple):
    """Result of `mode_coverage`: modes captured and the high-quality fraction."""

    modes: int
    high_quality: float


def mode_coverage(samples, modes, std):
    """Count the mixture modes a generator captures (Lin et al. 2018, PacGAN, Sec. 5).

    A sample is high quality when it lies within 3 standard deviations of its
    nearest mode; a mode is captured when at least one high-quality sample
    has it as nearest mode. The protocol draws 2,500 samples.
    Paper: https://arxiv.org/abs/1712.04086

    Args:
        samples: array (n, d). Generated points.
        modes: array (k, d). Mode centres, e.g. `kerasgan.data.ring_modes()`.
        std: float. Standard deviation of each mixture component.

    Returns:
        ModeCoverage(modes, high_quality): the number of modes captured and
        the fraction of high-quality samples.

    Example:
    >>> import kerasgan
    >>> x = kerasgan.data.ring(2500, seed=0)
    >>> kerasgan.metrics.mode_coverage(x, kerasgan.data.ring_modes(), std=0.01).modes
    8
    """
    samples = np.asarray(samples, dtype=np.float64)
    modes = np.asarray(modes, dtype=np.float64)
    if samples.ndim != 2 or modes.ndim != 2 or samples.shape[1] != modes.shape[1]:
        raise ValueError(
            "samples and modes must be 2-D arrays with the same number of columns, "
            f"got {samples.shape} and {modes.shape}."
        )
    if not std > 0:
        raise ValueError(f"std must be > 0, got {std}.")
    if len(samples) == 0:
        return ModeCoverage(0, 0.0)
    distances = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= 3 * std
    return ModeCoverage(int(np.unique(nearest[good]).size), float(good.mean()))
