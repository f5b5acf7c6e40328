"""Frechet Inception Distance between image sets, with cached reference statistics."""

import hashlib
import os
import re
import warnings

import numpy as np

from kerasgan.metrics.features import cache_root, get_feature_extractor, iter_uint8_batches
from kerasgan.metrics.frechet import FeatureStatistics, feature_statistics, frechet_distance

__all__ = ["FID"]

_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


def _is_statistics(value):
    if isinstance(value, FeatureStatistics):
        return True
    return (
        isinstance(value, (tuple, list))
        and len(value) in (2, 3)
        and np.ndim(value[0]) == 1
        and np.ndim(value[1]) == 2
    )


class FID:
    """Frechet Inception Distance (Heusel et al. 2017) between real and generated images.

    Features come from the standard TF "2015-12-05" InceptionV3 graph ported
    to Keras (`kerasgan.metrics.inception`) by default, so numbers compare
    with the TTUR / pytorch-fid protocol up to the image resizing (kerasgan
    resizes with half-pixel bilinear interpolation). Lower is better; the
    estimate is biased upwards for small sets, so report the sample count
    (the usual protocol is 10,000 or 50,000 generated images).
    Paper: https://arxiv.org/abs/1706.08500

    Args:
        feature_extractor: None, str or FeatureExtractor. None or "inception"
            for the standard network (weights via `tools/convert_fid_inception.py`),
            "fmnist" for the bundled Fashion-MNIST classifier ("FID-FMNIST",
            seconds on a CPU, comparable only with itself), or your own.
        batch_size: int or None. Images per forward pass (None: the network's default).
        cache_dir: str, PathLike or None. Where reference statistics are kept;
            None uses `<kerasgan cache>/fid_stats` (`$KERASGAN_CACHE_DIR`, else ~/.cache/kerasgan).

    Raises:
        FIDWeightsUnavailableError: the default network's weights are missing;
            the message says how to convert them.

    Example:
    >>> real, _ = kerasgan.data.load_arrays("fashion_mnist", "test")   # doctest: +SKIP
    >>> fid = FID("fmnist")                                             # doctest: +SKIP
    >>> fid.reference_statistics(real, key="fashion_mnist-test")        # doctest: +SKIP
    >>> fid("fashion_mnist-test", gan.generate(10000, seed=0))          # doctest: +SKIP
    12.3
    """

    def __init__(self, feature_extractor=None, batch_size=None, cache_dir=None):
        self.feature_extractor = get_feature_extractor(feature_extractor)
        self.batch_size = batch_size
        self.cache_dir = cache_dir

    # ------------------------------------------------------------------ features

    def features(self, images):
        """Feature vectors (n, d) of an image set (array, tf.data.Dataset or batches)."""
        return self.feature_extractor(images, batch_size=self.batch_size)

    def statistics(self, images):
        """FeatureStatistics(mean, cov, n) of an image set's features."""
        return feature_statistics(self.features(images))

    # ------------------------------------------------------------------ reference statistics

    def statistics_path(self, key):
        """The .npz file holding the reference statistics `key` for this feature network."""
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise ValueError(f"key must be a short name like 'fashion_mnist-test' (letters, digits, _ . + -), got {key!r}.")
        name = self.feature_extractor.name
        if not name or not _KEY_RE.match(str(name)):
            raise ValueError(
                "Caching statistics needs a named feature network: pass FeatureExtractor(model, name='...')."
            )
        root = cache_root() / "fid_stats" if self.cache_dir is None else os.fspath(self.cache_dir)
        return os.path.join(root, str(name), f"{key}.npz")

    def reference_statistics(self, images=None, key=None, overwrite=False):
        """Statistics of a reference (real) image set, cached on disk under `key`.

        With `images`, the cached file is reused when it was computed from the
        same images (an order-independent sha256 of the pixels, checked without
        running the network) and recomputed otherwise. Without `images`, the
        cached statistics are loaded.

        Args:
            images: image set or None. The reference images.
            key: str or None. Cache name, e.g. "fashion_mnist-test"; None
                computes without caching.
            overwrite: bool. Recompute even when a matching cache exists.

        Returns:
            FeatureStatistics(mean, cov, n).

        Raises:
            FileNotFoundError: `images` is None and nothing is cached under `key`.
        """
        if key is None:
            if images is None:
                raise ValueError("Pass the reference images, a cache key, or both.")
            return self.statistics(images)
        path = self.statistics_path(key)
        if images is None:
            if not os.path.isfile(path):
                raise FileNotFoundError(
                    f"No reference statistics {key!r} for {self.feature_extractor.name} at {path}. "
                    f"Compute them once with FID(...).reference_statistics(real_images, key={key!r})."
                )
            return self._load(path)[0]
        if os.path.isfile(path) and not overwrite:
            cached, fingerprint = self._load(path)
            if fingerprint == _fingerprint(iter_uint8_batches(images, 1000)):
                return cached
            warnings.warn(f"Cached statistics {path} were computed from other images; recomputing.", stacklevel=2)
        digests = []
        stats = self.statistics(_hashing(iter_uint8_batches(images, self.batch_size or 1000), digests))
        self._save(path, stats, _combine(digests))
        return stats

    def _save(self, path, stats, fingerprint):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.partial"
        with open(tmp, "wb") as handle:
            np.savez(handle, mean=stats.mean, cov=stats.cov, n=np.int64(stats.n),
                     fingerprint=np.str_(fingerprint), network=np.str_(self.feature_extractor.name))
        os.replace(tmp, path)

    @staticmethod
    def _load(path):
        with np.load(path, allow_pickle=False) as data:
            stats = FeatureStatistics(data["mean"], data["cov"], int(data["n"]))
            return stats, str(data["fingerprint"])

    # ------------------------------------------------------------------ the metric

    def _resolve(self, value):
        if isinstance(value, str):
            return self.reference_statistics(key=value)
        if _is_statistics(value):
            return FeatureStatistics(np.asarray(value[0]), np.asarray(value[1]), int(value[2]) if len(value) > 2 else -1)
        return self.statistics(value)

    def __call__(self, real, generated):
        """FID between two image sets.

        Args:
            real: image set, FeatureStatistics / (mean, cov), or the key of
                cached reference statistics.
            generated: image set (uint8 or floats in [-1, 1]) or statistics.

        Returns:
            float.
        """
        a = self._resolve(real)
        b = self._resolve(generated)
        return frechet_distance(a.mean, a.cov, b.mean, b.cov)


def _image_digest(image):
    return hashlib.sha256(repr(image.shape).encode() + image.tobytes()).digest()


def _hashing(batches, digests):
    """Pass batches through, recording each image's sha256."""
    for batch in batches:
        digests.extend(_image_digest(image) for image in batch)
        yield batch


def _combine(digests):
    # Sorted, so a shuffled copy of the same images has the same fingerprint.
    return hashlib.sha256(b"".join(sorted(digests))).hexdigest()


def _fingerprint(batches):
    digests = []
    for _ in _hashing(batches, digests):
        pass
    return _combine(digests)
