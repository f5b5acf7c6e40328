"""Image helpers: [-1, 1] floats to uint8, grids of samples, PNG files."""

import math
import os

import numpy as np

__all__ = ["to_uint8", "make_grid", "save_grid"]


def to_uint8(images):
    """Map images in [-1, 1] to uint8 [0, 255] (values outside are clipped).

    Args:
        images: array (..., H, W, C). Floats in [-1, 1].

    Example:
    >>> to_uint8(np.array([-1.0, 0.0, 1.0])).tolist()
    [0, 128, 255]
    """
    images = np.asarray(images, dtype=np.float32)
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_grid(images, columns=None, padding=2):
    """Tile images (N, H, W, C) into one (rows*H', columns*W', C) uint8 image.

    Args:
        images: array (N, H, W, C). uint8, or floats in [-1, 1].
        columns: int or None. Images per row; None gives a square-ish grid.
        padding: int. Pixels of black between images.

    Example:
    >>> make_grid(np.zeros((4, 8, 8, 1), "uint8"), padding=0).shape
    (16, 16, 1)
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(f"Expected a non-empty batch (N, H, W, C), got shape {images.shape}.")
    if images.dtype != np.uint8:
        images = to_uint8(images)
    n, h, w, c = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.zeros(
        (rows * (h + padding) + padding, columns * (w + padding) + padding, c), np.uint8
    )
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top : top + h, left : left + w] = image
    return grid


def save_grid(images, path, columns=None, padding=2):
    """Write a grid of images to a PNG file and return the path.

    Args:
        images: array (N, H, W, C). uint8, or floats in [-1, 1].
        path: str or PathLike. Output file; parent folders are created.
        columns: int or None. Images per row.
        padding: int. Pixels between images.
    """
    from PIL import Image

    grid = make_grid(images, columns, padding)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid).save(path)
    return path
