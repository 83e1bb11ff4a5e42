"""The pretrained model zoo: the weights of the models the chapters train, shipped as package data.

Training the book's models takes hours on a laptop CPU, so their weights ship with ``acme_utils``
(``acme_utils/zoo/<key>.weights.h5``, weights only), described by ``acme_utils/zoo/manifest.json``:
for each model its cache key (``training.model_key``), model and training configuration, data
key, learning curves, test AUROC/AUPR, training seconds, the sha256 of its weights file, and the
provenance of the command that exported it (command, commit, package versions, machine).

``training.train_model`` takes a model from the zoo when the key it computes equals an entry's
key exactly and the weights' checksum verifies; it then stores the model in the cache like a
trained one. ``ACME_RETRAIN=1`` in the environment (or ``train_model(..., use_zoo=False)``)
trains from scratch instead. Because the key covers the data, every configuration value and the
package version, a code change that changes what a model would be also changes its key, and the
stale entry is simply not used (``verify`` reports it).

Commands (from a clone of the repository, so that the new weights can be committed):

    python -m acme_utils.zoo build    # train (or take from the cache) every book model; write the zoo
    python -m acme_utils.zoo verify   # keys, checksums and recorded test AUROC against the current code
    python -m acme_utils.zoo list     # what the zoo holds
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from .cache import write_json

log = logging.getLogger("acme_utils.zoo")  # not __name__: "__main__" under python -m

__all__ = [
    "ZOO_DIR",
    "RETRAIN_ENV_VAR",
    "BOOK_DATA",
    "retrain_requested",
    "read_manifest",
    "sha256",
    "load_weights",
    "add",
    "book_specs",
    "missing_book_models",
    "build",
    "verify",
    "main",
]


#: Where the zoo lives (package data; ships with pip installs and reaches Colab).
ZOO_DIR = Path(__file__).resolve().parent / "zoo"
#: Set to 1 to train every model from scratch instead of taking it from the zoo.
RETRAIN_ENV_VAR = "ACME_RETRAIN"
#: The data every chapter uses at its default size (METHODS.md section 1).
BOOK_DATA = {"n_per_class": 10_000, "seed": 0}
#: The chapters' default epochs and patience (METHODS.md section 2).
BOOK_EPOCHS, BOOK_PATIENCE = 100, 10


def retrain_requested() -> bool:
    """True when ``$ACME_RETRAIN`` asks to train every model from scratch.

    Returns
    -------
    bool
        False when the variable is unset, empty, or "0", "false" or "no" (any case,
        spaces stripped); True for any other value.
    """
    return os.environ.get(RETRAIN_ENV_VAR, "").strip().lower() not in (
        "",
        "0",
        "false",
        "no",
    )


def read_manifest(zoo_dir=None) -> dict:
    """``{key: entry}`` of the zoo in ``zoo_dir``; empty if there is none.

    Parameters
    ----------
    zoo_dir : str or path-like, optional
        The zoo's directory; None (default): ``ZOO_DIR``.

    Returns
    -------
    dict
        The ``models`` of ``manifest.json``: cache key -> manifest entry (as ``add``
        writes it); empty if the zoo has no manifest.
    """
    path = Path(zoo_dir or ZOO_DIR) / "manifest.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text())["models"]


def sha256(path) -> str:
    """The SHA-256 checksum of a file, read in blocks of 1 MiB.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    str
        The 64-digit hex digest.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_weights(entry: dict, zoo_dir=None):
    """The Keras model of a zoo entry, with its weights checked and loaded.

    Built from its configuration. Raises ``ValueError`` when the weights file is missing
    or its checksum differs from the manifest's (a corrupted or hand-edited zoo must
    never pass for the recorded model).

    Parameters
    ----------
    entry : dict
        A manifest entry (``read_manifest``): ``key``, ``name``, ``file``, ``sha256``
        and ``model_config`` are read.
    zoo_dir : str or path-like, optional
        The zoo's directory; None (default): ``ZOO_DIR``.

    Returns
    -------
    keras.Model
        ``models.build_cnn(**entry["model_config"])`` with the entry's weights.

    Raises
    ------
    ValueError
        If the weights file is missing or its checksum differs from the manifest's.
    """
    from .models import build_cnn

    path = Path(zoo_dir or ZOO_DIR) / entry["file"]
    if not path.is_file():
        raise ValueError(
            f"zoo entry {entry['key']} ({entry['name']}): weights file {path} is missing"
        )
    digest = sha256(path)
    if digest != entry["sha256"]:
        raise ValueError(
            f"zoo entry {entry['key']} ({entry['name']}): checksum of {path.name} is {digest[:12]}..., "
            f"the manifest records {entry['sha256'][:12]}...; the file is corrupted or was changed"
        )
    model = build_cnn(**entry["model_config"])
    model.load_weights(path)
    return model


def _git(*args) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _machine() -> dict:
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def _versions() -> dict:
    import numpy

    from . import __version__
    from ._tensorflow import keras
    from ._tensorflow import tf as tensorflow

    return {
        "acme_utils": __version__,
        "keras": keras.__version__,
        "tensorflow": tensorflow.__version__,
        "numpy": numpy.__version__,
    }


def add(trained, zoo_dir=None, command: str | None = None) -> dict:
    """Put a ``training.TrainedModel`` into the zoo; return its manifest entry.

    The weights file, then the manifest, each written atomically. An entry with the same
    key is replaced.

    Parameters
    ----------
    trained : training.TrainedModel
        The model, with its key, name, configurations, data key, history and test
        metrics.
    zoo_dir : str or path-like, optional
        The zoo's directory (created if needed); None (default): ``ZOO_DIR``.
    command : str, optional
        The command recorded in the provenance; default
        ``"python -m acme_utils.zoo build"``.

    Returns
    -------
    dict
        The entry: ``key``, ``name``, ``file`` (``<key>.weights.h5``), ``sha256``,
        ``bytes``, ``model_config``, ``train_config``, ``data_key``, ``history``,
        ``test_metrics``, ``train_seconds`` (None when the history has no timings) and
        ``provenance`` (command, commit, export time, package versions, machine).
    """
    zoo_dir = Path(zoo_dir or ZOO_DIR)
    zoo_dir.mkdir(parents=True, exist_ok=True)
    file = f"{trained.key}.weights.h5"
    tmp = zoo_dir / f".tmp-{file}"  # Keras wants the .weights.h5 ending
    trained.model.save_weights(tmp)
    os.replace(tmp, zoo_dir / file)
    history = trained.history
    entry = {
        "key": trained.key,
        "name": trained.name,
        "file": file,
        "sha256": sha256(zoo_dir / file),
        "bytes": (zoo_dir / file).stat().st_size,
        "model_config": trained.model_config,
        "train_config": trained.train_config,
        "data_key": trained.data_key,
        "history": history,
        "test_metrics": trained.test_metrics,
        "train_seconds": float(sum(history.get("seconds", []))) or None,
        "provenance": {
            "command": command or "python -m acme_utils.zoo build",
            "commit": _git("rev-parse", "HEAD"),
            "exported": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "versions": _versions(),
            "machine": _machine(),
        },
    }
    manifest = read_manifest(zoo_dir)
    manifest[trained.key] = entry
    tmp = zoo_dir / "manifest.json.tmp"
    write_json(
        tmp,
        {
            "about": "acme_utils pretrained model zoo; see acme_utils/zoo.py",
            "models": manifest,
        },
    )
    os.replace(tmp, zoo_dir / "manifest.json")
    return entry


def book_specs():
    """The models the chapters train at their default size, as ``training.ModelSpec``s.

    The four baselines (ReLU/exponential, batch norm on/off; chapters 2-6), the study's
    regularisers with batch norm (chapter 7) and the two attribution priors (chapter 8),
    all seed 0, book recipe; and chapter 9's showcase pair (``sweep.showcase_pair`` of
    the committed study grid).

    Returns
    -------
    list of training.ModelSpec
        Without repeats: a model of the showcase pair already in the list is not added
        again.
    """
    from . import sweep, training

    baselines = sweep.model_grid(["none"], sweep.ACTIVATIONS, (True, False), (0,))
    regularised = sweep.model_grid(
        [r for r in sweep.STUDY_REGULARIZERS if r != "none"],
        sweep.ACTIVATIONS,
        (True,),
        (0,),
    )
    priors = sweep.model_grid(sweep.PRIORS, sweep.ACTIVATIONS, (True,), (0,))
    specs = baselines + regularised + priors
    # chapter 9 shows two models of the committed grid side by side; as the grid grows, the pair
    # can become models beyond seed 0, which must ship too
    table, _ = sweep.committed_results("study_grid")
    try:
        pair = sweep.showcase_pair(table[table.recipe == training.STUDY_RECIPE])
    except ValueError:  # a table without such a pair: the chapter shows none
        pair = table.iloc[:0]
    return specs + [
        s for s in map(sweep.spec_of_row, pair.to_dict("records")) if s not in specs
    ]


def missing_book_models(zoo_dir=None) -> list[str]:
    """Labels of the book's models (``book_specs``) whose key the zoo does not hold.

    A fresh build trains these.

    Parameters
    ----------
    zoo_dir : str or path-like, optional
        The zoo's directory; None (default): ``ZOO_DIR``.

    Returns
    -------
    list of str
        The models' labels (``ModelSpec.label``), in the order of ``book_specs``.
    """
    from . import training
    from .data import dataset_key, dataset_params

    data_key = dataset_key(dataset_params(**BOOK_DATA))
    manifest = read_manifest(zoo_dir)
    return [
        spec.label
        for spec in book_specs()
        if training.spec_key(data_key, spec, BOOK_EPOCHS, BOOK_PATIENCE) not in manifest
    ]


def build(
    specs=None,
    engine: str = "ray",
    workers: int | None = None,
    zoo_dir=None,
    cache_dir=None,
    command: str | None = None,
    train: bool = True,
    verbose: bool = True,
) -> list[dict]:
    """Train the models of ``specs`` not in the cache yet; export them all into the zoo.

    ``specs`` defaults to ``book_specs()``. The models are trained in parallel on Ray
    (``engine="ray"``) or one after the other, through ``sweep.run_sweep_ray`` or
    ``sweep.run_sweep`` (which also score each model on 100 positive test sequences;
    like ``training.train_model``, they take a model from the zoo when it holds it,
    unless ``$ACME_RETRAIN`` is set). Models already in the zoo with the same key and a
    valid weights file are kept unchanged (file and provenance). With ``train=False``
    nothing is trained: the models already in the cache are exported, the others are
    listed (useful while a long sweep fills the cache).

    Parameters
    ----------
    specs : list of training.ModelSpec, optional
        The models; None or empty (default): ``book_specs()``.
    engine : {"ray", "sequential"}, default "ray"
        How models are trained.
    workers : int, optional
        CPUs of the local Ray instance; None (default): all cores.
    zoo_dir : str or path-like, optional
        The zoo's directory; None (default): ``ZOO_DIR``.
    cache_dir : str or path-like, optional
        The cache (default ``$ACME_CACHE_DIR`` or ``~/.cache/acme_utils``).
    command : str, optional
        The command recorded in new entries' provenance (``add``).
    train : bool, default True
        Train the models that are not in the cache; False: export only the cached ones.
    verbose : bool, default True
        Log progress.

    Returns
    -------
    list of dict
        The manifest entries of the exported models, in the order of ``specs``.

    Raises
    ------
    ValueError
        If ``engine`` is neither "ray" nor "sequential" (checked only when ``train``).
    """
    from . import sweep, training
    from .cache import resolve_cache_dir
    from .data import generate_dataset

    specs = list(specs or book_specs())
    data = generate_dataset(**BOOK_DATA, cache_dir=cache_dir, verbose=verbose)
    if not train:
        models_dir = resolve_cache_dir(cache_dir) / "models"
        cached = [
            s
            for s in specs
            if (
                models_dir
                / training.spec_key(data.key, s, BOOK_EPOCHS, BOOK_PATIENCE)
                / "meta.json"
            ).is_file()
        ]
        if verbose and len(cached) < len(specs):
            log.info(
                f"not in the cache (left out): {', '.join(s.label for s in specs if s not in cached)}"
            )
        specs = cached
    elif engine == "ray":
        sweep.run_sweep_ray(
            data,
            specs,
            epochs=BOOK_EPOCHS,
            patience=BOOK_PATIENCE,
            n_sequences=100,
            cache_dir=cache_dir,
            verbose=verbose,
            workers=workers,
        )
    elif engine == "sequential":
        sweep.run_sweep(
            data,
            specs,
            epochs=BOOK_EPOCHS,
            patience=BOOK_PATIENCE,
            n_sequences=100,
            cache_dir=cache_dir,
            verbose=verbose,
        )
    else:
        raise ValueError(f"engine must be 'ray' or 'sequential'; got {engine!r}")
    entries = []
    for spec in specs:
        key = training.spec_key(data.key, spec, BOOK_EPOCHS, BOOK_PATIENCE)
        kept = read_manifest(zoo_dir).get(key)
        if (
            kept is not None
            and (Path(zoo_dir or ZOO_DIR) / kept["file"]).is_file()
            and sha256(Path(zoo_dir or ZOO_DIR) / kept["file"]) == kept["sha256"]
        ):
            entries.append(
                kept
            )  # unchanged since the last build: keep the file and its provenance
            continue
        trained = training.train_spec(
            data, spec, BOOK_EPOCHS, BOOK_PATIENCE, cache_dir=cache_dir
        )
        entries.append(add(trained, zoo_dir, command))
        if verbose:
            log.info(
                f"zoo: {spec.label} -> {entries[-1]['file']} ({entries[-1]['bytes'] / 1e3:.0f} kB)"
            )
    return entries


def verify(
    zoo_dir=None,
    cache_dir=None,
    tolerance: float = 1e-6,
    data_params: dict | None = None,
    verbose: bool = True,
) -> list[str]:
    """Check every zoo entry against the current code; return the problems found.

    An empty list: all good. For each entry: it was trained on the book's data (its
    ``data_key``); the key that ``training.model_key`` computes today from the entry's
    data and configurations equals the recorded key (otherwise the code has changed what
    the model would be, and the zoo must be rebuilt); the weights' checksum matches; and
    the loaded model's test AUROC on the book's data (``data_params``, default
    ``BOOK_DATA``) equals the recorded one within ``tolerance`` (evaluation on the CPU
    is deterministic, so it is exact in practice).

    Parameters
    ----------
    zoo_dir : str or path-like, optional
        The zoo's directory; None (default): ``ZOO_DIR``.
    cache_dir : str or path-like, optional
        The cache of the dataset (default ``$ACME_CACHE_DIR`` or
        ``~/.cache/acme_utils``).
    tolerance : float, default 1e-6
        Largest accepted difference of test AUROC.
    data_params : dict, optional
        Arguments of ``data.generate_dataset``; None (default): ``BOOK_DATA``.
    verbose : bool, default True
        Log one line per entry that passes.

    Returns
    -------
    list of str
        One message per problem; a single one if the zoo is empty.
    """
    from . import training
    from .data import generate_dataset
    from .models import cnn_config

    manifest = read_manifest(zoo_dir)
    if not manifest:
        return [f"the zoo in {zoo_dir or ZOO_DIR} is empty"]
    data = generate_dataset(
        **(data_params or BOOK_DATA), cache_dir=cache_dir, verbose=False
    )
    problems = []
    for key, entry in manifest.items():
        label = f"{entry['name']} ({key})"
        if entry["data_key"] != data.key:
            problems.append(
                f"{label}: trained on data {entry['data_key']}, the book's data are now {data.key}"
            )
            continue
        model_config = cnn_config(**entry["model_config"])
        train_config = training.make_train_config(**entry["train_config"])
        now = training.model_key(data.key, model_config, train_config)
        if now != key:
            problems.append(
                f"{label}: the current code gives key {now}; rebuild the zoo "
                "(python -m acme_utils.zoo build)"
            )
            continue
        try:
            model = load_weights(entry, zoo_dir)
        except ValueError as err:
            problems.append(str(err))
            continue
        auroc = training.evaluate(model, data.test)["auroc"]
        recorded = entry["test_metrics"]["auroc"]
        if abs(auroc - recorded) > tolerance:
            problems.append(
                f"{label}: test AUROC {auroc:.8f} on loading, the manifest records {recorded:.8f}"
            )
        elif verbose:
            log.info(f"ok  {entry['name']:<34} key {key}  test AUROC {auroc:.6f}")
    return problems


def main(argv=None) -> int:
    """Command-line entry point: ``python -m acme_utils.zoo build | verify | list``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments; None (default): ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 1 when ``verify`` finds problems, else 0.
    """
    p = argparse.ArgumentParser(
        prog="python -m acme_utils.zoo", description=__doc__.split("\n\n")[0]
    )
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build",
        help="train (or take from the cache) every book model and write the zoo",
    )
    b.add_argument("--engine", choices=("ray", "sequential"), default="ray")
    b.add_argument(
        "--workers",
        type=int,
        default=None,
        help="CPUs of the local Ray instance (default: all)",
    )
    b.add_argument(
        "--no-train",
        action="store_true",
        help="train nothing: export the book models already in the cache, list the others",
    )
    sub.add_parser(
        "verify",
        help="check keys, checksums and test AUROC of every entry against the current code",
    )
    sub.add_parser("list", help="list the zoo's models")
    args = p.parse_args(argv)
    if args.command == "build":
        build(
            engine=args.engine,
            workers=args.workers,
            train=not args.no_train,
            command="python -m acme_utils.zoo "
            + " ".join(sys.argv[1:] if argv is None else argv),
        )
        return 0
    if args.command == "list":
        for entry in read_manifest().values():
            log.info(
                f"{entry['key']}  {entry['name']:<34} test AUROC {entry['test_metrics']['auroc']:.4f}  "
                f"{entry['bytes'] / 1e3:.0f} kB"
            )
        return 0
    problems = verify()
    for problem in problems:
        log.error(f"PROBLEM {problem}")
    missing = missing_book_models()
    log.info(
        f"{len(read_manifest())} zoo entries, {len(problems)} problem(s); {len(missing)} of the book's "
        f"{len(book_specs())} models not in the zoo{': ' + ', '.join(missing) if missing else ''}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
