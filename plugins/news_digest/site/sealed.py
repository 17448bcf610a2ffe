"""Cache files that say what they hold and carry the checksum of their body.

A sealed file is one head line, ``<key> <sha256 of the body>``, then the body. The key
names what the body was made by and for (a format version, the code's hash, a setting, a
library's version) and holds no space; a reader that expects another key does not use the
file, and a body that does not match its checksum is not used either. The file is written
whole (:func:`news_digest.site.lock.write_whole`): a full disk or a killed build leaves
the old file or none, and the temporary files that a killed build left beside it are
removed by the next write.

Users: the story index, the gazetteer and the places per title
(:mod:`news_digest.incremental.story_cache`), and the search page cache
(:mod:`news_digest.publish.search`). Each decides what a file it cannot use costs: a
warning, or a debug line.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from .lock import remove_leftover_temporaries, write_whole


class Unsealed(NamedTuple):
    """What :func:`read_sealed` found: the body (None when it cannot be used) and, for a
    file that is there and damaged, what is wrong with it. A missing file, or one written
    under another key, is no problem: ``(None, None)``."""

    body: bytes | None
    problem: str | None


def sealed(key: str, body: bytes) -> bytes:
    """The bytes of a sealed file holding ``body`` under ``key``."""
    if not key or " " in key or "\n" in key:
        raise ValueError(f"a sealed file's key holds no space or line break: {key!r}")
    return f"{key} {hashlib.sha256(body).hexdigest()}\n".encode("ascii") + body


def write_sealed(path: str | os.PathLike[str], key: str, body: bytes) -> None:
    """Write ``body`` under ``key`` to ``path``, whole. An error (``OSError``) names
    ``path``."""
    data = sealed(key, body)
    remove_leftover_temporaries(path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, data)


def read_sealed(path: str | os.PathLike[str], key: str) -> Unsealed:
    """The body of the file at ``path`` when it was written under ``key`` and is whole."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return Unsealed(None, None)
    except OSError as error:
        return Unsealed(None, f"not readable ({error.strerror or error})")
    return unseal(data, key)


def unseal(data: bytes, key: str) -> Unsealed:
    """The body of the sealed file ``data`` when it was written under ``key`` and is whole."""
    head, _, body = data.partition(b"\n")
    try:
        saved_key, checksum = head.decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        return Unsealed(None, "not a sealed cache file")
    if saved_key != key:
        return Unsealed(None, None)
    if hashlib.sha256(body).hexdigest() != checksum:
        return Unsealed(None, "damaged (checksum)")
    return Unsealed(body, None)
