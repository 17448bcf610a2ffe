"""The state of one build (one Pelican ``run``), in one object.

A :class:`BuildSession` is made when a run starts (Pelican's ``get_generators`` signal, sent
at the start of every run, also under ``pelican -r``) and kept in the run's settings under
:data:`SESSION_KEY`, which every generator, reader and writer of the run can reach. Its
signal handlers are its own bound methods, connected for the run and disconnected when it
ends; a session left by a run that failed is closed by the next one.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .outputs import OutputLedger
from .settings import merged_settings

logger = logging.getLogger(__name__)

#: The settings key under which a run keeps its session.
SESSION_KEY = "NEWS_DIGEST_SESSION"
#: ``CACHE_PATH/<this>``: the plugin's files in Pelican's cache folder.
CACHE_DIR = "news_digest"


def session_of(settings: Mapping[str, Any]) -> BuildSession | None:
    """The session of the run that ``settings`` belongs to, if one is running."""
    session = settings.get(SESSION_KEY)
    return session if isinstance(session, BuildSession) else None


def running_sessions() -> list[BuildSession]:
    """The sessions still open in this process: those of runs that failed (Pelican runs one
    build at a time, and a run that ends closes its own). A session is connected to
    Pelican's signals while it is open, so they are found there, whatever settings dict
    they belong to; the signals hold them weakly, as they hold every receiver."""
    from pelican import signals

    found = []
    for receiver in list(signals.content_written.receivers.values()):
        target = receiver() if isinstance(receiver, weakref.ref) else receiver
        owner = getattr(target, "__self__", None)
        if isinstance(owner, BuildSession) and not owner.closed and owner not in found:
            found.append(owner)
    return found


class BuildSession:
    """What one build knows: whether the speed layer is on, the patches it installed, what
    it writes (:class:`~news_digest.site.outputs.OutputLedger`)."""

    def __init__(self, settings: dict[str, Any], output_path: str) -> None:
        #: The garbage collector's thresholds before the run raised them
        #: (news_digest.incremental.patches.raise_gc_thresholds), put back when it ends.
        self.saved_gc: tuple[int, int, int] | None = None
        for previous in running_sessions():
            previous.close()  # left by a run that failed
            # It raised the collector's thresholds and never put them back.
            self.saved_gc = self.saved_gc or previous.saved_gc
        self.settings = settings
        options = merged_settings(settings)
        #: The speed layer (``NEWS_DIGEST["incremental"]``): off, the build takes Pelican's
        #: own paths and installs no patch (see docs/build.md).
        self.incremental = bool(options["incremental"])
        folder = Path(settings.get("CACHE_PATH") or "cache") / CACHE_DIR
        #: What the build writes; page fingerprints are kept only with the cache on.
        self.ledger = OutputLedger(output_path, folder, trust=bool(options["cache"]))
        #: The run's ArticlesGenerator (set when it starts), the sender of its signals.
        self.articles_generator: Any = None
        #: Names of the patches installed in this run
        #: (:data:`news_digest.incremental.patches.PATCHES`).
        self.patches: list[str] = []
        #: The parse store (news_digest.incremental.cache), until every dump is read.
        self.parse_store: Any = None
        #: The article snapshot (news_digest.incremental.snapshot), until every dump is read.
        self.snapshot: Any = None
        #: The clock of the progress bar and the summary line (news_digest.site.progress).
        self.clock: Any = None
        #: URL formatting with its memos (news_digest.incremental.urls.UrlFormatter), made
        #: on first use.
        self.url_formatter: Any = None
        #: ``{page: page_record}`` of the pages the page writer wrote, for the search step
        #: (:func:`news_digest.publish.search.note_written`), which takes them.
        self.written_pages: dict[str, list[Any]] = {}
        #: The language the theme speaks (news_digest.site.i18n.SiteLanguage), made once.
        self.language: Any = None
        #: The stories of the run's dumps (news_digest.site.stories_pages.StoryModel).
        self.stories: Any = None
        #: Cache files written by forked children while the build goes on
        #: (news_digest.incremental.background.BackgroundWrites), made on first use and
        #: waited for when the session closes.
        self.background: Any = None
        self.closed = False
        settings[SESSION_KEY] = self
        self._connect()

    def _connect(self) -> None:
        from pelican import signals

        signals.content_written.connect(self.on_content_written)
        signals.feed_written.connect(self.on_feed_written)
        signals.static_generator_finalized.connect(self.on_static_generator_finalized)

    def close(self) -> None:
        from pelican import signals

        if self.closed:
            return
        self.wait_for_writes()
        signals.content_written.disconnect(self.on_content_written)
        signals.feed_written.disconnect(self.on_feed_written)
        signals.static_generator_finalized.disconnect(self.on_static_generator_finalized)
        self.ledger.close()
        # What a run that failed before every dump was read leaves: workers, unfinished files.
        if self.parse_store is not None:
            self.parse_store.abort()
            self.parse_store = None
        if self.snapshot is not None:
            self.snapshot.abort()
            self.snapshot = None
        # It stays in the settings, closed, until the next run replaces it: what it knew
        # (the patches it installed, for one) can be read after the build.
        self.closed = True

    def background_writes(self) -> Any:
        """The run's :class:`~news_digest.incremental.background.BackgroundWrites`."""
        if self.background is None:
            from ..incremental.background import BackgroundWrites

            self.background = BackgroundWrites()
        return self.background

    def wait_for_writes(self) -> None:
        """Wait for the cache files being written in the background, and log what failed."""
        if self.background is not None:
            self.background.finish()

    # What the build writes

    def on_content_written(self, path: str, context: Any = None) -> None:
        """Pelican's writer (or the plugin's, which has recorded its pages already)."""
        rel = self.ledger.relative(path)
        if rel is not None and rel not in self.ledger.current:
            self.ledger.written_by_others(path)

    def on_feed_written(self, path: str, context: Any = None, feed: Any = None) -> None:
        self.ledger.written_by_others(path)

    def on_static_generator_finalized(self, generator: Any) -> None:
        """Static files are copied after this signal; they are journaled now."""
        for static in getattr(generator, "staticfiles", ()):
            if static.save_as:
                self.ledger.written_by_others(static.save_as)

    def finish_outputs(self) -> list[str]:
        """Every page is written: remove what is stale, then record this build."""
        removed = self.ledger.prune()
        self.ledger.save()
        return removed
