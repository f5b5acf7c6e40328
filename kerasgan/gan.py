"""The GAN base class: a `keras.Model` that plays the adversarial game in `train_step`."""

import numpy as np

import keras
from keras import ops

from kerasgan import losses as losses_lib

__all__ = ["GAN", "default_optimizer"]


def default_optimizer():
    """Adam(2e-4, beta_1=0.5): the DCGAN paper's setting (Radford et al. 2016)."""
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


#: The Keras backends whose `fit` runs the GAN's training step.
TRAINING_BACKENDS = ("tensorflow", "torch")


def _tf():
    # TensorFlow is imported only where the training step needs it, so that a
    # generator can be built and sampled from under any Keras backend.
    import tensorflow as tf

    return tf


@keras.saving.register_keras_serializable(package="kerasgan")
class GAN(keras.Model):
    """A generator and a discriminator trained against each other with `fit`.

    `train_step` alternates `d_steps` discriminator updates with one generator
    update (Goodfellow et al. 2014, Algorithm 1) and reports `d_loss`,
    `g_loss`, `d_real` (mean D(x) as a probability) and `d_fake` (mean
    D(G(z))) as metrics that Keras resets each epoch. Batches may be images or
    `(images, labels)`; the unconditional game ignores the labels.

    Each discriminator step draws fresh noise but reuses the batch of real
    images that `fit` delivered. The generator step reuses the fakes of the
    last discriminator step, scored again by the just-updated discriminator,
    as the reference DCGAN implementation does; this saves one generator
    forward pass per step.

    Paper: https://arxiv.org/abs/1406.2661

    Args:
        generator: keras.Model. Maps latent vectors (batch, latent_dim) to
            images in [-1, 1].
        discriminator: keras.Model. Maps images to one raw score per image
            (batch, 1), no sigmoid.
        latent_dim: int. Size of the latent vector z ~ N(0, I).
        seed: int or None. Seed of the latent noise drawn during training.

    Example:
    >>> import keras, kerasgan
    >>> g = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="tanh")])
    >>> d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> gan = kerasgan.GAN(g, d, latent_dim=8)
    >>> gan.compile(loss="non_saturating")
    >>> gan.generate(2, seed=0).shape
    (2, 4)
    """

    #: Whether `fit` needs labelled batches (the conditional and semi-supervised families).
    uses_labels = False

    def __init__(self, generator, discriminator, latent_dim, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        # Families built from a few arguments (DCGAN(image_shape=...)) set this
        # so that their config is those arguments, not two serialised models.
        self._architecture = None
        self.loss_fn = None
        self.built = True

    # ------------------------------------------------------------------ #
    # Compilation
    # ------------------------------------------------------------------ #
    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss="non_saturating",
        d_steps=1,
        gp_weight=0.0,
        r1_weight=0.0,
        **kwargs,
    ):
        """Configure the game.

        Args:
            d_optimizer: keras.optimizers.Optimizer or None. The
                discriminator's optimizer; None gives Adam(2e-4, beta_1=0.5).
            g_optimizer: keras.optimizers.Optimizer or None. The generator's
                optimizer; None gives Adam(2e-4, beta_1=0.5).
            loss: str or kerasgan.losses.AdversarialLoss. "minimax",
                "non_saturating", "least_squares", "hinge" or "wasserstein".
            d_steps: int. Discriminator updates per generator update (k).
            gp_weight: float. Weight of the WGAN-GP gradient penalty; 0 = off.
            r1_weight: float. R1 penalty gamma (applied as gamma/2); 0 = off.
            **kwargs: passed to `keras.Model.compile` (e.g. `jit_compile`,
                `steps_per_execution`).
        """
        for reserved in ("optimizer", "metrics", "loss_weights"):
            if reserved in kwargs:
                raise TypeError(
                    f"GAN.compile() does not take `{reserved}`: use d_optimizer "
                    "and g_optimizer; the GAN reports its own metrics."
                )
        if int(d_steps) < 1:
            raise ValueError(f"d_steps must be >= 1, got {d_steps}.")
        if gp_weight < 0 or r1_weight < 0:
            raise ValueError("gp_weight and r1_weight must be >= 0.")
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer = keras.optimizers.get(d_optimizer or default_optimizer())
        self.g_optimizer = keras.optimizers.get(g_optimizer or default_optimizer())
        self.loss_fn = losses_lib.get(loss)
        self.d_steps = int(d_steps)
        self.gp_weight = float(gp_weight)
        self.r1_weight = float(r1_weight)
        self._gan_compile_kwargs = {
            k: kwargs[k] for k in ("jit_compile", "steps_per_execution") if k in kwargs
        }

    def get_compile_config(self):
        if not self.compiled:
            return {}
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": losses_lib.serialize(self.loss_fn),
            "d_steps": self.d_steps,
            "gp_weight": self.gp_weight,
            "r1_weight": self.r1_weight,
            **self._gan_compile_kwargs,
        }

    def compile_from_config(self, config):
        config = dict(config)
        config["d_optimizer"] = keras.optimizers.deserialize(config["d_optimizer"])
        config["g_optimizer"] = keras.optimizers.deserialize(config["g_optimizer"])
        self.compile(**config)
        # Create the optimizer slots now so that the saved optimizer state
        # (moments, iteration counts) is restored into them by `load_model`.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    # ------------------------------------------------------------------ #
    # Sampling
    # ------------------------------------------------------------------ #
    def call(self, z, training=False):
        return self.generator(z, training=training)

    def run_generator(self, z, labels=None, training=False):
        """Run the generator on latent vectors `z` (and, if conditional, `labels`).

        The one place the training step and `generate_from` call the
        generator. Unconditional models ignore `labels`; conditional
        subclasses override this to feed `(z, labels)`.
        """
        return self.generator(z, training=training)

    def score(self, images, labels=None, training=False):
        """Return the discriminator's adversarial logits (batch, 1) on `images`.

        The hook used by the default losses and the gradient penalties.
        Conditional subclasses override it to feed `(images, labels)`;
        multi-head discriminators to pick their real/fake head.
        """
        return self.discriminator(images, training=training)

    def sample_latent(self, batch_size, seed=None):
        """Draw z ~ N(0, I) of shape (batch_size, latent_dim).

        Args:
            batch_size: int or scalar tensor. Number of vectors.
            seed: int, SeedGenerator or None. None uses the model's own
                SeedGenerator (the training noise stream).
        """
        return keras.random.normal(
            (batch_size, self.latent_dim),
            seed=self.seed_generator if seed is None else seed,
        )

    def generate(self, n, seed=None, batch_size=256):
        """Return `n` generated samples as a float32 NumPy array in [-1, 1].

        Args:
            n: int. Number of samples.
            seed: int or None. Same seed, same samples; None draws fresh noise.
            batch_size: int. Samples generated per forward pass.

        Example:
        >>> images = gan.generate(16, seed=0)  # doctest: +SKIP
        """
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        z = self.sample_latent(int(n), seed=int(seed))
        return self.generate_from(z, batch_size=batch_size)

    def generate_from(self, z, batch_size=256, labels=None):
        """Run the generator on latent vectors `z` in inference mode; NumPy out.

        `labels` (one per row of `z`) are passed on to `run_generator`;
        unconditional models ignore them.
        """
        z = ops.convert_to_tensor(z, dtype="float32")
        outputs = [
            ops.convert_to_numpy(
                self.run_generator(
                    z[i : i + batch_size],
                    None if labels is None else labels[i : i + batch_size],
                    training=False,
                )
            )
            for i in range(0, int(z.shape[0]), batch_size)
        ]
        return np.concatenate(outputs, axis=0) if outputs else np.zeros(
            (0,) + tuple(self.generator.output_shape[1:]), "float32"
        )

    # ------------------------------------------------------------------ #
    # Training
    # ------------------------------------------------------------------ #
    @property
    def metrics(self):
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.d_real_tracker,
            self.d_fake_tracker,
        ]

    @staticmethod
    def unpack_batch(data):
        """Split a batch from `fit` into (images, labels or None)."""
        if isinstance(data, (tuple, list)):
            real = data[0]
            labels = data[1] if len(data) > 1 else None
            return real, labels
        return data, None

    def discriminator_loss(self, real, fake, labels=None):
        """The discriminator's loss and its raw outputs on real and fake.

        Subclasses that add terms (class heads, penalties) override this.
        Called inside the discriminator's gradient tape.
        """
        real_logits = self.score(real, labels, training=True)
        fake_logits = self.score(fake, labels, training=True)
        loss = self.loss_fn.discriminator_loss(real_logits, fake_logits)
        return loss + self.penalties(real, fake, labels), real_logits, fake_logits

    def penalties(self, real, fake, labels=None):
        """The enabled gradient penalties (WGAN-GP, R1), weighted; 0.0 when none."""
        loss = 0.0
        if self.gp_weight > 0:
            loss = loss + self.gp_weight * self._gradient_penalty(real, fake, labels)
        if self.r1_weight > 0:
            loss = loss + 0.5 * self.r1_weight * self._r1_penalty(real, labels)
        return loss

    def generator_loss(self, fake, labels=None, real=None):
        """The generator's loss on `fake`. Called inside the generator's tape.

        `real` is the step's real batch, for objectives that compare with it
        (feature matching); the adversarial losses ignore it.
        """
        return self.loss_fn.generator_loss(self.score(fake, labels, training=True))

    def train_step(self, data):
        if self.loss_fn is None:
            raise RuntimeError("Call `gan.compile()` before `fit`.")
        real, labels = self.unpack_batch(data)
        real = ops.cast(real, self.compute_dtype)
        play = self._torch_game if keras.backend.backend() == "torch" else self._tensorflow_game
        d_loss, g_loss, real_logits, fake_logits = play(real, labels)
        self.d_loss_tracker.update_state(ops.stop_gradient(d_loss))
        self.g_loss_tracker.update_state(ops.stop_gradient(g_loss))
        self.d_real_tracker.update_state(
            ops.mean(self.loss_fn.to_probability(ops.stop_gradient(real_logits)))
        )
        self.d_fake_tracker.update_state(
            ops.mean(self.loss_fn.to_probability(ops.stop_gradient(fake_logits)))
        )
        return {m.name: m.result() for m in self.metrics}

    def make_train_function(self, force=False):
        backend = keras.backend.backend()
        if backend not in TRAINING_BACKENDS:
            raise NotImplementedError(
                f"kerasgan trains on the {' or '.join(TRAINING_BACKENDS)} backend, not {backend!r}: "
                "set KERAS_BACKEND=tensorflow (or torch) before importing keras. Generators "
                "loaded under any backend can still sample."
            )
        return super().make_train_function(force)

    def _tensorflow_game(self, real, labels):
        """One step of the game with `tf.GradientTape`: `d_steps` D updates, then one G update.

        Returns (d_loss, g_loss, real_logits, fake_logits) of the last updates.
        """
        tf = _tf()
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables
        for _ in range(self.d_steps):
            z = self.sample_latent(ops.shape(real)[0])
            g_tape = tf.GradientTape()
            with g_tape:
                fake = self.run_generator(z, labels, training=True)
            with tf.GradientTape() as d_tape:
                d_loss, real_logits, fake_logits = self.discriminator_loss(
                    real, ops.stop_gradient(fake), labels
                )
            d_grads = d_tape.gradient(d_loss, d_vars)
            self.d_optimizer.apply_gradients(zip(d_grads, d_vars))

        # Re-enter the tape that recorded the last generator forward pass so
        # the generator's gradient flows through it without recomputing it.
        with g_tape:
            g_loss = self.generator_loss(fake, labels, real=real)
        g_grads = g_tape.gradient(g_loss, g_vars)
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars))
        return d_loss, g_loss, real_logits, fake_logits

    def _torch_game(self, real, labels):
        """The same step under the torch backend, with autograd.

        As on TensorFlow, the generator's forward pass of the last
        discriminator step is recorded once and reused by its own update.
        """
        import torch

        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables
        for step in range(self.d_steps):
            z = self.sample_latent(ops.shape(real)[0])
            with torch.set_grad_enabled(step == self.d_steps - 1):
                fake = self.run_generator(z, labels, training=True)
            self.zero_grad()
            d_loss, real_logits, fake_logits = self.discriminator_loss(
                real, ops.stop_gradient(fake), labels
            )
            d_loss.backward()
            with torch.no_grad():
                self.d_optimizer.apply([v.value.grad for v in d_vars], d_vars)

        self.zero_grad()
        g_loss = self.generator_loss(fake, labels, real=real)
        g_loss.backward()
        with torch.no_grad():
            self.g_optimizer.apply([v.value.grad for v in g_vars], g_vars)
        return d_loss, g_loss, real_logits, fake_logits

    def _input_gradient(self, inputs, labels=None):
        """Gradient of the summed scores with respect to `inputs`, kept differentiable."""
        if keras.backend.backend() == "torch":
            import torch

            inputs = inputs.detach().requires_grad_(True)
            scores = self.score(inputs, labels, training=True)
            return torch.autograd.grad(ops.sum(scores), inputs, create_graph=True)[0]
        tf = _tf()
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            scores = self.score(inputs, labels, training=True)
        return tape.gradient(scores, inputs)

    def _interpolation_weights(self, real):
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        return keras.random.uniform(shape, seed=self.seed_generator)

    def _gradient_penalty(self, real, fake, labels=None):
        alpha = self._interpolation_weights(real)
        mixed = alpha * real + (1.0 - alpha) * fake
        return losses_lib.gradient_penalty(self._input_gradient(mixed, labels))

    def _r1_penalty(self, real, labels=None):
        return losses_lib.r1_penalty(self._input_gradient(real, labels))

    # ------------------------------------------------------------------ #
    # Serialisation
    # ------------------------------------------------------------------ #
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "seed": self.seed}
        if self._architecture is not None:
            config.update(self._architecture)
        else:
            config.update(
                generator=keras.saving.serialize_keras_object(self.generator),
                discriminator=keras.saving.serialize_keras_object(self.discriminator),
                latent_dim=self.latent_dim,
            )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("generator", "discriminator"):
            if isinstance(config.get(part), dict):
                config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)
