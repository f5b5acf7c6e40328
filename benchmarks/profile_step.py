"""Where does a training step's time go? An op-level profile of the Keras rows.

Runs `fit` under `tf.profiler` for a few steps after a warm-up, reads the
trace (the XSpace protobuf that TensorFlow writes) and sums the host time of
the TensorFlow ops by op type and by op name. No TensorBoard needed.

Usage:
  python benchmarks/profile_step.py --impl kerasgan --steps 30
  python benchmarks/profile_step.py --impl keras.io --top 30
"""

import argparse
import collections
import glob
import os
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import throughput  # noqa: E402


def read_xspace(logdir):
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    paths = glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)
    if not paths:
        raise FileNotFoundError(f"no .xplane.pb under {logdir}")
    space = xplane_pb2.XSpace()
    with open(max(paths, key=os.path.getmtime), "rb") as f:
        space.ParseFromString(f.read())
    return space


def op_events(space):
    """Yield (thread, op_name, op_type, start_ps, duration_ps) for TF op executions."""
    for plane in space.planes:
        if not plane.name.startswith("/host:CPU"):
            continue
        names = {k: v.name for k, v in plane.event_metadata.items()}
        for line in plane.lines:
            for ev in line.events:
                name = names.get(ev.metadata_id, "")
                # Op executions are traced as "op_name:OpType".
                if ":" not in name or "::" in name or name.startswith(("Executor", "Iterator")):
                    continue
                op_name, _, op_type = name.rpartition(":")
                if not op_type or not op_type.lstrip("_")[:1].isupper() or " " in op_type:
                    continue
                start = line.timestamp_ns * 1000 + ev.offset_ps
                yield line.name, op_name, op_type, start, ev.duration_ps


def category(op_name, op_type):
    """A coarse bucket for an op, from its type and its name scope."""
    lowered = op_name.lower()
    if "adam" in lowered or "sgd" in lowered or "optimizer" in lowered:
        return "optimizer update"
    if "conv" in op_type.lower() or "matmul" in op_type.lower():
        return "conv / matmul (fwd+bwd)"
    if "_bn" in lowered or "batch_norm" in lowered or "batchnorm" in lowered:
        return "batch norm (fwd+bwd, unfused)"
    if any(k in lowered for k in ("leaky_re_lu", "re_lu", "relu", "tanh")):
        return "activations (fwd+bwd)"
    if "tracker" in lowered or "mean/" in lowered or "metrics" in lowered:
        return "metrics"
    return "other"


def summarise(space, steps, top):
    by_cat = collections.Counter()
    by_type = collections.Counter()
    by_name = collections.Counter()
    threads = collections.Counter()
    starts, ends = [], []
    for thread, op_name, op_type, start, dur in op_events(space):
        by_type[op_type] += dur
        by_cat[category(op_name, op_type)] += dur
        by_name[f"{op_name}:{op_type}"] += dur
        threads[thread] += dur
        starts.append(start)
        ends.append(start + dur)
    total = sum(by_type.values())
    span = (max(ends) - min(starts)) if starts else 0
    ms = lambda ps: ps / 1e9 / steps
    print(f"op time summed over threads: {ms(total):.1f} ms/step; "
          f"first op start to last op end: {ms(span):.1f} ms/step")
    print("threads running ops:", ", ".join(f"{t} {ms(v):.1f}" for t, v in threads.most_common(6)))
    print(f"\n{'category':<40} ms/step   share")
    for k, v in by_cat.most_common():
        print(f"{k:<40} {ms(v):7.2f}  {100 * v / total:5.1f}%")
    print(f"\n{'op type':<40} ms/step   share")
    for k, v in by_type.most_common(top):
        print(f"{k:<40} {ms(v):7.2f}  {100 * v / total:5.1f}%")
    print(f"\n{'op':<90} ms/step")
    for k, v in by_name.most_common(top):
        print(f"{k[-90:]:<90} {ms(v):7.2f}")


def profile_torch(images, args):
    import torch

    runner = throughput.TorchRunner("torch", images, args.batch_size, throughput.usable_cores())
    runner.setup(args.warmup)
    dt, steps, _ = runner.run(args.steps)
    print(f"torch: {1000 * dt / steps:.1f} ms/step unprofiled")
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        runner.run(args.steps)
    events = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in events)
    print(f"self CPU time of ops: {total / 1000 / args.steps:.1f} ms/step (main thread)")
    print(f"\n{'op':<45} ms/step   share")
    for e in sorted(events, key=lambda e: -e.self_cpu_time_total)[: args.top]:
        print(f"{e.key:<45} {e.self_cpu_time_total / 1000 / args.steps:7.2f}  "
              f"{100 * e.self_cpu_time_total / total:5.1f}%")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--impl", default="kerasgan",
                        help="kerasgan, kerasgan-xla, kerasgan-fusedbn, keras.io, keras.io-concat, "
                             "or torch (torch.profiler)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--logdir", default=None)
    args = parser.parse_args(argv)

    images, _ = throughput.load_images()
    if args.impl == "torch":
        return profile_torch(images, args)

    import tensorflow as tf

    build = {
        "kerasgan": throughput.build_kerasgan,
        "kerasgan-xla": lambda: throughput.build_kerasgan(jit=True),
        "keras.io": throughput.build_keras_io,
        "keras.io-concat": lambda: throughput.build_keras_io(concat=True),
        "kerasgan-fusedbn": throughput.build_kerasgan_fused_bn,
    }[args.impl]
    runner = throughput.KerasRunner(
        args.impl, build, lambda: throughput.make_tf_dataset(images, args.batch_size)
    )
    runner.setup(args.warmup)
    dt, steps, _ = runner.run(args.steps)  # unprofiled reference
    print(f"{args.impl}: {1000 * dt / steps:.1f} ms/step unprofiled")

    logdir = args.logdir or tempfile.mkdtemp(prefix="kerasgan-prof-")
    tf.profiler.experimental.start(logdir)
    t0 = time.perf_counter()
    runner.model.fit(runner.dataset, epochs=1, steps_per_epoch=args.steps, verbose=0, shuffle=False)
    wall = time.perf_counter() - t0
    tf.profiler.experimental.stop()
    print(f"profiled fit: {1000 * wall / args.steps:.1f} ms/step wall (incl. fit start)")
    summarise(read_xspace(logdir), args.steps, args.top)


if __name__ == "__main__":
    main()
