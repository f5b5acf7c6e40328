"""The pretrained zoo: names -> family, config, training recipe and pinned weights.

Each named model is one folder `zoo/<name>/` holding a declarative
`entry.json` (validated against a strict schema: an unknown or misspelt key is
an error) and, when the weights are small enough to ship with the project, the
exported files beside it: `config.json`, `generator.safetensors`,
`discriminator.safetensors`, a model card `README.md` and `samples.png`.

Weights are data, never code. `config.json` names a family registered in
`kerasgan.models` and its constructor arguments; the two `.safetensors` files
map Keras variable paths (`v.path`, e.g. `"project/kernel"`, non-trainable
batch-norm statistics included) to arrays. Loading never unpickles, never
reads a `.keras` file from the Hub and never builds anything but a registered
kerasgan family. Every file is checked against the sha256 recorded in the
entry and found, in this order, in the entry folder (shipped with the
project), in the Hugging Face cache, or on the Hub at the entry's pinned
commit (see `kerasgan.hub.fetch`).

The registry folder is `$KERASGAN_ZOO_DIR` when set, else the `zoo/` folder
shipped with kerasgan; every function also takes `zoo_dir=`.

Example:
>>> import kerasgan
>>> kerasgan.list_models()                               # doctest: +SKIP
['dcgan-celeba', 'dcgan-fashion-mnist', 'gan-fashion-mnist', ...]
>>> images = kerasgan.sample("dcgan-fashion-mnist", 16, seed=0)  # doctest: +SKIP
>>> images.shape, images.dtype                           # doctest: +SKIP
((16, 28, 28, 1), dtype('uint8'))
>>> generator = kerasgan.load("dcgan-fashion-mnist")     # doctest: +SKIP
>>> untrained = kerasgan.load("dcgan-celeba", weights=None)  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import difflib
import json
import math
import os
import re
import shlex
from pathlib import Path

from kerasgan.weights import load_weights, save_weights

__all__ = [
    "ZOO_DIR_ENV",
    "CONFIG_FORMAT",
    "ZooEntryError",
    "available_offline",
    "build",
    "compile_from_recipe",
    "entry_dir",
    "export",
    "get_entry",
    "list_models",
    "load",
    "load_weights",
    "model_card",
    "sample",
    "save_weights",
    "validate_entry",
    "write_entry",
    "registry_dir",
    "check_matches_entry",
    "recipe_mismatches",
]

#: Environment variable naming another registry folder (tests, private zoos).
ZOO_DIR_ENV = "KERASGAN_ZOO_DIR"

#: Value of the "format" field of an exported config.json.
CONFIG_FORMAT = "kerasgan-zoo/1"

CONFIG_FILE = "config.json"
WEIGHT_FILES = {"generator": "generator.safetensors", "discriminator": "discriminator.safetensors"}
CARD_FILE = "README.md"
SAMPLES_FILE = "samples.png"
#: Files a published entry must record (what `load(..., part="gan")` reads).
REQUIRED_FILES = (CONFIG_FILE, WEIGHT_FILES["generator"], WEIGHT_FILES["discriminator"])

_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")
_REPO_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_FILENAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ZooEntryError(ValueError):
    """A registry entry (or an exported config.json) breaks the schema."""


# --------------------------------------------------------------------------- schema
#
# Like StudioGAN's config: every field is listed here with what it may hold,
# optional fields have a default, and a key that is not listed is an error.

_REQUIRED = object()

#: entry.json, top level. All fields are required.
ENTRY_FIELDS = {
    "name": "str. kebab-case <family>-<dataset>[-<variant>]; equals the folder name",
    "description": "str. One line.",
    "family": "str. A GAN class registered in kerasgan.models: VanillaGAN, DCGAN, WGANGP, ACGAN, ...",
    "config": "dict. The family's constructor arguments (its get_config() architecture).",
    "dataset": "str. What it was trained on, e.g. the tfds name 'fashion_mnist'.",
    "image_shape": "[H, W, C]. The generator's output shape; C is 1 or 3.",
    "latent_dim": "int. Size of z ~ N(0, I).",
    "recipe": "dict. How to reproduce it with `kerasgan train NAME` (see RECIPE_FIELDS).",
    "hub": "dict. {repo_id: 'org/name', revision: 40-hex commit sha or null if unpublished}.",
    "files": "dict. {filename: {sha256: 64-hex, size: bytes}} of the published/shipped files.",
    "license": "str. SPDX-like license id of the weights, e.g. 'apache-2.0', or 'other'.",
    "metrics": "list. [{name, value, protocol, samples}], headline metric first; may be empty.",
    "training": "dict. {hardware: str|null, time_seconds: number|null, date: 'YYYY-MM-DD'|null}.",
}

_ADAM = {"name": "adam", "learning_rate": 2e-4, "beta_1": 0.5, "beta_2": 0.999}

#: entry["recipe"]: field -> (default, allowed values). _REQUIRED has no default.
RECIPE_FIELDS = {
    # `kerasgan train` family name: "gan", "dcgan", "lsgan", "wgan-gp", "cgan", "acgan", "sgan".
    "family": (_REQUIRED, "a `kerasgan train` family: gan, dcgan, lsgan, wgan-gp, cgan, acgan, sgan"),
    # Anything kerasgan.data.load takes: a tfds name, an image folder, a .npz file.
    "data": (_REQUIRED, "a tfds name, an image folder or a .npz file"),
    "epochs": (_REQUIRED, "int >= 1"),
    "batch_size": (_REQUIRED, "int >= 1"),
    # Use only the first N images (null = all).
    "limit": (None, "int >= 1 or null"),
    # "minimax", "non_saturating", "least_squares", "hinge", "wasserstein".
    "loss": ("non_saturating", "a kerasgan.losses name"),
    "d_steps": (1, "int >= 1: discriminator steps per generator step"),
    "gp_weight": (0.0, "float >= 0: WGAN-GP gradient penalty weight"),
    "r1_weight": (0.0, "float >= 0: R1 penalty gamma"),
    # {"name": "adam" | "rmsprop" | "sgd", "learning_rate": float, optimizer arguments,
    #  optional "schedule": "constant" (default) | "linear" (decays to 0 over the run)}.
    "d_optimizer": (_ADAM, "an optimizer dict"),
    "g_optimizer": (_ADAM, "an optimizer dict"),
    "seed": (0, "int: data order, training noise and sample-grid seed"),
    # Semi-supervised runs: labels kept per class (kerasgan.data.semi_supervised); null = all.
    "labels_per_class": (None, "int >= 1 or null"),
}

#: Optimizer dicts: name -> (keras class name, allowed arguments besides learning_rate).
OPTIMIZERS = {
    "adam": ("Adam", {"beta_1", "beta_2", "epsilon"}),
    "rmsprop": ("RMSprop", {"rho", "momentum", "epsilon"}),
    "sgd": ("SGD", {"momentum", "nesterov"}),
}

#: Learning-rate schedules an optimizer dict may name: "constant" keeps
#: learning_rate; "linear" decays it linearly to 0 over the run's steps.
SCHEDULES = ("constant", "linear")

#: The names kerasgan.losses.get accepts (kept here so validating needs no Keras import).
LOSS_NAMES = ("hinge", "least_squares", "minimax", "non_saturating", "wasserstein")

_METRIC_FIELDS = ("name", "value", "protocol", "samples")
_TRAINING_FIELDS = ("hardware", "time_seconds", "date")
_HUB_FIELDS = ("repo_id", "revision")
_FILE_FIELDS = ("sha256", "size")

#: config.json fields (exported next to the weights).
_CONFIG_JSON_FIELDS = ("format", "name", "family", "config", "image_shape", "latent_dim", "weights", "kerasgan_version")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_keys(where, value, allowed, required, problems):
    if not isinstance(value, dict):
        problems.append(f"{where} must be an object, got {type(value).__name__}")
        return False
    for key in value:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), list(allowed), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"{where}: unknown key '{key}'{hint}; allowed: {', '.join(allowed)}")
    for key in required:
        if key not in value:
            problems.append(f"{where}: missing key '{key}'")
    return True


def _check_optimizer(where, value, problems):
    if not isinstance(value, dict):
        problems.append(f"{where} must be an object like {_ADAM}")
        return
    name = value.get("name")
    if name not in OPTIMIZERS:
        problems.append(f"{where}.name must be one of {sorted(OPTIMIZERS)}, got {name!r}")
        return
    allowed = ("name", "learning_rate", "schedule", *sorted(OPTIMIZERS[name][1]))
    _check_keys(where, value, allowed, ("name", "learning_rate"), problems)
    for key, item in value.items():
        if key == "name" or key not in allowed:
            continue
        if key == "schedule":
            if item not in SCHEDULES:
                problems.append(f"{where}.schedule must be one of {list(SCHEDULES)}, got {item!r}")
            continue
        if key == "nesterov":
            if not isinstance(item, bool):
                problems.append(f"{where}.nesterov must be true or false")
        elif not _is_number(item) or item < 0:
            problems.append(f"{where}.{key} must be a number >= 0, got {item!r}")


def _check_recipe(recipe, problems):
    if not _check_keys(
        "recipe", recipe, tuple(RECIPE_FIELDS), [k for k, (d, _) in RECIPE_FIELDS.items() if d is _REQUIRED], problems
    ):
        return
    from kerasgan.cli import FAMILIES

    family = recipe.get("family")
    if family is not None and family not in FAMILIES:
        problems.append(f"recipe.family must be one of {sorted(FAMILIES)}, got {family!r}")
    if "data" in recipe and not (isinstance(recipe["data"], str) and recipe["data"]):
        problems.append("recipe.data must be a non-empty string")
    for key in ("epochs", "batch_size", "d_steps"):
        if key in recipe and not (_is_int(recipe[key]) and recipe[key] >= 1):
            problems.append(f"recipe.{key} must be an int >= 1, got {recipe[key]!r}")
    for key in ("limit", "labels_per_class"):
        if recipe.get(key) is not None and not (_is_int(recipe[key]) and recipe[key] >= 1):
            problems.append(f"recipe.{key} must be an int >= 1 or null, got {recipe[key]!r}")
    for key in ("gp_weight", "r1_weight"):
        if key in recipe and not (_is_number(recipe[key]) and recipe[key] >= 0):
            problems.append(f"recipe.{key} must be a number >= 0, got {recipe[key]!r}")
    if "loss" in recipe and recipe["loss"] not in LOSS_NAMES:
        problems.append(f"recipe.loss must be one of {list(LOSS_NAMES)}, got {recipe['loss']!r}")
    for key in ("d_optimizer", "g_optimizer"):
        if key in recipe:
            _check_optimizer(f"recipe.{key}", recipe[key], problems)
    if "seed" in recipe and not _is_int(recipe["seed"]):
        problems.append(f"recipe.seed must be an int, got {recipe['seed']!r}")


def _check_image_shape(where, value, problems):
    if not (
        isinstance(value, list)
        and len(value) == 3
        and all(_is_int(v) and v >= 1 for v in value)
        and value[2] in (1, 3)
    ):
        problems.append(f"{where} must be [H, W, C] with positive ints and C in (1, 3), got {value!r}")
        return False
    return True


def validate_entry(entry, folder_name=None, *, check_family=True):
    """Check an entry against the schema and return it with recipe defaults filled in.

    Args:
        entry: dict. A parsed entry.json.
        folder_name: str or None. The entry's folder name, which must equal
            `entry["name"]`.
        check_family: bool. Also check that `family` is a GAN class registered
            in `kerasgan.models` (imports Keras).

    Returns:
        dict. A deep copy of `entry` whose recipe has every field.

    Raises:
        ZooEntryError: listing every problem found (unknown keys, missing
            keys, wrong types, inconsistent fields).

    Example:
    >>> validate_entry(json.load(open("zoo/dcgan-celeba/entry.json")))  # doctest: +SKIP
    """
    problems = []
    label = entry.get("name") if isinstance(entry, dict) else None
    label = label or folder_name or "<entry>"
    if not _check_keys("entry", entry, tuple(ENTRY_FIELDS), tuple(ENTRY_FIELDS), problems):
        raise ZooEntryError(f"Invalid zoo entry {label}: " + "; ".join(problems))
    entry = copy.deepcopy(entry)

    name = entry.get("name")
    if not (isinstance(name, str) and _NAME_RE.match(name)):
        problems.append(f"name must be kebab-case like 'dcgan-fashion-mnist', got {name!r}")
    elif folder_name is not None and name != folder_name:
        problems.append(f"name '{name}' differs from its folder name '{folder_name}'")
    description = entry.get("description")
    if not (isinstance(description, str) and description.strip() and "\n" not in description):
        problems.append("description must be one non-empty line")
    for key in ("family", "dataset", "license"):
        if key in entry and not (isinstance(entry[key], str) and entry[key]):
            problems.append(f"{key} must be a non-empty string")
    config = entry.get("config")
    if not isinstance(config, dict):
        problems.append("config must be an object of constructor arguments")
        config = {}
    image_shape_ok = _check_image_shape("image_shape", entry.get("image_shape"), problems)
    latent_dim = entry.get("latent_dim")
    if not (_is_int(latent_dim) and latent_dim >= 1):
        problems.append(f"latent_dim must be an int >= 1, got {latent_dim!r}")
    elif "latent_dim" in config and config["latent_dim"] != latent_dim:
        problems.append(f"latent_dim {latent_dim} differs from config.latent_dim {config['latent_dim']}")
    if image_shape_ok and "image_shape" in config and list(config["image_shape"]) != entry["image_shape"]:
        problems.append(f"image_shape {entry['image_shape']} differs from config.image_shape {config['image_shape']}")

    recipe = entry.get("recipe")
    _check_recipe(recipe, problems)
    if isinstance(recipe, dict):
        for key, (default, _) in RECIPE_FIELDS.items():
            if key not in recipe and default is not _REQUIRED:
                recipe[key] = copy.deepcopy(default)
        from kerasgan.cli import FAMILIES

        if recipe.get("family") in FAMILIES and isinstance(entry.get("family"), str):
            class_name = FAMILIES[recipe["family"]][0]
            if class_name != entry["family"]:
                problems.append(
                    f"recipe.family '{recipe['family']}' trains {class_name}, but family is '{entry['family']}'"
                )
        if recipe.get("labels_per_class") is not None and recipe.get("family") != "sgan":
            problems.append("recipe.labels_per_class is for the semi-supervised family 'sgan' only")

    hub = entry.get("hub")
    if _check_keys("hub", hub, _HUB_FIELDS, _HUB_FIELDS, problems):
        if not (isinstance(hub.get("repo_id"), str) and _REPO_ID_RE.match(hub["repo_id"])):
            problems.append(f"hub.repo_id must look like 'org/name', got {hub.get('repo_id')!r}")
        revision = hub.get("revision")
        if revision is not None and not (isinstance(revision, str) and _COMMIT_RE.match(revision)):
            problems.append(
                f"hub.revision must be a 40-hex commit sha (a branch is not reproducible) or null, got {revision!r}"
            )

    files = entry.get("files")
    if isinstance(files, dict):
        for filename, record in files.items():
            if not (isinstance(filename, str) and _FILENAME_RE.match(filename)):
                problems.append(f"files: {filename!r} is not a plain file name (no folders, no '..')")
            if _check_keys(f"files['{filename}']", record, _FILE_FIELDS, _FILE_FIELDS, problems):
                if not (isinstance(record.get("sha256"), str) and _SHA256_RE.match(record["sha256"])):
                    problems.append(f"files['{filename}'].sha256 must be 64 lowercase hex characters")
                if not (_is_int(record.get("size")) and record["size"] >= 0):
                    problems.append(f"files['{filename}'].size must be an int >= 0")
        if isinstance(hub, dict) and hub.get("revision") is not None:
            missing = [f for f in REQUIRED_FILES if f not in files]
            if missing:
                problems.append(f"hub.revision is set but files lacks {missing}")
    else:
        problems.append("files must be an object {filename: {sha256, size}}")

    metrics = entry.get("metrics")
    if isinstance(metrics, list):
        for i, metric in enumerate(metrics):
            if _check_keys(f"metrics[{i}]", metric, _METRIC_FIELDS, _METRIC_FIELDS, problems):
                if not (isinstance(metric.get("name"), str) and metric["name"]):
                    problems.append(f"metrics[{i}].name must be a non-empty string")
                if "value" in metric and not _is_number(metric["value"]):
                    problems.append(f"metrics[{i}].value must be a number")
                if not isinstance(metric.get("protocol"), str):
                    problems.append(f"metrics[{i}].protocol must be a string")
                if not (_is_int(metric.get("samples")) and metric["samples"] >= 1):
                    problems.append(f"metrics[{i}].samples must be an int >= 1")
    else:
        problems.append("metrics must be a list (may be empty)")

    training = entry.get("training")
    if _check_keys("training", training, _TRAINING_FIELDS, _TRAINING_FIELDS, problems):
        if training.get("hardware") is not None and not isinstance(training["hardware"], str):
            problems.append("training.hardware must be a string or null")
        seconds = training.get("time_seconds")
        if seconds is not None and not (_is_number(seconds) and seconds >= 0):
            problems.append("training.time_seconds must be a number >= 0 or null")
        date = training.get("date")
        if date is not None and not (isinstance(date, str) and _DATE_RE.match(date)):
            problems.append(f"training.date must be 'YYYY-MM-DD' or null, got {date!r}")

    if check_family and isinstance(entry.get("family"), str):
        try:
            family_class(entry["family"])
        except ZooEntryError as error:
            problems.append(str(error))
    if problems:
        raise ZooEntryError(f"Invalid zoo entry '{label}':\n  - " + "\n  - ".join(problems))
    return entry


# --------------------------------------------------------------------------- registry


def registry_dir(zoo_dir=None):
    """Return the registry folder: `zoo_dir`, else `$KERASGAN_ZOO_DIR`, else the shipped zoo.

    The shipped zoo is `kerasgan/_zoo/` in an installed wheel and the
    repository's `zoo/` folder in a source checkout or editable install.

    Args:
        zoo_dir: str, PathLike or None. An explicit registry folder.
    """
    if zoo_dir is not None:
        return Path(zoo_dir).expanduser()
    env = os.environ.get(ZOO_DIR_ENV)
    if env:
        return Path(env).expanduser()
    package = Path(__file__).resolve().parent
    for candidate in (package / "_zoo", package.parent / "zoo"):
        if candidate.is_dir():
            return candidate
    return package.parent / "zoo"


def _entry_names(root):
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "entry.json").is_file())


def list_models(zoo_dir=None):
    """Return the names of the zoo's models, sorted.

    Args:
        zoo_dir: str, PathLike or None. Registry folder (see `registry_dir`).

    Example:
    >>> "dcgan-fashion-mnist" in list_models()  # doctest: +SKIP
    True
    """
    return _entry_names(registry_dir(zoo_dir))


def entry_dir(name, zoo_dir=None):
    """Return the folder of zoo entry `name` (ValueError if there is none)."""
    root = registry_dir(zoo_dir)
    names = _entry_names(root)
    if name not in names:
        close = difflib.get_close_matches(str(name), names, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        available = ", ".join(names) if names else f"none (no entries in {root})"
        raise ValueError(f"Unknown zoo model '{name}'.{hint} Available: {available}.")
    return root / name


def get_entry(name, zoo_dir=None, *, check_family=True):
    """Read, validate and return the entry.json of zoo model `name` (recipe defaults filled).

    Args:
        name: str. A name from `list_models()`.
        zoo_dir: str, PathLike or None. Registry folder (see `registry_dir`).
        check_family: bool. Also check the family is registered (imports Keras).

    Raises:
        ValueError: unknown name (the message lists the names and a close match).
        ZooEntryError: the entry breaks the schema.
    """
    folder = entry_dir(name, zoo_dir)
    path = folder / "entry.json"
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ZooEntryError(f"{path} is not valid JSON: {error}") from None
    return validate_entry(entry, folder.name, check_family=check_family)


def write_entry(entry, zoo_dir=None):
    """Validate `entry` and write it to `<zoo>/<name>/entry.json` (2-space JSON); return the path."""
    entry = validate_entry(entry)
    folder = registry_dir(zoo_dir) / entry["name"]
    folder.mkdir(parents=True, exist_ok=True)
    ordered = {key: entry[key] for key in ENTRY_FIELDS}
    path = folder / "entry.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------- building


def family_class(family):
    """The GAN class `family` if it is registered in kerasgan.models, else ZooEntryError."""
    import keras

    from kerasgan import models
    from kerasgan.gan import GAN

    cls = getattr(models, family, None) if family in getattr(models, "__all__", ()) else None
    registered = keras.saving.get_registered_object(f"kerasgan>{family}")
    if cls is None or registered is not cls or not (isinstance(cls, type) and issubclass(cls, GAN)):
        known = sorted(
            n for n in getattr(models, "__all__", ()) if isinstance(getattr(models, n), type)
        )
        raise ZooEntryError(
            f"family '{family}' is not a GAN registered in kerasgan.models (known: {', '.join(known)}); "
            "the zoo builds nothing else."
        )
    return cls


def build(entry, seed=None):
    """Build the untrained GAN of an entry: `family(**config)`.

    Args:
        entry: dict. A validated entry.
        seed: int or None. The GAN's training-noise seed.
    """
    cls = family_class(entry["family"])
    try:
        return cls(**entry["config"], seed=seed)
    except TypeError as error:
        raise ZooEntryError(f"config of '{entry['name']}' does not fit {entry['family']}: {error}") from None


def optimizer_from_spec(spec, total_steps=None):
    """A Keras optimizer from a recipe's optimizer dict, e.g. {"name": "adam", "learning_rate": 2e-4}.

    Args:
        spec: dict. A validated optimizer dict.
        total_steps: int or None. Length of the run in optimizer steps. With
            `"schedule": "linear"` the learning rate decays linearly from
            `learning_rate` to 0 over these steps (a
            `keras.optimizers.schedules.PolynomialDecay`, which is saved and
            resumed with the optimizer). None keeps the rate constant, e.g.
            for a fine-tune of unknown length.

    Example:
    >>> opt = optimizer_from_spec({"name": "adam", "learning_rate": 1e-3, "schedule": "linear"}, 100)
    >>> round(float(opt.learning_rate), 6)
    0.001
    """
    import keras

    spec = dict(spec)
    class_name, _ = OPTIMIZERS[spec.pop("name")]
    if spec.pop("schedule", "constant") == "linear" and total_steps is not None:
        if not (_is_int(total_steps) and total_steps >= 1):
            raise ValueError(f"total_steps must be an int >= 1, got {total_steps!r}.")
        spec["learning_rate"] = keras.optimizers.schedules.PolynomialDecay(
            spec["learning_rate"], total_steps, end_learning_rate=0.0
        )
    return getattr(keras.optimizers, class_name)(**spec)


def compile_from_recipe(gan, recipe, total_steps=None, **overrides):
    """Compile `gan` with a recipe's optimizers, loss, d_steps and penalties.

    Args:
        gan: kerasgan.GAN. The model to compile.
        recipe: dict. A validated recipe (defaults filled in).
        total_steps: int or None. Training steps (batches) the run will
            take, for optimizers with `"schedule": "linear"` (see
            `optimizer_from_spec`); the discriminator's optimizer counts
            `d_steps` updates per step.
        **overrides: compile arguments that replace the recipe's (e.g.
            `jit_compile=True`, `loss="hinge"`).
    """
    d_steps = overrides.get("d_steps", recipe["d_steps"])
    kwargs = dict(
        d_optimizer=optimizer_from_spec(recipe["d_optimizer"], total_steps and total_steps * d_steps),
        g_optimizer=optimizer_from_spec(recipe["g_optimizer"], total_steps),
        loss=recipe["loss"],
        d_steps=d_steps,
        gp_weight=float(recipe["gp_weight"]),
        r1_weight=float(recipe["r1_weight"]),
    )
    kwargs.update(overrides)
    gan.compile(**kwargs)
    return gan


def _read_config_json(path, entry):
    """Parse an exported config.json, check it strictly and against the entry."""
    try:
        config = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ZooEntryError(f"{path} is not valid JSON: {error}") from None
    problems = []
    if _check_keys("config.json", config, _CONFIG_JSON_FIELDS, ("format", "family", "config"), problems):
        if config.get("format") != CONFIG_FORMAT:
            problems.append(f"config.json format {config.get('format')!r} is not {CONFIG_FORMAT!r}")
        if config.get("family") != entry["family"]:
            problems.append(f"config.json family {config.get('family')!r} differs from the entry's {entry['family']!r}")
        if config.get("config") != entry["config"]:
            problems.append(f"config.json config {config.get('config')} differs from the entry's {entry['config']}")
    if problems:
        raise ZooEntryError(f"config.json of '{entry['name']}' is unusable: " + "; ".join(problems))
    family_class(config["family"])
    return config


# --------------------------------------------------------------------------- files


def _cache_dir():
    from kerasgan import hub

    return hub._resolve_cache_dir(None)


def _not_published(entry, filename, folder):
    from kerasgan import hub

    name = entry["name"]
    shipped = folder / filename
    if filename in entry["files"]:
        state = "is missing" if not shipped.exists() else "does not match the sha256 recorded in entry.json"
        detail = f"its weights are not on the Hub yet (hub.revision is null) and the shipped copy {shipped} {state}"
    else:
        detail = "no weights have been published for it yet (hub.revision is null, no files recorded)"
    message = (
        f"'{name}' has no pretrained weights available: {detail}.\n"
        "To get them, do one of:\n"
        f"  - train it with its recipe: kerasgan train {name} --out runs/{name}\n"
        f"    then publish: python hub_upload.py {name} --from-run runs/{name}/gan.keras --ship --dry-run\n"
        f"  - or build the untrained architecture: kerasgan.load('{name}', weights=None)."
    )
    return hub.WeightsUnavailableError(
        message, repo_id=entry["hub"]["repo_id"], filename=filename, revision=entry["hub"]["revision"]
    )


def _resolve_file(entry, filename, folder, revision=None):
    """Local path of one of an entry's files: shipped -> HF cache -> Hub, sha256-checked."""
    from kerasgan import hub

    record = entry["files"].get(filename)
    revision = revision or entry["hub"]["revision"]
    if record is None or revision is None:
        if record is not None:
            shipped = folder / filename
            if shipped.is_file() and hub.sha256_file(shipped) == record["sha256"]:
                return str(shipped)
        if record is None and revision is not None:
            raise ZooEntryError(f"entry '{entry['name']}' records no sha256 for '{filename}'")
        raise _not_published(entry, filename, folder)
    try:
        return hub.fetch(
            entry["hub"]["repo_id"],
            filename,
            revision,
            record["sha256"],
            size=record["size"],
            local_dir=folder,
        )
    except hub.WeightsUnavailableError as error:
        raise hub.WeightsUnavailableError(
            f"kerasgan.load('{entry['name']}') needs weights that are not available offline.\n{error}",
            repo_id=error.repo_id,
            filename=error.filename,
            revision=error.revision,
        ) from error


def available_offline(name_or_entry, zoo_dir=None, part="generator"):
    """True when the files `load(name, part=part)` needs are shipped or cached (no network).

    Args:
        name_or_entry: str or dict. A zoo name or a validated entry.
        zoo_dir: str, PathLike or None. Registry folder.
        part: str. "generator" or "gan".
    """
    import huggingface_hub

    from kerasgan import hub

    entry = get_entry(name_or_entry, zoo_dir, check_family=False) if isinstance(name_or_entry, str) else name_or_entry
    folder = entry_dir(entry["name"], zoo_dir)
    needed = [CONFIG_FILE, WEIGHT_FILES["generator"]] + ([WEIGHT_FILES["discriminator"]] if part == "gan" else [])
    for filename in needed:
        record = entry["files"].get(filename)
        if record is None:
            return False
        candidates = [folder / filename]
        if entry["hub"]["revision"] is not None:
            cached = huggingface_hub.try_to_load_from_cache(
                entry["hub"]["repo_id"], filename, cache_dir=_cache_dir(), revision=entry["hub"]["revision"]
            )
            if isinstance(cached, str):
                candidates.append(Path(cached))
        if not any(p.is_file() and hub.sha256_file(p) == record["sha256"] for p in candidates):
            return False
    return True


# --------------------------------------------------------------------------- load / sample

_PARTS = ("generator", "gan")


def load(name, revision=None, part="generator", weights="pretrained", *, zoo_dir=None):
    """Return a zoo model with its pretrained weights.

    Files come from the entry folder (shipped), the Hugging Face cache, or the
    Hub at the entry's pinned commit, in that order, each checked against the
    sha256 recorded in the registry.

    Args:
        name: str. A name from `list_models()`.
        revision: str or None. Hub commit to read instead of the pinned one
            (e.g. a mirror or a re-upload). Files are still checked against
            the registry's sha256, so it must hold the same weights.
        part: str. "generator" returns the generator (a built `keras.Model`
            mapping z (batch, latent_dim) to images in [-1, 1]); "gan" returns
            the whole GAN, generator and discriminator, compiled with the
            recipe's optimizers and loss, ready to `fit` (fine-tuning; the
            optimizer state starts fresh; a "linear" schedule needs the
            run's length, so it stays constant here unless you recompile
            with `compile_from_recipe(gan, entry["recipe"], total_steps)`).
        weights: str or None. "pretrained", or None for the untrained
            architecture (no file is read).
        zoo_dir: str, PathLike or None. Registry folder (see `registry_dir`).

    Returns:
        keras.Model (part="generator") or kerasgan.GAN (part="gan").

    Raises:
        ValueError: unknown name, part or weights (the message lists the names).
        kerasgan.hub.WeightsUnavailableError: the weights are not shipped, not
            cached and the Hub cannot be reached (or they are not published
            yet); the message says how to get them.
        kerasgan.hub.IntegrityError: a file does not match its recorded sha256.
        kerasgan.hub.RepoNotFoundError, RevisionNotFoundError,
            RemoteFileNotFoundError: the Hub answered that the repo, commit
            or file does not exist.

    Example:
    >>> generator = kerasgan.load("dcgan-fashion-mnist")          # doctest: +SKIP
    >>> gan = kerasgan.load("dcgan-fashion-mnist", part="gan")    # doctest: +SKIP
    >>> gan.fit(my_images, epochs=1)                              # doctest: +SKIP
    """
    if part not in _PARTS:
        raise ValueError(f"part must be one of {_PARTS}, got {part!r}.")
    if weights not in ("pretrained", None):
        raise ValueError(f"weights must be 'pretrained' or None, got {weights!r}.")
    if revision is not None and not (isinstance(revision, str) and revision):
        raise ValueError(f"revision must be a commit sha or None, got {revision!r}.")
    entry = get_entry(name, zoo_dir)
    folder = entry_dir(name, zoo_dir)
    if weights is not None:
        needed = [CONFIG_FILE, WEIGHT_FILES["generator"]]
        if part == "gan":
            needed.append(WEIGHT_FILES["discriminator"])
        # Resolve every file before building anything: a missing file fails fast.
        paths = {filename: _resolve_file(entry, filename, folder, revision) for filename in needed}
        _read_config_json(paths[CONFIG_FILE], entry)
    gan = build(entry, seed=entry["recipe"]["seed"])
    if weights is not None:
        load_weights(gan.generator, paths[WEIGHT_FILES["generator"]])
        if part == "gan":
            load_weights(gan.discriminator, paths[WEIGHT_FILES["discriminator"]])
    if part == "generator":
        return gan.generator
    return compile_from_recipe(gan, entry["recipe"])


def sample(name_or_generator, n, seed=None, labels=None, *, revision=None, batch_size=256, zoo_dir=None):
    """Generate `n` images as uint8 (n, H, W, C) from a zoo name, a generator or a GAN.

    Args:
        name_or_generator: str, keras.Model or kerasgan.GAN. A zoo name
            (loaded with `load`), a generator whose input is z of shape
            (batch, latent_dim) (or `[z, label]` for a conditional one), or
            a GAN (its generator is used).
        n: int. Number of images.
        seed: int or None. Same seed, same images (and the same images as
            `gan.generate(n, seed)`); None draws fresh noise.
        labels: conditional models only: None (cycle through the classes),
            an int or class name (all n of that class), or a list of n ints
            or names. Unconditional models raise ValueError when given labels.
        revision: str or None. Passed to `load` for a zoo name.
        batch_size: int. Images generated per forward pass.
        zoo_dir: str, PathLike or None. Registry folder for a zoo name.

    Returns:
        np.ndarray of uint8 in [0, 255], shape (n, H, W, C).

    Example:
    >>> images = kerasgan.sample("dcgan-fashion-mnist", 64, seed=0)        # doctest: +SKIP
    >>> kerasgan.images.save_grid(images, "grid.png")                      # doctest: +SKIP
    >>> sneakers = kerasgan.sample("acgan-fashion-mnist", 64, labels="Sneaker")  # doctest: +SKIP
    """
    import keras
    import numpy as np

    from kerasgan.gan import GAN
    from kerasgan.images import to_uint8
    from kerasgan.models.conditional import num_classes_of, resolve_labels

    if not (_is_int(n) or isinstance(n, np.integer)) or int(n) < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}.")
    n = int(n)
    num_classes = class_names = None
    if isinstance(name_or_generator, str):
        generator = load(name_or_generator, revision=revision, zoo_dir=zoo_dir)
        label = f"'{name_or_generator}'"
        config = get_entry(name_or_generator, zoo_dir)["config"]
        num_classes, class_names = config.get("num_classes"), config.get("class_names")
    elif isinstance(name_or_generator, GAN):
        generator = name_or_generator.generator
        label = f"GAN {name_or_generator.name}"
        num_classes = getattr(name_or_generator, "num_classes", None)
        class_names = getattr(name_or_generator, "class_names", None)
    elif isinstance(name_or_generator, keras.Model):
        generator = name_or_generator
        label = f"generator {generator.name}"
    else:
        raise TypeError(
            f"sample() takes a zoo name, a generator keras.Model or a kerasgan.GAN, got {type(name_or_generator).__name__}."
        )
    conditional = len(generator.inputs) == 2
    if len(generator.inputs) not in (1, 2):
        raise ValueError(f"{label} takes {len(generator.inputs)} inputs; expected z or [z, label].")
    if not conditional and labels is not None:
        raise ValueError(f"{label} is unconditional: it takes no labels (pass labels=None).")
    latent_dim = generator.inputs[0].shape[-1]
    if latent_dim is None:
        raise ValueError(f"{label} has no fixed latent size (input shape {generator.input_shape}).")
    if conditional:
        num_classes = num_classes or num_classes_of(generator)
        if num_classes is None:
            raise ValueError(f"{label} takes [z, label] but its number of classes is unknown.")
        label_array = resolve_labels(labels, n, int(num_classes), class_names)
    if seed is None:
        seed = int(np.random.randint(0, 2**31 - 1))
    z = keras.random.normal((n, int(latent_dim)), seed=int(seed))
    batches = []
    for i in range(0, n, batch_size):
        inputs = z[i : i + batch_size]
        if conditional:
            inputs = [inputs, keras.ops.convert_to_tensor(label_array[i : i + batch_size].reshape(-1, 1))]
        batches.append(keras.ops.convert_to_numpy(generator(inputs, training=False)))
    return to_uint8(np.concatenate(batches, axis=0))


# --------------------------------------------------------------------------- export


def _architecture(gan):
    return {k: v for k, v in gan.get_config().items() if k not in ("name", "trainable", "seed")}


def check_matches_entry(gan, entry):
    """Raise ZooEntryError unless `gan` is the entry's family built with the entry's config."""
    cls = family_class(entry["family"])
    if type(gan) is not cls:
        raise ZooEntryError(f"'{entry['name']}' is a {entry['family']}, got a {type(gan).__name__}.")
    architecture = _architecture(gan)
    if architecture != entry["config"]:
        raise ZooEntryError(
            f"The model's architecture {architecture} differs from the config of '{entry['name']}' "
            f"{entry['config']}: fix entry.json (config, image_shape, latent_dim) or export the right model."
        )
    # Keys are variable paths; they must not depend on how many models this
    # process built before (auto-numbered layer names would).
    fresh = build(entry)
    for part in ("generator", "discriminator"):
        got = [v.path for v in getattr(gan, part).weights]
        want = [v.path for v in getattr(fresh, part).weights]
        if got != want:
            raise ZooEntryError(
                f"The {part}'s variable paths are not reproducible (this model: {got[:4]}..., a fresh "
                f"build: {want[:4]}...): some layers are auto-named, so saved keys would not match on load."
            )


def _schedule_of(config):
    """(recipe schedule name, starting learning rate) of an optimizer config.

    The name is "constant" for a plain rate, "linear" for `optimizer_from_spec`'s
    decay to 0, else the schedule's class name (which no recipe can ask for).
    """
    rate = config.get("learning_rate")
    if not isinstance(rate, dict):
        return "constant", rate
    inner = rate.get("config", {})
    linear = (
        rate.get("class_name") == "PolynomialDecay"
        and inner.get("power") == 1.0
        and inner.get("end_learning_rate") == 0.0
        and not inner.get("cycle")
    )
    return ("linear" if linear else rate.get("class_name")), inner.get("initial_learning_rate")


def recipe_mismatches(gan, recipe):
    """List how a compiled GAN's game differs from a recipe (loss, d_steps, penalties, optimizers).

    Args:
        gan: kerasgan.GAN. A compiled model, e.g. a run's gan.keras.
        recipe: dict. A validated recipe.

    Returns:
        list of str, empty when they agree.
    """
    from kerasgan import losses

    if not getattr(gan, "compiled", False) or gan.loss_fn is None:
        return ["the model is not compiled, so its training settings are unknown"]
    problems = []
    if losses.serialize(gan.loss_fn) != recipe["loss"]:
        problems.append(f"loss: model {losses.serialize(gan.loss_fn)!r}, recipe {recipe['loss']!r}")
    for key in ("d_steps", "gp_weight", "r1_weight"):
        if not math.isclose(float(getattr(gan, key)), float(recipe[key])):
            problems.append(f"{key}: model {getattr(gan, key)}, recipe {recipe[key]}")
    for key in ("d_optimizer", "g_optimizer"):
        optimizer, spec = getattr(gan, key), recipe[key]
        class_name = OPTIMIZERS[spec["name"]][0]
        if type(optimizer).__name__ != class_name:
            problems.append(f"{key}: model {type(optimizer).__name__}, recipe {class_name}")
            continue
        config = optimizer.get_config()
        schedule, config["learning_rate"] = _schedule_of(config)
        wanted = spec.get("schedule", "constant")
        if schedule != wanted:
            problems.append(f"{key}.schedule: model {schedule!r}, recipe {wanted!r}")
        for arg, want in spec.items():
            if arg in ("name", "schedule"):
                continue
            got = config.get(arg)
            if isinstance(got, dict) or got is None:
                problems.append(f"{key}.{arg}: model {got!r} (a schedule?), recipe {want}")
            elif not math.isclose(float(got), float(want), rel_tol=1e-6, abs_tol=1e-12):
                problems.append(f"{key}.{arg}: model {got}, recipe {want}")
    return problems


def _yaml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


#: `kerasgan train` families whose generator takes a label (sgan has labels, but an unconditional G).
CONDITIONAL_RECIPES = ("cgan", "acgan")


def is_conditional(entry):
    """Whether an entry's generator takes a label besides z (cGAN, AC-GAN)."""
    return entry["recipe"]["family"] in CONDITIONAL_RECIPES


def _example_label(entry):
    """A label to show in a conditional entry's card: the last class name, or the last index."""
    names = entry["config"].get("class_names")
    return names[-1] if names else entry["config"]["num_classes"] - 1


def _card_python_use(entry):
    """The Python lines of a model card's "Use" section."""
    name, latent, config = entry["name"], entry["latent_dim"], entry["config"]
    h, w, c = entry["image_shape"]
    if is_conditional(entry):
        label = _example_label(entry)
        return [
            f'generator = kerasgan.load("{name}")   # keras.Model: [z ({latent},), label (1,)] -> image',
            f'images = kerasgan.sample("{name}", 16, seed=0, labels={json.dumps(label)})  # uint8 (16, {h}, {w}, {c})',
            f'gan = kerasgan.load("{name}", part="gan")  # gan.generate(16, labels=[0, 1, ...]); fine-tune',
        ]
    lines = [
        f'generator = kerasgan.load("{name}")              # keras.Model: z ({latent},) -> image',
        f'images = kerasgan.sample("{name}", 16, seed=0)   # uint8 (16, {h}, {w}, {c})',
        f'gan = kerasgan.load("{name}", part="gan")        # generator + discriminator, compiled, to fine-tune',
    ]
    if entry["recipe"]["family"] == "sgan":
        lines.append(f'classes = gan.predict_classes(images)  # the discriminator is a {config["num_classes"]}-class classifier')
    return lines


def model_card(entry):
    """Return the Hub model card (README.md with Hugging Face metadata) of an entry."""
    from kerasgan import __version__

    name, family, recipe = entry["name"], entry["family"], entry["recipe"]
    tags = ["gan", "keras", "kerasgan", family.lower()]
    if recipe["family"] not in tags:
        tags.append(recipe["family"])
    lines = [
        "---",
        "library_name: kerasgan",
        f"license: {entry['license']}",
        f"tags: {_yaml_list(tags)}",
        f"datasets: {_yaml_list([entry['dataset']])}",
    ]
    if entry["metrics"]:
        lines.append(f"metrics: {_yaml_list(sorted({m['name'] for m in entry['metrics']}))}")
    conditional = is_conditional(entry)
    if not conditional:
        lines.append("pipeline_tag: unconditional-image-generation")
    lines += ["---", ""]
    h, w, c = entry["image_shape"]
    lines += [
        f"# {name}",
        "",
        entry["description"],
        "",
        f"![{'samples, seed 0, one column per class' if conditional else '64 samples, seed 0'}]({SAMPLES_FILE})",
        "",
        "## Use",
        "",
        "```python",
        "import kerasgan",
        "",
        *_card_python_use(entry),
        "```",
        "",
        "From the command line:",
        "",
        "```bash",
        f"kerasgan sample {name} -n 64 --seed 0 -o grid.png",
        *([f"kerasgan sample {name} --label {shlex.quote(str(_example_label(entry)))} -n 64 -o one-class.png"]
          if conditional else []),
        f"kerasgan finetune {name} --data my_images/ --epochs 5 --out runs/{name}-finetuned"
        + ("   # one sub-folder per class" if conditional else ""),
        "```",
        "",
        "## Model",
        "",
        f"- family: `kerasgan.models.{family}` ({recipe['family']}), built as `{family}(**config)` with config "
        f"`{json.dumps(entry['config'])}`",
        f"- output: {h}x{w}x{c} images in [-1, 1]; latent z ~ N(0, I) of size {entry['latent_dim']}",
        f"- dataset: {entry['dataset']}",
        f"- license: {entry['license']}",
        "",
        "## Training recipe",
        "",
        f"Reproduce with `kerasgan train {name} --out runs/{name}` (kerasgan {__version__}).",
        "",
        "| setting | value |",
        "|---|---|",
    ]
    for key in RECIPE_FIELDS:
        value = recipe[key]
        if key == "labels_per_class" and value is None:
            continue  # only semi-supervised recipes drop labels
        lines.append(f"| {key} | `{value if isinstance(value, str) else json.dumps(value)}` |")
    training = entry["training"]
    seconds = training["time_seconds"]
    lines += [
        "",
        f"Trained on {training['hardware'] or 'unrecorded hardware'}"
        + (f" in {seconds / 3600:.2f} h ({seconds:.0f} s)" if seconds is not None else "")
        + (f", {training['date']}." if training["date"] else "."),
        "",
        "## Metrics",
        "",
    ]
    if entry["metrics"]:
        lines += ["| metric | value | protocol | samples |", "|---|---|---|---|"]
        lines += [f"| {m['name']} | {m['value']} | {m['protocol']} | {m['samples']} |" for m in entry["metrics"]]
    else:
        lines.append("Not measured yet.")
    lines += [
        "",
        "## Files",
        "",
        f"- `{CONFIG_FILE}`: the family and its constructor arguments (no code).",
        f"- `{WEIGHT_FILES['generator']}`, `{WEIGHT_FILES['discriminator']}`: every variable (batch-norm "
        "statistics included) keyed by its Keras variable path. kerasgan checks each file's sha256 "
        "against its registry before use and never unpickles anything.",
        f"- `{SAMPLES_FILE}`: `kerasgan.sample(\"{name}\", 64, seed=0)` as a grid.",
        "",
    ]
    return "\n".join(lines)


def export(gan, folder, entry, samples=64, seed=0):
    """Write a trained GAN as zoo files and return their sha256 and sizes.

    Writes `config.json`, `generator.safetensors`, `discriminator.safetensors`,
    the model card `README.md` (from the entry: recipe, metrics, training) and
    `samples.png` (`samples` images from `seed`).

    Args:
        gan: kerasgan.GAN. A model of the entry's family and config.
        folder: str or PathLike. Output folder (created).
        entry: dict. The validated registry entry.
        samples: int. Images in samples.png.
        seed: int. Seed of samples.png.

    Returns:
        dict. {filename: {"sha256": str, "size": int}}, the entry's `files`.

    Example:
    >>> files = export(gan, "build/dcgan-fashion-mnist", get_entry("dcgan-fashion-mnist"))  # doctest: +SKIP
    """
    from kerasgan import __version__, hub
    from kerasgan.images import save_grid

    entry = validate_entry(entry)
    check_matches_entry(gan, entry)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "format": CONFIG_FORMAT,
        "name": entry["name"],
        "family": entry["family"],
        "config": entry["config"],
        "image_shape": entry["image_shape"],
        "latent_dim": entry["latent_dim"],
        "weights": dict(WEIGHT_FILES),
        "kerasgan_version": __version__,
    }
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for part, filename in WEIGHT_FILES.items():
        save_weights(
            getattr(gan, part),
            folder / filename,
            metadata={"format": CONFIG_FORMAT, "name": entry["name"], "family": entry["family"], "part": part},
        )
    (folder / CARD_FILE).write_text(model_card(entry), encoding="utf-8")
    columns = None
    if hasattr(gan, "resolve_labels"):  # conditional: the labels cycle, so one column per class
        columns = gan.num_classes
        samples = columns * -(-samples // columns)
    save_grid(sample(gan, samples, seed=seed), folder / SAMPLES_FILE, columns=columns)
    files = {}
    for filename in (CONFIG_FILE, *WEIGHT_FILES.values(), CARD_FILE, SAMPLES_FILE):
        path = folder / filename
        files[filename] = {"sha256": hub.sha256_file(path), "size": path.stat().st_size}
    return files

