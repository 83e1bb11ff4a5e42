"""A small Sphinx extension for building the book (listed in ``_config.yml``).

It removes scripts that the toolchain adds twice to every page (Jupyter Book 1 with
sphinx-thebe declares ``const THEBE_JS_URL`` twice, a JavaScript error in every reader's
browser console), and it makes an interrupted build end with a line that says what was kept.

Interrupting ``jupyter-book build`` with Ctrl-C (or any failure of a chapter) ends in a long
nbclient/Sphinx traceback that reads like a crash of everything. Nothing finished is lost: every
model, attribution map and dataset computed before the stop is in the ``acme_utils`` cache. This
extension makes the build's last line say so, and how to resume.
"""

from __future__ import annotations

import sys

from .cache import default_cache_dir


__all__ = [
    "setup",
]


def _chain(exc):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # the same script can be registered as filename None and as "" (both mean "inline")
        key = (
            str(getattr(script, "filename", script) or ""),
            tuple(
                sorted(
                    (k, str(v)) for k, v in getattr(script, "attributes", {}).items()
                )
            ),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    """Register the extension with Sphinx (Sphinx calls it when the book is built).

    Connects the removal of the scripts added twice to a page to Sphinx's ``html-page-context``
    event, and installs a ``sys.excepthook`` that, after the usual traceback, writes one line to
    standard error: the build was interrupted (a ``KeyboardInterrupt`` or ``DeadKernelError`` in
    the exception's chain) or stopped by an error, everything computed before it is kept in the
    cache (``cache.default_cache_dir``), and running the same command again resumes from there.

    Parameters
    ----------
    app : sphinx.application.Sphinx
        The Sphinx application.

    Returns
    -------
    dict
        The extension's metadata: ``{"parallel_read_safe": True, "parallel_write_safe": True}``.
    """
    app.connect("html-page-context", _drop_repeated_scripts)
    previous = sys.excepthook

    def excepthook(kind, value, tb):
        previous(kind, value, tb)
        names = {type(e).__name__ for e in _chain(value)}
        why = (
            "interrupted"
            if names & {"KeyboardInterrupt", "DeadKernelError"}
            else "stopped by an error"
        )
        sys.stderr.write(
            f"\n[acme_utils] book build {why}: everything computed before it is kept in the cache "
            f"({default_cache_dir()}); run the same command again to resume from there.\n"
        )

    sys.excepthook = excepthook
    return {"parallel_read_safe": True, "parallel_write_safe": True}
