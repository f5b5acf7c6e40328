"""Class-conditional GANs: cGAN and AC-GAN on tiny 8x8 images."""

import math

import numpy as np
import pytest

import keras

from kerasgan.models import ACGAN, ConditionalGAN
from kerasgan.models.conditional import class_cross_entropy

IMAGES = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
LABELS = np.arange(16) % 3
NAMES = ["cat", "dog", "fox"]


def tiny(cls=ConditionalGAN, **kwargs):
    return cls(
        image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2,
        class_names=NAMES, embedding_dim=3, seed=0, **kwargs,
    )


@pytest.mark.parametrize("cls", [ConditionalGAN, ACGAN])
def test_shapes_and_the_label_conditions_the_generator(cls):
    gan = tiny(cls)
    assert [tuple(s) for s in (gan.generator.input_shape)] == [(None, 4), (None, 1)]
    if cls is ACGAN:
        assert [tuple(s) for s in gan.discriminator.output_shape] == [(None, 1), (None, 3)]
    else:
        assert gan.discriminator.output_shape == (None, 1)
    z = gan.sample_latent(3, seed=1)
    same_z = np.repeat(np.asarray(z[:1]), 3, axis=0)
    images = gan.generate_from(same_z, labels=np.array([0, 1, 2]))
    assert images.shape == (3, 8, 8, 1)
    assert np.abs(images[0] - images[1]).max() > 0  # same z, different class
    np.testing.assert_allclose(gan((same_z, np.array([0, 1, 2]))), images, atol=1e-6)


@pytest.mark.parametrize("cls", [ConditionalGAN, ACGAN])
def test_fit_on_labelled_batches_and_clear_error_without_labels(cls):
    gan = tiny(cls)
    gan.compile()
    history = gan.fit(IMAGES, LABELS, batch_size=8, epochs=1, verbose=0).history
    assert int(gan.g_optimizer.iterations) == 2
    assert all(np.isfinite(v[0]) for v in history.values())
    with pytest.raises(ValueError, match=r"labelled batches.*\[0, 3\)"):
        gan.fit(IMAGES, batch_size=8, verbose=0)


def test_fakes_are_generated_for_the_batch_real_labels():
    seen = []

    class Spy(ConditionalGAN):
        def run_generator(self, z, labels=None, training=False):
            if training:
                seen.append(np.asarray(labels).reshape(-1))
            return super().run_generator(z, labels, training)

    gan = Spy(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2, seed=0)
    gan.compile(run_eagerly=True)
    gan.fit(IMAGES, LABELS, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_array_equal(np.concatenate(seen), LABELS)


def test_generate_labels_ints_names_lists_and_cycling():
    gan = tiny()
    assert list(gan.resolve_labels(None, 5)) == [0, 1, 2, 0, 1]
    assert list(gan.resolve_labels(2, 3)) == [2, 2, 2]
    assert list(gan.resolve_labels("dog", 2)) == [1, 1]
    assert list(gan.resolve_labels(["fox", 0, np.int64(1)], 3)) == [2, 0, 1]
    assert list(gan.resolve_labels(np.array([2, 1]), 2)) == [2, 1]
    a = gan.generate(3, seed=4, labels="fox")
    np.testing.assert_array_equal(a, gan.generate(3, seed=4, labels=[2, 2, 2]))
    assert np.abs(a - gan.generate(3, seed=4, labels=0)).max() > 0
    np.testing.assert_array_equal(gan.generate(4, seed=4), gan.generate(4, seed=4, labels=[0, 1, 2, 0]))
    np.testing.assert_allclose(gan.generate(5, seed=4, batch_size=2), gan.generate(5, seed=4), atol=1e-6)
    assert a.min() >= -1 and a.max() <= 1


def test_bad_labels_are_clear_errors():
    gan = tiny()
    with pytest.raises(ValueError, match=r"0 to 2 \(num_classes=3\)"):
        gan.generate(2, labels=3)
    with pytest.raises(ValueError, match="out of range"):
        gan.generate(2, labels=[0, -1])
    with pytest.raises(ValueError, match=r"Unknown class name 'cow'.*cat"):
        gan.generate(1, labels="cow")
    with pytest.raises(ValueError, match="2 labels for n=3"):
        gan.generate(3, labels=[0, 1])
    unnamed = ConditionalGAN(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2)
    with pytest.raises(ValueError, match="class_names was not given"):
        unnamed.generate(1, labels="cat")
    with pytest.raises(ValueError, match="3 classes"):
        ConditionalGAN(image_shape=(8, 8, 1), num_classes=3, class_names=["a"])


@pytest.mark.parametrize("cls", [ConditionalGAN, ACGAN])
def test_config_and_load_model_round_trip(cls, tmp_path):
    gan = tiny(cls, **({"class_weight": 0.5} if cls is ACGAN else {}))
    config = gan.get_config()
    assert config["num_classes"] == 3 and config["class_names"] == NAMES
    clone = cls.from_config(config)
    assert clone.generator.count_params() == gan.generator.count_params()
    assert clone.discriminator.count_params() == gan.discriminator.count_params()

    gan.compile(loss="least_squares", d_steps=2)
    gan.fit(IMAGES, LABELS, batch_size=8, verbose=0)
    gan.save(tmp_path / "c.keras")
    loaded = keras.saving.load_model(tmp_path / "c.keras")
    assert type(loaded) is cls and loaded.compiled and loaded.d_steps == 2
    assert loaded.class_names == NAMES
    if cls is ACGAN:
        assert loaded.class_weight == 0.5
    np.testing.assert_allclose(
        loaded.generate(3, seed=2, labels="dog"), gan.generate(3, seed=2, labels="dog"), atol=1e-6
    )
    loaded.fit(IMAGES, LABELS, batch_size=8, verbose=0)
    assert int(loaded.g_optimizer.iterations) == 4


def test_conditional_gradient_penalty_sees_the_labels():
    gan = tiny()
    gan.compile(loss="wasserstein", gp_weight=10.0, r1_weight=1.0)
    history = gan.fit(IMAGES, LABELS, batch_size=8, verbose=0).history
    assert np.isfinite(history["d_loss"][0])


def softplus(v):
    return math.log1p(math.exp(v))


def cross_entropy(logits, label):
    return math.log(sum(math.exp(l) for l in logits)) - logits[label]


def linear_two_head_gan(class_weight):
    """An ACGAN whose D is x -> [x.a, x B] on 2-vectors: the logits are readable off the weights."""
    gan = tiny(ACGAN, class_weight=class_weight)
    x = keras.Input((2,))
    score = keras.layers.Dense(1, use_bias=False)
    classes = keras.layers.Dense(3, use_bias=False)
    d = keras.Model(x, [score(x), classes(x)])
    score.set_weights([np.array([[0.5], [-1.0]])])
    classes.set_weights([np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])])
    gan.discriminator = d
    gan.compile(loss="non_saturating")
    return gan


def test_acgan_discriminator_and_generator_losses_by_hand():
    gan = linear_two_head_gan(class_weight=0.7)
    real = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")  # score 0.5, -1; classes [1,2,0], [0,0,3]
    fake = np.array([[2.0, 0.0], [0.0, 0.0]], "float32")  # score 1.0, 0; classes [2,4,0], [0,0,0]
    labels = np.array([0, 2])

    adversarial = (softplus(-0.5) + softplus(1.0)) / 2 + (softplus(1.0) + softplus(0.0)) / 2
    ce_real = (cross_entropy([1, 2, 0], 0) + cross_entropy([0, 0, 3], 2)) / 2
    ce_fake = (cross_entropy([2, 4, 0], 0) + cross_entropy([0, 0, 0], 2)) / 2
    d_loss, real_logits, fake_logits = gan.discriminator_loss(real, fake, labels)
    assert float(d_loss) == pytest.approx(adversarial + 0.7 * (ce_real + ce_fake), rel=1e-5)
    np.testing.assert_allclose(np.asarray(real_logits).ravel(), [0.5, -1.0])
    np.testing.assert_allclose(np.asarray(fake_logits).ravel(), [1.0, 0.0])

    g_adversarial = (softplus(-1.0) + softplus(0.0)) / 2
    g_loss = float(gan.generator_loss(fake, labels))
    assert g_loss == pytest.approx(g_adversarial + 0.7 * ce_fake, rel=1e-5)
    assert float(class_cross_entropy(labels, np.array([[1, 2, 0], [0, 0, 3]], "float32"))) == pytest.approx(ce_real)


def test_semi_supervised_gan_trains_on_partly_labelled_data_and_round_trips(tmp_path):
    from kerasgan.models import SemiSupervisedGAN

    gan = SemiSupervisedGAN(
        image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2,
        class_names=NAMES, supervised_weight=0.5, seed=0,
    )
    assert gan.classifier.output_shape == (None, 3)
    assert gan.generator.input_shape == (None, 4)
    partly = np.where(np.arange(16) < 8, LABELS, -1)
    gan.compile()
    history = gan.fit(IMAGES, partly, batch_size=8, verbose=0).history
    assert all(0.0 <= history[k][0] <= 1.0 for k in ("d_real", "d_fake"))
    gan.fit(IMAGES, batch_size=8, verbose=0)  # no labels at all: the unsupervised game alone
    predicted = gan.predict_classes(IMAGES[:5], batch_size=2)
    assert predicted.shape == (5,) and set(predicted) <= {0, 1, 2}
    gan.save(tmp_path / "s.keras")
    loaded = keras.saving.load_model(tmp_path / "s.keras")
    assert type(loaded) is SemiSupervisedGAN and loaded.supervised_weight == 0.5
    np.testing.assert_array_equal(loaded.predict_classes(IMAGES), gan.predict_classes(IMAGES))
    np.testing.assert_allclose(loaded.generate(2, seed=1), gan.generate(2, seed=1), atol=1e-6)


def test_semi_supervised_discriminator_loss_by_hand():
    """D(x) = Z/(Z+1), Z = sum exp(l_k): the real/fake logit is logsumexp(l); label -1 is skipped."""
    from kerasgan.models import SemiSupervisedGAN

    gan = SemiSupervisedGAN(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2, supervised_weight=2.0)
    x = keras.Input((2,))
    head = keras.layers.Dense(3, use_bias=False)
    gan.discriminator = keras.Model(x, head(x))
    head.set_weights([np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])])
    gan.compile(loss="non_saturating")
    real = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    fake = np.array([[0.0, 0.0]], "float32")

    def lse(v):
        return math.log(sum(math.exp(t) for t in v))

    adversarial = (softplus(-lse([1, 2, 0])) + softplus(-lse([0, 0, 3]))) / 2 + softplus(lse([0, 0, 0]))
    supervised = cross_entropy([1, 2, 0], 1)  # the second image is unlabelled
    d_loss, real_logits, _ = gan.discriminator_loss(real, fake, np.array([1, -1]))
    assert float(d_loss) == pytest.approx(adversarial + 2.0 * supervised, rel=1e-5)
    np.testing.assert_allclose(np.asarray(real_logits).ravel(), [lse([1, 2, 0]), lse([0, 0, 3])], rtol=1e-6)
    assert float(gan.generator_loss(fake)) == pytest.approx(softplus(-lse([0, 0, 0])), rel=1e-5)


def test_semi_supervised_gan_fits_a_labelled_and_an_unlabelled_stream():
    import tensorflow as tf

    from kerasgan import data
    from kerasgan.models import SemiSupervisedGAN

    gan = SemiSupervisedGAN(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2, seed=0)
    # The two streams become one batch: labelled first, then the unlabelled ones marked -1.
    real, labels = gan.unpack_batch(((IMAGES[:2], np.array([2, 0])), IMAGES[2:5]))
    np.testing.assert_array_equal(np.asarray(labels), [2, 0, -1, -1, -1])
    np.testing.assert_allclose(np.asarray(real), IMAGES[:5])

    uint8 = np.round((IMAGES + 1) * 127.5).astype(np.uint8)
    stream = data.semi_supervised((uint8, LABELS), labels_per_class=2, batch_size=4, seed=0)
    assert isinstance(stream, tf.data.Dataset)
    gan.compile()
    gan.fit(stream, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == int(stream.cardinality()) == (16 - 6) // 4


def test_feature_matching_generator_objective():
    from kerasgan.models import SemiSupervisedGAN
    from kerasgan.models.conditional import feature_matching_loss

    real = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    fake = np.array([[0.0, 0.0], [0.0, 2.0]], "float32")
    # Batch means (2, 3) and (0, 1): ((2 - 0)^2 + (3 - 1)^2) / 2 = 4.
    assert float(feature_matching_loss(real, fake)) == pytest.approx(4.0)

    gan = SemiSupervisedGAN(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2, seed=0,
                            dropout=0.5, generator_objective="feature_matching")
    features = gan._feature_model(IMAGES[:4])[0]
    assert features.shape == (4, gan.discriminator.get_layer("features").output.shape[-1])
    fake_images = gan.generate(4, seed=0)
    expected = feature_matching_loss(
        gan._feature_model(IMAGES[:4], training=False)[0], gan._feature_model(fake_images, training=False)[0]
    )
    assert float(expected) > 0
    gan.compile()
    history = gan.fit(IMAGES, np.where(np.arange(16) < 4, LABELS, -1), batch_size=8, verbose=0).history
    assert np.isfinite(history["g_loss"][0]) and history["g_loss"][0] >= 0  # a squared distance
    assert gan.get_config()["generator_objective"] == "feature_matching"
    with pytest.raises(ValueError, match="generator_objective must be one of"):
        SemiSupervisedGAN(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2, generator_objective="fm")
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        SemiSupervisedGAN(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2, dropout=1.0)


def test_mlp_classifier_architecture():
    """Salimans et al.'s noisy MLP: 784 -> 1000-500-250-250-250 -> K, noise only while training."""
    from kerasgan.models import SemiSupervisedGAN
    from kerasgan.models.conditional import MLP_UNITS, mlp_classifier, semi_supervised_classifier

    model = mlp_classifier((28, 28, 1), 10)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == list(MLP_UNITS) + [10] == [1000, 500, 250, 250, 250, 10]
    assert model.count_params() == (784 * 1000 + 1000) + (1000 * 500 + 500) + (500 * 250 + 250) + 2 * (
        250 * 250 + 250) + (250 * 10 + 10)
    noise = [layer.stddev for layer in model.layers if isinstance(layer, keras.layers.GaussianNoise)]
    assert noise == [0.3] + [0.5] * 5
    assert model.get_layer("features").units == 250
    x = np.random.default_rng(0).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    np.testing.assert_array_equal(np.asarray(model(x)), np.asarray(model(x)))  # inference: no noise
    assert not np.allclose(np.asarray(model(x, training=True)), np.asarray(model(x, training=True)))

    assert semi_supervised_classifier((8, 8, 1), 3, architecture="mlp").get_layer("features").units == 250
    assert semi_supervised_classifier((8, 8, 1), 3, filters=2).get_layer("down0").filters == 2
    with pytest.raises(ValueError, match="architecture must be one of"):
        semi_supervised_classifier((8, 8, 1), 3, architecture="resnet")

    gan = SemiSupervisedGAN(image_shape=(8, 8, 1), num_classes=3, latent_dim=4, filters=2, seed=0,
                            architecture="mlp", generator_objective="feature_matching")
    assert gan.get_config()["architecture"] == "mlp"
    gan.compile()
    history = gan.fit(IMAGES, np.where(np.arange(16) < 4, LABELS, -1), batch_size=8, verbose=0).history
    assert np.isfinite(history["d_loss"][0]) and np.isfinite(history["g_loss"][0])
    again = SemiSupervisedGAN.from_config(gan.get_config())
    assert again.discriminator.get_layer("features").units == 250


def test_resolve_labels_by_index_and_name():
    from kerasgan.models.conditional import resolve_labels

    assert resolve_labels(None, 5, 3).tolist() == [0, 1, 2, 0, 1]
    assert resolve_labels("dog", 2, 3, NAMES).tolist() == [1, 1]
    assert resolve_labels(["fox", 0, 1.0], 3, 3, NAMES).tolist() == [2, 0, 1]
    with pytest.raises(ValueError, match="out of range: valid labels are 0 to 2"):
        resolve_labels(3, 2, 3, NAMES)
    with pytest.raises(ValueError, match="Unknown class name 'cow'"):
        resolve_labels("cow", 2, 3, NAMES)
    with pytest.raises(ValueError, match="Got 2 labels for n=3"):
        resolve_labels([0, 1], 3, 3)
