"""Training throughput of DCGAN 28x28x1: kerasgan vs a keras.io-style train_step vs PyTorch.

All implementations train the same architecture (kerasgan's default DCGAN for
28x28x1: latent 100, filters 64) on the same data with the same game
(non-saturating BCE-with-logits, one D step then one G step, Adam(2e-4,
beta_1=0.5)) in one process. Throughput is real images consumed per second:
batch_size * timed_steps / seconds. Warm-up steps (tracing, oneDNN primitive
creation, allocator growth) are excluded; the timed steps are repeated
`--repeats` times, interleaving the implementations so that slow drifts of a
shared machine hit all of them alike, and the median is reported.

Rows:
  kerasgan        kerasgan.models.DCGAN(...).compile(); fit(tf.data)
  keras.io        a keras.Model subclass with the train_step pattern of the
                  Keras guide "Customizing what happens in fit()" (two tapes,
                  fresh noise and a second generator forward for the G step),
                  built from the same dcgan_generator / dcgan_discriminator
  torch           the same networks in PyTorch, trained like the PyTorch
                  DCGAN example (fake reused for the G step)
Optional rows (--jit, --extras) measure variants; see --help.

Shared machines: each timed run records the CPU time that *other* processes
used meanwhile (from /proc/stat); a run during which they used more than
`--busy-cores` is discarded and repeated (`--retries`), and a row that never
got a quiet run is flagged "(contended!)". Two busy cores halve TF's speed and
cut PyTorch's (whose OpenMP threads wait at barriers) by more than 10x, so such
numbers mean nothing. If a long background job owns the machine, run the
benchmark under a real-time policy (`chrt -f 10 python ...`, as root): normal
processes then only get the cycles it leaves idle, and no run is discarded.

Usage:
  python benchmarks/throughput.py                      # kerasgan, keras.io, torch
  python benchmarks/throughput.py --jit --extras kerasgan-fusedbn,torch-fused \
      --repeats 5 --json benchmarks/results/throughput_dcgan28.json   # README table
  python benchmarks/throughput.py --impls kerasgan --tf-inter 1   # threading
  python benchmarks/profile_step.py --impl kerasgan              # op-level profile
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

FASHION_MNIST = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
IMAGE_SHAPE = (28, 28, 1)


# ---------------------------------------------------------------------- #
# Data and machine
# ---------------------------------------------------------------------- #
def load_images(path=FASHION_MNIST, n=None, seed=0):
    """Fashion-MNIST train images as float32 (N, 28, 28, 1) in [-1, 1].

    Falls back to uniform noise of the same shape if the IDX file is missing.
    """
    if path and os.path.exists(path):
        with gzip.open(path, "rb") as f:
            raw = f.read()
        magic, count, rows, cols = np.frombuffer(raw[:16], dtype=">u4")
        if magic != 2051:
            raise ValueError(f"{path} is not an IDX image file (magic {magic}).")
        images = np.frombuffer(raw[16:], dtype=np.uint8).reshape(count, rows, cols, 1)
        images = images.astype("float32") / 127.5 - 1.0
        source = os.path.basename(path)
    else:
        rng = np.random.default_rng(seed)
        images = rng.uniform(-1, 1, (60000,) + IMAGE_SHAPE).astype("float32")
        source = "synthetic uniform[-1,1]"
    if n is not None:
        images = images[:n]
    return np.ascontiguousarray(images), source


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class LoadMeter:
    """CPU time used by *other* processes (and the hypervisor) while we measure.

    The machine may be shared (another user's test run, a noisy neighbour):
    /proc/stat's busy time minus this process's own CPU time, in cores.
    """

    def __init__(self):
        self.hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _snap(self):
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except OSError:
            return None
        # user nice system idle iowait irq softirq steal ...
        busy = sum(fields[:3]) + sum(fields[5:8])
        t = os.times()
        return busy / self.hz, t.user + t.system, time.perf_counter()

    def start(self):
        self._s = self._snap()

    def other_cores(self):
        """Mean number of cores used by others since `start()`."""
        return self.cores()[1]

    def cores(self):
        """(own, others): mean cores used by this process and by others since `start()`."""
        e = self._snap()
        if self._s is None or e is None:
            return 0.0, 0.0
        (b0, o0, w0), (b1, o1, w1) = self._s, e
        wall = max(w1 - w0, 1e-9)
        return (o1 - o0) / wall, max(0.0, ((b1 - b0) - (o1 - o0)) / wall)

    def wait_quiet(self, threshold, timeout, probe=1.0):
        """Sleep until others use less than `threshold` cores; return seconds waited."""
        t0 = time.perf_counter()
        while True:
            self.start()
            time.sleep(probe)
            if self.other_cores() < threshold or time.perf_counter() - t0 > timeout:
                return time.perf_counter() - t0


def running_realtime():
    """Whether this process runs under SCHED_FIFO / SCHED_RR (e.g. `chrt -f 10`)."""
    try:
        return os.sched_getscheduler(0) in (os.SCHED_FIFO, os.SCHED_RR)
    except (AttributeError, OSError):
        return False


def usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


# ---------------------------------------------------------------------- #
# Keras implementations
# ---------------------------------------------------------------------- #
def make_tf_dataset(images, batch_size, prebatched=False):
    import tensorflow as tf

    if prebatched:
        # Batches sliced once up front: the pipeline only hands out views.
        n = (len(images) // batch_size) * batch_size
        batched = images[:n].reshape((-1, batch_size) + images.shape[1:])
        ds = tf.data.Dataset.from_tensor_slices(batched)
    else:
        ds = tf.data.Dataset.from_tensor_slices(images).batch(
            batch_size, drop_remainder=True
        )
    return ds.repeat().prefetch(tf.data.AUTOTUNE)


def make_keras_io_gan_class():
    """The train_step of the Keras guide, with the game made identical to kerasgan's.

    Differences from the guide's listing, all needed for an identical game:
    real = 1 / fake = 0 labels (the guide flips them), no label noise, the
    networks called with training=True (the guide's calls run batch norm in
    inference mode), and real and fake scored in two discriminator calls
    (the guide concatenates them, which mixes their batch-norm statistics;
    `concat=True` restores that).
    """
    import keras
    import tensorflow as tf

    class KerasIOGAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim, concat=False, seed=None):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.concat = concat
            self.seed_generator = keras.random.SeedGenerator(seed)

        def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
            super().compile(**kwargs)
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")
            self.g_loss_metric = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_loss_metric, self.g_loss_metric]

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            batch_size = tf.shape(real_images)[0]
            ones = tf.ones((batch_size, 1))
            zeros = tf.zeros((batch_size, 1))

            # Discriminator step on generated + real images.
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            generated = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                if self.concat:
                    logits = self.discriminator(
                        tf.concat([generated, real_images], axis=0), training=True
                    )
                    d_loss = 2.0 * self.loss_fn(tf.concat([zeros, ones], axis=0), logits)
                else:
                    d_loss = self.loss_fn(
                        ones, self.discriminator(real_images, training=True)
                    ) + self.loss_fn(zeros, self.discriminator(generated, training=True))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

            # Generator step with fresh noise (second generator forward pass).
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                logits = self.discriminator(self.generator(z, training=True), training=True)
                g_loss = self.loss_fn(ones, logits)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply(grads, self.generator.trainable_weights)

            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}

    return KerasIOGAN


class KerasRunner:
    """Builds a Keras GAN, warms it up with one fit call, then times fit calls."""

    framework = "keras"

    def __init__(self, name, build, dataset_fn, steps_per_execution=1):
        self.name = name
        self.build = build
        self.dataset_fn = dataset_fn
        self.spe = steps_per_execution
        self.model = None

    def setup(self, warmup):
        import keras

        class StepClock(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.marks = []

            def on_train_batch_end(self, batch, logs=None):
                # Not async-safe, so Keras has already turned the logs into
                # Python floats: the step has finished when this runs.
                self.marks.append((batch, time.perf_counter()))

        self._clock_cls = StepClock
        self.model = self.build()
        self.dataset = self.dataset_fn()
        warm = max(warmup, 2 * self.spe)
        warm -= warm % self.spe
        t0 = time.perf_counter()
        self.model.fit(self.dataset, epochs=1, steps_per_epoch=warm, verbose=0, shuffle=False)
        return time.perf_counter() - t0

    def run(self, steps):
        """Time `steps` train steps; the first execution of the fit call is excluded."""
        steps -= steps % self.spe
        clock = self._clock_cls()
        history = self.model.fit(
            self.dataset,
            epochs=1,
            steps_per_epoch=steps + self.spe,
            verbose=0,
            shuffle=False,
            callbacks=[clock],
        )
        (b0, t0), (b1, t1) = clock.marks[0], clock.marks[-1]
        assert b1 - b0 == steps, (b0, b1, steps)
        losses = {k: float(v[-1]) for k, v in history.history.items() if "loss" in k}
        return t1 - t0, steps, losses


def build_kerasgan(jit=False, steps_per_execution=1, seed=0):
    import kerasgan

    gan = kerasgan.models.DCGAN(image_shape=IMAGE_SHAPE, seed=seed)
    kwargs = {}
    if jit:
        kwargs["jit_compile"] = True
    if steps_per_execution != 1:
        kwargs["steps_per_execution"] = steps_per_execution
    gan.compile(**kwargs)
    return gan


def build_kerasgan_fused_bn(seed=0, ranks=(2, 4)):
    """kerasgan's DCGAN with its batch-norm layers on TF's fused kernel (see variants.py)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import variants

    gan = build_kerasgan(seed=seed)
    variants.fuse_batch_norm(gan.generator, ranks)
    variants.fuse_batch_norm(gan.discriminator, ranks)
    return gan


def build_keras_io(concat=False, jit=False, seed=0):
    import keras
    from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator

    cls = make_keras_io_gan_class()
    gan = cls(
        discriminator=dcgan_discriminator(IMAGE_SHAPE, filters=64),
        generator=dcgan_generator(IMAGE_SHAPE, latent_dim=100, filters=64),
        latent_dim=100,
        concat=concat,
        seed=seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
        **({"jit_compile": True} if jit else {}),
    )
    return gan


# ---------------------------------------------------------------------- #
# PyTorch implementation
# ---------------------------------------------------------------------- #
def torch_dcgan(latent_dim=100, filters=64):
    """The kerasgan 28x28x1 DCGAN in PyTorch (NCHW).

    Keras "same" padding for kernel 4 / stride 2 pads one pixel per side,
    which is padding=1 here for both Conv2d and ConvTranspose2d. Keras batch
    norm (momentum 0.99, epsilon 1e-3) is torch momentum 0.01, eps 1e-3.
    """
    import torch
    from torch import nn

    bn = dict(eps=1e-3, momentum=0.01)
    w = filters * 2  # 128 channels at 7x7
    generator = nn.Sequential(
        nn.Linear(latent_dim, 7 * 7 * w, bias=False),
        nn.BatchNorm1d(7 * 7 * w, **bn),
        nn.ReLU(),
        nn.Unflatten(1, (w, 7, 7)),
        nn.ConvTranspose2d(w, filters, 4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(filters, **bn),
        nn.ReLU(),
        nn.ConvTranspose2d(filters, 1, 4, stride=2, padding=1, bias=True),
        nn.Tanh(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(1, filters, 4, stride=2, padding=1, bias=True),
        nn.LeakyReLU(0.2),
        nn.Conv2d(filters, w, 4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(w, **bn),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(7 * 7 * w, 1),
    )
    # kerasgan's initialisation: N(0, 0.02) kernels, zero biases, BN 1 / 0.
    for module in list(generator.modules()) + list(discriminator.modules()):
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return generator, discriminator


class TorchRunner:
    """The PyTorch DCGAN example's loop on the same networks and data.

    Options (off in the main row): `no_d_grad` skips the discriminator's
    weight gradients during the G step (requires_grad_(False)), which TF's
    graph pruning does implicitly; `channels_last` uses NHWC memory format;
    `fused_adam` uses Adam(fused=True).
    """

    framework = "torch"

    def __init__(self, name, images, batch_size, threads, seed=0,
                 no_d_grad=False, channels_last=False, fused_adam=False):
        self.name = name
        self.images = images
        self.batch_size = batch_size
        self.threads = threads
        self.seed = seed
        self.no_d_grad = no_d_grad
        self.channels_last = channels_last
        self.fused_adam = fused_adam

    def setup(self, warmup):
        import torch

        torch.set_num_threads(self.threads)
        torch.manual_seed(self.seed)
        self.torch = torch
        self.G, self.D = torch_dcgan()
        self.G.train()
        self.D.train()
        fmt = torch.channels_last if self.channels_last else torch.contiguous_format
        if self.channels_last:
            self.G.to(memory_format=fmt)
            self.D.to(memory_format=fmt)
        # NHWC array -> NCHW tensor, one copy up front.
        self.data = torch.from_numpy(self.images).permute(0, 3, 1, 2).contiguous(memory_format=fmt)
        adam = dict(lr=2e-4, betas=(0.5, 0.999), eps=1e-7)  # eps as Keras Adam
        if self.fused_adam:
            adam["fused"] = True
        self.opt_g = torch.optim.Adam(self.G.parameters(), **adam)
        self.opt_d = torch.optim.Adam(self.D.parameters(), **adam)
        self.loss = torch.nn.BCEWithLogitsLoss()
        self.ones = torch.ones(self.batch_size, 1)
        self.zeros = torch.zeros(self.batch_size, 1)
        self.n_batches = len(self.images) // self.batch_size
        self.cursor = 0
        t0 = time.perf_counter()
        self._steps(warmup)
        return time.perf_counter() - t0

    def _next_batch(self):
        i = self.cursor % self.n_batches
        self.cursor += 1
        return self.data[i * self.batch_size : (i + 1) * self.batch_size]

    def _steps(self, steps):
        torch = self.torch
        G, D, loss = self.G, self.D, self.loss
        stats = None
        for _ in range(steps):
            real = self._next_batch()
            z = torch.randn(self.batch_size, 100)
            fake = G(z)
            # D step: real -> 1, fake (detached) -> 0.
            self.opt_d.zero_grad(set_to_none=True)
            real_logits = D(real)
            fake_logits = D(fake.detach())
            d_loss = loss(real_logits, self.ones) + loss(fake_logits, self.zeros)
            d_loss.backward()
            self.opt_d.step()
            # G step: the same fake, scored by the updated D, labelled real.
            self.opt_g.zero_grad(set_to_none=True)
            if self.no_d_grad:
                D.requires_grad_(False)
            g_loss = loss(D(fake), self.ones)
            g_loss.backward()
            if self.no_d_grad:
                D.requires_grad_(True)
            self.opt_g.step()
            # Logged as the example does (and as kerasgan's metrics do).
            stats = (
                d_loss.item(),
                g_loss.item(),
                torch.sigmoid(real_logits).mean().item(),
                torch.sigmoid(fake_logits).mean().item(),
            )
        return stats

    def run(self, steps):
        t0 = time.perf_counter()
        stats = self._steps(steps)
        dt = time.perf_counter() - t0
        return dt, steps, {"d_loss": stats[0], "g_loss": stats[1]}


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def check_same_architecture():
    """Trainable parameter counts of the Keras and torch networks agree."""
    from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator

    g = dcgan_generator(IMAGE_SHAPE, latent_dim=100, filters=64)
    d = dcgan_discriminator(IMAGE_SHAPE, filters=64)
    keras_counts = [
        sum(int(np.prod(v.shape)) for v in m.trainable_variables) for m in (g, d)
    ]
    tg, td = torch_dcgan()
    torch_counts = [sum(p.numel() for p in m.parameters()) for m in (tg, td)]
    if keras_counts != torch_counts:
        raise AssertionError(
            f"architectures differ: keras (G, D) params {keras_counts}, torch {torch_counts}"
        )
    return keras_counts


# ---------------------------------------------------------------------- #
# Main
# ---------------------------------------------------------------------- #
EXTRAS_HELP = """Extra rows (comma separated):
  kerasgan-speN     kerasgan compiled with steps_per_execution=N
  kerasgan-prebatch kerasgan fed from a pre-batched tf.data pipeline
  kerasgan-fusedbn  kerasgan with batch norm on TF's fused kernel (benchmarks/variants.py)
  kerasgan-fusedbn4d  the same for the convolutional batch norms only
  keras.io-concat   keras.io with the guide's concatenated D batch
  keras.io-jit      keras.io with jit_compile=True
  torch-nodgrad     torch without D weight gradients in the G step
  torch-cl          torch with channels_last tensors
  torch-fused       torch with Adam(fused=True)
"""


def build_runners(args, images):
    runners = []
    threads = args.torch_threads or usable_cores()
    ds = lambda prebatched=False: (lambda: make_tf_dataset(images, args.batch_size, prebatched))
    wanted = [s.strip() for s in args.impls.split(",") if s.strip()]
    extras = [s.strip() for s in args.extras.split(",") if s.strip()]
    notes = []
    for name in wanted + (["kerasgan-xla"] if args.jit else []) + extras:
        if name == "kerasgan":
            runners.append(KerasRunner(name, build_kerasgan, ds()))
        elif name == "kerasgan-xla":
            runners.append(KerasRunner(name, lambda: build_kerasgan(jit=True), ds()))
        elif name.startswith("kerasgan-spe"):
            k = int(name[len("kerasgan-spe"):])
            runners.append(
                KerasRunner(name, lambda k=k: build_kerasgan(steps_per_execution=k), ds(), k)
            )
        elif name == "kerasgan-fusedbn":
            runners.append(KerasRunner(name, build_kerasgan_fused_bn, ds()))
        elif name == "kerasgan-fusedbn4d":
            runners.append(
                KerasRunner(name, lambda: build_kerasgan_fused_bn(ranks=(4,)), ds())
            )
        elif name == "kerasgan-prebatch":
            runners.append(KerasRunner(name, build_kerasgan, ds(True)))
        elif name == "keras.io":
            runners.append(KerasRunner(name, build_keras_io, ds()))
        elif name == "keras.io-concat":
            runners.append(KerasRunner(name, lambda: build_keras_io(concat=True), ds()))
        elif name == "keras.io-jit":
            runners.append(KerasRunner(name, lambda: build_keras_io(jit=True), ds()))
        elif name.startswith("torch"):
            if not torch_available():
                notes.append(
                    f"{name}: skipped, PyTorch is not installed "
                    "(pip install torch; a CPU-only build is enough)"
                )
                continue
            opts = {
                "torch": {},
                "torch-nodgrad": {"no_d_grad": True},
                "torch-cl": {"channels_last": True},
                "torch-fused": {"fused_adam": True},
            }
            if name not in opts:
                raise SystemExit(f"unknown implementation {name!r}\n{EXTRAS_HELP}")
            runners.append(
                TorchRunner(name, images, args.batch_size, threads, **opts[name])
            )
        else:
            raise SystemExit(f"unknown implementation {name!r}\n{EXTRAS_HELP}")
    return runners, notes


def machine_info(args):
    import keras
    import tensorflow as tf

    info = {
        "cpu": cpu_model(),
        "cores": usable_cores(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(unset)"),
        "realtime_scheduling": running_realtime(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    if torch_available():
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        epilog=EXTRAS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=200, help="timed steps per repeat")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps before timing")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--impls", default="kerasgan,keras.io,torch",
                        help="main rows, comma separated (default: %(default)s)")
    parser.add_argument("--jit", action="store_true", help="add kerasgan with jit_compile=True (XLA)")
    parser.add_argument("--extras", default="", help="extra variant rows (see below)")
    parser.add_argument("--data", default=FASHION_MNIST,
                        help="IDX images (gz); a missing path means synthetic noise")
    parser.add_argument("--tf-intra", type=int, default=0, help="TF intra-op threads (0: TF default)")
    parser.add_argument("--tf-inter", type=int, default=0, help="TF inter-op threads (0: TF default)")
    parser.add_argument("--torch-threads", type=int, default=0, help="torch threads (0: cores)")
    parser.add_argument("--busy-cores", type=float, default=0.3,
                        help="a timed run during which other processes used more CPU "
                             "than this (in cores) is discarded and run again")
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--quiet-timeout", type=float, default=0,
                        help="wait up to this many seconds for other processes to go "
                             "quiet before each run (0: don't wait)")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)

    import tensorflow as tf

    if args.tf_intra:
        tf.config.threading.set_intra_op_parallelism_threads(args.tf_intra)
    if args.tf_inter:
        tf.config.threading.set_inter_op_parallelism_threads(args.tf_inter)
    import keras

    keras.utils.set_random_seed(0)

    images, source = load_images(args.data)
    runners, notes = build_runners(args, images)
    if torch_available():
        params = check_same_architecture()
        print(f"architecture check: G {params[0]:,} / D {params[1]:,} trainable parameters "
              "in both Keras and torch")
    info = machine_info(args)
    print(f"data: {source}, {len(images)} images; batch {args.batch_size}, "
          f"{args.warmup} warm-up + {args.repeats} x {args.steps} timed steps")
    for note in notes:
        print(note)

    for r in runners:
        t = r.setup(args.warmup)
        print(f"  warm-up {r.name:<18} {t:6.1f} s", flush=True)

    meter = LoadMeter()
    realtime = running_realtime()
    if realtime:
        print("running under a real-time scheduling policy: CPU time of other processes "
              "is reported but no run is discarded for it")
    samples = {r.name: [] for r in runners}
    noisy = {r.name: [] for r in runners}
    own_cores = {r.name: [] for r in runners}
    contended = {r.name: 0 for r in runners}
    losses = {}
    for rep in range(args.repeats):
        for r in runners:
            for attempt in range(args.retries + 1):
                if args.quiet_timeout > 0:
                    waited = meter.wait_quiet(args.busy_cores, args.quiet_timeout)
                    if waited > 2:
                        print(f"  (waited {waited:.0f} s for other processes to go quiet)")
                meter.start()
                dt, steps, last = r.run(args.steps)
                own, others = meter.cores()
                ips = args.batch_size * steps / dt
                # Under a real-time policy other (normal) processes only get
                # the cycles this one leaves idle, so their use is no contention.
                clean = realtime or others < args.busy_cores
                print(f"  repeat {rep + 1}/{args.repeats} {r.name:<18} {ips:8.1f} img/s "
                      f"({1000 * dt / steps:.1f} ms/step), cores used: own {own:.2f}, "
                      f"others {others:.2f}" + ("" if clean else " -> discarded"), flush=True)
                if clean:
                    samples[r.name].append(ips)
                    own_cores[r.name].append(own)
                    break
                noisy[r.name].append(ips)
            else:
                print(f"  {r.name}: no quiet run after {args.retries + 1} tries; keeping the last")
                samples[r.name].append(noisy[r.name].pop())
                contended[r.name] += 1
            losses[r.name] = last

    rows = []
    base = statistics.median(samples["kerasgan"]) if "kerasgan" in samples else None
    for r in runners:
        med = statistics.median(samples[r.name])
        rows.append({
            "implementation": r.name,
            "images_per_s": med,
            "ms_per_step": 1000 * args.batch_size / med,
            "min": min(samples[r.name]),
            "max": max(samples[r.name]),
            "samples": samples[r.name],
            "discarded_noisy_samples": noisy[r.name],
            "own_cores_used": statistics.median(own_cores[r.name]) if own_cores[r.name] else None,
            "contended_samples_kept": contended[r.name],
            "kerasgan_speedup": (base / med) if base else None,
            "last_losses": losses[r.name],
        })

    print()
    print(f"Machine: {info['cpu']}, {info['cores']} cores; TF {info['tensorflow']}, "
          f"Keras {info['keras']}, torch {info.get('torch', 'not installed')}; {info['date']}")
    print(f"Command: python benchmarks/throughput.py {' '.join(sys.argv[1:] if argv is None else argv)}")
    print()
    print("| implementation | images/s (median) | min-max | ms/step | CPU cores busy "
          "| relative to kerasgan | kerasgan speed-up over it |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        speed = f"{row['kerasgan_speedup']:.2f}x" if row["kerasgan_speedup"] else "-"
        rel = f"{1 / row['kerasgan_speedup']:.2f}" if row["kerasgan_speedup"] else "-"
        cores = f"{row['own_cores_used']:.2f}" if row["own_cores_used"] is not None else "-"
        flag = " (contended!)" if row["contended_samples_kept"] else ""
        print(f"| {row['implementation']}{flag} | {row['images_per_s']:.0f} "
              f"| {row['min']:.0f}-{row['max']:.0f} | {row['ms_per_step']:.1f} | {cores} "
              f"| {rel} | {speed} |")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "args": vars(args), "data": source, "rows": rows,
                       "notes": notes}, f, indent=2)
        print(f"\nwrote {args.json}")
    return rows


if __name__ == "__main__":
    main()
