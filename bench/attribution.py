"""Speed of the attribution methods on the baseline CNN (issue 3).

For 1,000 positive test sequences: sequences per second for saliency, integrated gradients
(25 steps, trapezoid: 26 gradient passes) and SmoothGrad (50 samples); the ratio of IG time to
26 saliency passes (aim <= 1.3); and the speed-up of batched, compiled saliency over a naive
one-sequence-at-a-time eager loop (aim >= 10x). Speed does not depend on the weights, so an
untrained baseline CNN is used. Run: python bench/attribution.py
"""

import time

import numpy as np
import tensorflow as tf

from acme_utils import attribution, data, models, training


def timed(fn, repeats=2):
    fn()  # warm-up: tracing and compilation
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def naive_saliency(model, x):
    """What a first attempt looks like: one eager GradientTape call per sequence."""
    logits = models.logit_model(model)
    out = []
    for seq in x:
        xi = tf.constant(seq[None])
        with tf.GradientTape() as tape:
            tape.watch(xi)
            y = logits(xi)
        out.append(tape.gradient(y, xi).numpy()[0])
    return np.stack(out)


def main(n: int = 1000) -> None:
    d = data.generate_dataset()  # the full dataset: ~2,000 positive test sequences
    x = d.test.positives.x[:n]
    if len(x) < n:
        raise SystemExit(f"only {len(x)} positive test sequences")
    training.set_seed(0)
    model = models.build_cnn(activation="exponential")
    t_sal = timed(lambda: attribution.saliency(model, x))
    t_ig = timed(lambda: attribution.integrated_gradients(model, x, steps=25))
    t_sg = timed(lambda: attribution.smoothgrad(model, x, n_samples=50), repeats=1)
    t_naive = timed(lambda: naive_saliency(model, x[:200]), repeats=1) * n / 200
    print(
        f"{n} positive test sequences of length {x.shape[1]}, baseline CNN, {tf.config.threading.get_intra_op_parallelism_threads() or 'all'} threads"
    )
    print(f"  saliency                      {n / t_sal:10.0f} seq/s   ({t_sal:.2f} s)")
    print(f"  integrated gradients (25)     {n / t_ig:10.0f} seq/s   ({t_ig:.2f} s)")
    print(f"  SmoothGrad (50)               {n / t_sg:10.0f} seq/s   ({t_sg:.2f} s)")
    print(
        f"  IG time / 26 saliency passes  {t_ig / (26 * t_sal):10.2f}        (aim <= 1.3)"
    )
    print(
        f"  batched saliency speed-up over a one-sequence eager loop: {t_naive / t_sal:.0f}x (aim >= 10x)"
    )


if __name__ == "__main__":
    main()
