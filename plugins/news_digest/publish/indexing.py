"""What search engines and feed readers get: JSON-LD, sitemaps, a JSON Feed, robots.txt.

Plain Python: every function takes plain values (URLs, dates, texts) and returns a string, so
it can be tested without a build. :mod:`news_digest.publish.indexing_generator` gathers those values
from Pelican and writes the files.

Rules shared by every output:

- URLs are absolute, from an absolute base (``SITEURL``; see :func:`absolute_base`) and a
  site-relative URL (``2023/05/10/slug/``). With no absolute base there is no canonical link,
  no ``og:url`` and no sitemap: a relative URL in them is useless.
- Dates are the content's own dates with their time zone (ISO 8601 with an offset), never the
  time of the build, so that two builds of the same dumps are identical byte for byte.
- Text from dumps goes through a serializer: JSON through :func:`json.dumps` (and
  :func:`script_json` for a ``<script>`` element), XML through
  :class:`xml.sax.saxutils.XMLGenerator`, after :func:`xml_safe` drops the characters that
  XML 1.0 cannot carry at all.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import XMLGenerator

SCHEMA_CONTEXT = "https://schema.org"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"

#: A sitemap file may list at most this many URLs (sitemaps.org protocol).
SITEMAP_MAX_URLS = 50_000

#: Characters that XML 1.0 does not allow even escaped: C0 controls other than tab, line
#: feed and carriage return, lone surrogates, and U+FFFE/U+FFFF.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: In a ``<script>`` element, ``</script>`` or ``<!--`` in a string would end or change the
#: element; JSON may spell any character as ``\\uXXXX``, so these three never appear raw.
#: U+2028 and U+2029 are escaped too, for scripts that read the block as JavaScript.
SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")

#: Characters of a page's description (``<meta name="description">``, ``og:description``,
#: the JSON-LD ``description``), ellipsis included: search engines show about this many,
#: and the whole first paragraph would be written three more times on every lead page.
DESCRIPTION_MAX_CHARS = 160
ELLIPSIS = "\u2026"


# Shared helpers


def absolute_base(url: str | None) -> str | None:
    """``url`` without its trailing slash when it is an absolute http(s) URL, else None."""
    if url and re.match(r"^https?://[^/]", url):
        return url.rstrip("/")
    return None


def absolute_url(base: str, url: str) -> str:
    """The site-relative ``url`` (``2023/05/10/x/``, ``""`` for home) below ``base``."""
    return f"{base}/{url.lstrip('/')}"


def url_of_output(output_file: str) -> str:
    """The site-relative URL served for an output file: ``a/b/index.html`` -> ``a/b/``."""
    if output_file == "index.html":
        return ""
    return output_file.removesuffix("index.html")


def iso_datetime(value: dt.datetime | dt.date, timezone: str | dt.tzinfo = "UTC") -> str:
    """ISO 8601 with a UTC offset; a naive value is read in ``timezone``."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        if isinstance(timezone, str):
            from zoneinfo import ZoneInfo

            timezone = ZoneInfo(timezone)
        value = value.replace(tzinfo=timezone)
    return dt.datetime.isoformat(value)


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe as the text of a ``<script>`` element.

    ``json.loads`` of the result gives ``data`` back: only the escaping differs.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return SCRIPT_ESCAPE_RE.sub(lambda m: SCRIPT_ESCAPES[m.group()], text)


def excerpt(text: str, limit: int = DESCRIPTION_MAX_CHARS) -> str:
    """``text`` with its white space collapsed, cut to at most ``limit`` characters.

    A longer text is cut at the last word boundary that leaves room for an ellipsis, with
    the punctuation before the cut dropped; a first word longer than that is cut inside.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS) + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > 0 else head[:-1]
    return head.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent."""
    return XML_ILLEGAL_RE.sub("", text)


# JSON-LD


def news_article_ld(
    *,
    headline: str,
    date_published: str,
    date_modified: str,
    site_name: str,
    description: str = "",
    credit: str | None = None,
    url: str | None = None,
    home_url: str | None = None,
    language: str | None = None,
    source_url: str | None = None,
    logo_url: str | None = None,
) -> dict[str, Any]:
    """A schema.org ``NewsArticle`` for a lead page.

    The author is the credited editor (a ``Person``) when the dump has a credit, else the
    site; the publisher is always the site (an ``Organization``). ``isBasedOn`` is the page
    the dump was saved from, when its header named it.
    """
    publisher: dict[str, Any] = {"@type": "Organization", "name": site_name}
    if home_url:
        publisher["url"] = home_url
    if logo_url:
        publisher["logo"] = {"@type": "ImageObject", "url": logo_url}
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "NewsArticle",
        "headline": headline,
    }
    if description:
        data["description"] = description
    data["datePublished"] = date_published
    data["dateModified"] = date_modified
    data["author"] = {"@type": "Person", "name": credit} if credit else dict(publisher)
    data["publisher"] = publisher
    if url:
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": url}
        data["url"] = url
    if language:
        data["inLanguage"] = language
    if source_url:
        data["isBasedOn"] = source_url
    return data


# Sitemaps


@dataclass(frozen=True)
class SitemapEntry:
    """One page of the site: its absolute URL and when its content last changed."""

    loc: str
    lastmod: str | None = None


@dataclass(frozen=True)
class NewsEntry:
    """One article of the Google News sitemap."""

    loc: str
    title: str
    publication_date: str
    language: str


class _XMLWriter:
    """A thin wrapper over XMLGenerator: elements with escaped text, one per line."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.xml = XMLGenerator(self.buffer, encoding="utf-8", short_empty_elements=True)
        self.xml.startDocument()  # the XML declaration and a line feed

    def start(self, name: str, attrs: Mapping[str, str] | None = None) -> None:
        self.xml.startElement(name, dict(attrs or {}))

    def end(self, name: str) -> None:
        self.xml.endElement(name)

    def element(self, name: str, text: str) -> None:
        self.xml.startElement(name, {})
        self.xml.characters(xml_safe(text))
        self.xml.endElement(name)

    def newline(self) -> None:
        self.xml.ignorableWhitespace("\n")

    def result(self) -> str:
        self.xml.endDocument()
        return self.buffer.getvalue() + "\n"


def sitemap_xml(entries: Iterable[SitemapEntry]) -> str:
    """A sitemaps.org ``urlset``, in the order given."""
    out = _XMLWriter()
    out.start("urlset", {"xmlns": SITEMAP_NS})
    out.newline()
    for entry in entries:
        out.start("url")
        out.element("loc", entry.loc)
        if entry.lastmod:
            out.element("lastmod", entry.lastmod)
        out.end("url")
        out.newline()
    out.end("urlset")
    return out.result()


def news_sitemap_xml(entries: Iterable[NewsEntry], publication: str) -> str:
    """A Google News sitemap: ``urlset`` with one ``news:news`` element per article."""
    out = _XMLWriter()
    out.start("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    out.newline()
    for entry in entries:
        out.start("url")
        out.element("loc", entry.loc)
        out.start("news:news")
        out.start("news:publication")
        out.element("news:name", publication)
        out.element("news:language", entry.language)
        out.end("news:publication")
        out.element("news:publication_date", entry.publication_date)
        out.element("news:title", entry.title)
        out.end("news:news")
        out.end("url")
        out.newline()
    out.end("urlset")
    return out.result()


def recent_window(dated: Sequence[tuple[dt.datetime, Any]], days: float, limit: int) -> list[Any]:
    """The items dated within ``days`` of the newest one, newest first, at most ``limit``.

    The window ends at the newest item, not at the time of the build: a build must not
    depend on the clock. On a site updated every day, that is the last ``days`` days.
    Ties keep the order given.
    """
    if not dated or limit <= 0:
        return []
    ordered = sorted(dated, key=lambda pair: pair[0], reverse=True)
    start = ordered[0][0] - dt.timedelta(days=days)
    return [item for date, item in ordered if date >= start][:limit]


def robots_txt(sitemap_urls: Iterable[str]) -> str:
    """A robots.txt that allows everything and names the sitemaps."""
    lines = ["User-agent: *", "Allow: /", ""]
    lines += [f"Sitemap: {url}" for url in sitemap_urls]
    return "\n".join(lines) + "\n"


# JSON Feed


def json_feed(
    *,
    title: str,
    home_page_url: str,
    feed_url: str,
    items: Sequence[Mapping[str, Any]],
    description: str = "",
    language: str | None = None,
    author: str | None = None,
) -> str:
    """A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1), with a final newline."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": home_page_url,
        "feed_url": feed_url,
    }
    if description:
        feed["description"] = description
    if language:
        feed["language"] = language
    if author:
        feed["authors"] = [{"name": author, "url": home_page_url}]
    feed["items"] = list(items)
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def json_feed_item(
    *,
    url: str,
    title: str,
    content_html: str,
    date_published: str,
    date_modified: str | None = None,
    summary: str = "",
    author: str | None = None,
    language: str | None = None,
    external_url: str | None = None,
) -> dict[str, Any]:
    """One JSON Feed item; its ``id`` is its absolute URL, which never changes."""
    item: dict[str, Any] = {"id": url, "url": url, "title": title}
    if external_url:
        item["external_url"] = external_url
    item["content_html"] = content_html
    if summary:
        item["summary"] = summary
    item["date_published"] = date_published
    if date_modified and date_modified != date_published:
        item["date_modified"] = date_modified
    if author:
        item["authors"] = [{"name": author}]
    if language:
        item["language"] = language
    return item
