"""Every change the plugin makes to Pelican's code at run time, in one module, each named.

With the speed layer off (``NEWS_DIGEST = {"incremental": False}``) none of them is
installed but :data:`FORGET_DISABLED_READERS` (see its entry); the build then runs on
Pelican's own paths: reader -> ArticlesGenerator -> ``Writer.write_file``. With it on, each
patch below stands in for a piece of Pelican's code; :data:`PATCHES` names that code, and
``tests/test_patches.py`` pins the sha1 of its source (``inspect.getsource``), so that a
Pelican release that changes it fails the test instead of the site.

Each install function records its name in the build's session
(:class:`news_digest.site.session.BuildSession`), so a build can say what it installed.
Every patch is made on one object of one build (a generator, its readers, its Jinja
environment, an article), never on a Pelican class, except :data:`GC_THRESHOLDS`, which is
the process's garbage collector.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import snapshot
from .urls import expand, will_stay_published


@dataclass(frozen=True)
class Patch:
    """One patch: its name, the Pelican code it replaces or relies on (dotted names), and
    why it is there."""

    name: str
    pelican_code: tuple[str, ...]
    why: str
    #: Installed with the speed layer off too.
    always: bool = False


ARTICLE_PAGES = "article_pages_by_plugin"
UNWRITTEN_GROUPINGS = "unwritten_groupings_skipped"
NO_IDLE_STAMPS = "no_idle_file_stamps"
FILES_LISTED_ONCE = "files_listed_once"
ARTICLE_SNAPSHOT = "article_snapshot"
PRESET_URLS = "preset_urls"
URL_FORMATTING = "url_formatting"
FEED_CONTENT = "feed_content"
GC_THRESHOLDS_RAISED = "gc_thresholds"
JINJA_TUNING = "jinja_tuning"
FORGET_DISABLED_READERS = "forget_disabled_readers"

PATCHES: tuple[Patch, ...] = (
    Patch(
        ARTICLE_PAGES,
        (
            "pelican.generators.ArticlesGenerator.generate_articles",
            "pelican.writers.Writer.write_file",
        ),
        "The ArticlesGenerator's writer of lead pages writes nothing; the page writer "
        "(news_digest.incremental.render) renders them, and the plugin's other pages, in "
        "the context Pelican's Writer.write_file would give them, over all cores, and only "
        "those whose fingerprint or file changed.",
    ),
    Patch(
        UNWRITTEN_GROUPINGS,
        (
            "pelican.generators.ArticlesGenerator.generate_tags",
            "pelican.generators.ArticlesGenerator.generate_categories",
            "pelican.generators.ArticlesGenerator.generate_authors",
        ),
        "With TAG_SAVE_AS (CATEGORY_, AUTHOR_) empty, Pelican still groups every article "
        "(quadratic in the number of dumps) before its writer drops the pages.",
    ),
    Patch(
        NO_IDLE_STAMPS,
        (
            "pelican.cache.FileStampDataCacher.get_cached_data",
            "pelican.cache.FileStampDataCacher.cache_data",
        ),
        "With Pelican's content cache off, these still stat every dump (four times) to find "
        "and keep nothing; replaced by what they then amount to.",
    ),
    Patch(
        FILES_LISTED_ONCE,
        (
            "pelican.generators.Generator.get_files",
            "pelican.generators.ArticlesGenerator.generate_context",
        ),
        "The content folder is walked once: the set of dumps the parse workers are given "
        "is the very set Pelican then reads, in the same order.",
    ),
    Patch(
        ARTICLE_SNAPSHOT,
        (
            "pelican.cache.FileStampDataCacher.get_cached_data",
            "pelican.cache.FileStampDataCacher.cache_data",
            "pelican.contents.Content.__init__",
            "pelican.contents.Article.__init__",
        ),
        "Pelican's generator-layer content cache, made for dumps: an unchanged dump's "
        "article is its kept state (an Article made with __new__ and its __dict__ restored), "
        "instead of a read.",
    ),
    Patch(
        PRESET_URLS,
        (
            "pelican.contents.Content.get_url_setting",
            "pelican.contents.Content.url",
            "pelican.contents.Content.save_as",
        ),
        "A dump article's url and save_as become overrides when it is made, so Pelican does "
        "not format them again on every access.",
    ),
    Patch(
        URL_FORMATTING,
        (
            "pelican.contents.Content._expand_settings",
            "pelican.contents.Content.url_format",
        ),
        "news_digest.incremental.urls.expand formats ARTICLE_URL / ARTICLE_SAVE_AS as "
        "these do, formatting each date once.",
    ),
    Patch(
        FEED_CONTENT,
        ("pelican.contents.Content.content", "pelican.contents.Content.get_content"),
        "The reader gives no content (the templates read the paragraphs); the dumps the "
        "feeds show get theirs set in article._content.",
    ),
    Patch(
        GC_THRESHOLDS_RAISED,
        (),
        "The garbage collector's thresholds are raised for the build, and its objects "
        "frozen at its end (process-wide; a build makes millions of objects, few cycles).",
    ),
    Patch(
        JINJA_TUNING,
        ("pelican.generators.Generator.__init__", "pelican.utils.DateFormatter.__call__"),
        "The Jinja environment does not stat templates on every include, and strftime "
        "results are kept per date and format.",
    ),
    Patch(
        FORGET_DISABLED_READERS,
        (
            "pelican.readers.Readers.__init__",
            "pelican.generators.Generator._check_disabled_readers",
        ),
        "Python-Markdown is not needed (markdown-it-py reads .md), but Pelican then lists "
        "its reader as disabled and warns for every .md file; the disabled reader is "
        "forgotten for extensions that one of the plugin's readers takes. Installed with "
        "the speed layer off too: without it, every build warns.",
        always=True,
    ),
)

#: ``name -> Patch``.
BY_NAME: Mapping[str, Patch] = {patch.name: patch for patch in PATCHES}

#: The garbage collector's thresholds during a build (Python's default: 700, 10, 10). A build
#: allocates millions of objects that live to its end and make few cycles; with the default
#: thresholds, six full collections walked the whole heap in a rebuild of 10,000 dumps
#: (about 1.3 s of 8 under load); with these, none does, and the peak memory is the same.
GC_THRESHOLDS = (50_000, 20, 10)


def pelican_object(dotted: str) -> Any:
    """The Pelican function, method or property named ``dotted`` (module, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            target = inspect.getattr_static(target, name)
        if isinstance(target, property):
            target = target.fget
        if isinstance(target, staticmethod | classmethod):
            target = target.__func__
        if not inspect.isfunction(target) and inspect.isfunction(getattr(target, "func", None)):
            target = target.func  # Pelican's ``memoized`` decorator
        return target
    raise ImportError(dotted)


def pelican_source_sha(dotted: str) -> str:
    """sha1 of the source of the Pelican code named ``dotted``."""
    source = inspect.getsource(pelican_object(dotted))
    return hashlib.sha1(source.encode("utf-8")).hexdigest()


def _record(session: Any, name: str) -> None:
    if session is not None:
        session.patches.append(name)


# The patches


def _written_by_news_digest(write: Any) -> None:
    """Stands in for an ArticlesGenerator's page writer (see :data:`ARTICLE_PAGES`)."""


def install_article_pages_by_plugin(generator: Any, session: Any) -> None:
    """:data:`ARTICLE_PAGES` and :data:`UNWRITTEN_GROUPINGS` on one ArticlesGenerator."""
    generator.generate_articles = _written_by_news_digest
    _record(session, ARTICLE_PAGES)
    skipped = False
    for kind, method in (
        ("TAG", "generate_tags"),
        ("CATEGORY", "generate_categories"),
        ("AUTHOR", "generate_authors"),
    ):
        if not generator.settings.get(f"{kind}_SAVE_AS"):
            setattr(generator, method, _written_by_news_digest)
            skipped = True
    if skipped:
        _record(session, UNWRITTEN_GROUPINGS)


def _no_cached_data(filename: str, default: Any = None) -> Any:
    return default


def _cache_nothing(filename: str, data: Any) -> None:
    return None


def install_no_idle_file_stamps(cacher: Any, session: Any) -> None:
    """:data:`NO_IDLE_STAMPS` on a generator or its readers, when Pelican's content cache is
    off and nothing is loaded."""
    if getattr(cacher, "_cache_data_policy", True) or getattr(cacher, "_cache", True):
        return
    cacher.get_cached_data = _no_cached_data
    cacher.cache_data = _cache_nothing
    _record(session, NO_IDLE_STAMPS)


def install_files_listed_once(generator: Any, paths: Any, exclude: Any, session: Any) -> set[str]:
    """:data:`FILES_LISTED_ONCE`: ``generator.get_files(paths, exclude=exclude)``, and the
    same set handed to Pelican's own identical call in ``generate_context`` (once)."""
    files = generator.get_files(paths, exclude=exclude)
    original, excluded = generator.get_files, exclude

    def get_files(p: Any, exclude: Any = None, extensions: Any = None) -> set[str]:
        if p == paths and exclude == excluded and extensions is None:
            del generator.get_files  # back to the class's method
            return files
        return original(p, exclude=exclude, extensions=extensions)

    generator.get_files = get_files
    _record(session, FILES_LISTED_ONCE)
    return files


def install_article_snapshot(generator: Any, session: Any) -> snapshot.ArticleSnapshot | None:
    """:data:`ARTICLE_SNAPSHOT` on one ArticlesGenerator (when it applies, see
    :func:`news_digest.incremental.snapshot.open_snapshot`)."""
    kept = snapshot.open_snapshot(generator)
    if kept is None:
        return None
    generator.get_cached_data = kept.get_cached_data
    generator.cache_data = kept.cache_data
    _record(session, ARTICLE_SNAPSHOT)
    return kept


def preset_urls(article: Any) -> None:
    """:data:`PRESET_URLS` (and :data:`URL_FORMATTING`) on a new dump article, from
    ``content_object_init``: its ``url`` and ``save_as`` as overrides, formatted once, so
    that Pelican's check of the ``save_as`` does not format them again. Left to Pelican when
    the article may still turn into a draft or has an override of its own;
    :func:`news_digest.site.generators.assign_digest_urls` sets the final ones."""
    if hasattr(article, "override_url"):
        return
    if hasattr(article, "override_save_as") or not will_stay_published(article):
        return
    try:
        url, save_as = expand(article, "url"), expand(article, "save_as")
    except Exception:  # noqa: BLE001 - a broken URL pattern: Pelican says so, where it would
        return
    article.override_url = url
    article.override_save_as = save_as
    article._preset_urls = (article.slug, url, save_as)


def set_feed_content(article: Any, html: str, session: Any) -> None:
    """:data:`FEED_CONTENT` on one article."""
    article._content = html
    if session is not None and FEED_CONTENT not in session.patches:
        _record(session, FEED_CONTENT)


def raise_gc_thresholds(session: Any) -> None:
    """:data:`GC_THRESHOLDS_RAISED`, at the start of a run. The thresholds to restore when
    it ends are kept in its session; a session that a failed run left (which never restored
    them) hands them on to the next (:class:`news_digest.site.session.BuildSession`)."""
    gc.unfreeze()  # what the run before this one left (see restore_gc)
    if session.saved_gc is None:
        session.saved_gc = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    _record(session, GC_THRESHOLDS_RAISED)


def restore_gc(session: Any, freeze: bool) -> None:
    """At the end of a run: the thresholds back; with ``freeze``, the build's objects frozen.

    They make cycles, so they become garbage once Pelican is done with them: at exit, where
    collecting them costs about 0.4 s at 10,000 dumps for nothing. Frozen, no collection
    looks at them; a next run in the same process (autoreload) gives them back."""
    if session is not None and session.saved_gc is not None:
        gc.set_threshold(*session.saved_gc)
        session.saved_gc = None
    if freeze:
        gc.freeze()


def freeze_for_workers() -> None:
    """Before forking page workers (:data:`GC_THRESHOLDS_RAISED`): objects made so far are
    left alone by the workers' garbage collector, so the pages they share with this process
    are not copied (``gc.freeze`` documentation)."""
    gc.freeze()


def thaw_after_workers() -> None:
    gc.unfreeze()


def tune_jinja(env: Any, session: Any) -> None:
    """:data:`JINJA_TUNING` on one generator's environment: no ``stat`` of the template file
    at every ``include`` (templates do not change during a build), and dates formatted once
    per date and format, not once per link."""
    env.auto_reload = False
    strftime = env.filters.get("strftime")
    if strftime is not None and not isinstance(strftime, _MemoizedFilter):
        env.filters["strftime"] = _MemoizedFilter(strftime)
    _record(session, JINJA_TUNING)


class _MemoizedFilter:
    """A pure two-argument filter, with its results kept (dates of one build: a few thousand)."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self.results: dict[tuple, Any] = {}

    def __call__(self, value: Any, *args: Any) -> Any:
        try:
            key = (value, type(value), getattr(value, "tzinfo", None), *args)
            return self.results[key]
        except KeyError:
            result = self.results[key] = self.function(value, *args)
            return result
        except TypeError:  # unhashable: not memoized
            return self.function(value, *args)


def _nothing_to_check() -> None:
    """Pelican's ``check_disabled_readers`` when there is no disabled reader."""


def forget_disabled_readers(generator: Any, session: Any) -> None:
    """:data:`FORGET_DISABLED_READERS` on one generator's readers.

    When no disabled reader is left, Pelican's check for files they would read (a walk of
    the whole content folder that can find nothing) is skipped."""
    readers = generator.readers
    for ext in list(readers.disabled_readers):
        if ext in readers.readers:
            del readers.disabled_readers[ext]
    if not readers.disabled_readers:
        generator.check_disabled_readers = _nothing_to_check
    if session is not None and FORGET_DISABLED_READERS not in session.patches:
        _record(session, FORGET_DISABLED_READERS)
