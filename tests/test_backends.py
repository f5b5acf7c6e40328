"""Training under the torch backend gives the TensorFlow step's numbers; other backends refuse clearly.

Keras picks its backend once per process, so each backend runs in a
subprocess: both start from the same weights, draw the same latent vectors
and interpolation weights (fixed here, since the backends' random streams
differ), take one `fit` step with SGD and write the updated weights. (The
noisy MLP discriminator is left out: its Gaussian noise comes from each
backend's own stream.)
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import keras

import kerasgan
from kerasgan.models import DCGAN

STEP = textwrap.dedent(
    """
    import os, sys
    import numpy as np
    import keras
    from keras import ops
    import kerasgan
    from kerasgan.models import ACGAN, DCGAN, SemiSupervisedGAN, WGANGP

    class Fixed:
        # The same latent vectors and interpolation weights on every backend.
        def sample_latent(self, batch_size, seed=None):
            rng = np.random.default_rng(self.draws)
            self.draws += 1
            return ops.convert_to_tensor(rng.normal(size=(int(batch_size), self.latent_dim)).astype("float32"))

        def _interpolation_weights(self, real):
            return ops.convert_to_tensor(np.linspace(0.1, 0.9, 4).reshape(4, 1, 1, 1).astype("float32"))

    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    labels = np.array([0, 1, 2, 1], "int32")
    sgd = lambda: dict(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
    small = dict(image_shape=(8, 8, 1), latent_dim=4, filters=2)
    cases = {
        # family, constructor arguments, compile arguments, one batch
        "dcgan_r1": (DCGAN, small, dict(r1_weight=1.0), (images,)),
        "wgan_gp": (WGANGP, small, dict(loss="wasserstein", gp_weight=10.0), (images,)),
        "acgan": (ACGAN, dict(small, num_classes=3), {}, (images, labels)),
        "sgan": (SemiSupervisedGAN, dict(small, num_classes=3, dropout=0.0,
                 generator_objective="feature_matching"), {}, ((images, labels), images[::-1])),
    }
    folder = sys.argv[1]
    for name, (family, arguments, compile_arguments, batch) in cases.items():
        gan = type("Fixed" + family.__name__, (Fixed, family), {})(**arguments)
        gan.draws = 0
        gan.compile(d_steps=2, run_eagerly=True, **sgd(), **compile_arguments)
        variables = gan.generator.weights + gan.discriminator.weights
        start = os.path.join(folder, name + "_start.npz")
        if os.path.exists(start):
            for i, variable in enumerate(variables):
                variable.assign(np.load(start)[f"arr_{i}"])
        else:
            np.savez(start, *[ops.convert_to_numpy(v) for v in variables])

        def stream():
            while True:
                yield batch

        gan.fit(stream(), steps_per_epoch=1, epochs=1, verbose=0)
        np.savez(os.path.join(folder, f"{name}_{keras.backend.backend()}.npz"),
                 *[ops.convert_to_numpy(v) for v in variables])
    print("ok", keras.backend.backend())
    """
)


def run_step(backend, folder):
    env = dict(os.environ, KERAS_BACKEND=backend)
    out = subprocess.run(
        [sys.executable, "-c", STEP, str(folder)], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split()[-2:] == ["ok", backend]


@pytest.mark.slow
def test_one_torch_step_matches_the_tensorflow_step(tmp_path):
    pytest.importorskip("torch", reason="pip install torch==2.13.0 (the CPU build)")
    run_step("tensorflow", tmp_path)
    run_step("torch", tmp_path)
    for name in ("dcgan_r1", "wgan_gp", "acgan", "sgan"):
        start = np.load(tmp_path / f"{name}_start.npz")
        tf_after = np.load(tmp_path / f"{name}_tensorflow.npz")
        torch_after = np.load(tmp_path / f"{name}_torch.npz")
        moved = max(np.abs(tf_after[k] - start[k]).max() for k in start)
        assert moved > 1e-3, name  # the step did train
        for key in start:
            np.testing.assert_allclose(torch_after[key], tf_after[key], atol=1e-5, err_msg=f"{name} {key}")


def test_fit_under_an_unsupported_backend_names_the_fix(monkeypatch):
    gan = DCGAN(image_shape=(8, 8, 1), latent_dim=4, filters=2)
    gan.compile()
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(NotImplementedError, match="KERAS_BACKEND=tensorflow"):
        gan.make_train_function()


def test_training_backends_are_listed():
    assert kerasgan.gan.TRAINING_BACKENDS == ("tensorflow", "torch")


def test_array_readers_work_without_tensorflow(tmp_path):
    """`kerasgan.data` imports TensorFlow only where a tf.data pipeline is built."""
    pytest.importorskip("torch", reason="pip install torch==2.13.0 (the CPU build)")
    pixels = np.arange(3 * 4 * 4, dtype="uint8").reshape(3, 4, 4)
    idx = tmp_path / "images-idx3-ubyte"
    idx.write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4]) + pixels.tobytes())
    code = (
        "import sys; sys.modules['tensorflow'] = None\n"
        "import numpy as np\n"
        "from kerasgan import data\n"
        f"images = data.load_idx({str(idx)!r})\n"
        "assert images.shape == (3, 4, 4), images.shape\n"
        "assert data.labelled_subset(np.array([0, 1, 0, 1]), 1, seed=0).shape == (2,)\n"
        "try:\n"
        "    data.load((np.zeros((2, 4, 4, 1), 'uint8'), np.zeros(2, 'int32')), batch_size=1)\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    env = dict(os.environ, KERAS_BACKEND="torch")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "pip install tensorflow" in out.stdout
    assert np.array_equal(kerasgan.data.load_idx(idx), pixels)
