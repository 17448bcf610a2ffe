"""Files of pickled records that a build appends to: the parse cache and the article snapshot.

A file is a header, records, and a :class:`Trailer` with what the file says of them all (the
parse cache's file stats). A rebuild that adds a few dumps to 10,000 appends their records
in place (after the old trailer is cut off) instead of writing the 60 MB again; a record for
a key that comes again later wins when the file is read. Once the records no build reads any
more (dumps gone or changed) would be over a quarter of the live ones, the file is written
anew, through a temporary file that replaces it when finished.

A file cut short (a build killed while it appended) is read up to its last whole record,
with no trailer. Appending takes an exclusive ``flock`` on the file: a second build that
shares the cache folder writes a file of its own instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: every file is written anew
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

PROTOCOL = pickle.HIGHEST_PROTOCOL
#: Dead records, over the live ones, above which a file is written anew.
MAX_DEAD_SHARE = 0.25
#: Dead records always tolerated, so that a small site is not rewritten for one dump.
MIN_DEAD = 64


class Trailer(NamedTuple):
    """The last record of a finished file."""

    payload: Any


class Loaded(NamedTuple):
    """What :func:`load` read: the records in order, the trailer's payload (None when the
    file was cut short), where the trailer begins (the offset to append at), and the file's
    device, inode and size when it was read."""

    records: list[Any]
    trailer: Any
    end: int
    whole: bool
    identity: tuple[int, int, int]


def load(path: Path, header: Any) -> Loaded | None:
    """The records of the file at ``path`` if it starts with ``header``, else None."""
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        identity = (stat.st_dev, stat.st_ino, stat.st_size)
        if pickle.load(handle) != header:
            return None
        records: list[Any] = []
        while True:
            end = handle.tell()
            try:
                record = pickle.load(handle)
            except Exception:  # noqa: BLE001 - cut short: keep what is whole
                return Loaded(records, None, end, False, identity)
            if isinstance(record, Trailer):
                return Loaded(records, record.payload, end, True, identity)
            records.append(record)


def load_if_any(path: Path | None, header: Any, what: str) -> Loaded | None:
    """:func:`load`, or None when there is no file or it cannot be read (a broken cache is
    only a slower build; ``what`` names it in the debug log)."""
    if path is None or not path.is_file():
        return None
    try:
        return load(path, header)
    except Exception as error:  # noqa: BLE001 - see above
        logger.debug("news_digest: %s %s not used: %s", what, path, error)
        return None


def worth_appending(loaded: Loaded | None, live: int) -> bool:
    """Whether a file with these records, ``live`` of which this build keeps, is appended to
    rather than written anew."""
    if loaded is None or not loaded.whole:
        return False
    dead = len(loaded.records) - live
    return dead <= max(MIN_DEAD, live * MAX_DEAD_SHARE)


class Writer:
    """Appends records to the file at ``path`` (after ``loaded``'s records), or writes a new
    file there when ``append`` is false or the file cannot be locked."""

    def __init__(self, path: Path, header: Any, loaded: Loaded | None, append: bool) -> None:
        self.path = path
        self.temporary: Path | None = None
        self.handle: Any = None
        if append and loaded is not None and fcntl is not None:
            with contextlib.suppress(OSError):
                self.handle = self._locked(path, loaded)
        if self.handle is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A file of its own: two builds that share the folder never write into each other's.
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.stem + ".", suffix=".tmp")
            self.temporary = Path(name)
            self.handle = os.fdopen(fd, "wb")
            pickle.dump(header, self.handle, protocol=PROTOCOL)

    @property
    def appending(self) -> bool:
        return self.temporary is None

    @staticmethod
    def _locked(path: Path, loaded: Loaded) -> Any:
        """The file, locked and cut at ``loaded.end``, if it is still the file ``loaded``
        was read from (another build may have replaced it or appended to it since)."""
        handle = open(path, "r+b")  # noqa: SIM115 - kept open until finish/abandon
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            stat = os.fstat(handle.fileno())
            if (stat.st_dev, stat.st_ino, stat.st_size) != loaded.identity:
                raise OSError("changed since it was read")
            handle.seek(loaded.end)
            handle.truncate()
        except OSError:
            handle.close()
            raise
        return handle

    def add(self, record: Any) -> None:
        pickle.dump(record, self.handle, protocol=PROTOCOL)

    def finish(self, trailer: Any = None) -> None:
        try:
            pickle.dump(Trailer(trailer), self.handle, protocol=PROTOCOL)
        finally:
            self.handle.close()
        if self.temporary is not None:
            os.replace(self.temporary, self.path)

    def abandon(self) -> None:
        """Stop writing: a new file is removed (the last good one stays); a file appended to
        keeps its whole records, and no trailer."""
        with contextlib.suppress(OSError):
            self.handle.close()
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
