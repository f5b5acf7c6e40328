"""Longer semi-supervised runs: the SGAN recipe and its supervised baseline, any backend that trains.

The same comparison as `benchmarks/semi_supervised.py` (100 labels drawn by
`kerasgan.data.labelled_subset(labels, 10, seed)`, the other 59,900 training
images unlabelled, test accuracy on the 10,000 test images), for runs too
long for a CPU: it needs nothing but Keras, NumPy and the Fashion-MNIST files,
so it also runs under `KERAS_BACKEND=torch` on a GPU machine without
TensorFlow. Batches come from NumPy (not tf.data), so the random streams
differ from `kerasgan train`'s.

One process trains one model:

* `--method sgan`: `zoo.build` of the entry (config overrides below),
  compiled from its recipe (`zoo.compile_from_recipe`, learning-rate
  schedule over the whole run), `fit` for `--epochs` passes over the
  unlabelled images; each batch is 64 unlabelled and 64 labelled images.
* `--method supervised`: the entry's discriminator architecture
  (`semi_supervised.supervised_baseline`), the recipe's D optimizer and schedule, the
  same labelled batches alone, for the same number of steps.

Both record the test accuracy after every epoch (a curve; nothing is chosen
by it: the result is the last epoch's) as JSON lines in `--log`.

    KERAS_BACKEND=torch python benchmarks/semi_supervised_long.py --method sgan --seed 0 \\
        --epochs 30 --schedule linear --log runs/long/sgan0.jsonl --save runs/long/sgan0
"""

import argparse
import json
import time

import numpy as np

ENTRY = "sgan-fashion-mnist-100-labels"


def batches(x, y, keep, batch_size, seed):
    """Endless `((labelled, labels), unlabelled)` batches; an epoch is one pass over the unlabelled images."""
    rng = np.random.default_rng(seed)
    rest = np.setdiff1d(np.arange(len(x)), keep)
    labelled_order = np.zeros((0,), "int64")
    while True:
        unlabelled_order = rng.permutation(rest)
        for start in range(0, len(rest) - batch_size + 1, batch_size):
            while len(labelled_order) < batch_size:
                labelled_order = np.concatenate([labelled_order, rng.permutation(keep)])
            take, labelled_order = labelled_order[:batch_size], labelled_order[batch_size:]
            yield (x[take], y[take].astype("int32")), x[unlabelled_order[start : start + batch_size]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=["sgan", "supervised"], required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--schedule", choices=["constant", "linear"], default=None, help="default: the recipe's")
    parser.add_argument("--learning-rate", type=float, default=None, help="both players; default: the recipe's")
    parser.add_argument("--dropout", type=float, default=None, help="default: the entry's")
    parser.add_argument("--architecture", choices=["dcgan", "mlp"], default=None, help="default: the entry's")
    parser.add_argument("--supervised-weight", type=float, default=None, help="default: the entry's")
    parser.add_argument("--steps-per-epoch", type=int, default=None, help="shorten epochs (trials)")
    parser.add_argument("--log", required=True, help="JSON lines, one per epoch")
    parser.add_argument("--save", default=None,
                        help="sgan: write PREFIX_generator.safetensors and PREFIX_discriminator.safetensors "
                             "(kerasgan.weights, the zoo's format)")
    args = parser.parse_args()

    import keras

    import kerasgan  # noqa: F401 - registers the families
    from kerasgan import data, zoo
    from semi_supervised import supervised_baseline  # beside this script

    entry = zoo.get_entry(ENTRY)
    recipe, config = dict(entry["recipe"]), dict(entry["config"])
    for spec in ("d_optimizer", "g_optimizer"):
        recipe[spec] = dict(recipe[spec])
        if args.schedule is not None:
            recipe[spec]["schedule"] = args.schedule
        if args.learning_rate is not None:
            recipe[spec]["learning_rate"] = args.learning_rate
    if args.dropout is not None:
        config["dropout"] = args.dropout
    if args.architecture is not None:
        config["architecture"] = args.architecture
    if args.supervised_weight is not None:
        config["supervised_weight"] = args.supervised_weight
    epochs = args.epochs or recipe["epochs"]
    batch_size = recipe["batch_size"]

    x, y = data.load_arrays(recipe["data"], "train")
    x = x.astype("float32") / 127.5 - 1.0
    x_test, y_test = data.load_arrays(recipe["data"], "test")
    x_test = x_test.astype("float32") / 127.5 - 1.0
    keep = data.labelled_subset(y, recipe["labels_per_class"], seed=args.seed)
    steps = args.steps_per_epoch or (len(x) - len(keep)) // batch_size
    keras.utils.set_random_seed(args.seed)
    stream = batches(x, y, keep, batch_size, args.seed)

    if args.method == "sgan":
        model = zoo.build(dict(entry, config=config), seed=args.seed)
        zoo.compile_from_recipe(model, recipe, total_steps=epochs * steps)
        classifier = model.discriminator
        fit_data = stream
    else:
        classifier = model = supervised_baseline(config, recipe["d_optimizer"], epochs * steps)
        fit_data = (labelled for labelled, _ in stream)

    start = time.time()

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logits = classifier.predict(x_test, batch_size=1000, verbose=0)
            accuracy = float(np.mean(np.argmax(logits, axis=-1) == y_test))
            line = {"method": args.method, "seed": args.seed, "epoch": epoch + 1, "test_accuracy": accuracy,
                    "seconds": round(time.time() - start, 1), "backend": keras.backend.backend()}
            with open(args.log, "a") as f:
                f.write(json.dumps(line) + "\n")

    with open(args.log, "a") as f:
        f.write(json.dumps({"args": vars(args), "recipe": recipe, "config": config, "steps_per_epoch": steps}) + "\n")
    model.fit(fit_data, steps_per_epoch=steps, epochs=epochs, verbose=0, shuffle=False, callbacks=[Record()])
    if args.save and args.method == "sgan":
        from kerasgan import weights

        weights.save_weights(model.generator, f"{args.save}_generator.safetensors")
        weights.save_weights(model.discriminator, f"{args.save}_discriminator.safetensors")


if __name__ == "__main__":
    main()
