"""Image sets -> feature vectors: input normalisation, batching and the named feature networks.

Every metric accepts the same image inputs:

- NumPy arrays (or tensors) of shape (n, h, w, c) or (n, h, w), either uint8
  in [0, 255] or floats in [-1, 1] (what kerasgan generators return);
- `tf.data.Dataset`s of such images, batched or not, optionally as
  `(images, labels)` tuples or `{"image": ...}` dicts;
- any other iterable of image batches (e.g. a Python generator).

Images are first brought to uint8 (floats are quantised like a saved PNG:
round((x + 1) * 127.5)), so a real set given as uint8 and the same set given
in [-1, 1] produce identical features. Each network then resizes (bilinear)
and converts channels (gray -> RGB by repetition, RGB -> gray by luma) as it
needs.
"""

import os
from pathlib import Path

import numpy as np

from kerasgan.images import to_uint8

__all__ = ["FeatureExtractor", "cache_root", "get_feature_extractor", "get_classifier", "iter_uint8_batches"]

DEFAULT_BATCH_SIZE = 50
_FLOAT_TOLERANCE = 1e-3  # generator outputs may overshoot [-1, 1] by round-off


def cache_root():
    """kerasgan's cache folder: `$KERASGAN_CACHE_DIR`, else `$XDG_CACHE_HOME/kerasgan`, else `~/.cache/kerasgan`.

    Example:
    >>> str(cache_root()).endswith("kerasgan")  # doctest: +SKIP
    True
    """
    env = os.environ.get("KERASGAN_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "kerasgan"


# ----------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------


def _to_uint8_batch(batch):
    """One batch (n, h, w[, c]) of any supported dtype -> uint8 (n, h, w, c)."""
    array = np.asarray(batch)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4 or array.shape[-1] not in (1, 3):
        raise ValueError(
            "Expected images of shape (n, h, w, c) with c in {1, 3} (channels last) or (n, h, w), "
            f"got shape {array.shape}."
        )
    if array.dtype == np.uint8:
        return array
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"Images must be uint8 or float, got dtype {array.dtype}.")
    if array.size == 0:
        return array.astype(np.uint8)
    low, high = float(array.min()), float(array.max())
    if np.issubdtype(array.dtype, np.integer):
        if low < 0 or high > 255:
            raise ValueError(f"Integer images must be in [0, 255], got values in [{low}, {high}].")
        return array.astype(np.uint8)
    if not np.isfinite(low) or not np.isfinite(high):
        raise ValueError("Images contain NaN or inf.")
    if low < -1 - _FLOAT_TOLERANCE or high > 1 + _FLOAT_TOLERANCE:
        raise ValueError(
            f"Float images must be in [-1, 1], got values in [{low:.4g}, {high:.4g}]. "
            "Pass uint8 images in [0, 255], or scale floats with x / 127.5 - 1."
        )
    return to_uint8(array)


def _pick_image(element):
    """The image part of a dataset element: (images, labels) -> images, {"image": x} -> x."""
    if isinstance(element, dict):
        if "image" not in element:
            raise ValueError(f"Dataset elements are dicts without an 'image' key: {sorted(element)}.")
        return element["image"]
    if isinstance(element, (tuple, list)):
        return element[0]
    return element


def _raw_batches(images, batch_size):
    """Yield batches (arrays) from an array, a tf.data.Dataset or an iterable of batches."""
    if hasattr(images, "element_spec") and hasattr(images, "as_numpy_iterator"):
        spec = _pick_image(images.element_spec)
        if spec.shape.rank is not None and spec.shape.rank <= 3:
            images = images.batch(batch_size)  # unbatched (h, w[, c]) elements
        for element in images.as_numpy_iterator():
            yield _pick_image(element)
        return
    if isinstance(images, (list, tuple)) or hasattr(images, "__array__") or hasattr(images, "shape"):
        array = np.asarray(images)
        for start in range(0, len(array), batch_size):
            yield array[start : start + batch_size]
        return
    if hasattr(images, "__iter__"):
        yield from images
        return
    raise TypeError(f"Cannot read images from {type(images).__name__}: pass an array, a tf.data.Dataset or batches.")


def iter_uint8_batches(images, batch_size=DEFAULT_BATCH_SIZE):
    """Yield uint8 (n, h, w, c) batches of exactly `batch_size` images (the last may be smaller).

    Args:
        images: array, tf.data.Dataset or iterable of batches (see the module docstring).
        batch_size: int. Images per yielded batch.

    Example:
    >>> [b.shape for b in iter_uint8_batches(np.zeros((5, 8, 8), "float32"), 2)]
    [(2, 8, 8, 1), (2, 8, 8, 1), (1, 8, 8, 1)]
    """
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
    pending, count, shape = [], 0, None
    for raw in _raw_batches(images, batch_size):
        batch = _to_uint8_batch(raw)
        if shape is None:
            shape = batch.shape[1:]
        elif batch.shape[1:] != shape:
            raise ValueError(f"All images must have the same shape, got {shape} and {batch.shape[1:]}.")
        pending.append(batch)
        count += len(batch)
        while count >= batch_size:
            merged = np.concatenate(pending) if len(pending) > 1 else pending[0]
            yield merged[:batch_size]
            rest = merged[batch_size:]
            pending, count = ([rest] if len(rest) else []), len(rest)
    if count:
        yield np.concatenate(pending) if len(pending) > 1 else pending[0]


# ----------------------------------------------------------------------------
# Feature extractors
# ----------------------------------------------------------------------------


class _Preprocess:
    """uint8 (n, h, w, c) -> the float input a network expects (resize, channels, range)."""

    def __init__(self, image_size, channels, value_range):
        self.image_size = None if image_size is None else tuple(int(s) for s in image_size)
        self.channels = channels
        self.low, self.high = (float(v) for v in value_range)

    def __call__(self, x):
        from keras import ops

        x = ops.cast(x, "float32")
        if self.image_size is not None and tuple(x.shape[1:3]) != self.image_size:
            # Antialiasing only acts when shrinking; upsampling is plain
            # half-pixel-centred bilinear (as PIL and torch align_corners=False).
            x = ops.image.resize(x, self.image_size, interpolation="bilinear", antialias=True)
        if self.channels == 3 and x.shape[-1] == 1:
            x = ops.repeat(x, 3, axis=-1)
        elif self.channels == 1 and x.shape[-1] == 3:
            x = ops.sum(x * ops.convert_to_tensor([0.299, 0.587, 0.114], "float32"), axis=-1, keepdims=True)
        return x * ((self.high - self.low) / 255.0) + self.low


class FeatureExtractor:
    """A network that maps images to vectors, with the preprocessing it was trained with.

    Args:
        model: keras.Model or callable. Maps a float batch (n, *image_size,
            channels) in `value_range` to (n, d).
        name: str or None. Identifies the network in cached statistics
            (needed for `FID.reference_statistics`); None uses `model.name`.
        image_size: (int, int) or None. Images are resized to this; None keeps their size.
        channels: 1, 3 or None. Channels the model expects; None keeps the input's.
        value_range: (float, float). What uint8 0 and 255 map to.
        batch_size: int. Images per forward pass.

    Example:
    >>> import keras
    >>> extractor = FeatureExtractor(keras.Sequential([keras.layers.Flatten()]), name="pixels")
    >>> extractor(np.zeros((3, 4, 4, 1), "uint8")).shape
    (3, 16)
    """

    def __init__(self, model, name=None, image_size=None, channels=None, value_range=(-1.0, 1.0),
                 batch_size=DEFAULT_BATCH_SIZE):
        self.model = model
        self.name = name if name is not None else getattr(model, "name", None)
        self.image_size = image_size
        self.channels = channels
        self.value_range = tuple(value_range)
        self.batch_size = int(batch_size)
        self._preprocess = _Preprocess(image_size, channels, value_range)
        self._compiled = None

    def _forward(self, batch):
        import keras

        if isinstance(self.model, keras.Model):
            if self._compiled is None:
                self._compiled = self._compile()
            out = self._compiled(batch)
        else:
            out = self.model(self._preprocess(batch))
        return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)

    def _compile(self):
        """A traced preprocess + forward function (one graph per input shape), TF backend only."""
        import keras

        def run(x):
            return self.model(self._preprocess(x), training=False)

        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            # One trace per input shape: batches are padded to a fixed size.
            return tf.function(run)
        return run

    def __call__(self, images, batch_size=None, progress=False):
        """Return float64 features (n, d) of an image set.

        Batches are padded to a fixed size so the traced graph is reused for
        the last, smaller batch; the padding rows are dropped.

        Args:
            images: uint8 or [-1, 1] float images (array or tf.data.Dataset).
            batch_size: int or None. Images per forward pass.
            progress: bool. Show a Keras progress bar (images done).
        """
        batch_size = int(batch_size or self.batch_size)
        bar = None
        if progress:
            import keras

            total = len(images) if hasattr(images, "__len__") and not hasattr(images, "element_spec") else None
            bar = keras.utils.Progbar(total, unit_name="image")
        outputs = []
        for batch in iter_uint8_batches(images, batch_size):
            n = len(batch)
            if n < batch_size and outputs:
                batch = np.concatenate([batch, np.repeat(batch[-1:], batch_size - n, axis=0)])
            outputs.append(self._forward(batch)[:n])
            if bar is not None:
                bar.add(n)
        if not outputs:
            raise ValueError("No images were given (empty array or dataset).")
        features = np.concatenate(outputs)
        return features.reshape(len(features), -1)


_BUILT = {}


def _named(name):
    """Build (once per process) the extractor for a registered network name."""
    if name not in _BUILT:
        if name == "inception":
            from kerasgan.metrics import inception

            _BUILT[name] = FeatureExtractor(
                # The weights' sha256 is part of the name, so cached statistics follow the weights.
                inception.fid_inception_v3(), name=f"fid_inception_v3-{inception.WEIGHTS_SHA256[:8]}",
                image_size=inception.INPUT_SIZE,
                channels=3, value_range=inception.VALUE_RANGE,
            )
        elif name in ("fmnist", "fmnist-probabilities"):
            from kerasgan.metrics import fmnist_classifier

            features, probabilities = fmnist_classifier.load_fmnist_classifier()
            common = dict(image_size=fmnist_classifier.INPUT_SIZE, channels=1, value_range=(-1.0, 1.0),
                          batch_size=500)
            tag = fmnist_classifier.WEIGHTS_SHA256[:8]
            _BUILT["fmnist"] = FeatureExtractor(features, name=f"fmnist_classifier-{tag}", **common)
            _BUILT["fmnist-probabilities"] = FeatureExtractor(
                probabilities, name=f"fmnist_classifier_probs-{tag}", **common
            )
        else:
            raise ValueError(f"Unknown feature network {name!r}; use 'inception', 'fmnist' or a FeatureExtractor.")
    return _BUILT[name]


def get_feature_extractor(spec=None):
    """Resolve a metric's `feature_extractor` argument.

    Args:
        spec: None or "inception" (the standard FID InceptionV3, 2048-d),
            "fmnist" (the bundled Fashion-MNIST classifier, 128-d, CPU-fast),
            a FeatureExtractor, or a keras.Model / callable taking images in
            [-1, 1] at their own size.

    Example:
    >>> get_feature_extractor("fmnist").name  # doctest: +SKIP
    'fmnist_classifier-66c6e667'
    """
    if spec is None:
        spec = "inception"
    if isinstance(spec, FeatureExtractor):
        return spec
    if isinstance(spec, str):
        return _named(spec.lower())
    if callable(spec):
        return FeatureExtractor(spec)
    raise TypeError(f"feature_extractor must be None, a name, a FeatureExtractor or a callable, got {spec!r}.")


def get_classifier(spec="fmnist"):
    """Resolve an `InceptionScore` classifier: "fmnist", a FeatureExtractor or a callable returning probabilities."""
    if isinstance(spec, str):
        if spec.lower() != "fmnist":
            raise ValueError(
                f"Unknown classifier {spec!r}: the bundled one is 'fmnist' "
                "(the FID Inception network has no classifier head)."
            )
        return _named("fmnist-probabilities")
    return get_feature_extractor(spec)
