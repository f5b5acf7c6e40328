"""Train the Fashion-MNIST classifier behind FID-FMNIST and the domain Inception Score.

Writes kerasgan/metrics/weights/fmnist_classifier.safetensors by default and
prints its test accuracy and sha256 (record the sha256 as
kerasgan.metrics.fmnist_classifier.WEIGHTS_SHA256). Needs the Fashion-MNIST
IDX files (apt-get install dataset-fashion-mnist). A few minutes on a 2-core CPU.

Example:
    python tools/train_fmnist_classifier.py --epochs 8
"""

import argparse
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def main(argv=None):
    from kerasgan.metrics import fmnist_classifier

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(fmnist_classifier.WEIGHTS_PATH), help="safetensors file to write")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shift", type=int, default=0, help="max random translation in pixels")
    parser.add_argument("--min-accuracy", type=float, default=0.90,
                        help="refuse to write weights below this test accuracy")
    args = parser.parse_args(argv)

    from kerasgan.hub import sha256_file

    tmp = args.output + ".partial"
    result = fmnist_classifier.train_fmnist_classifier(
        tmp, epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed,
        shift=args.shift,
    )
    print(f"test accuracy {result['test_accuracy']:.4f} after {result['epochs']} epochs, {result['seconds']} s")
    if result["test_accuracy"] < args.min_accuracy:
        os.remove(tmp)
        raise SystemExit(f"accuracy below --min-accuracy {args.min_accuracy}; weights not written")
    os.replace(tmp, args.output)
    print(f"wrote {args.output} ({os.path.getsize(args.output)} bytes), sha256 {sha256_file(args.output)}")


if __name__ == "__main__":
    main()
