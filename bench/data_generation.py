"""Time the generation of the full synthetic dataset (20,000 sequences) on one core.

Target (issue 2): under 10 s. Run: python bench/data_generation.py
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core

import time  # noqa: E402

from acme_utils import data  # noqa: E402


def main(repeats: int = 3) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # pin to a single core
    data.load_motifs(
        list(data.CORE_MOTIFS.values()) + list(data.BACKGROUND_MOTIF_IDS)
    )  # warm pyjaspar
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        d = data.generate_dataset(use_cache=False)
        times.append(time.perf_counter() - start)
    n = len(d.train) + len(d.valid) + len(d.test)
    print(f"generate_dataset(): {n:,} sequences of {d.params['length']} nt")
    print(
        f"  best of {repeats}: {min(times):.2f} s   (all: {', '.join(f'{t:.2f}' for t in times)}; target < 10 s)"
    )


if __name__ == "__main__":
    main()
