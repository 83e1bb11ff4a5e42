"""The built book, opened in a real browser (Playwright driving headless Chromium).

The book is built from the chapters that the chapter tests executed at small settings in this
session (so this runs after them), with ``jupyter-book build --warningiserror``, served on
localhost and opened page by page. For every chapter: the page renders with its title, its
figures are present and non-empty, the Colab button opens that chapter's ``.ipynb`` on the
configured repository, internal links resolve, math is typeset by the MathJax that ships with
the build (no network), no JavaScript error is logged, and no private cache path is printed.

Chromium comes from ``$ACME_CHROMIUM``, Debian's ``chromium`` package or Playwright's own
(``python -m playwright install chromium``); without any of them the test is skipped, saying so.
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
pytestmark = pytest.mark.after_chapters


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("ACME_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
        shutil.which("google-chrome"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None  # perhaps Playwright's own browser


@pytest.fixture(scope="module")
def built_book(executed_dir, tmp_path_factory):
    missing = [
        md.stem for md in NOTEBOOKS if not (executed_dir / f"{md.stem}.ipynb").is_file()
    ]
    if missing:
        pytest.skip(
            f"the chapter tests did not execute {missing} in this session (run the whole suite)"
        )
    src = tmp_path_factory.mktemp("book_src")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"  # the chapters are already executed
    config["exclude_patterns"] = [
        p for p in config["exclude_patterns"] if p != "notebooks/*.ipynb"
    ]  # sources now
    (src / "_config.yml").write_text(yaml.safe_dump(config))
    shutil.copy(ROOT / "_toc.yml", src / "_toc.yml")
    shutil.copytree(ROOT / "book", src / "book")
    (src / "notebooks").mkdir()
    for md in NOTEBOOKS:
        # the executed notebooks are the sources now, so cross-references to chapter.md follow them
        text = (executed_dir / f"{md.stem}.ipynb").read_text()
        text = re.sub(r"(\d\d_[a-z0-9_]+)\.md\b", r"\1.ipynb", text)
        (src / "notebooks" / f"{md.stem}.ipynb").write_text(text)
    cli = shutil.which("jupyter-book") or str(
        Path(sys.executable).with_name("jupyter-book")
    )
    result = subprocess.run(
        [cli, "build", "--warningiserror", "--keep-going", str(src)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, (
        f"the book build failed or warned:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return src / "_build" / "html"


@pytest.fixture(scope="module")
def site(built_book):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", built_book
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright is not installed (pip install playwright)",
    )
    manager = sync_api.sync_playwright().start()
    executable = _chromium()
    try:
        browser = manager.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
    except Exception as err:  # no browser binary at all
        manager.stop()
        pytest.skip(
            f"no Chromium to run the browser test ({type(err).__name__}); install Debian's chromium "
            "or run `python -m playwright install chromium`, or set ACME_CHROMIUM"
        )
    yield browser
    browser.close()
    manager.stop()


def _title(md: Path) -> str:
    return next(
        line[2:].strip()
        for line in md.read_text().splitlines()
        if line.startswith("# ")
    )


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_page_in_a_browser(md, site, browser, cache_dir):
    base, html_dir = site
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    url = urljoin(base, f"notebooks/{md.stem}.html")
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.ok, f"{url} did not load"

    assert _title(md) in page.locator("article h1").first.inner_text()

    # figures: every image in the article is loaded and non-empty; a chapter that plots shows some
    sizes = page.eval_on_selector_all(
        "article img", "els => els.map(e => [e.src, e.naturalWidth, e.naturalHeight])"
    )
    assert all(w > 0 and h > 0 for _, w, h in sizes), (
        f"empty or broken images: {[s for s in sizes if not s[1]]}"
    )
    if "plt.show()" in md.read_text() or "plotting." in md.read_text():
        assert sizes, f"{md.stem} draws figures, but its page shows none"

    # the Colab button opens this chapter's notebook on the configured repository
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    path = urlparse(repo["url"]).path.strip("/")
    colab = page.eval_on_selector_all(
        "a[href*='colab.research.google.com']", "els => els.map(e => e.href)"
    )
    expected = f"https://colab.research.google.com/github/{path}/blob/{repo['branch']}/notebooks/{md.stem}.ipynb"
    assert expected in colab, f"Colab links on the page: {colab}"

    # internal links resolve: the file exists, and a fragment names an element of that page
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    for href in hrefs:
        if urlparse(href).scheme or href.startswith(("mailto:", "javascript:")):
            continue
        target = urlparse(urljoin(url, href))
        file = html_dir / target.path.lstrip("/")
        if target.path.endswith("/"):
            file = file / "index.html"
        assert file.is_file(), f"{md.stem}: link {href!r} points to a missing page"
        if target.fragment and file == html_dir / f"notebooks/{md.stem}.html":
            assert page.locator(f"[id='{target.fragment}']").count(), (
                f"{md.stem}: link {href!r} has no target"
            )

    # math is typeset (MathJax ships with the build: no network needed)
    if page.locator(".math").count():
        page.wait_for_function(
            "document.querySelectorAll('mjx-container').length > 0", timeout=20_000
        )
    scripts = page.eval_on_selector_all(
        "script[src]", "els => els.map(e => e.getAttribute('src'))"
    )
    assert not [s for s in scripts if "mathjax" in s.lower() and urlparse(s).scheme], (
        f"MathJax from a CDN: {scripts}"
    )

    # exercises: each has a solution, folded away until the reader clicks it open
    n_exercises = page.locator("div.exercise").count()
    assert n_exercises >= 3, f"{md.stem}: {n_exercises} exercises on the page"
    solutions = page.locator("div.solution.dropdown")
    assert solutions.count() == n_exercises
    body = solutions.first.locator("section")
    assert not body.is_visible(), (
        f"{md.stem}: a solution is shown before it is asked for"
    )
    solutions.first.locator(".toggle-button, button").first.click()
    body.wait_for(state="visible", timeout=5_000)

    text = page.content()
    for private in (str(cache_dir), str(Path.home() / ".cache" / "acme_utils")):
        assert private not in text, f"{md.stem} prints a private cache path ({private})"
    assert not re.search(r"Traceback \(most recent call last\)", text), (
        f"{md.stem} shows a traceback"
    )
    assert not errors, f"{md.stem}: {errors}"
    page.close()
