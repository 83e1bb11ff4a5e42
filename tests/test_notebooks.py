"""Every chapter: paired .md/.ipynb in sync, opens with the book's template, and executes.

Chapters run under papermill with small parameters (their defaults are publication-size). They
share one private cache directory, in chapter order, so a later chapter reuses what an earlier one
trained, exactly as in the book build. A chapter with more than one path through it (e.g. live
training or a committed results table) runs once more per extra path (``EXTRA_RUNS``).
"""

import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))

#: Small settings per chapter: each key must be a parameter of that chapter.
SMALL_PARAMETERS = {
    "01_synthetic_data": {"N_PER_CLASS": 300, "SEED": 0},
    "02_training_cnns": {"N_PER_CLASS": 300, "SEED": 0, "EPOCHS": 2, "PATIENCE": 2},
    "03_attribution_methods": {
        "N_PER_CLASS": 300,
        "SEED": 0,
        "EPOCHS": 2,
        "PATIENCE": 2,
        "N_EXPLAIN": 40,
        "N_ISM": 8,
    },
    "04_gradient_correction": {
        "N_PER_CLASS": 300,
        "SEED": 0,
        "EPOCHS": 2,
        "PATIENCE": 2,
        "N_EXPLAIN": 40,
        "N_ISM": 8,
    },
    "05_kmer_consistency": {
        "N_PER_CLASS": 300,
        "SEED": 0,
        "EPOCHS": 2,
        "PATIENCE": 2,
        "N_EXPLAIN": 40,
    },
    "06_kattr_mean_consistency": {
        "N_PER_CLASS": 300,
        "SEED": 0,
        "EPOCHS": 2,
        "PATIENCE": 2,
        "N_EXPLAIN": 40,
    },
    # three of the seven regularisers (the regularisers themselves are unit-tested one by one)
    "07_regularising_cnns": {
        "N_PER_CLASS": 300,
        "SEED": 0,
        "EPOCHS": 2,
        "PATIENCE": 2,
        "N_EXPLAIN": 40,
        "REGULARIZERS": ["none", "mixup", "adversarial"],
    },
    "08_attribution_priors": {
        "N_PER_CLASS": 300,
        "SEED": 0,
        "EPOCHS": 2,
        "PATIENCE": 2,
        "N_EXPLAIN": 40,
        "REGULARIZERS": ["none", "mixup", "adversarial"],
    },
    # the live path: train and score a small grid here; tiny models are weak, so a low filter and
    # a wide AUROC tolerance (two-epoch models are far apart in AUROC)
    "09_model_selection": {
        "RECOMPUTE": True,
        "N_PER_CLASS": 300,
        "SEED": 0,
        "EPOCHS": 2,
        "PATIENCE": 2,
        "N_EXPLAIN": 40,
        "REGULARIZERS": ["none", "mixup"],
        "N_SEEDS": 2,
        "BATCH_NORM": [True],
        "MIN_TEST_AUROC": 0.5,
        "RECHECK": "retrain",
        "AUROC_TOLERANCE": 0.05,
    },
    # the live path on three shipped models and 300 maps each; the re-check of one committed
    # row runs at the table's size (1,943 maps), as it must to compare
    "10_maps_to_motifs": {
        "N_SEQUENCES": 300,
        "RECOMPUTE": True,
        "N_MODELS": 3,
        "MAX_PATTERNS": 3,
    },
}

#: Further runs of a chapter, by test id "<chapter>[<path>]": (chapter, parameters).
EXTRA_RUNS = {
    # the default path: read the committed study-grid table (trains nothing, whatever its size)
    "09_model_selection[committed]": (
        "09_model_selection",
        {"RECOMPUTE": False, "RECHECK": "rescore", "N_RECHECK": 1, "SHOW_PAIR": False},
    ),
}

#: Every execution of the test suite: (test id, chapter .md, parameters), in chapter order.
RUNS = sorted(
    [(md.stem, md, SMALL_PARAMETERS.get(md.stem)) for md in NOTEBOOKS]
    + [
        (run_id, ROOT / "notebooks" / f"{stem}.md", params)
        for run_id, (stem, params) in EXTRA_RUNS.items()
    ],
    key=lambda run: run[0],
)


def _repository_url() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def test_every_chapter_is_in_the_toc_and_has_small_parameters():
    toc = (ROOT / "_toc.yml").read_text()
    for md in NOTEBOOKS:
        assert f"notebooks/{md.stem}" in toc, f"{md.name} is not listed in _toc.yml"
        assert md.stem in SMALL_PARAMETERS, (
            f"add small test parameters for {md.stem} to SMALL_PARAMETERS"
        )
    assert NOTEBOOKS, "no chapters found"
    for run_id, (stem, _) in EXTRA_RUNS.items():
        assert (ROOT / "notebooks" / f"{stem}.md").is_file(), (
            f"EXTRA_RUNS {run_id!r}: no chapter {stem}"
        )


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_pair_in_sync_and_stripped(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.is_file(), (
        f"{md.name} has no paired {ipynb.name}: run `jupytext --to ipynb {md}`"
    )
    a, b = jupytext.read(md), jupytext.read(ipynb)
    cells = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert cells(a) == cells(b), (
        f"{md.name} and {ipynb.name} differ: run `jupytext --sync {md}`"
    )
    raw = nbformat.read(ipynb, as_version=4)
    for cell in raw.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{ipynb.name} carries outputs"
            )


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_template(md):
    nb = jupytext.read(md)
    text = md.read_text()
    for heading in ("## Overview", "## Prerequisites", "## Summary", "## References"):
        assert heading in text, f"{md.name} lacks the section {heading!r}"
    assert re.search(r"GPU", text), f"{md.name} must say whether a GPU helps"
    code = [c for c in nb.cells if c.cell_type == "code"]
    install = code[0].source
    assert "google.colab" in install and "%pip install" in install, (
        "first code cell must install in Colab"
    )
    url = _repository_url()
    assert f"git+{url}" in install, (
        f"the Colab install cell must use the repository URL of _config.yml ({url})"
    )
    assert "parameters" in code[1].metadata.get("tags", []), (
        "second code cell must be tagged 'parameters'"
    )
    defined = set(re.findall(r"^([A-Z_][A-Z0-9_]*)\s*=", code[1].source, flags=re.M))
    runs = [SMALL_PARAMETERS[md.stem]] + [
        p for stem, p in EXTRA_RUNS.values() if stem == md.stem
    ]
    unknown = set().union(*runs) - defined
    assert not unknown, f"test parameters {unknown} are not parameters of {md.name}"


@pytest.mark.parametrize(
    "md, parameters", [run[1:] for run in RUNS], ids=[run[0] for run in RUNS]
)
def test_chapter_executes_with_small_parameters(
    md, parameters, tmp_path, cache_dir, executed_dir, monkeypatch
):
    papermill = pytest.importorskip("papermill")
    if parameters is None:  # never run a chapter at its publication-size defaults
        pytest.fail(f"add small test parameters for {md.stem} to SMALL_PARAMETERS")
    monkeypatch.setenv("ACME_CACHE_DIR", str(cache_dir))
    # the inline backend, as in Jupyter and the book build: figures become image outputs
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    out = tmp_path / f"{md.stem}.ipynb"
    papermill.execute_notebook(
        str(md.with_suffix(".ipynb")),
        str(out),
        parameters=parameters,
        cwd=str(md.parent),
        kernel_name="python3",
        progress_bar=False,
    )
    executed = nbformat.read(out, as_version=4)
    errors = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors
    if parameters is SMALL_PARAMETERS.get(
        md.stem
    ):  # the chapter's main run: keep it for the built book
        nbformat.write(executed, executed_dir / f"{md.stem}.ipynb")
