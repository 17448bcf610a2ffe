"""One build at a time per output folder, and one clear line when a build cannot go on.

**The lock.** A build takes an exclusive ``flock`` on a lock file beside its output folder
(``.NAME.lock`` in the output folder's parent: inside it, Pelican's
``DELETE_OUTPUT_DIRECTORY`` and ``make publish`` would delete it) before anything else,
and removes it and lets go when the build ends. The kernel lets go of an ``flock`` when its
process dies, so a killed build never blocks the next one (its file stays, unlocked, and is
taken over). A second build on the same folder says once that it waits, naming the pid of
the first, waits at most ``NEWS_DIGEST["lock_timeout"]`` seconds, then stops with one line
and exit status 1. Each run of ``pelican -r`` takes the lock anew.

**The one line.** :class:`BuildStopped` is an error whose message says everything: Pelican
logs any exception that ends a build as ``CRITICAL`` with its traceback; the filter
:class:`OneLine` drops the traceback and the class name of this one. A disk error
(:data:`DISK_ERRNOS`: a full disk, a read-only folder, no permission, a quota) that ends a
build becomes one: ``cannot write PATH: No space left on device``.

**Whole files.** :func:`write_whole` writes a file through a temporary file that replaces
it, so that a full disk leaves the old file or none, never one cut short; :func:`write_new`
writes a file that is not there yet in place, and removes it when the write fails.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are not serialised
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

#: Errors of the disk rather than of the build: reported in one line, without a traceback.
DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EFBIG}
)
#: How often a waiting build tries the lock again: short enough not to add to a build that
#: starts right after another, long enough to cost nothing while it waits.
POLL_SECONDS = 0.2


class BuildStopped(Exception):
    """A build that cannot go on; its message is the whole report (no traceback)."""

    exitcode = 1  # what Pelican's ``main`` exits with


class OneLine(logging.Filter):
    """Logs a :class:`BuildStopped` as its message alone: no class name, no traceback.

    Installed on Pelican's logger, which logs the exception that ended a build (``main``)
    or a run of ``pelican -r`` (``autoreload``, which then goes on watching)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, BuildStopped):
            record.msg, record.args = "%s", (str(error),)
            record.exc_info, record.exc_text = None, None
        return True


def install_filter() -> None:
    """Put :class:`OneLine` on Pelican's logger, once per process."""
    pelican_logger = logging.getLogger("pelican")
    if not any(isinstance(f, OneLine) for f in pelican_logger.filters):
        pelican_logger.addFilter(OneLine())


#: Errors that only writing gives; a refused permission may also be a file that could not
#: be read, so it names what it is refused unless that is below a folder the build writes.
WRITE_ONLY_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG})


def disk_error(
    error: OSError, fallback: str | os.PathLike[str], written: tuple[str, ...] = ()
) -> BuildStopped | None:
    """The one-line :class:`BuildStopped` for a disk error, naming the file when the error
    does and ``fallback`` (the folder being written) when it does not (a ``write`` that
    finds the disk full names no file); None for any other error. ``written`` are the
    folders the build writes (output, cache)."""
    if error.errno not in DISK_ERRNOS:
        return None
    named = error.filename
    if named is None:
        named = _path_in_traceback(error, written)
    path = os.fsdecode(named if named is not None else fallback)
    reason = error.strerror or os.strerror(error.errno)
    writing = error.errno in WRITE_ONLY_ERRNOS or error.filename is None
    if not writing:
        writing = any(_below(path, folder) for folder in written)
    verb = "write" if writing else "access"
    return BuildStopped(f"cannot {verb} {path}: {reason}")


#: Names that the code writing a file (Pelican's writers, shutil) gives the file's path.
PATH_NAMES = ("path", "complete_path", "filename", "dst", "target")


def _below(path: str, folder: str) -> bool:
    absolute, base = os.path.abspath(path), os.path.abspath(folder)
    return os.path.commonpath([absolute, base]) == base


def _path_in_traceback(error: BaseException, written: tuple[str, ...]) -> str | None:
    """The file a write was at when it failed, when the error does not name it (``write``
    on a full disk): the innermost frame's path below a folder the build writes, read from
    the local variables that writing code names it by (:data:`PATH_NAMES`)."""
    found = None
    trace = error.__traceback__
    while trace is not None:
        local = trace.tb_frame.f_locals
        for name in PATH_NAMES:
            value = local.get(name)
            if isinstance(value, (str, os.PathLike)):
                text = os.fsdecode(value)
                if any(_below(text, folder) for folder in written):
                    found = text
                    break
        trace = trace.tb_next
    return found


def write_whole(path: str | os.PathLike[str], data: bytes) -> os.stat_result:
    """Write ``data`` to ``path`` through a temporary file beside it that replaces it when
    whole, so that a full disk or a killed build leaves the old file or none, never a
    truncated one; returns the new file's stat. An error names ``path`` (a ``write`` that
    finds the disk full names no file)."""
    temporary = temporary_name(path, os.getpid())
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            stat = os.fstat(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OSError(error.errno, error.strerror, os.fspath(path)) from error
    return stat


def write_new(path: str | os.PathLike[str], data: bytes) -> os.stat_result:
    """Write ``data`` to ``path``, a file that is not there yet, straight into place (no
    temporary file, no rename: a cold build creates some 22,000 pages); returns its stat.

    A failed write (a full disk) removes what it wrote, so it leaves no file rather than
    one cut short. Only a build killed in the middle of the write can leave part of a new
    file; the page writer journals every page before writing it
    (:meth:`news_digest.site.outputs.OutputLedger.about_to_write`), so the next build
    trusts no such page: it renders it again, or removes it. A file that turns out to be
    there after all is written by :func:`write_whole`."""
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666
        )
    except FileExistsError:
        return write_whole(path, data)
    except OSError as error:
        raise OSError(error.errno, error.strerror, os.fspath(path)) from error
    try:
        with open(fd, "wb", closefd=True) as handle:
            handle.write(data)
            handle.flush()
            stat = os.fstat(handle.fileno())
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise OSError(error.errno, error.strerror, os.fspath(path)) from error
    return stat


def temporary_name(path: str | os.PathLike[str], pid: int) -> str:
    """The temporary file :func:`write_whole` writes ``path`` through, in process ``pid``."""
    return f"{os.fspath(path)}.{pid}.tmp"


def remove_leftover_temporaries(path: str | os.PathLike[str]) -> int:
    """Remove the temporary files that a :func:`write_whole` of ``path`` killed half-way
    left beside it; returns how many."""
    removed = 0
    for leftover in glob.glob(glob.escape(os.fspath(path)) + ".*.tmp"):
        pid = leftover[len(os.fspath(path)) + 1 : -len(".tmp")]
        if pid.isdigit():
            with contextlib.suppress(OSError):
                os.unlink(leftover)
                removed += 1
    return removed


def lock_path(output_path: str | os.PathLike[str]) -> Path:
    """The lock file of an output folder: ``.NAME.lock`` beside it."""
    output = Path(os.path.abspath(output_path))
    return output.with_name(f".{output.name}.lock")


def say(line: str) -> None:
    """One line on Pelican's console, shown whatever the log level (Pelican shows no info
    records by default, and a build that waits in silence looks hung); logged at info level
    where Pelican is not there."""
    try:
        from pelican.log import console
    except ImportError:
        logger.info("%s", line)
        return
    console.print(line, soft_wrap=True, markup=False, highlight=False)


def _holder(handle: Any) -> str:
    """The pid written in the lock file by the build that holds it ("?" if unknown)."""
    with contextlib.suppress(OSError, ValueError):
        handle.seek(0)
        text = handle.read(32).strip()
        if text:
            return str(int(text))
    return "?"


class BuildLock:
    """The exclusive lock on an output folder, for one run of a build."""

    def __init__(self, output_path: str | os.PathLike[str], timeout: float) -> None:
        self.output = Path(output_path)
        self.path = lock_path(output_path)
        self.timeout = timeout
        self.handle: Any = None

    def _open(self) -> Any:
        """The lock file, created if need be (opened for reading only when it cannot be
        written: a read-only file can still be locked)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return open(self.path, "a+")  # noqa: SIM115 - held until release()
        except OSError as error:
            try:
                return open(self.path)  # noqa: SIM115 - held until release()
            except OSError:
                raise disk_error(error, self.path) or error from None

    def _current(self, handle: Any) -> bool:
        """Whether ``handle`` is still the file at :attr:`path` (the build that held the lock
        removes the file as it lets go, so a build that waited on it must open it again)."""
        try:
            here, held = os.stat(self.path), os.fstat(handle.fileno())
        except OSError:
            return False
        return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)

    def acquire(self) -> None:
        """Take the lock, waiting at most ``timeout`` seconds for a build that holds it."""
        if fcntl is None:
            return
        deadline = time.monotonic() + self.timeout
        told = False
        handle = self._open()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass
            else:
                if self._current(handle):
                    break
                handle.close()  # taken on a file already removed: take the new one
                handle = self._open()
                continue
            if not told:
                say(f"waiting for the build running in {self.output} (pid {_holder(handle)})")
                told = True
            if time.monotonic() >= deadline:
                holder = _holder(handle)
                handle.close()
                raise BuildStopped(
                    f"another build is running in {self.output} (pid {holder}); "
                    f"gave up after {self.timeout:g} s"
                )
            time.sleep(POLL_SECONDS)
        with contextlib.suppress(OSError):  # the pid is only for the message above
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        self.handle = handle

    def release(self) -> None:
        """Remove the lock file (no file is left beside the output folder), then let go."""
        if self.handle is not None:
            handle, self.handle = self.handle, None
            with contextlib.suppress(OSError):
                if self._current(handle):
                    self.path.unlink()
            handle.close()  # closing the file lets go of the lock

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def guarded_run(run: Callable[[], Any], settings: Mapping[str, Any], timeout: float) -> Any:
    """``run()`` (one build) holding the lock of ``settings["OUTPUT_PATH"]``, with a disk
    error turned into one :class:`BuildStopped` line."""
    output = settings.get("OUTPUT_PATH") or "output"
    written = (str(output), str(settings.get("CACHE_PATH") or "cache"))
    with BuildLock(output, timeout):
        try:
            return run()
        except OSError as error:
            stopped = disk_error(error, output, written)
            if stopped is None:
                raise
            raise stopped from None
        finally:
            # A run that failed still waits for the cache files it writes in the background
            # (news_digest.incremental.background) before it lets go of the lock.
            from .session import session_of

            session = session_of(settings)
            if session is not None:
                session.wait_for_writes()


def guard(pelican: Any, timeout: float) -> None:
    """Make every run of this Pelican instance a :func:`guarded_run` (once per instance;
    ``pelican -r`` makes a new instance when the settings file changes)."""
    install_filter()
    run = pelican.run
    if getattr(run, "guarded", False):
        return

    def locked_run() -> Any:
        return guarded_run(run, pelican.settings, timeout)

    locked_run.guarded = True  # type: ignore[attr-defined]
    pelican.run = locked_run
