"""Conditional and semi-supervised families in the zoo, the CLI and the metrics."""

import json

import numpy as np
import pytest
from PIL import Image

import keras

import kerasgan
from kerasgan import cli, zoo
from kerasgan.metrics import conditional_accuracy, evaluate
from conftest import randomize_weights

NAMES = ["cat", "dog", "fox"]
CGAN_CONFIG = {"image_shape": [8, 8, 1], "num_classes": 3, "latent_dim": 4, "filters": 2,
               "class_names": NAMES, "embedding_dim": 3}


def trained_tiny_cgan():
    """A tiny cGAN whose variables hold random values (so classes give different images)."""
    gan = randomize_weights(kerasgan.models.ConditionalGAN(**CGAN_CONFIG), seed=0, std=0.5)
    gan.compile()
    return gan


@pytest.fixture
def cgan_zoo(tiny_zoo):
    gan = trained_tiny_cgan()
    entry = tiny_zoo.add(name="cgan-tiny", family="ConditionalGAN", config=CGAN_CONFIG,
                         recipe={"family": "cgan", "data": "tiny.npz", "epochs": 1, "batch_size": 4})
    entry["files"] = zoo.export(gan, tiny_zoo.root / "cgan-tiny", entry)
    zoo.write_entry(entry)
    return gan


def test_sample_a_conditional_entry_by_label_index_or_name(cgan_zoo):
    gan = cgan_zoo
    dogs = kerasgan.sample("cgan-tiny", 4, seed=2, labels="dog")
    expected = kerasgan.images.to_uint8(gan.generate(4, seed=2, labels=1))
    np.testing.assert_array_equal(dogs, expected)
    np.testing.assert_array_equal(dogs, kerasgan.sample("cgan-tiny", 4, seed=2, labels=1))
    np.testing.assert_array_equal(dogs, kerasgan.sample(gan, 4, seed=2, labels="dog"))
    # A bare [z, label] generator: its class count is read from the label embedding.
    np.testing.assert_array_equal(dogs, kerasgan.sample(gan.generator, 4, seed=2, labels=1))
    cycled = kerasgan.sample("cgan-tiny", 3, seed=2)
    np.testing.assert_array_equal(cycled, kerasgan.images.to_uint8(gan.generate(3, seed=2, labels=[0, 1, 2])))
    assert not np.array_equal(cycled[0], cycled[1])
    with pytest.raises(ValueError, match="out of range: valid labels are 0 to 2"):
        kerasgan.sample("cgan-tiny", 2, labels=3)
    with pytest.raises(ValueError, match="Unknown class name 'cow'; valid names: \\['cat', 'dog', 'fox'\\]"):
        kerasgan.sample("cgan-tiny", 2, labels="cow")
    with pytest.raises(ValueError, match="class_names was not given"):
        kerasgan.sample(gan.generator, 2, labels="dog")  # a bare generator knows no names


def test_cli_sample_label(cgan_zoo, tmp_path, capsys):
    out = tmp_path / "dogs.png"
    assert cli.main(["sample", "cgan-tiny", "--label", "dog", "-n", "4", "--seed", "1", "-o", str(out)]) == 0
    expected = kerasgan.images.make_grid(kerasgan.sample("cgan-tiny", 4, seed=1, labels=1))[..., 0]
    np.testing.assert_array_equal(np.asarray(Image.open(out)), expected)
    assert "of class dog" in capsys.readouterr().out
    assert cli.main(["sample", "cgan-tiny", "--label", "1", "-n", "4", "--seed", "1", "-o", str(out)]) == 0
    np.testing.assert_array_equal(np.asarray(Image.open(out)), expected)
    # No label: the classes cycle, one column per class.
    assert cli.main(["sample", "cgan-tiny", "-n", "6", "-o", str(out)]) == 0
    assert np.asarray(Image.open(out)).shape == (2 * 10 + 2, 3 * 10 + 2)
    assert cli.main(["sample", "cgan-tiny", "--label", "7", "-o", str(out)]) == 1
    assert "Label 7 is out of range: valid labels are 0 to 2" in capsys.readouterr().err


def test_model_card_of_a_conditional_entry(cgan_zoo, tiny_zoo):
    card = (tiny_zoo.root / "cgan-tiny" / "README.md").read_text()
    assert "kerasgan sample cgan-tiny --label fox -n 64" in card
    assert 'labels="fox"' in card and "unconditional-image-generation" not in card
    assert "labels_per_class" not in card


def label_painting_generator(num_classes=3, size=28):
    """A [z, label] generator that paints class k as a flat image of value -1 + 2k / (K - 1)."""
    z = keras.Input((4,))
    label = keras.Input((1,), dtype="int32")
    level = keras.layers.Embedding(num_classes, 1)
    painted = keras.layers.Flatten()(level(label))
    image = keras.layers.Dense(size * size, use_bias=False, kernel_initializer="ones", trainable=False)(painted)
    model = keras.Model([z, label], keras.layers.Reshape((size, size, 1))(image))
    level.set_weights([np.linspace(-1, 1, num_classes).reshape(-1, 1)])  # class k -> -1 + 2k / (K - 1)
    return model


def test_conditional_accuracy_counts_the_requested_class():
    generator = label_painting_generator()

    def classifier(images):  # reads the painted class back, but calls every class 2 a class 0
        classes = np.round((np.asarray(images).mean(axis=(1, 2, 3)) + 1) / 2 * 2).astype(int)
        classes[classes == 2] = 0
        return np.eye(3)[classes]

    result = conditional_accuracy(generator, per_class=5, classifier=classifier)
    np.testing.assert_allclose(result.per_class, [1.0, 1.0, 0.0])
    assert result.accuracy == pytest.approx(2 / 3) and result.samples == 15
    with pytest.raises(ValueError, match="not class-conditional"):
        conditional_accuracy(kerasgan.models.DCGAN((8, 8, 1), latent_dim=4, filters=2), per_class=2)


def test_evaluate_accuracy_of_a_conditional_gan_uses_the_fmnist_classifier():
    gan = kerasgan.models.ACGAN((28, 28, 1), num_classes=10, latent_dim=4, filters=2, seed=0)
    results = evaluate(gan, metrics=["accuracy"], n=40, seed=0)
    assert results["accuracy"] == pytest.approx(conditional_accuracy(gan, per_class=4, seed=0).accuracy)
    assert 0.0 <= results["accuracy"] <= 1.0


def labelled_npz(tmp_path, n=24, classes=3):
    rng = np.random.default_rng(0)
    path = tmp_path / "labelled.npz"
    np.savez(path, x=rng.integers(0, 256, (n, 8, 8, 1), dtype=np.uint8), y=np.arange(n) % classes)
    return path


def test_cli_train_conditional_families(tmp_path, capsys):
    data = labelled_npz(tmp_path)
    common = ["--data", str(data), "--batch-size", "4", "--samples", "3", "--epochs", "1", "--latent-dim", "4"]
    for family, cls in (("cgan", kerasgan.models.ConditionalGAN), ("acgan", kerasgan.models.ACGAN)):
        out = tmp_path / family
        assert cli.main(["train", family, "--out", str(out), "--num-classes", "3"] + common) == 0
        gan = keras.saving.load_model(out / "gan.keras")
        assert type(gan) is cls and gan.num_classes == 3 and int(gan.g_optimizer.iterations) == 6

    out = tmp_path / "sgan"
    assert cli.main(["train", "sgan", "--out", str(out), "--num-classes", "3", "--labels-per-class", "2"] + common) == 0
    gan = keras.saving.load_model(out / "gan.keras")
    assert type(gan) is kerasgan.models.SemiSupervisedGAN
    assert int(gan.g_optimizer.iterations) == (24 - 6) // 4  # one pass over the unlabelled images
    assert json.loads((out / "state.json").read_text())["labels_per_class"] == 2
    capsys.readouterr()

    assert cli.main(["train", "cgan", "--out", str(tmp_path / "x")] + common) == 1
    assert "has no class names to count; pass --num-classes K" in capsys.readouterr().err
    assert cli.main(["train", "dcgan", "--out", str(tmp_path / "x"), "--labels-per-class", "2"] + common) == 1
    assert "--labels-per-class is for the labelled families" in capsys.readouterr().err
    assert cli.main(["train", "acgan", "--out", str(tmp_path / "x"), "--num-classes", "3",
                     "--labels-per-class", "2"] + common) == 1
    assert "--labels-per-class is for sgan" in capsys.readouterr().err


def test_cli_train_class_folder_takes_its_class_names(tmp_path):
    rng = np.random.default_rng(0)
    for name in NAMES:
        (tmp_path / "pets" / name).mkdir(parents=True)
        for i in range(4):
            Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(tmp_path / "pets" / name / f"{i}.png")
    out = tmp_path / "run"
    assert cli.main(["train", "cgan", "--data", str(tmp_path / "pets"), "--out", str(out), "--batch-size", "4",
                     "--samples", "3", "--epochs", "1", "--latent-dim", "4", "--channels", "1"]) == 0
    gan = keras.saving.load_model(out / "gan.keras")
    assert gan.class_names == NAMES and gan.generate(2, seed=0, labels="fox").shape == (2, 8, 8, 1)


# ------------------------------------------------------------------ the shipped entries


@pytest.mark.parametrize("name", ["cgan-fashion-mnist", "acgan-fashion-mnist"])
def test_shipped_conditional_entries_draw_the_class_asked_for(name, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    sneakers = kerasgan.sample(name, 8, seed=0, labels="Sneaker")
    assert sneakers.shape == (8, 28, 28, 1) and sneakers.dtype == np.uint8
    # The bundled classifier recognises most of 20 images per class (the recorded protocol uses 1,000).
    assert conditional_accuracy(name, per_class=20).accuracy > 0.75


def test_shipped_semi_supervised_entry_classifies_fashion_mnist(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    x, y = kerasgan.data.load_arrays("fashion_mnist", "test")
    gan = kerasgan.load("sgan-fashion-mnist-100-labels", part="gan")
    accuracy = np.mean(gan.predict_classes(x[:500] / 127.5 - 1) == y[:500])
    assert accuracy > 0.65  # 100 labels; the recorded test accuracy is on all 10,000 images


def test_cli_finetune_a_conditional_entry_on_class_folders(cgan_zoo, tmp_path, capsys):
    rng = np.random.default_rng(0)
    for name in ("a", "b", "c", "d"):
        (tmp_path / "data" / name).mkdir(parents=True)
        for i in range(4):
            Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(tmp_path / "data" / name / f"{i}.png")
    common = ["--epochs", "1", "--batch-size", "4", "--samples", "3"]
    # Four classes for a three-class model: refused before anything trains.
    assert cli.main(["finetune", "cgan-tiny", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "x")] + common) == 1
    assert "has 4 classes but cgan-tiny has 3" in capsys.readouterr().err
    import shutil

    shutil.rmtree(tmp_path / "data" / "d")
    out = tmp_path / "run"
    assert cli.main(["finetune", "cgan-tiny", "--data", str(tmp_path / "data"), "--out", str(out)] + common) == 0
    gan = keras.saving.load_model(out / "gan.keras")
    assert type(gan) is kerasgan.models.ConditionalGAN and int(gan.g_optimizer.iterations) == 3
