"""Cache files written by a forked copy of the build while the build goes on.

The story index is written as soon as a build has filed its new dumps (some 46 MB at
10,000 dumps: its plain state, ``marshal``, the checksum and the write take about 0.35 s),
and nothing later in the build reads it. A build that adds one dump runs on one core
(Pelican's loop over the dumps, the pages' fingerprints), so the file is written on the
other: :meth:`BackgroundWrites.start` forks, the child writes, the build goes on.

- The child writes through the same function the build would call itself, so the file is
  whole or the old one stays (:func:`news_digest.site.lock.write_whole`).
- The child logs nothing (a process forked from one with threads must not wait on the
  logging lock): the write returns the warning it would have logged, or None, and the build
  logs it when it waits for the child. A child that dies or does not finish in
  :data:`WRITE_SECONDS` is one warning naming what it was writing.
- The build waits for every child before it lets go of its lock (:meth:`finish`, called
  when the build session closes, and by the lock's guard when a build fails), so the next
  build reads the new file. A build that is killed leaves its child to finish the file;
  the child holds the build lock with it (an ``flock`` belongs to the open file, which the
  child shares), so the next build on the folder waits for it.
- A child killed (or dead of a signal) has its temporary file removed.
- Where there is no ``fork``, or a child cannot be started (no memory or processes left),
  the write is made in place.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

#: The longest a build waits for a child writing a cache file, then kills it (the file
#: keeps its old bytes).
WRITE_SECONDS = 300.0

#: A write: makes the file, returns None, or the warning that says why it was not made.
Write = Callable[[], "str | None"]


class BackgroundWrites:
    """The cache files one build writes in forked children, until it waits for them."""

    def __init__(self) -> None:
        #: ``(what, path or None, process, our end of its pipe)`` of each child not waited
        #: for yet.
        self.running: list[tuple[str, str | None, Any, Any]] = []

    def start(self, what: str, write: Write, path: str | None = None) -> None:
        """Run ``write()`` in a forked child; ``what`` names the file in a warning, ``path``
        (the file written through :func:`~news_digest.site.lock.write_whole`) lets the
        temporary file of a child that had to be killed be removed. Where the child cannot
        be started (no ``fork``, no memory or processes left), the write is made here."""
        if hasattr(os, "fork"):
            for stream in (sys.stdout, sys.stderr):  # else the child writes their buffers again
                with contextlib.suppress(AttributeError, OSError, ValueError):
                    stream.flush()
            context = multiprocessing.get_context("fork")
            ours = theirs = None
            try:
                ours, theirs = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(what, write, theirs), daemon=False)
                process.start()
            except OSError as error:
                logger.debug("news_digest: %s written in place (no child: %s)", what, error)
                for end in (ours, theirs):
                    if end is not None:
                        end.close()
            else:
                theirs.close()
                self.running.append((what, path, process, ours))
                return
        _log(write())

    def finish(self) -> None:
        """Wait for every child started, and log what each one said. Interrupted, it kills
        the children it has not waited for."""
        try:
            while self.running:
                what, path, process, pipe = self.running[0]
                _log(_wait(what, path, process, pipe))
                self.running.pop(0)
        finally:
            for _, path, process, pipe in self.running:
                process.kill()
                process.join()
                pipe.close()
                _remove_temporary(path, process.pid)
            self.running = []


def _wait(what: str, path: str | None, process: Any, pipe: Any) -> str | None:
    """What the child writing ``what`` said, once it ended (killed after
    :data:`WRITE_SECONDS`)."""
    try:
        if pipe.poll(WRITE_SECONDS):
            message = pipe.recv()
        else:
            process.kill()
            message = f"{what}: not saved (not written after {WRITE_SECONDS:g} s)"
    except EOFError:
        process.join()
        message = f"{what}: not saved (its writer ended with status {process.exitcode})"
    finally:
        pipe.close()
    process.join()
    if process.exitcode is not None and process.exitcode < 0:
        _remove_temporary(path, process.pid)  # killed: its temporary file stayed
    return message


def _remove_temporary(path: str | None, pid: int | None) -> None:
    if path is not None and pid is not None:
        from ..site.lock import temporary_name

        with contextlib.suppress(OSError):
            os.unlink(temporary_name(path, pid))


def _log(message: str | None) -> None:
    if message:
        logger.warning("%s", message)


def _child(what: str, write: Write, pipe: Any) -> None:
    """The forked child: run the write, send back what it says. The collector is off: it
    would walk (and so copy) the build's memory, and could run finalizers of the
    build's objects a second time."""
    gc.disable()
    try:
        message = write()
    except BaseException as error:  # noqa: BLE001 - every failure goes to the build
        message = f"{what}: not saved ({type(error).__name__}: {error})"
    pipe.send(message)
    pipe.close()
