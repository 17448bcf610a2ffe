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
- Where there is no ``fork``, the write is made in place.
"""

from __future__ import annotations

import contextlib
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
        #: ``(what, process, our end of its pipe)`` of each child not waited for yet.
        self.running: list[tuple[str, Any, Any]] = []

    def start(self, what: str, write: Write) -> None:
        """Run ``write()`` in a forked child; ``what`` names the file in a warning."""
        if not hasattr(os, "fork"):
            _log(write())
            return
        for stream in (sys.stdout, sys.stderr):  # else the child writes their buffers again
            with contextlib.suppress(AttributeError, OSError, ValueError):
                stream.flush()
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(what, write, theirs), daemon=False)
        process.start()
        theirs.close()
        self.running.append((what, process, ours))

    def finish(self) -> None:
        """Wait for every child started, and log what each one said."""
        running, self.running = self.running, []
        for what, process, pipe in running:
            message: str | None
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
            _log(message)


def _log(message: str | None) -> None:
    if message:
        logger.warning("%s", message)


def _child(what: str, write: Write, pipe: Any) -> None:
    """The forked child: run the write, send back what it says."""
    try:
        message = write()
    except BaseException as error:  # noqa: BLE001 - every failure goes to the build
        message = f"{what}: not saved ({type(error).__name__}: {error})"
    pipe.send(message)
    pipe.close()
