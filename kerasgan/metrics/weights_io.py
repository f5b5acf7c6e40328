"""Keras model weights <-> safetensors files, keyed by variable path (`layer/kernel`)."""

import json
import os

import numpy as np

__all__ = ["save_weights", "load_weights", "write_safetensors"]

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
    """Write every weight of `model` to a safetensors file, keyed by `variable.path`.

    Args:
        model: keras.Model. A built model whose variable paths are unique.
        path: str or PathLike. Output file (parent folders are created).
        metadata: dict[str, str] or None. Stored in the file's header.

    Example:
    >>> save_weights(model, "/tmp/classifier.safetensors", {"accuracy": "0.92"})  # doctest: +SKIP
    """
    tensors = {}
    for variable in model.weights:
        if variable.path in tensors:
            raise ValueError(f"Duplicate variable path {variable.path!r}: give the layers unique names.")
        tensors[variable.path] = np.ascontiguousarray(np.asarray(variable.numpy()))
    return write_safetensors(tensors, os.fspath(path), metadata)


def load_weights(model, path):
    """Assign the tensors of a safetensors file to `model`'s variables by path.

    Every model variable must be in the file with the same shape, and every
    tensor in the file must belong to the model: a partial or mismatched file
    is an error, never a silently half-loaded network.

    Args:
        model: keras.Model. The architecture the file was written from.
        path: str or PathLike. A file written by `save_weights` (or a converter).

    Returns:
        dict[str, str]. The file's metadata.
    """
    from safetensors import safe_open

    with safe_open(os.fspath(path), framework="numpy") as handle:
        keys = set(handle.keys())
        wanted = {v.path: v for v in model.weights}
        missing = sorted(set(wanted) - keys)
        unexpected = sorted(keys - set(wanted))
        if missing or unexpected:
            raise ValueError(
                f"{path} does not match the model {model.name!r}: "
                f"missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                f"unexpected {unexpected[:5]}{'...' if len(unexpected) > 5 else ''}."
            )
        for name, variable in wanted.items():
            value = handle.get_tensor(name)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"{path}: {name} has shape {value.shape}, the model expects {tuple(variable.shape)}.")
            variable.assign(value)
        return dict(handle.metadata() or {})
