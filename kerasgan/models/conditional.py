"""Class-conditional GANs: cGAN (Mirza & Osindero 2014) and AC-GAN (Odena et al. 2017).

Both generators take `(z, label)`: a learned label embedding is concatenated
to z and fed to the DCGAN generator body. They differ in the discriminator:

* `ConditionalGAN`: D sees `(image, label)`; the label embedding is broadcast
  as one extra image channel in front of the DCGAN discriminator body.
* `ACGAN`: D sees the image only and has two heads on a shared DCGAN trunk:
  a real/fake logit and K class logits. Both players add the class
  cross-entropy to their adversarial loss.

`SemiSupervisedGAN` (Odena 2016; Salimans et al. 2016) is unconditional in
its generator: its discriminator is a K+1-way classifier trained on partly
labelled data (label -1 = unlabelled), and `gan.classifier` is the result.

Labels are integer class indices, shape (batch,) or (batch, 1). For the two
conditional models, during `fit` the fakes are generated for the batch's own real labels, so the fake label
distribution follows the data's class balance.
"""

import numpy as np

import keras
from keras import ops

from kerasgan.gan import GAN
from kerasgan.layers import dcgan_init
from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator

__all__ = [
    "ConditionalGAN",
    "ACGAN",
    "SemiSupervisedGAN",
    "conditional_generator",
    "conditional_discriminator",
    "acgan_discriminator",
    "classifier_discriminator",
    "mlp_classifier",
    "semi_supervised_classifier",
    "masked_class_cross_entropy",
    "feature_matching_loss",
    "resolve_labels",
    "num_classes_of",
]


def conditional_generator(
    image_shape, num_classes, latent_dim=100, filters=64, embedding_dim=50
):
    """G(z, label): [z, Embedding(label)] -> the DCGAN generator body.

    Args:
        image_shape: tuple (H, W, C). Output image shape.
        num_classes: int. Number of classes K.
        latent_dim: int. Size of z.
        filters: int. Width (see `dcgan_generator`).
        embedding_dim: int. Size of the learned label embedding.

    Example:
    >>> conditional_generator((8, 8, 1), 3, latent_dim=4, filters=2).output_shape
    (None, 8, 8, 1)
    """
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((1,), dtype="int32", name="label")
    e = keras.layers.Embedding(num_classes, embedding_dim, name="label_embedding")(label)
    e = keras.layers.Flatten()(e)
    x = keras.layers.Concatenate(name="z_and_label")([z, e])
    body = dcgan_generator(image_shape, latent_dim + embedding_dim, filters)
    return keras.Model([z, label], body(x), name="conditional_generator")


def conditional_discriminator(image_shape, num_classes, filters=64):
    """D(image, label): the label embedded as an extra H x W channel -> DCGAN discriminator body.

    Example:
    >>> conditional_discriminator((8, 8, 1), 3, filters=2).output_shape
    (None, 1)
    """
    h, w, c = image_shape
    images = keras.Input(tuple(image_shape), name="images")
    label = keras.Input((1,), dtype="int32", name="label")
    e = keras.layers.Embedding(num_classes, h * w, name="label_embedding")(label)
    e = keras.layers.Reshape((h, w, 1))(e)
    x = keras.layers.Concatenate(axis=-1, name="image_and_label")([images, e])
    body = dcgan_discriminator((h, w, c + 1), filters, batch_norm=True)
    return keras.Model([images, label], body(x), name="conditional_discriminator")


def acgan_discriminator(image_shape, num_classes, filters=64):
    """The AC-GAN discriminator: the DCGAN trunk with two heads, [score (batch, 1), class logits (batch, K)].

    Example:
    >>> [tuple(s) for s in acgan_discriminator((8, 8, 1), 3, filters=2).output_shape]
    [(None, 1), (None, 3)]
    """
    trunk = dcgan_discriminator(image_shape, filters, batch_norm=True)
    features = trunk.get_layer("features").output  # the flattened features under the score head
    class_logits = keras.layers.Dense(
        num_classes, kernel_initializer=dcgan_init(), name="class_logits"
    )(features)
    return keras.Model(trunk.input, [trunk.output, class_logits], name="acgan_discriminator")


def classifier_discriminator(image_shape, num_classes, filters=64, dropout=0.0, batch_norm=True):
    """The DCGAN trunk with a K-way class-logit head (batch, K) in place of the score.

    Args:
        image_shape: tuple (H, W, C). Input image shape.
        num_classes: int. Number of class logits K.
        filters: int. Width (see `dcgan_discriminator`).
        dropout: float. Dropout rate after every LeakyReLU of the trunk.
        batch_norm: bool. Batch norm after every convolution but the first.

    Example:
    >>> classifier_discriminator((8, 8, 1), 3, filters=2).output_shape
    (None, 3)
    """
    trunk = dcgan_discriminator(image_shape, filters, batch_norm=batch_norm, dropout=dropout)
    features = trunk.get_layer("features").output
    class_logits = keras.layers.Dense(
        num_classes, kernel_initializer=dcgan_init(), name="class_logits"
    )(features)
    return keras.Model(trunk.input, class_logits, name="classifier")


#: The layer widths of Salimans et al.'s MNIST discriminator.
MLP_UNITS = (1000, 500, 250, 250, 250)


def mlp_classifier(image_shape, num_classes, units=MLP_UNITS, input_noise=0.3, hidden_noise=0.5):
    """Salimans et al. (2016)'s MNIST discriminator: a noisy MLP with K class logits.

    Gaussian noise (std `input_noise`) on the flattened image, then ReLU
    dense layers of `units` units, each followed by Gaussian noise (std
    `hidden_noise`); the noise is active only in training. The last hidden
    layer is named "features" (feature matching reads it). Their weight
    normalisation is left out.

    Args:
        image_shape: tuple (H, W, C). Input image shape.
        num_classes: int. Number of class logits K.
        units: sequence of int. Widths of the hidden layers.
        input_noise: float. Noise std on the input.
        hidden_noise: float. Noise std after every hidden layer.

    Example:
    >>> mlp_classifier((8, 8, 1), 3, units=(16, 8)).output_shape
    (None, 3)
    """
    images = keras.Input(tuple(image_shape), name="images")
    x = keras.layers.Flatten(name="flatten")(images)
    x = keras.layers.GaussianNoise(input_noise, name="input_noise")(x)
    for i, width in enumerate(units):
        last = i == len(units) - 1
        x = keras.layers.Dense(width, activation="relu", name="features" if last else f"dense{i}")(x)
        x = keras.layers.GaussianNoise(hidden_noise, name=f"noise{i}")(x)
    class_logits = keras.layers.Dense(num_classes, name="class_logits")(x)
    return keras.Model(images, class_logits, name="classifier")


def _as_label_column(labels):
    """Integer class indices of any shape (batch,) / (batch, 1) -> int32 (batch, 1)."""
    return ops.reshape(ops.cast(labels, "int32"), (-1, 1))


def class_cross_entropy(labels, class_logits):
    """Mean sparse softmax cross-entropy of integer `labels` under `class_logits`."""
    return ops.mean(
        keras.losses.sparse_categorical_crossentropy(
            ops.reshape(ops.cast(labels, "int32"), (-1,)), class_logits, from_logits=True
        )
    )


def masked_class_cross_entropy(labels, class_logits):
    """Mean cross-entropy over the labelled examples only (label < 0 = unlabelled); 0 if none."""
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    mask = ops.cast(labels >= 0, class_logits.dtype)
    per_example = keras.losses.sparse_categorical_crossentropy(
        ops.maximum(labels, 0), class_logits, from_logits=True
    )
    return ops.sum(per_example * mask) / ops.maximum(ops.sum(mask), 1.0)


def resolve_labels(labels, n, num_classes, class_names=None):
    """Turn `labels` into n int32 class indices for a conditional generator.

    None cycles through the classes 0, 1, ..., K-1, 0, ...; a single int or
    class name is repeated n times; a list/array must have n entries.

    Args:
        labels: None, int, str, or a sequence of ints and names.
        n: int. Number of samples.
        num_classes: int. K; valid indices are 0 to K-1.
        class_names: list of str or None. Names accepted in place of indices.

    Raises:
        ValueError: an index outside [0, K), an unknown name, or a list of
            the wrong length.

    Example:
    >>> resolve_labels("b", 3, 2, ["a", "b"]).tolist()
    [1, 1, 1]
    """
    if labels is None:
        return (np.arange(n) % num_classes).astype("int32")
    if isinstance(labels, (str, bytes, int, np.integer)):
        labels = [labels] * n
    labels = [_label_index(v, num_classes, class_names) for v in np.asarray(labels, dtype=object).reshape(-1)]
    if len(labels) != n:
        raise ValueError(f"Got {len(labels)} labels for n={n} samples.")
    return np.asarray(labels, "int32")


def num_classes_of(model):
    """K of a conditional GAN (its `num_classes`) or of a `[z, label]` generator (its label
    embedding's input size); None when neither says."""
    if getattr(model, "num_classes", None) is not None:
        return int(model.num_classes)
    generator = getattr(model, "generator", model)
    layers = generator.layers if isinstance(generator, keras.Model) else []
    return next((int(l.input_dim) for l in layers if isinstance(l, keras.layers.Embedding)), None)


def _label_index(label, num_classes, class_names):
    if isinstance(label, bytes):
        label = label.decode()
    if isinstance(label, str):
        if class_names is None or label not in class_names:
            valid = list(class_names) if class_names else "none (class_names was not given)"
            raise ValueError(f"Unknown class name {label!r}; valid names: {valid}.")
        return list(class_names).index(label)
    if isinstance(label, (float, np.floating)) and float(label).is_integer():
        label = int(label)
    if not isinstance(label, (int, np.integer)) or isinstance(label, bool):
        raise ValueError(f"A label must be an int or a class name, got {label!r}.")
    if not 0 <= int(label) < num_classes:
        raise ValueError(
            f"Label {int(label)} is out of range: valid labels are 0 to "
            f"{num_classes - 1} (num_classes={num_classes})."
        )
    return int(label)


def _check_classes(num_classes, class_names):
    """Validate the class count and optional names; return (int, list of str or None)."""
    num_classes = int(num_classes)
    if num_classes < 1:
        raise ValueError(f"num_classes must be >= 1, got {num_classes}.")
    if class_names is not None:
        class_names = [str(n) for n in class_names]
        if len(class_names) != num_classes:
            raise ValueError(f"class_names has {len(class_names)} names for {num_classes} classes.")
    return num_classes, class_names


@keras.saving.register_keras_serializable(package="kerasgan")
class ConditionalGAN(GAN):
    """Conditional GAN (Mirza & Osindero 2014) with DCGAN bodies.

    `fit` takes `(images, labels)` batches, labels being integer class
    indices; the fakes of each step are generated for that batch's real
    labels. `generate(n, labels=...)` picks the classes to draw.

    Paper: https://arxiv.org/abs/1411.1784

    Args:
        image_shape: tuple (H, W, C). Square, even side (see `DCGAN`).
        num_classes: int. Number of classes K.
        latent_dim: int. Size of z.
        filters: int. Width of the networks (see `dcgan_generator`).
        class_names: list of str or None. Names of the K classes, so that
            `generate(labels="cat")` works.
        embedding_dim: int. Size of the generator's label embedding.
        seed: int or None. Seed of the training noise.

    Example:
    >>> import kerasgan
    >>> gan = kerasgan.models.ConditionalGAN((8, 8, 1), num_classes=3, latent_dim=4, filters=2)
    >>> gan.compile()
    >>> gan.generate(3, seed=0, labels=[0, 1, 2]).shape
    (3, 8, 8, 1)
    """

    uses_labels = True

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        filters=64,
        class_names=None,
        embedding_dim=50,
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(int(s) for s in image_shape)
        num_classes, class_names = _check_classes(num_classes, class_names)
        super().__init__(
            conditional_generator(image_shape, num_classes, latent_dim, filters, embedding_dim),
            self._build_discriminator(image_shape, num_classes, filters),
            latent_dim=latent_dim,
            seed=seed,
            **kwargs,
        )
        self.num_classes = num_classes
        self.class_names = class_names
        self._architecture = dict(
            image_shape=list(image_shape),
            num_classes=num_classes,
            latent_dim=int(latent_dim),
            filters=int(filters),
            class_names=class_names,
            embedding_dim=int(embedding_dim),
        )

    @staticmethod
    def _build_discriminator(image_shape, num_classes, filters):
        return conditional_discriminator(image_shape, num_classes, filters)

    # -- hooks of the GAN game ------------------------------------------ #
    def unpack_batch(self, data):
        real, labels = GAN.unpack_batch(data)
        if labels is None:
            raise ValueError(
                f"{type(self).__name__} needs labelled batches: call "
                "`fit(images, labels)` or give a dataset of (images, labels) pairs, "
                f"labels being integer class indices in [0, {self.num_classes})."
            )
        return real, labels

    def run_generator(self, z, labels=None, training=False):
        if labels is None:
            labels = np.arange(int(z.shape[0])) % self.num_classes
        return self.generator([z, _as_label_column(labels)], training=training)

    def score(self, images, labels=None, training=False):
        return self.discriminator([images, _as_label_column(labels)], training=training)

    def call(self, inputs, training=False):
        """`gan((z, labels))` -> images."""
        z, labels = inputs
        return self.run_generator(z, labels, training=training)

    # -- sampling -------------------------------------------------------- #
    def resolve_labels(self, labels, n):
        """Turn `labels` (None, an int, a class name, or a list of them) into n int32 indices.

        See `resolve_labels` (the module function) for the rules.
        """
        return resolve_labels(labels, n, self.num_classes, self.class_names)

    def generate(self, n, seed=None, labels=None, batch_size=256):
        """Return `n` samples of the given classes as float32 NumPy in [-1, 1].

        Args:
            n: int. Number of samples.
            seed: int or None. Same seed and labels, same samples.
            labels: None (cycle through the classes), an int or class name
                (all n of that class), or a list/array of n ints or names.
            batch_size: int. Samples generated per forward pass.
        """
        labels = self.resolve_labels(labels, int(n))
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        z = self.sample_latent(int(n), seed=int(seed))
        return self.generate_from(z, batch_size=batch_size, labels=labels)


@keras.saving.register_keras_serializable(package="kerasgan")
class ACGAN(ConditionalGAN):
    """Auxiliary-classifier GAN (Odena et al. 2017) with DCGAN bodies.

    D has a shared trunk and two heads, a real/fake logit and K class logits.
    With CE the mean sparse softmax cross-entropy and w = `class_weight`:

        L_D = adversarial_D + w * (CE(y, C(x)) + CE(y, C(G(z, y))))
        L_G = adversarial_G + w * CE(y, C(G(z, y)))

    Fakes are generated for the batch's real labels y. Any `compile(loss=...)`
    gives the adversarial terms. The generator is the cGAN one: (z, label).

    Paper: https://arxiv.org/abs/1610.09585

    Args:
        image_shape, num_classes, latent_dim, filters, class_names,
        embedding_dim, seed: as in `ConditionalGAN`.
        class_weight: float. Weight w of the class cross-entropy terms.

    Example:
    >>> import kerasgan
    >>> gan = kerasgan.models.ACGAN((8, 8, 1), num_classes=3, latent_dim=4, filters=2)
    >>> gan.compile()
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        filters=64,
        class_names=None,
        embedding_dim=50,
        class_weight=1.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            image_shape=image_shape,
            num_classes=num_classes,
            latent_dim=latent_dim,
            filters=filters,
            class_names=class_names,
            embedding_dim=embedding_dim,
            seed=seed,
            **kwargs,
        )
        if class_weight < 0:
            raise ValueError(f"class_weight must be >= 0, got {class_weight}.")
        self.class_weight = float(class_weight)
        self._architecture["class_weight"] = self.class_weight

    @staticmethod
    def _build_discriminator(image_shape, num_classes, filters):
        return acgan_discriminator(image_shape, num_classes, filters)

    def score(self, images, labels=None, training=False):
        return self.discriminator(images, training=training)[0]

    def classify(self, images, training=False):
        """Class logits (batch, K) from the auxiliary classifier head."""
        return self.discriminator(images, training=training)[1]

    def discriminator_loss(self, real, fake, labels=None):
        real_logits, real_classes = self.discriminator(real, training=True)
        fake_logits, fake_classes = self.discriminator(fake, training=True)
        loss = self.loss_fn.discriminator_loss(real_logits, fake_logits)
        loss = loss + self.class_weight * (
            class_cross_entropy(labels, real_classes)
            + class_cross_entropy(labels, fake_classes)
        )
        return loss + self.penalties(real, fake, labels), real_logits, fake_logits

    def generator_loss(self, fake, labels=None, real=None):
        fake_logits, fake_classes = self.discriminator(fake, training=True)
        return self.loss_fn.generator_loss(
            fake_logits
        ) + self.class_weight * class_cross_entropy(labels, fake_classes)


GENERATOR_OBJECTIVES = ("adversarial", "feature_matching")
#: The discriminator architectures of `SemiSupervisedGAN`.
CLASSIFIER_ARCHITECTURES = ("dcgan", "mlp")


def semi_supervised_classifier(
    image_shape, num_classes, filters=64, dropout=0.0, batch_norm=True, architecture="dcgan"
):
    """The discriminator of a `SemiSupervisedGAN` (and of its supervised baseline).

    "dcgan" is `classifier_discriminator(image_shape, num_classes, filters,
    dropout, batch_norm)`; "mlp" is `mlp_classifier(image_shape, num_classes)`,
    which ignores `filters`, `dropout` and `batch_norm`.

    Example:
    >>> semi_supervised_classifier((8, 8, 1), 3, architecture="mlp").output_shape
    (None, 3)
    """
    if architecture not in CLASSIFIER_ARCHITECTURES:
        raise ValueError(
            f"architecture must be one of {CLASSIFIER_ARCHITECTURES}, got {architecture!r}."
        )
    if architecture == "mlp":
        return mlp_classifier(image_shape, num_classes)
    return classifier_discriminator(image_shape, num_classes, filters, dropout, batch_norm)


@keras.saving.register_keras_serializable(package="kerasgan")
class SemiSupervisedGAN(GAN):
    """Semi-supervised GAN (Odena 2016; Salimans et al. 2016, Sec. 5).

    The discriminator is a K+1-way classifier: K real classes plus "fake".
    As in Salimans et al., the fake logit is fixed at 0, so D outputs K class
    logits l and its real/fake logit is logsumexp(l): then
    D(x) = Z / (Z + 1) with Z = sum_k exp(l_k), and any `compile(loss=...)`
    plays the unsupervised game on it. On labelled real images D also
    minimises `supervised_weight * CE(y, l)`. The generator is the
    unconditional DCGAN one.

    `fit` takes either of two streams:

    * a labelled and an unlabelled stream zipped together, each element
      `((labelled_images, labels), unlabelled_images)`; this is what
      `kerasgan.data.semi_supervised(...)` builds (the few labelled images
      repeat, so every batch holds some);
    * one stream of `(images, labels)` where a label of -1 marks an
      unlabelled image (it only enters the unsupervised game).

    Batches without labels train the unsupervised game alone.

    The generator plays the adversarial game (`generator_objective=
    "adversarial"`), or matches the mean of D's last hidden features on real
    and generated images (`"feature_matching"`, Salimans et al. 2016, Sec. 3.1),
    the objective they found best for classification.

    `gan.classifier` is the trained K-class classifier (images -> logits);
    `gan.predict_classes(images)` gives ints.

    Paper: https://arxiv.org/abs/1606.03498

    Args:
        image_shape: tuple (H, W, C). Square, even side (see `DCGAN`).
        num_classes: int. Number of real classes K.
        latent_dim: int. Size of z.
        filters: int. Width of the networks.
        class_names: list of str or None. Names of the K classes.
        supervised_weight: float. Weight of the supervised cross-entropy.
        dropout: float in [0, 1). Dropout after every LeakyReLU of the
            discriminator (a regulariser for the few labels).
        batch_norm: bool. Batch norm in the discriminator (DCGAN style).
        generator_objective: str. "adversarial" or "feature_matching".
        architecture: str. The discriminator: "dcgan" (the DCGAN trunk with
            a K-way head, `classifier_discriminator`) or "mlp" (Salimans et
            al.'s noisy MNIST MLP, `mlp_classifier`; `filters`, `dropout`
            and `batch_norm` then shape the generator only, or nothing).
        seed: int or None. Seed of the training noise.

    Example:
    >>> import kerasgan
    >>> gan = kerasgan.models.SemiSupervisedGAN((8, 8, 1), num_classes=3, latent_dim=4, filters=2)
    >>> gan.classifier.output_shape
    (None, 3)
    """

    uses_labels = True

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        filters=64,
        class_names=None,
        supervised_weight=1.0,
        dropout=0.0,
        batch_norm=True,
        generator_objective="adversarial",
        architecture="dcgan",
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(int(s) for s in image_shape)
        num_classes, class_names = _check_classes(num_classes, class_names)
        if supervised_weight < 0:
            raise ValueError(f"supervised_weight must be >= 0, got {supervised_weight}.")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
        if generator_objective not in GENERATOR_OBJECTIVES:
            raise ValueError(
                f"generator_objective must be one of {GENERATOR_OBJECTIVES}, got {generator_objective!r}."
            )
        super().__init__(
            dcgan_generator(image_shape, latent_dim, filters),
            semi_supervised_classifier(
                image_shape, num_classes, filters, dropout, batch_norm, architecture
            ),
            latent_dim=latent_dim,
            seed=seed,
            **kwargs,
        )
        self.num_classes = num_classes
        self.class_names = class_names
        self.supervised_weight = float(supervised_weight)
        self.generator_objective = generator_objective
        self._architecture = dict(
            image_shape=list(image_shape),
            num_classes=num_classes,
            latent_dim=int(latent_dim),
            filters=int(filters),
            class_names=class_names,
            supervised_weight=self.supervised_weight,
            dropout=float(dropout),
            batch_norm=bool(batch_norm),
            generator_objective=generator_objective,
            architecture=architecture,
        )
        # A view of D up to its last hidden layer, for feature matching. Set
        # around Keras's attribute tracking: it shares D's layers and must not
        # be saved twice.
        object.__setattr__(
            self,
            "_feature_model",
            keras.Model(
                self.discriminator.input,
                [self.discriminator.get_layer("features").output, self.discriminator.output],
            ),
        )

    @property
    def classifier(self):
        """The K-class classifier: images -> class logits (batch, K)."""
        return self.discriminator

    def predict_classes(self, images, batch_size=256):
        """Integer class predictions (argmax of the K real-class logits) as NumPy."""
        images = np.asarray(images, "float32")
        logits = [
            ops.convert_to_numpy(self.discriminator(images[i : i + batch_size], training=False))
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(logits).argmax(axis=-1) if logits else np.zeros((0,), "int64")

    def unpack_batch(self, data):
        """Accept `((labelled, labels), unlabelled)` as well as `images` or `(images, labels)`."""
        if (
            isinstance(data, (tuple, list))
            and len(data) == 2
            and isinstance(data[0], (tuple, list))
        ):
            (labelled, labels), unlabelled = data
            labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
            unknown = -ops.ones((ops.shape(unlabelled)[0],), "int32")
            return (
                ops.concatenate([ops.cast(labelled, "float32"), ops.cast(unlabelled, "float32")]),
                ops.concatenate([labels, unknown]),
            )
        return GAN.unpack_batch(data)

    def score(self, images, labels=None, training=False):
        return ops.logsumexp(
            self.discriminator(images, training=training), axis=-1, keepdims=True
        )

    def discriminator_loss(self, real, fake, labels=None):
        real_classes = self.discriminator(real, training=True)
        fake_classes = self.discriminator(fake, training=True)
        real_logits = ops.logsumexp(real_classes, axis=-1, keepdims=True)
        fake_logits = ops.logsumexp(fake_classes, axis=-1, keepdims=True)
        loss = self.loss_fn.discriminator_loss(real_logits, fake_logits)
        if labels is not None:
            loss = loss + self.supervised_weight * masked_class_cross_entropy(
                labels, real_classes
            )
        return loss + self.penalties(real, fake, labels), real_logits, fake_logits

    def generator_loss(self, fake, labels=None, real=None):
        if self.generator_objective == "adversarial" or real is None:
            return GAN.generator_loss(self, fake, labels)
        real_features, _ = self._feature_model(real, training=True)
        fake_features, _ = self._feature_model(fake, training=True)
        return feature_matching_loss(ops.stop_gradient(real_features), fake_features)


def feature_matching_loss(real_features, fake_features):
    """Mean squared difference of the batch means of two feature sets (Salimans et al. 2016, Eq. 3.1)."""
    difference = ops.mean(real_features, axis=0) - ops.mean(fake_features, axis=0)
    return ops.mean(ops.square(difference))
