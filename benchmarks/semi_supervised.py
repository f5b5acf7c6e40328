"""Semi-supervised GAN vs a supervised baseline on Fashion-MNIST with few labels.

For each seed:

* **sgan**: `kerasgan train sgan-fashion-mnist-100-labels --seed S` (the zoo
  recipe: 10 labels per class drawn with the seed, the other 59,900 training
  images unlabelled), then the discriminator's K-class accuracy on the
  10,000 test images.
* **supervised**: the same discriminator architecture
  (`supervised_baseline`: `semi_supervised_classifier` with the entry's config), trained
  with the same optimizer (and learning-rate schedule, spread over its own
  run) on the same labelled images alone (same augmentation: none), for as
  many steps as the GAN's discriminator took,
  a fixed budget (no early stopping on test data), then the same test
  accuracy.

Writes a JSON with every run and mean/std per method.

    python benchmarks/semi_supervised.py --seeds 0 1 2 --json benchmarks/results/semi_supervised.json
"""

import argparse
import json
import os
import platform
import time

import numpy as np

ENTRY = "sgan-fashion-mnist-100-labels"


def test_accuracy(predict_classes, x_test, y_test):
    return float(np.mean(predict_classes(x_test) == y_test))


def train_sgan(seed, out, epochs, steps_per_epoch):
    from kerasgan import cli

    argv = ["train", ENTRY, "--seed", str(seed), "--out", out, "--resume"]
    if epochs is not None:
        argv += ["--epochs", str(epochs)]
    if steps_per_epoch is not None:
        argv += ["--steps-per-epoch", str(steps_per_epoch)]
    start = time.time()
    if cli.main(argv) != 0:
        raise SystemExit(f"training {ENTRY} (seed {seed}) failed")
    return time.time() - start


def supervised_baseline(config, d_optimizer, total_steps):
    """The GAN's discriminator architecture, compiled as a plain classifier with D's optimizer.

    Args:
        config: dict. The entry's config (`semi_supervised_classifier`'s keys).
        d_optimizer: dict. The recipe's D optimizer spec (its schedule spans `total_steps`).
        total_steps: int. Length of the baseline's run.
    """
    import keras

    from kerasgan import zoo
    from kerasgan.models.conditional import semi_supervised_classifier

    model = semi_supervised_classifier(
        tuple(config["image_shape"]), config["num_classes"], config["filters"],
        config.get("dropout", 0.0), config.get("batch_norm", True), config.get("architecture", "dcgan"),
    )
    model.compile(
        optimizer=zoo.optimizer_from_spec(d_optimizer, total_steps=total_steps),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def train_supervised(entry, seed, steps):
    """The GAN's discriminator architecture trained on the labelled images alone."""
    import keras

    from kerasgan import data

    recipe, config = entry["recipe"], entry["config"]
    keras.utils.set_random_seed(seed)
    stream = data.semi_supervised(
        recipe["data"], recipe["labels_per_class"], batch_size=recipe["batch_size"], seed=seed
    )
    labelled = stream.map(lambda pair, unlabelled: pair).repeat()
    model = supervised_baseline(config, recipe["d_optimizer"], steps)
    start = time.time()
    model.fit(labelled, steps_per_epoch=steps, epochs=1, verbose=2)
    seconds = time.time() - start

    def predict_classes(x):
        return np.argmax(model.predict(x, batch_size=512, verbose=0), axis=-1)

    return predict_classes, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--runs", default="runs/semi_supervised", help="folder for the GAN runs")
    parser.add_argument("--epochs", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--steps-per-epoch", type=int, default=None, help="shorten epochs (trials)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    import keras

    import kerasgan  # noqa: F401 - registers the families
    from kerasgan import data, zoo

    entry = zoo.get_entry(ENTRY)
    x_test, y_test = data.load_arrays("fashion_mnist", "test")
    x_test = x_test.astype("float32") / 127.5 - 1.0
    runs = []
    for seed in args.seeds:
        out = os.path.join(args.runs, f"seed{seed}")
        seconds = train_sgan(seed, out, args.epochs, args.steps_per_epoch)
        gan = keras.saving.load_model(os.path.join(out, "gan.keras"))
        sgan_accuracy = test_accuracy(gan.predict_classes, x_test, y_test)
        steps = int(gan.d_optimizer.iterations)
        predict, supervised_seconds = train_supervised(entry, seed, steps)
        supervised_accuracy = test_accuracy(predict, x_test, y_test)
        run = {"seed": seed, "sgan": sgan_accuracy, "supervised": supervised_accuracy, "steps": steps,
               "sgan_seconds": round(seconds, 1), "supervised_seconds": round(supervised_seconds, 1)}
        print(json.dumps(run))
        runs.append(run)

    summary = {}
    for method in ("sgan", "supervised"):
        values = np.array([r[method] for r in runs])
        summary[method] = {"mean": float(values.mean()), "std": float(values.std(ddof=1)) if len(values) > 1 else 0.0}
    gap = summary["sgan"]["mean"] - summary["supervised"]["mean"]
    print(f"sgan       {100 * summary['sgan']['mean']:.2f} +- {100 * summary['sgan']['std']:.2f} %")
    print(f"supervised {100 * summary['supervised']['mean']:.2f} +- {100 * summary['supervised']['std']:.2f} %")
    print(f"gap        {100 * gap:+.2f} points (target: >= +5)")
    if args.json:
        result = {
            "command": f"python benchmarks/semi_supervised.py --seeds {' '.join(map(str, args.seeds))}",
            "entry": ENTRY, "recipe": entry["recipe"], "config": entry["config"],
            "epochs": args.epochs, "steps_per_epoch": args.steps_per_epoch,
            "machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"), "runs": runs, "summary": summary, "gap_points": 100 * gap,
        }
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
