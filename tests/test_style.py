"""One formatter for the package, its tests, the benchmarks and the chapters: ``ruff format``
at 88 columns (``[tool.ruff]`` in pyproject.toml), so chapter code fits the book's page."""

import inspect
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


# Every module of the package, the plotting family modules included (issue #12).
PACKAGE_MODULES = sorted(
    p
    for folder in (ROOT / "acme_utils", ROOT / "acme_utils" / "plotting")
    for p in folder.glob("*.py")
    if p.stem not in ("__init__", "__main__")
)


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _sections(doc: str) -> dict[str, list[str]]:
    """A NumPy-style docstring's sections: title (a line underlined by dashes) -> lines."""
    lines = doc.splitlines()
    sections: dict[str, list[str]] = {}
    current = None
    for i, line in enumerate(lines):
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if (
            line.strip()
            and not line.startswith(" ")
            and set(underline) == {"-"}
            and len(underline) == len(line.strip())
        ):
            current = sections.setdefault(line.strip(), [])
        elif current is not None and set(line.strip()) != {"-"}:
            current.append(line)
    return sections


def _documented_names(section: list[str]) -> set[str]:
    """The names a Parameters or Attributes section describes (``a, b : type`` counts both)."""
    names = set()
    for line in section:
        if line.strip() and not line.startswith(" "):
            for name in line.split(" : ")[0].split(","):
                names.add(name.strip().lstrip("*"))
    return names


def _returns_a_value(function) -> bool:
    """Whether ``function`` returns something.

    By its return annotation if it has one, else by a ``return <value>`` or ``yield <value>``
    in its own body (not in a nested function).
    """
    import ast
    import textwrap

    annotation = inspect.signature(function).return_annotation
    if annotation is not inspect.Signature.empty:
        return annotation not in (None, "None", type(None))
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError):
        return False
    body = tree.body[0]
    stack = list(body.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.YieldFrom) or (
            isinstance(node, ast.Yield) and node.value is not None
        ):
            return True
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def _docstring_problems(qualname: str, obj) -> list[str]:
    """What the NumPy-style docstring of a public function, method or class lacks."""
    doc = inspect.cleandoc(obj.__doc__) if obj.__doc__ else ""  # its own, not inherited
    if not doc.strip():
        return [f"{qualname}: no docstring"]
    problems = []
    lines = doc.splitlines()
    if len(lines) > 1 and lines[1].strip():
        problems.append(
            f"{qualname}: the summary is not one line followed by a blank line"
        )
    if isinstance(obj, property):
        return problems
    sections = _sections(doc)
    if inspect.isclass(obj):
        if "Attributes" not in sections and "Parameters" not in sections:
            problems.append(f"{qualname}: no Attributes or Parameters section")
        else:  # the fields of a dataclass, or the arguments of __init__
            documented = _documented_names(
                sections.get("Attributes", []) + sections.get("Parameters", [])
            )
            fields = inspect.signature(obj).parameters
            undocumented = [n for n in fields if n not in documented]
            if undocumented:
                problems.append(
                    f"{qualname}: attributes not documented: {undocumented}"
                )
        return problems
    parameters = [
        p
        for p in inspect.signature(obj).parameters.values()
        if p.name not in ("self", "cls")
    ]
    if parameters:
        if "Parameters" not in sections:
            problems.append(f"{qualname}: no Parameters section")
        else:
            documented = _documented_names(sections["Parameters"])
            undocumented = [p.name for p in parameters if p.name not in documented]
            if undocumented:
                problems.append(
                    f"{qualname}: parameters not documented: {undocumented}"
                )
    if _returns_a_value(obj) and not ({"Returns", "Yields"} & set(sections)):
        problems.append(f"{qualname}: no Returns section")
    return problems


@pytest.mark.parametrize("path", PACKAGE_MODULES, ids=_module_name)
def test_every_public_function_has_a_numpy_docstring(path):
    """Issue #12: every public function, class and method has a NumPy-style docstring.

    Checked for the names of each module's ``__all__`` that the module defines (not constants,
    not re-exports) and the public methods and properties of its classes: a one-line summary;
    a ``Parameters`` section naming each parameter (``*args, **kwargs`` may share an entry);
    a ``Returns`` (or ``Yields``) section if it returns something (by its return annotation,
    else a ``return <value>`` in its body); for a class, an ``Attributes`` or ``Parameters``
    section naming its fields. Shapes and types are for the reader to check.
    """
    import importlib

    module = importlib.import_module(_module_name(path))
    problems = []
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue  # a constant
        if obj.__module__ != module.__name__:
            continue  # a re-export, checked where it is defined
        problems += _docstring_problems(name, obj)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if inspect.isfunction(member) or isinstance(member, property):
                    problems += _docstring_problems(f"{name}.{attr}", member)
    assert not problems, (
        f"{path.relative_to(ROOT)}: {len(problems)} docstrings are not NumPy style "
        "(issue #12):\n" + "\n".join(problems)
    )
