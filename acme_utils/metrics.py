"""Consistency metrics of attribution maps, which need no ground truth (METHODS.md sections 7-8).

- ``kmer_kld``: do the most attributed stretches of sequence spell a few recurring k-mers
  (motifs), or look like the background k-mer distribution? (section 7)
- ``kattr_mean_kld``: do the local mean attribution vectors, embedded on the sphere of the
  sum-zero subspace, cluster into a few directions? (section 8)

Both return a KL divergence in nats (higher = more consistent) and, with ``return_details=True``,
the intermediates the chapters plot. Both are vectorised over sequences and positions.

NumPy only: importing this module does not import TensorFlow. Each public function checks its
arrays once (``acme_utils.validation``) and passes them to private twins that trust them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter

from .correction import _correct_gradients
from .validation import check_map, check_one_hot, validate_input

__all__ = [
    "SIMPLEX_BASIS",
    "kl_divergence",
    "KmerDetails",
    "kmer_string",
    "kmer_codes",
    "attributed_segments",
    "kmer_kld",
    "match_kmers",
    "KattrDetails",
    "local_means",
    "embed",
    "spherical",
    "kattr_mean_kld",
    "kmers_per_sequence",
    "segment_kmers",
    "segment_kmers_report",
    "top_kmer_table",
    "circular_shift",
    "kmer_kld_grid",
    "kmer_kld_report",
    "top_kmer_hits_report",
    "ranked_mass_report",
    "angle_between",
    "angular_peaks",
    "strongest_windows",
    "kattr_mean_kld_by_window",
    "linear_distortion",
    "kept_motif_report",
    "angular_peaks_report",
    "kattr_mean_kld_report",
]


#: Orthonormal basis of the sum-zero subspace of R^4 (rows), channels A, C, G, T (section 8).
#: The reference code omits the G term of e2, which makes the basis non-orthonormal.
SIMPLEX_BASIS = np.array(
    [
        [-1.0, 1.0, 0.0, 0.0] / np.sqrt(2.0),
        [-1.0, -1.0, 2.0, 0.0] / np.sqrt(6.0),
        [-1.0, -1.0, -1.0, 3.0] / np.sqrt(12.0),
    ]
)


def kl_divergence(p, q) -> float:
    """``KL(p || q) = sum p log(p / q)`` in nats over entries with ``p > 0``.

    Both are normalised to sum 1 first. Raises if ``q`` is 0 where ``p`` is not (infinite KL).

    Parameters
    ----------
    p, q : array_like
        Non-negative weights with a positive sum, of the same size (any shape, flattened), e.g.
        ``(4**k,)`` k-mer distributions or ``(n_theta, n_phi)`` angular densities.

    Returns
    -------
    float
        The KL divergence in nats, >= 0.

    Raises
    ------
    ValueError
        If the sizes differ, a weight is negative, a sum is not positive, or ``q`` is 0 where ``p``
        is positive.
    """
    p = np.asarray(p, dtype=np.float64).reshape(-1)
    q = np.asarray(q, dtype=np.float64).reshape(-1)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same size; got {p.size} and {q.size}")
    if (p < 0).any() or (q < 0).any() or p.sum() <= 0 or q.sum() <= 0:
        raise ValueError("p and q must be non-negative with a positive sum")
    p, q = p / p.sum(), q / q.sum()
    support = p > 0
    if (q[support] == 0).any():
        raise ValueError("q is 0 where p is positive: the KL divergence is infinite")
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def _check_pair(attr, x):
    """Maps (float64) and one-hot sequences (float32) of the same ``(N, L, 4)`` shape, checked."""
    attr = check_map(attr)
    x = check_one_hot(x, "sequences")
    if attr.shape != x.shape:
        raise ValueError(
            f"attribution maps {attr.shape} and sequences {x.shape} must have the same shape"
        )
    return attr, x


def _above_percentile(values: np.ndarray, percentile: float) -> np.ndarray:
    """Per row: values strictly above the row's ``percentile`` (linear interpolation)."""
    if not 0 <= percentile < 100:
        raise ValueError(f"percentile must be in [0, 100); got {percentile!r}")
    return values > np.percentile(values, percentile, axis=1, keepdims=True)


# --------------------------------------------------------------------------------------------
# k-mer KLD (section 7)
# --------------------------------------------------------------------------------------------


@dataclass
class KmerDetails:
    """Intermediates of ``kmer_kld``.

    Attributes
    ----------
    score : float
        The k-mer KLD, ``KL(p || q)`` in nats.
    p : numpy.ndarray, shape (4**k,), float64
        Attributed k-mer distribution (index: :func:`kmer_string`).
    q : numpy.ndarray, shape (4**k,), float64
        Prior: k-mer frequencies over all positions of the contributing sequences.
    counts : numpy.ndarray, shape (4**k,), float64
        Attributed k-mer counts.
    attributed : numpy.ndarray, shape (N, L), bool
        Positions above the per-sequence percentile.
    segments : numpy.ndarray, shape (N, L), bool
        Attributed runs after the 3' extension and merging.
    k : int
        The k-mer length.
    """

    score: float
    p: np.ndarray  # (4**k,) attributed k-mer distribution
    q: np.ndarray  # (4**k,) prior: k-mer frequencies of the contributing sequences
    counts: np.ndarray  # (4**k,) attributed k-mer counts
    attributed: np.ndarray  # (N, L) bool: positions above the per-sequence percentile
    segments: (
        np.ndarray
    )  # (N, L) bool: attributed runs after the 3' extension and merging
    k: int

    def top_kmers(self, n: int = 10) -> list[tuple[str, float, float]]:
        """The ``n`` most frequent attributed k-mers as ``(kmer, p, q)``.

        Parameters
        ----------
        n : int, default 10
            How many k-mers at most.

        Returns
        -------
        list of (str, float, float)
            The k-mer, its attributed probability and its prior probability, most frequent first
            (ties in index order); only k-mers with ``p > 0``, so possibly fewer than ``n``.
        """
        order = np.argsort(-self.p, kind="stable")[:n]
        return [
            (kmer_string(i, self.k), float(self.p[i]), float(self.q[i]))
            for i in order
            if self.p[i] > 0
        ]


def kmer_string(index: int, k: int) -> str:
    """Decode a k-mer index (base-4, first base most significant) to its string.

    Parameters
    ----------
    index : int
        The k-mer's index, in ``[0, 4**k)`` (as :func:`kmer_codes` gives).
    k : int
        The k-mer length.

    Returns
    -------
    str
        ``k`` letters from ``ACGT``.
    """
    return "".join("ACGT"[(index >> (2 * (k - 1 - j))) & 3] for j in range(k))


def kmer_codes(x, k: int) -> np.ndarray:
    """Index of the k-mer starting at every position.

    Parameters
    ----------
    x : array_like, shape (N, L, 4)
        One-hot sequences, L >= k.
    k : int
        The k-mer length, 1 to 15.

    Returns
    -------
    numpy.ndarray, shape (N, L - k + 1), int64
        Indices in [0, 4**k) (base 4, first base most significant).

    Raises
    ------
    ValueError
        If ``x`` is not a finite one-hot ``(N, L, 4)`` array, or ``k`` is not in
        ``[1, min(L, 15)]``.
    """
    return _kmer_codes(check_one_hot(x, "sequences"), k)


def _kmer_codes(x: np.ndarray, k: int) -> np.ndarray:
    if not 1 <= k <= x.shape[1]:
        raise ValueError(f"sequences of length {x.shape[1]} are shorter than k={k}")
    if k > 15:
        raise ValueError(f"k={k} is too large: 4**k k-mers would not fit in memory")
    base = x.argmax(-1).astype(np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(base, k, axis=1)  # (N, L-k+1, k)
    return windows @ (4 ** np.arange(k - 1, -1, -1))


def attributed_segments(
    attr, percentile: float = 90.0, extend: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Steps 1-3 of section 7: (attributed positions, merged segments), both ``(N, L)`` bool.

    A position is attributed when the L2 norm of its 4-vector is strictly above the sequence's
    ``percentile``; each run of attributed positions is extended by ``extend`` positions on its 3'
    (higher-index) side, clipped to the sequence; runs that then overlap or touch merge. The union
    of the extended runs is exactly the attributed mask dilated ``extend`` steps to the right.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    percentile : float, default 90.0
        Per-sequence percentile of the norms (linear interpolation), in [0, 100).
    extend : int, default 2
        Positions added on the 3' side of every run, >= 0.

    Returns
    -------
    attributed, segments : numpy.ndarray, shape (N, L), bool
        The attributed positions, and the merged segments after the 3' extension.

    Raises
    ------
    ValueError
        If ``attr`` is not a finite ``(N, L, 4)`` array, ``percentile`` is outside [0, 100) or
        ``extend`` is not a non-negative integer.
    """
    return _attributed_segments(check_map(attr), percentile, extend)


def _attributed_segments(
    attr: np.ndarray, percentile: float = 90.0, extend: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    if int(extend) != extend or extend < 0:
        raise ValueError(f"extend must be a non-negative integer; got {extend!r}")
    attributed = _above_percentile(np.linalg.norm(attr, axis=-1), percentile)
    segments = attributed.copy()
    for shift in range(1, int(extend) + 1):
        segments[:, shift:] |= attributed[:, :-shift]
    return attributed, segments


def kmer_kld(
    attr,
    x,
    k: int = 6,
    percentile: float = 90.0,
    extend: int = 2,
    correct: bool = True,
    return_details: bool = False,
):
    """k-mer KLD of attribution maps ``attr`` for one-hot ``x`` (METHODS.md section 7).

    The maps are gradient-corrected first (``correct=True``; correcting a corrected map changes
    nothing, so already-corrected maps may be passed as they are).

    Counts every overlapping k-mer that lies wholly inside an attributed segment (segments shorter
    than k contribute none), pooled over sequences, and compares their distribution ``p`` with the
    k-mer distribution ``q`` of all positions of the same sequences: ``KL(p || q)`` in nats.
    A sequence with no attributed k-mer contributes nothing, to ``p`` or to ``q``.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.
    k : int, default 6
        The k-mer length, 1 to 15 and at most L.
    percentile : float, default 90.0
        Positions whose norm is above this per-sequence percentile are attributed
        (:func:`attributed_segments`), in [0, 100).
    extend : int, default 2
        The 3' extension of the attributed runs (:func:`attributed_segments`).
    correct : bool, default True
        Gradient-correct the maps first.
    return_details : bool, default False
        Return the intermediates, not only the score.

    Returns
    -------
    float or KmerDetails
        The KLD in nats, or with ``return_details`` a :class:`KmerDetails`.

    Raises
    ------
    ValueError
        If the arrays are not finite ``(N, L, 4)`` arrays of the same shape (``x`` one-hot), a
        setting is invalid, or no sequence has an attributed segment of length >= k (the KLD is then
        undefined).
    """
    attr, x = _check_pair(attr, x)
    return _kmer_kld(attr, x, k, percentile, extend, correct, return_details)


def _kmer_kld(
    attr: np.ndarray,
    x: np.ndarray,
    k: int = 6,
    percentile: float = 90.0,
    extend: int = 2,
    correct: bool = True,
    return_details: bool = False,
):
    """``kmer_kld`` of float64 maps and float32 one-hot sequences checked by ``_check_pair``."""
    if correct:
        # float32 like the public correct_gradients, then float64 as check_map gave it before
        attr = _correct_gradients(attr).astype(np.float64)
    codes = _kmer_codes(x, k)
    attributed, segments = _attributed_segments(attr, percentile, extend)
    # a k-mer starting at l is counted when positions l .. l+k-1 are all inside segments
    cs = np.concatenate(
        [np.zeros((len(x), 1), np.int64), np.cumsum(segments, axis=1)], axis=1
    )
    inside = (cs[:, k:] - cs[:, :-k]) == k
    n = 4**k
    counts = np.bincount(codes[inside], minlength=n).astype(np.float64)
    if counts.sum() == 0:
        raise ValueError(
            f"no attributed segment of length >= k={k} in any sequence: the k-mer KLD is undefined "
            "(are the maps all zero or constant?)"
        )
    # The prior counts every position of the contributing sequences only: a sequence without any
    # attributed k-mer must not shift the score (METHODS.md section 7, last line).
    contributing = inside.any(axis=1)
    prior = np.bincount(codes[contributing].reshape(-1), minlength=n).astype(np.float64)
    p, q = counts / counts.sum(), prior / prior.sum()
    score = kl_divergence(p, q)
    if return_details:
        return KmerDetails(score, p, q, counts, attributed, segments, k)
    return score


def match_kmers(
    kmers, motifs, pseudocount: float = 0.01, min_overlap: int | None = None
):
    """Best-matching motif of each k-mer by log-odds against a uniform background.

    A k-mer is slid along every motif PWM, including offsets where it hangs over either end of
    the motif by up to ``k - min_overlap`` bases (default ``min_overlap``: ``ceil(k / 2)``). At
    each offset its score is the log-likelihood ratio, in bits, of "this motif sits here, uniform
    background elsewhere" against "uniform background throughout":
    ``sum_j log2(pwm'[o + j, b_j] / 0.25)`` over the bases ``b_j`` that fall inside the motif
    (overhanging bases contribute 0). ``pwm' = (pwm + pseudocount) / (1 + 4 pseudocount)`` keeps
    the log finite where a JASPAR column has a zero count. The best offset of the best motif wins
    (ties: the first motif, then the smallest offset).

    Only the orientations in ``motifs`` are searched: pass both strands, as ``data.load_motifs``
    and ``SyntheticDataset.motifs`` do (each motif followed by its reverse complement).

    Parameters
    ----------
    kmers : list of str
        Non-empty k-mers of equal length k over ``ACGT`` (lower case is accepted).
    motifs : list of data.Motif
        The motifs (or bare ``(M, 4)`` PWMs, labelled by their index); not empty.
    pseudocount : float, default 0.01
        Added to every PWM entry before the log, > 0.
    min_overlap : int, optional
        Fewest k-mer bases inside the motif at an offset, in ``[1, k]`` (a motif shorter than this
        needs only its own length); default ``ceil(k / 2)``.

    Returns
    -------
    pandas.DataFrame
        One row per k-mer: ``kmer``, ``motif`` (label such as ``"MAX(+)"``), ``motif_index``,
        ``offset`` (motif column under the k-mer's first base; negative when it hangs over the 5'
        end), ``overlap`` (bases inside the motif), ``log_odds`` (bits), ``max_log_odds`` (the best
        any k-mer could score at that alignment), ``consensus`` (the motif's consensus under the
        k-mer, ``-`` where it hangs over) and ``mismatches`` (against that consensus, over the
        overlap).

    Raises
    ------
    ValueError
        If ``kmers`` or ``motifs`` is empty or invalid, ``pseudocount`` is not positive, or
        ``min_overlap`` is not an integer in ``[1, k]``.
    """
    import pandas as pd

    kmers = [str(s).upper() for s in kmers]
    if not kmers:
        raise ValueError("kmers is empty")
    k = len(kmers[0])
    if (
        k == 0
        or any(len(s) != k for s in kmers)
        or any(set(s) - set("ACGT") for s in kmers)
    ):
        raise ValueError(
            "kmers must be non-empty strings of equal length over A, C, G, T"
        )
    if len(motifs) == 0:
        raise ValueError("motifs is empty")
    if not pseudocount > 0:
        raise ValueError(f"pseudocount must be positive; got {pseudocount!r}")
    need = -(-k // 2) if min_overlap is None else int(min_overlap)
    if min_overlap is not None and (
        int(min_overlap) != min_overlap or not 1 <= min_overlap <= k
    ):
        raise ValueError(
            f"min_overlap must be an integer in [1, k={k}]; got {min_overlap!r}"
        )
    codes = np.array([["ACGT".index(c) for c in s] for s in kmers])  # (n, k)
    n = len(kmers)
    best = np.full(n, -np.inf)
    best_motif = np.zeros(n, dtype=np.int64)
    best_offset = np.zeros(n, dtype=np.int64)
    pwms = []
    for m_idx, motif in enumerate(motifs):
        pwm = np.asarray(getattr(motif, "pwm", motif), dtype=np.float64)
        if pwm.ndim != 2 or pwm.shape[1] != 4 or pwm.shape[0] == 0:
            raise ValueError(
                f"motif {m_idx} must be an (M, 4) PWM; got shape {pwm.shape}"
            )
        if not np.isfinite(pwm).all() or (pwm < 0).any():
            raise ValueError(
                f"motif {m_idx} must hold finite, non-negative probabilities"
            )
        pwms.append(pwm)
        m_len = pwm.shape[0]
        lo = np.log2((pwm + pseudocount) / (1 + 4 * pseudocount) / 0.25)
        padded = np.vstack(
            [np.zeros((k, 4)), lo, np.zeros((k, 4))]
        )  # overhang scores 0
        need_m = min(need, m_len)
        offsets = np.arange(need_m - k, m_len - need_m + 1)  # (n_off,)
        rows = offsets[:, None] + np.arange(k)[None, :] + k  # (n_off, k) rows of padded
        scores = padded[rows[None, :, :], codes[:, None, :]].sum(-1)  # (n, n_off)
        j = scores.argmax(axis=1)
        s = scores[np.arange(n), j]
        better = s > best + 1e-12
        best[better] = s[better]
        best_motif[better] = m_idx
        best_offset[better] = offsets[j[better]]

    out = []
    for i, s in enumerate(kmers):
        m_idx, off = int(best_motif[i]), int(best_offset[i])
        pwm = pwms[m_idx]
        cols = np.arange(off, off + k)
        inside = (cols >= 0) & (cols < pwm.shape[0])
        cons = "".join(
            "ACGT"[pwm[c].argmax()] if ok else "-" for c, ok in zip(cols, inside)
        )
        lo = np.log2((pwm + pseudocount) / (1 + 4 * pseudocount) / 0.25)
        motif = motifs[m_idx]
        out.append(
            {
                "kmer": s,
                "motif": getattr(motif, "label", str(m_idx)),
                "motif_index": m_idx,
                "offset": off,
                "overlap": int(inside.sum()),
                "log_odds": float(best[i]),
                "max_log_odds": float(lo[cols[inside]].max(axis=1).sum()),
                "consensus": cons,
                "mismatches": int(
                    sum(a != b for a, b, ok in zip(s, cons, inside) if ok)
                ),
            }
        )
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------
# k-attr-mean KLD (section 8)
# --------------------------------------------------------------------------------------------


@dataclass
class KattrDetails:
    """Intermediates of ``kattr_mean_kld``.

    M is the number of kept points (local means), over all sequences.

    Attributes
    ----------
    score : float
        The k-attr-mean KLD, ``KL(p || q)`` in nats.
    points : numpy.ndarray, shape (M, 3), float64
        Embedded local means that were kept.
    sequence : numpy.ndarray, shape (M,), int64
        Sequence index of each kept point.
    position : numpy.ndarray, shape (M,), int64
        Start position of each kept point's window.
    theta : numpy.ndarray, shape (M,), float64
        Polar angle of each kept point, in [0, pi].
    phi : numpy.ndarray, shape (M,), float64
        Azimuth of each kept point, in (-pi, pi].
    weight : numpy.ndarray, shape (M,), float64
        ``r^2`` of each kept point (its weight in ``p``).
    p : numpy.ndarray, shape (n_theta, n_phi), float64
        Empirical angular density.
    q : numpy.ndarray, shape (n_theta, n_phi), float64
        Smoothed prior.
    theta_edges : numpy.ndarray, shape (n_theta + 1,), float64
        Bin edges of theta, from 0 to pi.
    phi_edges : numpy.ndarray, shape (n_phi + 1,), float64
        Bin edges of phi, from -pi to pi.
    """

    score: float
    points: np.ndarray  # (M, 3) embedded local means that were kept
    sequence: np.ndarray  # (M,) sequence index of each kept point
    position: np.ndarray  # (M,) start position of each kept point's window
    theta: np.ndarray  # (M,) polar angle
    phi: np.ndarray  # (M,) azimuth
    weight: np.ndarray  # (M,) r^2
    p: np.ndarray  # (n_theta, n_phi) empirical angular density
    q: np.ndarray  # (n_theta, n_phi) smoothed prior
    theta_edges: np.ndarray
    phi_edges: np.ndarray


def local_means(attr, window: int = 3) -> np.ndarray:
    """Mean 4-vector over each full window of ``window`` positions.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps, L >= window.
    window : int, default 3
        The window length, 1 to L.

    Returns
    -------
    numpy.ndarray, shape (N, L - window + 1, 4), float64
        The mean over positions ``[l, l + window)`` at index l.

    Raises
    ------
    ValueError
        If ``attr`` is not a finite ``(N, L, 4)`` array or ``window`` is not an integer in [1, L].
    """
    return _local_means(check_map(attr), window)


def _local_means(attr: np.ndarray, window: int = 3) -> np.ndarray:
    if int(window) != window or not 1 <= window <= attr.shape[1]:
        raise ValueError(
            f"sequences of length {attr.shape[1]} are shorter than the window k={window}"
        )
    cs = np.concatenate([np.zeros_like(attr[:, :1]), np.cumsum(attr, axis=1)], axis=1)
    return (cs[:, window:] - cs[:, :-window]) / window


def embed(vectors) -> np.ndarray:
    """Coordinates ``(..., 3)`` of ``(..., 4)`` vectors in the orthonormal basis ``SIMPLEX_BASIS``.

    Parameters
    ----------
    vectors : array_like, shape (..., 4)
        Vectors over the channels A, C, G, T (e.g. local means); their component along
        ``(1, 1, 1, 1)`` is dropped.

    Returns
    -------
    numpy.ndarray, shape (..., 3), float64
        The coordinates along the three rows of ``SIMPLEX_BASIS``.
    """
    return np.asarray(vectors, dtype=np.float64) @ SIMPLEX_BASIS.T


def spherical(points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(r, theta in [0, pi], phi in (-pi, pi])`` of ``(..., 3)`` points (theta from the e3 axis).

    Parameters
    ----------
    points : array_like, shape (..., 3)
        Points in the embedding (:func:`embed`).

    Returns
    -------
    r, theta, phi : numpy.ndarray, shape (...), float64
        Radius, polar angle and azimuth of every point (theta is 0 at the origin).
    """
    points = np.asarray(points, dtype=np.float64)
    r = np.linalg.norm(points, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        theta = np.arccos(np.clip(np.where(r > 0, points[..., 2] / r, 1.0), -1.0, 1.0))
    phi = np.arctan2(points[..., 1], points[..., 0])
    phi = np.where(phi == -np.pi, np.pi, phi)
    return r, theta, phi


def kattr_mean_kld(
    attr,
    window: int = 3,
    percentile: float = 90.0,
    bin_width: float = 0.1,
    smooth_width: float = 0.5,
    correct: bool = True,
    return_details: bool = False,
):
    """k-attr-mean KLD of attribution maps (METHODS.md section 8).

    Gradient-correct each map and divide it by ``sum_l ||a_l||``; take local means over windows of
    ``window`` positions; embed them in 3-D (``SIMPLEX_BASIS``); keep, per sequence, the points with
    radius strictly above its ``percentile``; histogram their angles on a ``bin_width`` lattice
    weighted by r^2 into ``p``; smooth ``p`` with a ``smooth_width`` boxcar (periodic in phi,
    mirrored in theta) into the prior ``q``; return ``KL(p || q)`` in nats. An all-zero map
    contributes nothing.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps, L >= window.
    window : int, default 3
        The local-mean window (positions).
    percentile : float, default 90.0
        Per-sequence percentile of the radii above which points are kept, in [0, 100).
    bin_width : float, default 0.1
        Width (radians) of the theta and phi bins, > 0.
    smooth_width : float, default 0.5
        Width (radians) of the boxcar; ``smooth_width / bin_width`` must round to an odd number of
        bins.
    correct : bool, default True
        Gradient-correct the maps first.
    return_details : bool, default False
        Return the intermediates, not only the score.

    Returns
    -------
    float or KattrDetails
        The KLD in nats, or with ``return_details`` a :class:`KattrDetails`.

    Raises
    ------
    ValueError
        If ``attr`` is not a finite ``(N, L, 4)`` array, a setting is invalid, or no point is above
        the percentile in any sequence (the maps are constant).
    """
    return _kattr_mean_kld(
        check_map(attr),
        window,
        percentile,
        bin_width,
        smooth_width,
        correct,
        return_details,
    )


def _kattr_mean_kld(
    attr: np.ndarray,
    window: int = 3,
    percentile: float = 90.0,
    bin_width: float = 0.1,
    smooth_width: float = 0.5,
    correct: bool = True,
    return_details: bool = False,
):
    """``kattr_mean_kld`` of float64 maps checked by ``check_map``."""
    if not bin_width > 0:
        raise ValueError(f"bin_width must be positive; got {bin_width!r}")
    size = int(round(smooth_width / bin_width))
    if size < 1 or size % 2 == 0:
        raise ValueError(
            f"smooth_width / bin_width must round to an odd number of bins (a centred boxcar); got {size}"
        )
    corrected = (_correct_gradients(attr) if correct else attr).astype(np.float64)
    total = np.linalg.norm(corrected, axis=-1).sum(axis=1)
    nonzero = total > 0  # an all-zero map contributes nothing
    corrected[nonzero] /= total[nonzero, None, None]
    points = embed(_local_means(corrected, window))  # (N, L - window + 1, 3)
    r, theta, phi = spherical(points)
    keep = _above_percentile(r, percentile) & nonzero[:, None]
    if not keep.any():
        raise ValueError(
            "no position is above the radius percentile in any sequence: the maps are constant"
        )
    n_theta = int(np.ceil(np.pi / bin_width - 1e-9))
    n_phi = int(np.ceil(2 * np.pi / bin_width - 1e-9))
    ti = np.minimum(np.floor(theta[keep] / bin_width).astype(np.int64), n_theta - 1)
    pj = np.minimum(
        np.floor((phi[keep] + np.pi) / bin_width).astype(np.int64), n_phi - 1
    )
    weight = r[keep] ** 2
    p = np.bincount(ti * n_phi + pj, weights=weight, minlength=n_theta * n_phi).reshape(
        n_theta, n_phi
    )
    p /= p.sum()
    q = uniform_filter(p, size=size, mode=("reflect", "wrap"))
    q = np.maximum(
        q, 0.0
    )  # the filter's running sums leave round-off negatives (~1e-18) at 0
    q /= q.sum()
    score = kl_divergence(p, q)
    if not return_details:
        return score
    seq, pos = np.nonzero(keep)
    edges_t = np.minimum(np.arange(n_theta + 1) * bin_width, np.pi)
    edges_p = np.minimum(np.arange(n_phi + 1) * bin_width, 2 * np.pi) - np.pi
    return KattrDetails(
        score,
        points[keep],
        seq,
        pos,
        theta[keep],
        phi[keep],
        weight,
        p,
        q,
        edges_t,
        edges_p,
    )


# --------------------------------------------------------------------------------------------
# helpers of chapter 5 (k-mer KLD)
# --------------------------------------------------------------------------------------------


def kmers_per_sequence(segments, k: int) -> np.ndarray:
    """Number of attributed k-mers each sequence contributes to ``kmer_kld``.

    A k-mer is counted when all k of its positions lie inside one segment, so a segment of
    length ``s >= k`` yields ``s - k + 1`` k-mers and a shorter one none.

    Parameters
    ----------
    segments : array_like, shape (N, L), bool
        Attributed segments (``KmerDetails.segments``, or ``attributed_segments``'s second
        result).
    k : int
        The k-mer length, at least 1.

    Returns
    -------
    numpy.ndarray, shape (N,), int64
        The number of attributed k-mers of every sequence.

    Raises
    ------
    ValueError
        If ``segments`` is not an ``(N, L)`` array of 0/1 values or ``k`` is not a positive
        integer.
    """
    segments = validate_input(
        segments, "segments", shape=("N", "L"), dtype=bool, values=(0, 1)
    )
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}")
    k = int(k)
    if k > segments.shape[1]:
        return np.zeros(len(segments), np.int64)
    cs = np.concatenate(
        [
            np.zeros((len(segments), 1), np.int64),
            np.cumsum(segments, axis=1, dtype=np.int64),
        ],
        axis=1,
    )
    return ((cs[:, k:] - cs[:, :-k]) == k).sum(axis=1).astype(np.int64)


def segment_kmers(segments, k: int, sequence: str, starts=(), lengths=(), labels=()):
    """The attributed segments of one sequence and the k-mers each contributes to ``kmer_kld``.

    Step 4 of METHODS.md section 7 on one sequence: a segment of length ``s >= k`` yields its
    ``s - k + 1`` overlapping k-mers, a shorter one none.

    Parameters
    ----------
    segments : array_like, shape (L,), bool
        The sequence's attributed segments (``KmerDetails.segments[i]``).
    k : int
        The k-mer length, at least 1.
    sequence : str
        The sequence, ``L`` letters over A, C, G, T (``data.one_hot_to_string``).
    starts, lengths, labels : sequences, optional
        Start positions, lengths and labels of the motifs planted in the sequence
        (``data.planted_motifs``), to say which of them each segment overlaps.

    Returns
    -------
    pandas.DataFrame
        One row per segment, left to right, with columns ``first`` and ``last`` (positions,
        inclusive), ``length``, ``sequence`` (the segment's letters), ``n_kmers``, ``kmers`` (a
        tuple of the k-mer strings, 5' to 3') and ``overlaps`` (the labels of the planted motifs
        the segment overlaps, comma-separated, or ``"(background)"``).

    Raises
    ------
    ValueError
        If ``segments`` is not a 1-D boolean mask of the sequence's length, ``k`` is not a
        positive integer, or the motif lists differ in length.
    """
    import pandas as pd

    sequence = str(sequence)
    segments = validate_input(
        segments, "segments", shape=(len(sequence),), dtype=bool, values=(0, 1)
    )
    if set(sequence) - set("ACGT"):
        raise ValueError("sequence must be a string over A, C, G, T")
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}")
    k = int(k)
    if not len(starts) == len(lengths) == len(labels):
        raise ValueError("starts, lengths and labels must have the same length")
    padded = np.concatenate([[False], segments, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    rows = []
    for a, b in zip(edges[::2].tolist(), edges[1::2].tolist()):
        hits = [
            lab for lab, s, m in zip(labels, starts, lengths) if s < b and a < s + m
        ]
        rows.append(
            {
                "first": a,
                "last": b - 1,
                "length": b - a,
                "sequence": sequence[a:b],
                "n_kmers": max(0, b - a - k + 1),
                "kmers": tuple(sequence[j : j + k] for j in range(a, b - k + 1)),
                "overlaps": ", ".join(hits) if hits else "(background)",
            }
        )
    columns = ["first", "last", "length", "sequence", "n_kmers", "kmers", "overlaps"]
    return pd.DataFrame(rows, columns=columns)


def segment_kmers_report(table, k: int, index: int) -> str:
    """``segment_kmers``'s table as the fixed-width text chapter 5 prints.

    Parameters
    ----------
    table : pandas.DataFrame
        The result of ``segment_kmers``.
    k : int
        The k-mer length (for the header).
    index : int
        The sequence's index (for the closing line).

    Returns
    -------
    str
        A header, one line per segment (positions, length, letters, k-mers, overlapping
        motifs), a blank line and the total number of k-mers with those of the first segment
        that yields any.

    Raises
    ------
    ValueError
        If ``table`` lacks a column of ``segment_kmers``'s result.
    """
    needed = {"first", "last", "length", "sequence", "n_kmers", "kmers", "overlaps"}
    if missing := needed - set(table.columns):
        raise ValueError(f"table lacks the columns {sorted(missing)}")
    lines = [
        f"{'segment':<10}{'length':>7}  {'sequence':<24}{f'{k}-mers':>7}  overlaps"
    ]
    for r in table.itertuples():
        lines.append(
            f"{r.first:>3}-{r.last:<6}{r.length:>7}  {r.sequence:<24}{r.n_kmers:>7}  "
            f"{r.overlaps}"
        )
    yielding = table[table["n_kmers"] > 0]
    spelled = (
        ", ".join(yielding["kmers"].iloc[0])
        if len(yielding)
        else "(no segment is long enough)"
    )
    total = int(table["n_kmers"].sum())
    return "\n".join(lines) + (
        f"\n\n{total} k-mers counted from sequence {index}; the first segment with "
        f"k-mers spells: {spelled}"
    )


def top_kmer_table(details: KmerDetails, motifs, n: int = 10, null_scores=None):
    """The ``n`` most frequent attributed k-mers of ``kmer_kld``, each with its best motif match.

    Parameters
    ----------
    details : KmerDetails
        ``kmer_kld(..., return_details=True)``.
    motifs : list of data.Motif or of (M, 4) PWMs
        The motifs to match (both orientations), as for ``match_kmers``.
    n : int
        The number of k-mers (fewer if fewer have ``p > 0``).
    null_scores : array_like, optional
        Best-match log-odds of the k-mers to compare with (default: all ``4**k`` k-mers,
        ``match_kmers`` of every ``kmer_string(j, k)``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``kmer``, most frequent first, with columns ``count``, ``p``, ``q``,
        ``p / q``, ``best motif``, ``consensus``, ``mismatches``, ``log-odds (bits)`` (see
        ``match_kmers``) and ``percentile`` (the share, in %, of ``null_scores`` strictly
        below the k-mer's log-odds).

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer, or from ``match_kmers``.
    """
    import pandas as pd

    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    if null_scores is None:
        every = [kmer_string(j, details.k) for j in range(4**details.k)]
        null_scores = match_kmers(every, motifs)["log_odds"].to_numpy()
    null_scores = np.asarray(null_scores, dtype=np.float64)
    top = pd.DataFrame(details.top_kmers(int(n)), columns=["kmer", "p", "q"])
    match = match_kmers(top["kmer"], motifs)
    top["count"] = np.rint(top["p"] * details.counts.sum()).astype(int)
    top["p / q"] = top["p"] / top["q"]
    top["best motif"] = match["motif"]
    top["consensus"] = match["consensus"]
    top["mismatches"] = match["mismatches"]
    top["log-odds (bits)"] = match["log_odds"]
    top["percentile"] = [100 * (null_scores < s).mean() for s in match["log_odds"]]
    columns = ["count", "p", "q", "p / q", "best motif", "consensus", "mismatches"]
    return top.set_index("kmer")[columns + ["log-odds (bits)", "percentile"]]


def circular_shift(attr, shifts) -> np.ndarray:
    """Each map moved circularly along its sequence: ``out[n, l] = attr[n, (l - shifts[n]) % L]``.

    The null of chapter 5's sensitivity study: a shifted map keeps the number, lengths and
    spacing of its attributed segments, but they fall on unrelated sequence.

    Parameters
    ----------
    attr : array_like, shape (N, L, C)
        Maps (or any per-position arrays).
    shifts : array_like of int, shape (N,)
        The shift of each map, in positions (any integer; taken modulo L).

    Returns
    -------
    numpy.ndarray, shape (N, L, C)
        The shifted maps, of ``attr``'s dtype.

    Raises
    ------
    ValueError
        If ``attr`` is not 3-D or ``shifts`` does not hold one integer per map.
    """
    attr = np.asarray(attr)
    if attr.ndim != 3:
        raise ValueError(f"attr must have shape (N, L, C); got {attr.shape}")
    shifts = validate_input(shifts, "shifts", shape=(len(attr),), dtype=np.float64)
    if (shifts != np.round(shifts)).any():
        raise ValueError("shifts must be integers")
    length = attr.shape[1]
    index = (np.arange(length)[None, :] - shifts.astype(np.int64)[:, None]) % length
    return np.take_along_axis(attr, index[:, :, None], axis=1)


def kmer_kld_grid(attr, x, ks, percentiles, extend: int = 2, correct: bool = True):
    """``kmer_kld`` (METHODS.md section 7) at every combination of k and threshold percentile.

    Parameters
    ----------
    attr : array_like, shape (N, L, 4)
        Attribution maps.
    x : array_like, shape (N, L, 4)
        The one-hot sequences they explain.
    ks : sequence of int
        k-mer lengths, each in [1, min(L, 15)].
    percentiles : sequence of float
        Threshold percentiles, each in [0, 100).
    extend, correct : passed to ``kmer_kld``.

    Returns
    -------
    pandas.DataFrame
        The score (nats) with one row per k (index named ``k``) and one column per percentile
        (named ``percentile``); NaN where no sequence has an attributed segment of at least k
        positions, so that the score is undefined.

    Raises
    ------
    ValueError
        If the maps or sequences are invalid, or a k or a percentile is out of range.
    """
    import pandas as pd

    attr, x = _check_pair(attr, x)
    if int(extend) != extend or extend < 0:
        raise ValueError(f"extend must be a non-negative integer; got {extend!r}")
    ks, percentiles = list(ks), list(percentiles)
    if not ks or not percentiles:
        raise ValueError("give at least one k and one percentile")
    for k in ks:
        if int(k) != k or not 1 <= k <= min(x.shape[1], 15):
            raise ValueError(
                f"k must be an integer in [1, {min(x.shape[1], 15)}]; got {k!r}"
            )
    for pc in percentiles:
        if not 0 <= pc < 100:
            raise ValueError(f"percentile must be in [0, 100); got {pc!r}")

    def score(k, percentile):
        try:
            return _kmer_kld(attr, x, k, percentile, extend, correct)
        except ValueError:  # no attributed segment of length >= k in any sequence
            return np.nan

    return pd.DataFrame(
        [[score(k, pc) for pc in percentiles] for k in ks],
        index=pd.Index(ks, name="k"),
        columns=pd.Index(percentiles, name="percentile"),
    )


def kmer_kld_report(details: dict) -> str:
    """One line per model on its k-mer KLD, as text.

    How many attributed k-mers ``kmer_kld`` counted, from how many
    sequences, how many distinct, and the score.

    Parameters
    ----------
    details : dict
        Model name -> ``KmerDetails`` (``kmer_kld(..., return_details=True)``).

    Returns
    -------
    str
        Lines such as ``"relu   1,234 attributed 6-mers from 38 sequences, 274 distinct of
        4,096;  KL(p || q) = 2.357 nats"`` (names padded to 17 characters).

    Raises
    ------
    ValueError
        If ``details`` is empty.
    """
    if not details:
        raise ValueError("details is empty: give at least one model")
    lines = []
    for name, d in details.items():
        n_seq = int((kmers_per_sequence(d.segments, d.k) > 0).sum())
        lines.append(
            f"{name:<17} {int(d.counts.sum()):>8,} attributed {d.k}-mers from {n_seq:,} "
            f"sequences, {int((d.p > 0).sum()):,} distinct of {4**d.k:,};  KL(p || q) = "
            f"{d.score:.3f} nats"
        )
    return "\n".join(lines)


def top_kmer_hits_report(tables: dict, null_scores, percentile: float = 99) -> str:
    """How many top k-mers match a planted motif, per model, as text.

    Per table of ``top_kmer_table``: how many of its k-mers match a motif better than
    ``percentile`` % of all k-mers do, and which motifs they match.

    Parameters
    ----------
    tables : dict
        Model name -> ``top_kmer_table`` result.
    null_scores : array_like
        Best-match log-odds of all k-mers (as passed to ``top_kmer_table``); the cut is their
        ``percentile`` (linear interpolation).
    percentile : float
        In [0, 100].

    Returns
    -------
    str
        One line per model: the number of its k-mers with log-odds strictly above the cut,
        and the names of their best motifs (strand dropped, sorted), or "none".

    Raises
    ------
    ValueError
        If ``tables`` is empty or ``percentile`` is outside [0, 100].
    """
    if not tables:
        raise ValueError("tables is empty: give at least one table")
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile must be in [0, 100]; got {percentile!r}")
    cut = np.percentile(np.asarray(null_scores, dtype=np.float64), percentile)
    lines = []
    for name, table in tables.items():
        k = len(table.index[0]) if len(table) else 0
        hits = table[table["log-odds (bits)"] > cut]
        motifs_hit = sorted({m.split("(")[0] for m in hits["best motif"]})  # no strand
        lines.append(
            f"{name}: {len(hits)} of its top {len(table)} {k}-mers score above the "
            f"{percentile:g}th percentile of all {k}-mers ({cut:.1f} bits); motifs "
            f"represented: {', '.join(motifs_hit) or 'none'}"
        )
    return "\n".join(lines)


def ranked_mass_report(distributions: dict, tops=(10, 100)) -> str:
    """One line per distribution: the share of its mass held by its most probable k-mers.

    Parameters
    ----------
    distributions : dict
        Label -> probability vector (``KmerDetails.p`` or ``.q``), summing to 1.
    tops : pair of int
        The two numbers of most probable k-mers to report.

    Returns
    -------
    str
        Lines such as ``"relu   top 10 k-mers hold   6.7% of the mass, top 100 hold  38.5%"``
        (labels padded to 17 characters).

    Raises
    ------
    ValueError
        If ``distributions`` is empty or ``tops`` is not two positive integers.
    """
    if not distributions:
        raise ValueError("distributions is empty")
    tops = tuple(tops)
    if len(tops) != 2 or any(int(t) != t or t < 1 for t in tops):
        raise ValueError(f"tops must be two positive integers; got {tops!r}")
    a, b = (int(t) for t in tops)
    lines = []
    for label, dist in distributions.items():
        ranked = np.sort(np.asarray(dist, dtype=np.float64).reshape(-1))[::-1]
        lines.append(
            f"{label:<17} top {a} k-mers hold {ranked[:a].sum():6.1%} of the mass, top {b} "
            f"hold {ranked[:b].sum():6.1%}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# helpers of chapter 6 (k-attr-mean KLD)
# --------------------------------------------------------------------------------------------


def angle_between(u, v) -> np.ndarray:
    """The angle, in degrees, between corresponding rows of ``u`` and ``v``.

    Parameters
    ----------
    u, v : array_like, shape (M, D)
        Non-zero vectors.

    Returns
    -------
    numpy.ndarray, shape (M,)
        Angles in [0, 180] (the cosine is clipped to [-1, 1] against round-off).

    Raises
    ------
    ValueError
        If ``u`` and ``v`` are not 2-D arrays of the same shape, or a row is zero.
    """
    u = validate_input(u, "u", shape=("M", "D"), dtype=np.float64, allow_empty=True)
    v = validate_input(v, "v", shape=u.shape, dtype=np.float64, allow_empty=True)
    nu, nv = np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1)
    if (nu == 0).any() or (nv == 0).any():
        raise ValueError("the angle of a zero vector is undefined")
    cos = (u * v).sum(1) / nu / nv
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def angular_peaks(details: KattrDetails, size: int = 5):
    """The local maxima of ``kattr_mean_kld``'s angular density ``p``, densest first.

    A peak is a non-empty bin that holds the maximum of the ``size`` x ``size`` bins around it
    (with the boundaries of the prior's smoothing: periodic in phi, mirrored in theta;
    METHODS.md section 8, step 7). Ties in mass keep the bins' row-major order.

    Parameters
    ----------
    details : KattrDetails
        ``kattr_mean_kld(..., return_details=True)``.
    size : int
        The neighbourhood, in bins (the boxcar's footprint, ``smooth_width / bin_width``).

    Returns
    -------
    pandas.DataFrame
        One row per peak, with columns ``theta_bin`` and ``phi_bin`` (indices into ``p``),
        ``theta`` and ``phi`` (the bin's centre, radians), ``p`` (its mass) and ``A``, ``C``,
        ``G``, ``T``: the unit vector at the bin's centre written back in the four channels
        (``SIMPLEX_BASIS.T @ u``; positive entries are the nucleotides the direction favours).

    Raises
    ------
    ValueError
        If ``size`` is not a positive integer.
    """
    import pandas as pd
    from scipy import ndimage

    if int(size) != size or size < 1:
        raise ValueError(f"size must be a positive integer; got {size!r}")
    p = details.p
    local_max = ndimage.maximum_filter(p, size=int(size), mode=("reflect", "wrap"))
    peak = (p > 0) & (p == local_max)
    order = np.argsort(-np.where(peak, p, 0), axis=None, kind="stable")[
        : int(peak.sum())
    ]
    rows = []
    for t, f in (np.unravel_index(k, p.shape) for k in order):
        th = (details.theta_edges[t] + details.theta_edges[t + 1]) / 2
        ph = (details.phi_edges[f] + details.phi_edges[f + 1]) / 2
        direction = SIMPLEX_BASIS.T @ np.array(
            [np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)]
        )
        rows.append(
            {
                "theta_bin": int(t),
                "phi_bin": int(f),
                "theta": th,
                "phi": ph,
                "p": p[t, f],
                **dict(zip("ACGT", direction)),
            }
        )
    columns = ["theta_bin", "phi_bin", "theta", "phi", "p", "A", "C", "G", "T"]
    return pd.DataFrame(rows, columns=columns)


def strongest_windows(
    details: KattrDetails, points, n: int = 4
) -> list[tuple[int, int]]:
    """The windows of the strongest of the given kept points, at most one per sequence.

    Parameters
    ----------
    details : KattrDetails
        ``kattr_mean_kld(..., return_details=True)``.
    points : array_like of int, shape (K,)
        Indices of kept points (rows of ``details.points``), e.g. the members of one bin.
    n : int
        The largest number of windows returned.

    Returns
    -------
    list of (int, int)
        ``(sequence, position)`` of the windows: the point of largest weight ``r^2`` of each
        sequence, those sequences in order of decreasing weight (ties: the order of
        ``points``), the first ``n``.

    Raises
    ------
    ValueError
        If an index is not a kept point, or ``n`` is not a positive integer.
    """
    points = validate_input(
        points, "points", shape=("K",), dtype=np.int64, allow_empty=True
    )
    if points.size and not (0 <= points.min() and points.max() < len(details.weight)):
        raise ValueError(f"points must index the {len(details.weight)} kept points")
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    order = points[np.argsort(-details.weight[points], kind="stable")]
    _, first = np.unique(details.sequence[order], return_index=True)
    shown = order[np.sort(first)][: int(n)]
    return [(int(details.sequence[k]), int(details.position[k])) for k in shown]


def kattr_mean_kld_by_window(maps: dict, windows, **options):
    """``kattr_mean_kld`` (METHODS.md section 8) of several sets of maps at several windows.

    Parameters
    ----------
    maps : dict
        Name -> attribution maps, array_like of shape (N, L, 4).
    windows : sequence of int
        The windows k, each at most L.
    **options
        Passed to ``kattr_mean_kld`` (``percentile``, ``bin_width``, ``smooth_width``,
        ``correct``).

    Returns
    -------
    pandas.DataFrame
        The score (nats), one row per name (in the order of ``maps``), one column per window.

    Raises
    ------
    ValueError
        If ``maps`` or ``windows`` is empty, or from ``kattr_mean_kld``.
    """
    import pandas as pd

    windows = list(windows)
    if not maps or not windows:
        raise ValueError("give at least one set of maps and one window")
    return pd.DataFrame(
        {
            k: {
                name: kattr_mean_kld(attr, window=k, **options)
                for name, attr in maps.items()
            }
            for k in windows
        }
    )


def linear_distortion(points, matrix, n_pairs: int = 20_000, seed: int = 0):
    """How a linear map changes the lengths of vectors and the angles between them.

    Chapter 6 measures what the reference code's non-orthonormal basis does to the local
    means: ``matrix`` takes the book's coordinates to the reference coordinates.

    Parameters
    ----------
    points : array_like, shape (M, D)
        Non-zero vectors (e.g. ``KattrDetails.points``), M >= 1.
    matrix : array_like, shape (D, D)
        The linear map, applied as ``points @ matrix.T``.
    n_pairs : int
        Random pairs of points (drawn with replacement) whose angle is compared.
    seed : int
        Seed of ``numpy.random.default_rng`` for the pairs.

    Returns
    -------
    ratio : numpy.ndarray, shape (M,)
        Length after the map over length before, per point.
    change : numpy.ndarray, shape (n_pairs,)
        Absolute change of the angle (degrees) between the two points of each pair.

    Raises
    ------
    ValueError
        If the shapes do not match, a point is zero, or ``n_pairs`` is not a positive integer.
    """
    points = validate_input(points, "points", shape=("M", "D"), dtype=np.float64)
    d = points.shape[1]
    matrix = validate_input(matrix, "matrix", shape=(d, d), dtype=np.float64)
    if int(n_pairs) != n_pairs or n_pairs < 1:
        raise ValueError(f"n_pairs must be a positive integer; got {n_pairs!r}")
    mapped = points @ matrix.T
    ratio = np.linalg.norm(mapped, axis=1) / np.linalg.norm(points, axis=1)
    pairs = np.random.default_rng(seed).integers(0, len(points), size=(int(n_pairs), 2))
    i, j = pairs.T
    change = np.abs(
        angle_between(mapped[i], mapped[j]) - angle_between(points[i], points[j])
    )
    return ratio, change


def kept_motif_report(details: dict, in_motif: dict, pwm, window: int) -> str:
    """How many of each model's kept local means lie on planted motifs, as text.

    Counts the kept local means that come from windows on the planted motifs,
    against the share of all windows that touch a motif.

    Parameters
    ----------
    details : dict
        Model name -> ``KattrDetails``.
    in_motif : dict
        Model name -> bool array, one per kept point: does its window overlap a motif
        position (``data.window_overlaps_motif``)?
    pwm : array_like, shape (N, L, 4)
        The ground-truth PWMs of the scored sequences (``Split.pwm``).
    window : int
        The local-mean window.

    Returns
    -------
    str
        One line per model (the share of its kept points, and of their r^2 weight, on a
        motif; names padded to 18 characters), then the share of all windows of ``window``
        positions that hold a motif position (``data.motif_mask``).

    Raises
    ------
    ValueError
        If ``details`` is empty, a model lacks ``in_motif`` or its length differs, or
        ``window`` does not fit the sequences.
    """
    from .data import motif_mask

    if not details or set(details) - set(in_motif):
        raise ValueError("details must be non-empty, with in_motif for every model")
    pwm = validate_input(pwm, "pwm", shape=("N", "L", 4))
    if int(window) != window or not 1 <= window <= pwm.shape[1]:
        raise ValueError(f"window must be an integer in [1, {pwm.shape[1]}]")
    lines = []
    for label, det in details.items():
        motif = np.asarray(in_motif[label], dtype=bool)
        if motif.shape != det.weight.shape:
            raise ValueError(f"in_motif[{label!r}] must hold one value per kept point")
        lines.append(
            f"{label:<18} kept points overlapping a motif: {motif.mean():.1%} "
            f"({(det.weight * motif).sum() / det.weight.sum():.1%} of the r^2 weight)"
        )
    cum = np.concatenate(
        [np.zeros((len(pwm), 1)), np.cumsum(motif_mask(pwm), axis=1)], axis=1
    )
    share = np.mean(cum[:, window:] - cum[:, :-window] > 0)
    lines.append(
        f"for comparison, share of all windows that overlap a motif position: {share:.1%}"
    )
    return "\n".join(lines)


def kattr_mean_kld_report(details: dict, top: int = 10) -> str:
    """One line per model: its k-attr-mean KLD and how concentrated its angular density is.

    Parameters
    ----------
    details : dict
        Model name -> ``KattrDetails`` (``kattr_mean_kld(..., return_details=True)``).
    top : int
        The number of densest bins whose share of ``p`` is reported.

    Returns
    -------
    str
        Lines such as ``"relu   score 1.034 nats; the 10 densest of 2016 bins hold 5.2% of p;
        614 bins are non-empty"`` (names padded to 18 characters).

    Raises
    ------
    ValueError
        If ``details`` is empty or ``top`` is not a positive integer.
    """
    if not details:
        raise ValueError("details is empty: give at least one model")
    if int(top) != top or top < 1:
        raise ValueError(f"top must be a positive integer; got {top!r}")
    lines = []
    for label, det in details.items():
        densest = np.sort(det.p, axis=None)[::-1][: int(top)].sum()
        lines.append(
            f"{label:<18} score {det.score:.3f} nats; the {int(top)} densest of "
            f"{det.p.size} bins hold {densest:.1%} of p; {(det.p > 0).sum()} bins are "
            "non-empty"
        )
    return "\n".join(lines)


def angular_peaks_report(details: KattrDetails, peaks, members, overlaps) -> str:
    """The peaks of ``angular_peaks`` described in words, as text.

    Three lines per peak: where it is, its mass and points, the
    direction it stands for, and the planted motifs its points' windows overlap.

    Parameters
    ----------
    details : KattrDetails
        ``kattr_mean_kld(..., return_details=True)``.
    peaks : pandas.DataFrame
        Rows of ``angular_peaks`` to report, ranked 1, 2, ... in order.
    members : sequence of int arrays
        For each peak, the indices of the kept points in its bin.
    overlaps : sequence of sequences of str
        For each peak, what each member's window overlaps (``data.planted_overlap``: a motif
        label or ``"none"``).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``peaks``, ``members`` and ``overlaps`` differ in length, or a peak's overlaps do
        not match its members.
    """
    import pandas as pd

    if not len(peaks) == len(members) == len(overlaps):
        raise ValueError("peaks, members and overlaps must have the same length")
    lines = []
    for rank, (peak, m, labels) in enumerate(
        zip(peaks.itertuples(), members, overlaps), start=1
    ):
        m = np.asarray(m, dtype=np.int64)
        if len(labels) != len(m):
            raise ValueError(
                f"peak {rank}: {len(labels)} overlaps for {len(m)} members"
            )
        lines.append(
            f"peak {rank}: theta {peak.theta:.2f}, phi {peak.phi:+.2f}, p = {peak.p:.4f}, "
            f"{len(m)} points from {np.unique(details.sequence[m]).size} sequences"
        )
        direction = ", ".join(f"{b} {getattr(peak, b):+.2f}" for b in "ACGT")
        lines.append(f"   direction: {direction}")
        counts = pd.Series(labels).value_counts().items()
        shares = ", ".join(f"{name} {n} ({n / len(m):.0%})" for name, n in counts)
        lines.append(f"   windows overlap: {shares}")
    return "\n".join(lines)
