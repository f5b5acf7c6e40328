"""A small Fashion-MNIST classifier: the fast domain feature network ("FID-FMNIST", domain IS).

The FID InceptionV3 network needs 299x299 RGB inputs, ~91 MB of weights and
minutes of CPU time for 10,000 images. For 28x28 grayscale GANs a classifier
trained on the domain gives a quicker, often more sensitive signal: its
128-d penultimate activations replace Inception's pool features (FID-FMNIST,
KID, precision/recall) and its softmax gives a domain Inception Score
(maximum 10). Numbers are comparable only with other numbers from the same
weights: the file is pinned by `WEIGHTS_SHA256`.

The weights ship with the package (`kerasgan/metrics/weights/`, < 1 MB) and
are reproduced by `train_fmnist_classifier()` (also `tools/train_fmnist_classifier.py`).
"""

import os
import time
from pathlib import Path

import keras
from keras import layers

from kerasgan import data

__all__ = [
    "INPUT_SIZE",
    "WEIGHTS_PATH",
    "WEIGHTS_SHA256",
    "fmnist_classifier",
    "load_fmnist_classifier",
    "train_fmnist_classifier",
]

INPUT_SIZE = (28, 28)
CLASS_NAMES = data.CLASS_NAMES["fashion_mnist"]
WEIGHTS_PATH = Path(__file__).parent / "weights" / "fmnist_classifier.safetensors"
#: sha256 of the shipped weights; a different file is refused (numbers would not be comparable).
WEIGHTS_SHA256 = "66c6e667d208c0d5bb0152a7d617c1edc27b0d7fc8ce886c62c3974a164b908d"
FEATURES_LAYER = "features"


def fmnist_classifier(feature_dim=128, dropout=0.3):
    """Build the classifier: three conv-BN-ReLU-maxpool stages, a 128-d ReLU layer, 10 logits.

    Args:
        feature_dim: int. Width of the penultimate ("features") layer.
        dropout: float. Dropout before the logits (training only).

    Returns:
        keras.Model mapping (n, 28, 28, 1) floats in [-1, 1] to (n, 10) logits.

    Example:
    >>> fmnist_classifier().output_shape
    (None, 10)
    """
    inputs = keras.Input((*INPUT_SIZE, 1), name="images")
    x = inputs
    for i, filters in enumerate((32, 64, 128)):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv_{i}")(x)
        x = layers.BatchNormalization(name=f"bn_{i}")(x)
        x = layers.ReLU(name=f"relu_{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool_{i}")(x)  # 28 -> 14 -> 7 -> 3
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(feature_dim, activation="relu", name=FEATURES_LAYER)(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    logits = layers.Dense(len(CLASS_NAMES), name="logits")(x)
    return keras.Model(inputs, logits, name="fmnist_classifier")


def _heads(model):
    """(features model, probabilities model) sharing `model`'s layers."""
    features = keras.Model(model.input, model.get_layer(FEATURES_LAYER).output, name="fmnist_features")
    probabilities = keras.Model(model.input, layers.Softmax(name="softmax")(model.output), name="fmnist_probabilities")
    return features, probabilities


def load_fmnist_classifier(path=None):
    """Load the classifier and return its (features, probabilities) models.

    Args:
        path: str, PathLike or None. None loads the shipped weights (sha256-checked);
            a path loads that file (e.g. a retrained classifier) without the check.

    Returns:
        (features, probabilities): keras.Models mapping (n, 28, 28, 1) in
        [-1, 1] to (n, 128) and (n, 10).

    Example:
    >>> features, probabilities = load_fmnist_classifier()
    >>> features.output_shape, probabilities.output_shape
    ((None, 128), (None, 10))
    """
    from kerasgan.hub import IntegrityError, sha256_file
    from kerasgan.weights import load_weights

    if path is None:
        path = WEIGHTS_PATH
        if not path.is_file():
            raise FileNotFoundError(
                f"The Fashion-MNIST classifier weights are missing from the installation ({path}); "
                "reinstall kerasgan, or recreate them with tools/train_fmnist_classifier.py."
            )
        actual = sha256_file(path)
        if WEIGHTS_SHA256 is not None and actual != WEIGHTS_SHA256:
            raise IntegrityError(path.name, WEIGHTS_SHA256, actual, str(path), "the shipped classifier was modified")
    model = fmnist_classifier()
    load_weights(model, path)
    return _heads(model)


def _scale(images):
    return images.astype("float32") / 127.5 - 1.0


def train_fmnist_classifier(output=None, epochs=8, batch_size=128, learning_rate=1e-3, seed=0, shift=0,
                            verbose=2):
    """Train the classifier on the 60k Fashion-MNIST training images (the recipe of the shipped weights).

    Recipe: Adam(learning_rate) with cosine decay to 0, batch 128, `epochs`
    epochs, random horizontal flips (and +-`shift` pixel translations),
    sparse categorical cross-entropy, seed 0. Evaluated once on the 10k test images.

    Args:
        output: str, PathLike or None. Where to write the safetensors weights
            (None: do not write).
        epochs: int. Training epochs.
        batch_size: int. Images per step.
        learning_rate: float. Initial Adam learning rate.
        seed: int. Seed of initialisation, shuffling and augmentation.
        shift: int. Maximum random translation in pixels (0: none).
        verbose: int. Keras fit verbosity.

    Returns:
        dict with "test_accuracy", "seconds", "epochs" and "path".

    Example:
    >>> train_fmnist_classifier("fmnist_classifier.safetensors")  # doctest: +SKIP
    {'test_accuracy': 0.92, ...}
    """
    import numpy as np
    import tensorflow as tf

    from kerasgan.data import load_arrays
    from kerasgan.weights import save_weights

    keras.utils.set_random_seed(seed)
    x_train, y_train = load_arrays("fashion_mnist", "train")
    x_test, y_test = load_arrays("fashion_mnist", "test")
    steps = int(np.ceil(len(x_train) / batch_size))

    augmentations = [layers.RandomFlip("horizontal", seed=seed)]
    if shift:
        augmentations.append(layers.RandomTranslation(shift / 28, shift / 28, seed=seed))
    augment = keras.Sequential(augmentations, name="augment")
    train = (
        tf.data.Dataset.from_tensor_slices((_scale(x_train), y_train))
        .shuffle(len(x_train), seed=seed)
        .batch(batch_size)
        .map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    model = fmnist_classifier()
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=epochs * steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    start = time.time()
    model.fit(train, epochs=epochs, verbose=verbose)
    seconds = time.time() - start
    _, accuracy = model.evaluate(_scale(x_test), y_test, batch_size=1000, verbose=0)
    result = {"test_accuracy": float(accuracy), "seconds": round(seconds, 1), "epochs": epochs, "path": None}
    if output is not None:
        metadata = {
            "test_accuracy": f"{accuracy:.4f}",
            "recipe": (f"kerasgan.metrics.fmnist_classifier.train_fmnist_classifier(epochs={epochs}, "
                       f"batch_size={batch_size}, learning_rate={learning_rate}, seed={seed}, shift={shift})"),
            "train_seconds": f"{seconds:.0f}",
            "hardware": f"CPU, {os.cpu_count()} cores",
            "keras": keras.__version__,
        }
        result["path"] = str(save_weights(model, output, metadata))
    return result
