"""Teaching with the book: the chapters' exercises, student notebooks and lesson plans.

Every chapter ends with a section of exercises written with ``sphinx-exercise``: an
``{exercise}`` directive with a ``:label:``, followed by its worked solution between
``{solution-start} <label>`` and ``{solution-end}`` (the gated form, so that a solution can
hold executable code cells) or, for prose only, a single ``{solution} <label>`` directive.
This module reads that structure from a chapter (a MyST ``.md`` or an ``.ipynb``):

- ``exercises``           the exercises of a chapter, checked (one solution each, no stray or
                          unclosed solution, unique labels)
- ``strip_solutions``     a copy of a notebook without its solutions, for students
- ``learning_objectives`` a chapter's "What you will learn" list, for the instructor's guide
- ``LESSON_PLANS``        the guide's lesson plans as data: chapters, exercises and the
                          parameters each chapter runs at
- ``time_plan``           execute a plan's chapters with papermill and time them (resumable)

Commands (from a clone of the repository)::

    python -m acme_utils.course strip [NOTEBOOKS_DIR_OR_FILES ...] --out DIR
    python -m acme_utils.course time --plan lab

``strip`` writes one student ``.ipynb`` per chapter (default: ``notebooks/*.ipynb`` into
``student/``); ``time`` writes ``results/course_times.csv`` and its provenance
(``course_times.json``), one row per chapter of a plan, saved after each chapter.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# "acme_utils.course", not __name__: under ``python -m`` __name__ is "__main__", whose
# records would not reach the package's handler
log = logging.getLogger("acme_utils.course")

__all__ = [
    "REPO_ROOT",
    "NOTEBOOKS_DIR",
    "STUDENT_DIR",
    "TIMES_PATH",
    "TIMES_COLUMNS",
    "LESSON_PLANS",
    "Exercise",
    "exercises",
    "strip_solutions",
    "learning_objectives",
    "chapter_title",
    "toc_chapters",
    "plan_chapters",
    "plan_exercises",
    "time_plan",
    "read_times",
    "plan_times",
    "main",
]

#: The repository this package was imported from (the chapters live there, not in a wheel).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The chapters: ``NN_name.md`` paired with ``NN_name.ipynb``.
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
#: Where ``strip`` writes the student notebooks by default (not committed: .gitignore).
STUDENT_DIR = REPO_ROOT / "student"
#: The committed run times of the lesson plans (``time``); provenance in ``.json`` beside it.
TIMES_PATH = Path(__file__).resolve().parent / "results" / "course_times.csv"

# The lesson plans of the instructor's guide (book/instructors.md). Per chapter: the teaching
# time in minutes, the exercises (a number n: the chapter's first n; "all"; or a list of
# labels) and the chapter's parameters (papermill; {} runs the publication-size defaults,
# whose models all come from the pretrained zoo). ``shared_cache``: whether the chapters share
# one cache (one machine, as in the module) or each starts from an empty one (on Colab every
# notebook runs on its own runtime). ``time --plan NAME`` measures each chapter at exactly
# these parameters, with that cache.
LESSON_PLANS = {
    "lab": {
        "title": "A 90-minute lab on Colab with a GPU",
        "runtime": "Google Colab, GPU runtime",
        "shared_cache": False,
        "sessions": [
            {
                "title": "From a synthetic regulatory code to selecting models",
                "chapters": [
                    # generating the data (cached for the other chapters) and the setup
                    {
                        "chapter": "01_synthetic_data",
                        "minutes": 15,
                        "exercises": 1,
                        "parameters": {},
                    },
                    # the zoo's models; fewer maps than the book (ISM is the slow method)
                    {
                        "chapter": "04_gradient_correction",
                        "minutes": 30,
                        "exercises": 2,
                        "parameters": {"N_EXPLAIN": 500, "N_ISM": 100},
                    },
                    {
                        "chapter": "05_kmer_consistency",
                        "minutes": 25,
                        "exercises": 2,
                        "parameters": {},
                    },
                    # the committed study grid; one model re-scored instead of three
                    {
                        "chapter": "09_model_selection",
                        "minutes": 20,
                        "exercises": 1,
                        "parameters": {"N_RECHECK": 1},
                    },
                ],
            }
        ],
    },
    "module": {
        "title": "A 3-session module on CPU",
        "runtime": "a laptop or lab machine, CPU only",
        "shared_cache": True,
        "sessions": [
            {
                "title": "Session 1: data, models and attribution maps",
                "chapters": [
                    {
                        "chapter": "01_synthetic_data",
                        "minutes": 30,
                        "exercises": "all",
                        "parameters": {},
                    },
                    {
                        "chapter": "02_training_cnns",
                        "minutes": 45,
                        "exercises": "all",
                        "parameters": {},
                    },
                    {
                        "chapter": "03_attribution_methods",
                        "minutes": 45,
                        "exercises": "all",
                        "parameters": {},
                    },
                ],
            },
            {
                "title": "Session 2: correcting and scoring maps without ground truth",
                "chapters": [
                    {
                        "chapter": "04_gradient_correction",
                        "minutes": 35,
                        "exercises": "all",
                        "parameters": {},
                    },
                    {
                        "chapter": "05_kmer_consistency",
                        "minutes": 40,
                        "exercises": "all",
                        "parameters": {},
                    },
                    {
                        "chapter": "06_kattr_mean_consistency",
                        "minutes": 45,
                        "exercises": "all",
                        "parameters": {},
                    },
                ],
            },
            {
                "title": "Session 3: training for interpretability, selecting models, "
                "finding motifs",
                "chapters": [
                    {
                        "chapter": "07_regularising_cnns",
                        "minutes": 35,
                        "exercises": "all",
                        "parameters": {},
                    },
                    {
                        "chapter": "08_attribution_priors",
                        "minutes": 25,
                        "exercises": "all",
                        "parameters": {},
                    },
                    {
                        "chapter": "09_model_selection",
                        "minutes": 30,
                        "exercises": "all",
                        "parameters": {},
                    },
                    {
                        "chapter": "10_maps_to_motifs",
                        "minutes": 30,
                        "exercises": "all",
                        "parameters": {},
                    },
                ],
            },
        ],
    },
}


@dataclass(frozen=True)
class Exercise:
    """One exercise of a chapter and what its solution holds.

    Attributes
    ----------
    label : str
        The exercise's ``:label:`` (its cross-reference target).
    title : str
        The directive's argument (may be empty).
    has_code : bool
        Whether the solution holds at least one code cell.
    text : str
        The exercise's body (without its options).
    code : tuple of str
        The sources of the solution's code cells, in order.
    """

    label: str
    title: str
    has_code: bool
    text: str = ""
    code: tuple = ()


# Markdown parsing: fenced blocks (``` ~~~ :::) and MyST directives ({name} argument)
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[A-Za-z][\w-]*)\}\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
_EXERCISE = ("exercise", "exercise-start")


@dataclass(frozen=True)
class _Block:
    name: str
    arg: str
    start: int  # first line (the opening fence)
    end: int  # one past the closing fence
    options: dict
    body: str


def _options(lines: list[str]) -> tuple[dict, list[str]]:
    """A directive's options (``:key: value`` lines or a ``---`` YAML block) and its body."""
    options: dict = {}
    if lines and lines[0].strip() == "---":
        close = next(
            (i for i in range(1, len(lines)) if lines[i].strip() == "---"), None
        )
        if close is not None:
            for line in lines[1:close]:
                key, _, value = line.partition(":")
                if value:
                    options[key.strip()] = value.strip()
            return options, lines[close + 1 :]
    i = 0
    while i < len(lines) and (m := _OPTION.match(lines[i])):
        options[m["key"]] = m["value"]
        i += 1
    return options, lines[i:]


def _blocks(source: str) -> list[_Block]:
    """The directive blocks of one markdown cell, nested ones included, by first line.

    Fenced code without a directive (```` ```python ````) is literal: a directive written
    inside it is an example, not a directive. An unclosed fence ends with the cell.
    """
    lines = source.splitlines()
    stack: list[tuple[str, int, str | None, str, int]] = []
    found = []

    def close(top, closing):  # closing: the line of the closing fence, or None
        _, _, name, arg, start = top
        if name is not None:
            body = (
                lines[start + 1 : closing]
                if closing is not None
                else lines[start + 1 :]
            )
            options, body = _options(body)
            end = closing + 1 if closing is not None else len(lines)
            found.append(_Block(name, arg, start, end, options, "\n".join(body)))

    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if m and m["fence"][0] == "`" and "`" in m["info"]:
            m = None  # inline code, not a fence
        if stack:
            char, length = stack[-1][0], stack[-1][1]
            if (
                m
                and m["fence"][0] == char
                and len(m["fence"]) >= length
                and not m["info"]
            ):
                close(stack.pop(), i)
                continue
            if stack[-1][2] is None:
                continue  # literal code: nothing inside it is a directive
        if m:
            d = _DIRECTIVE.match(m["info"])
            name, arg = (d["name"], d["arg"].strip()) if d else (None, "")
            stack.append((m["fence"][0], len(m["fence"]), name, arg, i))
    while stack:
        close(stack.pop(), None)
    return sorted(found, key=lambda b: b.start)


def _read(notebook):
    """A notebook (nbformat v4) from a path (``.md`` via jupytext, or ``.ipynb``) or as is."""
    if not isinstance(notebook, (str, os.PathLike)):
        return notebook, "notebook"
    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"no such notebook: {path}")
    if path.suffix == ".md":
        import jupytext

        return jupytext.read(path), path.name
    if path.suffix == ".ipynb":
        import nbformat

        return nbformat.read(path, as_version=4), path.name
    raise ValueError(f"{path.name}: not a notebook (.md or .ipynb)")


def _scan(nb, name: str, require_solutions: bool = True):
    """Exercises and solutions of a notebook, checked.

    Returns (exercises, solutions): exercises as ``{label: (cell, block)}`` in order;
    solutions as a list of dicts with the label, whether gated, where they start and end
    (cell, line) and the sources of their code cells.
    """
    found: dict[str, tuple[int, _Block]] = {}
    solutions: list[dict] = []
    gate = None  # the open solution-start
    for c, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            if gate is not None and cell.cell_type == "code":
                gate["code"].append(cell.source)
            continue
        for block in _blocks(cell.source):
            where = f"{name}, cell {c}"
            if block.name in _EXERCISE:
                label = block.options.get("label")
                if not label:
                    raise ValueError(
                        f"{where}: exercise {block.arg!r} has no :label: (its solution "
                        "names it)"
                    )
                if gate is not None:
                    raise ValueError(
                        f"{where}: exercise {label!r} inside the solution of "
                        f"{gate['label']!r} (no solution-end before it)"
                    )
                if label in found:
                    raise ValueError(f"{where}: duplicate exercise label {label!r}")
                found[label] = (c, block)
            elif block.name == "solution":
                if gate is not None:
                    raise ValueError(
                        f"{where}: solution of {block.arg!r} inside the solution of "
                        f"{gate['label']!r}"
                    )
                solutions.append(
                    dict(
                        label=block.arg,
                        gated=False,
                        start=(c, block.start),
                        end=(c, block.end),
                        code=[],
                    )
                )
            elif block.name == "solution-start":
                if gate is not None:
                    raise ValueError(
                        f"{where}: solution-start of {block.arg!r} before the "
                        f"solution-end of {gate['label']!r}"
                    )
                gate = dict(
                    label=block.arg, gated=True, start=(c, block.start), code=[]
                )
            elif block.name == "solution-end":
                if gate is None:
                    raise ValueError(f"{where}: solution-end without a solution-start")
                gate["end"] = (c, block.end)
                solutions.append(gate)
                gate = None
    if gate is not None:
        raise ValueError(
            f"{name}: the solution-start of {gate['label']!r} (cell {gate['start'][0]}) "
            "has no solution-end"
        )
    seen = set()
    for s in solutions:
        if not s["label"]:
            raise ValueError(f"{name}: a solution names no exercise label")
        if s["label"] not in found:
            raise ValueError(
                f"{name}: a solution for the unknown exercise label {s['label']!r}"
            )
        if s["label"] in seen:
            raise ValueError(f"{name}: exercise {s['label']!r} has two solutions")
        seen.add(s["label"])
    missing = [label for label in found if label not in seen]
    if missing and require_solutions:
        raise ValueError(f"{name}: exercise(s) without a solution: {missing}")
    return found, solutions


def exercises(notebook, solutions: bool = True) -> list[Exercise]:
    """The exercises of a chapter, in order, each with what its solution holds.

    Exercises are ``{exercise}`` (or ``{exercise-start}``) directives with a ``:label:``;
    a solution is either a ``{solution} <label>`` directive (prose) or everything from a
    ``{solution-start} <label>`` directive through the next ``{solution-end}``, code
    cells included. Directives written inside literal code fences are not counted.

    Parameters
    ----------
    notebook : str, path-like or nbformat.NotebookNode
        A chapter: a MyST ``.md`` (read with jupytext), an ``.ipynb``, or a notebook.
    solutions : bool, default True
        Whether every exercise must have a solution; False reads a student notebook
        (``strip_solutions``), whose exercises have none.

    Returns
    -------
    list of Exercise
        One per exercise, in the order of the notebook; empty if it has none.

    Raises
    ------
    FileNotFoundError
        If ``notebook`` is a path that does not exist.
    ValueError
        If it is not ``.md`` or ``.ipynb``; or an exercise has no label, no solution or
        two solutions; a solution names an unknown label; a ``solution-start`` has no
        ``solution-end`` (or a ``solution-end`` no start); a label is used twice.
    """
    nb, name = _read(notebook)
    found, answers = _scan(nb, name, require_solutions=solutions)
    code = {s["label"]: tuple(s["code"]) for s in answers}
    return [
        Exercise(
            label=label,
            title=block.arg,
            has_code=bool(code.get(label)),
            text=block.body.strip(),
            code=code.get(label, ()),
        )
        for label, (_, block) in found.items()
    ]


def _tidy(lines: list[str]) -> str:
    """Lines joined, without leading/trailing blank lines or runs of blank lines."""
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text)


def strip_solutions(nb):
    """A copy of a notebook without the solutions of its exercises, for students.

    Removed: everything from the ``{solution-start}`` directive through the
    ``{solution-end}`` directive (whole cells in between, the parts of the first and last
    markdown cells inside the solution; both in one cell works too), and every
    ``{solution}`` directive block. A markdown cell left empty is dropped. Kept: every
    other cell, exercises included, with its id and metadata; code cells lose their
    outputs and execution counts. The jupytext pairing is removed from the notebook's
    metadata (a student notebook has no ``.md`` twin).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook (nbformat v4); not modified.

    Returns
    -------
    nbformat.NotebookNode
        The student notebook.

    Raises
    ------
    ValueError
        If the exercises and solutions are malformed (as in :func:`exercises`).
    """
    return _without_solutions(nb, "notebook")[0]


def _without_solutions(nb, name: str):
    """``strip_solutions`` of ``nb`` and the number of solutions it removed."""
    _, solutions = _scan(nb, name)
    # per cell: None (drop it whole) or the set of line numbers to drop
    drop: dict[int, set | None] = {}
    for s in solutions:
        (c0, l0), (c1, l1) = s["start"], s["end"]
        if c0 == c1:
            drop.setdefault(c0, set()).update(range(l0, l1))
            continue
        n0 = len(nb.cells[c0].source.splitlines())
        drop.setdefault(c0, set()).update(range(l0, n0))
        for c in range(c0 + 1, c1):
            drop[c] = None
        drop.setdefault(c1, set()).update(range(0, l1))
    out = copy.deepcopy(nb)
    cells = []
    for c, cell in enumerate(out.cells):
        if c in drop and drop[c] is None:
            continue
        if drop.get(c):
            lines = cell.source.splitlines()
            cell.source = _tidy([x for i, x in enumerate(lines) if i not in drop[c]])
            if not cell.source.strip():
                continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    out.cells = cells
    out.metadata.pop("jupytext", None)
    out.metadata.pop("papermill", None)
    return out, len(solutions)


_LEARN = re.compile(r"^\s*(\*\*)?What you will learn(\*\*)?\s*:?\s*(\*\*)?\s*$", re.I)


def learning_objectives(md) -> list[str]:
    """The items of a chapter's "What you will learn" list, as Markdown strings.

    Parameters
    ----------
    md : str or path-like
        The chapter's MyST ``.md`` file.

    Returns
    -------
    list of str
        One string per list item, its lines joined, without the final ``;`` or ``.``.

    Raises
    ------
    ValueError
        If the chapter has no "What you will learn" line followed by a list.
    """
    lines = Path(md).read_text().splitlines()
    start = next((i for i, x in enumerate(lines) if _LEARN.match(x)), None)
    items: list[list[str]] = []
    if start is not None:
        for line in lines[start + 1 :]:
            if line.startswith(("- ", "* ")):
                items.append([line[2:].strip()])
            elif items and line.startswith(" ") and line.strip():
                items[-1].append(line.strip())
            elif items or (line.strip() and not line.startswith(("- ", "* "))):
                break
    if not items:
        raise ValueError(f"{Path(md).name}: no 'What you will learn' list")
    return [" ".join(item).rstrip(";.").strip() for item in items]


def chapter_title(md) -> str:
    """A chapter's title: its first level-1 heading.

    Parameters
    ----------
    md : str or path-like
        The chapter's MyST ``.md`` file.

    Returns
    -------
    str
        The heading's text.

    Raises
    ------
    ValueError
        If the file has no ``# `` heading.
    """
    for line in Path(md).read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{Path(md).name}: no level-1 heading")


def toc_chapters(toc=None) -> list[str]:
    """The chapters of the book's table of contents, in order (stems under notebooks/).

    Parameters
    ----------
    toc : str or path-like, optional
        The ``_toc.yml``; None (default): the repository's.

    Returns
    -------
    list of str
        Stems such as ``"01_synthetic_data"``, for entries ``notebooks/<stem>``.
    """
    import yaml

    data = yaml.safe_load(Path(toc or REPO_ROOT / "_toc.yml").read_text())
    files = [ch["file"] for part in data.get("parts", []) for ch in part["chapters"]]
    files += [ch["file"] for ch in data.get("chapters", [])]
    return [f.split("/", 1)[1] for f in files if f.startswith("notebooks/")]


def plan_chapters(name: str) -> list[dict]:
    """The chapters of a lesson plan, in order, each with its session.

    Parameters
    ----------
    name : str
        A key of ``LESSON_PLANS``.

    Returns
    -------
    list of dict
        The chapter entries of the plan (``chapter``, ``minutes``, ``exercises``,
        ``parameters``) with ``session`` (1-based) and ``session_title`` added.

    Raises
    ------
    KeyError
        If there is no such plan.
    """
    if name not in LESSON_PLANS:
        raise KeyError(f"no lesson plan {name!r}; plans: {', '.join(LESSON_PLANS)}")
    return [
        {**entry, "session": s, "session_title": session["title"]}
        for s, session in enumerate(LESSON_PLANS[name]["sessions"], start=1)
        for entry in session["chapters"]
    ]


def plan_exercises(entry: dict, notebooks_dir=None) -> list[Exercise]:
    """The exercises a plan's chapter entry selects, from the chapter itself.

    Parameters
    ----------
    entry : dict
        A chapter entry of a plan (``plan_chapters``): its ``exercises`` is ``"all"``, a
        number n (the chapter's first n) or a list of labels.
    notebooks_dir : str or path-like, optional
        Where the chapters are; None (default): ``NOTEBOOKS_DIR``.

    Returns
    -------
    list of Exercise
        In the chapter's order; fewer than n if the chapter has fewer.

    Raises
    ------
    ValueError
        If a listed label is not an exercise of the chapter.
    """
    md = Path(notebooks_dir or NOTEBOOKS_DIR) / f"{entry['chapter']}.md"
    found = exercises(md)
    wanted = entry.get("exercises", "all")
    if wanted == "all":
        return found
    if isinstance(wanted, int):
        return found[:wanted]
    labels = {e.label for e in found}
    unknown = [w for w in wanted if w not in labels]
    if unknown:
        raise ValueError(f"{md.name} has no exercise(s) {unknown}")
    return [e for e in found if e.label in wanted]


# ---------------------------------------------------------------------------- timing plans

#: The columns of the times table (``time_plan``, ``read_times``).
TIMES_COLUMNS = [
    "plan",
    "session",
    "order",
    "chapter",
    "parameters",
    "n_exercises",
    "wall_seconds",
    "load1_before",
    "load5_before",
    "load1_after",
    "load5_after",
    "cache_entries_before",
    "started",
    "run",
]


def _parameters_key(parameters: dict) -> str:
    return json.dumps(parameters, sort_keys=True)


def read_times(path=None) -> tuple[pd.DataFrame, dict]:
    """The measured run times of the lesson plans and their provenance.

    Parameters
    ----------
    path : str or path-like, optional
        The CSV written by ``time``; None (default): ``TIMES_PATH``.

    Returns
    -------
    table : pandas.DataFrame
        One row per measured chapter of a plan (columns ``plan``, ``session``,
        ``order``, ``chapter``, ``parameters`` (JSON), ``n_exercises``,
        ``wall_seconds``, load averages before/after, ``cache_entries_before``,
        ``started``, ``run``); empty with these columns if nothing was measured.
    provenance : dict
        The ``.json`` beside it (``runs``: command, commit, machine, versions, per
        run; ``row["run"]`` indexes it); empty if there is none.
    """
    path = Path(path or TIMES_PATH)
    if not path.is_file() or path.stat().st_size == 0:
        table = pd.DataFrame(columns=TIMES_COLUMNS)
    else:
        table = pd.read_csv(path, dtype={"parameters": str})
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    return table, meta


def plan_times(name: str, path=None) -> pd.DataFrame:
    """A lesson plan's chapters with their measured run times, where measured.

    A chapter counts as measured only at the plan's current parameters.

    Parameters
    ----------
    name : str
        A key of ``LESSON_PLANS``.
    path : str or path-like, optional
        The times table; None (default): ``TIMES_PATH``.

    Returns
    -------
    pandas.DataFrame
        One row per chapter of the plan, in order: ``session``, ``chapter``,
        ``parameters`` (dict), ``minutes`` (teaching time), ``wall_seconds`` (NaN if
        not measured), ``load1_before``, ``load1_after``, ``n_exercises`` (in the
        executed chapter) and ``run`` (index into the provenance's ``runs``, or -1).

    Raises
    ------
    KeyError
        If there is no such plan.
    """
    table, _ = read_times(path)
    rows = []
    for entry in plan_chapters(name):
        match = table[
            (table.plan == name)
            & (table.chapter == entry["chapter"])
            & (table.parameters == _parameters_key(entry["parameters"]))
        ]
        row = match.iloc[-1] if len(match) else None
        get = (lambda k: row[k]) if row is not None else (lambda k: float("nan"))
        rows.append(
            {
                "session": entry["session"],
                "chapter": entry["chapter"],
                "parameters": entry["parameters"],
                "minutes": entry["minutes"],
                "wall_seconds": get("wall_seconds"),
                "load1_before": get("load1_before"),
                "load1_after": get("load1_after"),
                "n_exercises": get("n_exercises"),
                "run": int(row["run"]) if row is not None else -1,
            }
        )
    return pd.DataFrame(rows)


def _load() -> tuple[float | None, float | None]:
    try:
        one, five, _ = os.getloadavg()
    except (AttributeError, OSError):  # not on this platform
        return None, None
    return round(one, 2), round(five, 2)


def _machine() -> dict:
    """The zoo's machine description, plus the CPU model, memory and GPUs."""
    from . import zoo
    from ._tensorflow import tf

    machine = zoo._machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        machine["cpu"] = re.search(r"model name\s*:\s*(.*)", cpuinfo)[1].strip()
    except (OSError, TypeError):
        pass
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        machine["memory_gb"] = round(pages * size / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    machine["gpus"] = [d.name for d in tf.config.list_physical_devices("GPU")]
    return machine


def _save(table: pd.DataFrame, meta: dict, path: Path) -> None:
    from .sweep import _write_atomic

    _write_atomic(table[TIMES_COLUMNS], path)
    meta_path = path.with_suffix(".json")
    tmp = meta_path.with_name(f".{meta_path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(meta, indent=2) + "\n")
    os.replace(tmp, meta_path)


def time_plan(
    name: str,
    path=None,
    cache_dir=None,
    chapters=None,
    redo: bool = False,
    notebooks_dir=None,
    command: str | None = None,
) -> pd.DataFrame:
    """Execute a lesson plan's chapters with papermill, in order, and time each one.

    Each chapter runs top to bottom (solutions included) at the plan's parameters, in a
    fresh kernel, taking models from the pretrained zoo (``ACME_RETRAIN`` is unset for
    the kernels). With the plan's ``shared_cache`` the chapters share one cache directory,
    like a student who starts from an empty cache and works through the plan on one
    machine; without it each chapter starts from an empty cache of its own, as each
    notebook does on its own Colab runtime. The wall time
    and the machine's load averages before and after are recorded; the table and its
    provenance are written atomically after every chapter, so an interrupted run resumes
    with the first chapter not measured at the plan's current parameters.

    Parameters
    ----------
    name : str
        A key of ``LESSON_PLANS``.
    path : str or path-like, optional
        The times table (CSV; provenance as ``.json`` beside it); None (default):
        ``TIMES_PATH``. Rows of other plans are kept.
    cache_dir : str or path-like, optional
        The shared cache of a plan with ``shared_cache``; None (default):
        ``<tmp>/acme_utils_course/<name>``, emptied by ``redo``. Unused by a plan without
        it (each chapter gets a new temporary one).
    chapters : sequence of str, optional
        Only these chapters of the plan (stems); None (default): all.
    redo : bool, default False
        Measure again chapters already measured (and start the default cache empty).
    notebooks_dir : str or path-like, optional
        Where the chapters' ``.ipynb`` are; None (default): ``NOTEBOOKS_DIR``.
    command : str, optional
        The command line recorded in the provenance.

    Returns
    -------
    pandas.DataFrame
        The whole times table after this run.

    Raises
    ------
    KeyError
        If there is no such plan.
    ValueError
        If ``chapters`` names a chapter that is not in the plan.
    FileNotFoundError
        If a chapter's notebook is missing.
    """
    import papermill

    from . import zoo

    entries = plan_chapters(name)
    if chapters is not None:
        unknown = set(chapters) - {e["chapter"] for e in entries}
        if unknown:
            raise ValueError(f"chapters not in plan {name!r}: {sorted(unknown)}")
    selected = {
        e["chapter"] for e in entries if chapters is None or e["chapter"] in chapters
    }
    notebooks_dir = Path(notebooks_dir or NOTEBOOKS_DIR)
    for e in entries:
        if (
            e["chapter"] in selected
            and not (notebooks_dir / f"{e['chapter']}.ipynb").is_file()
        ):
            raise FileNotFoundError(
                f"no chapter {e['chapter']}.ipynb in {notebooks_dir}"
            )
    path = Path(path or TIMES_PATH)
    own_cache = cache_dir is None
    cache = Path(cache_dir or Path(tempfile.gettempdir()) / "acme_utils_course" / name)
    if redo and own_cache and cache.exists():
        shutil.rmtree(cache)
    cache.mkdir(parents=True, exist_ok=True)
    table, meta = read_times(path)
    started = time.time()
    runs = meta.setdefault("runs", [])
    run = {
        "command": command or f"time_plan({name!r})",
        "commit": zoo._git("rev-parse", "HEAD"),
        "dirty": bool(zoo._git("status", "--porcelain", "--untracked-files=no")),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "plan": name,
        "shared_cache": LESSON_PLANS[name].get("shared_cache", True),
        "machine": _machine(),
        "versions": zoo._versions(),
        "chapters": [],
    }
    index = len(runs)
    saved_env = {k: os.environ.get(k) for k in ("ACME_CACHE_DIR", "MPLBACKEND")}
    saved_env[zoo.RETRAIN_ENV_VAR] = os.environ.pop(zoo.RETRAIN_ENV_VAR, None)
    if saved_env[zoo.RETRAIN_ENV_VAR]:
        log.info(
            f"{zoo.RETRAIN_ENV_VAR} is unset for the chapters: models from the zoo"
        )
    shared = run["shared_cache"]
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        for order, entry in enumerate(entries):
            if entry["chapter"] not in selected:
                continue
            chapter, params = entry["chapter"], entry["parameters"]
            done = table[
                (table.plan == name)
                & (table.chapter == chapter)
                & (table.parameters == _parameters_key(params))
            ]
            if len(done) and not redo:
                log.info(
                    f"{name}: {chapter} already measured "
                    f"({float(done.iloc[-1].wall_seconds):.0f} s); skipped"
                )
                continue
            ipynb = notebooks_dir / f"{chapter}.ipynb"
            n_exercises = len(exercises(ipynb))
            own = None if shared else tempfile.TemporaryDirectory()
            os.environ["ACME_CACHE_DIR"] = own.name if own else str(cache)
            entries_before = sum(
                1 for _ in Path(os.environ["ACME_CACHE_DIR"]).rglob("*")
            )
            load1, load5 = _load()
            log.info(
                f"{name}: {chapter} at {params or 'its defaults'} "
                f"(load average {load1}) ..."
            )
            began, t0 = time.gmtime(), time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    papermill.execute_notebook(
                        str(ipynb),
                        str(Path(tmp) / ipynb.name),
                        parameters=params,
                        cwd=str(notebooks_dir),
                        kernel_name="python3",
                        progress_bar=False,
                    )
                except papermill.PapermillExecutionError:
                    log.error(
                        f"{name}: {chapter} failed; the chapters measured before it are "
                        "saved: fix it and run the same command again to resume"
                    )
                    raise
                finally:
                    wall = time.perf_counter() - t0
                    if own is not None:  # not timed: a Colab runtime is just dropped
                        own.cleanup()
            after1, after5 = _load()
            row = {
                "plan": name,
                "session": entry["session"],
                "order": order,
                "chapter": chapter,
                "parameters": _parameters_key(params),
                "n_exercises": n_exercises,
                "wall_seconds": round(wall, 1),
                "load1_before": load1,
                "load5_before": load5,
                "load1_after": after1,
                "load5_after": after5,
                "cache_entries_before": entries_before,
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", began),
                "run": index,
            }
            keep = ~((table.plan == name) & (table.chapter == chapter))
            table = pd.concat(
                [table[keep], pd.DataFrame([row])], ignore_index=True
            ).sort_values(["plan", "order"], kind="stable", ignore_index=True)
            run["chapters"].append(chapter)
            run["wall_seconds"] = round(time.time() - started, 1)
            if len(runs) == index:
                runs.append(run)
            meta.update({"command": run["command"], "commit": run["commit"]})
            _save(table, meta, path)
            log.info(
                f"{name}: {chapter} took {wall:.0f} s (load average {load1} -> {after1})"
            )
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return table


# ---------------------------------------------------------------------------- command line


def _inputs(paths) -> list[Path]:
    """The notebooks named by the command line: files, or the ``.ipynb`` of directories."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            inside = sorted(p.glob("*.ipynb"))
            if not inside:
                raise ValueError(f"{p}: no .ipynb notebooks in this directory")
            found += inside
        elif not p.exists():
            raise FileNotFoundError(f"{p}: no such file or directory")
        elif p.suffix not in (".ipynb", ".md"):
            raise ValueError(f"{p}: not a notebook (.ipynb or MyST .md)")
        else:
            found.append(p)
    return found


def _strip(paths, out) -> list[Path]:
    import nbformat

    if not paths:
        paths = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
        if not paths:
            raise FileNotFoundError(
                f"no chapters in {NOTEBOOKS_DIR}; name the notebooks to strip"
            )
    inputs = _inputs(paths)
    out = Path(out).resolve()
    targets = {}
    for p in inputs:
        target = out / f"{p.stem}.ipynb"
        if out == p.resolve().parent or target == p.resolve():
            raise ValueError(
                f"--out {out} is the folder of the input {p.name}: refusing to "
                "overwrite the notebooks with solutions"
            )
        if target in targets:
            raise ValueError(
                f"{p} and {targets[target]} would both write {target.name}"
            )
        targets[target] = p
    stripped = []  # everything is checked before anything is written
    for target, p in targets.items():
        student, n = _without_solutions(*_read(p))
        stripped.append((target, student, n))
    out.mkdir(parents=True, exist_ok=True)
    for target, student, n in stripped:
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        nbformat.write(student, tmp)
        os.replace(tmp, target)
        log.info(f"{target.name}: {n} solution(s) removed")
    log.info(f"{len(stripped)} student notebook(s) in {out}")
    return [t for t, _, _ in stripped]


def main(argv=None) -> int:
    """Command-line entry point: ``python -m acme_utils.course strip | time``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments; None (default): ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status, 0 (bad arguments or input end in ``SystemExit(2)`` with a
        message).
    """
    p = argparse.ArgumentParser(
        prog="python -m acme_utils.course", description=__doc__.split("\n\n")[0]
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser(
        "strip",
        help="write the student notebooks: the chapters without their solutions",
    )
    s.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOKS_DIR_OR_FILES",
        help="notebooks (.ipynb, or MyST .md) or folders of .ipynb (default: the "
        "repository's notebooks/NN_*.ipynb)",
    )
    s.add_argument(
        "--out",
        default=str(STUDENT_DIR),
        help="folder for the student notebooks, never the inputs' own (default: "
        "student/ in the repository)",
    )
    t = sub.add_parser(
        "time",
        help="execute a lesson plan's chapters with papermill and time them",
    )
    t.add_argument("--plan", required=True, choices=list(LESSON_PLANS))
    t.add_argument(
        "--results",
        default=str(TIMES_PATH),
        help="times table (CSV, resumed if it exists; provenance beside it as .json)",
    )
    t.add_argument(
        "--chapters", nargs="+", metavar="STEM", help="only these chapters of the plan"
    )
    t.add_argument(
        "--redo",
        action="store_true",
        help="measure again chapters already measured (with an empty cache)",
    )
    t.add_argument(
        "--cache-dir",
        default=None,
        help="the plan's cache (default: a folder of the system's temporary directory)",
    )
    args = p.parse_args(argv)
    try:
        if args.command == "strip":
            _strip(args.notebooks, args.out)
        else:
            command = "python -m acme_utils.course " + " ".join(
                shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
            )
            table = time_plan(
                args.plan,
                args.results,
                cache_dir=args.cache_dir,
                chapters=args.chapters,
                redo=args.redo,
                command=command,
            )
            mine = table[table.plan == args.plan]
            log.info(mine[["chapter", "wall_seconds", "load1_before"]].to_string())
    except (ValueError, FileNotFoundError, KeyError) as err:
        p.error(str(err))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
