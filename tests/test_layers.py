import numpy as np
import pytest

import keras

from kerasgan.layers import BatchNormalization, upsample


def paired_layers(x):
    ours, reference = BatchNormalization(momentum=0.9), keras.layers.BatchNormalization(momentum=0.9)
    for layer in (ours, reference):
        layer.build(x.shape)
    rng = np.random.default_rng(1)
    weights = [rng.normal(1, 0.1, 5), rng.normal(0, 0.1, 5), rng.normal(0, 0.1, 5), rng.uniform(0.5, 2, 5)]
    ours.set_weights(weights)
    reference.set_weights(weights)
    return ours, reference


def test_fused_batch_norm_matches_keras_in_both_modes():
    x = np.random.default_rng(0).normal(2.0, 3.0, (4, 6, 6, 5)).astype("float32")
    ours, reference = paired_layers(x)
    np.testing.assert_allclose(ours(x, training=False), reference(x, training=False), atol=1e-5)
    np.testing.assert_allclose(ours(x, training=True), reference(x, training=True), atol=1e-4)
    np.testing.assert_allclose(ours.moving_mean.numpy(), reference.moving_mean.numpy(), rtol=1e-5)
    # The fused kernel updates the moving variance with the unbiased batch variance.
    n = 4 * 6 * 6
    batch_var = x.reshape(-1, 5).var(axis=0)
    ours_var = ours.moving_variance.numpy()
    ref_var = reference.moving_variance.numpy()
    np.testing.assert_allclose(ours_var - ref_var, 0.1 * batch_var * (n / (n - 1) - 1), rtol=1e-3, atol=1e-6)


def test_fused_batch_norm_gradients_match_keras():
    import tensorflow as tf

    x = tf.constant(np.random.default_rng(2).normal(size=(3, 4, 4, 5)).astype("float32"))
    ours, reference = paired_layers(x)
    grads = []
    for layer in (ours, reference):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(y * tf.range(5, dtype=tf.float32))
        grads.append(tape.gradient(loss, [x, layer.gamma, layer.beta]))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-4)


def test_other_ranks_fall_back_to_keras():
    x = np.random.default_rng(3).normal(size=(8, 5)).astype("float32")
    ours, reference = BatchNormalization(), keras.layers.BatchNormalization()
    np.testing.assert_allclose(ours(x, training=True), reference(x, training=True), atol=1e-6)


def test_round_trips_through_keras_serialisation():
    layer = BatchNormalization(momentum=0.8, epsilon=1e-4)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(clone) is BatchNormalization and clone.momentum == pytest.approx(0.8)


def test_upsample_rejects_unknown_modes():
    with pytest.raises(ValueError, match="transposed"):
        upsample(4, "bicubic")
