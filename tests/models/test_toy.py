import numpy as np
import pytest

import kerasgan
from kerasgan.models import GaussianGAN


def test_linear_generator_learns_n_500_25():
    """G(z) = w z + b must find b = 500 and |w| = 5 (the 1-D toy)."""
    x = kerasgan.data.gaussian_1d(20_000, loc=500.0, scale=5.0, seed=0)
    gan = GaussianGAN(input_mean=float(x.mean()), input_std=float(x.std()), seed=0)
    gan.compile()
    w, b = gan.generator_parameters()
    assert (w, b) == (1.0, 0.0)  # starts far from the answer
    gan.fit(x, batch_size=256, epochs=25, verbose=0)
    w, b = gan.generator_parameters()
    assert abs(b - 500.0) < 1.0
    assert abs(abs(w) - 5.0) < 0.5


def test_rejects_non_positive_std():
    with pytest.raises(ValueError, match="input_std"):
        GaussianGAN(input_std=0.0)
