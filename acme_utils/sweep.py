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

log = logging.getLogger(__name__)

__all__ = [
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
    "main",
    # chapter 2
    "recipe_table",
    "recipe_effects",
    # chapters 7 and 8
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
    """Every combination of the given factors, regulariser-major, as a list of ``ModelSpec``."""
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
    """A results table written by ``run_sweep`` (empty if the file does not exist)."""
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
    """A committed results table and its provenance: ``results/<name>.csv`` and ``.json``
    (written by ``python -m acme_utils.sweep --results ...``), with ``passed_filter`` as stored."""
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
    """The grid point of a results row."""
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
    """Retrain and rescore the model of one committed results row from scratch, with the sweep's
    own command in a fresh process and an empty cache; return the new row.

    The settings must be those the table was made with: the model's cache key is recomputed from
    them and must equal the row's ``model_key`` (else ``ValueError``, before any training).
    ``threads=1`` is how the Ray sweep trains, and TensorFlow with op determinism gives the same
    bits for the same thread count on the same kind of CPU.
    """
    import collections
    import subprocess
    import sys
    import tempfile

    spec = spec_of_row(row)
    n_sequences = int(row["n_sequences"])
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
    """For each model key, whether the model can be had without training: it is in the cache or
    ships with the package's pretrained zoo."""
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
    """Score the model of one committed results row again, here and now, and return the new row.

    The model is taken from the cache or the pretrained zoo (never trained: ``ValueError`` when
    neither holds it; ``recheck_row`` retrains). ``data``, ``epochs`` and ``patience`` must be
    those the table was made with: the model's cache key is recomputed and must equal the row's
    ``model_key`` (else ``ValueError``). The row's scoring settings (``method``,
    ``n_sequences``) are reused, so every score is comparable with the committed one. The
    attribution maps are computed afresh (in a temporary cache), never read from the cache.
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
    """Train and score every model of ``grid`` in this process; return one row per grid point, in
    grid order (``run_sweep_ray`` does the same on a Ray cluster).

    ``n_sequences`` positive test sequences are explained per model (None: all). Keep it fixed
    across everything you compare: both consistency metrics have a finite-sample floor that
    depends on it (METHODS.md sections 7-8). With ``results_path`` (a CSV file), rows already
    there for the same model, method and ``n_sequences`` are reused, and each new row is saved
    as soon as its model is scored. Column ``passed_filter`` marks the models whose test AUROC is
    at least ``min_test_auroc`` (the study's performance filter). ``after_each(table)`` is called
    with the whole table after each new row is saved (the command line writes provenance there).
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

    With ``address=None`` a local Ray instance is started with ``workers`` CPUs (default: all
    cores); otherwise the sweep joins the Ray cluster at ``address`` (``"auto"`` or
    ``"host:port"``) and uses all of it. Each task trains one model with one TensorFlow thread
    (models trained with one thread are bit-reproducible; see ``training.set_seed``). Only this
    process writes the results table, after each finished model, so a crash loses at most the
    running tasks. A task that raises is retried ``max_retries`` times; if it still fails, its
    grid point is reported and left out of the returned table (re-running the sweep retries it).
    ``task`` is the function each worker runs (replaceable for tests); ``after_each`` as in
    ``run_sweep``.
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
    """Mean of ``score`` per regulariser over every other factor of the table, best first."""
    for col in ("regularizer", score):
        if col not in table.columns:
            raise KeyError(
                f"column {col!r} is not in the table; it has {list(table.columns)}"
            )
    if not len(table):
        raise ValueError("the results table is empty")
    return table.groupby("regularizer")[score].mean().sort_values(ascending=False)


# ---- chapters 7 and 8: scores of regularisers side by side (moved out of the chapters) ----


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
    """How much the regularisers move each score: its maximum minus its minimum over the models
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


def contrasting_pair(
    table: pd.DataFrame, auroc_tolerance: float = 0.005, score: str = "snr"
) -> tuple[int, int]:
    """Row positions ``(high, low)`` of the two models whose test AUROC differs by at most
    ``auroc_tolerance`` and whose ``score`` differs the most: the study's "same accuracy,
    different explanations" pair. ``high`` has the higher score."""
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
    """Chapter 9's "same accuracy, different explanations" pair: the ``contrasting_pair`` (by
    SNR) among the models of ``table`` that pass the performance filter, or among all of them when
    fewer than two pass. Returns the two rows, the higher-SNR model first (``ValueError`` when
    there is no such pair)."""
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
    """A copy of ``table`` whose ``passed_filter`` column is ``test_auroc >= min_test_auroc``."""
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
    """One row per configuration (regulariser x batch norm x activation): models ``trained``,
    models ``passed`` (the filter), and the mean of each score over the passing models (over all
    models with ``passed_only=False``). A configuration none of whose models passed has NaN means.
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


def provenance(
    command: str,
    started: float,
    table: pd.DataFrame,
    previous: dict | None = None,
    failures=(),
) -> dict:
    """What produced a results table: the command, the commit, package versions, the machine, and
    the wall time (summed over every run that added to the table)."""
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
    previous = previous or {}
    runs = list(previous.get("runs", []))
    wall = time.time() - started
    runs.append(
        {
            "command": command,
            "commit": commit,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "wall_seconds": round(wall, 1),
        }
    )
    passed = (
        table["passed_filter"].astype(bool)
        if "passed_filter" in table.columns
        else pd.Series([], dtype=bool)
    )
    return {
        "command": command,
        "commit": commit,
        "packages": {
            name: pkg(name)
            for name in ("acme_utils", "tensorflow", "keras", "numpy", "scipy", "ray")
        },
        "python": platform.python_version(),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cores": os.cpu_count(),
        },
        "wall_seconds_total": round(sum(r["wall_seconds"] for r in runs), 1),
        "train_seconds_total": round(float(table["train_seconds"].sum()), 1)
        if len(table)
        else 0.0,
        "models_trained": int(len(table)),
        "models_passed": int(passed.sum()),
        "failed": [{"model": label, "error": err} for label, err in failures],
        "runs": runs,
    }


def row_history(row) -> dict:
    """The learning curves stored in a results row: ``{"loss": [...], "val_auroc": [...], ...}``."""
    return json.loads(row["history"])


# ---- chapter 2: the training-recipe comparison (moved out of the chapter, issue #12) ----


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
    """A results table reshaped to one row per training recipe, one column per score and
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


def main(argv=None) -> pd.DataFrame:
    """Command-line entry point: ``python -m acme_utils.sweep``."""
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
