"""Speed of the two consistency metrics on 2,000 maps of length 200, on one core (issue 4).

Target: each under 1 s. Maps are random (speed does not depend on content). Run:
python bench/metrics.py
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from acme_utils import metrics  # noqa: E402


def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(n: int = 2000, length: int = 200) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # pin to one core
    rng = np.random.default_rng(0)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, length))]
    attr = rng.normal(size=(n, length, 4)).astype(np.float32)
    t_kmer = best_of(lambda: metrics.kmer_kld(attr, x))
    t_kattr = best_of(lambda: metrics.kattr_mean_kld(attr))
    print(f"{n:,} maps of length {length}, one core (best of 3)")
    print(f"  kmer_kld        {t_kmer:.3f} s   (target < 1 s)")
    print(f"  kattr_mean_kld  {t_kattr:.3f} s   (target < 1 s)")


if __name__ == "__main__":
    main()
