"""Book-level consistency: the methods page mirrors the shared contract; config is well-formed."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "METHODS.md"


@pytest.mark.skipif(
    not SHARED.is_file(), reason="shared/METHODS.md is not beside this checkout"
)
def test_methods_page_is_a_verbatim_copy_of_the_contract():
    page = (ROOT / "book" / "methods.md").read_text()
    body = page[page.index("-->") + 3 :].lstrip("\n")
    assert body == SHARED.read_text(), (
        "book/methods.md is out of date: copy shared/METHODS.md below its comment"
    )


def test_every_toc_entry_exists():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [
        ch["file"] for part in toc["parts"] for ch in part["chapters"]
    ]
    for f in files:
        assert (ROOT / f"{f}.md").is_file(), (
            f"_toc.yml lists {f} but {f}.md does not exist"
        )


def test_readme_commands_are_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = 'python -m pip install -e ".[test]" && python -m pytest'
    assert test_cmd in readme
    assert test_cmd in ci
    assert "jupyter-book build --all --warningiserror" in readme
