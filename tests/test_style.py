"""One formatter for the package, its tests, the benchmarks and the chapters: ``ruff format``
at 88 columns (``[tool.ruff]`` in pyproject.toml), so chapter code fits the book's page."""

import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
LINE_LENGTH = 88


def test_code_is_formatted_by_ruff():
    pytest.importorskip("ruff", reason="ruff is part of the [test] extra")
    paths = [
        "acme_utils",
        "tests",
        "bench",
        *(str(p.with_suffix(".ipynb")) for p in CHAPTERS),
    ]
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, (
        "not formatted (run `ruff format acme_utils tests bench "
        f"notebooks/*.ipynb`, then `jupytext --sync`):\n{run.stdout}{run.stderr}"
    )


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_code_fits_the_page(md):
    """Long lines are cut off at the right edge of the built HTML."""
    long = [
        (i, line)
        for cell in jupytext.read(md).cells
        if cell.cell_type == "code"
        for i, line in enumerate(cell.source.splitlines())
        if len(line) > LINE_LENGTH
    ]
    assert not long, (
        f"{md.name}: {len(long)} code lines longer than {LINE_LENGTH}: {long[:3]}"
    )
