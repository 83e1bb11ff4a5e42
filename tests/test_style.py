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


def test_no_unused_imports_or_undefined_names():
    """Pyflakes' checks (ruff's F rules): unused imports, undefined or redefined names."""
    pytest.importorskip("ruff", reason="ruff is part of the [test] extra")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--select",
            "F",
            "acme_utils",
            "tests",
            "bench",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


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


def _public_definitions(path: Path) -> list[str]:
    """Public functions, classes and UPPER_CASE constants defined at the top of a module."""
    import ast

    names = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [
                t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()
            ]
    return [n for n in names if not n.startswith("_")]


MODULES = sorted(
    p for p in (ROOT / "acme_utils").glob("*.py") if not p.name.startswith("_")
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_every_module_declares_its_public_names(path):
    """``__all__`` lists every public definition of the module, and only names it has."""
    import importlib

    module = importlib.import_module(f"acme_utils.{path.stem}")
    declared = getattr(module, "__all__", None)
    assert declared is not None, f"{path.name} has no __all__"
    missing = set(_public_definitions(path)) - set(declared)
    assert not missing, f"{path.name}: public but not in __all__: {sorted(missing)}"
    absent = [n for n in declared if not hasattr(module, n)]
    assert not absent, f"{path.name}: __all__ names {absent}, which the module lacks"
    assert len(declared) == len(set(declared)), f"{path.name}: __all__ repeats a name"


def test_the_package_reports_through_logging_not_print():
    """The package's messages go to the ``acme_utils`` logger, so a user can silence them."""
    import ast

    offenders = []
    for path in sorted((ROOT / "acme_utils").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"print() in the package (use logging): {offenders}"
