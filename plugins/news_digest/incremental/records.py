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

Every record is a frame: its length, the CRC-32 of its pickled bytes, the CRC-32 of those
two numbers, then the bytes. A record whose bytes do not match their checksum, that cannot be
unpickled, or that the file's user does not recognise (``valid``) is dropped with a debug
line naming the file and its offset, and the file is written anew by the build (its dump is
read again, like a new one); a frame whose length is damaged ends the reading there, like a
file cut short. A flipped byte never becomes a wrong page.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

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
#: The first bytes of a file; a file of the older format (pickles without checksums) has
#: other first bytes, and is simply not used.
FORMAT = b"news_digest records 2\n"
#: A frame's head: the record's length, the CRC-32 of its bytes, the CRC-32 of those 8 bytes.
FRAME = struct.Struct("<III")


class Trailer(NamedTuple):
    """The last record of a finished file."""

    payload: Any


class Loaded(NamedTuple):
    """What :func:`load` read: the records in order, the trailer's payload (None when the
    file was cut short), where the trailer begins (the offset to append at), whether the
    file was whole (a trailer, no record dropped), and the file's device, inode and size
    when it was read."""

    records: list[Any]
    trailer: Any
    end: int
    whole: bool
    identity: tuple[int, int, int]


def frame(record: Any) -> bytes:
    """``record`` pickled, behind its frame head."""
    data = pickle.dumps(record, protocol=PROTOCOL)
    head = struct.pack("<II", len(data), zlib.crc32(data))
    return head + struct.pack("<I", zlib.crc32(head)) + data


class Damaged(ValueError):
    """A frame whose bytes do not match their checksum (the frame after it is still read)."""


def read_frame(handle: BinaryIO) -> bytes | None:
    """The bytes of the next frame; None at the end of the file, or where the file is cut
    short or a frame's head is damaged (nothing after it can be found)."""
    head = handle.read(FRAME.size)
    if len(head) < FRAME.size:
        return None
    length, crc, head_crc = FRAME.unpack(head)
    if zlib.crc32(head[:8]) != head_crc:
        return None
    data = handle.read(length)
    if len(data) < length:
        return None
    if zlib.crc32(data) != crc:
        raise Damaged("checksum mismatch")
    return data


def read_header(path: Path) -> Any:
    """The header of the file at ``path`` (None when it is not a file of records)."""
    with open(path, "rb") as handle:
        if handle.read(len(FORMAT)) != FORMAT:
            return None
        data = read_frame(handle)
    return pickle.loads(data) if data is not None else None


class RecordFile:
    """A file of records held open so that a record can be read again from where it was
    found, for as long as something refers to it: the file a build read stays readable
    when the build replaces it or appends to it (records are never moved), and ``pread``
    shares no file position with the forked processes that inherit it. Closed when the
    last reference goes."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def read(self, offset: int) -> Any:
        """The record whose frame starts at ``offset``, checked as :func:`read_frame` checks
        it; raises ``OSError``, :class:`Damaged` or an unpickling error."""
        if self.fd is None:
            raise OSError("the file of records is closed")
        head = os.pread(self.fd, FRAME.size, offset)
        if len(head) < FRAME.size:
            raise Damaged("cut short")
        length, crc, head_crc = FRAME.unpack(head)
        if zlib.crc32(head[:8]) != head_crc:
            raise Damaged("damaged frame head")
        data = os.pread(self.fd, length, offset + FRAME.size)
        if len(data) < length or zlib.crc32(data) != crc:
            raise Damaged("checksum mismatch")
        return pickle.loads(data)

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        self.close()


#: ``shape(record, offset, file)``: what :func:`load` keeps of a record, given where its frame
#: starts in ``file`` (a :class:`RecordFile`, or None where ``os.pread`` is missing).
Shape = Callable[[Any, int, "RecordFile | None"], Any]


def load(
    path: Path,
    header: Any,
    valid: Callable[[Any], bool] | None = None,
    what: str = "records",
    shape: Shape | None = None,
) -> Loaded | None:
    """The records of the file at ``path`` if it starts with ``header``, else None. A record
    that is damaged or not ``valid`` is dropped (see the module's docstring). With
    ``shape``, each record is kept as ``shape`` makes it, given where it is in the file,
    which is then held open (:class:`RecordFile`): a caller can keep a record's place
    instead of its bytes."""
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        identity = (stat.st_dev, stat.st_ino, stat.st_size)
        if handle.read(len(FORMAT)) != FORMAT:
            return None
        data = read_frame(handle)
        if data is None or pickle.loads(data) != header:
            return None
        held = None
        if shape is not None and hasattr(os, "pread"):
            held = RecordFile(os.dup(handle.fileno()))
        records: list[Any] = []
        dropped = 0
        while True:
            end = handle.tell()
            try:
                data = read_frame(handle)
                if data is None:  # cut short: keep what is whole
                    return Loaded(records, None, end, False, identity)
                record = pickle.loads(data)
                if not isinstance(record, Trailer) and valid is not None and not valid(record):
                    raise Damaged("not a record of this file")
            except Exception as error:  # noqa: BLE001 - any damage: drop the record
                logger.debug(
                    "news_digest: %s %s: record at offset %d dropped: %s", what, path, end, error
                )
                dropped += 1
                continue
            if isinstance(record, Trailer):
                return Loaded(records, record.payload, end, not dropped, identity)
            records.append(record if shape is None else shape(record, end, held))


def load_if_any(
    path: Path | None,
    header: Any,
    what: str,
    valid: Callable[[Any], bool] | None = None,
    shape: Shape | None = None,
) -> Loaded | None:
    """:func:`load`, or None when there is no file or it cannot be read (a broken cache is
    only a slower build; ``what`` names it in the debug log)."""
    if path is None or not path.is_file():
        return None
    try:
        return load(path, header, valid, what, shape)
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
            self.handle.write(FORMAT + frame(header))

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
        self.handle.write(frame(record))

    def finish(self, trailer: Any = None) -> None:
        try:
            self.handle.write(frame(Trailer(trailer)))
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
