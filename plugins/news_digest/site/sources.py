"""Where a lead came from, and what it is filed under: the header's ``Source``, ``Category``,
``Authors`` and ``Tags`` as links.

- ``Source`` (an ``http``/``https`` address) becomes a "Read the original" link on the lead
  page and the lead is listed on its site's page, ``sources/<domain>/`` (setting
  ``NEWS_DIGEST["source_url"]``): the leads from that domain, newest first, paginated like
  a day archive (Pelican's ``Page`` and ``Paginator`` objects, :func:`stable_pages`).
  Any other value (``javascript:``, a bare word) is never a link.
- ``Category`` and ``Authors`` link to Pelican's own category and author pages when those
  are on (``CATEGORY_SAVE_AS``, ``AUTHOR_SAVE_AS``); otherwise they are plain text.
- ``Tags`` link to ``topics/<slug>/``, the slug being Pelican's ``Tag`` slug (``slugify``
  with ``TAG_REGEX_SUBSTITUTIONS`` and the ``SLUGIFY_*`` settings).

:func:`assign_source_links` sets on every dump article ``original_url``, ``source_domain``,
``source_page_url``, ``category_link``, ``author_links`` and ``topic_links``;
:class:`SourcesGenerator` writes the source pages.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .generators import (
    DigestGenerator,
    add_paginated,
    dump_articles,
    dump_drafts,
    finish_rendering,
    start_rendering,
)
from .pagination import stable_pages
from .reader import is_dump
from .settings import merged_settings

logger = logging.getLogger(__name__)

SOURCE_TEMPLATE = "source"
#: The URL of a tag's topic page (written by the topics pages).
TOPIC_URL = "topics/{slug}/"
#: Schemes a "Read the original" link may have: anything else could run script or leave
#: the web.
LINK_SCHEMES = ("http", "https")
#: A host name as it may stand in a URL path: ASCII letters, digits, dots and hyphens.
DOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")


def original_url(url: str | None) -> str | None:
    """``url`` when it is an ``http``/``https`` address with a proper host name and no
    spaces or control characters in it (it goes in an ``href`` as it is), else None."""
    if not url:
        return None
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:  # a malformed address (an unclosed IPv6 bracket, a bad port)
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or _ascii_host(parts.hostname) is None:
        return None
    return url


def _ascii_host(host: str | None) -> str | None:
    """A host name in lower case and ASCII (IDNA for another script), without a final dot,
    or None when it is not a host name."""
    host = (host or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        return None
    return host.lower() if DOMAIN_RE.match(host.lower()) else None


def source_domain(url: str | None) -> str | None:
    """The site of a source address: its host in lower case, without ``www.``, in ASCII
    (IDNA for a host in another script); None when ``url`` is not a link."""
    link = original_url(url)
    if link is None:
        return None
    host = _ascii_host(urlsplit(link).hostname)
    return host.removeprefix("www.") if host else None


def source_location(settings: Mapping[str, Any], domain: str) -> tuple[str, str] | None:
    """``(url, save_as)`` of a domain's page, or None when the pages are off."""
    options = merged_settings(settings)
    if not options["source_save_as"]:
        return None
    return options["source_url"].format(domain=domain), options["source_save_as"].format(
        domain=domain
    )


def assign_source_links(articles: Iterable[Any], settings: Mapping[str, Any]) -> None:
    """Set the links of :mod:`this module <news_digest.site.sources>` on every dump article."""
    category_pages = bool(settings.get("CATEGORY_SAVE_AS"))
    author_pages = bool(settings.get("AUTHOR_SAVE_AS"))
    for article in articles:
        if not is_dump(article):
            continue
        article.original_url = original_url(article.dump_source_url)
        domain = source_domain(article.dump_source_url)
        article.source_domain = domain
        location = source_location(settings, domain) if domain else None
        article.source_page_url = location[0] if location else None
        category = getattr(article, "category", None) if article.dump_category else None
        article.category_link = (
            (article.dump_category, category.url if category_pages and category else None)
            if article.dump_category
            else None
        )
        authors = {
            a.name: a for a in (getattr(article, "authors", ()) if article.dump_authors else ())
        }
        article.author_links = tuple(
            (name, authors[name].url if author_pages and name in authors else None)
            for name in article.dump_authors
        )
        slugs = {
            tag.name: tag.slug
            for tag in (getattr(article, "tags", ()) if article.dump_tags else ())
        }
        article.topic_links = tuple(
            (name, TOPIC_URL.format(slug=slugs[name]) if slugs.get(name) else None)
            for name in article.dump_tags
        )


def _lastmod(article: Any) -> Any:
    """The later of a lead's ``date`` and ``modified`` (the sitemap's ``lastmod``)."""
    modified = getattr(article, "modified", None)
    return max(article.date, modified) if modified else article.date


def on_pretaxonomy(generator: Any) -> None:
    """``article_generator_pretaxonomy``: the links of every dump article, drafts too."""
    assign_source_links((*dump_articles(generator), *dump_drafts(generator)), generator.settings)


def leads_by_domain(articles: Iterable[Any]) -> dict[str, list[Any]]:
    """``{domain: [lead articles]}``, each list newest first (ties by path), domains sorted."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for article in articles:
        domain = getattr(article, "source_domain", None)
        if domain and is_dump(article):
            groups[domain].append(article)
    return {
        domain: sorted(
            groups[domain],
            key=lambda a: (-a.date.timestamp(), a.relative_source_path or ""),
        )
        for domain in sorted(groups)
    }


class SourcesGenerator(DigestGenerator):
    """Writes ``sources/<domain>/`` (and its ``page/N/``) for every domain a lead came from."""

    def generate_context(self) -> None:
        """The pages, listed for the sitemap (``source_pages``: ``(url, newest date)``)."""
        pages = []
        for domain, articles in self._domains().items():
            location = source_location(self.settings, domain)
            if location is None:
                continue
            url, save_as = location
            for page in stable_pages(articles, self._per_page(), url, save_as, self.settings):
                pages.append((page.url, max(_lastmod(a) for a in page.object_list)))
        self.context["source_pages"] = pages

    def _domains(self) -> dict[str, list[Any]]:
        return leads_by_domain(self.context.get("articles", ()))

    def _per_page(self) -> int:
        return int(self.settings.get("DEFAULT_PAGINATION") or 0)

    def generate_output(self, writer: Any) -> None:
        renderer = start_rendering(self, writer)
        for domain, articles in self._domains().items():
            location = source_location(self.settings, domain)
            if location is None:
                continue
            url, save_as = location
            pages = stable_pages(articles, self._per_page(), url, save_as, self.settings)
            add_paginated(
                renderer,
                pages,
                SOURCE_TEMPLATE,
                (domain,),
                ("articles",),
                source_domain=domain,
                template_name=SOURCE_TEMPLATE,
                page_name=save_as.removesuffix("/index.html"),
            )
        finish_rendering(self, writer, renderer)
