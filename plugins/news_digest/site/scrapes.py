"""Repeated scrapes in the build: one lead per page, its earlier versions listed on it.

A scraper that saves a portal every hour gives many dumps of one page. Once every dump is
read (Pelican's ``article_generator_pretaxonomy``, before URLs, archives, feeds and pages are
made), :func:`merge_repeated_scrapes` groups them with
:func:`news_digest.stories.scrapes.group_scrapes`: dumps of the same source URL, or of the
same lead title with near-identical text, at most ``NEWS_DIGEST["scrape_window_hours"]``
after the page's newest version, are versions of one lead.

- The newest version is the lead's article; the others leave the generator's list of
  articles, so they get no page, no "More headlines" page, no feed entry, no archive or
  home entry and no search record, and the pages an earlier build wrote for them are
  removed as stale (:class:`news_digest.site.outputs.OutputLedger`).
- The kept article gets ``scrape_versions`` (:class:`Version`, newest first: each
  version's date, dump and the paragraphs it added and removed) and its "More headlines"
  become the versions' headlines merged (:func:`merged_headlines`).
- A byte-identical copy of a dump is skipped with one line naming both files (INFO, not a
  warning: the copy loses nothing, and ``make html STRICT=1`` stays clean).

Only dumps that share a URL, a title key or their bytes with another dump are compared, so
the text of the others is never read here (the article snapshot keeps it unread).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..stories.normalise import headline_key
from ..stories.scrapes import Lead, Scrape, group_scrapes, paragraph_changes, title_key, url_key
from .reader import is_dump
from .settings import DEFAULTS, SETTINGS_KEY, merged_settings

logger = logging.getLogger(__name__)

WINDOW_KEY = "scrape_window_hours"


@dataclass(frozen=True, slots=True)
class Version:
    """One saved version of a lead page, as the lead page lists it."""

    date: dt.datetime
    #: The dump's path below the content folder.
    source: str
    #: Paragraphs this version has that the one before it had not, and the reverse (both
    #: empty for the first version).
    added: tuple[str, ...]
    removed: tuple[str, ...]
    #: Headlines this version carried that no earlier version had.
    new_headlines: int
    #: The version the page shows (the newest).
    shown: bool


def scrape_window(settings: Mapping[str, Any]) -> dt.timedelta:
    """``NEWS_DIGEST["scrape_window_hours"]`` as a time span; a value that is not a number of
    hours >= 0 is reported once and the default used."""
    value = merged_settings(settings)[WINDOW_KEY]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        default = DEFAULTS[WINDOW_KEY]
        logger.warning(
            "%s[%r] must be a number of hours >= 0, got %r; using %s",
            SETTINGS_KEY,
            WINDOW_KEY,
            value,
            default,
        )
        value = default
    return dt.timedelta(hours=value)


def scrape_stub(article: Any) -> Scrape:
    """What the grouping's keys need of a dump, without its text (not read here)."""
    return Scrape(
        path=article.dump_source,
        when=article.date,
        source=article.dump_source_url,
        title=article.title if article.has_lead else "",
        paragraphs=(),
        headlines=(),
        sha1=article.dump_sha1,
    )


def scrape_keys(article: Any, stub: Scrape) -> list[str]:
    """The keys on which a dump can meet another: its bytes, its URL, its lead title (the
    reader's ``dump_title_key``, worked out once per dump, not once per build)."""
    keys = [f"sha:{stub.sha1}"]
    title = article.dump_title_key if hasattr(article, "dump_title_key") else title_key(stub)
    for key in (url_key(stub), title):
        if key is not None:
            keys.append(key)
    return keys


def meeting(
    keys: Mapping[str, list[str]], stubs: Mapping[str, Scrape], window: dt.timedelta
) -> set[str]:
    """The paths of the dumps that may be versions or copies of another; only these are
    grouped, and only their text is read.

    Dumps that share a URL or title key, directly or through others, are connected; taken in
    time order, a connected set splits wherever two dumps are more than ``window`` apart. A
    lead's versions are never further apart than the window, so every lead lies in one such
    run, and a dump alone in its run is a lead of its own. Dumps that share their bytes with
    another are always taken (a copy is skipped however far apart)."""
    parent = {path: path for path in keys}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    first: dict[str, str] = {}
    shared: defaultdict[str, list[str]] = defaultdict(list)
    for path in sorted(keys):
        for key in keys[path]:
            if key.startswith("sha:"):
                shared[key].append(path)
            elif key in first:
                parent[root(path)] = root(first[key])
            else:
                first[key] = path
    found = {path for paths in shared.values() if len(paths) > 1 for path in paths}
    runs: defaultdict[str, list[str]] = defaultdict(list)
    for path in keys:
        runs[root(path)].append(path)
    for paths in runs.values():
        if len(paths) < 2:
            continue
        paths.sort(key=lambda p: (stubs[p].when, p))
        for before, after in zip(paths, paths[1:], strict=False):
            if stubs[after].when - stubs[before].when <= window:
                found.update((before, after))
    return found


def full_scrape(article: Any, stub: Scrape) -> Scrape:
    """``stub`` with the dump's lead paragraphs and headline titles (its text is read)."""
    return Scrape(
        path=stub.path,
        when=stub.when,
        source=stub.source,
        title=stub.title,
        paragraphs=tuple(article.paragraphs),
        headlines=tuple(h.title for h in article.headlines),
        sha1=stub.sha1,
    )


def headline_identity(item: Any) -> tuple[str, str]:
    """Two headline items are one when they are of one kind and have one matching key
    (case, truncation marks, desk prefixes and changed counts set aside)."""
    return item.kind, headline_key(item.title).text


def merged_headlines(versions: Sequence[Sequence[Any]]) -> tuple[Any, ...]:
    """The headline items of ``versions`` (oldest first) as one list: the newest version's in
    its page order, then those only earlier versions carried (newest version first), each
    headline once, as it was first seen."""
    first_seen: dict[tuple[str, str], Any] = {}
    for items in versions:
        for item in items:
            first_seen.setdefault(headline_identity(item), item)
    seen: set[tuple[str, str]] = set()
    merged = []
    for items in reversed(versions):
        for item in items:
            identity = headline_identity(item)
            if identity not in seen:
                seen.add(identity)
                merged.append(first_seen[identity])
    return tuple(merged)


def version_list(lead: Lead, articles: Mapping[str, Any]) -> tuple[Version, ...]:
    """The lead's versions, newest first, each with what changed from the one before."""
    out = []
    seen: set[tuple[str, str]] = set()
    previous: Scrape | None = None
    for scrape in lead.versions:
        identities = {headline_identity(h) for h in articles[scrape.path].headlines}
        new = len(identities - seen) if previous is not None else 0
        seen |= identities
        change = paragraph_changes(previous, scrape) if previous is not None else None
        out.append(
            Version(
                date=articles[scrape.path].date,
                source=scrape.path,
                added=change.added if change else (),
                removed=change.removed if change else (),
                new_headlines=new,
                shown=scrape is lead.newest,
            )
        )
        previous = scrape
    return tuple(reversed(out))


class ScrapeMerger:
    """Groups one build's dump articles into leads and says which to keep."""

    def __init__(self, window: dt.timedelta) -> None:
        self.window = window
        #: ``(copy, original)`` paths of the byte-identical copies skipped.
        self.copies: list[tuple[str, str]] = []
        #: Paths of the earlier versions folded into a newer one.
        self.folded: list[str] = []

    def merge(self, articles: Sequence[Any]) -> list[Any]:
        """The articles to publish: every dump's, but the earlier versions and the copies.
        The kept newest versions get their versions and merged headlines."""
        by_path = {a.dump_source: a for a in articles if is_dump(a)}
        stubs = {path: scrape_stub(a) for path, a in by_path.items()}
        keys = {path: scrape_keys(by_path[path], stub) for path, stub in stubs.items()}
        candidates = [
            full_scrape(by_path[path], stubs[path])
            for path in sorted(meeting(keys, stubs, self.window))
        ]
        dropped: set[str] = set()
        for lead in group_scrapes(candidates, self.window):
            if len(lead.versions) < 2 and not lead.copies:
                continue
            for copy, original in lead.copies:
                logger.info("%s: same bytes as %s; skipped", copy.path, original.path)
                self.copies.append((copy.path, original.path))
                dropped.add(copy.path)
            if len(lead.versions) > 1:
                self._fold(lead, by_path)
                dropped.update(v.path for v in lead.versions[:-1])
        return [a for a in articles if not (is_dump(a) and a.dump_source in dropped)]

    def _fold(self, lead: Lead, by_path: Mapping[str, Any]) -> None:
        """The newest version's article becomes the lead of every version."""
        kept = by_path[lead.newest.path]
        kept.scrape_versions = version_list(lead, by_path)
        items = merged_headlines([by_path[v.path].headlines for v in lead.versions])
        kept.headlines = items
        kept.news_headlines = tuple(h for h in items if h.kind == "news")
        kept.reference_headlines = tuple(h for h in items if h.kind == "reference")
        kept.headline_count = len(items)
        # What the lead's pages show beyond its own dump (the page writer's fingerprint).
        kept.scrape_key = tuple((v.sha1, v.when.isoformat(), v.path) for v in lead.versions)
        for version in lead.versions[:-1]:
            logger.debug("%s: an earlier version of %s", version.path, lead.newest.path)
            self.folded.append(version.path)


def reset(articles: Iterable[Any]) -> None:
    """Every dump article starts a build as one version of its own."""
    for article in articles:
        if is_dump(article):
            article.scrape_versions = ()
            article.scrape_key = ()


def merge_repeated_scrapes(generator: Any) -> ScrapeMerger:
    """``article_generator_pretaxonomy``: the published dump articles of ``generator`` with
    repeated scrapes merged (see the module's docstring)."""
    reset(
        (
            *generator.articles,
            *generator.translations,
            *generator.hidden_articles,
            *generator.hidden_translations,
            *generator.drafts,
            *generator.drafts_translations,
        )
    )
    merger = ScrapeMerger(scrape_window(generator.settings))
    generator.articles = merger.merge(generator.articles)
    return merger
