"""Evaluate a generator against a dataset: FID, KID, Inception Score, precision/recall in one call."""

import hashlib
import os
import time

import numpy as np

from kerasgan.images import to_uint8
from kerasgan.metrics.features import cache_root, get_classifier, get_feature_extractor, iter_uint8_batches
from kerasgan.metrics.frechet import feature_statistics, frechet_distance
from kerasgan.metrics.inception_score import inception_score
from kerasgan.metrics.kid import kernel_distance
from kerasgan.metrics.precision_recall import precision_recall

__all__ = ["evaluate", "format_table", "generate_images", "real_images"]

METRICS = ("fid", "kid", "is", "pr", "accuracy")


def generate_images(generator, n, seed=0, batch_size=500):
    """Draw `n` samples as uint8 (n, h, w, c) from a kerasgan GAN, a generator model or an array.

    Args:
        generator: a kerasgan GAN (anything with `generate(n, seed=..., batch_size=...)`),
            an unconditional keras.Model mapping z ~ N(0, I) of shape
            (batch, latent_dim) to images in [-1, 1], or an image array
            (returned, as uint8, unchanged in content).
        n: int. Number of samples.
        seed: int. Same seed, same samples.
        batch_size: int. Samples per forward pass.

    Example:
    >>> generate_images(np.zeros((3, 8, 8, 1), "float32"), 3).dtype
    dtype('uint8')
    """
    n = int(n)
    if isinstance(generator, np.ndarray):
        if len(generator) < n:
            raise ValueError(f"Asked for {n} generated images but the array holds {len(generator)}.")
        return np.concatenate(list(iter_uint8_batches(generator[:n], 1000)))
    if hasattr(generator, "generate"):
        chunks = [
            to_uint8(generator.generate(min(batch_size, n - start), seed=seed + i, batch_size=batch_size))
            for i, start in enumerate(range(0, n, batch_size))
        ]
        return np.concatenate(chunks)
    import keras

    if isinstance(generator, keras.Model):
        shape = generator.input_shape
        if isinstance(shape, list) or len(shape) != 2:
            raise ValueError(
                f"Expected an unconditional generator with input (batch, latent_dim), got input shape {shape}."
            )
        z = np.random.default_rng(seed).standard_normal((n, shape[1])).astype("float32")
        return np.concatenate(
            [to_uint8(generator.predict_on_batch(z[i : i + batch_size])) for i in range(0, n, batch_size)]
        )
    raise TypeError(f"Cannot draw samples from {type(generator).__name__}: pass a GAN, a generator model or images.")


def real_images(data, split="test", n=None):
    """Load the real reference images as uint8: a dataset name, or images/a tf.data.Dataset as given.

    Args:
        data: str, array or tf.data.Dataset. "fashion_mnist"/"mnist" read the
            local IDX files; any other name or path goes through `kerasgan.data.load`.
        split: str. Dataset split.
        n: int or None. Use at most this many images (the first ones).
    """
    if isinstance(data, str):
        from kerasgan import data as data_module

        try:  # local IDX files for (fashion_)mnist train/test; ValueError for anything else
            images, _ = data_module.load_arrays(data, split)
        except ValueError:
            dataset = data_module.load(data, split=split, shuffle=False, batch_size=500, limit=n,
                                       drop_remainder=False, cache=False)
            images = np.concatenate(list(iter_uint8_batches(dataset, 1000)))
    else:
        images = np.concatenate(list(iter_uint8_batches(data, 1000)))
    return images[:n] if n is not None else images


def _reference_features(extractor, images, key, progress=False):
    """Features of the real images, cached as float32 under `key` with a pixel fingerprint."""
    if key is None or not extractor.name:
        return extractor(images, progress=progress)
    digest = hashlib.sha256(repr(images.shape).encode() + np.ascontiguousarray(images).tobytes()).hexdigest()
    path = os.path.join(cache_root(), "features", str(extractor.name), f"{key}.npz")
    if os.path.isfile(path):
        with np.load(path, allow_pickle=False) as cached:
            if str(cached["fingerprint"]) == digest:
                return cached["features"].astype(np.float64)
    features = extractor(images, progress=progress)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.partial"
    with open(tmp, "wb") as handle:
        np.savez(handle, features=features.astype(np.float32), fingerprint=np.str_(digest))
    os.replace(tmp, path)
    return features


def evaluate(generator, data="fashion_mnist", metrics=METRICS, n=10000, features="inception", split="test",
             n_real=None, seed=0, kid_subsets=100, kid_subset_size=1000, is_splits=10, k=3, cache=True,
             progress=False):
    """Score a generator against real data with FID, KID, Inception Score, precision/recall
    and, for class-conditional models, conditional accuracy.

    Generated and real images go through one feature network; real features
    are cached per dataset, split and network (`<kerasgan cache>/features/`),
    so repeated evaluations only pay for the generated images. The Inception
    Score uses the bundled Fashion-MNIST classifier (the only classifier
    kerasgan ships), so it is meaningful for Fashion-MNIST-like data only.

    Args:
        generator: kerasgan GAN, generator keras.Model or uint8/[-1, 1] image array.
        data: str, array or tf.data.Dataset. The real images ("fashion_mnist" reads local files).
        metrics: iterable of "fid", "kid", "is", "pr", "accuracy" (conditional
            models: `conditional_accuracy` with n // K images per class and the
            bundled Fashion-MNIST classifier).
        n: int. Generated images (the usual protocols use 10,000 or 50,000).
        features: "inception" (standard FID network) or "fmnist" (fast
            Fashion-MNIST classifier features), or a FeatureExtractor.
        split: str. Split of a named dataset.
        n_real: int or None. Cap on real images (None: the whole split).
        seed: int. Seed of the generated samples and of KID's subsets.
        kid_subsets: int. KID subsets.
        kid_subset_size: int. KID subset size.
        is_splits: int. Inception Score splits.
        k: int. Neighbourhood size of precision/recall.
        cache: bool. Cache the real features.
        progress: bool. Show a progress bar while extracting features.

    Returns:
        dict with the scores ("fid", "kid", "kid_std", "is", "is_std",
        "precision", "recall", "accuracy", for the metrics asked for) and the protocol
        ("features", "n_generated", "n_real", "data", "seconds").

    Example:
    >>> results = evaluate(gan, "fashion_mnist", features="fmnist", n=10000)  # doctest: +SKIP
    >>> print(format_table(results))                                           # doctest: +SKIP
    """
    metrics = tuple(m.lower() for m in ([metrics] if isinstance(metrics, str) else metrics))
    unknown = sorted(set(metrics) - set(METRICS))
    if unknown:
        raise ValueError(f"Unknown metrics {unknown}; choose from {list(METRICS)}.")
    start = time.time()
    fake = generate_images(generator, n, seed=seed)
    results = {}
    needs_features = any(m in metrics for m in ("fid", "kid", "pr"))
    extractor = get_feature_extractor(features) if needs_features else None
    real_count = None
    if needs_features:
        real = real_images(data, split, n_real)
        real_count = len(real)
        key = f"{data}-{split}-{real_count}" if cache and isinstance(data, str) else None
        if key is not None:
            key = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
        real_features = _reference_features(extractor, real, key, progress)
        fake_features = extractor(fake, progress=progress)
        if "fid" in metrics:
            a, b = feature_statistics(real_features), feature_statistics(fake_features)
            results["fid"] = frechet_distance(a.mean, a.cov, b.mean, b.cov)
        if "kid" in metrics:
            kid = kernel_distance(real_features, fake_features, kid_subsets, kid_subset_size, seed)
            results["kid"], results["kid_std"] = kid.mean, kid.std
        if "pr" in metrics:
            results["precision"], results["recall"] = precision_recall(real_features, fake_features, k)
    if "is" in metrics:
        score = inception_score(get_classifier("fmnist")(fake), min(is_splits, len(fake)))
        results["is"], results["is_std"] = score.mean, score.std
    if "accuracy" in metrics:
        from kerasgan.metrics.conditional import class_count, conditional_accuracy

        per_class = max(1, n // class_count(generator))
        results["accuracy"] = conditional_accuracy(generator, per_class=per_class, seed=seed).accuracy
    results.update(
        features=getattr(extractor, "name", None),
        n_generated=len(fake),
        n_real=real_count,
        data=data if isinstance(data, str) else type(data).__name__,
        seconds=round(time.time() - start, 1),
    )
    return results


_LABELS = {
    "fid": "FID",
    "kid": "KID",
    "is": "Inception Score (FMNIST classifier)",
    "precision": "Precision (k-NN)",
    "recall": "Recall (k-NN)",
    "accuracy": "Conditional accuracy (FMNIST classifier)",
}


def format_table(results):
    """Render `evaluate`'s dict as a small text table (metric, value, +- std) with the protocol below.

    Example:
    >>> print(format_table({"fid": 12.345, "features": "fmnist_classifier", "n_generated": 10, "n_real": 10,
    ...                     "data": "fashion_mnist", "seconds": 1.0}))
    metric  value
    ------  -------
    FID     12.3450
    features fmnist_classifier, 10 generated vs 10 real (fashion_mnist), 1.0 s
    """
    rows = []
    for key, label in _LABELS.items():
        if key not in results:
            continue
        value = f"{results[key]:.4f}"
        std = results.get(f"{key}_std")
        if std is not None:
            value += f" +- {std:.4f}"
        rows.append((label, value))
    width = max([len("metric")] + [len(label) for label, _ in rows])
    value_width = max([len("value")] + [len(v) for _, v in rows])
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  {'-' * value_width}"]
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    lines.append(
        f"features {results.get('features')}, {results.get('n_generated')} generated vs "
        f"{results.get('n_real')} real ({results.get('data')}), {results.get('seconds')} s"
    )
    return "\n".join(lines)
