"""Experimental variants used by throughput.py's extra rows (measurement only).

`fuse_batch_norm(model)` makes the BatchNormalization layers *of one model
instance* run TensorFlow's fused batch-norm kernel (FusedBatchNormV3, which
oneDNN implements on CPU) instead of Keras 3's unfused moments +
batch_normalization ops. It exists to measure what a fused batch norm would
buy kerasgan; nothing in kerasgan is changed.

Differences from Keras' own layer: the moving variance is updated with the
unbiased (n-1) batch variance, as the fused kernel (and PyTorch) do; Keras
uses the biased one. The training-mode output is the same.
"""

import types

import keras


def _fused_call(self, inputs, training=None, mask=None):
    import tensorflow as tf

    if mask is not None or self.axis not in (-1, len(inputs.shape) - 1) or self.renorm:
        return type(self).call(self, inputs, training=training, mask=mask)
    rank = len(inputs.shape)
    if rank == 2:
        x = tf.reshape(inputs, (-1, 1, 1, inputs.shape[-1]))
    elif rank == 4:
        x = inputs
    else:
        return type(self).call(self, inputs, training=training, mask=mask)
    x = tf.cast(x, "float32")
    channels = x.shape[-1]
    gamma = self.gamma.value if self.scale else tf.ones((channels,))
    beta = self.beta.value if self.center else tf.zeros((channels,))
    if training and self.trainable:
        y, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            x,
            gamma,
            beta,
            mean=self.moving_mean.value,
            variance=self.moving_variance.value,
            epsilon=self.epsilon,
            is_training=True,
            exponential_avg_factor=1.0 - self.momentum,
        )
        # With exponential_avg_factor < 1 the kernel returns the updated
        # moving statistics.
        self.moving_mean.assign(mean)
        self.moving_variance.assign(variance)
    else:
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(
            x,
            gamma,
            beta,
            mean=self.moving_mean.value,
            variance=self.moving_variance.value,
            epsilon=self.epsilon,
            is_training=False,
        )
    if rank == 2:
        y = tf.reshape(y, (-1, inputs.shape[-1]))
    return tf.cast(y, inputs.dtype)


def fuse_batch_norm(model, ranks=(2, 4)):
    """Patch the BatchNormalization layers inside `model` (this instance only).

    Args:
        model: a Keras layer or model.
        ranks: patch only layers whose input has one of these ranks
            (2: after Dense, 4: after a convolution).
    """
    count = 0
    for layer in model._flatten_layers(include_self=True, recursive=True):
        if isinstance(layer, keras.layers.BatchNormalization) and (
            len(layer.input.shape) in ranks
        ):
            layer.call = types.MethodType(_fused_call, layer)
            count += 1
    return count

