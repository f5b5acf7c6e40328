import numpy as np
import pytest

from kerasgan.metrics import mode_coverage


def test_mode_coverage_by_hand():
    modes = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    samples = np.array(
        [
            [0.1, 0.0],   # mode 0, within 3 * 0.1
            [0.0, 0.29],  # mode 0
            [10.0, 0.5],  # nearest mode 1 but 0.5 > 0.3: low quality
            [5.0, 5.0],   # far from everything
        ]
    )
    result = mode_coverage(samples, modes, std=0.1)
    assert result.modes == 1
    assert result.high_quality == pytest.approx(0.5)
    captured, quality = result  # unpacks like a tuple
    assert captured == 1


def test_collapsed_generator_captures_one_mode_of_the_ring():
    angles = 2 * np.pi * np.arange(8) / 8
    modes = np.stack([np.cos(angles), np.sin(angles)], 1)
    rng = np.random.default_rng(0)
    collapsed = modes[3] + 0.01 * rng.standard_normal((2500, 2))
    everywhere = modes[rng.integers(0, 8, 2500)] + 0.01 * rng.standard_normal((2500, 2))
    assert mode_coverage(collapsed, modes, 0.01).modes == 1
    full = mode_coverage(everywhere, modes, 0.01)
    assert full.modes == 8
    # In 2-D, P(|N(0, s^2 I)| <= 3 s) = 1 - exp(-9/2) = 0.9889.
    assert full.high_quality == pytest.approx(1 - np.exp(-4.5), abs=0.01)


def test_bad_input():
    with pytest.raises(ValueError, match="columns"):
        mode_coverage(np.zeros((3, 2)), np.zeros((2, 3)), 0.1)
    with pytest.raises(ValueError, match="std"):
        mode_coverage(np.zeros((3, 2)), np.zeros((2, 2)), 0.0)
