"""What happens after every dump is read: URLs, then the "More headlines" pages.

- :func:`resolve_url_collisions` gives two dumps that would share a URL (same slug, same day)
  distinct slugs, deterministically: ordered by source path, the first keeps its slug, the
  next get ``-2``, ``-3``, ...
- :func:`assign_digest_urls` puts ``digest_url`` / ``digest_save_as`` on every article: the
  folder ``headlines/`` below the lead's URL. A dump without a lead has no lead page: its
  article's ``url`` is its digest page and its ``save_as`` is empty, so home, archives and
  the feed link straight to the digest. Every article's URL is formatted once, here.
- :func:`build_period_archives` is the year/month/day grouping of the archives, in linear
  time, and :class:`DigestGenerator` writes the digest pages, year/month/day archives, the
  paginated home and the direct templates (and, with the speed layer on, the lead pages)
  through :mod:`news_digest.incremental.render` (all cores, only pages that changed), or,
  with it off, through Pelican's ``Writer.write_file``.
- :func:`period_children` maps each year and month archive to the archives one level down.

Every step is linear in the number of dumps.
"""

from __future__ import annotations

import calendar
import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import Any

from pelican.contents import Article
from pelican.generators import Generator

from ..incremental import patches
from ..incremental.render import PageRenderer, page_key
from ..incremental.urls import expand, will_stay_published
from ..publish.search import note_written
from .pagination import PageSlice, StablePaginator, pagers, pelican_context, stable_pages
from .reader import is_dump, paragraphs_html
from .session import session_of
from .settings import merged_settings, page_setting

logger = logging.getLogger(__name__)

DIGEST_TEMPLATE = "headlines"
#: The plugin's own templates, for a theme without them (see DigestGenerator).
FALLBACK_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
PERIOD_TEMPLATE = "period_archives"


def preset_urls(article: Any) -> None:
    """``content_object_init``: with the speed layer on, a new dump article gets its URLs
    formatted once (:func:`news_digest.incremental.patches.preset_urls`). A dump that will
    be a draft gets the default category (see :func:`give_drafts_a_category`)."""
    if not isinstance(article, Article) or not is_dump(article):
        return  # a .txt among the pages is a Page: its URLs are the page settings'
    give_drafts_a_category(article)
    session = session_of(article.settings)
    if session is not None and not session.incremental:
        return
    patches.preset_urls(article)


def give_drafts_a_category(article: Any) -> None:
    """Pelican gives no article a category when ``CATEGORY_SAVE_AS`` is empty (as here), but
    its writer of drafts reads ``draft.category``: a dump dated in the future with
    ``WITH_FUTURE_DATES = False`` (a draft) gets ``DEFAULT_CATEGORY``, as it would with
    category pages on. Published dumps are left without one, as Pelican leaves them."""
    if hasattr(article, "category") or will_stay_published(article):
        return
    from pelican.urlwrappers import Category

    name = article.settings.get("DEFAULT_CATEGORY") or "misc"
    article.category = Category(name, article.settings)


def article_urls(article: Any) -> tuple[str, str]:
    """``(url, save_as)`` as :func:`~news_digest.incremental.urls.expand` gives them: those that
    :func:`preset_urls` formatted when the article was made, while its slug is the same."""
    preset = article.__dict__.get("_preset_urls")
    if preset is not None and preset[0] == article.slug:
        return preset[1], preset[2]
    session = session_of(article.settings)
    if session is not None and not session.incremental:
        return article._expand_settings("url"), article._expand_settings("save_as")
    return expand(article, "url"), expand(article, "save_as")


def resolve_url_collisions(articles: Iterable[Any]) -> list[tuple[str, str]]:
    """Give every article a distinct ``save_as`` by suffixing slugs; returns the renames.

    Articles are grouped by their settings-derived ``save_as``; within a group, ordered by
    source path, the first keeps its slug and the others get the first free ``-N`` (N >= 2).
    Idempotent: the slug the reader gave is kept in ``base_slug`` and the work restarts from it.
    """
    groups: dict[str, list[Any]] = defaultdict(list)
    for article in articles:
        if not hasattr(article, "base_slug"):
            article.base_slug = article.slug
        article.slug = article.base_slug
        groups[article_urls(article)[1]].append(article)

    taken = set(groups)
    renames: list[tuple[str, str]] = []
    for save_as in sorted(groups):
        group = groups[save_as]
        if len(group) < 2:
            continue
        group.sort(key=lambda a: a.relative_source_path or "")
        for article in group[1:]:
            number = 2
            while True:
                article.slug = f"{article.base_slug}-{number}"
                candidate = expand(article, "save_as")
                if candidate not in taken:
                    break
                number += 1
            taken.add(candidate)
            renames.append((article.relative_source_path, article.slug))
            logger.info(
                "%s: URL already used by %s; slug %s",
                article.relative_source_path,
                group[0].relative_source_path,
                article.slug,
            )
    return renames


def assign_digest_urls(articles: Iterable[Any], settings: Mapping[str, Any]) -> None:
    """Set ``digest_url`` and ``digest_save_as``; point lead-less articles at their digest.

    Every article's ``url`` and ``save_as`` become overrides, computed here once."""
    dirname = merged_settings(settings)["digest_dirname"].strip("/")
    for article in articles:
        url, save_as = article_urls(article)
        folder = save_as[: -len("index.html")] if save_as.endswith("index.html") else url
        article.digest_url = f"{url}{dirname}/" if url.endswith("/") else f"{url}/{dirname}/"
        article.digest_save_as = f"{folder.rstrip('/')}/{dirname}/index.html".lstrip("/")
        if article.has_lead:
            # Pelican formats URLs anew (with strftime) on every access; an override is
            # read first, so each one is formatted once.
            article.override_url = url
            article.override_save_as = save_as
        else:
            article.override_url = article.digest_url
            article.override_save_as = ""


def fill_feed_content(articles: list[Any], settings: Mapping[str, Any]) -> None:
    """Give the newest dumps, those the Atom and JSON feeds show, their ``content`` (the lead
    paragraphs as HTML); the reader leaves it empty. All of them when a feed is uncapped."""
    options = merged_settings(settings)
    caps = [settings.get("FEED_MAX_ITEMS"), options["json_feed_max_items"]]
    if options["json_feed_max_items"] is None:
        caps[1] = caps[0]
    if any(cap is None for cap in caps):
        chosen = list(articles)
    else:
        limit = max(int(cap) for cap in caps)
        by_order = articles[:limit]
        by_date = sorted(
            articles, key=lambda a: (-a.date.timestamp(), a.relative_source_path or "")
        )[:limit]
        chosen = [*by_order, *by_date]
    session = session_of(settings)
    for article in chosen:
        if is_dump(article) and not article._content and article.paragraphs:
            patches.set_feed_content(article, paragraphs_html(article.paragraphs), session)


def period_children(period_archives: Mapping[str, list[dict]]) -> dict[tuple, list[dict]]:
    """``{(year,): [month archives], (year, month): [day archives]}``, in archive order."""
    children: dict[tuple, list[dict]] = defaultdict(list)
    for granularity in ("month", "day"):
        for archive in period_archives.get(granularity, []):
            children[tuple(archive["period_num"][:-1])].append(archive)
    return dict(children)


def period_parents(period_archives: Mapping[str, list[dict]]) -> dict[tuple, dict]:
    """``{period_num: archive}`` for year and month archives, to link a day up to them."""
    return {
        tuple(archive["period_num"]): archive
        for granularity in ("year", "month")
        for archive in period_archives.get(granularity, [])
    }


def dump_articles(generator: Any) -> list[Any]:
    """Every dump article of an ArticlesGenerator that gets pages (not drafts)."""
    return [
        a
        for a in (
            *generator.articles,
            *generator.translations,
            *generator.hidden_articles,
            *generator.hidden_translations,
        )
        if is_dump(a)
    ]


def dump_drafts(generator: Any) -> list[Any]:
    """Every dump article of an ArticlesGenerator that is a draft (Pelican writes its lead
    page under ``DRAFT_SAVE_AS``; the plugin writes its "More headlines" page)."""
    return [a for a in (*generator.drafts, *generator.drafts_translations) if is_dump(a)]


def build_period_archives(
    sorted_articles: list[Any], articles: list[Any], settings: Mapping[str, Any]
) -> dict[str, list[dict]]:
    """The archives Pelican's ``ArticlesGenerator._build_period_archives`` would build from
    the settings of :func:`news_digest.site.settings.take_over_pages`, in linear time.

    Same archives, same keys; Pelican's own tests ``a in dates`` for every article and every
    period, which is quadratic in the number of dumps (and, with the archives' save_as
    emptied, Pelican's has nothing to do).
    """
    archives: dict[str, list[dict]] = defaultdict(list)
    keys = {
        "year": lambda d: (d.year,),
        "month": lambda d: (d.year, d.month),
        "day": lambda d: (d.year, d.month, d.day),
    }
    for granularity in ("year", "month", "day"):
        upper = granularity.upper()
        save_as_fmt = page_setting(settings, f"{upper}_ARCHIVE_SAVE_AS")
        url_fmt = settings[f"{upper}_ARCHIVE_URL"]
        if not save_as_fmt:
            continue
        key = keys[granularity]
        in_order: dict[tuple, list[Any]] = defaultdict(list)
        for article in articles:
            in_order[key(article.date)].append(article)
        for period, group in groupby(sorted_articles, key=lambda a: key(a.date)):
            dates = list(group)
            d = dates[0].date
            name = calendar.month_name[period[1]] if len(period) > 1 else None
            archives[granularity].append(
                {
                    "dates": dates,
                    "articles": in_order.get(period, []),
                    "save_as": save_as_fmt.format(date=d),
                    "url": url_fmt.format(date=d),
                    "period": (period[0], name, *period[2:]) if name else period,
                    "period_num": period,
                }
            )
    return archives


def start_rendering(generator: Any, writer: Any, extra_key: Any = None) -> PageRenderer:
    """The page writer of one of the plugin's generators for this run: with the speed layer
    on (or outside a build session), Jinja tuned and pages rendered over all cores by
    :meth:`PageRenderer.run`; off, every page through Pelican's writer
    (:func:`finish_rendering`)."""
    session = session_of(generator.settings)
    if session is None or session.incremental:
        patches.tune_jinja(generator.env, session)
    ledger = session.ledger if session is not None else None
    return PageRenderer(generator, writer, ledger, extra_key=extra_key)


def finish_rendering(
    generator: Any, writer: Any, renderer: PageRenderer, progress: Any = None
) -> Any:
    """Write what ``renderer`` was given (see :func:`start_rendering`); its statistics."""
    from ..incremental.cache import worker_count

    session = session_of(generator.settings)
    if session is not None and not session.incremental:
        return renderer.write_with_pelican(writer)
    stats = renderer.run(worker_count(generator.settings), progress)
    note_written(generator.settings, renderer.written)
    return stats


def add_paginated(
    renderer: PageRenderer,
    pages: list[PageSlice],
    template: str,
    key: tuple,
    prefixes: tuple[str, ...],
    **context: Any,
) -> None:
    """Every page of a paginated listing (:func:`stable_pages`): each with Pelican's
    ``<prefix>_page`` and its pagination objects for every prefix, its ``pager``, and a
    fingerprint of ``key``, the page's numbers (in its URL and its position among how
    many: templates may show either) and the cards it lists."""
    for page, pager in zip(pages, pagers(pages), strict=True):
        objects: dict[str, Any] = {}
        for prefix in prefixes:
            objects[f"{prefix}_page"] = page
            objects.update(pelican_context(prefix, page))
        renderer.add(
            page.save_as,
            template,
            (
                *key,
                page.stable_number,
                page.number,
                len(pages),
                [renderer.card_key(a) for a in page.object_list],
                pager.key(),
            ),
            pager=pager,
            url=page.url,
            **objects,
            **context,
        )


def _per_page(settings: Mapping[str, Any], template: str) -> int:
    return settings["PAGINATED_TEMPLATES"].get(template) or settings.get("DEFAULT_PAGINATION") or 0


class DigestGenerator(Generator):
    """Writes every page whose number grows with the dumps (see
    :mod:`news_digest.incremental.render`):
    lead pages, "More headlines" pages (``article.digest_save_as``), the year/month/day
    archives, the home page with its pages, and the direct templates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Pelican's generator; templates the theme lacks (``headlines``, ``404``, ``search``
        in Pelican's simple theme) are looked up last in the plugin's own
        :data:`FALLBACK_TEMPLATES`."""
        super().__init__(*args, **kwargs)
        from jinja2 import ChoiceLoader, FileSystemLoader

        self.env.loader = ChoiceLoader([self.env.loader, FileSystemLoader(FALLBACK_TEMPLATES)])

    def generate_context(self) -> None:
        """Nothing to read: the articles come from the ArticlesGenerator's context."""

    def generate_output(self, writer: Any) -> None:
        """With the speed layer on, every page goes through :mod:`news_digest.incremental.render`
        (lead pages too: Pelican's writer of them is switched off); with it off, lead pages
        are Pelican's own and every other page goes through Pelican's ``Writer.write_file``."""
        from pelican import signals

        from .progress import build_progress, record
        from .stories_pages import page_key_hook

        session = session_of(self.settings)
        fast = session is None or session.incremental
        renderer = start_rendering(self, writer, extra_key=page_key_hook(self.settings))
        self.add_article_pages(renderer, leads=fast)
        self.add_period_archives(renderer)
        self.add_direct_templates(renderer)
        if fast:
            sender = session.articles_generator if session is not None else None
            for article in self._articles():
                # What Pelican's article writer sends before it writes each article.
                signals.article_generator_write_article.send(sender, content=article)
            with build_progress(self.settings, "Writing pages", len(renderer.jobs)) as advance:
                stats = finish_rendering(self, writer, renderer, advance)
        else:
            stats = finish_rendering(self, writer, renderer)
        record(self.settings, sum(1 for a in self._articles() if is_dump(a)), stats)

    def _articles(self) -> list[Any]:
        return [*self.context.get("articles", ()), *self.context.get("hidden_articles", ())]

    def add_article_pages(self, renderer: PageRenderer, leads: bool = True) -> None:
        """The "More headlines" page of every dump, and its lead page when ``leads``; of a
        draft, the "More headlines" page only (Pelican writes drafts)."""
        drafts = [a for a in self.context.get("drafts", ()) if is_dump(a)]
        for article in (*self._articles(), *drafts):
            key = page_key(article, renderer.card_key(article))
            if leads and article.status != "draft":
                # What Pelican's ArticlesGenerator.generate_articles passes for the page.
                renderer.add(
                    article.save_as,
                    article.template,
                    key,
                    article=article,
                    category=getattr(article, "category", None),
                    url=article.url,
                    blog=True,
                )
            if is_dump(article):
                renderer.add(
                    article.digest_save_as,
                    DIGEST_TEMPLATE,
                    key,
                    url=article.digest_url,
                    article=article,
                    page_name=article.digest_save_as.removesuffix("/index.html"),
                )

    def add_period_archives(self, renderer: PageRenderer) -> None:
        """A year lists its months, a month its days (with counts); a day lists its dumps,
        paginated (:func:`stable_pages`)."""
        archives = self.context.get("period_archives", {})
        children = self.context.get("period_children", {})
        parents = self.context.get("period_parents", {})
        per_page = _per_page(self.settings, PERIOD_TEMPLATE)
        for granularity in ("year", "month", "day"):
            for archive in archives.get(granularity, ()):
                period_num = tuple(archive["period_num"])
                around = (
                    [
                        (c["url"], c["period"], len(c["dates"]))
                        for c in children.get(period_num, ())
                    ],
                    [
                        parents[period_num[:n]]["url"]
                        for n in range(1, len(period_num))
                        if period_num[:n] in parents
                    ],
                )
                if granularity == "day":
                    pages = stable_pages(
                        archive["dates"],
                        per_page,
                        archive["url"],
                        archive["save_as"],
                        self.settings,
                    )
                else:
                    pages = [PageSlice(None, archive["url"], archive["save_as"], [])]
                    StablePaginator(pages, self.settings)
                add_paginated(
                    renderer,
                    pages,
                    PERIOD_TEMPLATE,
                    (period_num, around),
                    ("dates",),
                    period=archive["period"],
                    period_num=archive["period_num"],
                    articles=archive["articles"],
                    dates=archive["dates"],
                    template_name=PERIOD_TEMPLATE,
                    blog=True,
                    all_articles=self.context.get("articles", ()),
                )

    def add_direct_templates(self, renderer: PageRenderer) -> None:
        """Pelican's direct templates; the paginated ones (home) by :func:`stable_pages`."""
        articles = list(self.context.get("articles", ()))
        dates = self.context.get("dates", ())
        archives = self.context.get("period_archives", {})
        summary = [
            (a["url"], a["period"], len(a["dates"]))
            for granularity in ("year", "month")
            for a in archives.get(granularity, ())
        ]
        for name in page_setting(self.settings, "DIRECT_TEMPLATES"):
            save_as = self.settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
            url = self.settings.get(f"{name.upper()}_URL", f"{name}.html")
            if not save_as:
                continue
            common = dict(
                articles=articles,
                dates=dates,
                blog=True,
                template_name=name,
                page_name=os.path.splitext(save_as)[0],
            )
            if name in self.settings.get("PAGINATED_TEMPLATES", {}):
                pages = stable_pages(
                    articles, _per_page(self.settings, name), url, save_as, self.settings
                )
                add_paginated(renderer, pages, name, (), ("articles", "dates"), **common)
            else:
                # A listing of periods (archives) or of nothing that grows (404, search).
                renderer.add(save_as, name, summary, url=url, **common)
