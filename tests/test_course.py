"""Teaching material (issue #14): exercises, student notebooks, lesson plans, the guide.

``acme_utils.course`` on hand-made notebooks (every form of solution, every malformed
structure) and on the real chapters: each chapter's exercises and solutions, the student
version of each chapter, chapter 1's student version executed by papermill, the ``strip`` and
``time`` commands, the lesson plans against the chapters, and the instructor's guide in the
table of contents.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from acme_utils import course

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [
    ROOT / "notebooks" / f"{stem}.md" for stem in course.toc_chapters(ROOT / "_toc.yml")
]


def _exercise(label, title="An exercise"):
    return f"```{{exercise}} {title}\n:label: {label}\n\nWhat happens if ...?\n```"


def _hand_made():
    """Three exercises: a gated solution with code across cells, a prose solution in the
    exercise's own cell, and a gated solution opened and closed in one cell."""
    md, code = v4.new_markdown_cell, v4.new_code_cell
    cells = [
        md("# A chapter"),
        code("x = 1", outputs=[v4.new_output("stream", text="1\n")], execution_count=1),
        md(
            "## Exercises\n\n"
            + _exercise("ex-01-a", "Predict")
            + "\n\n```{solution-start} ex-01-a\n:class: dropdown\n```\n\nWe run it:"
        ),
        code("assert x == 1"),
        md("It holds."),
        code("print(x + 1)"),
        md(
            "Closing prose.\n\n```{solution-end}\n```\n\n"
            + _exercise("ex-01-b", "Interpret")
            + "\n\n```{solution} ex-01-b\n:class: dropdown\n\nBecause.\n```\n\n"
            + _exercise("ex-01-c", "Think")
            + "\n\n```{solution-start} ex-01-c\n```\nProse only.\n```{solution-end}\n```"
        ),
        md("## Summary"),
    ]
    return v4.new_notebook(cells=cells)


def _directives(nb):
    return [
        m
        for c in nb.cells
        if c.cell_type == "markdown"
        for m in re.findall(r"^\s*(?:`{3,}|~{3,}|:{3,})\{([\w-]+)\}", c.source, re.M)
    ]


# ------------------------------------------------------------------- hand-made notebooks


def test_exercises_of_a_hand_made_notebook():
    found = course.exercises(_hand_made())
    assert [(e.label, e.title, e.has_code) for e in found] == [
        ("ex-01-a", "Predict", True),
        ("ex-01-b", "Interpret", False),
        ("ex-01-c", "Think", False),
    ]
    assert found[0].code == ("assert x == 1", "print(x + 1)")
    assert found[0].text == "What happens if ...?"


def test_strip_removes_exactly_the_solutions_and_keeps_the_exercises():
    nb = _hand_made()
    before = [c.id for c in nb.cells]
    student = course.strip_solutions(nb)
    assert [c.id for c in nb.cells] == before  # the input is not modified
    # the two code cells and the prose-only cell inside the first solution are gone
    assert [c.id for c in student.cells] == [
        before[i] for i in (0, 1, 2, 6, 7)
    ]  # ids preserved
    kept_code = [c.source for c in student.cells if c.cell_type == "code"]
    assert kept_code == ["x = 1"]
    assert all(
        not c.outputs and c.execution_count is None
        for c in student.cells
        if c.cell_type == "code"
    )
    assert _directives(student) == ["exercise"] * 3  # no solution directive left
    assert [e.label for e in course.exercises(student, solutions=False)] == [
        "ex-01-a",
        "ex-01-b",
        "ex-01-c",
    ]
    text = "\n".join(c.source for c in student.cells)
    assert "Because." not in text and "Prose only." not in text
    assert "Closing prose." not in text and "We run it:" not in text
    assert "What happens if" in text and "## Summary" in text
    nbformat.validate(student)


def test_directives_inside_literal_code_are_examples():
    example = "How to write one:\n\n````md\n```{solution} ex-x\n```\n````"
    nb = _with(example + "\n\n" + _exercise("ex-a") + "\n```{solution} ex-a\n```")
    assert [e.label for e in course.exercises(nb)] == ["ex-a"]
    assert course.strip_solutions(nb).cells[0].source == example + "\n\n" + _exercise(
        "ex-a"
    )


def test_strip_drops_a_cell_left_empty_and_keeps_the_rest_of_shared_cells():
    md = v4.new_markdown_cell
    nb = v4.new_notebook(
        cells=[
            md(_exercise("ex-02-a") + "\n\n```{solution-start} ex-02-a\n```"),
            md("```{solution-end}\n```"),
            md("After."),
        ]
    )
    student = course.strip_solutions(nb)
    assert [c.id for c in student.cells] == [nb.cells[0].id, nb.cells[2].id]
    assert student.cells[0].source == _exercise("ex-02-a")


def _with(source):
    return v4.new_notebook(cells=[v4.new_markdown_cell(source)])


@pytest.mark.parametrize(
    "source, message",
    [
        (_exercise("ex-a"), "without a solution"),
        (
            _exercise("ex-a") + "\n```{solution} ex-a\n```\n```{solution} ex-b\n```",
            "unknown exercise label 'ex-b'",
        ),
        (
            _exercise("ex-a") + "\n```{solution-start} ex-a\n```\nText",
            "no solution-end",
        ),
        ("```{solution-end}\n```", "solution-end without a solution-start"),
        (
            _exercise("ex-a") + "\n" + _exercise("ex-a") + "\n```{solution} ex-a\n```",
            "duplicate exercise label 'ex-a'",
        ),
        (
            _exercise("ex-a") + "\n```{solution} ex-a\n```\n```{solution} ex-a\n```",
            "two solutions",
        ),
        ("```{exercise} No label\nText\n```", "has no :label:"),
        (
            _exercise("ex-a")
            + "\n```{solution-start} ex-a\n```\n"
            + _exercise("ex-b")
            + "\n```{solution-end}\n```",
            "inside the solution",
        ),
    ],
    ids=[
        "no-solution",
        "unknown-label",
        "no-end",
        "no-start",
        "duplicate",
        "two-solutions",
        "no-label",
        "nested",
    ],
)
def test_exercises_reports_malformed_structure(source, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        course.exercises(_with(source))
    with pytest.raises(ValueError, match=re.escape(message)):
        course.strip_solutions(_with(source))


def test_exercises_reads_md_and_ipynb(tmp_path):
    import jupytext

    nb = _hand_made()
    jupytext.write(nb, tmp_path / "x.md", fmt="md:myst")
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert course.exercises(tmp_path / "x.md") == course.exercises(tmp_path / "x.ipynb")
    with pytest.raises(FileNotFoundError):
        course.exercises(tmp_path / "missing.ipynb")
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(ValueError, match="not a notebook"):
        course.exercises(tmp_path / "x.txt")


def test_learning_objectives_parser(tmp_path):
    md = tmp_path / "c.md"
    md.write_text(
        "# Title\n\nWhat you will learn:\n\n- one thing;\n- a second thing that\n"
        "  continues.\n\n## Prerequisites\n\n- not this\n"
    )
    assert course.learning_objectives(md) == [
        "one thing",
        "a second thing that continues",
    ]
    assert course.chapter_title(md) == "Title"
    md.write_text("# Title\n\nNo list.\n")
    with pytest.raises(ValueError, match="What you will learn"):
        course.learning_objectives(md)


# ------------------------------------------------------------------------- real chapters


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_learning_objectives(md):
    assert len(course.learning_objectives(md)) >= 3


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_three_to_five_exercises_with_solutions(md):
    """Issue #14: 3-5 exercises per chapter, each with exactly one solution."""
    found = course.exercises(md)  # raises if a solution is missing or stray
    assert 3 <= len(found) <= 5, f"{md.name} has {len(found)} exercises"
    assert all(e.label.startswith(f"ex-{md.stem[:2]}-") for e in found), [
        e.label for e in found
    ]
    assert course.exercises(md.with_suffix(".ipynb")) == found


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_every_solution_with_code_checks_or_shows_its_answer(md):
    for e in course.exercises(md):
        if e.has_code:
            code = "\n".join(e.code)
            assert re.search(
                r"\bassert\b|assert_allclose|assert_array|print\(", code
            ), f"{md.name}: the solution of {e.label} neither asserts nor prints"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_student_version_of_each_chapter(md):
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    found = course.exercises(nb)
    student = course.strip_solutions(nb)
    code = lambda n: [c for c in n.cells if c.cell_type == "code"]  # noqa: E731
    assert len(code(student)) == len(code(nb)) - sum(len(e.code) for e in found)
    assert [e.label for e in course.exercises(student, solutions=False)] == [
        e.label for e in found
    ]
    assert not [d for d in _directives(student) if d.startswith("solution")]
    ids = {c.id for c in nb.cells}
    assert all(c.id in ids for c in student.cells)
    # the cells before the exercises are untouched (the chapter itself is complete)
    first = next(
        (i for i, c in enumerate(nb.cells) if "{exercise}" in c.source), len(nb.cells)
    )
    assert [c.source for c in student.cells[:first]] == [
        c.source for c in nb.cells[:first]
    ]
    nbformat.validate(student)


def test_student_version_of_chapter_1_executes(tmp_path, cache_dir, monkeypatch):
    papermill = pytest.importorskip("papermill")
    from test_notebooks import SMALL_PARAMETERS

    stem = "01_synthetic_data"
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    src, out = tmp_path / f"{stem}.ipynb", tmp_path / "out.ipynb"
    nbformat.write(course.strip_solutions(nb), src)
    monkeypatch.setenv("ACME_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    papermill.execute_notebook(
        str(src),
        str(out),
        parameters=SMALL_PARAMETERS[stem],
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    executed = nbformat.read(out, as_version=4)
    assert not [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]


# ------------------------------------------------------------------------------ commands


def test_strip_command_writes_student_notebooks(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(_hand_made(), src / "01_a.ipynb")
    nbformat.write(
        v4.new_notebook(cells=[v4.new_markdown_cell("# B")]), src / "02_b.ipynb"
    )
    out = tmp_path / "student"
    assert course.main(["strip", str(src), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["01_a.ipynb", "02_b.ipynb"]
    logged = capsys.readouterr().out  # the package logs to standard output
    assert "01_a.ipynb: 3 solution(s) removed" in logged
    assert "02_b.ipynb: 0 solution(s) removed" in logged
    student = nbformat.read(out / "01_a.ipynb", as_version=4)
    assert _directives(student) == ["exercise"] * 3
    # a single file, and a MyST .md, work too
    import jupytext

    jupytext.write(_hand_made(), src / "03_c.md", fmt="md:myst")
    course.main(["strip", str(src / "03_c.md"), "--out", str(out)])
    assert (out / "03_c.ipynb").is_file()


def test_strip_command_of_the_repository_chapters(tmp_path):
    out = tmp_path / "student"
    course.main(["strip", "--out", str(out)])
    assert sorted(p.stem for p in out.glob("*.ipynb")) == sorted(
        p.stem for p in CHAPTERS
    )


@pytest.mark.parametrize(
    "case", ["into-inputs", "missing", "not-notebook", "malformed"]
)
def test_strip_command_refuses_bad_input(case, tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    good = src / "01_a.ipynb"
    nbformat.write(_hand_made(), good)
    original = good.read_text()
    out = tmp_path / "out"
    args = {
        "into-inputs": [str(src), "--out", str(src)],
        "missing": [str(src / "nope.ipynb"), "--out", str(out)],
        "not-notebook": [str(src / "x.txt"), "--out", str(out)],
        "malformed": [str(src), "--out", str(out)],
    }[case]
    (src / "x.txt").write_text("")
    if case == "malformed":
        nbformat.write(_with(_exercise("ex-z")), src / "02_bad.ipynb")
    with pytest.raises(SystemExit) as stop:
        course.main(["strip", *args])
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip()
    assert good.read_text() == original  # the input is never overwritten
    assert not out.exists()  # nothing written: every input is checked first


def test_time_command_is_resumable(tmp_path, monkeypatch):
    """A plan of two trivial notebooks: timed, written with provenance, resumed, redone."""
    pytest.importorskip("papermill")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in ("01_a", "02_b"):
        cell = v4.new_code_cell("N = 1")
        cell.metadata["tags"] = ["parameters"]
        nb = v4.new_notebook(cells=[cell, v4.new_code_cell("assert N == 2")])
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python"}
        nbformat.write(nb, notebooks / f"{stem}.ipynb")
    plan = {
        "title": "t",
        "runtime": "r",
        "sessions": [
            {
                "title": "s",
                "chapters": [
                    {
                        "chapter": s,
                        "minutes": 1,
                        "exercises": "all",
                        "parameters": {"N": 2},
                    }
                    for s in ("01_a", "02_b")
                ],
            }
        ],
    }
    monkeypatch.setitem(course.LESSON_PLANS, "tiny", plan)
    results = tmp_path / "times.csv"
    options = dict(cache_dir=tmp_path / "cache", notebooks_dir=notebooks)
    course.time_plan("tiny", results, chapters=["01_a"], command="first", **options)
    table, meta = course.read_times(results)
    assert table.chapter.tolist() == ["01_a"] and (table.wall_seconds > 0).all()
    assert list(table.columns) == course.TIMES_COLUMNS
    assert meta["runs"][0]["command"] == "first"
    assert {"cores", "platform", "gpus"} <= set(meta["runs"][0]["machine"])
    assert "tensorflow" in meta["runs"][0]["versions"]
    first = table.iloc[0].to_dict()
    # resumed: the measured chapter is skipped, the other one is measured
    course.time_plan("tiny", results, command="second", **options)
    table, meta = course.read_times(results)
    assert table.chapter.tolist() == ["01_a", "02_b"]
    assert table.iloc[0].to_dict() == first
    assert [r["chapters"] for r in meta["runs"]] == [["01_a"], ["02_b"]]
    timed = course.plan_times("tiny", results)
    assert timed.wall_seconds.notna().all() and timed.run.tolist() == [0, 1]
    # other parameters make the measurement stale
    plan["sessions"][0]["chapters"][0]["parameters"] = {"N": 3}
    assert course.plan_times("tiny", results).wall_seconds.isna().tolist() == [
        True,
        False,
    ]
    plan["sessions"][0]["chapters"][0]["parameters"] = {"N": 2}
    # redo measures again
    course.time_plan("tiny", results, chapters=["01_a"], redo=True, **options)
    table, meta = course.read_times(results)
    assert len(table) == 2 and table.iloc[0].run == 2
    with pytest.raises(ValueError, match="not in plan"):
        course.time_plan("tiny", results, chapters=["09_x"], **options)


# ------------------------------------------------------------------------- lesson plans


def _chapter_parameters(stem):
    import jupytext

    nb = jupytext.read(ROOT / "notebooks" / f"{stem}.md")
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return set(re.findall(r"^([A-Z_][A-Z0-9_]*)\s*=", cell.source, flags=re.M))


@pytest.mark.parametrize("name", list(course.LESSON_PLANS))
def test_lesson_plan_matches_the_chapters(name):
    plan = course.LESSON_PLANS[name]
    entries = course.plan_chapters(name)
    stems = [e["chapter"] for e in entries]
    assert len(stems) == len(set(stems)), "a chapter twice in one plan"
    toc = course.toc_chapters(ROOT / "_toc.yml")
    assert [s for s in toc if s in stems] == stems, "chapters out of the book's order"
    for e in entries:
        unknown = set(e["parameters"]) - _chapter_parameters(e["chapter"])
        assert not unknown, f"{e['chapter']}: {unknown} are not its parameters"
        wanted = e["exercises"]
        assert wanted == "all" or isinstance(wanted, (int, list)), wanted
        course.plan_exercises(e)  # listed labels exist
    assert plan["title"] and plan["runtime"]


def test_the_two_plans_of_the_issue():
    lab = course.plan_chapters("lab")
    assert sum(e["minutes"] for e in lab) == 90
    module = course.LESSON_PLANS["module"]["sessions"]
    assert len(module) == 3
    assert all(e["parameters"] == {} for e in course.plan_chapters("module"))
    # every chapter of the book is taught in the module
    assert [e["chapter"] for e in course.plan_chapters("module")] == [
        p.stem for p in CHAPTERS
    ]


def test_committed_course_times():
    table, meta = course.read_times()
    if not len(table):
        pytest.skip("no lesson plan measured yet (python -m acme_utils.course time)")
    assert list(table.columns) == course.TIMES_COLUMNS
    assert set(table.plan) <= set(course.LESSON_PLANS)
    assert (table.wall_seconds > 0).all()
    assert not table.duplicated(["plan", "chapter"]).any()
    for _, row in table.iterrows():
        run = meta["runs"][int(row.run)]
        assert run["command"].startswith("python -m acme_utils.course time --plan")
        assert run["plan"] == row.plan and row.chapter in run["chapters"]
        assert {"cores", "platform", "gpus"} <= set(run["machine"])
        chapters = {e["chapter"] for e in course.plan_chapters(row.plan)}
        assert row.chapter in chapters
        json.loads(row.parameters)


# ------------------------------------------------------------------ the instructor's guide


def test_instructors_guide_is_in_the_back_matter():
    import jupytext
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    back = next(p for p in toc["parts"] if p["caption"] == "Back matter")
    files = [c["file"] for c in back["chapters"]]
    assert files.index("book/instructors") == files.index("book/methods") - 1
    page = ROOT / "book" / "instructors.md"
    nb = jupytext.read(page)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert any(c.cell_type == "code" for c in nb.cells)
    assert "{nb-exec-table}" in page.read_text()
