"""From attribution maps to motifs: TF-MoDISco patterns matched to JASPAR with TomTom.

What a scientist does with attribution maps when there is no ground truth: collect the
high-attribution subsequences (*seqlets*) of many maps, cluster them into patterns
(TF-MoDISco, Shrikumar et al. 2018, as ``modisco-lite``), and look the patterns up in a motif
database (TomTom, Gupta et al. 2007, as ``memelite``'s ``tomtom``) -- here JASPAR 2018 CORE
vertebrates, the release the synthetic dataset's motifs come from (METHODS.md section 1). On the
synthetic data the planted motifs are known, so the outcome can be scored:

- ``jaspar_database``: the 579 JASPAR 2018 CORE vertebrate matrices shipped with ``pyjaspar``;
- ``tomtom`` and ``benjamini_hochberg``: TomTom p-values of query PWMs against the database and
  Benjamini-Hochberg q-values over the database, per query;
- ``discover_patterns``: TF-MoDISco on ``(N, L, 4)`` maps and their one-hot sequences, with the
  settings of modisco-lite's own ``modisco motifs`` command (``MODISCO_SETTINGS``);
- ``match_patterns``: every pattern (its PPM, trimmed where its contribution is low) against
  the database; which of the 5 core motifs were found, and the false discoveries;
- ``recover_motifs``: all of it for one trained model, on the gradient-corrected saliency maps
  (METHODS.md sections 4-5) of the positive test sequences, cached on disk;
- ``recover_grid``: one row per model of the committed study grid (``sweep``), and the command
  ``python -m acme_utils.motifs recover`` that writes ``results/motif_recovery.csv``.

Definitions (chapter 10): a core motif is *found* when some pattern matches it, in either
orientation, at TomTom q-value <= ``MOTIF_Q_THRESHOLD`` (q-values over the database, per
pattern); a *false discovery* is a pattern that matches no core motif at that threshold.
TF-MoDISco needs contribution scores of both signs (its null distribution of window scores is
fitted to the negative ones too), so maps that are never negative at the observed bases, such
as ``x * mask``, are refused with a ``ValueError``.

Only ``recover_motifs``, ``recover_grid`` and the command import TensorFlow.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cache import atomic_directory, cache_key, read_json, resolve_cache_dir, write_json
from .data import CORE_MOTIFS, SyntheticDataset, _jaspar_matrix
from .terminal import note_interrupt, progress
from .validation import check_map, check_one_hot, validate_input

log = logging.getLogger("acme_utils.motifs")  # also when run as __main__

__all__ = [
    "MOTIF_Q_THRESHOLD",
    "JASPAR_RELEASE",
    "MODISCO_SETTINGS",
    "TRIM_THRESHOLD",
    "RESULTS_NAME",
    "jaspar_database",
    "benjamini_hochberg",
    "tomtom",
    "Pattern",
    "discover_patterns",
    "MotifRecovery",
    "match_patterns",
    "recover_motifs",
    "recover_grid",
    "main",
]


#: A core motif counts as found (and a pattern as matching it) at TomTom q <= this.
MOTIF_Q_THRESHOLD = 0.05
#: The JASPAR release of the dataset's motifs (METHODS.md section 1), shipped with pyjaspar.
JASPAR_RELEASE = "JASPAR2018"
#: TF-MoDISco's settings: those of modisco-lite's ``modisco motifs`` command (its defaults:
#: ``-z 20 -f 5 -t 30 -g 10 -j 0 -l 2`` and ``target_seqlet_fdr=0.05``); the command requires
#: ``-n``, for which its README uses 2000. The command's ``-w 400`` (a window around the peak
#: centre) has no counterpart: the whole 200-nt sequences are used.
MODISCO_SETTINGS = {
    "sliding_window_size": 20,
    "flank_size": 5,
    "trim_to_window_size": 30,
    "initial_flank_to_add": 10,
    "final_flank_to_add": 0,
    "target_seqlet_fdr": 0.05,
    "n_leiden_runs": 2,
    "max_seqlets_per_metacluster": 2000,
}
#: A pattern is trimmed to the span whose summed |contribution| is at least this fraction of its
#: maximum before it is matched (modisco-lite's report does the same, with 0.3).
TRIM_THRESHOLD = 0.3
#: The committed table of ``python -m acme_utils.motifs recover`` (``sweep.RESULTS_DIR``).
RESULTS_NAME = "motif_recovery"


# ---------------------------------------------------------------------------------------------
# The motif database and TomTom


@functools.lru_cache(maxsize=4)
def _jaspar_collection(release: str, collection: str, tax_group: str) -> tuple:
    from pyjaspar import jaspardb

    motifs = jaspardb(release=release).fetch_motifs(
        collection=collection, tax_group=[tax_group]
    )
    out = []
    for motif in motifs:
        pwm = _jaspar_matrix(motif)
        pwm.setflags(write=False)
        out.append((f"{motif.matrix_id} {motif.name}", pwm))
    return tuple(out)


def jaspar_database(
    release: str = JASPAR_RELEASE,
    collection: str = "CORE",
    tax_group: str = "vertebrates",
) -> dict:
    """The JASPAR matrices of one collection and taxon, as PWMs; nothing is downloaded.

    The latest version of each matrix in the release bundled with ``pyjaspar`` (579 matrices
    for JASPAR 2018 CORE vertebrates), read once per process.

    Parameters
    ----------
    release : str, default "JASPAR2018"
        The JASPAR release (``JASPAR_RELEASE``, the dataset's).
    collection : str, default "CORE"
        The JASPAR collection.
    tax_group : str, default "vertebrates"
        The taxonomic group.

    Returns
    -------
    dict
        ``"<matrix ID> <name>"`` (e.g. ``"MA0079.3 SP1"``) -> read-only ``(length, 4)`` float64
        PWM (channels A, C, G, T; rows sum to 1), in JASPAR's order.

    Raises
    ------
    ValueError
        If the release, collection and taxon hold no matrix.
    """
    motifs = dict(_jaspar_collection(release, collection, tax_group))
    if not motifs:
        raise ValueError(
            f"pyjaspar has no {collection} {tax_group} matrices in {release}"
        )
    return motifs


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg q-values (adjusted p-values) of a family of p-values.

    ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` for the p-values sorted increasingly,
    ``m`` of them; returned in the order of ``p_values``.

    Parameters
    ----------
    p_values : array_like, shape (m,)
        P-values in [0, 1], m >= 1.

    Returns
    -------
    numpy.ndarray, shape (m,), float64
        The q-values, each at least its p-value and at most 1.

    Raises
    ------
    ValueError
        If ``p_values`` is not a non-empty finite 1-D array of values in [0, 1].
    """
    p = validate_input(p_values, "p_values", shape=("m",), dtype=np.float64)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p_values must lie in [0, 1]")
    return _benjamini_hochberg(p)


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    out = np.empty(m)
    out[order] = q
    return out


def _check_pwm_list(pwms, name: str) -> list[np.ndarray]:
    if isinstance(pwms, np.ndarray) and pwms.ndim == 2:
        pwms = [pwms]
    pwms = list(pwms)
    if not pwms:
        raise ValueError(f"{name} is empty: give at least one (W, 4) matrix")
    return [
        validate_input(p, f"{name}[{i}]", shape=("W", 4), dtype=np.float64)
        for i, p in enumerate(pwms)
    ]


def _check_database(database) -> tuple[list[str], list[np.ndarray]]:
    if not isinstance(database, dict) or not database:
        raise ValueError(
            "database must be a non-empty dict of name -> (length, 4) PWM "
            "(jaspar_database())"
        )
    names = [str(n) for n in database]
    return names, _check_pwm_list(list(database.values()), "database")


def tomtom(query_pwms, database: dict | None = None, n_best: int | None = None):
    """TomTom p-values of query PWMs against a motif database, with q-values per query.

    ``memelite.tomtom`` (Gupta et al. 2007's complete-score TomTom) compares every query with
    every database matrix in both orientations and gives the p-value of the best alignment;
    the q-values are Benjamini-Hochberg over the database, separately for each query (as
    MEME's tomtom reports them).

    Parameters
    ----------
    query_pwms : list of array_like, shape (W, 4)
        Query matrices (e.g. the trimmed PPMs of TF-MoDISco patterns), channels A, C, G, T;
        a single ``(W, 4)`` array is one query.
    database : dict, optional
        Name -> ``(length, 4)`` PWM; default :func:`jaspar_database`.
    n_best : int, optional
        Keep the ``n_best`` best matches of each query; default all.

    Returns
    -------
    pandas.DataFrame
        One row per (query, database matrix), sorted by query, then p-value: ``query`` (index
        into ``query_pwms``), ``rank`` (1 for the best match), ``motif`` (database name),
        ``p_value``, ``q_value``, ``offset`` and ``overlap`` of the best alignment, and
        ``strand`` (``"+"``: the matrix as stored, ``"-"``: its reverse complement).

    Raises
    ------
    ValueError
        If a query or database matrix is not a finite ``(W, 4)`` array, the database is empty,
        or ``n_best`` is not a positive integer.
    """
    queries = _check_pwm_list(query_pwms, "query_pwms")
    names, targets = _check_database(
        jaspar_database() if database is None else database
    )
    if n_best is not None and (int(n_best) != n_best or n_best < 1):
        raise ValueError(f"n_best must be a positive integer or None; got {n_best!r}")
    return _tomtom(queries, names, targets, n_best)


def _tomtom(queries, names, targets, n_best=None) -> pd.DataFrame:
    from memelite import tomtom as memelite_tomtom

    p, _, offsets, overlaps, strands = memelite_tomtom(
        [np.ascontiguousarray(q.T) for q in queries],
        [np.ascontiguousarray(t.T) for t in targets],
    )
    frames = []
    for i in range(len(queries)):
        order = np.argsort(p[i], kind="stable")[:n_best]
        frames.append(
            pd.DataFrame(
                {
                    "query": i,
                    "rank": np.arange(1, order.size + 1),
                    "motif": np.asarray(names, dtype=object)[order],
                    "p_value": p[i, order],
                    "q_value": _benjamini_hochberg(p[i])[order],
                    "offset": offsets[i, order].astype(int),
                    "overlap": overlaps[i, order].astype(int),
                    "strand": np.where(strands[i, order] > 0, "-", "+"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# TF-MoDISco


@dataclass(frozen=True, eq=False)
class Pattern:
    """One TF-MoDISco pattern: its seqlets aligned and averaged.

    Attributes
    ----------
    ppm : numpy.ndarray, shape (W, 4)
        Position probability matrix: the mean one-hot sequence of the seqlets.
    cwm : numpy.ndarray, shape (W, 4)
        Contribution weight matrix: the mean contribution (map times one-hot) of the seqlets.
    hcwm : numpy.ndarray, shape (W, 4)
        The mean hypothetical contribution (the map itself) of the seqlets.
    n_seqlets : int
        Seqlets in the pattern.
    sign : int
        +1 for a pattern of positive contributions, -1 for negative ones (TF-MoDISco's two
        metaclusters).
    """

    ppm: np.ndarray = field(repr=False)
    cwm: np.ndarray = field(repr=False)
    hcwm: np.ndarray = field(repr=False)
    n_seqlets: int
    sign: int

    def trim_window(self, threshold: float = TRIM_THRESHOLD) -> tuple[int, int]:
        """The span ``[start, end)`` whose summed |contribution| reaches ``threshold`` × its max.

        Parameters
        ----------
        threshold : float, default TRIM_THRESHOLD
            Fraction of the largest per-position sum of ``|cwm|``, in [0, 1].

        Returns
        -------
        tuple of int
            ``(start, end)``: from the first to the last position at or above the cut.
        """
        score = np.abs(self.cwm).sum(axis=1)
        keep = np.flatnonzero(score >= threshold * score.max())
        return int(keep.min()), int(keep.max()) + 1

    def trimmed(self, threshold: float = TRIM_THRESHOLD) -> np.ndarray:
        """The PPM cut to :meth:`trim_window`: what is matched against the database.

        Parameters
        ----------
        threshold : float, default TRIM_THRESHOLD
            As for :meth:`trim_window`.

        Returns
        -------
        numpy.ndarray, shape (W', 4)
            The trimmed position probability matrix.
        """
        start, end = self.trim_window(threshold)
        return self.ppm[start:end]


def _check_settings(settings) -> dict:
    unknown = set(settings or {}) - set(MODISCO_SETTINGS)
    if unknown:
        raise ValueError(
            f"unknown TF-MoDISco settings {sorted(unknown)}; known: {sorted(MODISCO_SETTINGS)}"
        )
    return {**MODISCO_SETTINGS, **(settings or {})}


def discover_patterns(maps, x, settings: dict | None = None) -> list[Pattern]:
    """TF-MoDISco patterns of attribution maps (modisco-lite), positive ones first.

    ``maps`` are *hypothetical* contributions (one value per channel, such as saliency maps);
    TF-MoDISco multiplies them by the one-hot sequences to get the contributions, finds seqlets
    (windows of high total contribution, at a target FDR against a Laplace null fitted to the
    contribution scores of both signs), clusters them and aggregates each cluster into a
    pattern.

    Parameters
    ----------
    maps : array_like, shape (N, L, 4)
        Attribution maps, finite, with some negative contribution at the observed bases (e.g.
        gradient-corrected saliency maps).
    x : array_like, shape (N, L, 4)
        The one-hot sequences of the maps.
    settings : dict, optional
        Overrides of ``MODISCO_SETTINGS`` (arguments of ``modiscolite.tfmodisco.TFMoDISco``).

    Returns
    -------
    list of Pattern
        The patterns of positive contributions, most seqlets first, then the negative ones;
        empty when seqlets were found but none formed a pattern.

    Raises
    ------
    ValueError
        If ``maps`` or ``x`` is not a finite ``(N, L, 4)`` array (``x`` one-hot), their shapes
        differ, the sequences are shorter than a seqlet, a setting is unknown, the maps have
        no negative contribution (TF-MoDISco's null distribution cannot be fitted), or the maps
        yield too few seqlets of either sign to form a pattern.
    """
    x = check_one_hot(x)
    maps = check_map(maps, "maps")
    if maps.shape != x.shape:
        raise ValueError(
            f"maps and x must have the same shape; got {maps.shape} and {x.shape}"
        )
    settings = _check_settings(settings)
    seqlet = settings["sliding_window_size"] + 2 * settings["flank_size"]
    if x.shape[1] <= seqlet:
        raise ValueError(
            f"sequences of length {x.shape[1]} are too short for seqlets of {seqlet} nt"
        )
    contrib = (maps * x).sum(axis=-1)
    if not (contrib < 0).any():
        raise ValueError(
            "the maps have no negative contribution at the observed bases (maps times "
            "one-hot sequences are >= 0 everywhere, as for x * mask maps): TF-MoDISco fits "
            "its null distribution of window scores to both signs and cannot run on them. "
            "Use centred maps, such as gradient-corrected saliency maps, or PWM - 0.25 at the "
            "motif positions"
        )
    return _discover_patterns(maps.astype(np.float32), x, settings)


def _discover_patterns(maps: np.ndarray, x: np.ndarray, settings: dict) -> list:
    from modiscolite.tfmodisco import TFMoDISco

    pos, neg = TFMoDISco(
        one_hot=x.astype(np.float32),
        hypothetical_contribs=maps,
        verbose=False,
        **settings,
    )
    if pos is None and neg is None:
        raise ValueError(
            f"the maps of these {len(x)} sequences yield no seqlets: TF-MoDISco needs more "
            "than 100 seqlets of one sign to form patterns (min_metacluster_size); give "
            "more sequences or maps with more signal"
        )
    patterns = []
    for sign, found in ((1, pos), (-1, neg)):
        for p in sorted(found or [], key=lambda p: -len(p.seqlets)):
            patterns.append(
                Pattern(
                    np.asarray(p.sequence, dtype=np.float64),
                    np.asarray(p.contrib_scores, dtype=np.float64),
                    np.asarray(p.hypothetical_contribs, dtype=np.float64),
                    len(p.seqlets),
                    sign,
                )
            )
    return patterns


# ---------------------------------------------------------------------------------------------
# Matching patterns to the database, and scoring the recovery


@dataclass(frozen=True, eq=False)
class MotifRecovery:
    """Patterns discovered in a model's maps, matched to the database, scored against the truth.

    Attributes
    ----------
    patterns : list of Pattern
        The TF-MoDISco patterns (:func:`discover_patterns`).
    matches : pandas.DataFrame
        One row per pattern: ``pattern`` (index), ``sign``, ``n_seqlets``, ``start`` and ``end``
        (the trimmed window), its best database match ``best_match``, ``best_p``, ``best_q``,
        ``best_strand``, ``best_offset``; ``core_match`` (the core motif it matches best at
        q <= ``threshold``, or empty), ``core_q`` (its best q-value against any core motif)
        and ``false_discovery`` (matches no core motif).
    core : pandas.DataFrame
        Indexed by core motif name: ``jaspar_id``, ``motif`` (database name), ``best_q`` over
        all patterns (1.0 without patterns), ``best_pattern`` (-1 if none) and ``found``.
    threshold : float
        The q-value threshold.
    info : dict
        What was recovered from: ``model``, ``model_key``, ``method``, ``n_sequences``,
        ``seconds`` (empty for :func:`match_patterns` alone).
    """

    patterns: list
    matches: pd.DataFrame
    core: pd.DataFrame
    threshold: float
    info: dict = field(default_factory=dict)

    @property
    def found(self) -> tuple:
        """The names of the core motifs found, in the order of ``core``."""
        return tuple(self.core.index[self.core["found"].to_numpy(dtype=bool)])

    @property
    def n_found(self) -> int:
        """How many core motifs were found."""
        return len(self.found)

    @property
    def n_false(self) -> int:
        """How many patterns are false discoveries (match no core motif)."""
        return int(self.matches["false_discovery"].sum())

    @property
    def best_q(self) -> dict:
        """Core motif name -> its best q-value over all patterns."""
        return {k: float(v) for k, v in self.core["best_q"].items()}

    def summary(self) -> dict:
        """The recovery as one flat row.

        Returns
        -------
        dict
            ``n_patterns``, ``n_core_found``, ``n_false``, ``core_found`` (names, comma
            separated), ``q_<name>`` per core motif and ``mean_neg_log10_q`` (mean over the
            core motifs of -log10 of the best q, q floored at 1e-300).
        """
        q = self.core["best_q"].to_numpy(dtype=float)
        return {
            "n_patterns": len(self.patterns),
            "n_core_found": self.n_found,
            "n_false": self.n_false,
            "core_found": ", ".join(self.found),
            **{f"q_{k}": v for k, v in self.best_q.items()},
            "mean_neg_log10_q": float(np.mean(-np.log10(np.maximum(q, 1e-300)))),
        }


_MATCH_COLUMNS = [
    "pattern",
    "sign",
    "n_seqlets",
    "start",
    "end",
    "best_match",
    "best_p",
    "best_q",
    "best_strand",
    "best_offset",
    "core_match",
    "core_q",
    "false_discovery",
]


def _core_names(core_motifs, names) -> dict:
    """Core motif name -> its database name (by JASPAR matrix ID)."""
    by_id = {n.split()[0]: n for n in names}
    missing = [i for i in core_motifs.values() if i not in by_id]
    if missing:
        raise ValueError(f"core motifs {missing} are not in the database")
    return {name: by_id[i] for name, i in core_motifs.items()}


def match_patterns(
    patterns,
    database: dict | None = None,
    core_motifs: dict | None = None,
    threshold: float = MOTIF_Q_THRESHOLD,
    trim_threshold: float = TRIM_THRESHOLD,
) -> MotifRecovery:
    """Match every pattern to the database with TomTom and score the recovery of the core motifs.

    Each pattern's PPM, trimmed to where its contribution is high (:meth:`Pattern.trimmed`), is
    compared with every database matrix (:func:`tomtom`, q-values over the database). A core
    motif is *found* when some pattern matches it, in either orientation, at q <= ``threshold``;
    a *false discovery* is a pattern that matches no core motif at that threshold (whatever
    else it matches).

    Parameters
    ----------
    patterns : list of Pattern
        From :func:`discover_patterns` (may be empty).
    database : dict, optional
        Name -> PWM; default :func:`jaspar_database`. Names start with the JASPAR matrix ID.
    core_motifs : dict, optional
        Core motif name -> JASPAR matrix ID; default ``data.CORE_MOTIFS`` (the 5 planted ones).
    threshold : float, default MOTIF_Q_THRESHOLD
        The q-value threshold, in (0, 1].
    trim_threshold : float, default TRIM_THRESHOLD
        Trimming of the patterns (:meth:`Pattern.trim_window`).

    Returns
    -------
    MotifRecovery
        With an empty ``info``.

    Raises
    ------
    ValueError
        If a threshold is out of range, a core motif is not in the database, or a matrix is
        not a finite ``(W, 4)`` array.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1]; got {threshold!r}")
    if not 0 <= trim_threshold <= 1:
        raise ValueError(f"trim_threshold must be in [0, 1]; got {trim_threshold!r}")
    names, targets = _check_database(
        jaspar_database() if database is None else database
    )
    core = _core_names(dict(CORE_MOTIFS if core_motifs is None else core_motifs), names)
    patterns = list(patterns)
    core_q = np.ones((len(patterns), len(core)))
    rows = []
    if patterns:
        windows = [p.trim_window(trim_threshold) for p in patterns]
        hits = _tomtom(
            [p.ppm[a:b] for p, (a, b) in zip(patterns, windows)], names, targets
        )
        q_of = hits.set_index(["query", "motif"])["q_value"]
        for i, (p, (a, b)) in enumerate(zip(patterns, windows)):
            core_q[i] = [q_of[(i, m)] for m in core.values()]
            best = hits[hits["query"] == i].iloc[0]
            j = int(np.argmin(core_q[i]))
            matched = core_q[i, j] <= threshold
            rows.append(
                {
                    "pattern": i,
                    "sign": p.sign,
                    "n_seqlets": p.n_seqlets,
                    "start": a,
                    "end": b,
                    "best_match": best["motif"],
                    "best_p": float(best["p_value"]),
                    "best_q": float(best["q_value"]),
                    "best_strand": best["strand"],
                    "best_offset": int(best["offset"]),
                    "core_match": list(core)[j] if matched else "",
                    "core_q": float(core_q[i, j]),
                    "false_discovery": not matched,
                }
            )
    matches = pd.DataFrame(rows, columns=_MATCH_COLUMNS)
    best_q = core_q.min(axis=0) if patterns else np.ones(len(core))
    table = pd.DataFrame(
        {
            "jaspar_id": [m.split()[0] for m in core.values()],
            "motif": list(core.values()),
            "best_q": best_q,
            "best_pattern": core_q.argmin(axis=0) if patterns else -1,
            "found": best_q <= threshold,
        },
        index=pd.Index(list(core), name="core motif"),
    )
    return MotifRecovery(patterns, matches, table, float(threshold))


# ---------------------------------------------------------------------------------------------
# One trained model, cached; the study grid


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    out = {"acme_utils": __version__}
    for name in ("modisco-lite", "memelite", "pyjaspar"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _save(entry: Path, rec: MotifRecovery) -> None:
    arrays = {}
    for i, p in enumerate(rec.patterns):
        arrays.update({f"ppm_{i}": p.ppm, f"cwm_{i}": p.cwm, f"hcwm_{i}": p.hcwm})
    np.savez(entry / "patterns.npz", **arrays)
    rec.matches.to_csv(entry / "matches.csv", index=False)
    rec.core.to_csv(entry / "core.csv")
    write_json(
        entry / "meta.json",
        {
            "threshold": rec.threshold,
            "info": rec.info,
            "patterns": [[p.n_seqlets, p.sign] for p in rec.patterns],
        },
    )


def _load(entry: Path) -> MotifRecovery:
    meta = read_json(entry / "meta.json")
    with np.load(entry / "patterns.npz") as arrays:
        patterns = [
            Pattern(arrays[f"ppm_{i}"], arrays[f"cwm_{i}"], arrays[f"hcwm_{i}"], n, s)
            for i, (n, s) in enumerate(meta["patterns"])
        ]
    matches = pd.read_csv(
        entry / "matches.csv", keep_default_na=False, na_values=[]
    ).astype({"false_discovery": bool})
    core = pd.read_csv(entry / "core.csv", index_col=0).astype({"found": bool})
    return MotifRecovery(patterns, matches, core, meta["threshold"], meta["info"])


def recover_motifs(
    trained,
    data: SyntheticDataset,
    n_sequences: int | None = None,
    method: str = "saliency",
    settings: dict | None = None,
    threshold: float = MOTIF_Q_THRESHOLD,
    cache_dir=None,
    use_cache: bool = True,
    verbose: bool = True,
) -> MotifRecovery:
    """Discover motifs in a model's corrected maps and match them to JASPAR; cached on disk.

    The maps are those the model is scored on (``scorecard.score_model``): ``method`` maps of
    the positive test sequences (``scorecard.explained_positives``; ``attribution.explain``,
    itself cached), gradient-corrected (``attribution.correct_gradients``). Then
    :func:`discover_patterns` and :func:`match_patterns` against JASPAR 2018 CORE vertebrates
    and the dataset's core motifs. The result is stored under
    ``<cache_dir>/motifs/<key>/``, written atomically; the key covers the model's key, the
    method, the number of sequences, the settings, the threshold and the versions of
    acme_utils, modisco-lite, memelite and pyjaspar.

    Parameters
    ----------
    trained : training.TrainedModel
        The model (its ``model``, ``key`` and ``name`` are read).
    data : data.SyntheticDataset
        The dataset the model was trained on.
    n_sequences : int, optional
        The first ``n_sequences`` positive test sequences; default all.
    method : str, default "saliency"
        The attribution method (a key of ``attribution.METHODS``).
    settings : dict, optional
        Overrides of ``MODISCO_SETTINGS``.
    threshold : float, default MOTIF_Q_THRESHOLD
        The TomTom q-value threshold.
    cache_dir : str or os.PathLike, optional
        The cache (default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``).
    use_cache : bool, default True
        Load the result if it is cached, else compute and store it; False computes it afresh
        and stores nothing.
    verbose : bool, default True
        Log a line when the result is loaded or computed.

    Returns
    -------
    MotifRecovery
        With ``info``: ``model``, ``model_key``, ``method``, ``n_sequences``, ``seconds``
        (of the computation, when it was made) and ``versions``.

    Raises
    ------
    ValueError
        If ``data`` is not a ``SyntheticDataset``, ``method`` or ``n_sequences`` is invalid,
        the sequences do not fit the model, or the maps yield no seqlets
        (:func:`discover_patterns`).
    """
    from . import attribution
    from .scorecard import explained_positives
    from .validation import check_model_input

    if not isinstance(data, SyntheticDataset):
        raise ValueError(
            f"data must be a data.SyntheticDataset; got {type(data).__name__}"
        )
    if method not in attribution.METHODS:
        raise ValueError(
            f"method must be one of {tuple(attribution.METHODS)}; got {method!r}"
        )
    settings = _check_settings(settings)
    pos = explained_positives(data, n_sequences)
    x = check_model_input(trained.model, pos.x, "positive test sequences")
    name = getattr(trained, "name", "model")
    versions = _versions()
    spec = {
        "model": trained.key,
        "method": method,
        "n_sequences": len(pos),
        "settings": settings,
        "trim_threshold": TRIM_THRESHOLD,
        "threshold": threshold,
        "database": [JASPAR_RELEASE, "CORE", "vertebrates"],
        "core": dict(CORE_MOTIFS),
        "versions": versions,
    }
    entry = resolve_cache_dir(cache_dir) / "motifs" / cache_key(spec)
    if use_cache and (entry / "meta.json").is_file():
        if verbose:
            log.info(f"motifs of {name}: loaded from the cache")
        return _load(entry)
    start = time.perf_counter()
    progress(f"motifs of {name}: TF-MoDISco on {len(pos):,} maps ...")
    with note_interrupt(f"finding motifs for {name}", resolve_cache_dir(cache_dir)):
        maps = attribution.explain(
            trained, x, method, cache_dir=cache_dir, verbose=False
        )
        maps = attribution.correct_gradients(maps)
        patterns = discover_patterns(maps, x, settings)
        rec = match_patterns(patterns, threshold=threshold)
    seconds = time.perf_counter() - start
    info = {
        "model": name,
        "model_key": trained.key,
        "method": method,
        "n_sequences": len(pos),
        "seconds": round(seconds, 1),
        "versions": versions,
    }
    rec = MotifRecovery(rec.patterns, rec.matches, rec.core, rec.threshold, info)
    progress(f"motifs of {name}: done in {seconds:.0f} s")
    if verbose:
        log.info(
            f"motifs of {name}: {len(patterns)} patterns, {rec.n_found} of "
            f"{len(rec.core)} core motifs found, {rec.n_false} false discoveries "
            f"({seconds:.0f} s)"
        )
    if use_cache:
        with atomic_directory(entry) as tmp:
            _save(tmp, rec)
    return rec


#: Columns of a results table ``recover_grid`` reads (``sweep.committed_results``).
_GRID_COLUMNS = (
    "model",
    "model_key",
    "regularizer",
    "activation",
    "batch_norm",
    "seed",
)
#: The table's scores copied into each recovery row (the criteria of chapter 10).
_CRITERIA = ("test_auroc", "passed_filter", "snr", "kmer_kld", "kattr_mean_kld")


def recover_grid(
    table: pd.DataFrame,
    data: SyntheticDataset,
    n_sequences: int | None = None,
    method: str = "saliency",
    epochs: int = 100,
    patience: int = 10,
    train: bool = False,
    settings: dict | None = None,
    threshold: float = MOTIF_Q_THRESHOLD,
    cache_dir=None,
    verbose: bool = True,
) -> pd.DataFrame:
    """:func:`recover_motifs` for every model of a sweep's results table, one row per model.

    Each row's model is taken from the cache or the pretrained zoo (``sweep.train_row``, which
    checks that it is the row's model); rows whose model is in neither are skipped and named in
    the log, unless ``train`` (then they are trained). A model whose maps yield no seqlets gets
    a row with nothing found and ``note`` saying so.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table (``sweep.committed_results``): ``model``, ``model_key``,
        ``regularizer``, ``activation``, ``batch_norm``, ``seed`` (and ``recipe``); its
        ``test_auroc``, ``passed_filter``, ``snr``, ``kmer_kld`` and ``kattr_mean_kld`` are
        copied when present.
    data : data.SyntheticDataset
        The dataset the table was made with.
    n_sequences : int, optional
        Positive test sequences per model; default all.
    method : str, default "saliency"
        The attribution method.
    epochs, patience : int
        The training settings the table was made with (they are part of the model keys).
    train : bool, default False
        Train the models that are neither cached nor in the zoo.
    settings : dict, optional
        Overrides of ``MODISCO_SETTINGS``.
    threshold : float, default MOTIF_Q_THRESHOLD
        The TomTom q-value threshold.
    cache_dir : str or os.PathLike, optional
        The cache of models, maps and recoveries.
    verbose : bool, default True
        Log each model's outcome.

    Returns
    -------
    pandas.DataFrame
        One row per recovered model, in the table's order: ``model``, ``model_key``,
        ``regularizer``, ``activation``, ``batch_norm``, ``seed``, ``method``,
        ``n_sequences``, the :meth:`MotifRecovery.summary` columns, ``seconds``, ``note`` and
        the copied scores. ``attrs["skipped"]`` lists the models skipped.

    Raises
    ------
    ValueError
        If ``table`` lacks a column above, or a row's model is not what its key says.
    """
    from . import sweep
    from .scorecard import explained_positives

    if not isinstance(table, pd.DataFrame):
        raise ValueError(
            f"table must be a pandas DataFrame; got {type(table).__name__}"
        )
    missing = [c for c in _GRID_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"the table lacks the columns {missing}")
    available = sweep.model_available(table["model_key"], cache_dir)
    skipped = [] if train else table.loc[~available, "model"].tolist()
    if skipped:
        log.info(
            f"{len(skipped)} of {len(table)} models are neither cached nor in the zoo; "
            f"skipped (train=True trains them): {', '.join(skipped)}"
        )
    todo = table if train else table[available]
    rows = []
    for k, (_, row) in enumerate(todo.iterrows(), 1):
        progress(f"motif recovery: model {k} of {len(todo)}, {row['model']}")
        trained = sweep.train_row(row, data, epochs, patience, cache_dir)
        out = {c: row[c] for c in _GRID_COLUMNS}
        out["method"] = method
        try:
            rec = recover_motifs(
                trained,
                data,
                n_sequences,
                method,
                settings,
                threshold,
                cache_dir,
                verbose=verbose,
            )
        except ValueError as err:
            if "no seqlets" not in str(err):
                raise
            log.info(f"{row['model']}: {err}")
            empty = match_patterns([], threshold=threshold)
            out.update(
                n_sequences=len(explained_positives(data, n_sequences)),
                **empty.summary(),
                seconds=float("nan"),
                note="no seqlets",
            )
        else:
            out.update(
                n_sequences=rec.info["n_sequences"],
                **rec.summary(),
                seconds=rec.info.get("seconds", float("nan")),
                note="",
            )
        out.update({c: row[c] for c in _CRITERIA if c in table.columns})
        rows.append(out)
    result = pd.DataFrame(rows)
    result.attrs["skipped"] = skipped
    return result


# ---------------------------------------------------------------------------------------------
# The command line


def main(argv=None) -> pd.DataFrame:
    """Command-line entry point: ``python -m acme_utils.motifs recover``.

    Runs :func:`recover_grid` on a committed results table and writes the recovery table
    (``--results``, default ``acme_utils/results/motif_recovery.csv``) with its provenance
    (``.json`` next to it: command, commit, package versions, machine, wall time, the models
    skipped).

    Parameters
    ----------
    argv : list of str, optional
        The arguments; None (default): ``sys.argv[1:]``.

    Returns
    -------
    pandas.DataFrame
        The recovery table.
    """
    import shlex
    import sys

    from . import sweep
    from .data import generate_dataset

    p = argparse.ArgumentParser(
        prog="python -m acme_utils.motifs",
        description="Motif recovery (TF-MoDISco + TomTom against JASPAR) of a sweep's models.",
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("recover", help="recover the motifs of every model of a grid")
    r.add_argument(
        "--results",
        default=str(sweep.RESULTS_DIR / f"{RESULTS_NAME}.csv"),
        help="the recovery table to write (its provenance goes next to it, as .json)",
    )
    r.add_argument(
        "--grid", default="study_grid", help="committed results table of the models"
    )
    r.add_argument(
        "--n-sequences",
        type=int,
        default=None,
        help="positive test sequences per model (default: all)",
    )
    r.add_argument(
        "--train",
        action="store_true",
        help="train the models that are neither cached nor in the zoo (default: skip them)",
    )
    r.add_argument("--n-per-class", type=int, default=10_000)
    r.add_argument("--data-seed", type=int, default=0)
    r.add_argument("--epochs", type=int, default=100)
    r.add_argument("--patience", type=int, default=10)
    args = p.parse_args(argv)
    if args.n_sequences is not None and args.n_sequences < 1:
        p.error("--n-sequences must be at least 1")
    os.environ.setdefault("ACME_PROGRESS", "1")
    started = time.time()
    command = "python -m acme_utils.motifs " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    grid, _ = sweep.committed_results(args.grid)
    data = generate_dataset(n_per_class=args.n_per_class, seed=args.data_seed)
    log.info(
        f"motif recovery of the {len(grid)} models of {args.grid} -> {args.results}"
    )
    table = recover_grid(
        grid,
        data,
        n_sequences=args.n_sequences,
        epochs=args.epochs,
        patience=args.patience,
        train=args.train,
    )
    path = Path(args.results)
    sweep._write_atomic(table, path)
    meta = sweep.run_provenance(command, started)
    meta["packages"].update(_versions())
    meta.update(
        grid=args.grid,
        models_recovered=len(table),
        models_skipped=table.attrs["skipped"],
        settings=MODISCO_SETTINGS,
        trim_threshold=TRIM_THRESHOLD,
        q_threshold=MOTIF_Q_THRESHOLD,
        database=f"{JASPAR_RELEASE} CORE vertebrates",
        core_motifs=dict(CORE_MOTIFS),
        finished=True,
    )
    meta_path = path.with_suffix(".json")
    tmp = meta_path.with_name(f".{meta_path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(meta, indent=2) + "\n")
    os.replace(tmp, meta_path)
    if len(table):
        log.info(
            table[["model", "n_patterns", "n_core_found", "n_false", "snr"]].to_string(
                index=False
            )
        )
    return table


if __name__ == "__main__":
    main()
