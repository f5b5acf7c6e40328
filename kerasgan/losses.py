"""Adversarial losses and gradient penalties.

Every loss takes raw discriminator outputs ("logits": no sigmoid applied) and
returns scalar losses for the discriminator and for the generator. They are
written with `keras.ops` only, so they run under any Keras backend.

Conventions (all terms are batch means):

| name             | discriminator loss                          | generator loss              |
|------------------|---------------------------------------------|-----------------------------|
| `minimax`        | softplus(-D(x)) + softplus(D(G(z)))         | -softplus(D(G(z)))          |
| `non_saturating` | softplus(-D(x)) + softplus(D(G(z)))         | softplus(-D(G(z)))          |
| `least_squares`  | 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2            | 1/2 (D(G(z)) - 1)^2         |
| `hinge`          | relu(1 - D(x)) + relu(1 + D(G(z)))          | -D(G(z))                    |
| `wasserstein`    | D(G(z)) - D(x)                              | -D(G(z))                    |

softplus(-l) = -log sigmoid(l) and softplus(l) = -log(1 - sigmoid(l)), so the
first two rows are the binary cross-entropies of Goodfellow et al. 2014
written in a numerically stable form.
"""

from keras import ops

__all__ = [
    "AdversarialLoss",
    "Minimax",
    "NonSaturating",
    "LeastSquares",
    "Hinge",
    "Wasserstein",
    "get",
    "gradient_penalty",
    "r1_penalty",
]


class AdversarialLoss:
    """Base class: a discriminator loss, a generator loss and a probability view.

    Subclasses set `name` and implement `discriminator_loss` and
    `generator_loss`. `to_probability` maps raw discriminator outputs to the
    number reported as `d_real` / `d_fake` during training: the sigmoid for
    the cross-entropy losses, the raw score for the least-squares, hinge and
    Wasserstein losses, whose discriminators output no probability.
    """

    name = None

    def discriminator_loss(self, real_logits, fake_logits):
        raise NotImplementedError

    def generator_loss(self, fake_logits):
        raise NotImplementedError

    def to_probability(self, logits):
        """Return D's output as a probability (sigmoid of the logits)."""
        return ops.sigmoid(logits)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Minimax(AdversarialLoss):
    """The original saturating minimax game of Goodfellow et al. 2014.

    G minimises log(1 - D(G(z))). Its gradient vanishes when D confidently
    rejects fakes (early in training), which is why `non_saturating` exists.
    Paper: https://arxiv.org/abs/1406.2661

    Example:
    >>> import numpy as np
    >>> float(Minimax().generator_loss(np.zeros((4, 1), "float32")))  # -log 2
    -0.6931...
    """

    name = "minimax"

    def discriminator_loss(self, real_logits, fake_logits):
        return ops.mean(ops.softplus(-real_logits)) + ops.mean(
            ops.softplus(fake_logits)
        )

    def generator_loss(self, fake_logits):
        # log(1 - sigmoid(l)) = -softplus(l)
        return -ops.mean(ops.softplus(fake_logits))


class NonSaturating(Minimax):
    """The non-saturating game: G maximises log D(G(z)) (Goodfellow et al. 2014, Sec. 3).

    Same fixed point as `Minimax`, but strong gradients when D rejects fakes.

    Example:
    >>> import numpy as np
    >>> float(NonSaturating().generator_loss(np.zeros((4, 1), "float32")))  # log 2
    0.6931...
    """

    name = "non_saturating"

    def generator_loss(self, fake_logits):
        return ops.mean(ops.softplus(-fake_logits))


class LeastSquares(AdversarialLoss):
    """Least-squares GAN loss (Mao et al. 2017) with targets a=0 (fake), b=1 (real), c=1.

    D has no sigmoid; its raw output is regressed onto the targets, so the
    raw output itself is reported as the "probability".
    Paper: https://arxiv.org/abs/1611.04076

    Example:
    >>> import numpy as np
    >>> float(LeastSquares().generator_loss(np.zeros((4, 1), "float32")))
    0.5
    """

    name = "least_squares"

    def discriminator_loss(self, real_logits, fake_logits):
        return 0.5 * ops.mean(ops.square(real_logits - 1.0)) + 0.5 * ops.mean(
            ops.square(fake_logits)
        )

    def generator_loss(self, fake_logits):
        return 0.5 * ops.mean(ops.square(fake_logits - 1.0))

    def to_probability(self, logits):
        return logits


class Hinge(AdversarialLoss):
    """Hinge loss (Lim & Ye 2017; Miyato et al. 2018).

    Paper: https://arxiv.org/abs/1705.02894

    Example:
    >>> import numpy as np
    >>> float(Hinge().discriminator_loss(np.ones((2, 1), "float32"), -np.ones((2, 1), "float32")))
    0.0
    """

    name = "hinge"

    def to_probability(self, logits):
        # A hinge critic's score is not a probability: report the raw score.
        return logits

    def discriminator_loss(self, real_logits, fake_logits):
        return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(
            ops.relu(1.0 + fake_logits)
        )

    def generator_loss(self, fake_logits):
        return -ops.mean(fake_logits)


class Wasserstein(AdversarialLoss):
    """Wasserstein critic loss (Arjovsky et al. 2017); pair it with `gp_weight` (WGAN-GP).

    Paper: https://arxiv.org/abs/1701.07875

    Example:
    >>> import numpy as np
    >>> float(Wasserstein().discriminator_loss(np.full((2, 1), 3.0, "float32"), np.ones((2, 1), "float32")))
    -2.0
    """

    name = "wasserstein"

    def to_probability(self, logits):
        # A critic's score is not a probability: report the raw score, so that
        # d_real - d_fake reads as the critic's Wasserstein estimate.
        return logits

    def discriminator_loss(self, real_logits, fake_logits):
        return ops.mean(fake_logits) - ops.mean(real_logits)

    def generator_loss(self, fake_logits):
        return -ops.mean(fake_logits)


_LOSSES = {
    cls.name: cls for cls in (Minimax, NonSaturating, LeastSquares, Hinge, Wasserstein)
}


def get(identifier):
    """Return an `AdversarialLoss` from a name or an instance.

    Args:
        identifier: str or AdversarialLoss. One of "minimax",
            "non_saturating", "least_squares", "hinge", "wasserstein", or an
            instance (returned unchanged).

    Example:
    >>> get("least_squares")
    LeastSquares()
    """
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower().replace("-", "_")
        if key in _LOSSES:
            return _LOSSES[key]()
    raise ValueError(
        f"Unknown adversarial loss {identifier!r}. "
        f"Use one of {sorted(_LOSSES)} or an AdversarialLoss instance."
    )


def gradient_penalty(gradients, epsilon=1e-12):
    """WGAN-GP penalty mean((||grad||_2 - 1)^2) from per-sample input gradients.

    The norm is sqrt(sum(g^2) + epsilon): without epsilon the derivative of
    the square root is infinite at zero gradient and produces NaN.
    Paper: https://arxiv.org/abs/1704.00028 (Gulrajani et al. 2017)

    Args:
        gradients: tensor (batch, ...). dD/dx at the interpolated points.
        epsilon: float. Added inside the square root.

    Example:
    >>> import numpy as np
    >>> float(gradient_penalty(np.array([[3.0, 4.0]], "float32"), epsilon=0.0))  # (5 - 1)^2
    16.0
    """
    gradients = ops.reshape(gradients, (ops.shape(gradients)[0], -1))
    norm = ops.sqrt(ops.sum(ops.square(gradients), axis=1) + epsilon)
    return ops.mean(ops.square(norm - 1.0))


def r1_penalty(gradients):
    """R1 penalty mean(||dD(x)/dx||^2) on real data (Mescheder et al. 2018).

    The caller multiplies by `r1_weight / 2`, the paper's gamma / 2.
    Paper: https://arxiv.org/abs/1801.04406

    Args:
        gradients: tensor (batch, ...). dD/dx at real images.

    Example:
    >>> import numpy as np
    >>> float(r1_penalty(np.array([[3.0, 4.0]], "float32")))
    25.0
    """
    gradients = ops.reshape(gradients, (ops.shape(gradients)[0], -1))
    return ops.mean(ops.sum(ops.square(gradients), axis=1))


def serialize(loss):
    """Return the registered name of a loss (losses are stored by name)."""
    loss = get(loss)
    if loss.name not in _LOSSES:
        raise ValueError(f"Loss {loss!r} is not registered and cannot be saved.")
    return loss.name

