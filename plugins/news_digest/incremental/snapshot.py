"""Articles of unchanged dumps, taken from the last build instead of read again.

Every build, Pelican reads every dump: ``read_file`` (paths, metadata, signals), an
``Article``, our reader's mapping of the parse. At 10,000 dumps that is most of a rebuild,
though almost every dump is the one the last build read. Pelican's own answer is its content
cache at the generator layer (``CONTENT_CACHING_LAYER = "generator"``): it keeps each article
and hands it back for a file whose stamp is unchanged. The snapshot is that cache, made for
dumps, in the very two methods Pelican calls for it (``get_cached_data`` and ``cache_data``
of the ArticlesGenerator), when Pelican's own content cache is off:

- **What is kept** of a dump's article is its state right after it was read (the attributes
  Pelican, our reader and every ``content_object_init`` receiver gave it), without its text
  (:data:`~news_digest.site.reader.TEXT_FIELDS`: paragraphs and headlines), and the dump's
  parse-report entry. The build's settings and context are not kept: an article from the
  snapshot gets this build's.
- **Which dumps**: published articles of dumps that the reader read without a warning (their
  report entry is ``ok``). A dump with a warning is read again on every build, so that every
  build reports it; so is a draft.
- **When it is used**: the dump's bytes have the sha1 of the kept article (taken by the parse
  store, see :mod:`news_digest.incremental.cache`), and the snapshot was written by the same plugin
  code,
  Pelican, Python and locale, with the same settings (:func:`snapshot_version`).
- **The text** comes back when a template, a feed or the search first asks for it
  (:class:`SnapshotArticle`), from the dump's parse in the parse cache (else from the file):
  the pages of an unchanged dump are not rendered again, so most articles never need it.
  Until then the article holds where that parse is in the cache file the build read
  (:class:`~news_digest.incremental.cache.Kept`), not its bytes: the parse is read back,
  checked and matched to the dump's key when asked for.

The file (``CACHE_PATH/news_digest/articles-<version>.pickle``) is a record file
(:mod:`news_digest.incremental.records`): one ``(path, sha1, pickled state)`` record per dump. The
articles of dumps read in a build are appended to it as they come; a build that reads none
leaves it alone, and it is written anew when the records of gone or changed dumps would be
too many.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import io
import locale
import logging
import os
import pickle
import sys
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pelican.contents import Article
from pelican.urlwrappers import Author, Category, Tag, URLWrapper

from ..parse.report import future_date_message
from ..site.build_checks import record_dump, recorder_for
from ..site.reader import TEXT_FIELDS, is_dump, text_fields
from ..site.session import session_of
from . import cache, records
from .codehash import package_code_hash

logger = logging.getLogger(__name__)

#: ``CACHE_PATH/news_digest/articles-<version>.pickle``: one file per set of settings (and
#: code), so that builds with other settings (``make html`` and ``make publish``) do not
#: throw each other's snapshot away; the few most recently used are kept.
SNAPSHOT_GLOB = "articles-*.pickle"
KEEP_SNAPSHOTS = 3
MAGIC = "news_digest article snapshot"


#: Signals whose receivers shape an article as it is read (ours and other plugins').
ARTICLE_SIGNALS = (
    "readers_init",
    "article_generator_init",
    "article_generator_preread",
    "article_generator_context",
    "content_object_init",
)


def receiver_sources() -> list[Path]:
    """The source files of every receiver of :data:`ARTICLE_SIGNALS`: a plugin that shapes
    articles and changes its code makes every article be read again."""
    from pelican import signals

    files: set[Path] = set()
    for name in ARTICLE_SIGNALS:
        for receiver in list(getattr(signals, name).receivers.values()):
            function = receiver() if isinstance(receiver, weakref.ref) else receiver
            module = sys.modules.get(getattr(function, "__module__", None) or "")
            source = getattr(module, "__file__", None)
            if source and os.path.isfile(source):
                files.add(Path(source))
    return sorted(files)


def snapshot_version(settings: Mapping[str, Any]) -> str:
    """What an article's state depends on besides its dump: the plugin's code and that of
    every receiver of :data:`ARTICLE_SIGNALS`, Pelican's and Python's versions, the locale
    that formats dates, and the settings."""
    from importlib.metadata import version

    from .render import stable_value

    sha = hashlib.sha1(MAGIC.encode())
    sha.update(package_code_hash().encode())
    for path in receiver_sources():
        sha.update(str(path.name).encode())
        sha.update(path.read_bytes())
    sha.update(f"pelican {version('pelican')} python {sys.version_info[:2]}".encode())
    sha.update(str(locale.setlocale(locale.LC_TIME)).encode())
    sha.update(repr(stable_value(dict(settings))).encode("utf-8", "surrogatepass"))
    return sha.hexdigest()


class SnapshotArticle(Article):
    """An article from the snapshot. Its text fields (:data:`TEXT_FIELDS`) are read from the
    dump's parse the first time they are asked for."""

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes the instance lacks.
        state = self.__dict__
        if name not in TEXT_FIELDS or "_snapshot_view" not in state:
            raise AttributeError(name)
        fields = text_fields(self._snapshot_text())
        state.update(fields)
        state["metadata"].update(fields)
        return fields[name]

    def get_relative_source_path(self, source_path: str | None = None) -> str | None:
        """Pelican's, but for the article's own source, the value it had when the dump was
        read: the same, for the same file and ``PATH`` (the settings key the snapshot)."""
        if not source_path and "relative_source_path" in self.__dict__:
            return self.relative_source_path
        return super().get_relative_source_path(source_path)

    def peek_text(self, name: str) -> Any:
        """The text field ``name``, without keeping the text on the article when it was not
        read yet: a build that makes the stories anew reads every dump's headlines, and
        renders the pages of almost none."""
        state = self.__dict__
        if name in state or "_snapshot_view" not in state or name not in TEXT_FIELDS:
            return getattr(self, name)
        return text_fields(self._snapshot_text(keep=True))[name]

    def _snapshot_text(self, keep: bool = False) -> dict[str, Any]:
        """The dump's view: the parse this build found for its bytes, else a parse of the file
        (a dump changed since the build began shows its new text, as a read would). The
        parse's place is let go unless ``keep``."""
        state = self.__dict__
        entry = state["_snapshot_view"] if keep else state.pop("_snapshot_view")
        blob = cache.entry_bytes(entry)
        if blob is not None:
            settings = self.__dict__.get("settings")
            folder = cache.cache_folder(settings) if settings is not None else None
            parse_file = folder / cache.CACHE_FILE if folder is not None else None
            view = cache.unpickled_view(blob, self.dump_source, parse_file)  # None if damaged
            if isinstance(view, dict):
                return view
        try:
            with open(self.source_path, "rb") as handle:
                view = cache.view_of(handle.read(), self.dump_source, None)
        except OSError as error:
            view = error
        if isinstance(view, dict):
            return view
        logger.warning("%s: could not be read again: %s", self.dump_source, view)
        return {"paragraphs": (), "headlines": (), "entries": ()}


def _wrapper(cls: type, name: str, slug: str | None) -> Any:
    """What a pickled author, category or tag names: only ever called through a
    :class:`WrapperContext` (:class:`SnapshotUnpickler` puts its method in this one's place)."""
    raise pickle.UnpicklingError("an author, category or tag is read with its build's context")


def _reduce_wrapper(wrapper: URLWrapper) -> tuple:
    """Pickles an author, category or tag by name, without the settings it holds."""
    slug = None if wrapper._slug_from_name else wrapper._slug
    return _wrapper, (type(wrapper), wrapper.name, slug)


class WrapperContext:
    """The authors, categories and tags of the articles one build takes from its snapshot:
    one object per name, with this build's settings, shared by every article (Pelican makes
    one per article, and slugifies each)."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        #: ``(class, name, slug) -> `` the author, category or tag.
        self.wrappers: dict[tuple, Any] = {}

    def wrapper(self, cls: type, name: str, slug: str | None) -> Any:
        key = (cls, name, slug)
        wrapper = self.wrappers.get(key)
        if wrapper is None:
            wrapper = self.wrappers[key] = cls(name, self.settings)
            if slug is not None:
                wrapper.slug = slug
        return wrapper


class SnapshotUnpickler(pickle.Unpickler):
    """Reads a kept state with an explicit :class:`WrapperContext`: the ``_wrapper`` that
    :func:`_reduce_wrapper` names is the context's :meth:`WrapperContext.wrapper`."""

    def __init__(self, data: bytes, context: WrapperContext) -> None:
        super().__init__(io.BytesIO(data))
        self.context = context

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == _wrapper.__name__:
            return self.context.wrapper
        return super().find_class(module, name)


#: Pickling of a kept state: Pelican's authors, categories and tags by name.
_DISPATCH = {
    **copyreg.dispatch_table,
    **{cls: _reduce_wrapper for cls in (URLWrapper, Author, Category, Tag)},
}
#: Attributes of an article that are this build's, not the article's own.
_SHARED = ("settings", "_context")


def _pickled(value: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return buffer.getvalue()


class ArticleSnapshot:
    """The snapshot of one build of an ArticlesGenerator: hands out the kept articles of
    unchanged dumps (:meth:`get_cached_data`), keeps the ones read (:meth:`cache_data`), and
    writes what it kept (:meth:`save`).

    The new file is written as the articles come, from the first dump read on (a build that
    reads none and loses none leaves the file alone), so no build holds every new record."""

    def __init__(self, generator: Any, folder: Path | None) -> None:
        self.settings = generator.settings
        self.context = generator.context
        self.version = snapshot_version(self.settings)
        self.path = snapshot_file(folder, self.version) if folder is not None else None
        #: ``filename -> (sha1, pickled state)`` of the last build.
        self.saved: dict[str, tuple[str, bytes]] = {}
        #: ``filename -> sha1`` of what this build keeps.
        self.kept: dict[str, str] = {}
        #: The authors, categories and tags shared by the articles taken from the snapshot.
        self.wrappers = WrapperContext(self.settings)
        self.hits = 0
        self.refused = 0
        self._out: records.Writer | None = None  # from the first dump read on
        self._loaded = records.load_if_any(
            self.path, (MAGIC, self.version), "article snapshot", is_snapshot_record
        )
        if self._loaded is not None:
            self.saved = {name: (sha, blob) for name, sha, blob in self._loaded.records}

    def get_cached_data(self, filename: str, default: Any = None) -> Any:
        """The article kept for ``filename`` when its dump's bytes are unchanged."""
        record = self.saved.get(filename)
        store = cache.store_for(self.settings)
        if record is None or store is None:
            return default
        source = store.sources.get(filename, "")
        sha, blob = record
        if store.sha_of(source) != sha:
            return default
        try:
            state, entry = SnapshotUnpickler(blob, self.wrappers).load()
            date = state["date"].isoformat()  # a record of another shape fails here
        except Exception as error:  # noqa: BLE001 - a damaged record: read the dump
            logger.debug("news_digest: %s not taken from the snapshot: %s", filename, error)
            return default
        if future_date_message(date):
            return default  # read again: its warning depends on the day of the build
        claimed = store.claim(source)
        article = SnapshotArticle.__new__(SnapshotArticle)
        article.__dict__.update(state)
        article.settings = self.settings
        article._context = self.context
        article._snapshot_view = claimed[1] if claimed is not None else None
        record_dump(self.settings, entry)
        self._keep(filename, sha, blob)
        self.hits += 1
        return article

    def cache_data(self, filename: str, article: Any) -> None:
        """Keep a dump article just read (Pelican calls this once it is valid)."""
        entry = self._clean_entry(article)
        if entry is None:
            self.refused += 1
            return
        state = {
            k: v for k, v in article.__dict__.items() if k not in TEXT_FIELDS and k not in _SHARED
        }
        state["metadata"] = {k: v for k, v in article.metadata.items() if k not in TEXT_FIELDS}
        try:
            blob = _pickled((state, entry))
        except Exception as error:  # noqa: BLE001 - e.g. another plugin's unpicklable value
            logger.debug("news_digest: %s not kept in the snapshot: %s", filename, error)
            self.refused += 1
            return
        if self._out is None:
            self._open()
        self._keep(filename, article.dump_sha1, blob, fresh=True)

    def _clean_entry(self, article: Any) -> dict | None:
        """The dump's report entry, if the article may be kept: a published dump article
        read with no warning (see the module's docstring)."""
        if not is_dump(article) or article.status != "published":
            return None
        if type(article) is not Article or article.settings is not self.settings:
            return None
        recorder = recorder_for(self.settings)
        entry = recorder.entries.get(article.dump_source) if recorder is not None else None
        if entry is None or entry.get("status") != "ok":
            return None
        return entry

    def _keep(self, filename: str, sha: str, blob: bytes, fresh: bool = False) -> None:
        self.kept[filename] = sha
        if self._out is not None and (fresh or not self._out.appending):
            try:
                self._out.add((filename, sha, blob))
            except OSError as error:
                self._fail(error)

    def _alive(self) -> int:
        """How many of the file's articles this build can take (their dumps unchanged)."""
        store = cache.store_for(self.settings)
        if store is None:
            return 0
        return sum(
            store.sha_of(store.sources.get(name, "")) == sha
            for name, (sha, _) in self.saved.items()
        )

    def _open(self, append: bool | None = None) -> None:
        """Start writing: append to the file, or start a new one with the articles kept so
        far when the file's dead records would be too many (see
        :mod:`news_digest.incremental.records`)."""
        if self.path is None:
            return
        if append is None:
            append = records.worth_appending(self._loaded, self._alive())
        try:
            self._out = records.Writer(self.path, (MAGIC, self.version), self._loaded, append)
            if not self._out.appending:
                for filename in self.kept:
                    sha, blob = self.saved[filename]
                    self._out.add((filename, sha, blob))
        except OSError as error:
            self._fail(error)

    def _fail(self, error: OSError) -> None:
        logger.warning("news_digest: could not save the article snapshot: %s", error)
        self.abort()
        self.path = None  # nothing more is written in this build

    def abort(self) -> None:
        """Stop writing (see :meth:`news_digest.incremental.records.Writer.abandon`)."""
        if self._out is not None:
            self._out.abandon()
            self._out = None

    def save(self) -> None:
        """Finish the file. A build that read no dump leaves it alone, unless dumps it held
        are gone and it is worth writing anew."""
        if self._out is None:
            if self.kept.keys() == self.saved.keys():
                return
            if records.worth_appending(self._loaded, len(self.kept)):
                return  # the records of gone dumps stay, and are never taken
            self._open(append=False)
        if self._out is None:
            return
        try:
            self._out.finish()
            self._out = None
        except OSError as error:
            self._fail(error)


def is_snapshot_record(record: Any) -> bool:
    """Whether a record of the snapshot file has the shape ``(filename, sha1, pickled)``."""
    return (
        isinstance(record, tuple)
        and len(record) == 3
        and isinstance(record[0], str)
        and isinstance(record[1], str)
        and isinstance(record[2], bytes)
    )


def snapshot_file(folder: Path, version: str) -> Path:
    return folder / SNAPSHOT_GLOB.replace("*", version[:16])


def prune(folder: Path, current: Path) -> None:
    """Remove all but the :data:`KEEP_SNAPSHOTS` most recently written snapshot files."""
    others = []
    for path in folder.glob(SNAPSHOT_GLOB):
        with contextlib.suppress(OSError):
            if path != current:
                others.append((path.stat().st_mtime_ns, path))
    for _, path in sorted(others, reverse=True)[KEEP_SNAPSHOTS - 1 :]:
        with contextlib.suppress(OSError):
            path.unlink()


def open_snapshot(generator: Any) -> ArticleSnapshot | None:
    """The snapshot an ArticlesGenerator gets as its content cache (installed by
    :func:`news_digest.incremental.patches.install_article_snapshot`), unless Pelican's own
    generator-layer cache is on, or the parse cache (``NEWS_DIGEST["cache"]``) is off."""
    folder = cache.cache_folder(generator.settings)
    if folder is None or getattr(generator, "_cache_data_policy", True):
        return None
    if getattr(generator, "_cache", True):  # Pelican loaded a content cache of its own
        return None
    snapshot = ArticleSnapshot(generator, folder)
    session = session_of(generator.settings)
    if session is not None:
        if session.snapshot is not None:
            session.snapshot.abort()
        # Until every dump is read; a run that fails before that leaves it to be aborted
        # when its session is closed.
        session.snapshot = snapshot
    return snapshot


def finish(generator: Any) -> None:
    """Every dump is read: write the generator's snapshot (if it has one)."""
    snapshot = getattr(generator.cache_data, "__self__", None)
    if isinstance(snapshot, ArticleSnapshot):
        snapshot.save()
        if snapshot.path is not None:
            prune(snapshot.path.parent, snapshot.path)
        session = session_of(generator.settings)
        if session is not None and session.snapshot is snapshot:
            session.snapshot = None
        logger.debug(
            "news_digest: %d articles from the snapshot, %d kept of those read, %d not kept",
            snapshot.hits,
            len(snapshot.kept) - snapshot.hits,
            snapshot.refused,
        )
        # Not needed while the pages are written.
        snapshot.saved, snapshot.kept, snapshot._loaded = {}, {}, None
