"""Speed of the motif pipeline on 2,000 maps of length 200 (issue 13): TF-MoDISco + TomTom.

The maps are synthetic: PWM - 0.25 at the planted motif positions of 2,000 positive sequences
of the synthetic dataset, plus N(0, 0.01) noise everywhere (the maps of tests/test_motifs.py),
so the run finds real patterns. A first, untimed run on a few maps compiles the numba kernels
of modisco-lite and memelite (cached on disk after the first run on a machine). Run:
python bench/motifs.py
"""

import time

import numpy as np

from acme_utils import motifs
from acme_utils.data import generate_dataset, motif_mask


def synthetic_maps(n: int, seed: int = 0):
    """``n`` positive sequences (train and test) and their planted-motif maps."""
    data = generate_dataset(n_per_class=10_000, seed=0)
    pos = data.train.positives.subset(np.arange(n))
    rng = np.random.default_rng(seed)
    maps = (pos.pwm - 0.25) * motif_mask(pos.pwm)[..., None]
    return maps + rng.normal(0, 0.01, pos.x.shape), pos.x


def main(n: int = 2000) -> None:
    maps, x = synthetic_maps(n)
    database = motifs.jaspar_database()
    motifs.match_patterns(motifs.discover_patterns(maps[:400], x[:400]), database)
    start = time.perf_counter()
    patterns = motifs.discover_patterns(maps, x)
    t_discover = time.perf_counter() - start
    start = time.perf_counter()
    rec = motifs.match_patterns(patterns, database)
    t_match = time.perf_counter() - start
    print(f"{n:,} maps of length {x.shape[1]}, all cores (numba kernels compiled)")
    print(f"  TF-MoDISco (discover_patterns)   {t_discover:6.2f} s")
    print(f"  TomTom vs JASPAR (match_patterns) {t_match:6.2f} s")
    print(f"  total                             {t_discover + t_match:6.2f} s")
    print(
        f"  {len(patterns)} patterns; {rec.n_found} of 5 core motifs found, "
        f"{rec.n_false} false discoveries"
    )


if __name__ == "__main__":
    main()
