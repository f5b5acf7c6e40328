"""Tests for kerasgan.data: IDX parsing, local/TFDS loading, folders, arrays, toys."""

import gzip
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from kerasgan import data

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
needs_fashion = pytest.mark.skipif(
    not (FASHION_DIR / "train-images-idx3-ubyte.gz").is_file(),
    reason="Fashion-MNIST IDX files not installed (apt-get install dataset-fashion-mnist)",
)


def first_batch(ds):
    """Return the first element of a dataset as NumPy."""
    element = next(iter(ds))
    if isinstance(element, tuple):
        return tuple(e.numpy() for e in element)
    return element.numpy()


def idx_bytes(array, type_code):
    """Encode an array as IDX by hand: magic, big-endian dims, big-endian data."""
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


# ---------------------------------------------------------------------------
# IDX parsing
# ---------------------------------------------------------------------------


def test_load_idx_plain_and_gzip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    raw = idx_bytes(images, 0x08)
    # Header by hand: 0x00000803 then dims 2, 3, 4 as big-endian uint32.
    assert raw[:16] == b"\x00\x00\x08\x03" + b"\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x04"
    (tmp_path / "plain-idx3-ubyte").write_bytes(raw)
    (tmp_path / "packed-idx3-ubyte.gz").write_bytes(gzip.compress(raw))

    for name in ("plain-idx3-ubyte", "packed-idx3-ubyte.gz"):
        out = data.load_idx(tmp_path / name)
        assert out.dtype == np.uint8
        np.testing.assert_array_equal(out, images)


def test_load_idx_big_endian_int32_and_errors(tmp_path):
    values = np.array([1, -2, 70000], dtype=np.int32)
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(idx_bytes(values, 0x0C))
    out = data.load_idx(path)
    assert out.dtype == np.int32 and out.dtype.byteorder in ("=", "<", "|")
    np.testing.assert_array_equal(out, values)

    bad = tmp_path / "bad"
    bad.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.load_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(idx_bytes(values, 0x0C)[:-1])
    with pytest.raises(ValueError, match="data bytes"):
        data.load_idx(short)


# ---------------------------------------------------------------------------
# Fashion-MNIST from the real local files
# ---------------------------------------------------------------------------


@needs_fashion
def test_fashion_mnist_local_files():
    ds = data.load("fashion_mnist", limit=256, batch_size=32, seed=0)
    assert ds.element_spec.shape == (32, 28, 28, 1)
    batches = list(ds)
    assert len(batches) == 8
    images = batches[0].numpy()
    assert images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    # Real clothing images have both black background and bright pixels.
    assert images.min() == -1.0 and images.max() > 0.9


@needs_fashion
def test_fashion_mnist_labels_and_test_split():
    images, labels = first_batch(
        data.load("fashion_mnist", limit=256, batch_size=32, labels=True, shuffle=False)
    )
    assert images.shape == (32, 28, 28, 1)
    assert labels.dtype == np.int32
    assert labels.min() >= 0 and labels.max() <= 9
    # Unshuffled, the first train labels are the published ones.
    np.testing.assert_array_equal(labels[:5], [9, 0, 0, 3, 0])

    x_test, y_test = data.load_arrays("fashion_mnist", "test")
    assert x_test.shape == (10000, 28, 28, 1) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and set(np.unique(y_test)) == set(range(10))

    test_ds = data.load("fashion_mnist", split="test", batch_size=1000, shuffle=False)
    assert sum(int(b.shape[0]) for b in test_ds) == 10000


def test_local_files_via_env_dir(tmp_path, monkeypatch):
    """$KERASGAN_DATA_DIR/fashion-mnist with tiny hand-made IDX files is found first."""
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    images = np.random.default_rng(0).integers(0, 256, size=(6, 5, 5), dtype=np.uint8)
    labels = np.array([0, 1, 2, 3, 4, 5], dtype=np.uint8)
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images, 0x08)))
    (folder / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(labels, 0x08))
    monkeypatch.setenv("KERASGAN_DATA_DIR", str(tmp_path))

    x, y = data.load_arrays("fashion_mnist", "test")
    np.testing.assert_array_equal(x[..., 0], images)
    np.testing.assert_array_equal(y, labels)
    assert data.local_data_dirs("fashion_mnist")[:2] == [folder, tmp_path]

    batch = first_batch(data.load("fashion_mnist", split="test", batch_size=6, shuffle=False))
    np.testing.assert_allclose(batch[..., 0], images / 127.5 - 1.0, atol=1e-6)


def test_mnist_npz_in_search_dir(tmp_path, monkeypatch):
    x_train = np.full((4, 28, 28), 255, dtype=np.uint8)
    y_train = np.arange(4, dtype=np.uint8)
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_train[:1], y_test=y_train[:1])
    monkeypatch.delenv("KERASGAN_DATA_DIR", raising=False)
    monkeypatch.setitem(data._DEFAULT_DIRS, "mnist", [str(tmp_path)])
    x, y = data.load_arrays("mnist", "train")
    assert x.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(y, [0, 1, 2, 3])


# ---------------------------------------------------------------------------
# Missing data
# ---------------------------------------------------------------------------


@pytest.fixture
def no_local_data(tmp_path, monkeypatch):
    """Empty $KERASGAN_DATA_DIR, no default folders, and a TFDS that fails at once."""
    import tensorflow_datasets as tfds

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("KERASGAN_DATA_DIR", str(empty))
    monkeypatch.setitem(data._DEFAULT_DIRS, "fashion_mnist", [])
    monkeypatch.setitem(data._DEFAULT_DIRS, "mnist", [])

    def offline_load(*args, **kwargs):
        raise ConnectionError("no network in this test")

    monkeypatch.setattr(tfds, "load", offline_load)
    return empty


@pytest.mark.parametrize("network", [True, False], ids=["tfds-fails", "offline-probe"])
def test_missing_fashion_mnist_explains_where_it_looked(no_local_data, monkeypatch, tmp_path, network):
    monkeypatch.setattr(data, "_network_available", lambda timeout=3.0: network)
    with pytest.raises(data.DatasetUnavailableError) as info:
        data.load("fashion_mnist", batch_size=8, data_dir=str(tmp_path / "tfds"))
    message = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    assert str(no_local_data / "fashion-mnist") in message
    assert str(no_local_data) in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert "KERASGAN_DATA_DIR" in message
    assert "internet" in message
    if network:
        assert "no network in this test" in message


def test_load_arrays_missing_is_local_only(no_local_data):
    with pytest.raises(data.DatasetUnavailableError, match="apt-get install dataset-fashion-mnist"):
        data.load_arrays("fashion_mnist", "train")
    with pytest.raises(ValueError, match="split"):
        data.load_arrays("fashion_mnist", "validation")


# ---------------------------------------------------------------------------
# TFDS path (mocked: no download)
# ---------------------------------------------------------------------------


def test_tfds_fashion_mnist_mocked():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=40):
        ds = data.load("fashion_mnist", batch_size=16, labels=True, prefer_local=False, seed=1)
        batches = list(ds)
    assert len(batches) == 2  # 40 examples, drop_remainder=True
    images, labels = (t.numpy() for t in batches[0])
    assert images.shape == (16, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert labels.dtype == np.int32 and labels.min() >= 0 and labels.max() <= 9


def test_tfds_celeb_a_mocked_crop_and_resize():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=8):
        ds = data.load("celeb_a", batch_size=4, limit=8)
        images = first_batch(ds)
        small_gray = first_batch(data.load("celeb_a", batch_size=4, image_size=32, channels=1))
    assert images.shape == (4, 64, 64, 3) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert images.std() > 0.1  # random mock pixels, not a constant image
    assert small_gray.shape == (4, 32, 32, 1)


def test_tfds_unknown_name_is_value_error():
    with pytest.raises(ValueError, match="neither an existing file or folder") as info:
        data.load("fashon_mnist")
    assert "fashion_mnist" in str(info.value)  # the suggestion


# ---------------------------------------------------------------------------
# Image folders
# ---------------------------------------------------------------------------


@pytest.fixture
def image_folder(tmp_path):
    root = tmp_path / "images"
    (root / "nested" / "deeper").mkdir(parents=True)
    rng = np.random.default_rng(0)
    (root / "corrupt.jpg").write_bytes(rng.integers(0, 256, 500, dtype=np.uint8).tobytes())
    (root / "notes.txt").write_text("not an image")
    Image.fromarray(np.full((24, 24), 128, np.uint8), "L").save(root / "gray.png")
    for name, (w, h) in {"a.jpg": (40, 30), "b.PNG": (20, 20), "c.bmp": (64, 48)}.items():
        pixels = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        Image.fromarray(pixels, "RGB").save(root / name)
    # Fully transparent red: composited on white it must come out white.
    rgba = np.zeros((16, 16, 4), np.uint8)
    rgba[..., 0] = 255
    Image.fromarray(rgba, "RGBA").save(root / "clear.png")
    Image.fromarray(np.zeros((10, 30, 3), np.uint8), "RGB").save(root / "nested" / "deeper" / "black.jpeg")
    return root


def test_image_folder_rgb(image_folder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = data.load(image_folder, image_size=16, channels=3, batch_size=6, shuffle=False)
    ours = [w for w in caught if "unreadable" in str(w.message)]
    assert len(ours) == 1
    text = str(ours[0].message)
    assert "corrupt.jpg" in text and "notes.txt" not in text
    assert ours[0].filename == __file__  # points at the caller, not kerasgan

    batches = list(ds)
    assert len(batches) == 1  # six readable images
    images = batches[0].numpy()
    assert images.shape == (6, 16, 16, 3) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    # Sorted order: a.jpg, b.PNG, c.bmp, clear.png, gray.png, nested/deeper/black.jpeg.
    np.testing.assert_allclose(images[3], 1.0)  # transparent -> white
    np.testing.assert_allclose(images[4], 128 / 127.5 - 1.0, atol=1e-6)  # gray replicated
    assert images[5].max() < -0.9  # black JPEG from the nested folder


def test_image_folder_grayscale_default_size_and_limit(image_folder):
    with pytest.warns(UserWarning, match="corrupt.jpg"):
        images = first_batch(data.load(str(image_folder), channels=1, batch_size=6, shuffle=False))
    # No image_size: the first readable image (a.jpg, 40x30) sets the size.
    assert images.shape == (6, 30, 40, 1)
    # limit stops reading after three good images, before corrupt.jpg is reached.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        limited = data.load(image_folder, image_size=(8, 12), batch_size=2, limit=3, drop_remainder=False)
    shapes = [tuple(b.shape) for b in limited]
    assert sorted(shapes) == [(1, 8, 12, 3), (2, 8, 12, 3)]


def test_image_folder_labels(tmp_path):
    for cls, value in (("dogs", 200), ("cats", 10)):
        (tmp_path / cls).mkdir()
        for i in range(2):
            Image.fromarray(np.full((8, 8, 3), value, np.uint8)).save(tmp_path / cls / f"{i}.png")
    assert data.folder_class_names(tmp_path) == ["cats", "dogs"]
    images, labels = first_batch(
        data.load(tmp_path, batch_size=4, labels=True, shuffle=False)
    )
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    assert images[0].max() < -0.9 and images[3].min() > 0.5


def test_empty_or_unreadable_folder(tmp_path):
    with pytest.raises(ValueError, match=r"No readable images.*\.png"):
        data.load(tmp_path)
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match=str(tmp_path)):
        data.load(tmp_path)


# ---------------------------------------------------------------------------
# Arrays and .npz files
# ---------------------------------------------------------------------------


def test_uint8_array_maps_exactly():
    images = np.zeros((4, 2, 2), np.uint8)
    images[:, 0, 0] = 255
    images[:, 1, 1] = 128
    out = first_batch(data.load(images, batch_size=4, shuffle=False))
    assert out.shape == (4, 2, 2, 1)
    assert np.all(out[:, 0, 0, 0] == 1.0) and np.all(out[:, 0, 1, 0] == -1.0)
    np.testing.assert_allclose(out[:, 1, 1, 0], 128 / 127.5 - 1.0, atol=1e-6)


def test_array_tuple_with_labels_and_shuffle_is_seeded():
    images = np.arange(10, dtype=np.uint8)[:, None, None, None] * np.ones((1, 3, 3, 3), np.uint8)
    labels = np.arange(10)
    ds = data.load((images, labels), batch_size=5, labels=True, seed=3)
    for x, y in ds:
        # Shuffling must keep each image with its label.
        np.testing.assert_allclose(x.numpy()[:, 0, 0, 0], y.numpy() / 127.5 - 1.0, atol=1e-6)
        assert x.shape == (5, 3, 3, 3) and y.dtype == tf.int32
    order1 = np.concatenate([y.numpy() for _, y in data.load((images, labels), batch_size=5, labels=True, seed=3)])
    order2 = np.concatenate([y.numpy() for _, y in data.load((images, labels), batch_size=5, labels=True, seed=3)])
    np.testing.assert_array_equal(order1, order2)
    assert sorted(order1) == list(range(10))


def test_float_arrays(recwarn):
    signed = np.linspace(-1, 1, 4 * 4 * 4, dtype=np.float64).reshape(4, 4, 4, 1)
    out = first_batch(data.load(signed, batch_size=4, shuffle=False))
    np.testing.assert_allclose(out, signed, atol=1e-6)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        data.load(signed * 255.0)
    with pytest.warns(UserWarning, match=r"\[0, 1\]"):
        data.load(np.full((2, 4, 4), 0.5, np.float32), batch_size=2)


def test_resize_and_channels_on_arrays():
    images = np.zeros((2, 10, 20, 3), np.uint8)
    out = first_batch(data.load(images, image_size=8, channels=1, batch_size=2))
    assert out.shape == (2, 8, 8, 1)
    np.testing.assert_allclose(out, -1.0)


def test_npz_keys(tmp_path):
    x = np.full((3, 5, 5), 255, np.uint8)
    path = tmp_path / "toy.npz"
    np.savez(path, x=x, y=np.array([2, 1, 0]))
    images, labels = first_batch(data.load(path, batch_size=3, labels=True, shuffle=False))
    assert images.shape == (3, 5, 5, 1) and np.all(images == 1.0)
    np.testing.assert_array_equal(labels, [2, 1, 0])

    bad = tmp_path / "bad.npz"
    np.savez(bad, pictures=x)
    with pytest.raises(ValueError, match=r"x_train.*pictures"):
        data.load(str(bad))
    with pytest.raises(ValueError, match="no labels"):
        np.savez(tmp_path / "nolabels.npz", images=x)
        data.load(tmp_path / "nolabels.npz", labels=True)


# ---------------------------------------------------------------------------
# Argument errors
# ---------------------------------------------------------------------------


def test_bad_arguments(tmp_path):
    images = np.zeros((4, 4, 4), np.uint8)
    with pytest.raises(TypeError, match="int.*TFDS dataset name"):
        data.load(42)
    with pytest.raises(TypeError, match="list"):
        data.load([images])
    with pytest.raises(ValueError, match="channels"):
        data.load(images, channels=2)
    with pytest.raises(ValueError, match="batch_size"):
        data.load(images, batch_size=0)
    with pytest.raises(ValueError, match="drop_remainder"):
        data.load(images, batch_size=8)
    with pytest.raises(ValueError, match="labels=True"):
        data.load(images, labels=True)
    with pytest.raises(FileNotFoundError):
        data.load(tmp_path / "missing")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ValueError, match=r"\.npz"):
        data.load(tmp_path / "file.txt")


# ---------------------------------------------------------------------------
# Toy distributions
# ---------------------------------------------------------------------------


def test_ring():
    modes = data.ring_modes()
    assert modes.shape == (8, 2) and modes.dtype == np.float32
    np.testing.assert_array_equal(modes[[0, 2, 4, 6]], [[1, 0], [0, 1], [-1, 0], [0, -1]])
    np.testing.assert_allclose(modes[1], [np.sqrt(0.5), np.sqrt(0.5)], rtol=1e-6)

    points = data.ring(n=4000, seed=0)
    assert points.shape == (4000, 2) and points.dtype == np.float32
    distance = np.linalg.norm(points[:, None] - modes[None], axis=-1)
    assert distance.min(axis=1).max() < 0.06  # 6 std
    counts = np.bincount(distance.argmin(axis=1), minlength=8)
    assert counts.min() > 400  # roughly equal weights: 500 expected each
    np.testing.assert_array_equal(points, data.ring(n=4000, seed=0))


def test_grid():
    modes = data.grid_modes()
    values = [-4, -2, 0, 2, 4]
    assert modes.shape == (25, 2) and modes.dtype == np.float32
    assert {tuple(m) for m in modes.tolist()} == {(a, b) for a in values for b in values}
    np.testing.assert_array_equal(modes[:2], [[-4, -4], [-4, -2]])

    points = data.grid(n=5000, seed=1)
    assert points.shape == (5000, 2) and points.dtype == np.float32
    distance = np.linalg.norm(points[:, None] - modes[None], axis=-1)
    assert distance.min(axis=1).max() < 0.3  # 6 std
    assert np.bincount(distance.argmin(axis=1), minlength=25).min() > 120


def test_gaussian_1d():
    samples = data.gaussian_1d(20000, seed=0)
    assert samples.shape == (20000, 1) and samples.dtype == np.float32
    assert abs(samples.mean() - 500.0) < 0.2
    assert abs(samples.std() - 5.0) < 0.1
    other = data.gaussian_1d(10, loc=-3.0, scale=0.5, seed=2)
    assert abs(other.mean() + 3.0) < 1.0


# ----------------------------------------------------------------------------
# Semi-supervised streams and class names.
# ----------------------------------------------------------------------------


def test_labelled_subset_draws_per_class_deterministically():
    labels = np.repeat(np.arange(3), [5, 7, 9])
    picked = data.labelled_subset(labels, 4, seed=1)
    assert np.bincount(labels[picked]).tolist() == [4, 4, 4]
    assert len(set(picked.tolist())) == 12
    np.testing.assert_array_equal(picked, data.labelled_subset(labels, 4, seed=1))
    assert not np.array_equal(picked, data.labelled_subset(labels, 4, seed=2))
    with pytest.raises(ValueError, match="Class 0 has 5 examples, fewer than per_class=6"):
        data.labelled_subset(labels, 6)


def test_semi_supervised_zips_repeated_labelled_images_with_the_rest():
    rng = np.random.default_rng(0)
    # Every image is unique: pixel (0, 0) holds its index, so streams can be traced back.
    images = rng.integers(0, 256, (40, 4, 4, 1), dtype=np.uint8)
    images[:, 0, 0, 0] = np.arange(40)
    labels = (np.arange(40) % 4).astype(np.int32)
    ds = data.semi_supervised((images, labels), labels_per_class=2, batch_size=8,
                              labelled_batch_size=12, seed=3)
    keep = data.labelled_subset(labels, 2, seed=3)
    (labelled, y), unlabelled = next(iter(ds))
    assert labelled.shape == (12, 4, 4, 1) and y.shape == (12,) and unlabelled.shape == (8, 4, 4, 1)
    assert y.dtype == tf.int32 and labelled.dtype == tf.float32
    # 12 labelled images per batch from only 8 labelled ones: the labelled stream repeats.
    assert int(ds.cardinality()) == 32 // 8  # one pass over the 32 unlabelled images
    seen_labelled, seen_unlabelled = set(), set()
    for (x, y), u in ds:
        index = np.round((x.numpy()[:, 0, 0, 0] + 1) * 127.5).astype(int)
        np.testing.assert_array_equal(labels[index], y.numpy())  # the right label with each image
        seen_labelled |= set(index.tolist())
        seen_unlabelled |= set(np.round((u.numpy()[:, 0, 0, 0] + 1) * 127.5).astype(int).tolist())
    assert seen_labelled == set(keep.tolist())
    assert seen_unlabelled == set(range(40)) - set(keep.tolist())
    assert float(tf.reduce_min(labelled)) >= -1.0 and float(tf.reduce_max(labelled)) <= 1.0


def test_semi_supervised_needs_labels(tmp_path):
    with pytest.raises(ValueError, match="labels=True but the source has no labels"):
        data.semi_supervised(np.zeros((8, 4, 4, 1), np.uint8), labels_per_class=1)
    with pytest.raises(ValueError, match="labels_per_class must be"):
        data.semi_supervised((np.zeros((8, 4, 4, 1), np.uint8), np.zeros(8, int)), labels_per_class=0)


def test_class_names(tmp_path):
    assert data.class_names("fashion_mnist")[7] == "Sneaker" and len(data.class_names("fashion_mnist")) == 10
    assert data.class_names("mnist") == [str(d) for d in range(10)]
    for name in ("dog", "cat"):
        (tmp_path / "pets" / name).mkdir(parents=True)
    assert data.class_names(tmp_path / "pets") == ["cat", "dog"]
    np.savez(tmp_path / "a.npz", x=np.zeros((2, 4, 4, 1), np.uint8), y=np.zeros(2, int))
    assert data.class_names(tmp_path / "a.npz") is None
    assert data.class_names(np.zeros((2, 4, 4, 1))) is None
