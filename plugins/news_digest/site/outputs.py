"""What each build wrote into its output folder: so that nothing stale stays, and so that a
page is skipped as unchanged only when its bytes are known to be on disk.

A clean build writes a set of files; an incremental build must leave exactly that set. The
:class:`OutputLedger` of a build lists every file it wrote or kept (pages through Pelican's
writer and the ``content_written`` / ``feed_written`` signals, the plugin's own pages, static
files), and when the build ends every file that the last build into the same folder wrote
and this one did not is removed (with the folders it leaves empty): pages of deleted,
renamed or re-dated dumps, empty archives, pagination pages that are no more, the digest
pages after ``digest_dirname`` changed, the sitemaps of a published build. The search index
(``pagefind/``) is left to :mod:`news_digest.publish.search`, which runs after the pruning
and indexes what is left.

The ledger file is ``CACHE_PATH/news_digest/outputs/<device>-<inode>.pickle``, named after
the output *folder* (its device and inode), not its path: ``make publish`` builds into a new
folder and renames it, and the next ``make html`` into that folder finds the record of the
build that wrote it.

**Trust.** For a page the plugin renders, the ledger keeps its fingerprint (see
:mod:`news_digest.incremental.render`) with the ``(size, mtime_ns, ctime_ns, inode)`` of the
file as written. A page is skipped only when its fingerprint is unchanged *and* the file on
disk has exactly that stat: a page rewritten by anything else (a published build into the
same folder, an edit by hand, a build that failed or was killed half-way) is rendered again.
Before a page is written, its name is appended to a journal beside the ledger
(``<ledger>.journal``); the ledger is replaced, and the journal removed, only when a build
has finished. A build that fails, is killed or runs out of disk therefore leaves a journal,
and the next build trusts none of the pages named in it (and removes them if it does not
write them). Pelican's own writer says what it wrote just *after* writing
(``content_written``); those files carry no fingerprint, so only their pruning depends on
the journal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .lock import remove_leftover_temporaries

logger = logging.getLogger(__name__)

#: Folder below ``CACHE_PATH/news_digest`` holding one ledger per output folder.
LEDGER_DIR = "outputs"
#: Ledgers kept (most recently written first): ``make html`` and ``make publish`` each use
#: a folder of their own, and every publish makes a new one.
KEEP_LEDGERS = 8
#: Bumped when the ledger's format changes: an older ledger is then not read.
LEDGER_VERSION = 1
#: Folders below the output folder whose files another step manages (the search index).
MANAGED_ELSEWHERE = ("pagefind/",)

#: ``(fingerprint, size, mtime_ns, ctime_ns, inode)`` of a page the plugin rendered, or None
#: for a file written by someone else (Pelican's writer, the static files).
Record = tuple[str, int, int, int, int] | None


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What must be unchanged for a file's bytes to be those last written."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class OutputLedger:
    """The files one build writes into ``output_path``, and those of the last build there.

    ``cache_folder`` is ``CACHE_PATH/news_digest``; ``trust`` is False when the speed layer
    is off (then no page is ever skipped, but stale files are still removed)."""

    def __init__(self, output_path: str, cache_folder: Path, trust: bool) -> None:
        self.output = os.path.abspath(output_path)
        os.makedirs(self.output, exist_ok=True)
        folder = os.stat(self.output)
        self.path = cache_folder / LEDGER_DIR / f"{folder.st_dev}-{folder.st_ino}.pickle"
        self.journal_path = self.path.with_suffix(".journal")
        self.trust = trust
        #: ``relative path -> Record`` of the last finished build into this folder, with
        #: every file named in the journal of a build that did not finish (as None).
        self.previous: dict[str, Record] = {}
        #: ``relative path -> Record`` of this build.
        self.current: dict[str, Record] = {}
        self._journal: Any = None
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                version, records = pickle.load(handle)
            if version == LEDGER_VERSION and isinstance(records, dict):
                self.previous = records
        except FileNotFoundError:
            pass
        except Exception as error:  # noqa: BLE001 - a broken ledger: trust nothing
            logger.debug("news_digest: output ledger %s not used: %s", self.path, error)
        try:
            with open(self.journal_path, encoding="utf-8", errors="surrogateescape") as handle:
                unfinished = [line.rstrip("\n") for line in handle if line.strip()]
        except FileNotFoundError:
            return
        except OSError as error:
            logger.debug("news_digest: journal %s not read: %s", self.journal_path, error)
            self.previous = {}
            return
        logger.info(
            "news_digest: the last build into %s did not finish; %d files it may have "
            "written are rendered again or removed",
            self.output,
            len(unfinished),
        )
        for rel in unfinished:
            self.previous[rel] = None
            # A page whose write was killed half-way left its temporary file beside it.
            remove_leftover_temporaries(os.path.join(self.output, rel))

    # Names

    def relative(self, path: str) -> str | None:
        """``path`` (absolute, or relative to the output folder) as a key, or None when it is
        outside the output folder."""
        full = os.path.normpath(os.path.join(self.output, path))
        if not full.startswith(self.output + os.sep):
            return None
        return full[len(self.output) + 1 :].replace(os.sep, "/")

    # Trust

    def trusted(self, rel: str, fingerprint: str) -> bool:
        """Whether the file ``rel`` holds the bytes of a page with ``fingerprint``: the last
        finished build rendered it so, and nothing has touched it since."""
        if not self.trust:
            return False
        record = self.previous.get(rel)
        if record is None or record[0] != fingerprint:
            return False
        try:
            stat = os.stat(os.path.join(self.output, rel))
        except OSError:
            return False
        return stat_key(stat) == record[1:]

    def keep(self, rel: str) -> None:
        """A trusted page that this build leaves as it is."""
        self.current[rel] = self.previous.get(rel)

    # Writes

    def about_to_write(self, rels: Iterable[str]) -> None:
        """Journal ``rels`` before they are written (see the module's docstring)."""
        lines = "".join(f"{rel}\n" for rel in rels)
        if not lines:
            return
        try:
            if self._journal is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._journal = open(  # noqa: SIM115 - kept open for the build
                    self.journal_path, "a", encoding="utf-8", errors="surrogateescape"
                )
            self._journal.write(lines)
            self._journal.flush()
        except OSError as error:
            # No journal, no trust: with the ledger gone, the next build renders every page.
            logger.warning("news_digest: could not write %s: %s", self.journal_path, error)
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.previous = {rel: None for rel in self.previous}

    def wrote(self, path: str, fingerprint: str | None = None, stat: Any = None) -> None:
        """This build wrote (or keeps) ``path``; a page of the plugin's with its fingerprint
        and the stat of the file as written."""
        rel = self.relative(path)
        if rel is None:
            return
        if fingerprint is not None and stat is not None:
            self.current[rel] = (fingerprint, *stat)
        else:
            self.current[rel] = None

    def written_by_others(self, path: str) -> None:
        """A file that Pelican's writer (or another plugin) has just written: journaled, so
        that a build that does not finish still removes it when it is stale."""
        rel = self.relative(path)
        if rel is None:
            return
        self.about_to_write([rel])
        self.current[rel] = None

    # The end of a build

    def stale(self) -> list[str]:
        """Files the last build wrote and this one did not, outside the managed folders."""
        return sorted(
            rel
            for rel in self.previous
            if rel not in self.current and not rel.startswith(MANAGED_ELSEWHERE)
        )

    def prune(self) -> list[str]:
        """Remove the :meth:`stale` files, and the folders that they leave empty."""
        removed = []
        folders: set[str] = set()
        for rel in self.stale():
            path = os.path.join(self.output, rel)
            try:
                if os.path.isfile(path) or os.path.islink(path):
                    os.unlink(path)
                    removed.append(rel)
            except OSError as error:
                logger.warning("news_digest: could not remove stale %s: %s", path, error)
                continue
            folder = os.path.dirname(rel)
            while folder:
                folders.add(folder)
                folder = os.path.dirname(folder)
        for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
            with contextlib.suppress(OSError):
                os.rmdir(os.path.join(self.output, folder))  # only if empty
        if removed:
            logger.info(
                "news_digest: removed %d files of the last build that this one does not write",
                len(removed),
            )
        return removed

    def save(self) -> None:
        """The build finished: this build's record replaces the last, the journal goes."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            with open(temporary, "wb") as handle:
                pickle.dump((LEDGER_VERSION, self.current), handle, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError as error:
            # The journal stays: the next build trusts none of this build's pages.
            logger.warning("news_digest: could not save %s: %s", self.path, error)
            self.close()
            return
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.journal_path.unlink()
        self._forget_old_ledgers()

    def close(self) -> None:
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.close()
            self._journal = None

    def _forget_old_ledgers(self) -> None:
        """Keep the :data:`KEEP_LEDGERS` most recently written ledgers (folders of old
        published builds are gone)."""
        ledgers = []
        for path in self.path.parent.glob("*.pickle"):
            with contextlib.suppress(OSError):
                ledgers.append((path.stat().st_mtime_ns, path))
        for _, path in sorted(ledgers, reverse=True)[KEEP_LEDGERS:]:
            with contextlib.suppress(OSError):
                path.unlink()
                path.with_suffix(".journal").unlink(missing_ok=True)
