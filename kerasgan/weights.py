"""Model weights <-> safetensors files, keyed by Keras variable path (`layer/kernel`).

Safetensors holds raw arrays only: reading a file never unpickles or runs code.
Both the zoo (generators and discriminators) and the metric networks use this
module.
"""

import json
import os

import numpy as np

__all__ = ["load_weights", "save_weights", "write_safetensors"]

_DTYPES = {
    np.dtype("float64"): "F64",
    np.dtype("float32"): "F32",
    np.dtype("float16"): "F16",
    np.dtype("int64"): "I64",
    np.dtype("int32"): "I32",
    np.dtype("int16"): "I16",
    np.dtype("int8"): "I8",
    np.dtype("uint8"): "U8",
    np.dtype("bool"): "BOOL",
}


def write_safetensors(arrays, path, metadata=None):
    """Write NumPy arrays as a safetensors file whose bytes depend only on the content.

    The safetensors library serialises its metadata from a hash map, so the
    same weights can produce different files (and sha256s) from run to run.
    Weights that are pinned by sha256 need byte-identical output, so this
    writer sorts every key: header JSON first (8-byte little-endian length,
    space-padded to a multiple of 8), then the tensors' little-endian bytes in
    name order. Any safetensors reader loads the result.

    Args:
        arrays: dict[str, np.ndarray]. Tensors by name.
        path: str or PathLike. Output file (parent folders are created).
        metadata: dict[str, str] or None. The header's `__metadata__`.

    Returns:
        The path.

    Example:
    >>> write_safetensors({"w": np.zeros(2, "float32")}, "/tmp/w.safetensors")  # doctest: +SKIP
    """
    header = {}
    blobs = []
    offset = 0
    for name in sorted(arrays):
        array = np.ascontiguousarray(np.asarray(arrays[name]))
        if array.dtype not in _DTYPES:
            raise TypeError(f"{name}: dtype {array.dtype} is not supported by write_safetensors.")
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _DTYPES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in sorted(metadata.items())}
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(len(text).to_bytes(8, "little"))
        handle.write(text)
        for data in blobs:
            handle.write(data)
    return path


def save_weights(model, path, metadata=None):
    """Write every variable of `model` to a safetensors file keyed by `v.path`.

    Non-trainable variables (batch-norm moving statistics) are included.

    Args:
        model: keras.Model. A generator or discriminator.
        path: str or PathLike. Output `.safetensors` file.
        metadata: dict or None. Stored in the header as one JSON string under
            "kerasgan" (safetensors orders several metadata keys at random,
            and the file's sha256 must not change between identical exports).

    Raises:
        ValueError: two variables share a path.
    """
    from safetensors.numpy import save_file

    tensors = {}
    for variable in model.weights:
        if variable.path in tensors:
            raise ValueError(f"{model.name} has two variables at path '{variable.path}'; name its layers.")
        tensors[variable.path] = np.ascontiguousarray(np.asarray(variable.numpy()))
    header = {"kerasgan": json.dumps(metadata, sort_keys=True)} if metadata else None
    save_file(tensors, os.fspath(path), metadata=header)
    # safetensors creates the file 0600; shipped weights must be readable like any package file.
    os.chmod(path, 0o644)
    return path


def load_weights(model, path):
    """Assign the arrays of a safetensors file to `model`'s variables by path.

    Every variable of `model` must have its key with the same shape and dtype,
    and the file must hold nothing else; otherwise nothing is assigned and a
    ValueError lists every difference. Safetensors holds raw arrays only, so
    nothing is unpickled or executed.

    Args:
        model: keras.Model. A built generator or discriminator.
        path: str or PathLike. A `.safetensors` file written by `save_weights`.
    """
    from safetensors.numpy import load_file

    try:
        arrays = load_file(os.fspath(path))
    except Exception as error:  # noqa: BLE001 - the format's own errors vary by version
        raise ValueError(f"{path} is not a readable safetensors file: {error}") from None
    missing, wrong = [], []
    expected = {}
    for variable in model.weights:
        expected[variable.path] = variable
        array = arrays.get(variable.path)
        if array is None:
            missing.append(variable.path)
        elif tuple(array.shape) != tuple(variable.shape) or str(array.dtype) != str(variable.dtype):
            wrong.append(
                f"{variable.path}: file {array.dtype}{list(array.shape)}, model {variable.dtype}{list(variable.shape)}"
            )
    unexpected = sorted(set(arrays) - set(expected))
    if missing or wrong or unexpected:
        parts = []
        if missing:
            parts.append(f"missing keys {missing}")
        if wrong:
            parts.append(f"wrong shapes/dtypes {wrong}")
        if unexpected:
            parts.append(f"unexpected keys {unexpected}")
        raise ValueError(
            f"{os.path.basename(os.fspath(path))} does not fit the {model.name} being built: "
            + "; ".join(parts)
            + ". The weights belong to another architecture or kerasgan version."
        )
    for key, variable in expected.items():
        variable.assign(arrays[key])
    return model
