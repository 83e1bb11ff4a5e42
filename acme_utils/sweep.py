"""Model-selection sweeps: train and score a grid of models, one tidy results row per model.

The grid is the study's (METHODS.md sections 2-3 and 9): regulariser x first-layer activation x
batch norm x random initialisation, plus the two attribution priors. Every model goes through the
model cache of ``training.train_model`` and is scored by ``scorecard.score_model`` (gradient-
corrected saliency maps of the positive test sequences). With ``results_path`` the table is
rewritten atomically on disk after each model, so an interrupted sweep resumes where it stopped
and never trains or scores a finished model twice.

From the command line: ``python -m acme_utils.sweep --help``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import training
from .cache import resolve_cache_dir
from .data import SyntheticDataset, generate_dataset
from .regularizers import REGULARIZERS
from .scorecard import explained_positives, score_model
from .terminal import PROGRESS_ENV_VAR, progress
from .training import STUDY_RECIPE, ModelSpec, spec_key

log = logging.getLogger("acme_utils.sweep")  # not __name__: "__main__" under python -m

__all__ = [
    "run_provenance",
    "STUDY_REGULARIZERS",
    "PRIORS",
    "ACTIVATIONS",
    "MIN_TEST_AUROC",
    "HISTORY_KEYS",
    "ROW_KEY",
    "model_grid",
    "read_results",
    "RESULTS_DIR",
    "committed_results",
    "spec_of_row",
    "recheck_row",
    "model_available",
    "rescore_row",
    "run_sweep",
    "run_sweep_ray",
    "regularizer_ranking",
    "contrasting_pair",
    "showcase_pair",
    "SUMMARY_SCORES",
    "CONFIGURATION",
    "mark_filter",
    "configuration_summary",
    "provenance",
    "row_history",
    "phase_losses",
    "auroc_at_epochs",
    "main",
    "study_models",
    "provenance_report",
    "recheck_candidate",
    "recheck_sample",
    "RECHECK_SCORES",
    "recheck_differences",
    "recheck_verdict",
    "train_row",
    "seed_spread",
    "criterion_picks",
    "recipe_table",
    "recipe_effects",
    "score_table",
    "score_spread",
    "score_changes",
]


#: The study's regularisers ("none" is the unregularised baseline).
STUDY_REGULARIZERS = (
    "none",
    "mixup",
    "manifold_mixup",
    "input_noise",
    "manifold_noise",
    "adversarial",
    "spectral_norm",
)
#: The attribution priors of Tseng et al. (2020), beyond the study.
PRIORS = ("fourier_prior", "tv_prior")
ACTIVATIONS = ("relu", "exponential")

#: The study's performance filter: only models with at least this test AUROC are compared.
MIN_TEST_AUROC = 0.97

#: Per-epoch series of a model's training history kept in its results row (column ``history``).
HISTORY_KEYS = ("loss", "val_loss", "val_auroc", "learning_rate")

#: Columns that identify a finished row: the model (its cache key) and how it was scored.
ROW_KEY = ("model_key", "method", "n_sequences")


def model_grid(
    regularizers=STUDY_REGULARIZERS,
    activations=ACTIVATIONS,
    batch_norm=(True, False),
    seeds=(0,),
    recipes=(STUDY_RECIPE,),
) -> list[ModelSpec]:
    """Every combination of the given factors, as a list of ``ModelSpec``.

    Ordered recipe-major, then by regulariser, activation, batch norm and seed (so
    regulariser-major for a single recipe).

    Parameters
    ----------
    regularizers : sequence of str, default STUDY_REGULARIZERS
        Keys of ``regularizers.REGULARIZERS``.
    activations : sequence of str, default ACTIVATIONS
        First-layer activations, from ``ACTIVATIONS``.
    batch_norm : sequence of bool, default (True, False)
        Batch normalisation on and/or off.
    seeds : sequence of int, default (0,)
        Non-negative integer seeds.
    recipes : sequence of str, default (STUDY_RECIPE,)
        Keys of ``training.RECIPES``.

    Returns
    -------
    list of ModelSpec
        As many specs as the product of the factors' lengths.

    Raises
    ------
    ValueError
        If a factor is a string or empty, holds an unknown or a repeated value, or a
        seed is not a non-negative integer.
    """
    factors = {
        "regularizers": regularizers,
        "activations": activations,
        "batch_norm": batch_norm,
        "seeds": seeds,
        "recipes": recipes,
    }
    for name, values in factors.items():
        if isinstance(values, (str, bytes)) or len(values) == 0:
            raise ValueError(f"{name} must be a non-empty list; got {values!r}")
    unknown = [r for r in regularizers if r not in REGULARIZERS]
    if unknown:
        raise ValueError(
            f"unknown regularizer(s) {unknown}; choose from {tuple(REGULARIZERS)}"
        )
    bad = [a for a in activations if a not in ACTIVATIONS]
    if bad:
        raise ValueError(f"unknown activation(s) {bad}; choose from {ACTIVATIONS}")
    bad = [r for r in recipes if r not in training.RECIPES]
    if bad:
        raise ValueError(
            f"unknown recipe(s) {bad}; choose from {tuple(training.RECIPES)}"
        )
    for s in seeds:
        if int(s) != s or s < 0:
            raise ValueError(f"seeds must be non-negative integers; got {s!r}")
    for name, values in factors.items():
        if len(set(values)) != len(values):
            raise ValueError(
                f"{name} has repeated values {list(values)}: each grid point must be unique"
            )
    return [
        ModelSpec(r, a, bool(bn), int(s), rec)
        for rec in recipes
        for r in regularizers
        for a in activations
        for bn in batch_norm
        for s in seeds
    ]


def _configs(data: SyntheticDataset, spec: ModelSpec, epochs: int, patience: int):
    model_config, train_config = spec.configs(epochs, patience)
    return (
        model_config,
        train_config,
        spec_key(data.key, spec, epochs, patience, data.params["length"]),
    )


def read_results(path) -> pd.DataFrame:
    """A results table written by ``run_sweep`` (empty if the file does not exist).

    Parameters
    ----------
    path : str or path-like
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        One row per scored model, with the columns of ``run_sweep``; ``model_key`` is
        read as str (hex keys such as "0123..." must stay strings). Empty, without
        columns, if the file does not exist or is empty.
    """
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_csv(
        path, dtype={"model_key": str}
    )  # hex keys such as "0123..." must stay strings


#: Where the committed results of long runs live (package data, so they ship with the package and
#: reach Colab; ``results/`` at the top of the repository points here).
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def committed_results(name: str) -> tuple[pd.DataFrame, dict]:
    """A committed results table and its provenance.

    ``results/<name>.csv`` and ``.json`` in ``RESULTS_DIR`` (written by
    ``python -m acme_utils.sweep --results ...``), with ``passed_filter`` as stored.

    Parameters
    ----------
    name : str
        The table's name, without extension (e.g. ``"study_grid"``).

    Returns
    -------
    table : pandas.DataFrame
        The results table, as ``read_results``.
    provenance : dict
        Its provenance (``provenance``).

    Raises
    ------
    FileNotFoundError
        If there is no such table, or it has no provenance file.
    """
    import json as _json

    path = RESULTS_DIR / f"{name}.csv"
    if not path.is_file():
        known = sorted(p.stem for p in RESULTS_DIR.glob("*.csv"))
        raise FileNotFoundError(
            f"no committed results table {name!r} in {RESULTS_DIR}; there are {known}"
        )
    meta_path = path.with_suffix(".json")
    if not meta_path.is_file():
        raise FileNotFoundError(f"{path.name} has no provenance file {meta_path.name}")
    return read_results(path), _json.loads(meta_path.read_text())


def spec_of_row(row) -> ModelSpec:
    """The grid point of a results row.

    Parameters
    ----------
    row : pandas.Series or dict
        A row with ``regularizer``, ``activation``, ``batch_norm``, ``seed`` and,
        optionally, ``recipe`` (default ``STUDY_RECIPE``).

    Returns
    -------
    ModelSpec
    """
    return ModelSpec(
        str(row["regularizer"]),
        str(row["activation"]),
        bool(row["batch_norm"]),
        int(row["seed"]),
        str(row.get("recipe", STUDY_RECIPE)),
    )


def recheck_row(
    row,
    n_per_class: int = 10_000,
    data_seed: int = 0,
    epochs: int = 100,
    patience: int = 10,
    threads: int = 1,
    verbose: bool = True,
) -> dict:
    """Retrain and rescore the model of one committed results row from scratch.

    With the sweep's own command in a fresh process and an empty cache (and
    ``ACME_RETRAIN=1``, so never from the zoo); return the new row. The run scores with
    the command line's method (``run_sweep``'s default, ``"saliency"``) on the row's
    ``n_sequences``.

    The settings must be those the table was made with: the model's cache key is
    recomputed from them and must equal the row's ``model_key`` (else ``ValueError``,
    before any training). ``threads=1`` is how the Ray sweep trains, and TensorFlow with
    op determinism gives the same bits for the same thread count on the same kind of
    CPU.

    Parameters
    ----------
    row : pandas.Series or dict
        A results row: ``model``, ``model_key``, ``n_sequences`` and the grid point's
        columns (``spec_of_row``).
    n_per_class : int, default 10_000
        Sequences per class of the dataset (METHODS.md section 1).
    data_seed : int, default 0
        Seed of the dataset.
    epochs : int, default 100
        Maximum number of epochs.
    patience : int, default 10
        Early-stopping patience.
    threads : int, default 1
        TensorFlow (intra- and inter-op) and OpenMP threads of the run.
    verbose : bool, default True
        Log that the retraining starts.

    Returns
    -------
    dict
        The new results row, with the columns of ``run_sweep``.

    Raises
    ------
    ValueError
        If the settings do not give the row's ``model_key``, or the row was scored with
        another method than saliency.
    RuntimeError
        If the run fails or does not produce the row.
    """
    import collections
    import subprocess
    import sys
    import tempfile

    spec = spec_of_row(row)
    n_sequences = int(row["n_sequences"])
    if (
        row.get("method", "saliency") != "saliency"
    ):  # the command line scores saliency maps
        raise ValueError(
            f"row {row['model']!r} was scored with {row['method']!r} maps; recheck_row "
            "retrains through the command line, which scores saliency maps only"
        )
    with tempfile.TemporaryDirectory(prefix="acme-recheck-") as tmp:
        data = generate_dataset(n_per_class=n_per_class, seed=data_seed, cache_dir=tmp)
        key = _configs(data, spec, epochs, patience)[2]
        if key != row["model_key"]:
            raise ValueError(
                f"these settings (n_per_class={n_per_class}, data_seed={data_seed}, epochs={epochs}, "
                f"patience={patience}) do not give the model of row {row['model']!r}: key {key} is not "
                f"its model_key {row['model_key']}"
            )
        results = Path(tmp) / "recheck.csv"
        args = [
            sys.executable,
            "-m",
            "acme_utils.sweep",
            "--results",
            str(results),
            "--engine",
            "sequential",
            "--regularizers",
            spec.regularizer,
            "--activations",
            spec.activation,
            "--batch-norm",
            "on" if spec.batch_norm else "off",
            "--seeds",
            "1",
            "--first-seed",
            str(spec.seed),
            "--recipes",
            spec.recipe,
            "--n-per-class",
            str(n_per_class),
            "--data-seed",
            str(data_seed),
            "--epochs",
            str(epochs),
            "--patience",
            str(patience),
            "--n-sequences",
            str(n_sequences),
        ]
        # ACME_RETRAIN: really train, never take the model from the pretrained zoo
        env = {
            **os.environ,
            "ACME_CACHE_DIR": tmp,
            "ACME_RETRAIN": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_NUM_INTRAOP_THREADS": str(threads),
            "TF_NUM_INTEROP_THREADS": str(threads),
            "OMP_NUM_THREADS": str(threads),
            PROGRESS_ENV_VAR: "1",
        }
        if verbose:
            log.info(
                f"retraining {row['model']} from scratch ({threads} thread(s), empty cache) ..."
            )
        # the run's progress lines (one per epoch) are passed on to this process's terminal
        run = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        tail = collections.deque(maxlen=60)
        for line in run.stderr:
            tail.append(line)
            if line.startswith("[acme_utils "):
                progress("re-check: " + line.split("] ", 1)[-1].rstrip())
        if run.wait():
            raise RuntimeError(f"the re-check run failed:\n{''.join(tail)[-3000:]}")
        new = read_results(results)
        if len(new) != 1 or new.model_key.iloc[0] != row["model_key"]:
            raise RuntimeError(
                f"the re-check run did not produce the row of {row['model']!r}"
            )
        return new.iloc[0].to_dict()


def model_available(keys, cache_dir=None) -> np.ndarray:
    """For each model key, whether the model can be had without training.

    It is in the cache or ships with the package's pretrained zoo (its manifest; the
    weights' checksum is checked only when they are loaded).

    Parameters
    ----------
    keys : iterable of str
        K model keys (``training.model_key``), e.g. a results table's ``model_key``
        column.
    cache_dir : str or path-like, optional
        The cache (default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``).

    Returns
    -------
    numpy.ndarray, shape (K,), bool
    """
    from .zoo import read_manifest

    shipped = read_manifest()
    models = resolve_cache_dir(cache_dir) / "models"
    return np.array(
        [str(k) in shipped or (models / str(k) / "meta.json").is_file() for k in keys],
        dtype=bool,
    )


def rescore_row(
    row, data: SyntheticDataset, epochs: int = 100, patience: int = 10, cache_dir=None
) -> dict:
    """Score the model of one committed results row again; return the new row.

    Here and now: the model is taken from the cache or the pretrained zoo (never
    trained: ``ValueError`` when neither holds it; ``recheck_row`` retrains). ``data``,
    ``epochs`` and ``patience`` must be those the table was made with: the model's cache
    key is recomputed and must equal the row's ``model_key`` (else ``ValueError``). The
    row's scoring settings (``method``, ``n_sequences``) are reused, so every score is
    comparable with the committed one. The attribution maps are computed afresh (in a
    temporary cache), never read from the cache.

    Parameters
    ----------
    row : pandas.Series or dict
        A results row: ``model``, ``model_key``, ``method``, ``n_sequences`` and the
        grid point's columns (``spec_of_row``).
    data : data.SyntheticDataset
        The dataset the table was made with.
    epochs : int, default 100
        Maximum number of epochs the table's models were trained with.
    patience : int, default 10
        Their early-stopping patience.
    cache_dir : str or path-like, optional
        The model cache (default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``).

    Returns
    -------
    dict
        The new results row, with the columns of ``run_sweep``.

    Raises
    ------
    ValueError
        If ``data``, ``epochs`` and ``patience`` do not give the row's ``model_key``, or
        the model is neither in the cache nor in the zoo.
    """
    import tempfile

    spec = spec_of_row(row)
    key = _configs(data, spec, epochs, patience)[2]
    if key != row["model_key"]:
        raise ValueError(
            f"this dataset and epochs={epochs}, patience={patience} do not give the "
            f"model of row {row['model']!r}: key {key} is not its model_key "
            f"{row['model_key']}"
        )
    if not model_available([key], cache_dir)[0]:
        raise ValueError(
            f"the model of row {row['model']!r} is neither in the cache nor in the "
            "pretrained zoo; recheck_row retrains it from scratch"
        )
    with tempfile.TemporaryDirectory(prefix="acme-rescore-") as fresh:
        new, _ = _train_and_score(
            data,
            spec,
            epochs,
            patience,
            int(row["n_sequences"]),
            str(row["method"]),
            cache_dir,
            False,
            MIN_TEST_AUROC,
            score_cache_dir=fresh,
        )
    return new


def _write_atomic(table: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    table.to_csv(tmp, index=False)
    os.replace(tmp, path)  # readers see the old table or the new one, never half of one


def _train_and_score(
    data: SyntheticDataset,
    spec: ModelSpec,
    epochs: int,
    patience: int,
    n_sequences,
    method: str,
    cache_dir,
    verbose: bool,
    min_test_auroc: float,
    score_cache_dir=None,
) -> tuple[dict, bool]:
    """Train (or load) and score one grid point: ``(results row, whether it came from the cache)``.

    The attribution maps are cached in ``score_cache_dir`` (default: ``cache_dir``)."""
    model_config, train_config, key = _configs(data, spec, epochs, patience)
    trained = training.train_model(
        data,
        model_config,
        train_config,
        name=spec.label,
        cache_dir=cache_dir,
        verbose=verbose,
    )
    row = {
        "regularizer": spec.regularizer,
        "recipe": spec.recipe,
        **score_model(
            trained,
            data,
            method=method,
            n_sequences=n_sequences,
            cache_dir=cache_dir if score_cache_dir is None else score_cache_dir,
        ),
    }
    history = trained.history
    row.update(
        {
            "model_key": key,
            "best_epoch": history["best_epoch"],
            "stopped_epoch": history["stopped_epoch"],
            "train_seconds": float(np.sum(history["seconds"])),
            # the learning curves, so a committed table can show them without the model
            "history": json.dumps(
                {
                    k: [round(float(v), 5) for v in history[k]]
                    for k in HISTORY_KEYS
                    if k in history
                }
            ),
        }
    )
    row["passed_filter"] = bool(row["test_auroc"] >= min_test_auroc)
    return row, trained.from_cache


class _Progress:
    """One line per finished model: a bar, models done / passed the filter / failed, and an ETA."""

    def __init__(self, total: int, verbose: bool, width: int = 20):
        self.total, self.verbose, self.width = total, verbose, width
        self.done = self.passed = self.failed = self.new = 0
        self.start = time.perf_counter()

    def update(
        self,
        spec: ModelSpec,
        message: str,
        row: dict | None = None,
        new: bool = True,
        remaining: int | None = None,
    ) -> None:
        self.done += 1
        self.new += int(new and row is not None)
        self.passed += int(row is not None and bool(row.get("passed_filter", False)))
        self.failed += int(row is None)
        filled = round(self.width * self.done / self.total)
        left = self.total - self.done if remaining is None else remaining
        eta = ""
        if self.new and left:
            eta = f", ETA {_duration((time.perf_counter() - self.start) / self.new * left)}"
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} done, {self.passed} passed, "
            f"{self.failed} failed{eta} | {spec.label}: {message}"
        )
        progress(line)
        if self.verbose:
            log.info(line)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, m = divmod(seconds // 60, 60)
    return f"{h} h {m:02d} min" if h else (f"{m} min" if m else f"{seconds} s")


def _start(
    data: SyntheticDataset,
    grid: list,
    results_path,
    n_sequences,
    method: str,
    verbose: bool,
):
    """What both engines do first: check the grid, resume the results table, start the progress."""
    if not grid:
        raise ValueError(
            "the grid is empty: give at least one ModelSpec (see model_grid)"
        )
    n_scored = len(explained_positives(data, n_sequences))
    path = Path(results_path) if results_path is not None else None
    table, done = _resume(path, n_scored, method)
    return n_scored, path, table, done, _Progress(len(grid), verbose)


def _append_row(table: pd.DataFrame, row: dict, path, after_each) -> pd.DataFrame:
    """Add one finished row to the table, save it (atomically) and tell ``after_each``."""
    table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    if path is not None:
        _write_atomic(table, path)
    if after_each is not None:
        after_each(table)
    return table


def _resume(path, n_scored: int, method: str):
    table = read_results(path) if path is not None else pd.DataFrame()
    if len(table):
        missing = set(ROW_KEY) - set(table.columns)
        if missing:
            raise ValueError(
                f"{path} is not a sweep results table: it lacks the columns {sorted(missing)}"
            )
    done = (
        {tuple(r) for r in table[list(ROW_KEY)].itertuples(index=False)}
        if len(table)
        else set()
    )
    return table, done


def _stored_row(
    table: pd.DataFrame, key: str, method: str, n_scored: int, min_test_auroc: float
) -> dict:
    match = table[
        (table.model_key == key)
        & (table.method == method)
        & (table.n_sequences == n_scored)
    ]
    row = match.iloc[0].to_dict()
    row["passed_filter"] = bool(row["test_auroc"] >= min_test_auroc)
    return row


def run_sweep(
    data: SyntheticDataset,
    grid: list[ModelSpec],
    results_path=None,
    epochs: int = 100,
    patience: int = 10,
    n_sequences: int | None = None,
    method: str = "saliency",
    cache_dir=None,
    verbose: bool = True,
    min_test_auroc: float = MIN_TEST_AUROC,
    after_each=None,
) -> pd.DataFrame:
    """Train and score every model of ``grid`` in this process; one row per grid point.

    The rows are in grid order (``run_sweep_ray`` does the same on a Ray cluster).

    ``n_sequences`` positive test sequences are explained per model (None: all). Keep it
    fixed across everything you compare: both consistency metrics have a finite-sample
    floor that depends on it (METHODS.md sections 7-8). With ``results_path`` (a CSV
    file), rows already there for the same model, method and ``n_sequences`` are reused,
    and each new row is saved as soon as its model is scored. Column ``passed_filter``
    marks the models whose test AUROC is at least ``min_test_auroc`` (the study's
    performance filter). ``after_each(table)`` is called with the whole table after each
    new row is saved (the command line writes provenance there).

    Parameters
    ----------
    data : data.SyntheticDataset
        The dataset every model is trained and scored on.
    grid : list of ModelSpec
        The models (``model_grid``); not empty.
    results_path : str or path-like, optional
        The results CSV file, created or resumed; None (default): nothing is written.
    epochs : int, default 100
        Maximum number of epochs.
    patience : int, default 10
        Early-stopping patience.
    n_sequences : int, optional
        Positive test sequences explained per model; None (default): all.
    method : str, default "saliency"
        The attribution method (``attribution.METHODS``).
    cache_dir : str or path-like, optional
        The cache of models and attribution maps (default ``$ACME_CACHE_DIR`` or
        ``~/.cache/acme_utils``).
    verbose : bool, default True
        Log each model's training and a progress line per model.
    min_test_auroc : float, default MIN_TEST_AUROC
        The performance filter.
    after_each : callable, optional
        ``after_each(table)``, with the whole results table (``pandas.DataFrame``).

    Returns
    -------
    pandas.DataFrame
        One row per grid point: the columns of ``scorecard.score_model`` (``model``,
        ``activation``, ``batch_norm``, ``seed``, ``test_auroc``, ``test_aupr``,
        ``method``, ``n_sequences`` (the number actually explained), ``snr``,
        ``attr_auroc``, ``attr_aupr``, ``snr_left_out``, ``kmer_kld``,
        ``kattr_mean_kld``), and ``regularizer``, ``recipe``, ``model_key``,
        ``best_epoch``, ``stopped_epoch``, ``train_seconds``, ``history`` (the
        ``HISTORY_KEYS`` curves as JSON, see ``row_history``) and ``passed_filter``.

    Raises
    ------
    ValueError
        If ``grid`` is empty, ``n_sequences`` is not a positive integer or None, or
        ``results_path`` holds a table without the ``ROW_KEY`` columns.
    """
    n_scored, path, table, done, progress = _start(
        data, grid, results_path, n_sequences, method, verbose
    )
    rows = []
    for spec in grid:
        _, _, key = _configs(data, spec, epochs, patience)
        if (key, method, n_scored) in done:
            rows.append(_stored_row(table, key, method, n_scored, min_test_auroc))
            progress.update(
                spec,
                f"already scored{f' in {path.name}' if path is not None else ''}",
                rows[-1],
                new=False,
            )
            continue
        t0 = time.perf_counter()
        row, cached = _train_and_score(
            data,
            spec,
            epochs,
            patience,
            n_sequences,
            method,
            cache_dir,
            verbose,
            min_test_auroc,
        )
        rows.append(row)
        done.add((key, method, n_scored))
        table = _append_row(table, row, path, after_each)
        progress.update(
            spec,
            f"{'cached model' if cached else 'trained'}, test AUROC {row['test_auroc']:.4f}, "
            f"SNR {row['snr']:.3f} ({time.perf_counter() - t0:.0f} s)",
            row,
        )
    return pd.DataFrame(rows).reset_index(drop=True)


def _ray_task(
    data_params: dict,
    spec: ModelSpec,
    epochs: int,
    patience: int,
    n_sequences,
    method: str,
    cache_dir,
    min_test_auroc: float,
) -> tuple[dict, bool]:
    """What one Ray worker does: rebuild the dataset (deterministic in its parameters, cached on
    the worker's disk), then train and score one model."""
    data = generate_dataset(**data_params, cache_dir=cache_dir)
    return _train_and_score(
        data,
        spec,
        epochs,
        patience,
        n_sequences,
        method,
        cache_dir,
        False,
        min_test_auroc,
    )


def run_sweep_ray(
    data: SyntheticDataset,
    grid: list[ModelSpec],
    results_path=None,
    epochs: int = 100,
    patience: int = 10,
    n_sequences: int | None = None,
    method: str = "saliency",
    cache_dir=None,
    verbose: bool = True,
    min_test_auroc: float = MIN_TEST_AUROC,
    address: str | None = None,
    workers: int | None = None,
    max_retries: int = 2,
    task=_ray_task,
    after_each=None,
) -> pd.DataFrame:
    """``run_sweep`` with the grid points run in parallel as Ray tasks.

    With ``address=None`` a local Ray instance is started with ``workers`` CPUs
    (default: all cores); otherwise the sweep joins the Ray cluster at ``address``
    (``"auto"`` or ``"host:port"``) and uses all of it. If Ray is already initialised in
    this process, that instance is used and left running. Each task trains one model
    with one TensorFlow thread (models trained with one thread are bit-reproducible; see
    ``training.set_seed``). Only this process writes the results table, after each
    finished model, so a crash loses at most the running tasks. A task that raises is
    retried ``max_retries`` times; if it still fails, its grid point is reported and
    left out of the returned table (re-running the sweep retries it). ``task`` is the
    function each worker runs (replaceable for tests); ``after_each`` as in
    ``run_sweep``.

    Parameters
    ----------
    data : data.SyntheticDataset
        The dataset; each worker rebuilds it from ``data.params``.
    grid : list of ModelSpec
        The models (``model_grid``); not empty.
    results_path : str or path-like, optional
        The results CSV file, created or resumed; None (default): nothing is written.
    epochs : int, default 100
        Maximum number of epochs.
    patience : int, default 10
        Early-stopping patience.
    n_sequences : int, optional
        Positive test sequences explained per model; None (default): all.
    method : str, default "saliency"
        The attribution method (``attribution.METHODS``).
    cache_dir : str or path-like, optional
        The cache of models and attribution maps, passed to the workers (also as
        ``$ACME_CACHE_DIR``); None (default): each worker's default cache.
    verbose : bool, default True
        Log a progress line per model.
    min_test_auroc : float, default MIN_TEST_AUROC
        The performance filter.
    address : str, optional
        A Ray cluster to join; None (default): start a local instance.
    workers : int, optional
        CPUs of the local instance; None (default): all cores.
    max_retries : int, default 2
        Retries of a failed task.
    task : callable
        The worker function (default: rebuild the dataset, train and score one model).
    after_each : callable, optional
        ``after_each(table)``, with the whole results table.

    Returns
    -------
    pandas.DataFrame
        As ``run_sweep``, without the failed grid points; ``attrs["failures"]`` lists
        them as ``(label, error)`` pairs.

    Raises
    ------
    ImportError
        If Ray is not installed.
    ValueError
        As ``run_sweep``.
    """
    try:
        import ray
    except ImportError as err:
        raise ImportError(
            "the Ray engine needs Ray: pip install 'acme_utils[ray]' (or use run_sweep, "
            "--engine sequential on the command line)"
        ) from err

    n_scored, path, table, done, progress = _start(
        data, grid, results_path, n_sequences, method, verbose
    )
    rows: dict[int, dict] = {}
    todo = []
    for i, spec in enumerate(grid):
        _, _, key = _configs(data, spec, epochs, patience)
        if (key, method, n_scored) in done:
            rows[i] = _stored_row(table, key, method, n_scored, min_test_auroc)
            progress.update(spec, "already scored", rows[i], new=False)
        else:
            todo.append(i)
    failures = []
    if todo:
        one_thread = {
            "TF_NUM_INTRAOP_THREADS": "1",
            "TF_NUM_INTEROP_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
        }
        if cache_dir is not None:
            one_thread["ACME_CACHE_DIR"] = str(cache_dir)
        started_here = not ray.is_initialized()
        if started_here:
            ray.init(
                address=address,
                num_cpus=None if address else (workers or os.cpu_count()),
                include_dashboard=False,
                log_to_driver=False,
                logging_level="ERROR",
            )
        try:
            remote = ray.remote(
                num_cpus=1, max_retries=max_retries, retry_exceptions=True
            )(task).options(runtime_env={"env_vars": one_thread})
            futures = {
                remote.remote(
                    data.params,
                    grid[i],
                    epochs,
                    patience,
                    n_sequences,
                    method,
                    None if cache_dir is None else str(cache_dir),
                    min_test_auroc,
                ): i
                for i in todo
            }
            if verbose:
                log.info(
                    f"{len(todo)} models to train on Ray "
                    f"({int(ray.cluster_resources().get('CPU', 0))} CPUs)"
                )
            pending = list(futures)
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                i = futures[ready[0]]
                try:
                    row, cached = ray.get(ready[0])
                except Exception as err:  # the task failed max_retries + 1 times
                    failures.append((grid[i], repr(err)))
                    progress.update(
                        grid[i],
                        f"FAILED after {max_retries + 1} tries: {err!r}"[:300],
                        None,
                        remaining=len(pending),
                    )
                    continue
                rows[i] = row
                table = _append_row(table, row, path, after_each)
                progress.update(
                    grid[i],
                    f"{'cached model' if cached else 'trained'}, test AUROC "
                    f"{row['test_auroc']:.4f}, SNR {row['snr']:.3f}",
                    row,
                    remaining=len(pending),
                )
        finally:
            if started_here:
                ray.shutdown()
    out = pd.DataFrame([rows[i] for i in sorted(rows)]).reset_index(drop=True)
    out.attrs["failures"] = [(spec.label, err) for spec, err in failures]
    return out


def regularizer_ranking(table: pd.DataFrame, score: str = "snr") -> pd.Series:
    """Mean of ``score`` per regulariser over every other factor, best first.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with the columns ``regularizer`` and ``score``.
    score : str, default "snr"
        The column to average; higher counts as better.

    Returns
    -------
    pandas.Series
        The mean score, indexed by regulariser, in descending order.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If the table is empty.
    """
    for col in ("regularizer", score):
        if col not in table.columns:
            raise KeyError(
                f"column {col!r} is not in the table; it has {list(table.columns)}"
            )
    if not len(table):
        raise ValueError("the results table is empty")
    return table.groupby("regularizer")[score].mean().sort_values(ascending=False)


def contrasting_pair(
    table: pd.DataFrame, auroc_tolerance: float = 0.005, score: str = "snr"
) -> tuple[int, int]:
    """Row positions ``(high, low)`` of a "same accuracy, different explanations" pair.

    The two models whose test AUROC differs by at most ``auroc_tolerance`` and whose
    ``score`` differs the most: the study's "same accuracy, different explanations"
    pair. ``high`` has the higher score.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with the columns ``test_auroc`` and ``score``, at least two
        rows.
    auroc_tolerance : float, default 0.005
        The largest test-AUROC difference of the pair.
    score : str, default "snr"
        The column whose difference is maximised.

    Returns
    -------
    high : int
        Row position (``iloc``) of the higher-scoring model.
    low : int
        Row position of the other.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If the table has fewer than two rows, or no two models are within
        ``auroc_tolerance``.
    """
    for col in ("test_auroc", score):
        if col not in table.columns:
            raise KeyError(
                f"column {col!r} is not in the table; it has {list(table.columns)}"
            )
    if len(table) < 2:
        raise ValueError(f"need at least two models; the table has {len(table)}")
    auroc = table["test_auroc"].to_numpy(dtype=np.float64)
    value = table[score].to_numpy(dtype=np.float64)
    close = np.abs(auroc[:, None] - auroc[None, :]) <= auroc_tolerance
    np.fill_diagonal(close, False)
    if not close.any():
        raise ValueError(
            f"no two models have test AUROC within {auroc_tolerance}; raise auroc_tolerance"
        )
    gap = np.where(close, value[:, None] - value[None, :], -np.inf)
    high, low = np.unravel_index(np.argmax(gap), gap.shape)
    return int(high), int(low)


def showcase_pair(
    table: pd.DataFrame,
    min_test_auroc: float = MIN_TEST_AUROC,
    auroc_tolerance: float = 0.005,
) -> pd.DataFrame:
    """Chapter 9's "same accuracy, different explanations" pair, as two rows.

    The ``contrasting_pair`` (by SNR) among the models of ``table`` that pass the
    performance filter, or among all of them when fewer than two pass. Returns the two
    rows, the higher-SNR model first (``ValueError`` when there is no such pair).

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with the columns ``test_auroc`` and ``snr``.
    min_test_auroc : float, default MIN_TEST_AUROC
        The performance filter (``mark_filter``).
    auroc_tolerance : float, default 0.005
        The largest test-AUROC difference of the pair.

    Returns
    -------
    pandas.DataFrame
        The two rows, with ``passed_filter`` recomputed; the index is their position
        among the candidate models, not ``table``'s index.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If there is no such pair, or ``test_auroc`` contains NaN.
    """
    marked = mark_filter(table, min_test_auroc)
    passing = marked[marked.passed_filter]
    pool = (passing if len(passing) >= 2 else marked).reset_index(drop=True)
    high, low = contrasting_pair(pool, auroc_tolerance=auroc_tolerance)
    return pool.iloc[[high, low]]


#: Scores averaged per configuration, in the order of the paper's Table 1.
SUMMARY_SCORES = ("kmer_kld", "kattr_mean_kld", "test_auroc", "snr")
CONFIGURATION = ("regularizer", "batch_norm", "activation")


def mark_filter(
    table: pd.DataFrame, min_test_auroc: float = MIN_TEST_AUROC
) -> pd.DataFrame:
    """A copy of ``table`` with ``passed_filter = test_auroc >= min_test_auroc``.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with a ``test_auroc`` column.
    min_test_auroc : float, default MIN_TEST_AUROC
        The performance filter.

    Returns
    -------
    pandas.DataFrame
        The copy, ``passed_filter`` (bool) added or replaced.

    Raises
    ------
    KeyError
        If ``test_auroc`` is missing.
    ValueError
        If ``test_auroc`` contains NaN (a model was not scored).
    """
    if "test_auroc" not in table.columns:
        raise KeyError(
            f"column 'test_auroc' is not in the table; it has {list(table.columns)}"
        )
    values = table["test_auroc"].to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise ValueError("test_auroc contains NaN: a model was not scored")
    out = table.copy()
    out["passed_filter"] = values >= min_test_auroc
    return out


def configuration_summary(
    table: pd.DataFrame, scores=SUMMARY_SCORES, passed_only: bool = True
) -> pd.DataFrame:
    """One row per configuration (regulariser x batch norm x activation).

    Models ``trained``, models ``passed`` (the filter), and the mean of each score over
    the passing models (over all models with ``passed_only=False``). A configuration
    none of whose models passed has NaN means.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with the ``CONFIGURATION`` columns, the ``scores`` and
        ``passed_filter`` (``mark_filter``).
    scores : sequence of str, default SUMMARY_SCORES
        The columns to average.
    passed_only : bool, default True
        Average over the passing models only.

    Returns
    -------
    pandas.DataFrame
        Columns ``regularizer``, ``batch_norm``, ``activation``, ``trained``, ``passed``
        (int), then one per score.

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If the table is empty.
    """
    need = set(CONFIGURATION) | set(scores) | {"passed_filter"}
    missing = need - set(table.columns)
    if missing:
        raise KeyError(
            f"the table lacks the columns {sorted(missing)}; run mark_filter first for 'passed_filter'"
        )
    if not len(table):
        raise ValueError("the results table is empty")
    keys = list(CONFIGURATION)
    counts = table.groupby(keys).agg(
        trained=("passed_filter", "size"), passed=("passed_filter", "sum")
    )
    kept = table[table["passed_filter"].astype(bool)] if passed_only else table
    means = kept.groupby(keys)[list(scores)].mean()
    out = counts.join(means, how="left").reset_index()
    out["passed"] = out["passed"].astype(int)
    return out


def run_provenance(
    command: str,
    started: float,
    previous: dict | None = None,
    packages=("acme_utils", "tensorflow", "keras", "numpy", "scipy", "ray"),
) -> dict:
    """What produced a committed result: command, commit, versions, machine, wall time.

    The part of a results table's provenance that does not depend on what the table holds
    (``provenance`` adds a sweep's training totals; ``motifs`` adds its settings).

    Parameters
    ----------
    command : str
        The command line of this run.
    started : float
        When this run started (``time.time()``); its wall time runs until now.
    previous : dict, optional
        The table's previous provenance, whose ``runs`` are kept (a resumed table).
    packages : iterable of str
        The distributions whose installed versions are recorded.

    Returns
    -------
    dict
        ``command``, ``commit``, ``packages``, ``python``, ``machine``,
        ``wall_seconds_total`` (summed over every run) and ``runs`` (one entry per run,
        this one last).
    """
    import platform
    import subprocess
    from importlib.metadata import PackageNotFoundError, version

    def pkg(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    runs = list((previous or {}).get("runs", []))
    runs.append(
        {
            "command": command,
            "commit": commit,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "wall_seconds": round(time.time() - started, 1),
        }
    )
    return {
        "command": command,
        "commit": commit,
        "packages": {name: pkg(name) for name in packages},
        "python": platform.python_version(),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cores": os.cpu_count(),
        },
        "wall_seconds_total": round(sum(r["wall_seconds"] for r in runs), 1),
        "runs": runs,
    }


def provenance(
    command: str,
    started: float,
    table: pd.DataFrame,
    previous: dict | None = None,
    failures=(),
) -> dict:
    """What produced a sweep's results table: ``run_provenance`` plus training totals.

    Parameters
    ----------
    command : str
        The command line of this run.
    started : float
        When this run started (``time.time()``); its wall time runs until now.
    table : pandas.DataFrame
        The results table (``train_seconds`` and, if present, ``passed_filter`` are
        read).
    previous : dict, optional
        The table's previous provenance, whose ``runs`` are kept.
    failures : iterable of (str, str), default ()
        ``(label, error)`` of the models that failed.

    Returns
    -------
    dict
        ``command``, ``commit``, ``packages``, ``python``, ``machine``,
        ``wall_seconds_total``, ``train_seconds_total``, ``models_trained``,
        ``models_passed``, ``failed`` and ``runs`` (one entry per run, this one last).
    """
    passed = (
        table["passed_filter"].astype(bool)
        if "passed_filter" in table.columns
        else pd.Series([], dtype=bool)
    )
    meta = run_provenance(command, started, previous)
    runs = meta.pop("runs")
    meta.update(
        train_seconds_total=round(float(table["train_seconds"].sum()), 1)
        if len(table)
        else 0.0,
        models_trained=int(len(table)),
        models_passed=int(passed.sum()),
        failed=[{"model": label, "error": err} for label, err in failures],
        runs=runs,
    )
    return meta


def row_history(row) -> dict:
    """The learning curves stored in a results row.

    ``{"loss": [...], "val_auroc": [...], ...}``.

    Parameters
    ----------
    row : pandas.Series or dict
        A results row with a ``history`` column (JSON).

    Returns
    -------
    dict
        The per-epoch series of ``HISTORY_KEYS`` the model's history had (lists of
        float, rounded to 5 decimals), plus ``best_epoch`` and ``stopped_epoch`` when the
        row has them, as ``training.fit`` returns them.
    """
    history = json.loads(row["history"])
    for key in ("best_epoch", "stopped_epoch"):
        if key in row:
            history[key] = int(row[key])
    return history


def _histories(table: pd.DataFrame, what: str) -> list[dict]:
    if len(table) == 0:
        raise ValueError(f"{what}: the table is empty")
    missing = {"model", "history"} - set(table.columns)
    if missing:
        raise ValueError(f"{what}: the table lacks the columns {sorted(missing)}")
    return [row_history(r) for _, r in table.iterrows()]


def phase_losses(
    table: pd.DataFrame, clean_epochs: int, mixed_until: int
) -> pd.DataFrame:
    """Mean training loss of adversarially trained models in each phase of their schedule.

    The phases of ``regularizers.adversarial_phase``: clean (epochs 1..clean_epochs),
    mixed (..mixed_until), adversarial only (after). A mean near ln 2 after the clean
    phase means the network gave up and predicts about 0.5 for everything (chapter 7).

    Parameters
    ----------
    table : pandas.DataFrame
        Results rows (``run_sweep``) with ``model``, ``history``, ``best_epoch``,
        ``stopped_epoch`` and ``test_auroc``.
    clean_epochs : int
        Last clean epoch of the schedule the models were trained with.
    mixed_until : int
        Last mixed epoch, at least ``clean_epochs``.

    Returns
    -------
    pandas.DataFrame
        Indexed by model: ``clean``, ``mixed`` and ``adversarial`` (mean loss in each
        phase; NaN for a phase the model never reached), ``kept_epoch``,
        ``stopped_epoch`` and ``test_auroc``.

    Raises
    ------
    ValueError
        If the table is empty or lacks a column, or the epochs are not integers with
        0 <= clean_epochs <= mixed_until.
    """
    if int(clean_epochs) != clean_epochs or int(mixed_until) != mixed_until:
        raise ValueError("clean_epochs and mixed_until must be integers")
    if not 0 <= clean_epochs <= mixed_until:
        raise ValueError(
            f"need 0 <= clean_epochs <= mixed_until; got {clean_epochs}, {mixed_until}"
        )
    histories = _histories(table, "phase_losses")
    missing = {"best_epoch", "stopped_epoch", "test_auroc"} - set(table.columns)
    if missing:
        raise ValueError(f"phase_losses: the table lacks the columns {sorted(missing)}")
    bounds = {
        "clean": (0, int(clean_epochs)),
        "mixed": (int(clean_epochs), int(mixed_until)),
        "adversarial": (int(mixed_until), None),
    }
    rows = []
    for h in histories:
        loss = np.asarray(h["loss"], dtype=float)
        rows.append(
            {
                phase: loss[a:b].mean() if loss[a:b].size else np.nan
                for phase, (a, b) in bounds.items()
            }
        )
    out = pd.DataFrame(rows, index=pd.Index(table.model.to_list(), name="model"))
    out["kept_epoch"] = table.best_epoch.astype(int).to_numpy()
    out["stopped_epoch"] = table.stopped_epoch.astype(int).to_numpy()
    out["test_auroc"] = table.test_auroc.astype(float).to_numpy()
    return out


def auroc_at_epochs(table: pd.DataFrame, epochs) -> pd.DataFrame:
    """Validation AUROC of each model at given epochs, next to its best.

    How far training had got by an epoch: chapter 7 uses it to choose the clean warm-up
    of adversarial training from the unregularised models' learning curves.

    Parameters
    ----------
    table : pandas.DataFrame
        Results rows with ``model`` and ``history``.
    epochs : sequence of int
        1-based epochs, each positive.

    Returns
    -------
    pandas.DataFrame
        Indexed by model: one column per epoch (``"epoch 5"``; NaN when the model stopped
        earlier), ``best`` (its highest validation AUROC) and ``best_epoch``.

    Raises
    ------
    ValueError
        If the table is empty or lacks a column, or ``epochs`` is empty or holds a
        non-positive or non-integer value.
    """
    epochs = list(epochs)
    if not epochs or any(int(e) != e or e < 1 for e in epochs):
        raise ValueError(f"epochs must be positive integers; got {epochs!r}")
    histories = _histories(table, "auroc_at_epochs")
    rows = []
    for h in histories:
        v = np.asarray(h["val_auroc"], dtype=float)
        row = {f"epoch {e}": v[e - 1] if e <= v.size else np.nan for e in epochs}
        row["best"] = v.max()
        row["best_epoch"] = int(v.argmax()) + 1
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(table.model.to_list(), name="model"))


# ---------------------------------------------------------------------------------------------
# Reading a committed table in chapter 9: the study's models, its provenance, re-checking rows,
# the seed-to-seed spread and the model each criterion would pick.


def study_models(
    table: pd.DataFrame,
    min_test_auroc: float = MIN_TEST_AUROC,
    recipe: str = STUDY_RECIPE,
) -> pd.DataFrame:
    """The models of a results table trained with the study's recipe, with the filter marked.

    Rows of other recipes are left out (logged); ``passed_filter`` is recomputed as by
    :func:`mark_filter` (METHODS.md section 9: the study's performance filter) and the index
    is reset.

    Parameters
    ----------
    table : pandas DataFrame
        One row per model, as written by :func:`run_sweep`: columns ``recipe`` and
        ``test_auroc`` at least.
    min_test_auroc : float
        The performance filter's threshold.
    recipe : str
        The recipe kept (default the study's, ``training.STUDY_RECIPE``).

    Returns
    -------
    pandas DataFrame
        The kept rows, indexed 0..n-1, with a ``passed_filter`` column.

    Raises
    ------
    ValueError
        If the table is empty.
    KeyError
        If it has no ``recipe`` or ``test_auroc`` column.
    """
    if not len(table):
        raise ValueError("the results table is empty: there is nothing to compare")
    if "recipe" not in table.columns:
        raise KeyError(
            f"column 'recipe' is not in the table; it has {list(table.columns)}"
        )
    other = table["recipe"] != recipe
    if other.any():
        log.info(
            f"left out {other.sum()} models trained with other recipes than {recipe!r}"
        )
        table = table[~other]
    return mark_filter(table, min_test_auroc).reset_index(drop=True)


def provenance_report(provenance: dict, table: pd.DataFrame) -> str:
    """Where a results table comes from, as lines of text.

    The command that wrote it, the commit
    of the package, the machine, the time it took, the models and whether the run finished.

    Parameters
    ----------
    provenance : dict
        As written by :func:`provenance` (keys ``command``, ``commit``, ``machine``, ``runs``,
        ``wall_seconds_total``, ``models_trained``, ``failed``, ``finished``); a missing key is
        reported as unknown.
    table : pandas DataFrame
        The table's rows: column ``train_seconds`` (summed as the training time).

    Returns
    -------
    str
        Six lines ("made by", "commit", "machine", "time", "models", "status").

    Raises
    ------
    KeyError
        If the table has no ``train_seconds`` column.
    """
    if "train_seconds" not in table.columns:
        raise KeyError(
            f"column 'train_seconds' is not in the table; it has {list(table.columns)}"
        )
    machine = provenance.get("machine", {})
    runs = provenance.get("runs", [])
    wall = provenance.get("wall_seconds_total")
    status = (
        "finished: the run that wrote it completed"
        if provenance.get("finished")
        else "still growing: the run that wrote it had not finished (or was stopped)"
    )
    return "\n".join(
        [
            f"made by:  {provenance.get('command', 'unknown')}",
            f"commit:   {provenance.get('commit', 'unknown')}",
            f"machine:  {machine.get('platform', 'unknown')} "
            f"({machine.get('processor', '?')}), {machine.get('cores', '?')} cores",
            f"time:     {'unknown' if wall is None else f'{wall / 3600:.1f} h'} wall "
            f"time over {len(runs)} run(s); "
            f"{table.train_seconds.sum() / 3600:.1f} h of training in total",
            f"models:   {provenance.get('models_trained', len(table))} trained, "
            f"{len(provenance.get('failed', []))} failed",
            f"status:   {status}",
        ]
    )


def recheck_candidate(table: pd.DataFrame, model: str | None = None) -> pd.Series:
    """The row of a results table to retrain from scratch (:func:`recheck_row`).

    Parameters
    ----------
    table : pandas DataFrame
        One row per model: columns ``model``, ``regularizer`` and ``train_seconds``.
    model : str, optional
        The row's ``model``; default the row that trained fastest among the non-adversarial
        ones (adversarial training is several times slower), or among all if every row is
        adversarial.

    Returns
    -------
    pandas Series
        The row.

    Raises
    ------
    ValueError
        If the table is empty or ``model`` is not one of its models.
    """
    if not len(table):
        raise ValueError("the results table is empty: there is no row to re-check")
    if model is None:
        candidates = table[table.regularizer != "adversarial"]
        candidates = candidates if len(candidates) else table
        return candidates.loc[candidates.train_seconds.idxmin()]
    if model not in set(table.model):
        raise ValueError(f"{model!r} is not a model of the table")
    return table[table.model == model].iloc[0]


def recheck_sample(
    table: pd.DataFrame, n: int, seed: int = 0, cache_dir=None
) -> pd.DataFrame:
    """``n`` random rows whose models can be had without training, to re-score.

    Drawn among the rows whose models are cached or
    shipped with the pretrained zoo, :func:`model_available`), to re-score with
    :func:`rescore_row`.

    Parameters
    ----------
    table : pandas DataFrame
        One row per model, with a ``model_key`` column.
    n : int
        Rows drawn (all the available ones if fewer).
    seed : int
        Seed of the draw (``DataFrame.sample``'s ``random_state``).
    cache_dir : path, optional
        The model cache (default that of ``cache.resolve_cache_dir``).

    Returns
    -------
    pandas DataFrame
        The drawn rows, in the order drawn.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer or no row has an available model.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    shipped = table[model_available(table.model_key, cache_dir)]
    if not len(shipped):
        raise ValueError(
            "no row of the table has a shipped model: use RECHECK = 'retrain'"
        )
    return shipped.sample(n=min(int(n), len(shipped)), random_state=seed)


#: The scores a re-check compares, committed against re-computed.
RECHECK_SCORES = (
    "test_auroc",
    "test_aupr",
    "snr",
    "kmer_kld",
    "kattr_mean_kld",
    "best_epoch",
)


def recheck_differences(
    committed: pd.DataFrame, new: pd.DataFrame, scores=RECHECK_SCORES
) -> pd.DataFrame:
    """Committed rows and the same models computed again, score by score.

    Parameters
    ----------
    committed, new : pandas DataFrame
        Rows of the same models (column ``model``), as committed and as re-computed (by
        :func:`rescore_row` or :func:`recheck_row`), with the ``scores`` columns.
    scores : sequence of str
        The score columns compared.

    Returns
    -------
    pandas DataFrame
        Indexed by (model, score); columns ``committed``, ``here`` and ``difference``
        (here - committed).

    Raises
    ------
    KeyError
        If a table lacks ``model`` or one of the ``scores``.
    """
    scores = list(scores)
    for name, rows in (("committed", committed), ("new", new)):
        missing = [c for c in ["model"] + scores if c not in rows.columns]
        if missing:
            raise KeyError(f"the {name} rows lack the columns {missing}")
    out = pd.DataFrame(
        {
            "committed": committed.set_index("model")[scores].astype(float).stack(),
            "here": new.set_index("model")[scores].astype(float).stack(),
        }
    )
    out["difference"] = out["here"] - out["committed"]
    return out


def recheck_verdict(
    differences: pd.DataFrame, tolerance: float, provenance: dict | None = None
) -> str:
    """The verdict of a re-check, as text.

    Where the table was made and re-run, and whether every score
    agrees exactly or test AUROC within ``tolerance``.

    Parameters
    ----------
    differences : pandas DataFrame
        As returned by :func:`recheck_differences`.
    tolerance : float
        Largest accepted absolute difference of test AUROC (retraining on another CPU may move
        early stopping; re-scoring may not).
    provenance : dict, optional
        The table's provenance (:func:`provenance`), for the machine it was made on.

    Returns
    -------
    str
        Two lines: the two machines, then the verdict.

    Raises
    ------
    ValueError
        If a test AUROC differs by more than ``tolerance``, or ``differences`` has no test
        AUROC.
    """
    import platform

    if "test_auroc" not in differences.index.get_level_values(1):
        raise ValueError("the differences have no test_auroc to check")
    machine = (provenance or {}).get("machine", {})
    worst = differences.xs("test_auroc", level=1)["difference"].abs().max()
    if not worst <= tolerance:
        raise ValueError(f"test AUROC not reproduced (off by {worst:.2e})")
    largest = differences["difference"].abs().max()
    verdict = (
        "every score agrees exactly (bit-identical)"
        if largest == 0
        else f"test AUROC within {tolerance}; the largest difference of any score is "
        f"{largest:.1e} (last bits differ with the CPU type or the thread count)"
    )
    return (
        f"table made on: {machine.get('platform', 'unknown')}; "
        f"re-run on: {platform.platform()} ({os.cpu_count()} cores)\n{verdict}"
    )


def train_row(
    row, data: SyntheticDataset, epochs: int = 100, patience: int = 10, cache_dir=None
) -> training.TrainedModel:
    """The model of one results row, checked to be the row's model.

    From the cache or the pretrained zoo (or trained).

    Parameters
    ----------
    row : pandas Series or dict
        A results row: ``regularizer``, ``activation``, ``batch_norm``, ``seed``, ``recipe``,
        ``model`` and ``model_key``.
    data : SyntheticDataset
        The dataset the table was made with.
    epochs, patience : int
        The training settings the table was made with.
    cache_dir : path, optional
        The model cache.

    Returns
    -------
    training.TrainedModel

    Raises
    ------
    ValueError
        If these settings do not give the row's model (its cache key differs from the row's
        ``model_key``).
    """
    trained = training.train_spec(
        data, spec_of_row(row), epochs, patience, cache_dir=cache_dir
    )
    if trained.key != row["model_key"]:
        name = row["model"] if "model" in row else getattr(row, "name", "the row")
        raise ValueError(
            f"{name}: the chapter's parameters do not give the table's model; "
            "set N_PER_CLASS, SEED, EPOCHS and PATIENCE as the table was made"
        )
    return trained


def seed_spread(table: pd.DataFrame, scores=SUMMARY_SCORES) -> pd.DataFrame:
    """How much of the differences between models is the random seed.

    The standard deviation
    of each score between the seeds of one configuration (mean over the configurations with two
    or more seeds) next to that between configuration means.

    Parameters
    ----------
    table : pandas DataFrame
        One row per model: the :data:`CONFIGURATION` columns and the ``scores``.
    scores : sequence of str
        The score columns.

    Returns
    -------
    pandas DataFrame
        One row per score; columns "SD between seeds (mean over configurations)" and "SD
        between configuration means". Empty when every configuration has a single model;
        ``attrs["configurations"]`` is the number of configurations with two or more.

    Raises
    ------
    KeyError
        If a column is missing.
    """
    keys, scores = list(CONFIGURATION), list(scores)
    missing = [c for c in keys + scores if c not in table.columns]
    if missing:
        raise KeyError(f"the table lacks the columns {missing}")
    seeded = table.groupby(keys).filter(lambda g: len(g) >= 2)
    columns = [
        "SD between seeds (mean over configurations)",
        "SD between configuration means",
    ]
    if not len(seeded):
        out = pd.DataFrame(columns=columns, dtype=float)
    else:
        within = seeded.groupby(keys)[scores].std().mean()
        between = table.groupby(keys)[scores].mean().std()
        out = pd.DataFrame(dict(zip(columns, (within, between))))
    out.attrs["configurations"] = seeded.groupby(keys).ngroups if len(seeded) else 0
    return out


def criterion_picks(
    pool: pd.DataFrame, criteria, labels: dict | None = None
) -> pd.DataFrame:
    """The model each criterion would select, and how good a choice it was by SNR.

    Each criterion selects its highest value; the choice is judged
    by attribution SNR (METHODS.md section 9).

    Parameters
    ----------
    pool : pandas DataFrame
        The models to choose among: columns ``model``, ``test_auroc``, ``snr`` and the
        ``criteria``.
    criteria : sequence of str
        Score columns, each a criterion (higher is better).
    labels : dict, optional
        Column -> display name of the criterion (default the column name).

    Returns
    -------
    pandas DataFrame
        Indexed by "criterion"; columns "selected model", "its test AUROC", "its SNR" and
        "its SNR rank (of n)" (1 is the model with the highest SNR; ties share the best rank).

    Raises
    ------
    ValueError
        If the pool is empty.
    KeyError
        If a column is missing.
    """
    if not len(pool):
        raise ValueError("the pool of models is empty: there is nothing to select")
    missing = [
        c
        for c in ["model", "test_auroc", "snr"] + list(criteria)
        if c not in pool.columns
    ]
    if missing:
        raise KeyError(f"the pool lacks the columns {missing}")
    labels = labels or {}
    snr_rank = pool["snr"].rank(ascending=False, method="min").astype(int)
    rows = []
    for col in criteria:
        best = pool[col].idxmax()
        rows.append(
            {
                "criterion": labels.get(col, col),
                "selected model": pool.loc[best, "model"],
                "its test AUROC": pool.loc[best, "test_auroc"],
                "its SNR": pool.loc[best, "snr"],
                f"its SNR rank (of {len(pool)})": snr_rank[best],
            }
        )
    return pd.DataFrame(rows).set_index("criterion")


def main(argv=None) -> pd.DataFrame:
    """Command-line entry point: ``python -m acme_utils.sweep``.

    Runs the grid (Ray or sequential), writes the results table and its provenance
    (``.json`` next to it) and logs a summary.

    Parameters
    ----------
    argv : list of str, optional
        The arguments; None (default): ``sys.argv[1:]``.

    Returns
    -------
    pandas.DataFrame
        The rows of this grid (``run_sweep`` or ``run_sweep_ray``).
    """
    import shlex
    import sys

    p = argparse.ArgumentParser(
        prog="python -m acme_utils.sweep", description=__doc__.split("\n\n")[0]
    )
    p.add_argument(
        "--results",
        required=True,
        help="CSV results table (created, or resumed if it exists); its "
        "provenance is written next to it, as .json",
    )
    p.add_argument(
        "--regularizers",
        nargs="+",
        default=list(STUDY_REGULARIZERS),
        choices=list(REGULARIZERS),
        metavar="NAME",
        help=f"regularisers of the grid, from {', '.join(REGULARIZERS)} (default: the study's seven)",
    )
    p.add_argument(
        "--activations", nargs="+", default=list(ACTIVATIONS), choices=list(ACTIVATIONS)
    )
    p.add_argument(
        "--batch-norm", nargs="+", choices=("on", "off"), default=["on", "off"]
    )
    p.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="random initialisations per configuration (seeds 0..n-1)",
    )
    p.add_argument(
        "--first-seed", type=int, default=0, help="first seed (seeds first..first+n-1)"
    )
    p.add_argument(
        "--recipes",
        nargs="+",
        default=[STUDY_RECIPE],
        choices=list(training.RECIPES),
        help=f"training recipes (default: {STUDY_RECIPE}; see training.RECIPES)",
    )
    p.add_argument(
        "--n-per-class",
        type=int,
        default=10_000,
        help="dataset size per class (METHODS.md section 1)",
    )
    p.add_argument("--data-seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--patience", type=int, default=10)
    p.add_argument(
        "--n-sequences",
        type=int,
        default=None,
        help="positive test sequences explained per model (default: all)",
    )
    p.add_argument(
        "--min-test-auroc",
        type=float,
        default=MIN_TEST_AUROC,
        help="the performance filter: models below this test AUROC are marked passed_filter=False",
    )
    p.add_argument(
        "--engine",
        choices=("ray", "sequential"),
        default="ray",
        help="ray: grid points in parallel as Ray tasks (default); sequential: one after another here",
    )
    p.add_argument(
        "--address",
        default=None,
        help="join an existing Ray cluster ('auto' or host:port) instead of starting a local one",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="CPUs of the local Ray instance (default: all cores)",
    )
    args = p.parse_args(argv)
    if args.seeds < 1:
        p.error("--seeds must be at least 1")
    if args.first_seed < 0:
        p.error("--first-seed must be non-negative")
    if args.workers is not None and args.workers < 1:
        p.error("--workers must be at least 1")
    started = time.time()
    data = generate_dataset(n_per_class=args.n_per_class, seed=args.data_seed)
    grid = model_grid(
        args.regularizers,
        args.activations,
        [b == "on" for b in args.batch_norm],
        range(args.first_seed, args.first_seed + args.seeds),
        args.recipes,
    )
    log.info(f"sweep of {len(grid)} models -> {args.results}")
    meta_path = Path(args.results).with_suffix(".json")
    previous = json.loads(meta_path.read_text()) if meta_path.is_file() else None
    command = "python -m acme_utils.sweep " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )

    def save_provenance(
        table: pd.DataFrame, failures=(), finished: bool = False
    ) -> None:
        # after every model, so a committed table always has provenance that matches it
        meta = provenance(
            command,
            started,
            mark_filter(table, args.min_test_auroc),
            previous,
            failures,
        )
        meta["finished"] = finished
        tmp = meta_path.with_name(f".{meta_path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(meta, indent=2) + "\n")
        os.replace(tmp, meta_path)

    options = dict(
        epochs=args.epochs,
        patience=args.patience,
        n_sequences=args.n_sequences,
        min_test_auroc=args.min_test_auroc,
        after_each=save_provenance,
    )
    if args.engine == "ray":
        table = run_sweep_ray(
            data,
            grid,
            args.results,
            address=args.address,
            workers=args.workers,
            **options,
        )
    else:
        table = run_sweep(data, grid, args.results, **options)
    # the whole file (this grid and any other rows it holds), with the filter column up to date
    everything = read_results(args.results)
    if len(everything):
        everything = mark_filter(everything, args.min_test_auroc)
        _write_atomic(everything, Path(args.results))
        save_provenance(everything, table.attrs.get("failures", ()), finished=True)
    if len(table):
        log.info(
            table[
                [
                    "model",
                    "test_auroc",
                    "passed_filter",
                    "snr",
                    "kmer_kld",
                    "kattr_mean_kld",
                ]
            ].to_string(index=False)
        )
    failures = table.attrs.get("failures", [])
    if failures:
        log.info(
            f"{len(failures)} model(s) failed; re-run the same command to retry them:"
        )
        for label, err in failures:
            log.info(f"  {label}: {err}")
    return table


if __name__ == "__main__":
    main()


def _check_scores(table: pd.DataFrame, columns) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ValueError(
            f"table must be a pandas DataFrame; got {type(table).__name__}"
        )
    missing = [c for c in ("regularizer", "activation", *columns) if c not in table]
    if missing:
        raise ValueError(f"the table lacks the columns {missing}")
    if not len(table):
        raise ValueError("the results table is empty")


def score_table(table: pd.DataFrame, columns: dict, order) -> pd.DataFrame:
    """A sweep's scores with one row per regulariser and one column per score and activation.

    Parameters
    ----------
    table : pandas.DataFrame
        A sweep's results (``run_sweep``), one model per regulariser and activation.
    columns : dict
        Score column -> its display name (e.g. ``{"snr": "SNR"}``), in the order shown.
    order : sequence of str
        The regularisers, top to bottom (missing ones give rows of NaN).

    Returns
    -------
    pandas.DataFrame
        Rows: ``order``; columns: a ``(display name, activation)`` MultiIndex.

    Raises
    ------
    ValueError
        If ``table`` is not a non-empty DataFrame with the columns needed.
    """
    _check_scores(table, columns)
    wide = table.pivot(
        index="regularizer", columns="activation", values=list(columns)
    ).reindex(list(order))
    return wide.rename(columns=columns, level=0)


def score_spread(
    table: pd.DataFrame,
    columns: dict | None = None,
) -> pd.DataFrame:
    """How much the regularisers move each score, per first-layer activation.

    How much the regularisers move each score: its maximum minus its minimum over the models
    of each first-layer activation.

    Parameters
    ----------
    table : pandas.DataFrame
        A sweep's results with an ``activation`` column.
    columns : dict, optional
        Score column -> display name; default test AUROC and SNR
        (``{"test_auroc": "test AUROC spread", "snr": "SNR spread"}``).

    Returns
    -------
    pandas.DataFrame
        One row per activation (sorted), one column per score.

    Raises
    ------
    ValueError
        If ``table`` is not a non-empty DataFrame with the columns needed.
    """
    if columns is None:
        columns = {"test_auroc": "test AUROC spread", "snr": "SNR spread"}
    _check_scores(table, columns)
    spread = table.groupby("activation")[list(columns)].agg(lambda s: s.max() - s.min())
    return spread.rename(columns=columns)


def score_changes(
    table: pd.DataFrame, columns: dict, order, baseline: str = "none"
) -> str:
    """Every score of every regulariser minus the baseline's, per first-layer activation.

    Parameters
    ----------
    table : pandas.DataFrame
        A sweep's results, one model per regulariser and activation.
    columns : dict
        Score column -> display name, in the order printed.
    order : sequence of str
        The regularisers; the baseline is left out of the lines.
    baseline : str
        The regulariser compared against (``"none"``: the unregularised model).

    Returns
    -------
    str
        For each activation of the table (in order of appearance), a heading line and one
        line per regulariser of ``order``: each score's difference from the baseline's, with
        a sign and 3 decimals.

    Raises
    ------
    ValueError
        If ``table`` is not a non-empty DataFrame with the columns needed, or has no
        model of the ``baseline``.
    """
    _check_scores(table, columns)
    if baseline not in set(table.regularizer):
        raise ValueError(f"the baseline {baseline!r} is not in the table")
    lines = []
    for activation in table.activation.unique():
        t = table[table.activation == activation].set_index("regularizer")
        against = "the unregularised baseline" if baseline == "none" else baseline
        lines.append(f"{activation} models, change against {against}:")
        for reg in order:
            if reg == baseline:
                continue
            d = t.loc[reg, list(columns)] - t.loc[baseline, list(columns)]
            lines.append(
                f"  {reg:<15} "
                + ", ".join(f"{columns[k]} {d[k]:+.3f}" for k in columns)
            )
    return "\n".join(lines)


def _check_recipes(recipes: pd.DataFrame, columns) -> None:
    if not isinstance(recipes, pd.DataFrame):
        raise ValueError(
            f"recipes must be a pandas DataFrame; got {type(recipes).__name__}"
        )
    missing = [c for c in ("recipe", "activation", *columns) if c not in recipes]
    if missing:
        raise ValueError(f"the table lacks the columns {missing}")
    if not len(recipes):
        raise ValueError("the table is empty")


def recipe_table(recipes: pd.DataFrame, values=("test_auroc", "snr", "best_epoch")):
    """A results table reshaped to one row per training recipe.

    A results table reshaped to one row per training recipe, one column per score and
    first-layer activation (the mean over the recipe's models of that activation).

    Parameters
    ----------
    recipes : pandas.DataFrame
        A sweep's results (e.g. ``committed_results("recipes")[0]``), with columns ``recipe``,
        ``activation`` and every column of ``values``.
    values : sequence of str
        The scores to show.

    Returns
    -------
    pandas.DataFrame
        Rows: the recipes of the table, in the order of ``training.RECIPES``; columns: a
        ``(score, activation)`` MultiIndex.

    Raises
    ------
    ValueError
        If ``recipes`` is not a non-empty DataFrame with the columns needed.
    """
    _check_recipes(recipes, values)
    order = [r for r in training.RECIPES if r in set(recipes.recipe)]
    return recipes.pivot_table(
        index="recipe", columns="activation", values=list(values)
    ).reindex(order)


def recipe_effects(recipes: pd.DataFrame, baseline: str = "methods") -> str:
    """How each training recipe moves test AUROC and attribution SNR against a baseline recipe.

    Parameters
    ----------
    recipes : pandas.DataFrame
        A sweep's results with columns ``recipe``, ``activation``, ``test_auroc`` and ``snr``,
        one model per recipe and activation.
    baseline : str
        The recipe compared against (METHODS.md section 2 as written: ``"methods"``).

    Returns
    -------
    str
        One line per other recipe of the table (in the order of ``training.RECIPES``): for each
        activation that both recipes have, the difference in test AUROC (4 decimals) and in SNR
        (2 decimals), recipe minus baseline.

    Raises
    ------
    ValueError
        If ``recipes`` is not a non-empty DataFrame with the columns needed, or has no
        model of the ``baseline`` recipe.
    """
    _check_recipes(recipes, ("test_auroc", "snr"))
    if baseline not in set(recipes.recipe):
        raise ValueError(f"the baseline recipe {baseline!r} is not in the table")
    base = recipes[recipes.recipe == baseline].set_index("activation")
    lines = []
    for name in training.RECIPES:
        if name == baseline or name not in set(recipes.recipe):
            continue
        rows = recipes[recipes.recipe == name].set_index("activation")
        shifts = ", ".join(
            f"{a}: AUROC {rows.loc[a, 'test_auroc'] - base.loc[a, 'test_auroc']:+.4f}, "
            f"SNR {rows.loc[a, 'snr'] - base.loc[a, 'snr']:+.2f}"
            for a in rows.index
            if a in base.index
        )
        lines.append(f"{name:>12} vs {baseline}  {shifts}")
    return "\n".join(lines)
