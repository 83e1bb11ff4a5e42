"""Content-addressed on-disk cache, written atomically.

Everything expensive (generated data, trained models) is stored under a directory named by a hash
of *everything that determines it*. An entry is first written to a temporary sibling directory and
then moved into place with a single ``os.replace``, so a crash mid-write never leaves a
half-written entry where a reader would find it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

__all__ = [
    "CACHE_ENV_VAR",
    "default_cache_dir",
    "resolve_cache_dir",
    "cache_key",
    "atomic_directory",
    "write_json",
    "read_json",
]


#: Environment variable that overrides the default cache location.
CACHE_ENV_VAR = "ACME_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$ACME_CACHE_DIR`` if set, else ``~/.cache/acme_utils``.

    Returns
    -------
    pathlib.Path
        The default root of the cache (not created here).
    """
    env = os.environ.get(CACHE_ENV_VAR)
    return Path(env) if env else Path.home() / ".cache" / "acme_utils"


def resolve_cache_dir(cache_dir: str | os.PathLike | None) -> Path:
    """Turn a ``cache_dir`` argument (``None`` means the default) into a ``Path``.

    Parameters
    ----------
    cache_dir : str, os.PathLike or None
        A cache directory, or None for :func:`default_cache_dir`.

    Returns
    -------
    pathlib.Path
        ``cache_dir`` as a path, or :func:`default_cache_dir`.
    """
    return Path(cache_dir) if cache_dir is not None else default_cache_dir()


def _canonical(obj: Any) -> Any:
    """Make ``obj`` JSON-serialisable in a canonical way (tuples -> lists, numpy -> python)."""
    if isinstance(obj, dict):
        return {
            str(k): _canonical(v)
            for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))
        }
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if hasattr(obj, "tolist"):  # numpy scalars and arrays
        return _canonical(obj.tolist())
    if isinstance(obj, float):
        return repr(obj)  # exact, and 0.1 stays '0.1'
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    raise TypeError(
        f"cannot build a cache key from a value of type {type(obj).__name__}: {obj!r}"
    )


def cache_key(spec: dict, length: int = 16) -> str:
    """A short hex digest identifying ``spec`` (a dict of everything that determines an entry).

    The digest is that of ``spec`` written canonically as JSON: keys sorted, tuples as lists, NumPy
    scalars and arrays as Python values, floats by their exact ``repr``; equal specs give equal
    keys.

    Parameters
    ----------
    spec : dict
        Everything that determines the entry: dicts, lists, tuples, str, int, float, bool, None and
        NumPy scalars or arrays, nested.
    length : int, default 16
        Number of hex digits kept.

    Returns
    -------
    str
        The first ``length`` hex digits of the SHA-256 of the canonical JSON.

    Raises
    ------
    TypeError
        If ``spec`` holds a value of another type.
    """
    text = json.dumps(_canonical(spec), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:length]


@contextlib.contextmanager
def atomic_directory(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary directory; on success move it to ``final`` in one step.

    If the body raises, the temporary directory is removed and ``final`` is untouched. If another
    process finished the same entry first, ours is discarded (both are equivalent by construction).
    A context manager: ``with atomic_directory(entry) as tmp: ...``.

    Parameters
    ----------
    final : str or os.PathLike
        Where the finished entry goes; its parent directory is created if needed.

    Yields
    ------
    pathlib.Path
        The temporary directory to write the entry into, a hidden sibling of ``final``.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        yield tmp
        try:
            os.replace(tmp, final)
        except OSError:
            if not final.is_dir():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Write ``obj`` as pretty JSON to ``path`` (not atomic: use inside ``atomic_directory``).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (replaced if it exists).
    obj : object
        A JSON-serialisable object; written with sorted keys, indented by 2, with a final newline.
    """
    Path(path).write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file (as written by :func:`write_json`).

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    object
        The decoded JSON value.
    """
    return json.loads(Path(path).read_text())
