"""Publish a kerasgan zoo entry: export its weights and model card, push them to the Hub, pin the commit.

The weights come from a finished run (`--from-run runs/NAME/gan.keras`, checked
against the entry's family, config and recipe) or from the entry's current
files (shipped, cached or on the Hub). They are exported as `config.json`,
`generator.safetensors`, `discriminator.safetensors`, `README.md` (the model
card, from the registry entry) and `samples.png` into a staging folder, which
is committed to the Hub repo with the head read at start as `parent_commit`
(a concurrent push makes the upload fail instead of being overwritten). The
new commit sha is printed (last line) and pinned in `zoo/NAME/entry.json`
together with the files' sha256 and sizes.

`--ship` also copies the files into `zoo/NAME/` so they ship with kerasgan and
load offline; `--dry-run` writes the files without uploading. With
`--dry-run --ship` a finished run becomes a complete offline entry (the pinned
revision stays null until the files are uploaded).

Examples:
    python hub_upload.py dcgan-fashion-mnist --from-run runs/dcgan-fashion-mnist/gan.keras \\
        --ship --dry-run --time-seconds 5400
    python hub_upload.py dcgan-fashion-mnist --repo-id kerasgan/dcgan-fashion-mnist
    python hub_upload.py dcgan-fashion-mnist --dry-run --out /tmp/dcgan-card   # look before pushing
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

EXPORTED = ("config.json", "generator.safetensors", "discriminator.safetensors", "README.md", "samples.png")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="hub_upload.py",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__[__doc__.index("Examples:") :],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", help="zoo entry name (kerasgan list)")
    parser.add_argument("--repo-id", default=None, help="Hub repo ORG/NAME (default: the entry's hub.repo_id)")
    parser.add_argument("--from-run", default=None, metavar="PATH.keras", help="export this trained gan.keras")
    parser.add_argument("--out", default=None, help="staging folder for the exported files (default: a temp folder)")
    parser.add_argument("--ship", action="store_true", help="also copy the files into zoo/NAME/ (shipped, offline)")
    parser.add_argument("--dry-run", action="store_true", help="write the files, do not upload")
    parser.add_argument("--endpoint", default=None, help="Hub URL (default: HF_ENDPOINT or huggingface.co)")
    parser.add_argument("--message", default=None, help="commit message")
    parser.add_argument("--private", action="store_true", help="create the repo private if it does not exist")
    parser.add_argument("--hardware", default=None, help="training hardware (default with --from-run: this CPU)")
    parser.add_argument("--time-seconds", type=float, default=None, help="training wall-clock seconds")
    parser.add_argument("--date", default=None, help="training date YYYY-MM-DD (default: the run file's date)")
    parser.add_argument(
        "--metric",
        nargs=4,
        action="append",
        default=[],
        metavar=("NAME", "VALUE", "PROTOCOL", "SAMPLES"),
        help="record a metric (replaces one of the same name); repeatable, the first is the headline",
    )
    parser.add_argument("--zoo-dir", default=None, help="registry folder (default: KERASGAN_ZOO_DIR or zoo/)")
    return parser


def describe_hardware():
    """A one-line description of this machine's CPU (and GPUs TensorFlow sees)."""
    model = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import platform

    text = f"CPU: {model or platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    try:
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            text += f"; {len(gpus)} GPU(s)"
    except Exception:  # noqa: BLE001 - hardware notes are best effort
        pass
    return text


def _run_state(run_path):
    state = run_path.parent / "state.json"
    if not state.is_file():
        return None
    return json.loads(state.read_text())


def gan_from_run(path, entry):
    """Load a run's gan.keras and check it is this entry's model trained with its recipe.

    Returns (gan, recipe updates) where the updates carry the epochs the run
    actually trained (from the run's state.json).
    """
    import keras

    from kerasgan import zoo
    from kerasgan.gan import GAN

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"No run checkpoint at {path}.")
    gan = keras.saving.load_model(path)  # a local file this project's `train` wrote; safe_mode stays on
    if not isinstance(gan, GAN):
        raise ValueError(f"{path} holds a {type(gan).__name__}, not a kerasgan GAN.")
    zoo.check_matches_entry(gan, entry)
    mismatches = zoo.recipe_mismatches(gan, entry["recipe"])
    updates = {}
    state = _run_state(path)
    if state is not None:
        family = state.get("family")
        if family not in (entry["recipe"]["family"], entry["name"]):
            mismatches.append(f"family: run {family!r}, recipe {entry['recipe']['family']!r}")
        if state.get("data") not in (None, entry["recipe"]["data"]):
            mismatches.append(f"data: run {state.get('data')!r}, recipe {entry['recipe']['data']!r}")
        # Recorded by `kerasgan train` since the zoo landed; older runs lack them.
        for key in ("batch_size", "limit", "seed", "labels_per_class"):
            if key in state and state[key] != entry["recipe"][key]:
                mismatches.append(f"{key}: run {state[key]!r}, recipe {entry['recipe'][key]!r}")
        if state.get("steps_per_epoch") is not None:
            mismatches.append(f"steps_per_epoch: the run stopped each epoch after {state['steps_per_epoch']} steps")
        updates["epochs"] = int(state["epochs_done"])
    if mismatches:
        raise ValueError(
            f"{path} was not trained with the recipe of '{entry['name']}':\n  - "
            + "\n  - ".join(mismatches)
            + f"\nFix the recipe in zoo/{entry['name']}/entry.json so it says how the weights were made."
        )
    return gan, updates


def _head(repo_id, endpoint):
    """The current head of `main` of a Hub repo, or None (no repo or no commit yet)."""
    import huggingface_hub
    from huggingface_hub import errors

    from kerasgan import hub

    api = huggingface_hub.HfApi(endpoint=hub._resolve_endpoint(endpoint))
    try:
        refs = api.list_repo_refs(repo_id)
    except errors.RepositoryNotFoundError:
        return None
    return next((ref.target_commit for ref in refs.branches if ref.name == "main"), None)


def _prepare_out(out):
    out = Path(out).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    strays = sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[0] not in (".cache", ".git") and p.name not in EXPORTED
    )
    if strays:
        raise ValueError(f"--out {out} holds other files that would be uploaded too: {strays[:5]}; use an empty folder.")
    return out


def _update_metrics(metrics, new):
    metrics = list(metrics)
    for name, value, protocol, samples in new:
        record = {"name": name, "value": float(value), "protocol": protocol, "samples": int(samples)}
        for i, old in enumerate(metrics):
            if old["name"] == name:
                metrics[i] = record
                break
        else:
            metrics.append(record)
    # The first --metric is the headline.
    names = [m[0] for m in new]
    return sorted(metrics, key=lambda m: names.index(m["name"]) if m["name"] in names else len(names))


def publish(args):
    """Run hub_upload with parsed arguments; return the new commit sha (None for a dry run)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from kerasgan import hub, zoo

    entry = zoo.get_entry(args.name, args.zoo_dir)
    folder = zoo.entry_dir(args.name, args.zoo_dir)
    repo_id = args.repo_id or entry["hub"]["repo_id"]
    # Read the head before exporting, so a push made meanwhile is caught as a conflict.
    parent = None if args.dry_run else _head(repo_id, args.endpoint)

    if args.from_run:
        gan, recipe_updates = gan_from_run(args.from_run, entry)
        entry["recipe"].update(recipe_updates)
        run_date = datetime.datetime.fromtimestamp(Path(args.from_run).expanduser().stat().st_mtime)
        entry["training"] = {
            "hardware": args.hardware or describe_hardware(),
            "time_seconds": args.time_seconds,
            "date": args.date or run_date.strftime("%Y-%m-%d"),
        }
    else:
        gan = zoo.load(args.name, part="gan", zoo_dir=args.zoo_dir)
        for key, value in (("hardware", args.hardware), ("time_seconds", args.time_seconds), ("date", args.date)):
            if value is not None:
                entry["training"][key] = value
    entry["metrics"] = _update_metrics(entry["metrics"], args.metric)
    entry["hub"]["repo_id"] = repo_id
    entry = zoo.validate_entry(entry)

    out = _prepare_out(args.out) if args.out else Path(tempfile.mkdtemp(prefix=f"{args.name}-"))
    files = zoo.export(gan, out, entry)
    print(f"Exported {args.name} to {out}:")
    for filename, record in files.items():
        print(f"  {filename:28s} {record['size']:>10d} bytes  sha256 {record['sha256']}")

    sha = None
    if not args.dry_run:
        sha = hub.upload_folder_pinned(
            out,
            repo_id,
            parent_commit=parent,
            commit_message=args.message or f"kerasgan {args.name}",
            endpoint=args.endpoint,
            private=args.private,
        )
        print(f"Committed to {repo_id} at {sha}.")

    shipped = [f for f in EXPORTED if (folder / f).exists()]
    if args.ship or shipped:
        for filename in EXPORTED:
            shutil.copyfile(out / filename, folder / filename)
        print(f"Shipped the files in {folder}.")

    if sha is not None:
        entry["hub"]["revision"] = sha
        entry["files"] = files
    elif args.ship or shipped:
        weights = ("config.json", "generator.safetensors", "discriminator.safetensors")
        old = entry["files"]
        if entry["hub"]["revision"] is not None and any(old.get(f) != files[f] for f in weights):
            print(
                f"The weights differ from the ones pinned at {entry['hub']['revision']}: "
                "hub.revision is reset to null until they are uploaded."
            )
            entry["hub"]["revision"] = None
        entry["files"] = files
    else:
        print("Dry run: nothing uploaded and entry.json left unchanged.")
        if not args.out:
            print(f"The files stay in {out}.")
        return None
    path = zoo.write_entry(entry, args.zoo_dir)
    print(f"Updated {path}.")
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    if sha is not None:
        print(sha)
    return sha


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        publish(args)
    except Exception as error:  # noqa: BLE001 - print user errors, re-raise bugs
        from kerasgan import hub

        if not isinstance(error, (ValueError, OSError, hub.HubError)):
            raise
        print(f"hub_upload.py: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
