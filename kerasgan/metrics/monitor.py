"""A Keras callback that measures FID during `fit` and keeps the best checkpoint."""

import math
import os

import keras

from kerasgan.metrics.fid import FID

__all__ = ["FIDMonitor"]


class FIDMonitor(keras.callbacks.Callback):
    """Compute FID every `every` epochs, add it to the logs, and save the best model.

    The generated set is drawn from one fixed seed each time, so successive
    values differ only through training. The value lands in `logs[name]`, so
    `History`, `CSVLogger` and `TensorBoard` record it when they run after
    this callback (list it first in `callbacks`), and `EarlyStopping` /
    `ModelCheckpoint(monitor=name)` can watch it.

    Args:
        every: int. Measure after every `every`-th epoch.
        data: str, array or tf.data.Dataset. Real images; "fashion_mnist"
            uses the local test split.
        n: int. Generated images per measurement (FID is biased upward for
            small n; compare values at the same n only).
        features: "fmnist" (fast, default) or "inception" (the standard
            network; minutes per measurement on a CPU), or a FeatureExtractor.
        checkpoint: str or None. Path (e.g. "runs/x/best.keras") to save the
            model to whenever FID improves; None saves nothing.
        split: str. Split of a named dataset.
        seed: int. Seed of the generated samples.
        name: str. Key in `logs`.
        verbose: int. 1 prints each value.

    Example:
    >>> monitor = FIDMonitor(every=2, features="fmnist", checkpoint="runs/dcgan/best.keras")  # doctest: +SKIP
    >>> gan.fit(data, epochs=20, callbacks=[monitor])                                         # doctest: +SKIP
    >>> monitor.best, monitor.best_epoch                                                      # doctest: +SKIP
    """

    def __init__(self, every=1, data="fashion_mnist", n=5000, features="fmnist", checkpoint=None, split="test",
                 seed=0, name="fid", verbose=1):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every must be >= 1, got {every}.")
        self.every = int(every)
        self.data = data
        self.n = int(n)
        self.features = features
        self.checkpoint = None if checkpoint is None else os.fspath(checkpoint)
        self.split = split
        self.seed = int(seed)
        self.name = name
        self.verbose = int(verbose)
        self.best = math.inf
        self.best_epoch = None
        self.history = []  # (epoch, fid)
        self._fid = None
        self._reference = None

    def on_train_begin(self, logs=None):
        if self._fid is None:
            from kerasgan.metrics.evaluation import real_images

            self._fid = FID(self.features)
            self._reference = self._fid.statistics(real_images(self.data, self.split))

    def measure(self):
        """FID of `n` samples of the model being trained against the reference set."""
        from kerasgan.metrics.evaluation import generate_images

        fake = generate_images(self.model, self.n, seed=self.seed)
        return self._fid(self._reference, fake)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        value = float(self.measure())
        self.history.append((epoch + 1, value))
        if logs is not None:
            logs[self.name] = value
        improved = value < self.best
        if improved:
            self.best, self.best_epoch = value, epoch + 1
            if self.checkpoint:
                os.makedirs(os.path.dirname(os.path.abspath(self.checkpoint)), exist_ok=True)
                if self.checkpoint.endswith(".weights.h5"):
                    self.model.save_weights(self.checkpoint)
                else:
                    self.model.save(self.checkpoint)
        if self.verbose:
            mark = " (best, saved)" if improved and self.checkpoint else (" (best)" if improved else "")
            print(f"\nEpoch {epoch + 1}: {self.name} = {value:.4f}{mark}")

    def get_config(self):
        return {"every": self.every, "data": self.data if isinstance(self.data, str) else None, "n": self.n,
                "features": self.features if isinstance(self.features, str) else None,
                "checkpoint": self.checkpoint, "split": self.split, "seed": self.seed, "name": self.name,
                "verbose": self.verbose}

