"""Progress lines on the terminal during long steps, also from inside a notebook kernel.

In a Jupyter kernel (a book build, papermill, JupyterLab) ``sys.stderr`` is the kernel's output
stream: what is written there lands in the notebook, and the terminal that runs
``jupyter-book build`` sees nothing for minutes. ``progress`` writes one line to the process's
own standard error (``sys.__stderr__``), which is that terminal, and leaves the notebook's
output alone. In a plain script it does nothing (its own output already shows progress), unless
``ACME_PROGRESS=1``; ``ACME_PROGRESS=0`` turns it off everywhere.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

__all__ = [
    "PROGRESS_ENV_VAR",
    "progress",
    "note_interrupt",
]


#: Set to 0 to silence the progress lines.
PROGRESS_ENV_VAR = "ACME_PROGRESS"


def _in_kernel() -> bool:
    # inside a Jupyter kernel, sys.stderr is ipykernel's OutStream (pytest's capture is not)
    return type(sys.stderr).__module__.startswith("ipykernel")


def _to_terminal(text: str) -> None:
    # ipykernel sends whatever reaches file descriptor 2 into the notebook as well; it keeps the
    # terminal's own descriptor in ``_original_stdstream_copy``, so write there when it exists.
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(fd, int):
        os.write(fd, text.encode())
    elif sys.__stderr__ is not None:
        sys.__stderr__.write(text)
        sys.__stderr__.flush()


def progress(message: str) -> None:
    """One time-stamped line on the terminal of the kernel process (see the module docstring).

    Written only inside a Jupyter kernel, or anywhere with ``ACME_PROGRESS=1``; never with
    ``ACME_PROGRESS=0``.

    Parameters
    ----------
    message : str
        The line's text, written after the prefix ``[acme_utils HH:MM:SS]``.
    """
    setting = os.environ.get(PROGRESS_ENV_VAR, "")
    if setting == "0" or not (setting == "1" or _in_kernel()):
        return
    _to_terminal(f"[acme_utils {time.strftime('%H:%M:%S')}] {message}\n")


@contextlib.contextmanager
def note_interrupt(what: str, cache_dir):
    """On Ctrl-C inside the block, say in one line what was kept and how to resume, then re-raise.

    A context manager: ``with note_interrupt("computing ...", cache_dir): ...``. The line goes to
    the terminal like :func:`progress`'s, whatever ``ACME_PROGRESS`` says; other exceptions pass
    through untouched.

    Parameters
    ----------
    what : str
        What the block does, for the message (``"interrupted while <what>"``).
    cache_dir : str or os.PathLike
        The cache that keeps everything finished before the interrupt, named in the message.
    """
    try:
        yield
    except KeyboardInterrupt:
        _to_terminal(
            f"\n[acme_utils] interrupted while {what}. Everything finished before it is kept in the "
            f"cache ({cache_dir}); run the same command again to resume from there.\n"
        )
        raise
