"""kerasgan: classic GANs as Keras 3 models, trained with `fit`, with a pretrained zoo.

`import kerasgan` registers the GAN families with Keras (so `.keras` files
load); the data, Hub, metrics and zoo modules load on first use.

Example:
>>> import kerasgan
>>> gan = kerasgan.models.DCGAN(image_shape=(28, 28, 1))  # doctest: +SKIP
>>> gan.compile()                                        # doctest: +SKIP
>>> gan.fit(kerasgan.data.load("fashion_mnist"), epochs=5)  # doctest: +SKIP
>>> kerasgan.list_models()                               # doctest: +SKIP
>>> images = kerasgan.sample("dcgan-fashion-mnist", 16, seed=0)  # doctest: +SKIP
"""

import importlib
import os

# Keras picks its backend when first imported; kerasgan trains on TensorFlow.
# A user who already chose a backend keeps it.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__version__ = "0.1.0"

# The GAN classes and layers are registered with Keras when their modules are
# imported, so that `keras.saving.load_model("gan.keras")` works right after
# `import kerasgan`. This imports Keras (and TensorFlow); data, hub, metrics
# and zoo stay lazy.
from kerasgan import gan as _gan  # noqa: E402
from kerasgan import layers as _layers  # noqa: E402,F401
from kerasgan import models as _models  # noqa: E402,F401

GAN = _gan.GAN

_SUBMODULES = ("callbacks", "data", "gan", "hub", "layers", "losses", "metrics", "models", "zoo")
_NAMES = {
    # The pretrained zoo; kerasgan.zoo imports Keras only when a model is built.
    "list_models": "kerasgan.zoo",
    "load": "kerasgan.zoo",
    "sample": "kerasgan.zoo",
}

__all__ = sorted(_SUBMODULES + tuple(_NAMES) + ("GAN",))


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"kerasgan.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    raise AttributeError(f"module 'kerasgan' has no attribute {name!r}")


def __dir__():
    return __all__
