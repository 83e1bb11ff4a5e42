"""The synthetic regulatory-code dataset (METHODS.md section 1).

Positive sequences carry 3-7 motifs drawn from five "core" JASPAR motifs (both orientations);
negative sequences draw from those plus 50 background motifs. Every nucleotide is sampled from the
sequence's own position weight matrix (PWM), which is kept as the ground truth. Motifs come from
the JASPAR 2018 CORE release bundled with ``pyjaspar``: nothing is downloaded.

Arrays follow the book's conventions: one-hot sequences and PWMs are ``(N, L, 4)`` float32 with
channels A, C, G, T; labels are ``(N, 1)`` float32.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .cache import atomic_directory, cache_key, read_json, resolve_cache_dir, write_json
from .terminal import progress
from .validation import validate_input

log = logging.getLogger(__name__)

__all__ = [
    "ALPHABET",
    "CORE_MOTIFS",
    "BACKGROUND_MOTIF_IDS",
    "MOTIF_COUNT_PROBS",
    "IC_THRESHOLD",
    "Motif",
    "reverse_complement",
    "load_motifs",
    "information_content",
    "motif_mask",
    "background_mask",
    "Split",
    "SyntheticDataset",
    "dataset_params",
    "dataset_key",
    "generate_dataset",
    "one_hot_to_string",
    "read_cached_params",
    "consensus",
    "planted_motifs",
    "planted_overlap",
    "window_overlaps_motif",
    # checking a dataset against its specification (chapter 1)
    "motif_table",
    "motif_role",
    "planted_table",
    "mark_motifs",
    "instance_table",
    "motifs_per_sequence",
    "planted_instances",
    "class_balance_table",
    "motif_count_table",
    "motif_share_table",
    "motif_usage_report",
]


ALPHABET = "ACGT"

#: The regulatory code: name -> JASPAR 2018 matrix ID (METHODS.md section 1).
CORE_MOTIFS = {
    "SP1": "MA0079.3",
    "GABPA": "MA0062.2",
    "CEBPB": "MA0466.2",
    "MAX": "MA0058.3",
    "YY1": "MA0095.2",
}

#: The 50 background motifs used (with the core ones) by negative sequences.
BACKGROUND_MOTIF_IDS = tuple(
    """MA0909.1 MA0004.1 MA0006.1 MA0913.1 MA0663.1 MA0664.1 MA0667.1 MA0668.1 MA0038.1 MA0046.2
    MA0682.1 MA0050.2 MA0057.1 MA0063.1 MA0693.1 MA0697.1 MA0701.1 MA0080.4 MA0083.3 MA0084.1
    MA0724.1 MA0103.2 MA0124.2 MA0749.1 MA0752.1 MA0754.1 MA0142.1 MA0143.3 MA0757.1 MA0763.1
    MA0765.1 MA0160.1 MA0161.1 MA0163.1 MA0164.1 MA0461.2 MA0464.2 MA0786.1 MA0471.1 MA0482.1
    MA0489.1 MA0492.1 MA0498.2 MA0823.1 MA0507.1 MA0830.1 MA0513.1 MA0512.2 MA0838.1 MA0593.1""".split()
)

#: Number of motifs per sequence -> probability.
MOTIF_COUNT_PROBS = {3: 0.50, 4: 0.25, 5: 0.17, 6: 0.05, 7: 0.03}

#: Positions whose information content exceeds this (bits) are motif positions.
IC_THRESHOLD = 0.1

# Bump when the generator changes in a way that changes its output: it is part of the cache key.
_GENERATOR_VERSION = 1


# --------------------------------------------------------------------------------------------
# Motifs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Motif:
    """One PWM in one orientation.

    Attributes
    ----------
    name : str
        The motif's name (upper case when made by :func:`load_motifs`, e.g. ``"MAX"``).
    jaspar_id : str
        Its JASPAR matrix ID, e.g. ``"MA0058.3"``.
    strand : str
        ``"+"`` as in JASPAR, ``"-"`` for the reverse complement.
    pwm : numpy.ndarray, shape (length, 4)
        The position weight matrix, channels A, C, G, T; rows sum to 1.
    """

    name: str
    jaspar_id: str
    strand: str  # "+" as in JASPAR, "-" for the reverse complement
    pwm: np.ndarray = field(repr=False)  # (length, 4), rows sum to 1

    @property
    def label(self) -> str:
        """The motif's label, ``"NAME(+)"`` or ``"NAME(-)"`` (name and strand)."""
        return f"{self.name}({self.strand})"

    def __len__(self) -> int:
        return self.pwm.shape[0]


def reverse_complement(x: np.ndarray) -> np.ndarray:
    """Reverse complement of ``(..., L, 4)`` one-hot sequences or PWMs (A<->T, C<->G).

    Parameters
    ----------
    x : array_like, shape (..., L, 4)
        One-hot sequences or PWMs, channels A, C, G, T.

    Returns
    -------
    numpy.ndarray, shape (..., L, 4)
        Positions reversed and channels reversed, as a contiguous array of ``x``'s dtype.
    """
    return np.ascontiguousarray(np.asarray(x)[..., ::-1, ::-1])


@functools.lru_cache(maxsize=8)
def _jaspar_pwms(
    ids: tuple[str, ...], release: str
) -> tuple[tuple[str, np.ndarray], ...]:
    from pyjaspar import jaspardb

    db = jaspardb(release=release)
    out = []
    for jaspar_id in ids:
        motif = db.fetch_motif_by_id(jaspar_id)
        if motif is None:
            raise ValueError(
                f"JASPAR ID {jaspar_id!r} is not in {release} as shipped by pyjaspar"
            )
        out.append((str(motif.name), _jaspar_matrix(motif)))
    return tuple(out)


def _jaspar_matrix(motif) -> np.ndarray:
    """A ``pyjaspar`` motif's counts as an ``(len, 4)`` PWM (column / column sum), A, C, G, T."""
    counts = np.array([motif.counts[c] for c in ALPHABET], dtype=np.float64).T
    return counts / counts.sum(axis=1, keepdims=True)


def load_motifs(
    ids: tuple[str, ...] | list[str], release: str = "JASPAR2018"
) -> list[Motif]:
    """Load JASPAR PFMs as PWMs (column / column sum), each followed by its reverse complement.

    Nothing is downloaded: the matrices come from the JASPAR release bundled with ``pyjaspar``.

    Parameters
    ----------
    ids : tuple or list of str
        JASPAR matrix IDs, e.g. ``("MA0079.3", "MA0062.2")``.
    release : str, default "JASPAR2018"
        The JASPAR release.

    Returns
    -------
    list of Motif
        ``2 * len(ids)`` motifs: for each ID in order, the ``"+"`` motif, then its reverse
        complement ``"-"``; each ``pwm`` is a read-only float64 ``(length, 4)`` array.

    Raises
    ------
    ValueError
        If an ID is not in the release as shipped by ``pyjaspar``.
    """
    motifs = []
    for jaspar_id, (name, pwm) in zip(ids, _jaspar_pwms(tuple(ids), release)):
        pwm.setflags(write=False)
        rc = reverse_complement(pwm)
        rc.setflags(write=False)
        motifs.append(Motif(name.upper(), jaspar_id, "+", pwm))
        motifs.append(Motif(name.upper(), jaspar_id, "-", rc))
    return motifs


# --------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------


def information_content(pwm: np.ndarray) -> np.ndarray:
    """Per-position information content ``2 + sum_c p log2 p`` in bits: ``(..., L, 4) -> (..., L)``.

    Background positions (p = 0.25 everywhere) have exactly 0 bits.

    Parameters
    ----------
    pwm : array_like, shape (..., L, 4)
        PWMs, channels A, C, G, T; rows sum to 1.

    Returns
    -------
    numpy.ndarray, shape (..., L), float64
        Bits per position, in [0, 2]; values within 1e-6 of 0 are set to exactly 0.

    Raises
    ------
    ValueError
        If the last axis does not have 4 channels.
    """
    p = np.asarray(pwm, dtype=np.float64)
    if p.shape[-1] != 4:
        raise ValueError(
            f"a PWM needs 4 channels (A, C, G, T) in its last axis; got shape {p.shape}"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    ic = 2.0 + plogp.sum(axis=-1)
    return np.where(np.abs(ic) < 1e-6, 0.0, ic)  # float32 PWMs give ~1e-7 at background


def motif_mask(pwm: np.ndarray, threshold: float = IC_THRESHOLD) -> np.ndarray:
    """Boolean ``(..., L)`` mask of motif positions: information content above ``threshold`` bits.

    Parameters
    ----------
    pwm : array_like, shape (..., L, 4)
        PWMs, channels A, C, G, T (e.g. ``Split.pwm``, ``(N, L, 4)``).
    threshold : float, default IC_THRESHOLD (0.1)
        Information content (bits) a position must exceed.

    Returns
    -------
    numpy.ndarray, shape (..., L), bool
        True at motif positions.
    """
    return information_content(pwm) > threshold


def background_mask(pwm: np.ndarray) -> np.ndarray:
    """Boolean ``(..., L)`` mask of pure-background positions (information content exactly 0).

    Parameters
    ----------
    pwm : array_like, shape (..., L, 4)
        PWMs, channels A, C, G, T (e.g. ``Split.pwm``, ``(N, L, 4)``).

    Returns
    -------
    numpy.ndarray, shape (..., L), bool
        True at pure-background positions.
    """
    return information_content(pwm) == 0.0


# --------------------------------------------------------------------------------------------
# Dataset containers
# --------------------------------------------------------------------------------------------


@dataclass
class Split:
    """One split of the dataset.

    ``planted`` is an ``(M, 3)`` int array with one row per planted motif instance:
    ``(sequence index in this split, motif index in SyntheticDataset.motifs, start position)``.

    Attributes
    ----------
    x : numpy.ndarray, shape (N, L, 4), float32
        One-hot sequences, channels A, C, G, T.
    y : numpy.ndarray, shape (N, 1), float32
        Labels: 1 for positive, 0 for negative.
    pwm : numpy.ndarray, shape (N, L, 4), float32
        Ground-truth PWM of every sequence: motif columns where motifs sit, 0.25 elsewhere.
    planted : numpy.ndarray, shape (M, 3), int64
        The planted motif instances as above, sorted by sequence, then start.
    """

    x: np.ndarray  # (N, L, 4) float32 one-hot
    y: np.ndarray  # (N, 1) float32 labels
    pwm: np.ndarray  # (N, L, 4) float32 ground-truth PWM
    planted: np.ndarray  # (M, 3) int64

    def __len__(self) -> int:
        return self.x.shape[0]

    @property
    def positives(self) -> "Split":
        """The positive sequences only (attribution quality and consistency use these).

        A :class:`Split` (see :meth:`subset`, which raises ValueError if there is none).
        """
        return self.subset(self.y[:, 0] == 1)

    def subset(self, index) -> "Split":
        """Rows selected by a boolean mask or integer index, with ``planted`` re-indexed.

        Parameters
        ----------
        index : array_like of bool, shape (N,), or array_like of int
            A mask over the N sequences, or indices into them (anything NumPy indexing takes).

        Returns
        -------
        Split
            The selected sequences, in increasing order of their index, with the motifs planted in
            them (``planted`` rows re-indexed, sorted by sequence, then start).

        Raises
        ------
        ValueError
            If the selection is empty.
        """
        idx = np.arange(len(self))[index]
        if idx.size == 0:
            raise ValueError("the selection is empty: no sequence matches")
        new_pos = np.full(len(self), -1)
        new_pos[idx] = np.arange(idx.size)
        keep = new_pos[self.planted[:, 0]] >= 0
        planted = self.planted[keep].copy()
        planted[:, 0] = new_pos[planted[:, 0]]
        order = np.lexsort((planted[:, 2], planted[:, 0]))
        return Split(self.x[idx], self.y[idx], self.pwm[idx], planted[order])

    @property
    def information_content(self) -> np.ndarray:
        """Information content of ``pwm`` per position, ``(N, L)`` float64, in bits.

        See :func:`information_content`.
        """
        return information_content(self.pwm)

    @property
    def motif_mask(self) -> np.ndarray:
        """Motif positions of ``pwm``, ``(N, L)`` bool: information content above ``IC_THRESHOLD``.

        See :func:`motif_mask`.
        """
        return motif_mask(self.pwm)


@dataclass
class SyntheticDataset:
    """Train/valid/test splits plus the motifs they were built from and the generating params.

    Attributes
    ----------
    train, valid, test : Split
        The three splits.
    motifs : list of Motif
        Every motif, each followed by its reverse complement (:func:`load_motifs`): indices
        ``0 .. 2*len(core)-1`` are the core motifs (the positive pool), then the background ones;
        ``Split.planted`` indexes into this list.
    params : dict
        The full parameter set of the dataset (:func:`dataset_params`).
    """

    train: Split
    valid: Split
    test: Split
    motifs: list[
        Motif
    ]  # index 0 .. 2*len(core)-1 are the core motifs (the positive pool)
    params: dict

    @property
    def key(self) -> str:
        """Cache key of the dataset: models trained on it include this in their own key."""
        return dataset_key(self.params)

    @property
    def n_core(self) -> int:
        """Number of core motifs, both orientations counted: ``2 * len(params["core_ids"])``.

        ``motifs[:n_core]`` are the core motifs, the pool of the positive sequences.
        """
        return 2 * len(self.params["core_ids"])


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


def _gap_lengths(proportions: np.ndarray, free: int) -> np.ndarray:
    """Split ``free`` positions into integer gaps proportional to ``proportions``, summing exactly.

    Largest-remainder rounding: floor every share, then hand the leftover positions to the shares
    with the largest fractional parts (ties go to the earlier gap).
    """
    raw = proportions / proportions.sum() * free
    gaps = np.floor(raw).astype(np.int64)
    short = free - int(gaps.sum())
    if short:
        order = np.argsort(-(raw - gaps), kind="stable")
        gaps[order[:short]] += 1
    return gaps


def _assemble_pwms(
    n_seq: int, length: int, planted: np.ndarray, motifs: list[Motif]
) -> np.ndarray:
    """The ``(N, L, 4)`` ground-truth PWM: motif columns where motifs sit, 0.25 elsewhere."""
    pwm = np.full((n_seq, length, 4), 0.25, dtype=np.float64)
    for seq, mot, start in planted:
        m = motifs[mot].pwm
        pwm[seq, start : start + m.shape[0]] = m
    return pwm


def _validate_params(n_per_class, length, split, motif_count_probs) -> None:
    if int(n_per_class) != n_per_class or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer; got {n_per_class!r}")
    if int(length) != length or length < 1:
        raise ValueError(f"length must be a positive integer; got {length!r}")
    if len(split) != 3 or any(f < 0 for f in split) or not np.isclose(sum(split), 1.0):
        raise ValueError(
            f"split must be three non-negative fractions summing to 1; got {split!r}"
        )
    counts = np.array(list(motif_count_probs.keys()))
    probs = np.array(list(motif_count_probs.values()), dtype=float)
    if (
        counts.size == 0
        or (counts < 1).any()
        or (probs < 0).any()
        or not np.isclose(probs.sum(), 1)
    ):
        raise ValueError(
            "motif_count_probs must map positive motif counts to probabilities summing to 1; "
            f"got {motif_count_probs!r}"
        )


def _generate(params: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Motif]]:
    """Return (sequence indices (N, L) uint8, labels (N,), planted (M, 3), motifs), unshuffled."""
    motifs = load_motifs(
        tuple(params["core_ids"]) + tuple(params["background_ids"]), params["release"]
    )
    n_core = 2 * len(params["core_ids"])
    lengths = np.array([len(m) for m in motifs])
    n, length = params["n_per_class"], params["length"]
    counts = np.array([int(k) for k in params["motif_count_probs"]])
    probs = np.array(list(params["motif_count_probs"].values()), dtype=float)
    worst = counts.max() * lengths.max()
    if worst > length:
        raise ValueError(
            f"length={length} is too short: {counts.max()} motifs of up to {lengths.max()} nt need "
            f"{worst} positions"
        )

    rng = np.random.default_rng(params["seed"])
    n_seq = 2 * n
    labels = np.repeat([1, 0], n)
    n_motifs = rng.choice(counts, size=n_seq, p=probs / probs.sum())
    pool = np.where(labels == 1, n_core, len(motifs))
    seq_of = np.repeat(np.arange(n_seq), n_motifs)
    # Uniform with replacement from each sequence's own pool.
    motif_idx = np.floor(rng.random(seq_of.size) * pool[seq_of]).astype(np.int64)
    proportions = rng.uniform(
        0.0, 2.0, size=seq_of.size + n_seq
    )  # n + 1 gaps per sequence

    planted = np.empty((seq_of.size, 3), dtype=np.int64)
    planted[:, 0] = seq_of
    planted[:, 1] = motif_idx
    m_off = np.concatenate([[0], np.cumsum(n_motifs)])
    for i in range(n_seq):
        a, b = m_off[i], m_off[i + 1]
        mlen = lengths[motif_idx[a:b]]
        gaps = _gap_lengths(proportions[a + i : b + i + 1], length - int(mlen.sum()))
        # start of motif j = sum of the gaps before it and the motifs before it
        planted[a:b, 2] = np.cumsum(gaps[:-1]) + np.concatenate(
            [[0], np.cumsum(mlen[:-1])]
        )

    pwm = _assemble_pwms(n_seq, length, planted, motifs)
    cdf = np.cumsum(pwm, axis=-1)
    u = rng.random((n_seq, length, 1))
    seq = np.minimum((u >= cdf).sum(axis=-1), 3).astype(np.uint8)
    return seq, labels, planted, motifs


def _split_arrays(params, seq, labels, planted, motifs) -> SyntheticDataset:
    n_seq, length = seq.shape
    rng = np.random.default_rng(
        [params["seed"], 1]
    )  # independent stream for the shuffle
    perm = rng.permutation(n_seq)
    fractions = np.array(params["split"], dtype=float)
    sizes = np.floor(fractions * n_seq + 0.5).astype(int)
    sizes[-1] = n_seq - sizes[:-1].sum()
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    where = np.empty(n_seq, dtype=np.int64)  # original index -> (split, row)
    where[perm] = np.arange(n_seq)
    eye = np.eye(4, dtype=np.float32)
    splits = []
    for s in range(3):
        rows = perm[bounds[s] : bounds[s + 1]]
        in_split = (where[planted[:, 0]] >= bounds[s]) & (
            where[planted[:, 0]] < bounds[s + 1]
        )
        p = planted[in_split].copy()
        p[:, 0] = where[p[:, 0]] - bounds[s]
        p = p[np.lexsort((p[:, 2], p[:, 0]))]
        splits.append(
            Split(
                x=eye[seq[rows]],
                y=labels[rows].astype(np.float32)[:, None],
                pwm=_assemble_pwms(rows.size, length, p, motifs).astype(np.float32),
                planted=p,
            )
        )
    return SyntheticDataset(*splits, motifs=motifs, params=params)


def dataset_params(
    n_per_class: int = 10_000,
    length: int = 200,
    seed: int = 0,
    split: tuple[float, float, float] = (0.7, 0.1, 0.2),
    motif_count_probs: dict[int, float] | None = None,
    core_ids: tuple[str, ...] | None = None,
    background_ids: tuple[str, ...] | None = None,
    release: str = "JASPAR2018",
) -> dict:
    """The full, explicit parameter set of a dataset (defaults from METHODS.md section 1).

    Parameters
    ----------
    n_per_class : int, default 10_000
        Sequences per class (positive and negative), so ``2 * n_per_class`` in all.
    length : int, default 200
        Sequence length L (nt).
    seed : int, default 0
        Seed of the generator.
    split : tuple of 3 float, default (0.7, 0.1, 0.2)
        Fractions of the sequences in the train, valid and test splits (non-negative, summing to 1).
    motif_count_probs : dict of int to float, optional
        Number of motifs per sequence -> probability (summing to 1); default ``MOTIF_COUNT_PROBS``.
    core_ids : tuple of str, optional
        JASPAR IDs of the core motifs (the positive pool); default those of ``CORE_MOTIFS``.
    background_ids : tuple of str, optional
        JASPAR IDs of the background motifs; default ``BACKGROUND_MOTIF_IDS``.
    release : str, default "JASPAR2018"
        The JASPAR release shipped by ``pyjaspar``.

    Returns
    -------
    dict
        ``n_per_class``, ``length``, ``seed``, ``split``, ``motif_count_probs``, ``core_ids``,
        ``background_ids`` and ``release``, as plain Python values (lists, not tuples): the input of
        :func:`dataset_key`.

    Raises
    ------
    ValueError
        If ``n_per_class`` or ``length`` is not a positive integer, ``split`` is not three
        non-negative fractions summing to 1, or ``motif_count_probs`` does not map positive counts
        to probabilities summing to 1.
    """
    motif_count_probs = dict(
        MOTIF_COUNT_PROBS if motif_count_probs is None else motif_count_probs
    )
    _validate_params(n_per_class, length, split, motif_count_probs)
    return {
        "n_per_class": int(n_per_class),
        "length": int(length),
        "seed": int(seed),
        "split": [float(f) for f in split],
        "motif_count_probs": {int(k): float(v) for k, v in motif_count_probs.items()},
        "core_ids": list(CORE_MOTIFS.values() if core_ids is None else core_ids),
        "background_ids": list(
            BACKGROUND_MOTIF_IDS if background_ids is None else background_ids
        ),
        "release": release,
    }


def dataset_key(params: dict) -> str:
    """Cache key of a dataset: a hash of its parameters and of the generator's version.

    Parameters
    ----------
    params : dict
        The dataset's parameters, as returned by :func:`dataset_params`.

    Returns
    -------
    str
        16 hex digits (``cache.cache_key``); the dataset is cached in ``datasets/<key>``.
    """
    return cache_key({"dataset": params, "generator": _GENERATOR_VERSION})


def generate_dataset(
    n_per_class: int = 10_000,
    length: int = 200,
    seed: int = 0,
    split: tuple[float, float, float] = (0.7, 0.1, 0.2),
    motif_count_probs: dict[int, float] | None = None,
    core_ids: tuple[str, ...] | None = None,
    background_ids: tuple[str, ...] | None = None,
    release: str = "JASPAR2018",
    cache_dir=None,
    use_cache: bool = True,
    verbose: bool = False,
) -> SyntheticDataset:
    """Generate (or load from the cache) the synthetic dataset of METHODS.md section 1.

    The result is a deterministic function of the arguments: the same ``seed`` gives bit-identical
    arrays. With ``use_cache`` the compact arrays are stored under ``cache_dir`` (default
    ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``) in ``datasets/<key>``.

    Parameters
    ----------
    n_per_class : int, default 10_000
        Sequences per class (positive and negative), so ``2 * n_per_class`` in all.
    length : int, default 200
        Sequence length L (nt).
    seed : int, default 0
        Seed of the generator.
    split : tuple of 3 float, default (0.7, 0.1, 0.2)
        Fractions of the sequences in the train, valid and test splits (non-negative, summing to 1).
    motif_count_probs : dict of int to float, optional
        Number of motifs per sequence -> probability (summing to 1); default ``MOTIF_COUNT_PROBS``.
    core_ids : tuple of str, optional
        JASPAR IDs of the core motifs (the positive pool); default those of ``CORE_MOTIFS``.
    background_ids : tuple of str, optional
        JASPAR IDs of the background motifs; default ``BACKGROUND_MOTIF_IDS``.
    release : str, default "JASPAR2018"
        The JASPAR release shipped by ``pyjaspar``.
    cache_dir : str or os.PathLike, optional
        Root of the cache; default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``.
    use_cache : bool, default True
        Load the dataset from the cache if it is there, and store a generated one.
    verbose : bool, default False
        Log a line (logger ``"acme_utils"``) with the source, time and split sizes.

    Returns
    -------
    SyntheticDataset
        The train, valid and test splits (sequences ``(N, L, 4)`` float32, labels ``(N, 1)``
        float32, ground-truth PWMs ``(N, L, 4)`` float32), the motifs and the parameters.

    Raises
    ------
    ValueError
        If a parameter is invalid (see :func:`dataset_params`), or if ``length`` is shorter
        than the largest motif count times the longest motif's length.
    """
    params = dataset_params(
        n_per_class,
        length,
        seed,
        split,
        motif_count_probs,
        core_ids,
        background_ids,
        release,
    )
    start = time.perf_counter()
    entry = resolve_cache_dir(cache_dir) / "datasets" / dataset_key(params)
    if use_cache and (entry / "arrays.npz").is_file():
        with np.load(entry / "arrays.npz") as f:
            seq, labels, planted = f["seq"], f["labels"], f["planted"]
        motifs = load_motifs(
            tuple(params["core_ids"]) + tuple(params["background_ids"]), release
        )
        source = "loaded from the cache"
    else:
        progress(
            f"generating dataset {dataset_key(params)}: {2 * n_per_class:,} sequences ..."
        )
        seq, labels, planted, motifs = _generate(params)
        if use_cache:
            with atomic_directory(entry) as tmp:
                np.savez(tmp / "arrays.npz", seq=seq, labels=labels, planted=planted)
                write_json(
                    tmp / "params.json", {"params": params, "acme_utils": __version__}
                )
        source = "generated"
    data = _split_arrays(params, seq, labels, planted, motifs)
    if verbose:
        log.info(
            f"dataset {dataset_key(params)} {source} in {time.perf_counter() - start:.1f} s: "
            f"train {len(data.train):,}, valid {len(data.valid):,}, test {len(data.test):,} "
            f"sequences of {length} nt"
        )
    return data


def one_hot_to_string(x: np.ndarray) -> str | list[str]:
    """Decode one ``(L, 4)`` one-hot sequence to a string, or ``(N, L, 4)`` to a list of strings.

    Parameters
    ----------
    x : array_like, shape (L, 4) or (N, L, 4)
        One-hot sequences, channels A, C, G, T (the largest channel of each position is read).

    Returns
    -------
    str or list of str
        A string of ``L`` letters from ``ALPHABET`` for one sequence, else a list of N of them.
    """
    x = np.asarray(x)
    if x.ndim == 2:
        return "".join(ALPHABET[i] for i in x.argmax(-1))
    return [one_hot_to_string(s) for s in x]


def read_cached_params(entry: Path) -> dict:
    """The parameters stored with a cached dataset entry (for inspecting the cache).

    Parameters
    ----------
    entry : str or os.PathLike
        A dataset's cache entry, ``<cache_dir>/datasets/<key>``.

    Returns
    -------
    dict
        The ``params`` of its ``params.json`` (:func:`dataset_params`).
    """
    return read_json(Path(entry) / "params.json")["params"]


# --------------------------------------------------------------------------------------------
# Reading planted motifs (chapters 1 and 6; moved out of the chapters, issue #12)
# --------------------------------------------------------------------------------------------


def consensus(pwm: np.ndarray) -> str:
    """The most probable nucleotide at every position of a PWM, as a string.

    Parameters
    ----------
    pwm : array, shape (length, 4)
        A position weight matrix, channels A, C, G, T (ties go to the first channel).

    Returns
    -------
    str
        ``length`` letters from ``ALPHABET``.

    Raises
    ------
    ValueError
        If ``pwm`` is not a finite ``(length, 4)`` array.
    """
    pwm = validate_input(pwm, "pwm", shape=("length", 4), dtype=np.float64)
    return "".join(ALPHABET[j] for j in pwm.argmax(axis=1))


def planted_motifs(split: Split, i: int, motifs: list[Motif] | None = None):
    """Starts, lengths and labels of the motifs planted in sequence ``i`` of a split, left to right.

    Parameters
    ----------
    split : Split
        A split of a dataset (``ds.train``, ``ds.test``, ...); its ``planted`` rows are read.
    i : int
        Index of the sequence in the split.
    motifs : list of Motif, optional
        The dataset's ``motifs``, into which ``planted`` indexes. Default: the motifs of a
        dataset generated with the default ``core_ids``, ``background_ids`` and release (every
        dataset of the book); pass ``ds.motifs`` for a dataset generated with other motifs.

    Returns
    -------
    starts : int array, shape (n,)
        Start position of each of the sequence's ``n`` planted motifs, in increasing order.
    lengths : int array, shape (n,)
        Their lengths (nt).
    labels : list of str, length n
        Their labels, ``"NAME(+)"`` or ``"NAME(-)"`` (``Motif.label``).

    Raises
    ------
    ValueError
        If ``split`` is not a ``Split``, ``i`` is not an index of it, or ``split.planted`` is not
        an ``(M, 3)`` array.
    """
    if not isinstance(split, Split):
        raise ValueError(f"split must be a data.Split; got {type(split).__name__}")
    if int(i) != i or not 0 <= i < len(split):
        raise ValueError(f"i must be a sequence index in [0, {len(split)}); got {i!r}")
    if motifs is None:
        motifs = load_motifs(tuple(CORE_MOTIFS.values()) + BACKGROUND_MOTIF_IDS)
    planted = validate_input(
        split.planted, "split.planted", shape=("M", 3), dtype=np.int64, allow_empty=True
    )
    rows = planted[planted[:, 0] == i]
    lengths = np.array([len(motifs[m]) for m in rows[:, 1]], dtype=int)
    labels = [motifs[m].label for m in rows[:, 1]]
    return rows[:, 2], lengths, labels


# --------------------------------------------------------------------------------------------
# Where the planted motifs lie (chapters 5 and 6; moved out of the chapters, issue #12)
# --------------------------------------------------------------------------------------------


def _check_index(split: Split, i) -> int:
    if int(i) != i or not 0 <= i < len(split):
        raise ValueError(
            f"sequence index {i!r} is outside the split of {len(split)} sequences"
        )
    return int(i)


def planted_overlap(split: Split, i: int, start: int, width: int, motifs) -> str:
    """Label of the planted motif that overlaps a window of sequence ``i`` the most, or ``"none"``.

    The window is positions ``[start, start + width)``; on a tie the first such motif, left to
    right, wins.

    Parameters
    ----------
    split : Split
        A split of a dataset; its ``planted`` rows are read.
    i : int
        The sequence's index in the split.
    start : int
        The window's first position.
    width : int
        The window's length, at least 1.
    motifs : list of Motif
        The dataset's motifs (``SyntheticDataset.motifs``).

    Returns
    -------
    str
        The motif's label, or ``"none"`` when no planted motif overlaps the window.

    Raises
    ------
    ValueError
        If ``i`` is not an index of the split or ``width`` is less than 1.
    """
    i = _check_index(split, i)
    if width < 1:
        raise ValueError(f"width must be at least 1; got {width!r}")
    best, best_overlap = "none", 0
    for _, m, s in split.planted[split.planted[:, 0] == i]:
        overlap = min(s + len(motifs[m]), start + width) - max(s, start)
        if overlap > best_overlap:
            best, best_overlap = motifs[m].label, overlap
    return best


def window_overlaps_motif(pwm, sequence, position, window: int) -> np.ndarray:
    """Whether each window ``[position, position + window)`` holds at least one motif position.

    A motif position is one of ``motif_mask`` (information content above the threshold).

    Parameters
    ----------
    pwm : array_like, shape (N, L, 4)
        Ground-truth PWMs (``Split.pwm``).
    sequence : array_like of int, shape (K,)
        Sequence index of each of K windows (e.g. ``KattrDetails.sequence``), in [0, N).
    position : array_like of int, shape (K,)
        First position of each window (e.g. ``KattrDetails.position``).
    window : int
        The window length, at least 1.

    Returns
    -------
    numpy.ndarray, shape (K,), bool
        True for a window that holds a motif position.

    Raises
    ------
    ValueError
        If an array is not of the shape above or not finite, ``window`` is not a positive integer,
        or a window lies outside the sequences.
    """
    pwm = validate_input(pwm, "pwm", shape=("N", "L", 4))
    sequence = validate_input(
        sequence, "sequence", shape=("K",), dtype=np.int64, allow_empty=True
    )
    position = validate_input(
        position, "position", shape=(len(sequence),), dtype=np.int64, allow_empty=True
    )
    if int(window) != window or window < 1:
        raise ValueError(f"window must be a positive integer; got {window!r}")
    if sequence.size and not (0 <= sequence.min() and sequence.max() < len(pwm)):
        raise ValueError(f"sequence indices must lie in [0, {len(pwm)})")
    if position.size and not (
        0 <= position.min() and position.max() + window <= pwm.shape[1]
    ):
        raise ValueError(
            f"windows must lie inside the sequences of length {pwm.shape[1]}"
        )
    mask = motif_mask(pwm)
    cum = np.concatenate([np.zeros((len(mask), 1)), np.cumsum(mask, axis=1)], axis=1)
    return (cum[sequence, position + window] - cum[sequence, position]) > 0


# --------------------------------------------------------------------------------------------
# Checking a dataset against its specification (chapter 1; moved out of the chapter, issue #12)
# --------------------------------------------------------------------------------------------


def _check_dataset(ds) -> None:
    if not isinstance(ds, SyntheticDataset):
        raise ValueError(f"ds must be a data.SyntheticDataset; got {type(ds).__name__}")


def _splits(ds: SyntheticDataset) -> dict:
    """The three splits by name, in the order of the 70/10/20 split."""
    return {"train": ds.train, "valid": ds.valid, "test": ds.test}


def _motif_count_probs(ds: SyntheticDataset) -> dict:
    """Number of motifs -> probability the dataset was generated with."""
    return dict(ds.params.get("motif_count_probs", MOTIF_COUNT_PROBS))


def motif_table(motifs: list[Motif]) -> str:
    """A text table of motifs: label, JASPAR ID, length, information content and consensus.

    Parameters
    ----------
    motifs : list of Motif
        E.g. ``load_motifs(list(CORE_MOTIFS.values()))``.

    Returns
    -------
    str
        A header line, then one line per motif: its ``label``, ``jaspar_id``, length (nt), the
        total information content of its PWM (bits, one decimal; METHODS.md section 1) and its
        :func:`consensus`.

    Raises
    ------
    ValueError
        If ``motifs`` is empty or holds something other than a ``Motif``.
    """
    if not motifs or not all(isinstance(m, Motif) for m in motifs):
        raise ValueError("motifs must be a non-empty list of data.Motif")
    lines = [f"{'motif':<10}{'JASPAR':<10}{'length':>7}{'IC (bits)':>11}  consensus"]
    for m in motifs:
        ic = information_content(m.pwm).sum()
        lines.append(
            f"{m.label:<10}{m.jaspar_id:<10}{len(m):>7}{ic:>11.1f}  {consensus(m.pwm)}"
        )
    return "\n".join(lines)


def motif_role(name: str, background: list[Motif] | None = None) -> str:
    """The role of a transcription factor in the dataset.

    The role of a transcription factor in the dataset: ``"core"`` (one of ``CORE_MOTIFS``),
    ``"background"`` (a background motif) or ``"not used"``.

    Parameters
    ----------
    name : str
        A motif name as JASPAR spells it, e.g. ``"CTCF"``.
    background : list of Motif, optional
        The background motifs; default those of ``BACKGROUND_MOTIF_IDS`` (every dataset of the
        book).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``name`` is not a non-empty string.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string; got {name!r}")
    if name in CORE_MOTIFS:
        return "core"
    if background is None:
        background = load_motifs(BACKGROUND_MOTIF_IDS)
    return "background" if name in {m.name for m in background} else "not used"


def planted_table(split: Split, i: int, motifs: list[Motif]) -> str:
    """A text table of the motifs planted in sequence ``i`` of a split, left to right.

    Parameters
    ----------
    split : Split
    i : int
        The sequence's index in the split.
    motifs : list of Motif
        The dataset's motifs (``SyntheticDataset.motifs``), into which ``split.planted`` indexes.

    Returns
    -------
    str
        A header line, then one line per planted instance: its row of ``split.planted``
        (sequence, motif index, start), the motif index, label and JASPAR ID, and the start and
        end (exclusive) of the instance.

    Raises
    ------
    ValueError
        If ``i`` is not the index of a sequence of the split.
    """
    i = _check_index(split, i)
    lines = [
        f"{'planted row':<16}{'motif index':>12}  "
        f"{'motif':<10}{'JASPAR':<10}{'start':>6}{'end':>6}"
    ]
    for row in split.planted[split.planted[:, 0] == i]:
        _, mot, start = row
        lines.append(
            f"{str(row.tolist()):<16}{mot:>12}  {motifs[mot].label:<10}"
            f"{motifs[mot].jaspar_id:<10}{start:>6}{start + len(motifs[mot]):>6}"
        )
    return "\n".join(lines)


def mark_motifs(sequence: str, starts, lengths) -> str:
    """A sequence with the positions of its motifs in capitals and the background in lower case.

    Parameters
    ----------
    sequence : str
        The nucleotides (e.g. ``one_hot_to_string(split.x[i])``).
    starts, lengths : 1-D int arrays
        Start (0-based) and length of every motif (e.g. from :func:`planted_motifs`).

    Returns
    -------
    str
        ``sequence`` with ``[start, start + length)`` of every motif upper-cased, the rest lower.

    Raises
    ------
    ValueError
        If ``starts`` and ``lengths`` are not 1-D integer arrays of one size, or a motif
        does not lie inside the sequence.
    """
    starts = validate_input(
        starts, "starts", shape=("n",), dtype=np.int64, allow_empty=True
    )
    lengths = validate_input(
        lengths, "lengths", shape=(len(starts),), dtype=np.int64, allow_empty=True
    )
    if ((starts < 0) | (lengths < 0) | (starts + lengths > len(sequence))).any():
        raise ValueError(
            f"every motif must lie inside the sequence of {len(sequence)} nt"
        )
    in_motif = np.zeros(len(sequence), dtype=bool)
    for start, length in zip(starts, lengths):
        in_motif[start : start + length] = True
    return "".join(b.upper() if m else b.lower() for b, m in zip(sequence, in_motif))


def instance_table(split: Split, i: int, motifs: list[Motif]) -> str:
    """A text table comparing every motif instance planted in sequence ``i`` with its consensus.

    Parameters
    ----------
    split : Split
    i : int
        The sequence's index in the split.
    motifs : list of Motif
        The dataset's motifs (``SyntheticDataset.motifs``).

    Returns
    -------
    str
        A header line, then one line per planted instance, left to right: the motif's label,
        the nucleotides sampled at the instance, the motif's :func:`consensus` and the number of
        positions where the two differ.

    Raises
    ------
    ValueError
        If ``i`` is not the index of a sequence of the split.
    """
    i = _check_index(split, i)
    sequence = one_hot_to_string(split.x[i])
    lines = [f"{'motif':<10}{'instance':<16}{'consensus':<16}mismatches"]
    for _, mot, start in split.planted[split.planted[:, 0] == i]:
        cons = consensus(motifs[mot].pwm)
        inst = sequence[start : start + len(cons)]
        mismatches = sum(a != b for a, b in zip(inst, cons))
        lines.append(f"{motifs[mot].label:<10}{inst:<16}{cons:<16}{mismatches}")
    return "\n".join(lines)


def motifs_per_sequence(split: Split) -> np.ndarray:
    """The number of motifs planted in every sequence of a split (its rows in ``planted``).

    Parameters
    ----------
    split : Split

    Returns
    -------
    numpy.ndarray, shape (N,), int

    Raises
    ------
    ValueError
        If ``split`` is not a ``Split``.
    """
    if not isinstance(split, Split):
        raise ValueError(f"split must be a data.Split; got {type(split).__name__}")
    return np.bincount(split.planted[:, 0], minlength=len(split))


def planted_instances(ds: SyntheticDataset) -> tuple[np.ndarray, np.ndarray]:
    """Every planted motif instance of the dataset, the three splits pooled (train, valid, test).

    Parameters
    ----------
    ds : SyntheticDataset

    Returns
    -------
    motif : int array, shape (M,)
        Index of each instance's motif in ``ds.motifs``.
    label : float array, shape (M,)
        Class (1 positive, 0 negative) of the sequence the instance was planted in.

    Raises
    ------
    ValueError
        If ``ds`` is not a ``SyntheticDataset``.
    """
    _check_dataset(ds)
    splits = _splits(ds).values()
    motif = np.concatenate([s.planted[:, 1] for s in splits])
    label = np.concatenate([s.y[s.planted[:, 0], 0] for s in splits])
    return motif, label


def class_balance_table(ds: SyntheticDataset) -> str:
    """A text table of positives and negatives per split and in the whole dataset.

    Parameters
    ----------
    ds : SyntheticDataset

    Returns
    -------
    str
        A header line, one line per split (train, valid, test) and one for all of them:
        sequences, positives, negatives and the percentage of positives (METHODS.md section 1:
        half of the sequences are positives).

    Raises
    ------
    ValueError
        If ``ds`` is not a ``SyntheticDataset``.
    """
    _check_dataset(ds)
    splits = _splits(ds)
    y_all = np.concatenate([s.y[:, 0] for s in splits.values()])
    lines = [
        f"{'split':<8}{'sequences':>10}{'positives':>11}{'negatives':>11}{'% positive':>12}"
    ]
    for name, s in splits.items():
        pos = int(s.y.sum())
        lines.append(
            f"{name:<8}{len(s):>10,}{pos:>11,}{len(s) - pos:>11,}"
            f"{100 * pos / len(s):>12.1f}"
        )
    lines.append(
        f"{'all':<8}{y_all.size:>10,}{int(y_all.sum()):>11,}{int((y_all == 0).sum()):>11,}"
        f"{100 * y_all.mean():>12.1f}"
    )
    return "\n".join(lines)


def motif_count_table(ds: SyntheticDataset) -> str:
    """A text table of the number of motifs per sequence, expected against observed.

    Parameters
    ----------
    ds : SyntheticDataset

    Returns
    -------
    str
        A header line; for every number of motifs, its probability in the generating
        ``motif_count_probs`` (METHODS.md section 1) and the observed fraction of all sequences,
        of the positives and of the negatives (three splits pooled); then the expected and the
        observed mean number of motifs per sequence.

    Raises
    ------
    ValueError
        If ``ds`` is not a ``SyntheticDataset``.
    """
    _check_dataset(ds)
    splits = _splits(ds).values()
    probs = _motif_count_probs(ds)
    y_all = np.concatenate([s.y[:, 0] for s in splits])
    n_motifs = np.concatenate([motifs_per_sequence(s) for s in splits])
    lines = [
        f"{'motifs':>6}{'expected':>10}{'all':>8}{'positives':>11}{'negatives':>11}"
    ]
    for k, p in probs.items():
        obs = [
            (n_motifs[mask] == k).mean()
            for mask in (y_all >= 0, y_all == 1, y_all == 0)
        ]
        lines.append(f"{k:>6}{p:>10.3f}{obs[0]:>8.3f}{obs[1]:>11.3f}{obs[2]:>11.3f}")
    expected_mean = sum(k * p for k, p in probs.items())
    lines.append(
        f"mean motifs per sequence: expected {expected_mean:.2f}, "
        f"observed {n_motifs.mean():.2f}"
    )
    return "\n".join(lines)


def motif_share_table(ds: SyntheticDataset) -> str:
    """A text table of the share of motif positions per class, observed against expected.

    The expected share of motif positions (information content above ``IC_THRESHOLD``) in a
    class is the mean number of motifs per sequence times the mean number of such columns per
    motif of the class's pool (the core PWMs for positives, all PWMs for negatives), divided by
    the sequence length (METHODS.md section 1).

    Parameters
    ----------
    ds : SyntheticDataset

    Returns
    -------
    str
        A header line; per class, the mean number of columns above the threshold per motif of its
        pool, the observed and the expected share of motif positions, the share of weak motif
        positions (0 < IC <= threshold) and of background positions (IC = 0), the three splits
        pooled; then a line explaining the first column.

    Raises
    ------
    ValueError
        If ``ds`` is not a ``SyntheticDataset``.
    """
    _check_dataset(ds)
    splits = _splits(ds).values()
    y_all = np.concatenate([s.y[:, 0] for s in splits])
    ic_all = np.concatenate([s.information_content for s in splits])
    length = ds.test.x.shape[1]
    expected_mean = sum(k * p for k, p in _motif_count_probs(ds).items())
    informative_columns = np.array([motif_mask(m.pwm).sum() for m in ds.motifs])
    pools = {
        "positives": (y_all == 1, informative_columns[: ds.n_core]),
        "negatives": (y_all == 0, informative_columns),
    }
    lines = [
        f"{'class':<10}{'columns':>8}{'IC > 0.1':>10}{'expected':>10}{'0 < IC <= 0.1':>15}"
        f"{'IC = 0':>9}"
    ]
    for name, (mask, columns) in pools.items():
        ic_cls = ic_all[mask]
        motif_frac = (ic_cls > IC_THRESHOLD).mean()
        weak_frac = ((ic_cls > 0) & (ic_cls <= IC_THRESHOLD)).mean()
        expected = expected_mean * columns.mean() / length
        lines.append(
            f"{name:<10}{columns.mean():>8.1f}{motif_frac:>10.1%}{expected:>10.1%}"
            f"{weak_frac:>15.1%}{(ic_cls == 0).mean():>9.1%}"
        )
    lines.append(
        "columns: mean number of columns above 0.1 bits per motif in the class's pool"
    )
    return "\n".join(lines)


def motif_usage_report(ds: SyntheticDataset) -> str:
    """Which PWMs each class uses, and how many negatives are made of core motifs only.

    Parameters
    ----------
    ds : SyntheticDataset

    Returns
    -------
    str
        Per class: its number of motif instances, how many PWMs of its pool it uses, whether it
        uses core PWMs only, and the share of forward-orientation instances. Then the share of
        core PWMs among the negatives' instances (against uniform sampling from all PWMs), and
        the number of negatives without a single background motif, against its expectation
        ``N_neg * sum_k P(k) * p_core**k`` with ``p_core`` the core PWMs' share of the pool
        (METHODS.md section 1): such a negative looks exactly like a positive.

    Raises
    ------
    ValueError
        If ``ds`` is not a ``SyntheticDataset``.
    """
    _check_dataset(ds)
    splits = _splits(ds).values()
    motif_idx, motif_cls = planted_instances(ds)
    y_all = np.concatenate([s.y[:, 0] for s in splits])
    lines = []
    for cls, label in ((1, "positives"), (0, "negatives")):
        used = motif_idx[motif_cls == cls]
        pool = ds.n_core if cls == 1 else len(ds.motifs)
        fwd_share = np.mean([ds.motifs[m].strand == "+" for m in used])
        lines.append(
            f"{label}: {used.size:,} motif instances, "
            f"{np.unique(used).size} of the {pool} PWMs in "
            f"the pool used, only core PWMs: {bool((used < ds.n_core).all())}, "
            f"forward orientation {fwd_share:.1%}"
        )
    core_share = (motif_idx[motif_cls == 0] < ds.n_core).mean()
    lines.append(
        f"share of core PWMs among the negatives' instances: {core_share:.1%} "
        f"(uniform sampling: {ds.n_core / len(ds.motifs):.1%})"
    )
    has_background = np.concatenate(
        [
            np.bincount(s.planted[s.planted[:, 1] >= ds.n_core, 0], minlength=len(s))
            > 0
            for s in splits
        ]
    )
    lookalikes = int(((y_all == 0) & ~has_background).sum())
    p_core = ds.n_core / len(ds.motifs)
    p_only_core = sum(p * p_core**k for k, p in _motif_count_probs(ds).items())
    expected_lookalikes = (y_all == 0).sum() * p_only_core
    lines.append(
        f"negatives made only of core motifs: {lookalikes} "
        f"(expected {expected_lookalikes:.1f})"
    )
    return "\n".join(lines)
