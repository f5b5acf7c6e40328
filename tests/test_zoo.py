"""The zoo registry: entry schema, load / sample / export, shipped weights, and the zoo CLI commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import keras

import kerasgan
from kerasgan import cli, hub, zoo
from conftest import TINY_DCGAN_CONFIG, tiny_entry, trained_tiny_gan

ROOT = Path(__file__).resolve().parents[1]
REAL_ZOO = ROOT / "zoo"
Z = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


def ship(tiny_zoo, gan, **fields):
    """Register a tiny entry and export `gan` into its folder (weights shipped, no Hub revision)."""
    entry = tiny_zoo.add(**fields)
    folder = tiny_zoo.root / entry["name"]
    entry["files"] = zoo.export(gan, folder, entry)
    zoo.write_entry(entry)
    return entry


def outputs(generator):
    return keras.ops.convert_to_numpy(generator(Z, training=False))


# ------------------------------------------------------------------ the real registry


@pytest.mark.parametrize("name", zoo.list_models(REAL_ZOO))
def test_every_real_entry_validates(name):
    entry = zoo.get_entry(name, REAL_ZOO)
    raw = json.loads((REAL_ZOO / name / "entry.json").read_text())
    assert list(raw) == list(zoo.ENTRY_FIELDS)  # written in the canonical order, every field explicit
    assert set(raw["recipe"]) == set(zoo.RECIPE_FIELDS)
    gan = zoo.build(entry)
    assert tuple(gan.generator.output_shape[1:]) == tuple(entry["image_shape"])
    assert gan.latent_dim == entry["latent_dim"]
    # Shipped files, if any, are exactly the recorded ones.
    for filename, record in entry["files"].items():
        path = REAL_ZOO / name / filename
        if path.exists():
            assert hub.sha256_file(path) == record["sha256"] and path.stat().st_size == record["size"]


def test_real_zoo_names():
    assert kerasgan.list_models(REAL_ZOO) == sorted(
        ["gan-fashion-mnist", "dcgan-fashion-mnist", "lsgan-fashion-mnist", "wgan-gp-fashion-mnist", "dcgan-celeba",
         "cgan-fashion-mnist", "acgan-fashion-mnist", "sgan-fashion-mnist-100-labels"]
    )


def test_default_registry_is_the_shipped_zoo(monkeypatch):
    monkeypatch.delenv(zoo.ZOO_DIR_ENV, raising=False)
    assert zoo.registry_dir().resolve() == REAL_ZOO.resolve()


def test_loss_names_match_kerasgan_losses():
    from kerasgan import losses

    assert sorted(zoo.LOSS_NAMES) == sorted(losses._LOSSES)


def test_list_models_only_reads_the_registry():
    # `import kerasgan` registers the families with Keras; listing must not pull in
    # the data stack (tensorflow_datasets) on top of that.
    code = (
        "import sys, kerasgan; print(kerasgan.list_models()); "
        "assert 'tensorflow_datasets' not in sys.modules and 'kerasgan.data' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "dcgan-celeba" in result.stdout


# ------------------------------------------------------------------ schema


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda e: e.update(epochs=3), "unknown key 'epochs'"),
        (lambda e: e["recipe"].update(batchsize=3), "did you mean 'batch_size'"),
        (lambda e: e["hub"].update(branch="main"), "hub: unknown key 'branch'"),
        (lambda e: e.update(files={"config.json": {"sha256": "0" * 64, "size": 1, "md5": "x"}}), "unknown key 'md5'"),
        (lambda e: e.update(metrics=[{"name": "fid", "value": 1.0, "protocol": "p", "samples": 10, "x": 1}]), "unknown key 'x'"),
        (lambda e: e["training"].update(gpu="a100"), "training: unknown key 'gpu'"),
        (lambda e: e.pop("license"), "missing key 'license'"),
        (lambda e: e["recipe"].pop("epochs"), "missing key 'epochs'"),
        (lambda e: e["hub"].update(revision="main"), "40-hex commit sha"),
        (lambda e: e["hub"].update(revision="a" * 40), "files lacks"),
        (lambda e: e.update(files={"../evil": {"sha256": "0" * 64, "size": 1}}), "not a plain file name"),
        (lambda e: e.update(name="DCGAN_Tiny"), "kebab-case"),
        (lambda e: e.update(latent_dim=7), "differs from config.latent_dim"),
        (lambda e: e.update(image_shape=[8, 8, 2]), "image_shape"),
        (lambda e: e["recipe"].update(family="wgan-gp"), "trains WGANGP"),
        (lambda e: e["recipe"].update(loss="l2"), "recipe.loss must be one of"),
        (lambda e: e["recipe"].update(d_optimizer={"name": "adam", "learning_rate": 1e-4, "momentum": 0.9}), "unknown key 'momentum'"),
        (lambda e: e["recipe"].update(g_optimizer={"name": "adam", "learning_rate": 1e-4, "schedule": "cosine"}),
         "g_optimizer.schedule must be one of ['constant', 'linear']"),
        (lambda e: e.update(description="two\nlines"), "one non-empty line"),
        (lambda e: e["training"].update(date="22/11/2026"), "YYYY-MM-DD"),
        (lambda e: e.update(family="Functional"), "not a GAN registered in kerasgan.models"),
        (lambda e: e["recipe"].update(labels_per_class=10), "labels_per_class is for the semi-supervised"),
        (lambda e: e["recipe"].update(labels_per_class=0), "recipe.labels_per_class must be an int >= 1"),
    ],
)
def test_schema_rejects(mutate, message):
    entry = tiny_entry()
    mutate(entry)
    with pytest.raises(zoo.ZooEntryError, match=message.replace("(", r"\(").replace("[", r"\[")):
        zoo.validate_entry(entry)


def test_schema_fills_recipe_defaults_and_checks_folder_name(tiny_zoo):
    entry = zoo.validate_entry(tiny_entry())
    assert entry["recipe"]["loss"] == "non_saturating" and entry["recipe"]["d_optimizer"]["learning_rate"] == 2e-4
    tiny_zoo.add(name="dcgan-tiny")
    os.rename(tiny_zoo.root / "dcgan-tiny", tiny_zoo.root / "dcgan-other")
    with pytest.raises(zoo.ZooEntryError, match="differs from its folder name"):
        zoo.get_entry("dcgan-other")


def test_unknown_name_lists_names_and_close_match(tiny_zoo):
    tiny_zoo.add(name="dcgan-tiny")
    tiny_zoo.add(name="gan-tiny", family="VanillaGAN", config={"image_shape": [8, 8, 1], "latent_dim": 4, "hidden": 8},
                 recipe={"family": "gan", "data": "x.npz", "epochs": 1, "batch_size": 4})
    assert kerasgan.list_models() == ["dcgan-tiny", "gan-tiny"]
    with pytest.raises(ValueError, match="Did you mean 'dcgan-tiny'") as info:
        kerasgan.load("dcgan-tinny")
    assert "dcgan-tiny, gan-tiny" in str(info.value)


# ------------------------------------------------------------------ weights files


def test_safetensors_round_trip_keys_and_strictness(tmp_path):
    gan = trained_tiny_gan()
    path = zoo.save_weights(gan.generator, tmp_path / "g.safetensors")
    from safetensors.numpy import load_file

    arrays = load_file(path)
    assert set(arrays) == {v.path for v in gan.generator.weights}
    assert "project_bn/moving_variance" in arrays  # non-trainable statistics included

    fresh = kerasgan.models.DCGAN(**TINY_DCGAN_CONFIG)
    zoo.load_weights(fresh.generator, path)
    np.testing.assert_array_equal(outputs(fresh.generator), outputs(gan.generator))

    other = kerasgan.models.DCGAN(**{**TINY_DCGAN_CONFIG, "latent_dim": 5})
    before = [v.numpy().copy() for v in other.generator.weights]
    with pytest.raises(ValueError, match=r"wrong shapes.*project/kernel"):
        zoo.load_weights(other.generator, path)
    assert all(np.array_equal(b, v.numpy()) for b, v in zip(before, other.generator.weights))  # nothing assigned

    from safetensors.numpy import save_file

    partial = {k: v for k, v in arrays.items() if k != "to_image/bias"}
    save_file({**partial, "extra/kernel": np.zeros(1, "float32")}, tmp_path / "bad.safetensors")
    with pytest.raises(ValueError, match=r"missing keys \['to_image/bias'\].*unexpected keys \['extra/kernel'\]"):
        zoo.load_weights(fresh.generator, tmp_path / "bad.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"\x80\x04pickle?")
    with pytest.raises(ValueError, match="not a readable safetensors"):
        zoo.load_weights(fresh.generator, tmp_path / "junk.safetensors")


def test_export_writes_card_config_samples_and_hashes(tiny_zoo):
    gan = trained_tiny_gan()
    entry = tiny_zoo.add(metrics=[{"name": "fid", "value": 12.5, "protocol": "test protocol", "samples": 100}])
    out = tiny_zoo.root.parent / "export"
    files = zoo.export(gan, out, entry)
    assert sorted(files) == sorted(os.listdir(out)) == sorted(
        ["README.md", "config.json", "discriminator.safetensors", "generator.safetensors", "samples.png"]
    )
    for name, record in files.items():
        assert record == {"sha256": hub.sha256_file(out / name), "size": (out / name).stat().st_size}
    config = json.loads((out / "config.json").read_text())
    assert config["family"] == "DCGAN" and config["config"] == TINY_DCGAN_CONFIG
    card = (out / "README.md").read_text()
    front = card.split("---")[1]
    for line in ("library_name: kerasgan", 'tags: ["gan", "keras", "kerasgan", "dcgan"]', 'datasets: ["tiny"]',
                 'metrics: ["fid"]', "license: apache-2.0"):
        assert line in front
    assert 'kerasgan.load("dcgan-tiny")' in card and "| fid | 12.5 | test protocol | 100 |" in card
    grid = np.asarray(Image.open(out / "samples.png"))
    assert grid.shape == (8 * 10 + 2, 8 * 10 + 2)  # 64 samples of 8x8, 8 columns, 2 px padding

    with pytest.raises(zoo.ZooEntryError, match="differs from the config"):
        zoo.export(kerasgan.models.DCGAN(**{**TINY_DCGAN_CONFIG, "filters": 8}), out, entry)
    with pytest.raises(zoo.ZooEntryError, match="is a DCGAN, got a WGANGP"):
        zoo.export(kerasgan.models.WGANGP(**TINY_DCGAN_CONFIG), out, entry)


def test_config_json_naming_another_family_is_rejected(tmp_path):
    entry = zoo.validate_entry(tiny_entry())
    for family, message in (("Functional", "does not differ|differs from the entry"), ("DCGAN", None)):
        config = {"format": zoo.CONFIG_FORMAT, "family": family, "config": TINY_DCGAN_CONFIG}
        (tmp_path / "config.json").write_text(json.dumps(config))
        if message is None:
            zoo._read_config_json(tmp_path / "config.json", entry)
        else:
            with pytest.raises(zoo.ZooEntryError, match="family 'Functional' differs"):
                zoo._read_config_json(tmp_path / "config.json", entry)
    (tmp_path / "config.json").write_text(json.dumps({**config, "module": "os.system"}))
    with pytest.raises(zoo.ZooEntryError, match="unknown key 'module'"):
        zoo._read_config_json(tmp_path / "config.json", entry)


# ------------------------------------------------------------------ load / sample


def test_shipped_weights_load_without_any_request(tiny_zoo, hf_env):
    gan = trained_tiny_gan()
    ship(tiny_zoo, gan)
    assert zoo.available_offline("dcgan-tiny")

    generator = kerasgan.load("dcgan-tiny")
    np.testing.assert_array_equal(outputs(generator), outputs(gan.generator))
    full = kerasgan.load("dcgan-tiny", part="gan")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(full.discriminator(outputs(gan.generator))),
        keras.ops.convert_to_numpy(gan.discriminator(outputs(gan.generator))),
    )
    assert hf_env.server.requests == []


def test_shipped_file_altered_is_not_used(tiny_zoo, hf_env):
    ship(tiny_zoo, trained_tiny_gan())
    path = tiny_zoo.root / "dcgan-tiny" / "generator.safetensors"
    path.write_bytes(path.read_bytes()[:-4] + b"\0\0\0\0")
    assert not zoo.available_offline("dcgan-tiny")
    with pytest.raises(hub.WeightsUnavailableError, match="does not match the sha256"):
        kerasgan.load("dcgan-tiny")


def test_weights_none_builds_untrained_generator_or_gan(tiny_zoo):
    tiny_zoo.add()
    generator = kerasgan.load("dcgan-tiny", weights=None)
    assert isinstance(generator, keras.Model) and generator.output_shape == (None, 8, 8, 1)
    gan = kerasgan.load("dcgan-tiny", part="gan", weights=None)
    assert isinstance(gan, kerasgan.models.DCGAN) and gan.compiled
    with pytest.raises(ValueError, match="part must be"):
        kerasgan.load("dcgan-tiny", part="discriminator")
    with pytest.raises(ValueError, match="weights must be"):
        kerasgan.load("dcgan-tiny", weights="imagenet")


def test_unpublished_entry_raises_clear_not_available_error(tiny_zoo):
    tiny_zoo.add()
    with pytest.raises(hub.WeightsUnavailableError) as info:
        kerasgan.load("dcgan-tiny")
    message = str(info.value)
    assert "no weights have been published" in message
    assert "kerasgan train dcgan-tiny" in message and "weights=None" in message


def test_dcgan_celeba_is_unpublished_but_builds(monkeypatch):
    monkeypatch.delenv(zoo.ZOO_DIR_ENV, raising=False)
    with pytest.raises(hub.WeightsUnavailableError, match="no weights have been published"):
        kerasgan.load("dcgan-celeba")
    gan = kerasgan.load("dcgan-celeba", part="gan", weights=None)
    assert gan.generator.output_shape == (None, 64, 64, 3) and gan.latent_dim == 100
    # dcgan.torch's ngf = ndf = 64: 512 channels at 4x4 in G, 64 in D's first convolution.
    assert gan.generator.get_layer("project").kernel.shape == (100, 4 * 4 * 512)
    assert gan.discriminator.get_layer("down0").kernel.shape == (4, 4, 3, 64)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(gan.g_optimizer.beta_1) == pytest.approx(0.5)


def test_part_gan_is_compiled_with_recipe_and_fits_a_step(tiny_zoo):
    ship(
        tiny_zoo,
        trained_tiny_gan(),
        recipe={
            "family": "lsgan", "data": "x.npz", "epochs": 1, "batch_size": 4, "loss": "least_squares", "d_steps": 2,
            "g_optimizer": {"name": "adam", "learning_rate": 1e-3, "beta_1": 0.0, "beta_2": 0.9},
        },
    )
    gan = kerasgan.load("dcgan-tiny", part="gan")
    assert gan.loss_fn.name == "least_squares" and gan.d_steps == 2
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    before = outputs(gan.generator)
    history = gan.fit(np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32"), batch_size=4,
                      epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    assert int(gan.g_optimizer.iterations) == 2
    assert not np.array_equal(outputs(gan.generator), before)


def test_sample_is_seeded_uint8_and_matches_generate(tiny_zoo):
    gan = trained_tiny_gan()
    ship(tiny_zoo, gan)
    a = kerasgan.sample("dcgan-tiny", 6, seed=3)
    assert a.shape == (6, 8, 8, 1) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, kerasgan.sample("dcgan-tiny", 6, seed=3))
    assert not np.array_equal(a, kerasgan.sample("dcgan-tiny", 6, seed=4))
    np.testing.assert_array_equal(a, kerasgan.images.to_uint8(gan.generate(6, seed=3)))
    np.testing.assert_array_equal(a, kerasgan.sample(gan, 6, seed=3))  # a GAN
    np.testing.assert_array_equal(a, kerasgan.sample(gan.generator, 6, seed=3))  # a bare generator
    np.testing.assert_array_equal(a[:2], kerasgan.sample(gan, 2, seed=3, batch_size=1)[:2])
    with pytest.raises(ValueError, match="unconditional"):
        kerasgan.sample("dcgan-tiny", 2, labels=[0, 1])
    with pytest.raises(ValueError, match="n must be"):
        kerasgan.sample(gan, 0)
    with pytest.raises(TypeError, match="zoo name"):
        kerasgan.sample(3.0, 2)


# ------------------------------------------------------------------ CLI


def test_cli_list_table(tiny_zoo, capsys):
    ship(tiny_zoo, trained_tiny_gan(), metrics=[{"name": "fid", "value": 42.25, "protocol": "p", "samples": 10}])
    tiny_zoo.add(name="dcgan-unpublished")
    assert cli.main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "family", "dataset", "resolution", "params", "G/D", "metric", "offline"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["dcgan-tiny"][-3:] == ["fid", "42.25", "yes"]
    assert rows["dcgan-unpublished"][-2:] == ["-", "no"]
    assert "8x8x1" in rows["dcgan-tiny"] and "DCGAN" in rows["dcgan-tiny"]


def test_cli_sample_writes_grid(tiny_zoo, tmp_path, capsys):
    ship(tiny_zoo, trained_tiny_gan())
    out = tmp_path / "grid.png"
    assert cli.main(["sample", "dcgan-tiny", "-n", "6", "--seed", "0", "-o", str(out)]) == 0
    grid = np.asarray(Image.open(out))
    assert grid.shape == (2 * 10 + 2, 3 * 10 + 2)  # 6 images: 3 columns, 2 rows of 8x8 with 2 px padding
    expected = kerasgan.images.make_grid(kerasgan.sample("dcgan-tiny", 6, seed=0))[..., 0]
    np.testing.assert_array_equal(grid, expected)
    assert cli.main(["sample", "dcgan-nope", "-o", str(out)]) == 1
    assert "Did you mean 'dcgan-tiny'" in capsys.readouterr().err


def test_cli_sample_unpublished_is_a_clean_error(tiny_zoo, tmp_path, capsys):
    tiny_zoo.add()
    assert cli.main(["sample", "dcgan-tiny", "-o", str(tmp_path / "g.png")]) == 1
    assert "no weights have been published" in capsys.readouterr().err


def test_cli_finetune_on_image_folder(tiny_zoo, tmp_path):
    gan = trained_tiny_gan()
    ship(tiny_zoo, gan)
    images = tmp_path / "mine"
    images.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):  # RGB 12x12 pictures: converted to the model's 8x8 grayscale
        Image.fromarray(rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)).save(images / f"{i}.png")
    out = tmp_path / "ft"
    args = ["finetune", "dcgan-tiny", "--data", str(images), "--out", str(out), "--batch-size", "2", "--samples", "4"]
    assert cli.main(args + ["--epochs", "1"]) == 0
    tuned = keras.saving.load_model(out / "gan.keras")
    assert int(tuned.g_optimizer.iterations) == 3  # 6 images, batch 2
    assert (out / "samples" / "epoch_001.png").exists() and (out / "log.csv").exists()
    assert json.loads((out / "state.json").read_text())["finetuned_from"] == "dcgan-tiny"
    assert not np.array_equal(outputs(tuned.generator), outputs(gan.generator))  # it trained from...
    start = kerasgan.models.DCGAN(**TINY_DCGAN_CONFIG)  # ...the pretrained weights, not from scratch
    assert np.abs(outputs(tuned.generator) - outputs(gan.generator)).mean() < np.abs(
        outputs(start.generator) - outputs(gan.generator)
    ).mean()
    assert cli.main(args + ["--epochs", "2", "--resume"]) == 0
    assert int(keras.saving.load_model(out / "gan.keras").g_optimizer.iterations) == 6
    assert cli.main(args[:-4] + ["--batch-size", "64"]) == 1  # fewer images than one batch: clean error


def test_cli_train_zoo_name_uses_recipe_and_flags_override(tiny_zoo, tmp_path):
    data = tmp_path / "tiny.npz"
    np.savez(data, x=np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1), dtype=np.uint8))
    tiny_zoo.add(recipe={"family": "lsgan", "data": str(data), "epochs": 2, "batch_size": 8, "loss": "least_squares",
                         "d_steps": 2, "seed": 3})
    out = tmp_path / "run"
    # The recipe gives data, epochs, d_steps and seed; the flags replace batch size and loss.
    assert cli.main(["train", "dcgan-tiny", "--out", str(out), "--samples", "4", "--batch-size", "16",
                     "--loss", "hinge"]) == 0
    gan = keras.saving.load_model(out / "gan.keras")
    assert isinstance(gan, kerasgan.models.DCGAN) and gan.loss_fn.name == "hinge" and gan.d_steps == 2
    assert int(gan.g_optimizer.iterations) == 2  # 2 epochs of one batch of 16
    assert json.loads((out / "state.json").read_text()) == {
        "epochs_done": 2, "family": "dcgan-tiny", "data": str(data), "batch_size": 16, "limit": None, "seed": 3,
        "steps_per_epoch": None, "labels_per_class": None,
    }


def test_linear_schedule_decays_to_zero_over_the_given_steps():
    spec = {"name": "adam", "learning_rate": 1e-3, "beta_1": 0.5, "schedule": "linear"}
    schedule = zoo.optimizer_from_spec(spec, total_steps=10)._learning_rate
    assert [float(schedule(step)) for step in (0, 5, 10, 20)] == pytest.approx([1e-3, 5e-4, 0.0, 0.0])
    # Without the run's length (e.g. a fine-tune of unknown length) the rate stays constant.
    assert float(zoo.optimizer_from_spec(spec).learning_rate) == pytest.approx(1e-3)
    with pytest.raises(ValueError, match="total_steps must be an int >= 1"):
        zoo.optimizer_from_spec(spec, total_steps=0)


def test_cli_train_linear_schedule_spans_the_run_and_is_saved(tiny_zoo, tmp_path):
    data = tmp_path / "tiny.npz"
    np.savez(data, x=np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1), dtype=np.uint8))
    linear = {"name": "adam", "learning_rate": 1e-3, "beta_1": 0.5, "schedule": "linear"}
    tiny_zoo.add(recipe={"family": "dcgan", "data": str(data), "epochs": 2, "batch_size": 4, "d_steps": 2,
                         "d_optimizer": linear, "g_optimizer": linear})
    out = tmp_path / "run"
    assert cli.main(["train", "dcgan-tiny", "--out", str(out), "--samples", "4"]) == 0
    gan = keras.saving.load_model(out / "gan.keras")  # what --resume reloads
    # 2 epochs of 4 batches: G decays over 8 steps, D over 2 x 8 updates, both to 0 at the end.
    assert int(gan.g_optimizer.iterations) == 8 and int(gan.d_optimizer.iterations) == 16
    assert float(gan.g_optimizer._learning_rate(4)) == pytest.approx(5e-4)
    assert float(gan.d_optimizer._learning_rate(8)) == pytest.approx(5e-4)
    assert float(gan.g_optimizer.learning_rate) == 0.0 and float(gan.d_optimizer.learning_rate) == 0.0
    # hub_upload --from-run recognises the schedule as the recipe's, and a constant recipe as different.
    recipe = zoo.get_entry("dcgan-tiny")["recipe"]
    assert zoo.recipe_mismatches(gan, recipe) == []
    recipe["g_optimizer"] = dict(linear, schedule="constant", learning_rate=2e-3)
    assert zoo.recipe_mismatches(gan, recipe) == [
        "g_optimizer.schedule: model 'linear', recipe 'constant'",
        "g_optimizer.learning_rate: model 0.001, recipe 0.002",
    ]


def test_cli_train_family_still_needs_data(tmp_path, capsys):
    assert cli.main(["train", "dcgan", "--out", str(tmp_path / "r")]) == 1
    assert "needs --data" in capsys.readouterr().err
    assert cli.main(["train", "dcgan-fmnist", "--out", str(tmp_path / "r")]) == 1
    assert "Did you mean 'dcgan-fashion-mnist'" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_train_dcgan_celeba_recipe_on_mock_data(tmp_path, monkeypatch):
    import tensorflow_datasets as tfds

    monkeypatch.delenv(zoo.ZOO_DIR_ENV, raising=False)
    out = tmp_path / "celeba"
    with tfds.testing.mock_data(num_examples=8):
        code = cli.main(["train", "dcgan-celeba", "--out", str(out), "--steps-per-epoch", "1", "--epochs", "1",
                         "--batch-size", "4", "--samples", "4"])
    assert code == 0
    gan = keras.saving.load_model(out / "gan.keras")
    assert gan.generator.output_shape == (None, 64, 64, 3) and int(gan.g_optimizer.iterations) == 1
    assert json.loads((out / "state.json").read_text())["data"] == "celeb_a"


# ------------------------------------------------------------------ packaging


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pyproject_lists_every_kerasgan_package():
    setuptools = _pyproject()["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "kerasgan").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    missing = on_disk - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"
    assert setuptools["package-dir"]["kerasgan._zoo"] == "zoo"


@pytest.mark.slow
def test_wheel_ships_the_zoo_entries(tmp_path):
    # Build from a copy: setuptools writes build/ and *.egg-info/ next to pyproject.toml.
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.pyc")
    for name in ("kerasgan", "zoo"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "dist").glob("kerasgan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for entry in zoo.list_models(REAL_ZOO):
        for path in (REAL_ZOO / entry).iterdir():
            if path.suffix in (".json", ".safetensors", ".md", ".png"):
                assert f"kerasgan/_zoo/{entry}/{path.name}" in names
    for path in (ROOT / "kerasgan").rglob("*"):  # code and package data (e.g. metric weights)
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            assert path.relative_to(ROOT).as_posix() in names, f"{path} is not in the wheel: see pyproject.toml"
