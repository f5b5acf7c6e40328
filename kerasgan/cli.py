"""The `kerasgan` command line."""

import argparse
import json
import os
import sys

DESCRIPTION = """\
kerasgan: classic GANs as Keras 3 models.

Train a GAN on a dataset, a folder of images or a .npz file, with a Keras
progress bar, a sample grid and a .keras checkpoint after every epoch.
"""

EPILOG = """\
examples:
  kerasgan train dcgan --data fashion_mnist --epochs 5 --out runs/dcgan
  kerasgan train lsgan --data ~/pictures --image-size 64 --channels 3 --out runs/lsgan
  kerasgan train dcgan --data fashion_mnist --epochs 20 --out runs/dcgan --resume

Run `kerasgan COMMAND --help` for the options of a command.
"""

# name -> (family class name in kerasgan.models, compile() overrides, help)
FAMILIES = {
    "gan": ("VanillaGAN", {}, "the MLP GAN of Goodfellow et al. 2014"),
    "dcgan": ("DCGAN", {}, "DCGAN, Radford et al. 2016"),
    "lsgan": ("DCGAN", {"loss": "least_squares"}, "DCGAN trained with the least-squares loss"),
    "wgan-gp": ("WGANGP", {}, "Wasserstein GAN with gradient penalty"),
}


def _family_help():
    return "; ".join(f"{name}: {text}" for name, (_, _, text) in FAMILIES.items())


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
        help="train a GAN family on a dataset",
        description="Train a GAN family with model.fit. " + _family_help() + ".",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    train.add_argument("family", choices=sorted(FAMILIES), help="which GAN to train")
    train.add_argument(
        "--data",
        required=True,
        help="a tfds name (fashion_mnist, mnist, cifar10, celeb_a, ...), an image folder or a .npz file",
    )
    train.add_argument("--out", required=True, help="run folder: samples/, gan.keras, log.csv")
    train.add_argument("--epochs", type=int, default=5)
    train.add_argument("--batch-size", type=int, default=64)
    train.add_argument("--image-size", type=int, default=None, help="resize images to this side")
    train.add_argument("--channels", type=int, choices=(1, 3), default=None)
    train.add_argument("--latent-dim", type=int, default=None, help="default: the family's")
    train.add_argument("--loss", default=None, help="override the family's adversarial loss")
    train.add_argument("--d-steps", type=int, default=None, help="discriminator steps per generator step")
    train.add_argument("--limit", type=int, default=None, help="use only the first N images")
    train.add_argument("--steps-per-epoch", type=int, default=None)
    train.add_argument("--samples", type=int, default=64, help="images in each sample grid")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--jit", action="store_true", help="compile the train step with XLA")
    train.add_argument(
        "--resume", action="store_true", help="continue from the run folder's gan.keras"
    )
    train.set_defaults(handler=run_train)
    return parser


def _epochs_done(out):
    path = os.path.join(out, "state.json")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return int(json.load(f)["epochs_done"])


def run_train(args):
    import keras

    from kerasgan import callbacks, data, models

    out = os.path.expanduser(args.out)
    os.makedirs(out, exist_ok=True)
    checkpoint = os.path.join(out, "gan.keras")
    class_name, compile_overrides, _ = FAMILIES[args.family]

    dataset = data.load(
        args.data,
        image_size=args.image_size,
        channels=args.channels,
        batch_size=args.batch_size,
        limit=args.limit,
        seed=args.seed,
    )
    image_shape = tuple(dataset.element_spec.shape[1:])

    initial_epoch = 0
    if args.resume and os.path.exists(checkpoint):
        gan = keras.saving.load_model(checkpoint)
        initial_epoch = _epochs_done(out)
        print(f"Resuming {checkpoint} after epoch {initial_epoch}.")
    else:
        family = getattr(models, class_name)
        kwargs = {"image_shape": image_shape, "seed": args.seed}
        if args.latent_dim:
            kwargs["latent_dim"] = args.latent_dim
        gan = family(**kwargs)
        compile_kwargs = dict(compile_overrides)
        if args.loss:
            compile_kwargs["loss"] = args.loss
        if args.d_steps:
            compile_kwargs["d_steps"] = args.d_steps
        if args.jit:
            compile_kwargs["jit_compile"] = True
        gan.compile(**compile_kwargs)
    if initial_epoch >= args.epochs:
        print(f"{out} has already trained {initial_epoch} epochs (--epochs {args.epochs}).")
        return 0

    def save_state(epoch, logs):
        with open(os.path.join(out, "state.json"), "w") as f:
            json.dump({"epochs_done": epoch + 1, "family": args.family, "data": args.data}, f)

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


def main(argv=None):
    # Quiet TensorFlow's C++ start-up chatter unless the user asked for it.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError, OSError) as error:
        print(f"kerasgan {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
