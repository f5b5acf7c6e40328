"""Conditional accuracy: does a class-conditional generator draw the class it is asked for?"""

from typing import NamedTuple

import numpy as np

__all__ = ["ConditionalAccuracy", "class_count", "conditional_accuracy"]


class ConditionalAccuracy(NamedTuple):
    """The result of `conditional_accuracy`."""

    accuracy: float  # over all generated images
    per_class: np.ndarray  # (K,) accuracy of each requested class
    samples: int  # generated images in all


def class_count(generator):
    """K of a conditional zoo name, GAN or `[z, label]` generator; ValueError if it has none."""
    if isinstance(generator, str):
        from kerasgan import zoo

        num_classes = zoo.get_entry(generator)["config"].get("num_classes")
    else:
        from kerasgan.models.conditional import num_classes_of

        num_classes = num_classes_of(generator)
    if num_classes is None:
        raise ValueError(f"{generator!r} is not class-conditional: it has no number of classes.")
    return int(num_classes)


def conditional_accuracy(generator, per_class=1000, classifier="fmnist", seed=0, num_classes=None):
    """The fraction of generated images a classifier assigns to the class they were drawn for.

    For each class k, `per_class` images are drawn with label k (seed
    `seed + k`) and classified; an image counts as correct when the
    classifier's most probable class is k. With the bundled Fashion-MNIST
    classifier (92.5% test accuracy) this is the usual check of cGAN and
    AC-GAN models on Fashion-MNIST.

    Args:
        generator: a conditional zoo name, GAN (`ConditionalGAN`, `ACGAN`)
            or generator model taking `[z, label]`.
        per_class: int. Images drawn per class.
        classifier: "fmnist" (the bundled classifier), a FeatureExtractor or
            a callable mapping images in [-1, 1] to (n, K) class probabilities.
        seed: int. Seed of the draws.
        num_classes: int or None. K, when it cannot be read from `generator`.

    Returns:
        ConditionalAccuracy(accuracy, per_class, samples).

    Example:
    >>> result = conditional_accuracy("acgan-fashion-mnist", per_class=1000)  # doctest: +SKIP
    >>> round(result.accuracy, 3)                                            # doctest: +SKIP
    """
    from kerasgan.metrics.features import get_classifier
    from kerasgan.zoo import sample

    if not isinstance(per_class, (int, np.integer)) or per_class < 1:
        raise ValueError(f"per_class must be an int >= 1, got {per_class!r}.")
    num_classes = class_count(generator) if num_classes is None else int(num_classes)
    classify = get_classifier(classifier)
    correct = np.zeros(num_classes)
    for k in range(num_classes):
        images = sample(generator, int(per_class), seed=seed + k, labels=k)
        probabilities = np.asarray(classify(images))
        if probabilities.ndim != 2 or probabilities.shape[1] < num_classes:
            raise ValueError(
                f"The classifier gives outputs of shape {probabilities.shape}; it needs (n, >= {num_classes})."
            )
        correct[k] = np.mean(probabilities.argmax(axis=1) == k)
    return ConditionalAccuracy(float(correct.mean()), correct, int(per_class) * num_classes)
