"""Parse every dump once per build, over all cores, and remember the result between builds.

Before Pelican's reader asks for the first dump, :func:`preparse` hashes every dump file (a
file whose size, mtime, ctime, inode and device are those of the last build keeps its hash),
looks each one
up in the parse cache (``CACHE_PATH/news_digest/parse.pickle``) by ``(path below PATH, sha1
of the bytes)``, and parses the rest in a pool of forked processes. What is kept of a parse
is its :func:`~news_digest.parse.view.dump_view`: plain data, quick to unpickle. The reader
(:mod:`news_digest.site.reader`) takes it with :meth:`ParseStore.take` and only maps it to
``(content, metadata)``; warnings are logged by the reader, so a cached dump reports the same
problems as a fresh one.

The cache is keyed by the hash of the whole package's code (:mod:`.codehash`):
a changed rule invalidates every entry. New parses are appended to the file as they come
(:mod:`news_digest.incremental.records`); entries of dumps that are gone or changed stay there
until they
would be a quarter of the live ones, when the file is written anew with the live ones only.
No state outlives a build: the parsed dumps are kept in the build's session and dropped by
:func:`finish`, as soon as every dump is read (before the pages are rendered); the cache file
is finished as soon as every dump is parsed, and each entry is let go once read. An entry
the cache file held is kept as its place there (:class:`Kept`), not as its bytes, and read
back (:func:`entry_bytes`) when a dump's text is asked for.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import logging
import multiprocessing
import os
import pickle
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from ..parse.model import Digest, DumpError
from ..parse.parser import parse_bytes
from ..parse.view import VIEW_KEYS, dump_view
from . import records
from .codehash import package_code_hash

logger = logging.getLogger(__name__)

#: Below this many dumps to parse, forking workers costs more than it saves.
MIN_PARALLEL_DUMPS = 64
#: Dumps handed to a worker at a time: few round trips, even shares.
CHUNK_SIZE = 32
#: Threads that read and hash the dumps whose stat changed (see ``ParseStore._hashes``).
HASH_THREADS = 4
#: A file modified less than this before the build started is not trusted by its stat.
RACY_NS = 2_000_000_000
CACHE_DIR = "news_digest"
CACHE_FILE = "parse.pickle"

Parsed = Digest | DumpError
#: What the cache holds for a dump: its :func:`~news_digest.parse.view.dump_view`, or why not.
Viewed = dict[str, Any] | DumpError


# An exception pickles its message only; DumpError is rebuilt from its three fields (the
# workers' answers and the cache file hold views, plain data, or a DumpError).
copyreg.pickle(DumpError, lambda err: (DumpError, (err.source, err.message, err.line)))


def parser_version() -> str:
    """sha1 of the parser's source files: a changed parser never reads a stale entry."""
    return package_code_hash()


def worker_count(settings: Mapping[str, Any]) -> int:
    """``NEWS_DIGEST["workers"]``, else every core this process may use."""
    from ..site.settings import merged_settings

    wanted = merged_settings(settings).get("workers")
    if wanted:
        return max(1, int(wanted))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _parse(item: tuple[bytes, str]) -> Parsed:
    data, source = item
    try:
        return parse_bytes(data, source)
    except DumpError as err:
        return err


def _file_sha1(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha1(handle.read()).hexdigest()
    except OSError:
        return None


def _parse_file(item: tuple[str, str]) -> tuple[str, bytes] | None:
    """A worker's answer: ``(sha1 of the bytes it parsed, pickled view)``; None when the
    file cannot be read or the parse fails in an unforeseen way, so that the reader parses
    that one dump itself and Pelican reports the real error on the right file (an exception
    here would end the workers' whole answer stream)."""
    path, source = item
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        return hashlib.sha1(data).hexdigest(), _parse_pickled((data, source))
    except Exception:  # noqa: BLE001 - see above
        return None


def _view(item: tuple[bytes, str]) -> Viewed:
    """The view of ``data`` read from ``source`` (``item``), or why there is none."""
    parsed = _parse(item)
    return parsed if isinstance(parsed, DumpError) else dump_view(parsed, item[1])


def view_of(data: bytes, source: str, store: ParseStore | None) -> Viewed:
    """The view of a dump's bytes: from the build's store when there is one, else parsed."""
    return store.get(source, data) if store is not None else _view((data, source))


def _parse_pickled(item: tuple[bytes, str]) -> bytes:
    """A worker's answer: the dump's view, pickled once, kept as bytes until the reader asks."""
    return pickle.dumps(_view(item), protocol=pickle.HIGHEST_PROTOCOL)


#: The keys of every :func:`~news_digest.parse.view.dump_view`: an entry without them is
#: not used (the reader would fail on it with a ``KeyError``).
#: A file's stat as the cache keeps it: size, mtime, ctime, inode, device, sha1.
STAT_FIELDS = 6


def is_cache_record(record: Any) -> bool:
    """Whether a record of the cache file has the shape ``((source, sha1), pickled view)``."""
    return (
        isinstance(record, tuple)
        and len(record) == 2
        and isinstance(record[0], tuple)
        and len(record[0]) == 2
        and all(isinstance(part, str) for part in record[0])
        and isinstance(record[1], bytes)
    )


class Kept(NamedTuple):
    """A parse left in the cache file this build read: its place there, not its bytes. A
    rebuild holds one for every unchanged dump's article, and reads back only the few whose
    text is asked for (the pages of an unchanged dump are not rendered again): some 56 MB
    less at 10,000 dumps."""

    file: records.RecordFile
    offset: int
    key: tuple[str, str]


#: An entry of the store: a parse's pickled view, or where it is in the cache file.
Entry = bytes | Kept


def _kept(record: Any, offset: int, file: records.RecordFile | None) -> Any:
    """How :class:`ParseStore` keeps a record of the cache file it reads: its place."""
    key, blob = record
    return (key, blob) if file is None else (key, Kept(file, offset, key))


def entry_bytes(entry: Entry | None) -> bytes | None:
    """The pickled view of a store entry: its bytes, or those read back from the cache file;
    None when they cannot be read back, or the record there is not that parse (its dump is
    then parsed again, as for a damaged entry)."""
    if entry is None or isinstance(entry, bytes):
        return entry
    try:
        record = entry.file.read(entry.offset)
    except Exception as error:  # noqa: BLE001 - any damage: parse again
        logger.debug("news_digest: parse cache entry of %s not read back: %s", entry.key[0], error)
        return None
    if not is_cache_record(record) or record[0] != entry.key:
        logger.debug("news_digest: parse cache entry of %s not read back: moved", entry.key[0])
        return None
    return record[1]


def usable_stats(trailer: Any) -> dict[str, tuple]:
    """The file stats of the cache's trailer, those of the expected shape only."""
    if not isinstance(trailer, dict):
        return {}
    return {
        source: stat
        for source, stat in trailer.items()
        if isinstance(stat, tuple) and len(stat) == STAT_FIELDS and isinstance(stat[-1], str)
    }


def unpickled_view(blob: bytes, source: str, cache_file: Path | None = None) -> Viewed | None:
    """A cached entry's view, or None when it is damaged (the dump is then parsed again).
    A damaged entry's ``cache_file`` is removed, so that the next build does not meet it
    again (its checksum was right: only a shape check sees it, and each use would drop it)."""
    try:
        view = pickle.loads(blob)
        if isinstance(view, DumpError) or (isinstance(view, dict) and view.keys() == VIEW_KEYS):
            return view
        error: Exception = ValueError("not a dump's view")
    except Exception as damage:  # noqa: BLE001 - any damage: parse again
        error = damage
    logger.debug("news_digest: parse cache entry of %s not used: %s", source, error)
    if cache_file is not None:
        with contextlib.suppress(OSError):
            cache_file.unlink()
            logger.debug("news_digest: parse cache %s removed (a damaged entry)", cache_file)
    return None


class ParseStore:
    """The parsed dumps of one build, and the persistent cache behind them.

    Parsing overlaps Pelican's reading: :meth:`fill` hands the dumps the cache lacks to a
    pool of forked workers and returns; :meth:`take` waits for the one the reader asks for
    (the workers answer in the reader's order). Each answer is appended to the cache file as
    it comes, and :meth:`close` finishes the file, so no build holds every parse.
    """

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self.version = parser_version()
        # Entries are pickled views: a few KB each, kept as bytes until the reader asks,
        # where the unpickled objects would take several times the memory and time.
        # The entries of the cache file are kept as their place in it (:class:`Kept`).
        self.saved: dict[tuple[str, str], Entry] = {}
        self.current: dict[tuple[str, str], Entry] = {}
        # ``source -> (size, mtime_ns, ctime_ns, inode, device, sha1)``: a file whose stat is
        # that of the last build is not read again to be hashed (as git does). The ctime is
        # there because tools that restore an mtime (cp -p, touch -r) cannot restore it.
        self.saved_stats: dict[str, tuple] = {}
        self.stats: dict[str, tuple] = {}
        #: ``source -> key`` of every dump found by :meth:`fill`, for :meth:`take`.
        self.keys: dict[str, tuple[str, str]] = {}
        #: ``name -> source``: each file as Pelican lists it, and the path that keys it here
        #: (see :func:`preparse`).
        self.sources: dict[str, str] = {}
        # Files changed in the last moments before this build are hashed again next time: a
        # file written twice within the clock's granularity keeps its mtime ("racy git").
        self.started_ns = time.time_ns()
        self.parsed = 0
        #: Whether an entry of the cache file proved damaged (see :meth:`close`).
        self.damaged = False
        self.hits = 0
        # Parses on their way from the workers, in the order they come.
        self._pending: deque[tuple[str, str]] = deque()
        self._waiting: set[tuple[str, str]] = set()
        self._results: Iterator[tuple[str, bytes] | None] | None = None
        self._pool: Any = None
        self._writer: records.Writer | None = None
        self._loaded = records.load_if_any(
            cache_file, (MAGIC, self.version), "parse cache", is_cache_record, _kept
        )
        if self._loaded is not None:
            self.saved = dict(self._loaded.records)
            self.saved_stats = usable_stats(self._loaded.trailer)

    def _hashes(self, files: list[tuple[str, str]]) -> list[str | None]:
        """sha1 of each file's bytes (None for a file that cannot be read: the reader will
        say what is wrong with it), taken from the last build when its stat is unchanged.

        The files to read are read by a few threads at once: on a cold disk cache most of
        the time is waiting for the disk, and hashing lets go of the interpreter's lock."""
        stats: list[os.stat_result | None] = []
        digests: list[str | None] = []
        to_read: list[int] = []
        for index, (source, path) in enumerate(files):
            try:
                stat = os.stat(path)
            except OSError:
                stats.append(None)
                digests.append(None)
                continue
            now = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)
            seen = self.saved_stats.get(source)
            stats.append(stat)
            digests.append(seen[-1] if seen is not None and seen[:-1] == now else None)
            if digests[-1] is None:
                to_read.append(index)
        paths = [files[index][1] for index in to_read]
        if len(paths) >= MIN_PARALLEL_DUMPS:
            with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
                read = list(pool.map(_file_sha1, paths))
        else:
            read = list(map(_file_sha1, paths))
        for index, digest in zip(to_read, read, strict=True):
            digests[index] = digest
        for (source, _), stat, digest in zip(files, stats, digests, strict=True):
            if stat is None or digest is None:
                continue
            if max(stat.st_mtime_ns, stat.st_ctime_ns) < self.started_ns - RACY_NS:
                now = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
                self.stats[source] = (*now, stat.st_dev, digest)
        return digests

    def fill(self, files: Iterable[tuple[str, str]], workers: int) -> None:
        """Find every dump's parse, or set it going; ``files`` are ``(source, path)``, in
        the order the reader will ask for them.

        Only the hash of a file is kept here: a worker reads the file again to parse it, so
        the bytes of every dump are never in memory at once."""
        todo: list[tuple[tuple[str, str], str]] = []
        files = list(files)
        for (source, path), digest in zip(files, self._hashes(files), strict=True):
            if digest is None:
                continue
            key = (source, digest)
            self.keys[source] = key
            if key in self.current or key in self._waiting:
                continue
            cached = self.saved.get(key)
            if cached is not None:
                self.current[key] = cached
                self.hits += 1
            else:
                todo.append((key, path))
                self._waiting.add(key)
        unchanged = not todo and len(self.current) == len(self.saved)
        if self.cache_file is not None and not (unchanged and self.stats == self.saved_stats):
            # New parses are appended to the file; it is written anew (every entry of this
            # build) when too many of its entries are no dump's any more.
            live = len(self.current) + len(todo)
            append = records.worth_appending(self._loaded, live)
            try:
                self._writer = records.Writer(
                    self.cache_file, (MAGIC, self.version), self._loaded, append
                )
                if not self._writer.appending:
                    for key, entry in self.current.items():
                        blob = entry_bytes(entry)
                        if blob is not None:  # else parsed again by the next build
                            self._writer.add((key, blob))
            except OSError as error:
                logger.warning("news_digest: could not save the parse cache: %s", error)
                if self._writer is not None:
                    self._writer.abandon()
                self._writer = None
        self.saved = {}  # entries of dumps that are gone
        self.saved_stats = {}
        self._loaded = None
        if not todo:
            return
        payload = [(path, key[0]) for key, path in todo]
        self._pending.extend(key for key, _ in todo)
        self.parsed += len(todo)
        if workers > 1 and len(todo) >= MIN_PARALLEL_DUMPS and fork_available():
            self._pool = multiprocessing.get_context("fork").Pool(workers)
            self._results = self._pool.imap(_parse_file, payload, chunksize=CHUNK_SIZE)
        else:
            self._results = map(_parse_file, payload)

    def _pull(self) -> None:
        """The next parse from the workers. A parse of other bytes than those hashed (the file
        changed in between) is dropped: the reader then reads and parses the file itself."""
        key = self._pending.popleft()
        self._waiting.discard(key)
        assert self._results is not None
        try:
            result = next(self._results)
        except Exception:  # noqa: BLE001 - a broken pool: the reader parses the rest itself
            result = None
        if result is None or result[0] != key[1]:
            return
        blob = result[1]
        self.current[key] = blob
        if self._writer is not None:
            try:
                self._writer.add((key, blob))
            except OSError as error:
                logger.warning("news_digest: could not save the parse cache: %s", error)
                self._writer.abandon()
                self._writer = None

    def _wait_for(self, key: tuple[str, str]) -> None:
        while key in self._waiting:
            self._pull()

    def sha_of(self, source: str) -> str | None:
        """sha1 of the bytes of a dump that :meth:`fill` found (None if it could not)."""
        key = self.keys.get(source)
        return key[1] if key is not None else None

    def claim(self, source: str) -> tuple[str, Entry | None] | None:
        """``(sha1 of the bytes, entry or None)`` of a dump that :meth:`fill` found (the
        pickled view, or its place in the cache file: see :func:`entry_bytes`),
        taken out of the store: each dump is read once, so memory is freed while Pelican
        builds its articles (the cache file has the entry already)."""
        key = self.keys.get(source)
        if key is None:
            return None
        self._wait_for(key)
        return key[1], self.current.pop(key, None)

    def take(self, source: str) -> tuple[str, Viewed] | None:
        """``(sha1 of the bytes, view)`` of a dump that :meth:`fill` found, without reading
        the file again; None for a file it could not read (the reader reads it itself)."""
        claimed = self.claim(source)
        blob = entry_bytes(claimed[1]) if claimed is not None else None
        if claimed is not None and blob is not None:
            view = unpickled_view(blob, source)
            self.damaged |= view is None
            if view is not None:
                return claimed[0], view
        return None

    def get(self, source: str, data: bytes) -> Viewed:
        """The view of ``data`` read from ``source``: from this build, else parsed now."""
        key = (source, hashlib.sha1(data).hexdigest())
        self._wait_for(key)
        entry = entry_bytes(self.current.pop(key, None))
        view = unpickled_view(entry, source) if entry is not None else None
        self.damaged |= entry is not None and view is None
        return view if view is not None else _view((data, source))

    def close(self) -> None:
        """Wait for the last parses, stop the workers, and finish the cache file."""
        try:
            while self._pending:
                self._pull()
        finally:
            if self._pool is not None:
                self._pool.close()
                self._pool.join()
                self._pool = None
            self._results = None
        if self.damaged:  # the file holds an entry that is no view: the next build starts anew
            self.abort()
            if self.cache_file is not None:
                with contextlib.suppress(OSError):
                    self.cache_file.unlink()
        if self._writer is not None:
            writer, self._writer = self._writer, None
            try:
                writer.finish(self.stats)
            except OSError as error:
                logger.warning("news_digest: could not save the parse cache: %s", error)
                writer.abandon()

    def abort(self) -> None:
        """Stop the workers and drop the unfinished cache file (a build that failed)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self._results = None
        self._pending.clear()
        self._waiting.clear()
        if self._writer is not None:
            self._writer.abandon()
            self._writer = None


MAGIC = "news_digest parse cache"


def cache_folder(settings: Mapping[str, Any]) -> Path | None:
    """``CACHE_PATH/news_digest``, or None when ``NEWS_DIGEST["cache"]`` is off."""
    from ..site.settings import merged_settings

    if not merged_settings(settings).get("cache", True):
        return None
    return Path(settings.get("CACHE_PATH") or "cache") / CACHE_DIR


def _session(settings: Mapping[str, Any]) -> Any:
    from ..site.session import session_of

    return session_of(settings)


def start(settings: Mapping[str, Any]) -> ParseStore:
    """The parse store of a new run, kept in the run's session (a store left by a run that
    failed before it finished is stopped when its session is closed, see
    :meth:`news_digest.site.session.BuildSession.close`)."""
    folder = cache_folder(settings)
    store = ParseStore(folder / CACHE_FILE if folder is not None else None)
    session = _session(settings)
    if session is not None:
        if session.parse_store is not None:
            session.parse_store.abort()
        session.parse_store = store
    return store


def store_for(settings: Mapping[str, Any]) -> ParseStore | None:
    """The parse store of the run ``settings`` belong to, if it has one."""
    session = _session(settings)
    return session.parse_store if session is not None else None


def source_name(base_path: str, name: str) -> str:
    """The path of the file ``name`` (as Pelican lists it, below the absolute, normalised
    ``base_path``) that keys it in the store: relative, normalised, with forward slashes."""
    from pelican.utils import posixize_path

    normal = os.path.normpath(name)
    if not os.path.isabs(normal) and normal != ".." and not normal.startswith("../"):
        return posixize_path(normal)  # what the relpath below gives, at less cost
    path = os.path.join(base_path, name)
    return posixize_path(os.path.relpath(os.path.abspath(path), base_path))


def preparse(settings: Mapping[str, Any], base_path: str, files: Iterable[str]) -> ParseStore:
    """Set the parsing of every dump of ``files`` (paths below ``base_path``, in the order
    the reader will ask for them) going, before the reader asks."""
    store = store_for(settings) or start(settings)
    base_path = os.path.abspath(base_path)
    store.sources = {name: source_name(base_path, name) for name in files}
    items = [(source, os.path.join(base_path, name)) for name, source in store.sources.items()]
    store.fill(items, worker_count(settings))
    logger.debug(
        "news_digest: %d dumps from the parse cache, %d to parse", store.hits, store.parsed
    )
    return store


def finish(settings: Mapping[str, Any]) -> None:
    """Finish the cache file, stop the workers and forget the build's parses."""
    session = _session(settings)
    store = session.parse_store if session is not None else None
    if session is not None:
        session.parse_store = None
    if store is not None:
        store.close()
