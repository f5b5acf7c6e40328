"""Input pipelines for GAN training, plus 2-D toy mixtures for mode-collapse checks.

The main entry point is `load`, which turns any of these sources into a batched,
shuffled, prefetched `tf.data.Dataset` of float32 images scaled to [-1, 1]:

* a TensorFlow Datasets name (`"fashion_mnist"`, `"mnist"`, `"cifar10"`,
  `"celeb_a"`, ...). Fashion-MNIST and MNIST are read from local IDX / `.npz`
  files first when they exist, so the common case works offline;
* a folder of images (searched recursively);
* NumPy arrays, or a `.npz` / `.npy` file.

Example:
    >>> from kerasgan import data
    >>> ds = data.load("fashion_mnist", batch_size=32, limit=256)
    >>> images = next(iter(ds))          # (32, 28, 28, 1) float32 in [-1, 1]
    >>> points = data.ring(n=1000, seed=0)  # (1000, 2) samples of 8 Gaussians
"""

from __future__ import annotations

import difflib
import gzip
import os
import socket
import warnings
from pathlib import Path

import numpy as np


class _LazyTensorFlow:
    """`tf`, imported on first use: the array readers (`load_arrays`,
    `load_idx`, `labelled_subset`, the toy sets) work without TensorFlow,
    e.g. under the torch backend on a machine that has only torch."""

    def __getattr__(self, name):
        try:
            import tensorflow
        except ImportError as error:
            raise ImportError(
                "kerasgan.data builds its tf.data pipelines with TensorFlow, which is not "
                f"installed ({error}): pip install tensorflow. Without it, load_arrays() "
                "and load_idx() still read the data as NumPy arrays."
            ) from None
        return getattr(tensorflow, name)


tf = _LazyTensorFlow()

__all__ = [
    "CLASS_NAMES",
    "DatasetUnavailableError",
    "class_names",
    "IMAGE_EXTENSIONS",
    "folder_class_names",
    "gaussian_1d",
    "grid",
    "grid_modes",
    "load",
    "load_arrays",
    "load_idx",
    "local_data_dirs",
    "ring",
    "labelled_subset",
    "ring_modes",
    "semi_supervised",
]

#: File name endings (lower case) that `load` reads from an image folder.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")

#: Environment variable naming an extra folder to search for local datasets.
DATA_DIR_ENV = "KERASGAN_DATA_DIR"

# Fixed search locations after $KERASGAN_DATA_DIR. The Debian package
# `dataset-fashion-mnist` installs under /usr/share/datasets; Keras caches its
# downloads under ~/.keras/datasets. Kept in a module-level dict so tests can
# point the search somewhere else.
_DEFAULT_DIRS = {
    "fashion_mnist": ["/usr/share/datasets/fashion-mnist", "~/.keras/datasets/fashion-mnist"],
    "mnist": ["/usr/share/datasets/mnist", "~/.keras/datasets"],
}
# Sub-folder of $KERASGAN_DATA_DIR that is searched before the folder itself.
_ENV_SUBDIRS = {"fashion_mnist": "fashion-mnist", "mnist": "mnist"}
_IDX_PREFIX = {"train": "train", "test": "t10k"}

# DCGAN's CelebA preprocessing: the central 108x108 window of the 218x178
# aligned faces keeps the face and drops most of the background.
_CELEBA_CROP = ((218 - 108) // 2, (178 - 108) // 2, 108, 108)
_CELEBA_DEFAULT_SIZE = 64

# IDX type codes (third byte of the magic number) -> big-endian NumPy dtype.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_DEFAULT_SHUFFLE_BUFFER = 10_000

#: Class names of the labelled datasets kerasgan reads locally, in label order.
CLASS_NAMES = {
    "fashion_mnist": (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ),
    "mnist": tuple(str(digit) for digit in range(10)),
}


class DatasetUnavailableError(FileNotFoundError):
    """Raised when a named dataset is neither on disk nor downloadable."""


# ----------------------------------------------------------------------------
# Public API: the pipeline builder.
# ----------------------------------------------------------------------------


def load(
    source,
    image_size=None,
    channels=None,
    batch_size=64,
    split="train",
    labels=False,
    shuffle=True,
    seed=None,
    limit=None,
    cache=True,
    drop_remainder=True,
    *,
    prefer_local=True,
    data_dir=None,
    shuffle_buffer=None,
):
    """Build a batched `tf.data.Dataset` of float32 images in [-1, 1].

    Elements are image batches of shape (batch, H, W, C), or
    `(images, labels)` pairs with int32 labels when `labels=True`.

    How `source` is interpreted:

    * `np.ndarray` of images, or a tuple `(images, labels)`. uint8 (and other
      integer arrays within 0..255) are scaled from [0, 255] to [-1, 1]; float
      arrays must already lie in [-1, 1] and are passed through (a warning is
      issued when they also lie within [0, 1], which usually means they were
      scaled for a different model). (N, H, W) arrays get a channel axis.
    * A `str` or `Path` naming an existing folder: all images below it
      (recursively; see `IMAGE_EXTENSIONS`) are decoded with Pillow into
      memory, so this is meant for small fine-tuning sets. Images with an
      alpha channel are composited on a white background. Each image is
      centre-cropped to the target aspect ratio and resized (bilinear); when
      `image_size` is None the size of the first readable image is used.
      Unreadable files are skipped with one warning that names them; files
      with other extensions are ignored silently, as are hidden files and
      folders. With `labels=True` the immediate sub-folders are the classes,
      numbered in sorted order (see `folder_class_names`); images directly in
      the folder are then skipped with a warning.
    * A `str` or `Path` naming an existing `.npz` file (images under `x`,
      `images` or `x_train`, labels under `y`, `labels` or `y_train`; with
      `split="test"` under `x_test` / `y_test`) or `.npy` file (images only).
    * Any other `str` is a TensorFlow Datasets name. For `"fashion_mnist"` and
      `"mnist"` with split "train" or "test", local files are tried first
      (see `local_data_dirs`), then TFDS. `"celeb_a"` gets the DCGAN centre
      crop (central 108x108) and defaults to 64x64. A `str` that exists on
      disk always wins over a dataset name of the same spelling.

    Args:
        source: str, Path, np.ndarray or tuple. What to load (see above).
        image_size: int or (int, int) or None. Output (height, width); an int
            means square. Images whose aspect ratio differs are centre-cropped
            first. None keeps the source size.
        channels: int or None. 1 (grayscale) or 3 (RGB); None keeps the
            source's channel count.
        batch_size: int. Images per batch.
        split: str. Dataset split: "train" or "test" for local files and
            `.npz`; any TFDS split string for TFDS names.
        labels: bool. Yield `(images, labels)` pairs instead of images.
        shuffle: bool. Shuffle examples (and TFDS files) every epoch.
        seed: int or None. Seed for the shuffle order.
        limit: int or None. Keep only the first `limit` examples.
        cache: bool or str. Cache the decoded, resized examples: True in
            memory, a str as a `tf.data` cache file prefix, False not at all.
            The cache holds uint8 images after resizing; full CelebA at 64x64
            takes about 2.5 GB, so pass a file prefix or False there.
        drop_remainder: bool. Drop the last incomplete batch (batch norm in
            GANs misbehaves on tiny batches).
        prefer_local: bool. For fashion_mnist/mnist, read local files before
            trying TFDS. False goes straight to TFDS.
        data_dir: str or None. TFDS data directory (TFDS default when None).
        shuffle_buffer: int or None. Shuffle buffer size; None shuffles
            in-memory sources completely and uses 10000 for TFDS.

    Returns:
        tf.data.Dataset. Batches of float32 images (and int32 labels).

    Raises:
        TypeError: `source` is of an unsupported type.
        ValueError: bad arguments, an unknown dataset name, an empty image
            folder, missing `.npz` keys, or arrays outside the accepted range.
        FileNotFoundError: a `Path` that does not exist.
        DatasetUnavailableError: a dataset name whose data is neither on disk
            nor downloadable (a `FileNotFoundError`; the message says where it
            looked and how to get the data).

    Example:
        >>> ds = load("fashion_mnist", batch_size=32, limit=256, labels=True)
        >>> images, labels = next(iter(ds))
        >>> images.shape, labels.dtype
        (TensorShape([32, 28, 28, 1]), tf.int32)
    """
    size = _check_image_size(image_size)
    if channels is not None and channels not in (1, 3):
        raise ValueError(f"channels must be 1, 3 or None, got {channels!r}.")
    _check_positive_int("batch_size", batch_size)
    if limit is not None:
        _check_positive_int("limit", limit)
    if shuffle_buffer is not None:
        _check_positive_int("shuffle_buffer", shuffle_buffer)

    pipeline = dict(
        image_size=size,
        channels=channels,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        cache=cache,
        drop_remainder=drop_remainder,
        shuffle_buffer=shuffle_buffer,
    )

    if isinstance(source, np.ndarray):
        return _from_arrays(source, None, labels, limit, **pipeline)
    if isinstance(source, tuple) and len(source) == 2 and isinstance(source[0], np.ndarray):
        return _from_arrays(source[0], source[1], labels, limit, **pipeline)

    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if path.is_dir():
            images, label_array = _read_folder(path, size, channels, labels, limit)
            return _from_arrays(images, label_array, labels, None, **pipeline)
        if path.is_file():
            if path.suffix.lower() in (".npz", ".npy"):
                images, label_array = _read_numpy_file(path, split, labels)
                return _from_arrays(images, label_array, labels, limit, **pipeline)
            raise ValueError(
                f"Cannot load {str(path)!r}: files must be .npz or .npy; for images "
                "pass the folder that contains them."
            )
        if not isinstance(source, str):
            raise FileNotFoundError(f"No such file or folder: {str(path)!r}.")
        return _from_name(
            source, split, labels, limit, prefer_local=prefer_local, data_dir=data_dir, **pipeline
        )

    raise TypeError(
        f"Unsupported source of type {type(source).__name__}. Expected a TFDS dataset "
        "name (str), a folder or .npz/.npy path (str or pathlib.Path), a NumPy "
        "array of images, or a tuple (images, labels) of NumPy arrays."
    )


# ----------------------------------------------------------------------------
# Public API: semi-supervised streams.
# ----------------------------------------------------------------------------


def labelled_subset(labels, per_class, seed=0):
    """Pick `per_class` examples of every class: the labelled set of a semi-supervised run.

    Drawn without replacement with a fixed seed, so the same seed gives the
    same labelled images on every machine.

    Args:
        labels: 1-D integer array. The label of every training example.
        per_class: int. Examples kept per class.
        seed: int. Seed of the draw.

    Returns:
        np.ndarray. Sorted int64 indices into `labels`, `per_class` per class.

    Raises:
        ValueError: a class has fewer than `per_class` examples.

    Example:
        >>> labelled_subset(np.array([0, 1, 0, 1, 0, 1]), 2, seed=0).shape
        (4,)
    """
    _check_positive_int("per_class", per_class)
    labels = np.asarray(labels).reshape(-1)
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < per_class:
            raise ValueError(
                f"Class {label} has {len(members)} examples, fewer than per_class={per_class}."
            )
        chosen.append(rng.choice(members, size=per_class, replace=False))
    return np.sort(np.concatenate(chosen))


def semi_supervised(
    source,
    labels_per_class,
    batch_size=64,
    labelled_batch_size=None,
    image_size=None,
    channels=None,
    split="train",
    seed=0,
    limit=None,
):
    """A labelled and an unlabelled stream, zipped, for `SemiSupervisedGAN.fit`.

    Keeps the labels of `labels_per_class` images of every class (chosen with
    `labelled_subset(labels, labels_per_class, seed)`) and treats the rest of
    the split as unlabelled. Each element is
    `((labelled_images, labels), unlabelled_images)`: the labelled images are
    reshuffled and repeat for as long as the unlabelled stream lasts, so an
    epoch is one pass over the unlabelled images and every batch carries
    labels, however few there are.

    Args:
        source: anything `load(source, labels=True)` reads: a dataset name,
            a folder with one sub-folder per class, a .npz file, or a tuple
            `(images, labels)` of arrays. It is read into memory once.
        labels_per_class: int. Labelled images kept per class.
        batch_size: int. Unlabelled images per batch.
        labelled_batch_size: int or None. Labelled images per batch (default:
            `batch_size`).
        image_size, channels, split, limit: as in `load`.
        seed: int. Seed of the labelled draw and of the shuffling.

    Returns:
        tf.data.Dataset. Elements `((labelled, labels), unlabelled)`: float32
        images in [-1, 1] and int32 labels.

    Example:
        >>> ds = semi_supervised("fashion_mnist", labels_per_class=10, seed=0)
        >>> (labelled, labels), unlabelled = next(iter(ds))
        >>> gan.fit(ds, epochs=10)  # doctest: +SKIP
    """
    _check_positive_int("labels_per_class", labels_per_class)
    _check_positive_int("batch_size", batch_size)
    labelled_batch_size = batch_size if labelled_batch_size is None else labelled_batch_size
    _check_positive_int("labelled_batch_size", labelled_batch_size)
    images, labels = _read_labelled(source, split, image_size, channels, limit)
    keep = labelled_subset(labels, labels_per_class, seed=seed)
    rest = np.ones(len(labels), bool)
    rest[keep] = False
    common = dict(image_size=None, channels=None, shuffle=True, seed=seed, cache=True,
                  drop_remainder=True, shuffle_buffer=None)
    labelled = _from_arrays(images[keep], labels[keep], True, None, repeat=True,
                            batch_size=labelled_batch_size, **common)
    unlabelled = _from_arrays(images[rest], None, False, None, batch_size=batch_size, **common)
    return tf.data.Dataset.zip((labelled, unlabelled))


def _read_labelled(source, split, image_size, channels, limit):
    """Every image and label of `source` as (uint8 (N, H, W, C), int32 (N,)) arrays."""
    ds = load(source, image_size=image_size, channels=channels, batch_size=4096, split=split,
              labels=True, shuffle=False, limit=limit, cache=False, drop_remainder=False)
    images, labels = [], []
    for x, y in ds.as_numpy_iterator():
        images.append(np.round((x + 1.0) * 127.5).astype(np.uint8))
        labels.append(y)
    return np.concatenate(images), np.concatenate(labels).astype(np.int32)


# ----------------------------------------------------------------------------
# Public API: local Fashion-MNIST / MNIST files.
# ----------------------------------------------------------------------------


def load_idx(path):
    """Read an IDX file (as used by MNIST), gzip-compressed or plain.

    The format is a 4-byte magic number (two zero bytes, a type code, the
    number of dimensions), one big-endian uint32 per dimension, then the
    big-endian data. Compression is detected from the file's first bytes, not
    its name.

    Args:
        path: str or Path. The IDX file.

    Returns:
        np.ndarray. The data in native byte order, shaped by the header.

    Raises:
        ValueError: the file is not a valid IDX file.

    Example:
        >>> x = load_idx("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
        >>> x.shape, x.dtype
        ((10000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4].hex()!r}).")
    dtype = _IDX_DTYPES[raw[2]]
    ndim = raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(f"{path} is truncated: its IDX header is incomplete.")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header_size != expected:
        raise ValueError(
            f"{path} holds {len(raw) - header_size} data bytes but its header "
            f"{shape} with dtype {dtype.name} needs {expected}."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def local_data_dirs(name):
    """List the folders searched for local copies of a dataset, in order.

    `$KERASGAN_DATA_DIR/<name-folder>` and `$KERASGAN_DATA_DIR` come first
    (when the variable is set), then the fixed locations. The sub-folder is
    tried before the folder itself because MNIST and Fashion-MNIST use the
    same file names.

    Args:
        name: str. "fashion_mnist" or "mnist".

    Returns:
        list of Path. Folders in search order (they need not exist).

    Example:
        >>> local_data_dirs("fashion_mnist")[-2]   # with $KERASGAN_DATA_DIR unset
        PosixPath('/usr/share/datasets/fashion-mnist')
    """
    name = _local_name(name)
    if name is None:
        raise ValueError("Local files are only supported for 'fashion_mnist' and 'mnist'.")
    dirs = []
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        base = Path(env).expanduser()
        dirs += [base / _ENV_SUBDIRS[name], base]
    dirs += [Path(d).expanduser() for d in _DEFAULT_DIRS[name]]
    return dirs


def load_arrays(name, split="train"):
    """Read Fashion-MNIST or MNIST from local files into NumPy arrays.

    Looks in `local_data_dirs(name)` for the IDX files
    (`train-images-idx3-ubyte[.gz]` etc.) and, for MNIST, for Keras's
    `mnist.npz`. Never downloads anything.

    Args:
        name: str. "fashion_mnist" or "mnist".
        split: str. "train" (60000 examples) or "test" (10000 examples).

    Returns:
        tuple. `(images, labels)`: uint8 images of shape (N, 28, 28, 1) in
        [0, 255] and int32 labels of shape (N,).

    Raises:
        ValueError: unsupported `name` or `split`.
        DatasetUnavailableError: no local copy was found; the message lists
            the folders searched and how to get the data.

    Example:
        >>> x, y = load_arrays("fashion_mnist", "test")
        >>> x.shape, y[:3]
        ((10000, 28, 28, 1), array([9, 2, 1], dtype=int32))
    """
    local = _local_name(name)
    if local is None:
        raise ValueError(f"load_arrays supports 'fashion_mnist' and 'mnist', not {name!r}.")
    if split not in _IDX_PREFIX:
        raise ValueError(f"split must be 'train' or 'test' for local files, got {split!r}.")
    found = _find_local(local, split)
    if found is None:
        raise DatasetUnavailableError(_missing_message(local, split, tfds_error=None))
    return found


# ----------------------------------------------------------------------------
# Public API: image folders.
# ----------------------------------------------------------------------------


def class_names(source):
    """The class names of a labelled source, in label order, or None when unknown.

    Fashion-MNIST and MNIST have fixed names; an image folder's classes are
    its sub-folders (`folder_class_names`); a prepared TensorFlow Datasets
    dataset gives its `label` feature's names. Arrays and .npz files carry
    no names.

    Example:
        >>> class_names("fashion_mnist")[7]
        'Sneaker'
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).expanduser()
        if path.is_dir():
            return folder_class_names(path)
        if path.exists():
            return None
        local = _local_name(str(source))
        if local is not None:
            return list(CLASS_NAMES[local])
        try:
            import tensorflow_datasets as tfds

            builder = tfds.builder(str(source))
            if builder.is_prepared():
                return list(builder.info.features["label"].names)
        except Exception:  # noqa: BLE001 - unknown, unprepared or label-less: no names
            pass
    return None


def folder_class_names(path):
    """Return the class names `load(folder, labels=True)` uses, in label order.

    Classes are the immediate, non-hidden sub-folders of `path`, sorted, so
    class `i` is `folder_class_names(path)[i]` (the same rule as
    `keras.utils.image_dataset_from_directory`).

    Args:
        path: str or Path. The image folder.

    Returns:
        list of str. Sub-folder names, sorted.

    Example:
        >>> folder_class_names("pets/")      # pets/cat/..., pets/dog/...
        ['cat', 'dog']
    """
    path = Path(path).expanduser()
    if not path.is_dir():
        raise ValueError(f"{str(path)!r} is not a folder.")
    return sorted(p.name for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))


# ----------------------------------------------------------------------------
# Public API: toy distributions.
# ----------------------------------------------------------------------------


def ring_modes():
    """Return the 8 centres of the ring mixture, (cos 2πk/8, sin 2πk/8).

    Returns:
        np.ndarray. float32 array of shape (8, 2), k = 0..7 in order.

    Example:
        >>> ring_modes()[0]
        array([1., 0.], dtype=float32)
    """
    angles = 2.0 * np.pi * np.arange(8) / 8.0
    modes = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    # cos(pi/2) etc. come out as ~1e-16; snap them so the modes are exact.
    modes[np.abs(modes) < 1e-12] = 0.0
    return modes.astype(np.float32)


def ring(n=2500, std=0.01, seed=None):
    """Sample a mixture of 8 equally weighted Gaussians on the unit circle.

    A standard toy for spotting mode collapse: a healthy generator covers all
    8 modes of `ring_modes()`.

    Args:
        n: int. Number of samples.
        std: float. Standard deviation of each Gaussian.
        seed: int or None. Random seed.

    Returns:
        np.ndarray. float32 samples of shape (n, 2).

    Example:
        >>> ring(4, seed=0).shape
        (4, 2)
    """
    return _mixture(ring_modes(), n, std, seed)


def grid_modes():
    """Return the 25 centres of the grid mixture, {-4, -2, 0, 2, 4}^2.

    Returns:
        np.ndarray. float32 array of shape (25, 2); row `5 * i + j` is
        `(values[i], values[j])` with values = (-4, -2, 0, 2, 4).

    Example:
        >>> grid_modes()[:2]
        array([[-4., -4.],
               [-4., -2.]], dtype=float32)
    """
    values = np.arange(-4.0, 5.0, 2.0)
    xs, ys = np.meshgrid(values, values, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float32)


def grid(n=2500, std=0.05, seed=None):
    """Sample a mixture of 25 equally weighted Gaussians on a 5x5 grid.

    Args:
        n: int. Number of samples.
        std: float. Standard deviation of each Gaussian.
        seed: int or None. Random seed.

    Returns:
        np.ndarray. float32 samples of shape (n, 2), centred on `grid_modes()`.

    Example:
        >>> grid(4, seed=0).shape
        (4, 2)
    """
    return _mixture(grid_modes(), n, std, seed)


def gaussian_1d(n, loc=500.0, scale=5.0, seed=None):
    """Sample the 1-D Gaussian N(loc, scale^2) used by the 1-D toy GAN.

    Args:
        n: int. Number of samples.
        loc: float. Mean.
        scale: float. Standard deviation.
        seed: int or None. Random seed.

    Returns:
        np.ndarray. float32 samples of shape (n, 1).

    Example:
        >>> gaussian_1d(3, seed=0).shape
        (3, 1)
    """
    rng = np.random.default_rng(seed)
    return rng.normal(loc, scale, size=(n, 1)).astype(np.float32)


def _mixture(modes, n, std, seed):
    """Draw `n` points from equally weighted isotropic Gaussians at `modes`."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(modes), size=n)
    points = modes[which].astype(np.float64) + rng.normal(0.0, std, size=(n, modes.shape[1]))
    return points.astype(np.float32)


# ----------------------------------------------------------------------------
# Argument checks.
# ----------------------------------------------------------------------------


def _check_positive_int(name, value):
    """Raise ValueError unless `value` is a positive int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def _check_image_size(image_size):
    """Normalise `image_size` to an (h, w) tuple or None."""
    if image_size is None:
        return None
    if isinstance(image_size, (int, np.integer)) and not isinstance(image_size, bool):
        size = (int(image_size), int(image_size))
    elif isinstance(image_size, (tuple, list)) and len(image_size) == 2:
        size = tuple(image_size)
    else:
        raise ValueError(f"image_size must be an int, a (height, width) pair or None, got {image_size!r}.")
    for side in size:
        _check_positive_int("image_size", side)
    return (int(size[0]), int(size[1]))


# ----------------------------------------------------------------------------
# The shared tf.data pipeline.
# ----------------------------------------------------------------------------


def _pipeline(
    ds,
    *,
    has_labels,
    source_shape,
    image_size,
    channels,
    batch_size,
    shuffle,
    seed,
    cache,
    drop_remainder,
    shuffle_buffer,
    pre_crop=None,
    repeat=False,
):
    """Resize, cache, shuffle, (repeat,) batch, scale and prefetch a dataset of images.

    `ds` yields single images (or (image, label) pairs) that are either uint8
    in [0, 255] or float32 already in [-1, 1]. Per-example work keeps uint8
    images uint8 so that the cache stays four times smaller than float32;
    scaling to [-1, 1] happens once per batch.
    """
    source_channels = source_shape[-1]
    if source_channels not in (1, 3):
        raise ValueError(f"Images must have 1 or 3 channels, these have {source_channels}.")
    channels = channels or source_channels
    spatial = tuple(source_shape[:2])
    if pre_crop is not None:
        spatial = (pre_crop[2], pre_crop[3])
    resize = image_size is not None and spatial != tuple(image_size)
    if image_size is None and None in spatial:
        raise ValueError("These images vary in size; pass image_size so they can be batched.")

    def prepare(image):
        is_uint8 = image.dtype == tf.uint8
        changed = pre_crop is not None or resize or channels != source_channels
        if not changed:
            return image
        if pre_crop is not None:
            image = tf.image.crop_to_bounding_box(image, *pre_crop)
        image = tf.cast(image, tf.float32)
        if resize:
            image = _center_crop_resize(image, image_size)
        if channels == 1 and source_channels == 3:
            image = tf.image.rgb_to_grayscale(image)
        elif channels == 3 and source_channels == 1:
            image = tf.image.grayscale_to_rgb(image)
        if is_uint8:
            image = tf.cast(tf.clip_by_value(tf.round(image), 0.0, 255.0), tf.uint8)
        return image

    if has_labels:
        ds = ds.map(lambda x, y: (prepare(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)

    if cache is True:
        ds = ds.cache()
    elif isinstance(cache, str):
        ds = ds.cache(cache)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)

    def scale(image):
        if image.dtype == tf.uint8:
            return tf.cast(image, tf.float32) / 127.5 - 1.0
        return tf.cast(image, tf.float32)

    if has_labels:
        ds = ds.map(lambda x, y: (scale(x), tf.cast(y, tf.int32)), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        ds = ds.map(scale, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def _center_crop_resize(image, size):
    """Crop the largest centred window with the aspect ratio of `size`, then resize."""
    target_h, target_w = size
    shape = tf.shape(image)
    h, w = shape[0], shape[1]
    crop_h = tf.minimum(h, tf.maximum(1, (w * target_h) // target_w))
    crop_w = tf.minimum(w, tf.maximum(1, (h * target_w) // target_h))
    top = (h - crop_h) // 2
    left = (w - crop_w) // 2
    image = image[top : top + crop_h, left : left + crop_w]
    # Antialiased bilinear behaves like area averaging when shrinking and like
    # plain bilinear when enlarging, so one method suits both directions.
    image = tf.image.resize(image, (target_h, target_w), method="bilinear", antialias=True)
    image.set_shape((target_h, target_w, None))
    return image


# ----------------------------------------------------------------------------
# In-memory sources: arrays, .npz/.npy files, image folders.
# ----------------------------------------------------------------------------


def _from_arrays(images, label_array, want_labels, limit, *, shuffle_buffer, **pipeline):
    """Validate in-memory arrays and build the pipeline from them."""
    images = np.asarray(images)
    if limit is not None:
        images = images[:limit]
    images = _as_image_array(images)

    if want_labels:
        if label_array is None:
            raise ValueError("labels=True but the source has no labels; pass (images, labels).")
        label_array = np.asarray(label_array)
        if limit is not None:
            label_array = label_array[:limit]
        if label_array.ndim == 2 and label_array.shape[1] == 1:
            label_array = label_array[:, 0]
        if label_array.ndim != 1 or not np.issubdtype(label_array.dtype, np.integer):
            raise ValueError(
                f"labels must be a 1-D integer array, got shape {label_array.shape} "
                f"and dtype {label_array.dtype}."
            )
        if len(label_array) != len(images):
            raise ValueError(f"Got {len(images)} images but {len(label_array)} labels.")
        label_array = label_array.astype(np.int32)

    count = len(images)
    if count == 0:
        raise ValueError("The source holds no images.")
    if pipeline["drop_remainder"] and count < pipeline["batch_size"] and not pipeline.get("repeat"):
        raise ValueError(
            f"Only {count} images but batch_size={pipeline['batch_size']}: with "
            "drop_remainder=True no batch would be produced. Lower batch_size or "
            "pass drop_remainder=False."
        )

    ds = tf.data.Dataset.from_tensor_slices((images, label_array) if want_labels else images)
    return _pipeline(
        ds,
        has_labels=want_labels,
        source_shape=images.shape[1:],
        shuffle_buffer=shuffle_buffer or count,
        **pipeline,
    )


def _as_image_array(images):
    """Return images as (N, H, W, C) uint8 in [0, 255] or float32 in [-1, 1]."""
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"Image arrays must be shaped (N, H, W), (N, H, W, 1) or (N, H, W, 3); got {images.shape}."
        )
    if images.size == 0:
        return images
    if images.dtype == np.uint8:
        return images
    if np.issubdtype(images.dtype, np.integer):
        low, high = images.min(), images.max()
        if low < 0 or high > 255:
            raise ValueError(
                f"Integer images must lie in [0, 255]; these span [{low}, {high}]."
            )
        return images.astype(np.uint8)
    if np.issubdtype(images.dtype, np.floating):
        low, high = float(np.min(images)), float(np.max(images))
        if not (np.isfinite(low) and np.isfinite(high)) or low < -1.0 - 1e-5 or high > 1.0 + 1e-5:
            raise ValueError(
                f"Float images must already lie in [-1, 1]; these span [{low:g}, {high:g}]. "
                "Pass uint8 images in [0, 255] instead, or rescale (e.g. x / 127.5 - 1 "
                "for [0, 255], 2 * x - 1 for [0, 1])."
            )
        if low >= 0.0:
            warnings.warn(
                f"Float images lie in [{low:g}, {high:g}], inside [0, 1]. load() passes float "
                "images through unchanged as [-1, 1] data; if these are [0, 1] images, "
                "pass 2 * x - 1 instead.",
                stacklevel=4,
            )
        return np.clip(images, -1.0, 1.0).astype(np.float32)
    raise ValueError(f"Images must be an integer or float array, got dtype {images.dtype}.")


def _read_numpy_file(path, split, want_labels):
    """Read images (and labels) from a .npz or .npy file."""
    if path.suffix.lower() == ".npy":
        if want_labels:
            raise ValueError(f"{path} is a .npy file, which holds no labels; use a .npz with images and labels.")
        return np.load(path), None
    if split == "train":
        image_keys, label_keys = ("x", "images", "x_train"), ("y", "labels", "y_train")
    elif split == "test":
        image_keys, label_keys = ("x_test",), ("y_test",)
    else:
        raise ValueError(f"split must be 'train' or 'test' for .npz files, got {split!r}.")
    with np.load(path) as archive:
        keys = list(archive.files)
        image_key = next((k for k in image_keys if k in keys), None)
        if image_key is None:
            raise ValueError(
                f"{path} has no images for split {split!r}: expected one of the keys "
                f"{list(image_keys)}, found {keys}."
            )
        images = archive[image_key]
        label_array = None
        if want_labels:
            label_key = next((k for k in label_keys if k in keys), None)
            if label_key is None:
                raise ValueError(
                    f"labels=True but {path} has no labels for split {split!r}: expected one "
                    f"of the keys {list(label_keys)}, found {keys}."
                )
            label_array = archive[label_key]
    return images, label_array


def _read_folder(root, size, channels, want_labels, limit):
    """Decode the images below `root` into a uint8 (N, H, W, C) array.

    Returns the images and, when `want_labels`, an int32 label array built
    from the first path component below `root`.
    """
    files = sorted(
        p
        for p in root.rglob("*")
        if p.suffix.lower() in IMAGE_EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and p.is_file()
    )

    label_of = {}
    if want_labels:
        classes = folder_class_names(root)
        if not classes:
            raise ValueError(
                f"labels=True needs one sub-folder per class in {str(root)!r}, but it has none."
            )
        index = {name: i for i, name in enumerate(classes)}
        unlabelled = [p for p in files if len(p.relative_to(root).parts) == 1]
        if unlabelled:
            warnings.warn(
                f"labels=True: skipped {len(unlabelled)} image(s) directly in {str(root)!r} "
                f"that belong to no class folder: {_name_list(unlabelled, root)}.",
                stacklevel=3,
            )
        files = [p for p in files if len(p.relative_to(root).parts) > 1]
        label_of = {p: index[p.relative_to(root).parts[0]] for p in files}

    decoded, skipped = [], []
    for path in files:
        if limit is not None and len(decoded) >= limit:
            break
        image = _decode_image(path)
        if image is None:
            skipped.append(path)
        else:
            decoded.append((path, image))

    if not decoded:
        detail = f" ({len(skipped)} unreadable file(s) skipped)" if skipped else ""
        raise ValueError(
            f"No readable images found in {str(root)!r}{detail}. Images are searched for "
            f"recursively and must end in one of {', '.join(IMAGE_EXTENSIONS)} (any case)."
        )
    if skipped:
        warnings.warn(
            f"Skipped {len(skipped)} unreadable image file(s) in {str(root)!r}: "
            f"{_name_list(skipped, root)}.",
            stacklevel=3,
        )

    if channels is None:
        channels = 1 if all(image.mode == "L" for _, image in decoded) else 3
    if size is None:
        width, height = decoded[0][1].size
        size = (height, width)

    from PIL import Image, ImageOps

    mode = "L" if channels == 1 else "RGB"
    arrays = []
    for _, image in decoded:
        image = image.convert(mode)
        if image.size != (size[1], size[0]):
            image = ImageOps.fit(image, (size[1], size[0]), method=Image.Resampling.BILINEAR)
        arrays.append(np.asarray(image, dtype=np.uint8).reshape(size[0], size[1], channels))
    images = np.stack(arrays)
    label_array = np.array([label_of[p] for p, _ in decoded], dtype=np.int32) if want_labels else None
    return images, label_array


def _decode_image(path):
    """Decode one image file to a PIL image in mode "L" or "RGB", or None if unreadable."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()
            return _flatten_mode(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        # UnidentifiedImageError and truncated files are OSErrors; some Pillow
        # plugins report malformed headers as ValueError or SyntaxError.
        return None


def _flatten_mode(image):
    """Reduce any Pillow mode to "L" or "RGB", compositing alpha onto white."""
    from PIL import Image

    gray = image.mode in ("1", "L", "LA", "La", "I", "F") or image.mode.startswith("I;16")
    has_alpha = image.mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return image.convert("L" if gray else "RGB")


def _name_list(paths, root, shown=10):
    """Format up to `shown` paths relative to `root`, then "and N more"."""
    names = [str(p.relative_to(root)) for p in paths[:shown]]
    text = ", ".join(names)
    if len(paths) > shown:
        text += f" and {len(paths) - shown} more"
    return text


# ----------------------------------------------------------------------------
# Named datasets: local files first, then TensorFlow Datasets.
# ----------------------------------------------------------------------------


def _local_name(name):
    """Map a dataset name to "fashion_mnist"/"mnist" if it has a local reader, else None."""
    key = str(name).lower().replace("-", "_")
    return key if key in _DEFAULT_DIRS else None


def _idx_candidates(folder, split, kind):
    """Possible file names for one IDX file ("images" or "labels") of a split."""
    prefix = _IDX_PREFIX[split]
    rank = "idx3" if kind == "images" else "idx1"
    stems = [f"{prefix}-{kind}-{rank}-ubyte", f"{prefix}-{kind}.{rank}-ubyte"]
    return [folder / (stem + ext) for stem in stems for ext in (".gz", "")]


def _find_local(name, split):
    """Load `name`'s split from the first local folder that has it, or return None."""
    for folder in local_data_dirs(name):
        if not folder.is_dir():
            continue
        image_file = next((p for p in _idx_candidates(folder, split, "images") if p.is_file()), None)
        label_file = next((p for p in _idx_candidates(folder, split, "labels") if p.is_file()), None)
        if image_file and label_file:
            images = load_idx(image_file)
            label_array = load_idx(label_file)
            if images.ndim != 3 or label_array.shape != (len(images),):
                raise ValueError(
                    f"{image_file} and {label_file} do not look like an image/label pair "
                    f"(shapes {images.shape} and {label_array.shape})."
                )
            return images[..., np.newaxis].astype(np.uint8), label_array.astype(np.int32)
        npz = folder / "mnist.npz"
        if name == "mnist" and npz.is_file():
            with np.load(npz) as archive:
                images, label_array = archive[f"x_{split}"], archive[f"y_{split}"]
            return images[..., np.newaxis].astype(np.uint8), label_array.astype(np.int32)
    return None


def _missing_message(name, split, tfds_error):
    """Explain where a local dataset was looked for and how to get it."""
    prefix = _IDX_PREFIX[split]
    wanted = f"{prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz]"
    if name == "mnist":
        wanted += " (or Keras's mnist.npz)"
    lines = [f"Could not find the {name} {split!r} split. Looked for {wanted} in:"]
    if not os.environ.get(DATA_DIR_ENV):
        lines.append(f"  - ${DATA_DIR_ENV} (not set)")
    lines += [f"  - {folder}" for folder in local_data_dirs(name)]
    if tfds_error is None:
        lines.append("TensorFlow Datasets was not tried (load_arrays reads local files only).")
    else:
        lines.append(f"TensorFlow Datasets could not provide it either: {tfds_error}")
    lines.append("To get the data, do one of:")
    if name == "fashion_mnist":
        lines.append("  - install the Debian package: apt-get install dataset-fashion-mnist")
        lines.append(f"  - put the four IDX files in a folder and set {DATA_DIR_ENV} to it")
    else:
        lines.append(f"  - put the four MNIST IDX files (or mnist.npz) in a folder and set {DATA_DIR_ENV} to it")
        lines.append("  - run keras.datasets.mnist.load_data() once with internet access (caches ~/.keras/datasets/mnist.npz)")
    lines.append(
        f"  - run once on a machine with internet access so tensorflow_datasets can download {name!r}"
    )
    return "\n".join(lines)


def _from_name(source, split, want_labels, limit, *, prefer_local, data_dir, **pipeline):
    """Load a dataset by name: local files for (fashion_)mnist, else TFDS."""
    local = _local_name(source)
    if local is not None and prefer_local and split in _IDX_PREFIX:
        found = _find_local(local, split)
        if found is not None:
            return _from_arrays(found[0], found[1], want_labels, limit, **pipeline)
    try:
        return _from_tfds(source, split, want_labels, limit, data_dir=data_dir, **pipeline)
    except _TfdsUnavailable as error:
        if local is not None and split in _IDX_PREFIX:
            raise DatasetUnavailableError(_missing_message(local, split, error)) from error.__cause__
        raise DatasetUnavailableError(
            f"Could not load the TensorFlow Datasets dataset {source!r}: {error}\n"
            "Run once on a machine with internet access (or copy its prepared folder "
            "into data_dir) to make it available offline."
        ) from error.__cause__


class _TfdsUnavailable(Exception):
    """Internal: TFDS could not provide a dataset (not downloaded, no network)."""


def _network_available(timeout=3.0):
    """Best-effort check whether the internet is reachable, so TFDS is not left retrying.

    Offline, a TFDS download retries for minutes before failing; a single
    short connection attempt tells us up front. With a proxy configured a
    direct connection proves nothing, so we assume the network is there.
    """
    if any(os.environ.get(var) for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")):
        return True
    try:
        with socket.create_connection(("storage.googleapis.com", 443), timeout=timeout):
            return True
    except OSError:
        return False


def _from_tfds(name, split, want_labels, limit, *, data_dir, shuffle_buffer, **pipeline):
    """Build the pipeline from a TensorFlow Datasets dataset."""
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise ImportError(
            f"Loading {name!r} needs tensorflow-datasets: pip install tensorflow-datasets"
        ) from error

    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError:
        raise ValueError(_unknown_name_message(name, tfds)) from None
    info = builder.info
    features = info.features
    supervised = info.supervised_keys
    if want_labels:
        if not supervised or not all(isinstance(k, str) for k in supervised):
            raise ValueError(f"labels=True but {name!r} has no (image, label) structure in TFDS.")
        image_key, label_key = supervised
    else:
        label_key = None
        if "image" in features:
            image_key = "image"
        elif supervised and isinstance(supervised[0], str):
            image_key = supervised[0]
        else:
            raise ValueError(f"{name!r} has no 'image' feature; its features are {list(features)}.")
    source_shape = tuple(features[image_key].shape)
    if len(source_shape) != 3:
        raise ValueError(f"{name!r}/{image_key} is not an image feature (shape {source_shape}).")

    pre_crop = None
    if builder.name == "celeb_a":
        pre_crop = _CELEBA_CROP
        if pipeline["image_size"] is None:
            pipeline["image_size"] = (_CELEBA_DEFAULT_SIZE, _CELEBA_DEFAULT_SIZE)

    # tfds.testing.mock_data replaces download_and_prepare, and a mocked
    # builder never touches the network, so only probe for the real thing.
    real_download = type(builder).download_and_prepare.__module__.startswith("tensorflow_datasets.core")
    if real_download and not builder.is_prepared() and not _network_available():
        raise _TfdsUnavailable(
            f"it is not prepared in {builder.data_dir} and the network is unreachable"
        )

    read_config = None
    if pipeline["seed"] is not None:
        read_config = tfds.ReadConfig(shuffle_seed=pipeline["seed"])
    try:
        ds = tfds.load(
            name,
            split=split,
            data_dir=data_dir,
            shuffle_files=pipeline["shuffle"],
            read_config=read_config,
        )
    except (ValueError, TypeError, KeyError):
        # Bad split strings and the like are the caller's to fix, not "missing data".
        raise
    except Exception as error:
        raise _TfdsUnavailable(f"{type(error).__name__}: {error}") from error

    if limit is not None:
        ds = ds.take(limit)
    if want_labels:
        ds = ds.map(lambda ex: (ex[image_key], ex[label_key]))
    else:
        ds = ds.map(lambda ex: ex[image_key])
    return _pipeline(
        ds,
        has_labels=want_labels,
        source_shape=source_shape,
        shuffle_buffer=shuffle_buffer or _DEFAULT_SHUFFLE_BUFFER,
        pre_crop=pre_crop,
        **pipeline,
    )


def _unknown_name_message(name, tfds):
    """Explain that `name` is neither a path nor a TFDS dataset, with suggestions."""
    base = str(name).split(":")[0].split("/")[0]
    known = tfds.list_builders(with_community_datasets=False)
    close = difflib.get_close_matches(base, known, n=3)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return (
        f"{name!r} is neither an existing file or folder nor a TensorFlow Datasets name.{hint} "
        "For a folder or .npz file check the path (relative paths are resolved "
        f"against {os.getcwd()!r}); see tfds.list_builders() for dataset names."
    )
