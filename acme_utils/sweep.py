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
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import training
from .data import SyntheticDataset, generate_dataset
from .models import cnn_config
from .regularizers import REGULARIZERS
from .scorecard import explained_positives, score_model

#: The study's regularisers ("none" is the unregularised baseline).
STUDY_REGULARIZERS = ("none", "mixup", "manifold_mixup", "input_noise", "manifold_noise", "adversarial",
                      "spectral_norm")
#: The attribution priors of Tseng et al. (2020), beyond the study.
PRIORS = ("fourier_prior", "tv_prior")
ACTIVATIONS = ("relu", "exponential")

#: Columns that identify a finished row: the model (its cache key) and how it was scored.
ROW_KEY = ("model_key", "method", "n_sequences")


@dataclass(frozen=True)
class ModelSpec:
    """One point of the grid."""

    regularizer: str
    activation: str
    batch_norm: bool
    seed: int

    @property
    def label(self) -> str:
        """The model's name, as ``training.train_model`` gives it (the ``model`` column)."""
        reg = "" if self.regularizer == "none" else f" {self.regularizer}"
        return f"{self.activation}{'+bn' if self.batch_norm else ''}{reg} seed {self.seed}"


def model_grid(regularizers=STUDY_REGULARIZERS + PRIORS, activations=ACTIVATIONS, batch_norm=(True, False),
               seeds=(0,)) -> list[ModelSpec]:
    """Every combination of the given factors, regulariser-major, as a list of ``ModelSpec``."""
    factors = {"regularizers": regularizers, "activations": activations, "batch_norm": batch_norm, "seeds": seeds}
    for name, values in factors.items():
        if isinstance(values, (str, bytes)) or len(values) == 0:
            raise ValueError(f"{name} must be a non-empty list; got {values!r}")
    unknown = [r for r in regularizers if r not in REGULARIZERS]
    if unknown:
        raise ValueError(f"unknown regularizer(s) {unknown}; choose from {tuple(REGULARIZERS)}")
    bad = [a for a in activations if a not in ACTIVATIONS]
    if bad:
        raise ValueError(f"unknown activation(s) {bad}; choose from {ACTIVATIONS}")
    for s in seeds:
        if int(s) != s or s < 0:
            raise ValueError(f"seeds must be non-negative integers; got {s!r}")
    for name, values in factors.items():
        if len(set(values)) != len(values):
            raise ValueError(f"{name} has repeated values {list(values)}: each grid point must be unique")
    return [ModelSpec(r, a, bool(bn), int(s)) for r in regularizers for a in activations for bn in batch_norm
            for s in seeds]


def _configs(data: SyntheticDataset, spec: ModelSpec, epochs: int, patience: int):
    model_cfg = {"activation": spec.activation, "batch_norm": spec.batch_norm}
    train_cfg = {"epochs": epochs, "patience": patience, "seed": spec.seed, "regularizer": spec.regularizer}
    key = training.model_key(data.key, cnn_config(**{"input_length": data.params["length"], **model_cfg}),
                             training.train_config(**train_cfg))
    return model_cfg, train_cfg, key


def train_spec(data: SyntheticDataset, spec: ModelSpec, epochs: int = 100, patience: int = 10, cache_dir=None,
               verbose: bool = False) -> training.TrainedModel:
    """Train (or load from the cache) the model of one grid point."""
    model_cfg, train_cfg, _ = _configs(data, spec, epochs, patience)
    return training.train_model(data, model_cfg, train_cfg, cache_dir=cache_dir, verbose=verbose)


def read_results(path) -> pd.DataFrame:
    """A results table written by ``run_sweep`` (empty if the file does not exist)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_csv(path, dtype={"model_key": str})  # hex keys such as "0123..." must stay strings


def _write_atomic(table: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    table.to_csv(tmp, index=False)
    os.replace(tmp, path)  # readers see the old table or the new one, never half of one


def run_sweep(data: SyntheticDataset, grid: list[ModelSpec], results_path=None, epochs: int = 100,
              patience: int = 10, n_sequences: int | None = None, method: str = "saliency", cache_dir=None,
              verbose: bool = True) -> pd.DataFrame:
    """Train and score every model of ``grid``; return one row per grid point, in grid order.

    ``n_sequences`` positive test sequences are explained per model (None: all). Keep it fixed
    across everything you compare: both consistency metrics have a finite-sample floor that
    depends on it (METHODS.md sections 7-8). With ``results_path`` (a CSV file), rows already
    there for the same model, method and ``n_sequences`` are reused, and each new row is saved
    as soon as its model is scored.
    """
    if not grid:
        raise ValueError("the grid is empty: give at least one ModelSpec (see model_grid)")
    n_scored = len(explained_positives(data, n_sequences))
    path = Path(results_path) if results_path is not None else None
    table = read_results(path) if path is not None else pd.DataFrame()
    if len(table):
        missing = set(ROW_KEY) - set(table.columns)
        if missing:
            raise ValueError(f"{path} is not a sweep results table: it lacks the columns {sorted(missing)}")
    done = {tuple(r) for r in table[list(ROW_KEY)].itertuples(index=False)} if len(table) else set()

    rows = []
    start = time.perf_counter()
    n_new = 0
    for i, spec in enumerate(grid, 1):
        model_cfg, train_cfg, key = _configs(data, spec, epochs, patience)
        if (key, method, n_scored) in done:
            match = table[(table.model_key == key) & (table.method == method) & (table.n_sequences == n_scored)]
            rows.append(match.iloc[0].to_dict())
            if verbose:
                print(f"[{i}/{len(grid)}] {spec.label}: already scored"
                      f"{f' in {path.name}' if path is not None else ''}", flush=True)
            continue
        t0 = time.perf_counter()
        trained = training.train_model(data, model_cfg, train_cfg, cache_dir=cache_dir, verbose=verbose)
        row = {"regularizer": spec.regularizer, **score_model(trained, data, method=method,
                                                              n_sequences=n_sequences, cache_dir=cache_dir)}
        row.update({
            "model_key": key,
            "best_epoch": trained.history["best_epoch"],
            "train_seconds": float(np.sum(trained.history["seconds"])),
        })
        rows.append(row)
        n_new += 1
        done.add((key, method, n_scored))
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
        if path is not None:
            _write_atomic(table, path)
        if verbose:
            elapsed = time.perf_counter() - start
            left = len(grid) - i
            eta = f", about {elapsed / n_new * left / 60:.0f} min left" if left else ""
            source = "cached model" if trained.from_cache else "trained"
            print(f"[{i}/{len(grid)}] {spec.label}: {source}, test AUROC {row['test_auroc']:.4f}, "
                  f"SNR {row['snr']:.3f} ({time.perf_counter() - t0:.0f} s{eta})", flush=True)
    return pd.DataFrame(rows).reset_index(drop=True)


def regularizer_ranking(table: pd.DataFrame, score: str = "snr") -> pd.Series:
    """Mean of ``score`` per regulariser over every other factor of the table, best first."""
    for col in ("regularizer", score):
        if col not in table.columns:
            raise KeyError(f"column {col!r} is not in the table; it has {list(table.columns)}")
    if not len(table):
        raise ValueError("the results table is empty")
    return table.groupby("regularizer")[score].mean().sort_values(ascending=False)


def contrasting_pair(table: pd.DataFrame, auroc_tolerance: float = 0.005, score: str = "snr") -> tuple[int, int]:
    """Row positions ``(high, low)`` of the two models whose test AUROC differs by at most
    ``auroc_tolerance`` and whose ``score`` differs the most: the study's "same accuracy,
    different explanations" pair. ``high`` has the higher score."""
    for col in ("test_auroc", score):
        if col not in table.columns:
            raise KeyError(f"column {col!r} is not in the table; it has {list(table.columns)}")
    if len(table) < 2:
        raise ValueError(f"need at least two models; the table has {len(table)}")
    auroc = table["test_auroc"].to_numpy(dtype=np.float64)
    value = table[score].to_numpy(dtype=np.float64)
    close = np.abs(auroc[:, None] - auroc[None, :]) <= auroc_tolerance
    np.fill_diagonal(close, False)
    if not close.any():
        raise ValueError(f"no two models have test AUROC within {auroc_tolerance}; raise auroc_tolerance")
    gap = np.where(close, value[:, None] - value[None, :], -np.inf)
    high, low = np.unravel_index(np.argmax(gap), gap.shape)
    return int(high), int(low)


def main(argv=None) -> pd.DataFrame:
    """Command-line entry point: ``python -m acme_utils.sweep``."""
    p = argparse.ArgumentParser(prog="python -m acme_utils.sweep", description=__doc__.split("\n\n")[0])
    p.add_argument("--results", required=True, help="CSV results table (created, or resumed if it exists)")
    p.add_argument("--regularizers", nargs="+", default=list(STUDY_REGULARIZERS + PRIORS),
                   choices=list(REGULARIZERS), metavar="NAME", help=f"regularisers of the grid, from {', '.join(REGULARIZERS)} "
                        "(default: all: the study's seven and the two priors)")
    p.add_argument("--activations", nargs="+", default=list(ACTIVATIONS), choices=list(ACTIVATIONS))
    p.add_argument("--batch-norm", nargs="+", choices=("on", "off"), default=["on", "off"])
    p.add_argument("--seeds", type=int, default=1, help="random initialisations per configuration (seeds 0..n-1)")
    p.add_argument("--n-per-class", type=int, default=10_000, help="dataset size per class (METHODS.md section 1)")
    p.add_argument("--data-seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--patience", type=int, default=10)
    p.add_argument("--n-sequences", type=int, default=None,
                   help="positive test sequences explained per model (default: all)")
    args = p.parse_args(argv)
    if args.seeds < 1:
        p.error("--seeds must be at least 1")
    data = generate_dataset(n_per_class=args.n_per_class, seed=args.data_seed)
    grid = model_grid(args.regularizers, args.activations, [b == "on" for b in args.batch_norm],
                      range(args.seeds))
    print(f"sweep of {len(grid)} models -> {args.results}", flush=True)
    table = run_sweep(data, grid, args.results, epochs=args.epochs, patience=args.patience,
                      n_sequences=args.n_sequences)
    print(table[["model", "test_auroc", "snr", "kmer_kld", "kattr_mean_kld"]].to_string(index=False))
    return table


if __name__ == "__main__":
    main()
