"""The Pelican side of :mod:`news_digest.publish.indexing`: template helpers and the index files.

- :class:`TemplateHelpers` is installed into every generator's Jinja environment
  (``generator_init``): ``canonical_url()``, the ``isoformat`` and ``excerpt`` filters, and the
  ``news_article_ld`` filter that gives a lead page's ``NewsArticle`` as JSON ready for
  ``<script type="application/ld+json">``. A digest page has no JSON-LD: an ``ItemList``
  of its headlines was the titles a second time (a quarter of the page) for an optional
  extra of search engines.
- :func:`restore_feed_titles` puts the plain-text titles of dumps back into Pelican's Atom
  feed, whose writer strips anything that looks like a tag from a title.
- :class:`IndexingGenerator` writes ``sitemap.xml``, the Google News sitemap, ``robots.txt``
  and the JSON Feed after every page is known. Its cost is one pass over the articles.

File names and limits come from ``NEWS_DIGEST`` (see :mod:`news_digest.site.settings`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any
from urllib.parse import urljoin

from feedgenerator.django.utils.encoding import iri_to_uri
from jinja2 import pass_context
from markupsafe import Markup
from pelican.generators import Generator
from pelican.utils import sanitised_join

from ..site.pagination import stable_pages
from ..site.reader import is_dump
from ..site.session import session_of
from ..site.settings import merged_settings, page_setting
from . import indexing

logger = logging.getLogger(__name__)

NOT_FOUND_TEMPLATE = "404"


def _lastmod(content: Any) -> dt.datetime | None:
    """The latest of a content's ``date`` and ``modified``, or None when it has neither."""
    dates = [d for d in (getattr(content, "date", None), getattr(content, "modified", None)) if d]
    return max(dates) if dates else None


def _newest_first(articles: Iterable[Any]) -> list[Any]:
    """Newest first; equal dates by source path, so the order never depends on reading
    order. (Not by URL: Pelican computes ``url`` anew on every access.)"""
    by_path = sorted(articles, key=lambda a: a.relative_source_path or "")
    return sorted(by_path, key=lambda a: a.date, reverse=True)


def _has_page(article: Any) -> bool:
    """The article has a page of its own (a dump without a lead has only its digest)."""
    return bool(article.has_lead if is_dump(article) else article.save_as)


def _feed_would_change(title: str) -> bool:
    """Pelican's ``Markup(title).striptags()`` can change only such a title: tags, entities,
    runs of white space."""
    return "<" in title or "&" in title or "  " in title or title != title.strip()


class TemplateHelpers:
    """The functions the theme calls for canonical links, dates and JSON-LD."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.settings = settings
        self.options = merged_settings(settings)
        # The configured SITEURL: a page's context has a relative one when RELATIVE_URLS.
        self.base = indexing.absolute_base(settings.get("SITEURL"))
        self.timezone = settings.get("TIMEZONE") or "UTC"

    def install(self, env: Any) -> None:
        env.globals["canonical_url"] = self.canonical_url
        env.globals["json_feed_path"] = json_feed_path(self.settings, self.options)
        env.filters["isoformat"] = self.isoformat
        env.filters["excerpt"] = indexing.excerpt
        env.filters["news_article_ld"] = self.news_article_ld

    def absolute(self, url: str) -> str | None:
        return indexing.absolute_url(self.base, url) if self.base else None

    @pass_context
    def canonical_url(self, context: Any) -> str:
        """The page's absolute URL, or "" with no absolute SITEURL or on the 404 page
        (which is served at any missing address)."""
        output_file = context.get("output_file") or ""
        if not self.base or not output_file:
            return ""
        not_found = self.settings.get("404_SAVE_AS", f"{NOT_FOUND_TEMPLATE}.html")
        if output_file == not_found:
            return ""
        return indexing.absolute_url(self.base, indexing.url_of_output(output_file))

    def isoformat(self, value: dt.datetime) -> str:
        return indexing.iso_datetime(value, self.timezone)

    def _language(self, content: Any) -> str:
        return getattr(content, "dump_lang", None) or self.settings.get("DEFAULT_LANG") or "en"

    def news_article_ld(self, article: Any) -> Markup:
        """The lead page's ``NewsArticle``, as script-safe JSON."""
        logo = self.options["publisher_logo"]  # an absolute URL, or site-relative
        if logo and not indexing.absolute_base(logo):
            logo = self.absolute(logo)
        data = indexing.news_article_ld(
            headline=article.title,
            description=indexing.excerpt(getattr(article, "first_paragraph", "")),
            date_published=self.isoformat(article.date),
            date_modified=self.isoformat(_lastmod(article)),
            site_name=self.settings.get("SITENAME", ""),
            credit=getattr(article, "credit", None),
            url=self.absolute(article.url),
            home_url=self.absolute(""),
            language=self._language(article),
            source_url=getattr(article, "dump_source_url", None),
            logo_url=logo or None,
        )
        return Markup(indexing.script_json(data))


def json_feed_path(settings: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """Where the JSON Feed is written, or "" when there is none (no absolute URL for it)."""
    if not options["json_feed"] or not feed_base(settings):
        return ""
    return str(options["json_feed"])


def feed_base(settings: Mapping[str, Any]) -> str | None:
    """The base of feed URLs: SITEURL when absolute, else FEED_DOMAIN (as for the Atom feed)."""
    return indexing.absolute_base(settings.get("SITEURL")) or indexing.absolute_base(
        settings.get("FEED_DOMAIN")
    )


def install_template_helpers(generator: Any) -> None:
    """``generator_init`` handler: every generator renders with the same helpers."""
    env = getattr(generator, "env", None)
    if env is not None:
        TemplateHelpers(generator.settings).install(env)


def restore_feed_titles(context: Mapping[str, Any], feed: Any) -> None:
    """``feed_generated`` handler: entry titles are the dumps' titles, as text.

    Pelican reads an article title as HTML and writes ``Markup(title).striptags()``, so a
    dump title ``Why "<b>" matters`` would lose its ``<b>``. A dump title is plain text (the
    feed serializer escapes it), so the entry gets it back, found by its link.
    """
    site_url = context.get("SITEURL") or ""
    if context.get("RELATIVE_URLS"):

        def join(url: str) -> str:
            return posixpath.join(site_url, url)
    else:

        def join(url: str) -> str:
            return urljoin(site_url if site_url.endswith("/") else site_url + "/", url)

    titles = {
        iri_to_uri(join(a.url)): a.title
        for a in (*context.get("articles", ()), *context.get("hidden_articles", ()))
        if is_dump(a) and _feed_would_change(a.title)
    }
    if not titles:
        return
    for item in getattr(feed, "items", ()):
        title = titles.get(str(item.get("link", "")).removesuffix("?ref=feed"))
        if title is not None:
            item["title"] = title


class IndexingGenerator(Generator):
    """Writes the sitemaps, robots.txt and the JSON Feed into ``OUTPUT_PATH``."""

    def generate_context(self) -> None:
        """Nothing to read: everything comes from the other generators' context."""

    def generate_output(self, writer: Any) -> None:
        options = merged_settings(self.settings)
        articles = _newest_first(self.context.get("articles", ()))
        base = indexing.absolute_base(self.settings.get("SITEURL"))
        output = writer.output_path
        if base:
            sitemaps = []
            if options["sitemap"]:
                text = indexing.sitemap_xml(self.sitemap_entries(base, articles))
                self._write(output, options["sitemap"], text)
                sitemaps.append(options["sitemap"])
            if options["news_sitemap"]:
                text = indexing.news_sitemap_xml(
                    self.news_entries(base, articles, options), self.settings["SITENAME"]
                )
                self._write(output, options["news_sitemap"], text)
                sitemaps.append(options["news_sitemap"])
            if options["robots_txt"]:
                text = indexing.robots_txt(indexing.absolute_url(base, s) for s in sitemaps)
                self._write(output, options["robots_txt"], text)
        else:
            logger.debug("news_digest: SITEURL is not absolute; no sitemaps or robots.txt")
        path = json_feed_path(self.settings, options)
        if path:
            self._write(output, path, self.json_feed(articles, options, path))

    # What goes in each file

    def sitemap_entries(self, base: str, articles: list[Any]) -> list[indexing.SitemapEntry]:
        """Every HTML page but the 404 page, sorted by URL."""
        entries: dict[str, dt.datetime | None] = {}
        newest = max((_lastmod(a) for a in articles), default=None)
        for name in page_setting(self.settings, "DIRECT_TEMPLATES") or ():
            if name == NOT_FOUND_TEMPLATE:
                continue
            save_as = self.settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
            url = self.settings.get(f"{name.upper()}_URL", f"{name}.html")
            if not save_as:
                continue
            if name in self.settings.get("PAGINATED_TEMPLATES", {}):
                per_page = self.settings["PAGINATED_TEMPLATES"][name] or self.settings.get(
                    "DEFAULT_PAGINATION"
                )
                for page in stable_pages(articles, per_page, url, save_as, self.settings):
                    dates = [_lastmod(a) for a in page.object_list]
                    entries[page.url] = max(dates, default=newest)
            else:
                entries[url] = newest
        for archives in self.context.get("period_archives", {}).values():
            for archive in archives:
                entries[archive["url"]] = max((_lastmod(a) for a in archive["dates"]), default=None)
        for article in articles:
            lastmod = _lastmod(article)
            if _has_page(article):
                entries[article.url] = lastmod
            if is_dump(article):
                entries[article.digest_url] = lastmod
        for page in self.context.get("pages", ()):
            if page.save_as:
                entries[page.url] = _lastmod(page)
        for url, lastmod in self.context.get("source_pages", ()):
            entries[url] = lastmod  # news_digest.site.sources
        session = session_of(self.settings)
        if session is not None and session.stories is not None:
            entries.update(session.stories.sitemap_entries())  # story and topic pages
        if len(entries) > indexing.SITEMAP_MAX_URLS:
            logger.warning(
                "news_digest: %d URLs in the sitemap; search engines read at most %d",
                len(entries),
                indexing.SITEMAP_MAX_URLS,
            )
        return [
            indexing.SitemapEntry(
                indexing.absolute_url(base, url),
                indexing.iso_datetime(lastmod, self._timezone) if lastmod else None,
            )
            for url, lastmod in sorted(entries.items())
        ]

    def news_entries(
        self, base: str, articles: list[Any], options: Mapping[str, Any]
    ) -> list[indexing.NewsEntry]:
        """Lead pages published within ``news_sitemap_days`` of the newest, newest first."""
        leads = [(a.date, a) for a in articles if _has_page(a)]
        recent = indexing.recent_window(
            leads, options["news_sitemap_days"], options["news_sitemap_max_items"]
        )
        return [
            indexing.NewsEntry(
                loc=indexing.absolute_url(base, a.url),
                title=a.title,
                publication_date=indexing.iso_datetime(a.date, self._timezone),
                language=self._language(a),
            )
            for a in recent
        ]

    def json_feed(self, articles: list[Any], options: Mapping[str, Any], path: str) -> str:
        base = feed_base(self.settings)
        limit = options["json_feed_max_items"]
        if limit is None:
            limit = self.settings.get("FEED_MAX_ITEMS")
        items = [self._feed_item(base, a) for a in articles[:limit]]
        return indexing.json_feed(
            title=self.settings.get("SITENAME", ""),
            home_page_url=indexing.absolute_url(base, ""),
            feed_url=indexing.absolute_url(base, path),
            items=items,
            description=self.settings.get("SITESUBTITLE", ""),
            language=self.settings.get("DEFAULT_LANG"),
            author=self.settings.get("SITENAME"),
        )

    def _feed_item(self, base: str, article: Any) -> dict[str, Any]:
        content = article.content
        if not content and is_dump(article):
            content = (
                "<ul>\n"
                + "".join(f"<li>{escape(h.title)}</li>\n" for h in article.headlines)
                + "</ul>\n"
            )
        return indexing.json_feed_item(
            url=indexing.absolute_url(base, article.url),
            title=article.title,
            content_html=content,
            summary=getattr(article, "first_paragraph", ""),
            date_published=indexing.iso_datetime(article.date, self._timezone),
            date_modified=indexing.iso_datetime(_lastmod(article), self._timezone),
            author=getattr(article, "credit", None),
            language=getattr(article, "dump_lang", None),
            external_url=getattr(article, "dump_source_url", None),
        )

    # Helpers

    @property
    def _timezone(self) -> str:
        return self.settings.get("TIMEZONE") or "UTC"

    def _language(self, article: Any) -> str:
        lang = getattr(article, "dump_lang", None) or self.settings.get("DEFAULT_LANG") or "en"
        return str(lang).lower()

    def _write(self, output_path: str, name: str, text: str) -> None:
        from pelican import signals

        path = sanitised_join(output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        logger.info('Writing "%s"', path)
        # As Pelican's writer does: listeners (and the build's record of its files) see it.
        signals.content_written.send(path, context={**self.context, "output_file": name})
