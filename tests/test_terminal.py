"""Progress on the terminal, the interrupt notes, and a quiet TensorFlow import."""

import subprocess
import sys

import pytest

from acme_utils import sphinxext, terminal


def test_progress_is_off_outside_a_kernel_unless_asked(monkeypatch, capfd):
    monkeypatch.delenv(terminal.PROGRESS_ENV_VAR, raising=False)
    terminal.progress("quiet")
    assert "quiet" not in capfd.readouterr().err
    monkeypatch.setenv(terminal.PROGRESS_ENV_VAR, "1")
    terminal.progress("epoch 3/100")
    err = capfd.readouterr().err
    assert "epoch 3/100" in err and err.startswith("[acme_utils ")
    monkeypatch.setenv(terminal.PROGRESS_ENV_VAR, "0")
    terminal.progress("silenced")
    assert "silenced" not in capfd.readouterr().err


def test_interrupt_says_what_was_kept_and_reraises(capfd):
    with pytest.raises(KeyboardInterrupt):
        with terminal.note_interrupt("training relu seed 0", "/tmp/the-cache"):
            raise KeyboardInterrupt
    err = capfd.readouterr().err
    assert (
        "interrupted while training relu seed 0" in err
        and "/tmp/the-cache" in err
        and "resume" in err
    )
    with terminal.note_interrupt("nothing", "/tmp/x"):  # no interrupt: no note
        pass
    assert capfd.readouterr().err == ""


def test_book_build_ends_with_the_resume_line(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: calls.append(exc))

    class App:  # the one Sphinx call the extension makes
        def connect(self, event, handler):
            assert event == "html-page-context"

    sphinxext.setup(App())
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise RuntimeError(
                "There was an error in building your book"
            ) from interrupt
    except RuntimeError as err:
        sys.excepthook(type(err), err, err.__traceback__)
    assert len(calls) == 1  # the original hook still prints the traceback first
    err = capsys.readouterr().err
    assert (
        err.rstrip().endswith("run the same command again to resume from there.")
        and "interrupted" in err
    )


def test_scripts_added_twice_are_written_once():
    from sphinx.builders.html._assets import _JavaScript

    body = 'const THEBE_JS_URL = "x"'
    context = {
        "script_files": [
            _JavaScript("", body=body),
            _JavaScript("_static/a.js"),
            _JavaScript(None, body=body),
            _JavaScript("_static/a.js"),
        ]
    }
    sphinxext._drop_repeated_scripts(None, "page", "page.html", context, None)
    assert [(s.filename, s.attributes) for s in context["script_files"]] == [
        ("", {"body": body}),
        ("_static/a.js", {}),
    ]


def test_importing_the_package_prints_no_tensorflow_startup_lines():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import acme_utils.training, tensorflow as tf; tf.constant(1.0) + 1",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": ":".join(sys.path)},
    )
    assert done.returncode == 0, done.stderr
    assert "cuda" not in done.stderr.lower() and "absl" not in done.stderr, done.stderr


def test_package_messages_go_to_stdout_and_the_logger_silences_them(capsys):
    import logging

    from acme_utils import data

    data.generate_dataset(n_per_class=20, verbose=True)  # written to the cache, or read
    out = capsys.readouterr().out
    assert out.startswith("dataset ") and "sequences of 200 nt" in out
    logger = logging.getLogger("acme_utils")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        data.generate_dataset(n_per_class=20, verbose=True)
    finally:
        logger.setLevel(level)
    assert capsys.readouterr().out == ""


def test_reimporting_the_package_adds_no_second_handler():
    import importlib
    import logging

    import acme_utils

    importlib.reload(acme_utils)
    ours = [
        h
        for h in logging.getLogger("acme_utils").handlers
        if getattr(h, "_acme_utils", False)
    ]
    assert len(ours) == 1


def test_commands_run_with_python_m_log_their_messages():
    # under ``python -m`` a module's __name__ is "__main__", outside the package's logger
    import subprocess
    import sys

    from acme_utils import zoo

    done = subprocess.run(
        [sys.executable, "-m", "acme_utils.zoo", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in done.stdout.splitlines() if "test AUROC" in line]
    assert len(lines) == len(zoo.read_manifest())
