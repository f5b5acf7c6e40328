"""The `kerasgan` command line."""

import argparse
import json
import os
import sys

DESCRIPTION = """\
kerasgan: classic GANs as Keras 3 models.

Train a GAN on a dataset, a folder of images or a .npz file, with a Keras
progress bar, a sample grid and a .keras checkpoint after every epoch; list,
sample and fine-tune the pretrained zoo.
"""

EPILOG = """\
examples:
  kerasgan train dcgan --data fashion_mnist --epochs 5 --out runs/dcgan
  kerasgan train lsgan --data ~/pictures --image-size 64 --channels 3 --out runs/lsgan
  kerasgan train dcgan --data fashion_mnist --epochs 20 --out runs/dcgan --resume
  kerasgan train acgan --data fashion_mnist --epochs 10 --out runs/acgan
  kerasgan train sgan --data fashion_mnist --labels-per-class 10 --out runs/sgan
  kerasgan train dcgan-celeba --out runs/dcgan-celeba     # a zoo entry's recipe
  kerasgan list
  kerasgan sample dcgan-fashion-mnist -n 64 --seed 0 -o grid.png
  kerasgan sample acgan-fashion-mnist --label Sneaker -n 64 -o sneakers.png
  kerasgan finetune dcgan-fashion-mnist --data ~/pictures --epochs 5 --out runs/mine

Run `kerasgan COMMAND --help` for the options of a command.
"""

# name -> (family class name in kerasgan.models, compile() overrides, help)
FAMILIES = {
    "gan": ("VanillaGAN", {}, "the MLP GAN of Goodfellow et al. 2014"),
    "dcgan": ("DCGAN", {}, "DCGAN, Radford et al. 2016"),
    "lsgan": ("DCGAN", {"loss": "least_squares"}, "DCGAN trained with the least-squares loss"),
    "wgan-gp": ("WGANGP", {}, "Wasserstein GAN with gradient penalty"),
    "cgan": ("ConditionalGAN", {}, "class-conditional GAN, Mirza & Osindero 2014 (needs labels)"),
    "acgan": ("ACGAN", {}, "auxiliary-classifier GAN, Odena et al. 2017 (needs labels)"),
    "sgan": ("SemiSupervisedGAN", {}, "K+1-class semi-supervised GAN, Salimans et al. 2016 "
             "(labels; --labels-per-class N keeps N labels per class)"),
}


def _family_help():
    return "; ".join(f"{name}: {text}" for name, (_, _, text) in FAMILIES.items())


def _add_run_flags(parser):
    """The flags `train` and `finetune` share: how the fit loop runs and what it writes."""
    parser.add_argument("--steps-per-epoch", type=int, default=None)
    parser.add_argument("--samples", type=int, default=64, help="images in each sample grid")
    parser.add_argument("--jit", action="store_true", help="compile the train step with XLA")
    parser.add_argument("--resume", action="store_true", help="continue from the run folder's gan.keras")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kerasgan",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from kerasgan import __version__

    parser.add_argument("--version", action="version", version=f"kerasgan {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    train = commands.add_parser(
        "train",
        help="train a GAN family, or reproduce a zoo entry from its recipe",
        description="Train a GAN family with model.fit. " + _family_help() + ". "
        "A zoo name (see `kerasgan list`) trains that entry's architecture with its "
        "recipe (data, epochs, batch size, loss, optimizers, seed); flags override it.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    train.add_argument(
        "family", help=f"a GAN family ({', '.join(sorted(FAMILIES))}) or a zoo name (kerasgan list)"
    )
    train.add_argument(
        "--data",
        default=None,
        help="a tfds name (fashion_mnist, mnist, cifar10, celeb_a, ...), an image folder or a .npz "
        "file; required for a family, the recipe's for a zoo name",
    )
    train.add_argument("--out", required=True, help="run folder: samples/, gan.keras, log.csv")
    train.add_argument("--epochs", type=int, default=None, help="default: 5, or the zoo recipe's")
    train.add_argument("--batch-size", type=int, default=None, help="default: 64, or the zoo recipe's")
    train.add_argument("--image-size", type=int, default=None, help="resize images to this side")
    train.add_argument("--channels", type=int, choices=(1, 3), default=None)
    train.add_argument("--latent-dim", type=int, default=None, help="default: the family's")
    train.add_argument("--loss", default=None, help="override the family's adversarial loss")
    train.add_argument("--d-steps", type=int, default=None, help="discriminator steps per generator step")
    train.add_argument("--limit", type=int, default=None, help="use only the first N images")
    train.add_argument(
        "--labels-per-class",
        type=int,
        default=None,
        help="sgan: keep the labels of N images per class (fixed by --seed), the rest unlabelled; "
        "default: every label, or the zoo recipe's",
    )
    train.add_argument(
        "--num-classes",
        type=int,
        default=None,
        help="cgan/acgan/sgan: number of classes, when the data has no class names "
        "(Fashion-MNIST, MNIST and class folders have)",
    )
    train.add_argument("--seed", type=int, default=None, help="default: 0, or the zoo recipe's")
    _add_run_flags(train)
    train.set_defaults(handler=run_train)

    listing = commands.add_parser(
        "list",
        help="list the pretrained zoo",
        description="List the zoo's models: family, dataset, resolution, parameters of G/D, "
        "headline metric, and whether the weights are available offline (shipped or cached).",
    )
    listing.set_defaults(handler=run_list)

    sample = commands.add_parser(
        "sample",
        help="write a grid of samples from a zoo model",
        description="Generate images from a pretrained zoo model and save them as one PNG grid.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sample.add_argument("name", help="a zoo name (kerasgan list)")
    sample.add_argument("-n", "--num", type=int, default=64, help="number of images")
    sample.add_argument("--seed", type=int, default=0, help="same seed, same images")
    sample.add_argument("-o", "--output", default="samples.png", help="PNG file to write")
    sample.add_argument(
        "--label",
        default=None,
        help="conditional models: draw only this class, by index (7) or name (Sneaker); "
        "default: one column per class",
    )
    sample.add_argument("--columns", type=int, default=None, help="images per row (default: square-ish)")
    sample.add_argument("--revision", default=None, help="Hub commit to read instead of the pinned one")
    sample.set_defaults(handler=run_sample)

    finetune = commands.add_parser(
        "finetune",
        help="continue training a zoo model on your images",
        description="Load a zoo GAN (generator and discriminator, compiled with its recipe), "
        "read an image folder at the model's resolution and channels, and keep training "
        "with a sample grid, a gan.keras checkpoint and log.csv after every epoch.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    finetune.add_argument("name", help="a zoo name (kerasgan list)")
    finetune.add_argument("--data", required=True, help="an image folder (or a tfds name / .npz file)")
    finetune.add_argument("--out", required=True, help="run folder: samples/, gan.keras, log.csv")
    finetune.add_argument("--epochs", type=int, default=5)
    finetune.add_argument("--batch-size", type=int, default=64)
    finetune.add_argument("--limit", type=int, default=None, help="use only the first N images")
    finetune.add_argument("--seed", type=int, default=0)
    finetune.add_argument("--revision", default=None, help="Hub commit to read instead of the pinned one")
    _add_run_flags(finetune)
    finetune.set_defaults(handler=run_finetune)

    evaluate = commands.add_parser(
        "evaluate",
        help="score a zoo model or a run: FID, KID, Inception Score, precision/recall",
        description="Generate N images and compare them with real images. "
        "--features inception is the standard FID network (convert its weights once with "
        "tools/convert_fid_inception.py); --features fmnist is the bundled Fashion-MNIST "
        "classifier (seconds on a CPU, comparable only with other FID-FMNIST numbers).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    evaluate.add_argument("model", help="a zoo name, a .keras file, or a run folder holding gan.keras")
    evaluate.add_argument("--data", default="fashion_mnist", help="real images: tfds name, folder or .npz")
    evaluate.add_argument("--split", default="test", help="split of a named dataset")
    evaluate.add_argument(
        "--metrics",
        default="fid,kid,is,pr",
        help="comma-separated: fid, kid, is, pr, accuracy (conditional models: the fraction of "
        "n // K images per class that the bundled Fashion-MNIST classifier assigns to their class)",
    )
    evaluate.add_argument("-n", "--num", type=int, default=10000, help="generated images")
    evaluate.add_argument("--features", choices=("inception", "fmnist"), default="inception")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--json", default=None, help="also write the results to this JSON file")
    evaluate.set_defaults(handler=run_evaluate)
    return parser


def _epochs_done(out):
    path = os.path.join(out, "state.json")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return int(json.load(f)["epochs_done"])


def _zoo_names():
    from kerasgan import zoo

    return zoo.list_models()


def _fit_run(args, out, build_gan, load_dataset, state):
    """The shared `fit` loop of `train` and `finetune`.

    Resumes from `out/gan.keras` when `args.resume` and it exists, else calls
    `build_gan()`; trains `args.epochs` epochs of `load_dataset()` with a
    SampleGrid, a ModelCheckpoint, a CSVLogger and `out/state.json`.

    Args:
        args: argparse.Namespace. Uses resume, epochs, steps_per_epoch,
            samples and seed.
        out: str. The run folder.
        build_gan: callable. `build_gan(total_steps)` returns a compiled GAN
            for a fresh run of `total_steps` batches (for learning-rate
            schedules).
        load_dataset: callable. Returns the tf.data.Dataset to train on.
        state: dict. Extra fields written into state.json.
    """
    import keras

    from kerasgan import callbacks

    os.makedirs(out, exist_ok=True)
    checkpoint = os.path.join(out, "gan.keras")
    dataset = load_dataset()
    if int(dataset.cardinality()) == 0:
        raise ValueError(
            f"{args.data} gives no full batch of {args.batch_size} images; lower --batch-size."
        )

    steps_per_epoch = args.steps_per_epoch or int(dataset.cardinality())
    initial_epoch = 0
    if args.resume and os.path.exists(checkpoint):
        gan = keras.saving.load_model(checkpoint)
        initial_epoch = _epochs_done(out)
        print(f"Resuming {checkpoint} after epoch {initial_epoch}.")
    else:
        gan = build_gan(args.epochs * steps_per_epoch if steps_per_epoch > 0 else None)
    if initial_epoch >= args.epochs:
        print(f"{out} has already trained {initial_epoch} epochs (--epochs {args.epochs}).")
        return 0

    def save_state(epoch, logs):
        with open(os.path.join(out, "state.json"), "w") as f:
            json.dump({"epochs_done": epoch + 1, **state, **_run_settings(args)}, f)

    gan.fit(
        dataset,
        epochs=args.epochs,
        initial_epoch=initial_epoch,
        steps_per_epoch=args.steps_per_epoch,
        shuffle=False,  # kerasgan.data.load already shuffles
        callbacks=[
            callbacks.SampleGrid(os.path.join(out, "samples"), n=args.samples, seed=args.seed),
            keras.callbacks.ModelCheckpoint(checkpoint),
            keras.callbacks.CSVLogger(os.path.join(out, "log.csv"), append=initial_epoch > 0),
            keras.callbacks.LambdaCallback(on_epoch_end=save_state),
        ],
    )
    print(f"Saved {checkpoint} and sample grids in {os.path.join(out, 'samples')}.")
    return 0


def run_train(args):
    from kerasgan import models

    out = os.path.expanduser(args.out)
    if args.family in FAMILIES:
        if args.data is None:
            raise ValueError(f"training the family '{args.family}' needs --data.")
        class_name, compile_overrides, _ = FAMILIES[args.family]
        family = getattr(models, class_name)
        _check_label_flags(args, family)
        args.epochs = 5 if args.epochs is None else args.epochs
        args.batch_size = 64 if args.batch_size is None else args.batch_size
        args.seed = 0 if args.seed is None else args.seed
        loaded = {}

        def load_dataset():
            loaded["dataset"] = _load_data(args, args.image_size, args.channels, family.uses_labels)
            return loaded["dataset"]

        def build_gan(total_steps):
            spec = loaded["dataset"].element_spec
            while isinstance(spec, tuple):  # (images, labels) or ((images, labels), images)
                spec = spec[0]
            kwargs = {"image_shape": tuple(spec.shape[1:]), "seed": args.seed}
            if args.latent_dim:
                kwargs["latent_dim"] = args.latent_dim
            if family.uses_labels:
                kwargs.update(_class_arguments(args))
            gan = family(**kwargs)
            compile_kwargs = dict(compile_overrides)
            if args.loss:
                compile_kwargs["loss"] = args.loss
            if args.d_steps:
                compile_kwargs["d_steps"] = args.d_steps
            if args.jit:
                compile_kwargs["jit_compile"] = True
            gan.compile(**compile_kwargs)
            return gan

    else:
        if args.family not in _zoo_names():
            import difflib

            names = sorted(FAMILIES) + _zoo_names()
            close = difflib.get_close_matches(args.family, names, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ValueError(
                f"'{args.family}' is neither a family ({', '.join(sorted(FAMILIES))}) nor a zoo "
                f"model ({', '.join(_zoo_names())}).{hint}"
            )
        load_dataset, build_gan = _zoo_recipe_run(args)
    return _fit_run(args, out, build_gan, load_dataset, {"family": args.family, "data": args.data})


def _check_label_flags(args, family):
    """Refuse label flags a family cannot use, rather than silently ignoring them."""
    from kerasgan.models import SemiSupervisedGAN

    if not family.uses_labels:
        for flag in ("labels_per_class", "num_classes"):
            if getattr(args, flag, None) is not None:
                raise ValueError(
                    f"--{flag.replace('_', '-')} is for the labelled families (cgan, acgan, sgan); "
                    f"{family.__name__} trains on images alone."
                )
    elif args.labels_per_class is not None and not issubclass(family, SemiSupervisedGAN):
        raise ValueError(
            "--labels-per-class is for sgan: cgan and acgan need a label for every image."
        )


def _class_arguments(args):
    """num_classes and class_names of a labelled family, from --num-classes or the data's class names."""
    from kerasgan import data

    names = data.class_names(args.data)
    if args.num_classes is not None:
        if names is not None and len(names) != args.num_classes:
            raise ValueError(
                f"--num-classes {args.num_classes}, but {args.data} has {len(names)} classes: {names}."
            )
        return {"num_classes": args.num_classes, "class_names": names}
    if names is None:
        raise ValueError(
            f"{args.data} has no class names to count; pass --num-classes K "
            "(labels must be integers in [0, K))."
        )
    return {"num_classes": len(names), "class_names": names}


def _load_data(args, image_size, channels, labelled=False):
    """The run's training data: `--data` at the given size and channels, with the run's settings.

    Labelled families get `(images, labels)` batches, or with
    `--labels-per-class` the semi-supervised two-stream dataset.
    """
    from kerasgan import data

    per_class = getattr(args, "labels_per_class", None)
    if labelled and per_class is not None:
        return data.semi_supervised(
            args.data,
            labels_per_class=per_class,
            batch_size=args.batch_size,
            image_size=image_size,
            channels=channels,
            seed=args.seed,
            limit=args.limit,
        )
    return data.load(
        args.data,
        image_size=image_size,
        channels=channels,
        batch_size=args.batch_size,
        limit=args.limit,
        seed=args.seed,
        labels=labelled,
    )


def _run_settings(args):
    """The data settings of a run, recorded in state.json so a published run can be checked."""
    return {"batch_size": args.batch_size, "limit": args.limit, "seed": args.seed,
            "steps_per_epoch": args.steps_per_epoch,
            "labels_per_class": getattr(args, "labels_per_class", None)}


def _zoo_recipe_run(args):
    """Fill `args` from a zoo entry's recipe (flags win); return (load_dataset, build_gan)."""
    from kerasgan import zoo

    entry = zoo.get_entry(args.family)
    recipe = entry["recipe"]
    family = zoo.family_class(entry["family"])
    _check_label_flags(args, family)
    if args.num_classes is not None:
        raise ValueError(
            f"--num-classes cannot change a zoo entry's classes ({args.family} has "
            f"{entry['config']['num_classes']}); train the family instead."
        )
    for flag, key in (("data", "data"), ("epochs", "epochs"), ("batch_size", "batch_size"),
                      ("limit", "limit"), ("seed", "seed"), ("labels_per_class", "labels_per_class")):
        if getattr(args, flag) is None:
            setattr(args, flag, recipe[key])
    config = dict(entry["config"])
    height, width, channels = entry["image_shape"]
    if args.image_size or args.channels:
        height = width = args.image_size or height
        channels = args.channels or channels
        config["image_shape"] = [height, width, channels]
    if args.latent_dim:
        config["latent_dim"] = args.latent_dim
    entry = dict(entry, config=config)
    print(
        f"Training {args.family}: {entry['family']}({json.dumps(config)}) on {args.data}, "
        f"{args.epochs} epochs of batch {args.batch_size}, loss {args.loss or recipe['loss']}."
    )

    def load_dataset():
        return _load_data(args, (height, width), channels, family.uses_labels)

    def build_gan(total_steps):
        gan = zoo.build(entry, seed=args.seed)
        overrides = {}
        if args.loss:
            overrides["loss"] = args.loss
        if args.d_steps:
            overrides["d_steps"] = args.d_steps
        if args.jit:
            overrides["jit_compile"] = True
        return zoo.compile_from_recipe(gan, recipe, total_steps, **overrides)

    return load_dataset, build_gan


def _millions(count):
    return f"{count / 1e6:.2f}M"


def run_list(args):
    from kerasgan import zoo

    rows = [("name", "family", "dataset", "resolution", "params G/D", "metric", "offline")]
    for name in zoo.list_models():
        entry = zoo.get_entry(name)
        gan = zoo.build(entry)
        metric = entry["metrics"][0] if entry["metrics"] else None
        rows.append(
            (
                name,
                f"{entry['family']} ({entry['recipe']['family']})",
                entry["dataset"],
                "x".join(str(s) for s in entry["image_shape"]),
                f"{_millions(gan.generator.count_params())}/{_millions(gan.discriminator.count_params())}",
                f"{metric['name']} {metric['value']:g}" if metric else "-",
                "yes" if zoo.available_offline(entry) else "no",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * width for width in widths))
    return 0


def run_sample(args):
    from kerasgan import zoo
    from kerasgan.images import save_grid

    label = args.label
    if label is not None and label.lstrip("-").isdigit():
        label = int(label)
    images = zoo.sample(args.name, args.num, seed=args.seed, labels=label, revision=args.revision)
    columns = args.columns
    entry = zoo.get_entry(args.name)
    classes = entry["config"].get("num_classes")
    if columns is None and zoo.is_conditional(entry) and label is None and args.num >= classes:
        columns = classes  # labels cycle through the classes: one column per class
    path = save_grid(images, os.path.expanduser(args.output), columns=columns)
    which = "" if label is None else f" of class {args.label}"
    print(f"Wrote {len(images)} samples{which} of {args.name} (seed {args.seed}) to {path}.")
    return 0


def run_finetune(args):
    from kerasgan import zoo

    entry = zoo.get_entry(args.name)
    height, width, channels = entry["image_shape"]
    labelled = zoo.family_class(entry["family"]).uses_labels
    if labelled:
        from kerasgan import data

        names, classes = data.class_names(args.data), entry["config"]["num_classes"]
        if names is not None and len(names) > classes:
            raise ValueError(
                f"{args.data} has {len(names)} classes but {args.name} has {classes}: "
                "fine-tune on at most that many class sub-folders (sorted, they become labels 0, 1, ...)."
            )

    def load_dataset():
        return _load_data(args, (height, width), channels, labelled)

    def build_gan(total_steps):
        gan = zoo.load(args.name, revision=args.revision, part="gan")
        overrides = {"jit_compile": True} if args.jit else {}
        return zoo.compile_from_recipe(gan, entry["recipe"], total_steps, **overrides)

    state = {"family": entry["recipe"]["family"], "data": args.data, "finetuned_from": args.name}
    return _fit_run(args, os.path.expanduser(args.out), build_gan, load_dataset, state)


def _load_for_evaluation(model):
    path = os.path.expanduser(model)
    if os.path.isdir(path):
        path = os.path.join(path, "gan.keras")
    if path.endswith(".keras"):
        if not os.path.exists(path):
            raise FileNotFoundError(f"No such checkpoint: {path}")
        import keras

        import kerasgan  # noqa: F401 - registers the GAN families

        return keras.saving.load_model(path)
    from kerasgan import zoo

    # A conditional generator needs its labels: load the GAN, whose generate() cycles the classes.
    return zoo.load(model, part="gan" if zoo.is_conditional(zoo.get_entry(model)) else "generator")


def run_evaluate(args):
    from kerasgan.metrics import evaluate, format_table

    results = evaluate(
        _load_for_evaluation(args.model),
        data=args.data,
        metrics=[m.strip() for m in args.metrics.split(",") if m.strip()],
        n=args.num,
        features=args.features,
        split=args.split,
        seed=args.seed,
        progress=True,
    )
    print(format_table(results))
    if args.json:
        with open(os.path.expanduser(args.json), "w") as f:
            json.dump(results, f, indent=2)
    return 0


def _is_user_error(error):
    """Errors whose message is the whole story: bad input, missing files, Hub trouble."""
    if isinstance(error, (ValueError, FileNotFoundError, OSError)):
        return True
    hub = sys.modules.get("kerasgan.hub")
    return hub is not None and isinstance(error, hub.HubError)


def main(argv=None):
    # Quiet TensorFlow's C++ start-up chatter unless the user asked for it.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except Exception as error:  # noqa: BLE001 - user errors are printed, bugs re-raised
        if not _is_user_error(error):
            raise
        print(f"kerasgan {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
