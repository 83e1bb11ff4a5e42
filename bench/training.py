"""Training throughput on this machine: seconds per epoch and models per hour, as ratios from one run.

1. Seconds per training epoch of the baseline CNN (relu + batch norm, the default 14,000 training
   sequences, batch 100) with the compiled train step as shipped, against the same step compiled
   with XLA (``jit_compile=True``), and with 1 against all TensorFlow threads. (Timed without op
   determinism: with it, which the package needs for reproducible models, XLA cannot compile the
   step at all.) Saliency maps are timed the same way, with and without XLA. Each configuration
   runs in its own process (TensorFlow fixes its thread pools at start-up).
2. Models per hour for a small grid of short models (every model trains EPOCHS epochs, so all
   runs do the same work): one process after another with all threads (the sequential sweep)
   against Ray tasks with one thread each (``sweep.run_sweep_ray``).

Run: python bench/training.py [EPOCHS]   (default 3; about 5 minutes on 2 cores)
"""

import json
import os
import subprocess
import sys
import tempfile

EPOCH_PROBE = r"""
import json, sys, time
import keras
from acme_utils import data, models, training
jit = sys.argv[1] == "1"
d = data.generate_dataset()
x, y = d.train.x, d.train.y
# Seeded, but without op determinism: under tf.config.experimental.enable_op_determinism (which
# training.set_seed turns on, for reproducible models) XLA refuses to compile the step at all
# ("MaxPool gradient ops do not yet have a deterministic XLA implementation").
keras.utils.set_random_seed(0)
model = models.build_cnn(activation="relu", batch_norm=True)
step = training.make_train_step(model, keras.optimizers.Adam(1e-3), "none", jit_compile=jit)
step(x[:100], y[:100])  # trace and compile
start = time.perf_counter()
n = 14_000 if not jit else 2_000  # XLA is slow on CPU: time a seventh of an epoch and scale
for i in range(0, n, 100):
    step(x[i : i + 100], y[i : i + 100])
print(json.dumps({"seconds_per_epoch": (time.perf_counter() - start) * len(x) / n}))
"""

SALIENCY_PROBE = r"""
import json, sys, time
import numpy as np
import tensorflow as tf
from acme_utils import attribution, data, models, training
jit = sys.argv[1] == "1"
d = data.generate_dataset()
x = d.test.x[:2000]
tf.keras.utils.set_random_seed(0)  # no op determinism: XLA cannot compile MaxPool gradients with it
logits = models.logit_model(models.build_cnn(activation="relu", batch_norm=True))

@tf.function(jit_compile=jit)
def grad(xb):
    with tf.GradientTape() as tape:
        tape.watch(xb)
        out = tf.reduce_sum(logits(xb, training=False))
    return tape.gradient(out, xb)

grad(tf.constant(x[:500]))  # trace and compile
start = time.perf_counter()
maps = np.concatenate([grad(tf.constant(x[i : i + 500])).numpy() for i in range(0, len(x), 500)])
seconds = time.perf_counter() - start
ref = attribution.saliency(logits, x[:200], target="output")  # the package's own saliency agrees
assert np.allclose(maps[:200], ref, atol=1e-4), "XLA changed the saliency maps"
print(json.dumps({"seconds_per_1000": seconds / len(x) * 1000}))
"""

MAKE_DATA = (
    "import json, sys\nfrom acme_utils import data\ndata.generate_dataset(cache_dir=sys.argv[1])\n"
    "print(json.dumps({}))"
)

GRID_PROBE = r"""
import json, sys, time
from acme_utils import data, sweep
engine, epochs, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = data.generate_dataset(cache_dir=cache)
grid = sweep.model_grid(["none", "mixup"], ["relu", "exponential"], [True], [0])
start = time.perf_counter()
run = sweep.run_sweep_ray if engine == "ray" else sweep.run_sweep
import os
kwargs = {"workers": os.cpu_count()} if engine == "ray" else {}
run(d, grid, None, epochs=epochs, patience=epochs, n_sequences=200, cache_dir=cache, verbose=False, **kwargs)
print(json.dumps({"models": len(grid), "seconds": time.perf_counter() - start}))
"""


def _run(code: str, *args, threads: int | None = None) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if threads:
        env.update(
            TF_NUM_INTRAOP_THREADS=str(threads),
            TF_NUM_INTEROP_THREADS=str(threads),
            OMP_NUM_THREADS=str(threads),
        )
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(epochs: int = 3) -> None:
    cores = os.cpu_count()
    print(
        f"training throughput on {cores} cores (baseline CNN, relu + batch norm, 14,000 sequences, batch 100)"
    )
    base = _run(EPOCH_PROBE, 0)["seconds_per_epoch"]
    one = _run(EPOCH_PROBE, 0, threads=1)["seconds_per_epoch"]
    xla = _run(EPOCH_PROBE, 1)["seconds_per_epoch"]
    print(f"  {'configuration':<44}{'s/epoch':>9}{'x shipped':>11}")
    for name, sec in (
        ("compiled step, all threads (shipped)", base),
        ("compiled step, 1 thread", one),
        ("compiled step + XLA (jit_compile=True)", xla),
    ):
        print(f"  {name:<44}{sec:9.2f}{sec / base:11.2f}")
    sal = _run(SALIENCY_PROBE, 0)["seconds_per_1000"]
    sal_xla = _run(SALIENCY_PROBE, 1)["seconds_per_1000"]
    print("\nsaliency maps (logit gradients, batches of 500)")
    print(f"  {'configuration':<44}{'s/1000 seq':>9}{'x shipped':>11}")
    for name, sec in (
        ("compiled gradient (shipped)", sal),
        ("compiled gradient + XLA", sal_xla),
    ):
        print(f"  {name:<44}{sec:9.2f}{sec / sal:11.2f}")

    with tempfile.TemporaryDirectory() as cache:
        _run(MAKE_DATA, cache)
        seq = _run(GRID_PROBE, "sequential", epochs, cache)
    with (
        tempfile.TemporaryDirectory() as cache
    ):  # a fresh cache: Ray must train the same models again
        _run(MAKE_DATA, cache)
        par = _run(GRID_PROBE, "ray", epochs, cache)
    per_hour = {
        k: 3600 * v["models"] / v["seconds"]
        for k, v in (("sequential", seq), ("ray", par))
    }
    print(
        f"\nmodels per hour ({seq['models']} models of {epochs} epochs each, scored on 200 sequences)"
    )
    print(f"  {'engine':<44}{'models/h':>9}{'x seq.':>11}")
    print(
        f"  {'sequential sweep, one process, all threads':<44}{per_hour['sequential']:9.1f}{1:11.2f}"
    )
    print(
        f"  {f'Ray, {min(cores, 2)} tasks of 1 thread each':<44}{per_hour['ray']:9.1f}"
        f"{per_hour['ray'] / per_hour['sequential']:11.2f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
