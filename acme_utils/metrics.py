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
