"""Per-epoch cost of each regulariser relative to the unregularised baseline, in the same run.

Trains one epoch (after a warm-up epoch that pays for tracing) of the baseline CNN on the first
N training sequences with each regulariser, and prints seconds per epoch (best of two) and the ratio to the
baseline. The adversarial regulariser is timed in each phase of its schedule (clean, mixed,
adversarial-only). Run: python bench/regularizers.py [N]
"""

import sys
import time

import keras

from acme_utils import data, models, regularizers, training


def epoch_seconds(name: str, x, y, epoch: int, batch_size: int = 100) -> float:
    training.set_seed(0)
    model = models.build_cnn(activation="relu", batch_norm=True)
    step = training.make_train_step(model, keras.optimizers.Adam(1e-3), name, seed=0)
    step(x[:batch_size], y[:batch_size], epoch)  # warm-up: trace and compile
    step(x[-batch_size:], y[-batch_size:], epoch)
    best = float("inf")
    for _ in range(
        2
    ):  # best of two timed epochs: the first run of a process pays one-off costs
        start = time.perf_counter()
        for i in range(0, len(x), batch_size):
            step(x[i : i + batch_size], y[i : i + batch_size], epoch)
        best = min(best, time.perf_counter() - start)
    return best


def main(n: int = 2000) -> None:
    d = data.generate_dataset()
    x, y = d.train.x[:n], d.train.y[:n]
    runs = [("none", 1)] + [
        (name, 1)
        for name in regularizers.REGULARIZERS
        if name not in ("none", "adversarial")
    ]
    adv = regularizers.REGULARIZERS["adversarial"]
    clean, mixed = adv["clean_epochs"], adv["mixed_until"]
    runs += [
        ("adversarial", clean + 1),
        ("adversarial", mixed + 1),
    ]  # first epochs of the mixed and adversarial-only phases
    base = None
    print(
        f"one epoch over {n:,} training sequences, batch 100, baseline CNN (relu + batch norm)"
    )
    print(f"  {'regulariser':<28}{'s/epoch':>9}{'x baseline':>12}")
    for name, epoch in runs:
        seconds = epoch_seconds(name, x, y, epoch)
        base = base or seconds
        label = (
            name
            if name != "adversarial"
            else f"adversarial ({regularizers.adversarial_phase(epoch, clean, mixed)})"
        )
        print(f"  {label:<28}{seconds:9.2f}{seconds / base:12.2f}", flush=True)
    print(
        f"  (adversarial epochs 1-{clean} are clean: the baseline's cost; "
        f"full-size epoch = {len(d.train):,} sequences)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
