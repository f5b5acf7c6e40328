"""Each adversarial loss against values computed by hand from fixed logits."""

import doctest
import math

import numpy as np
import pytest

from kerasgan import losses

REAL = [2.0, -1.0, 0.5]
FAKE = [0.5, -3.0, 1.5]


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def mean(values):
    return sum(values) / len(values)


def as_logits(values):
    return np.array(values, "float32").reshape(-1, 1)


def evaluate(name):
    loss = losses.get(name)
    d = float(loss.discriminator_loss(as_logits(REAL), as_logits(FAKE)))
    g = float(loss.generator_loss(as_logits(FAKE)))
    return d, g


# The paper's formulas, written with probabilities rather than softplus.
D_CROSS_ENTROPY = mean([-math.log(sigmoid(r)) for r in REAL]) + mean(
    [-math.log(1 - sigmoid(f)) for f in FAKE]
)

EXPECTED = {
    "minimax": (D_CROSS_ENTROPY, mean([math.log(1 - sigmoid(f)) for f in FAKE])),
    "non_saturating": (D_CROSS_ENTROPY, mean([-math.log(sigmoid(f)) for f in FAKE])),
    "least_squares": (
        0.5 * mean([(r - 1) ** 2 for r in REAL]) + 0.5 * mean([f**2 for f in FAKE]),
        0.5 * mean([(f - 1) ** 2 for f in FAKE]),
    ),
    "hinge": (
        mean([max(0.0, 1 - r) for r in REAL]) + mean([max(0.0, 1 + f) for f in FAKE]),
        -mean(FAKE),
    ),
    "wasserstein": (mean(FAKE) - mean(REAL), -mean(FAKE)),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loss_matches_hand_computed_value(name):
    d, g = evaluate(name)
    expected_d, expected_g = EXPECTED[name]
    assert d == pytest.approx(expected_d, rel=1e-5)
    assert g == pytest.approx(expected_g, rel=1e-5)


def test_hand_values_spot_check():
    # One value worked through on paper: hinge D loss
    # real: relu(1-2)=0, relu(1+1)=2, relu(0.5)=0.5 -> mean 2.5/3
    # fake: relu(1.5)=1.5, relu(-2)=0, relu(2.5)=2.5 -> mean 4/3
    d, _ = evaluate("hinge")
    assert d == pytest.approx(6.5 / 3, rel=1e-6)


def test_minimax_saturates_where_non_saturating_does_not():
    # When D confidently rejects a fake (logit -10), the minimax generator
    # loss is flat (gradient ~ sigmoid(-10)) while the non-saturating one is steep.
    import tensorflow as tf

    logits = tf.Variable([[-10.0]])
    grads = {}
    for name in ("minimax", "non_saturating"):
        with tf.GradientTape() as tape:
            value = losses.get(name).generator_loss(logits)
        grads[name] = abs(float(tape.gradient(value, logits)[0, 0]))
    assert grads["minimax"] < 1e-4
    assert grads["non_saturating"] > 0.99


def test_gradient_penalty_and_r1_by_hand():
    grads = np.array([[3.0, 4.0], [0.0, 0.0]], "float32")
    # norms 5 and sqrt(eps); penalty mean((5-1)^2, (0-1)^2) = 8.5
    assert float(losses.gradient_penalty(grads, epsilon=0.0)) == pytest.approx(8.5)
    assert float(losses.r1_penalty(grads)) == pytest.approx(12.5)


def test_gradient_penalty_has_finite_gradient_at_zero():
    import tensorflow as tf

    g = tf.Variable(np.zeros((2, 3), "float32"))
    with tf.GradientTape() as tape:
        value = losses.gradient_penalty(g)
    assert np.all(np.isfinite(tape.gradient(value, g).numpy()))


def test_get_rejects_unknown_names_with_the_choices():
    with pytest.raises(ValueError, match="least_squares"):
        losses.get("least-square")
    assert losses.get("least-squares").name == "least_squares"


def test_docstring_examples_run():
    result = doctest.testmod(losses, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_reported_probabilities():
    logits = as_logits([0.0, 3.0])
    assert np.allclose(losses.get("non_saturating").to_probability(logits), [[0.5], [sigmoid(3.0)]])
    for name in ("least_squares", "hinge", "wasserstein"):
        assert np.allclose(losses.get(name).to_probability(logits), logits)
