"""Cold start of `kerasgan sample` offline, and sampling throughput on this machine.

Measures, each as a fresh process (median of --repeats runs):
  * `python -c "import tensorflow"`        the TensorFlow import alone
  * `python -c "import keras"`             Keras on the TensorFlow backend
  * `kerasgan sample NAME -n 64 -o grid.png` the whole command, offline
and, in-process, generated images per second of `kerasgan.sample` on CPU.

Usage:
    python benchmarks/cold_start.py --name dcgan-fashion-mnist --repeats 5
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from throughput import cpu_model  # noqa: E402 - the same machine description in every benchmark


def timed_process(args, env):
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", default="dcgan-fashion-mnist")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n", type=int, default=1024, help="images per throughput measurement")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    env = dict(os.environ, HF_HUB_OFFLINE="1", TF_CPP_MIN_LOG_LEVEL="3")
    kerasgan_cmd = [os.path.join(os.path.dirname(sys.executable), "kerasgan")]
    with tempfile.TemporaryDirectory() as tmp:
        grid = os.path.join(tmp, "grid.png")
        rows = {
            "python -c 'import tensorflow'": [sys.executable, "-c", "import tensorflow"],
            "python -c 'import keras'": [sys.executable, "-c", "import keras"],
            f"kerasgan sample {args.name} -n 64 -o grid.png": kerasgan_cmd
            + ["sample", args.name, "-n", "64", "-o", grid],
        }
        results = {}
        for label, cmd in rows.items():
            timed_process(cmd, env)  # warm the page cache
            results[label] = statistics.median(timed_process(cmd, env) for _ in range(args.repeats))

    os.environ.update(env)
    import kerasgan

    generator = kerasgan.load(args.name)
    kerasgan.sample(generator, 64, seed=0)  # warm-up: first call traces
    start = time.perf_counter()
    kerasgan.sample(generator, args.n, seed=1)
    images_per_second = args.n / (time.perf_counter() - start)

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; python {platform.python_version()}; "
          f"date {datetime.date.today()}")
    print(f"{'command':<55} {'median s':>9}")
    for label, seconds in results.items():
        print(f"{label:<55} {seconds:9.2f}")
    print(f"kerasgan.sample({args.name!r}, {args.n}) on CPU: {images_per_second:,.0f} images/s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seconds": results, "images_per_second": images_per_second,
                       "cpu": cpu_model(), "cores": os.cpu_count(),
                       "date": str(datetime.date.today())}, f, indent=2)


if __name__ == "__main__":
    main()
