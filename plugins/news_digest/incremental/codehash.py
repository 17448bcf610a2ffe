"""The hash of the plugin's whole code: every cache key of the speed layer includes it, so a
changed, added, moved or removed module never serves a record made by other code."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: The package's root folder (``news_digest/``).
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def package_code_hash() -> str:
    """sha1 over the relative path and bytes of every ``.py`` file below the package root.

    Computed once per process: a change to the plugin's code needs a new process anyway
    (``make devserver`` restarts on one)."""
    sha = hashlib.sha1()
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        sha.update(path.relative_to(PACKAGE_ROOT).as_posix().encode("utf-8", "surrogateescape"))
        sha.update(b"\0")
        sha.update(path.read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()
