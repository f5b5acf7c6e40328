"""Keras callbacks for GAN training."""

import os

import keras
import numpy as np

from kerasgan.images import save_grid

__all__ = ["FIDMonitor", "SampleGrid"]


class SampleGrid(keras.callbacks.Callback):
    """Save a PNG grid generated from one fixed latent batch every `every` epochs.

    The latent batch is drawn once, so successive grids show the same z
    improving. Files are `<out_dir>/epoch_<NNN>.png`.

    Args:
        out_dir: str or PathLike. Folder for the grids (created if missing).
        n: int. Number of samples in the grid.
        seed: int. Seed of the fixed latent batch.
        every: int. Save after every `every`-th epoch.

    Example:
    >>> gan.fit(data, epochs=5, callbacks=[SampleGrid("runs/dcgan/samples")])  # doctest: +SKIP
    """

    def __init__(self, out_dir, n=64, seed=0, every=1):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every must be >= 1, got {every}.")
        self.out_dir = os.fspath(out_dir)
        self.n = int(n)
        self.seed = int(seed)
        self.every = int(every)
        self._z = None
        self.paths = []

    def on_train_begin(self, logs=None):
        if self._z is None:
            self._z = np.asarray(self.model.sample_latent(self.n, seed=self.seed))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        images = self.model.generate_from(self._z)
        path = os.path.join(self.out_dir, f"epoch_{epoch + 1:03d}.png")
        self.paths.append(save_grid(images, path))


def __getattr__(name):
    # FIDMonitor lives with the metrics it computes; it is re-exported here so
    # that all of kerasgan's callbacks sit in one namespace.
    if name == "FIDMonitor":
        from kerasgan.metrics.monitor import FIDMonitor

        return FIDMonitor
    raise AttributeError(f"module 'kerasgan.callbacks' has no attribute {name!r}")
