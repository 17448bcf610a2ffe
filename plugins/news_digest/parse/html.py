"""Read a saved HTML page into a ``Digest`` (kind ``html``).

Pure Python, no Pelican. The rules, in the order ``parse_html`` runs them (each is a function
named for it; ``docs/reading/html.md`` gives them in prose, with an example):

1. is it HTML ............................ ``looks_like_html``, ``declared_charset``
2. the page's metadata ................... ``read_page_metadata`` (beautifulsoup4 on the
   ``<head>``), ``read_json_ld``
3. title ................................. ``choose_title``, ``strip_site_name``
4. article body .......................... ``extract_body`` (trafilatura), ``body_fallback``,
   ``drop_title_repeat``, ``drop_link_lines``
5. date, source URL, author, language .... ``choose_date``, ``choose_source``,
   ``choose_authors``
6. links to other articles ............... ``read_article_links``, ``is_article_link``
7. how sure .............................. ``reading_confidence``

Line numbers are the HTML source's lines: a paragraph's is the line where its text starts
(``SourceLines``), a headline's the line of its ``<a>``.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from .dates import date_from_file_name, date_from_header
from .model import (
    Digest,
    Dropped,
    DropReason,
    Headline,
    InputKind,
    Lead,
    Metadata,
    Paragraph,
    ParseWarning,
    WarningKind,
)
from .parser import item_kind, make_slug

__all__ = ["declared_charset", "looks_like_html", "parse_html"]

# --------------------------------------------------------------------------- constants

# The start of an HTML document: optional comments and an XML declaration, then a doctype,
# <html> or <head>. Only the first bytes are looked at: a text dump that quotes a tag later
# on is still a text dump.
HTML_START = re.compile(
    r"\A(?:\s|<!--.*?-->|<\?xml[^>]*>)*(?:<!doctype\s+html|<html[\s>]|<head[\s>])",
    re.IGNORECASE | re.DOTALL,
)
HTML_SNIFF_CHARS = 2048
# Any tag at all: a ``.html`` file is read as HTML when it has one, whatever its start.
ANY_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*|!--)[\s>/]")
HTML_SUFFIXES = (".html", ".htm")
# <meta charset="..."> or <meta http-equiv content="...; charset=...">, in the first bytes.
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
CHARSET_SNIFF_BYTES = 4096

# The body: fewer words than this reads as a failed extraction (a teaser, a cookie banner),
# and the extraction is tried again favouring recall. News articles run from ~150 words;
# the shortest real briefs in the measured pages have about 60.
MIN_BODY_WORDS = 60
# A JSON-LD articleBody is taken instead of the extracted text only when the extraction has
# less than this share of its words: the page's own statement of its body is trusted over a
# plainly partial extraction, but the extraction keeps its paragraph breaks otherwise.
ARTICLE_BODY_TAKEOVER = 0.5
# The title's repeat is looked for among the first paragraphs only: further down the same
# words are a quotation or a heading of the article's own.
TITLE_REPEAT_WITHIN = 3
# A paragraph whose letters are at least this share one link's text is that link, not text.
LINK_LINE_SHARE = 0.6
# Below this confidence a reading warns (kind "unsure"), once, naming the line and reason.
UNSURE_BELOW = 0.5

# Headline links: the link text has at least this many words (menu entries, "More", tags
# and bylines have fewer) and at most HEADLINE_MAX_CHARS characters.
MIN_HEADLINE_WORDS = 4
HEADLINE_MAX_CHARS = 300
# At most this many links are kept: a saved front page can hold hundreds, and the
# "More headlines" page is a digest, not a site map.
MAX_HEADLINES = 60
# An article's address names it: its path has a segment this long (a slug), or a number of
# at least ARTICLE_ID_DIGITS digits (an id or a date).
ARTICLE_SLUG_CHARS = 12
ARTICLE_ID_DIGITS = 4
ARTICLE_ID = re.compile(rf"\d{{{ARTICLE_ID_DIGITS},}}")
# Links inside these are site furniture, never headlines.
FURNITURE_TAGS = frozenset({"nav", "footer", "form", "button", "select", "label"})

# Host-name labels shorter than this ("m", "de", "uk") do not name a site.
MIN_SITE_LABEL_CHARS = 3
# Separators between a title and the site's name in <title>: "Story | Site", "Story - Site".
TITLE_SITE_SEPARATOR = re.compile(r"\s+[|\-–—·:»]\s+")
NON_ALNUM = re.compile(r"[\W_]+")
SPACES = re.compile(r"\s+")
# Dates: the first of these found is the page's (JSON-LD first, then meta, then <time>).
DATE_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
AUTHOR_META_KEYS = ("author", "article:author", "dc.creator", "byl", "parsely-author")
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "blogposting",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "liveblogposting",
        "webpage",
        "report",
        "scholarlyarticle",
        "techarticle",
    }
)
# The longest JSON-LD block parsed, in characters: real ones are a few KB; a megabyte of
# nested arrays would only cost time.
JSON_LD_MAX_CHARS = 500_000

# --------------------------------------------------------------------------- detection


def looks_like_html(text: str, source: str = "") -> bool:
    """Whether ``text`` is a saved HTML page: it starts as one (doctype, ``<html>`` or
    ``<head>``), whatever the file's name; or the file is named ``.html``/``.htm`` and has a tag.
    """
    head = text[:HTML_SNIFF_CHARS].lstrip("\ufeff")
    if HTML_START.match(head):
        return True
    return source.lower().endswith(HTML_SUFFIXES) and ANY_TAG.search(head) is not None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset>``), if Python knows it."""
    import codecs

    match = META_CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# --------------------------------------------------------------------------- page metadata


@dataclass(slots=True)
class PageMetadata:
    """What a page says about itself, each value with its source line where known."""

    lang: str | None = None
    title_tag: tuple[str, int] | None = None
    meta: dict[str, tuple[str, int]] = field(default_factory=dict)  # lower-case key
    canonical: str | None = None
    base: str | None = None
    json_ld: list[dict[str, Any]] = field(default_factory=list)


def read_page_metadata(text: str) -> PageMetadata:
    """The ``<head>``'s metadata, read with beautifulsoup4: ``<html lang>``, ``<title>``,
    ``<meta name|property|itemprop>``, ``<link rel=canonical>``, ``<base>``.

    Only the text up to ``</head>`` is given to the soup (with a strainer): a whole page
    costs beautifulsoup4 some 25 ms, its head 2-3 ms.
    """
    from bs4 import BeautifulSoup, SoupStrainer

    end = _find_ci(text, "</head>")
    if end < 0:
        end = _find_ci(text, "<body")
    head = text[: end if end >= 0 else min(len(text), 200_000)]
    strainer = SoupStrainer(["html", "title", "meta", "link", "base"])
    soup = BeautifulSoup(head, "html.parser", parse_only=strainer)
    page = PageMetadata()
    html_tag = soup.find("html")
    if html_tag is not None:
        lang = _attr(html_tag, "lang") or _attr(html_tag, "xml:lang")
        page.lang = lang.strip() or None if lang else None
    title = soup.find("title")
    if title is not None:
        value = _clean(title.get_text())
        if value:
            page.title_tag = (value, title.sourceline or 1)
    for tag in soup.find_all("meta"):
        key = _attr(tag, "property") or _attr(tag, "name") or _attr(tag, "itemprop")
        value = _attr(tag, "content")
        if key and value and value.strip():
            page.meta.setdefault(key.strip().lower(), (_clean(value), tag.sourceline or 1))
        if not page.lang and (_attr(tag, "http-equiv") or "").lower() == "content-language":
            page.lang = (value or "").strip() or None
    for tag in soup.find_all("link"):
        rel = tag.get("rel") or []
        if "canonical" in [r.lower() for r in rel] and _attr(tag, "href"):
            page.canonical = page.canonical or _attr(tag, "href").strip()
    base = soup.find("base")
    if base is not None and _attr(base, "href"):
        page.base = _attr(base, "href").strip()
    return page


def read_json_ld(tree: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page (``@graph`` members and lists flattened), in order.
    A block that is not valid JSON is skipped."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > JSON_LD_MAX_CHARS:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            try:  # a trailing ";" or a stray control character is common
                data = json.loads(raw.rstrip(";"), strict=False)
            except (ValueError, RecursionError):
                continue
        _flatten_json_ld(data, objects, depth=0)
    return objects


def _flatten_json_ld(data: Any, out: list[dict[str, Any]], depth: int) -> None:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            _flatten_json_ld(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        if isinstance(data.get("@graph"), list):
            _flatten_json_ld(data["@graph"], out, depth + 1)


def _ld_types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def article_json_ld(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The page's article object: the first of an article type with a headline or body
    (a news type before a plain ``WebPage``)."""
    best = None
    for obj in objects:
        types = _ld_types(obj)
        if not types & ARTICLE_TYPES or not (obj.get("headline") or obj.get("articleBody")):
            continue
        if "webpage" not in types:
            return obj
        best = best or obj
    return best


# --------------------------------------------------------------------------- source lines


class SourceLines:
    """Finds the source line where a piece of the page's text starts.

    The pieces come in page order, so each is looked for in the HTML source from where the
    last one was found: the first words of its text (up to ``NEEDLE_CHARS``, stopping at a
    character that the source may have written as an entity or split with a tag).
    """

    NEEDLE_CHARS = 40  # where the needle is taken from: the text's start
    MIN_NEEDLE_CHARS = 6  # shorter runs ("A", "By") would match anywhere
    # A run of characters that the source writes as they are (no entity, no tag between).
    SAFE_RUN = re.compile(rf"[\w ,.;:!?()\-]{{{MIN_NEEDLE_CHARS},}}")

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1

    def line_of(self, piece: str, default: int) -> int:
        run = self.SAFE_RUN.search(piece[: self.NEEDLE_CHARS])
        needle = run.group().strip() if run is not None else ""
        if len(needle) < self.MIN_NEEDLE_CHARS:
            return default
        found = self.text.find(needle, self.position)
        if found < 0:
            found = self.text.find(needle)
            if found < 0:
                return default
            self.position, self.line = 0, 1
        self.line += self.text.count("\n", self.position, found)
        self.position = found
        return self.line


# --------------------------------------------------------------------------- the reading


@dataclass(slots=True)
class _Reading:
    """What the rules find, gathered as they run."""

    warnings: list[ParseWarning]
    dropped: list[Dropped] = field(default_factory=list)
    doubts: list[tuple[float, str, int | None]] = field(default_factory=list)

    def doubt(self, factor: float, reason: str, line: int | None) -> None:
        self.doubts.append((factor, reason, line))


@contextmanager
def quiet_extractor_logs() -> Iterator[None]:
    """trafilatura logs what it discards (at WARNING, some at ERROR) under its own name; the
    reading says the same in its own warnings and confidence, naming the file and line, so the
    library's records would only be unnamed repeats in a build log (and fail a strict build).
    Its loggers are silenced while a page is read and set back after."""
    library = logging.getLogger("trafilatura")
    level = library.level
    library.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        library.setLevel(level)


def parse_html(
    text: str,
    source: str = "<html>",
    encoding: str = "utf-8",
    warnings: list[ParseWarning] | None = None,
) -> Digest:
    """Read a saved HTML page (rules 2 to 7 of ``docs/reading/html.md``)."""
    with quiet_extractor_logs():
        return _parse_html(text, source, encoding, list(warnings or ()))


def _parse_html(text: str, source: str, encoding: str, warnings: list[ParseWarning]) -> Digest:
    reading = _Reading(warnings=warnings)
    tree = load_tree(text)
    if tree is None:
        reading.warnings.append(
            ParseWarning("empty page: no HTML elements", None, WarningKind.EMPTY)
        )
        return Digest(source, encoding, warnings=tuple(reading.warnings), kind=InputKind.HTML)
    page = read_page_metadata(text)
    page.json_ld = read_json_ld(tree)
    article = article_json_ld(page.json_ld)
    lines = SourceLines(text)

    title, title_line = choose_title(page, article, tree, reading)
    paragraphs = extract_body(tree, article, reading)
    paragraphs = drop_title_repeat(paragraphs, title, title_line, reading)
    base = usable_base(page.base or page.canonical or page.meta.get("og:url", ("",))[0])
    source_url = choose_source(page, article)
    link_texts: list[str] = []
    headlines = read_article_links(tree, base or source_url, source_url, title, link_texts)
    paragraphs = drop_link_lines(paragraphs, link_texts, lines, reading)
    lead_paragraphs = _numbered(paragraphs, lines, title_line or 1)
    date = choose_date(page, article, tree) or date_from_file_name(source)
    lang = page.lang or _ld_text(article, "inLanguage")
    confidence = reading_confidence(reading)
    if confidence < UNSURE_BELOW:
        _factor, reason, line = min(reading.doubts, key=lambda d: d[0])
        if line is None:
            body = tree.find("body")
            line = body.sourceline if body is not None and body.sourceline else 1
        reading.warnings.append(
            ParseWarning(f"probably read wrong: {reason}", line, WarningKind.UNSURE)
        )
    if date is None:
        reading.warnings.append(
            ParseWarning("no date in the page or the file name", None, WarningKind.NO_DATE)
        )
    lead = None
    if title is not None:
        lead = Lead(title, title_line, tuple(lead_paragraphs), None)
    elif lead_paragraphs:
        first = lead_paragraphs[0]
        lead = Lead(first.text, first.line, tuple(lead_paragraphs[1:]), None)
    metadata = Metadata(
        title=None,
        date=date,
        source=source_url,
        authors=choose_authors(page, article),
        lang=lang,
        summary=None,
    )
    return Digest(
        source=source,
        encoding=encoding,
        metadata=metadata,
        lead=lead,
        headlines=headlines,
        dropped=tuple(sorted(reading.dropped, key=lambda d: d.line)),
        warnings=tuple(reading.warnings),
        slug=make_slug(None, lead, source),
        kind=InputKind.HTML,
        lang=lang,
        confidence=confidence,
    )


def load_tree(text: str) -> Any:
    """The page as an lxml tree, or None when there is no HTML in it.

    Parsed by trafilatura's ``load_html`` (lxml with its settings and its repairs of broken
    starts): the extractor finds up to half of some articles missing on a tree that lxml's
    defaults made (measured on the real pages, docs/reading/libraries.md).
    """
    from trafilatura import load_html

    try:
        tree = load_html(text)
    except (ValueError, TypeError):
        return None
    return tree if tree is not None and len(tree) else None


# --------------------------------------------------------------------------- title


def choose_title(
    page: PageMetadata, article: dict[str, Any] | None, tree: Any, reading: _Reading
) -> tuple[str | None, int | None]:
    """The lead title and its line.

    Candidates: the first ``<h1>``, ``og:title``, the JSON-LD headline, ``twitter:title``,
    ``<title>`` less the site name. The ``<h1>`` wins when another candidate agrees with it
    (same words, or one contains the other): it is the title as the reader saw it. Without
    agreement the page's own statements win over a bare ``<h1>`` (which may be the site's
    logo), in the order above; ``<title>`` comes last.
    """
    h1 = first_h1(tree)
    stated: list[tuple[str, int | None]] = []
    if "og:title" in page.meta:
        value, line = page.meta["og:title"]
        stated.append((strip_site_name(value, page, longest=False), line))
    headline = _ld_text(article, "headline")
    if headline:
        stated.append((headline, None))
    if "twitter:title" in page.meta:
        value, line = page.meta["twitter:title"]
        stated.append((strip_site_name(value, page, longest=False), line))
    if page.title_tag is not None:
        stated.append((strip_site_name(page.title_tag[0], page), page.title_tag[1]))
    if h1 is not None and any(titles_agree(h1[0], value) for value, _ in stated):
        return h1
    statements = stated[:-1] if page.title_tag is not None else stated
    if statements:
        value, line = statements[0]
        return value, line or (h1[1] if h1 else 1)
    if h1 is not None:
        return h1
    if page.title_tag is not None:
        value, line = stated[-1]
        reading.doubt(0.7, "the title is only the page's <title>", line)
        return value, line
    reading.doubt(0.3, "the page has no title", None)
    return None, None


def first_h1(tree: Any) -> tuple[str, int] | None:
    for element in tree.iter("h1"):
        text = _clean(element.text_content())
        if text:
            return text, element.sourceline or 1
    return None


def titles_agree(a: str, b: str) -> bool:
    """Same title: equal on letters and digits, or one contains the other (a site name or
    a kicker added to one of them)."""
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 12 and (ka in kb or kb in ka))


def strip_site_name(title: str, page: PageMetadata, longest: bool = True) -> str:
    """A stated title without the site's name: the part after its last separator, or before
    its first, when that part names the site (``og:site_name``, or a label of the page's host
    name: "Digg" on ``digg.com``). When neither does, ``<title>`` keeps its longest part
    (``longest``); the other statements are kept whole, since a title may hold a dash of its
    own."""
    separators = list(TITLE_SITE_SEPARATOR.finditer(title))
    if not separators:
        return title
    names = site_names(page)
    first, last = separators[0], separators[-1]
    if _key(title[last.end() :]) in names:  # "Story - Site"
        return title[: last.start()].strip()
    if _key(title[: first.start()]) in names:  # "Site | Story"
        return title[first.end() :].strip()
    return max(TITLE_SITE_SEPARATOR.split(title), key=len) if longest else title


def site_names(page: PageMetadata) -> set[str]:
    """The site's name, as letters and digits: ``og:site_name``, and the labels of the host
    name of the page's address, less ``www`` and the top-level ones."""
    names = {_key(page.meta.get("og:site_name", ("",))[0])}
    address = page.canonical or page.meta.get("og:url", ("",))[0]
    try:
        host = urlsplit(address).hostname or "" if address else ""
    except ValueError:
        host = ""
    labels = host.split(".")[:-1]  # the last label is the top-level domain
    names.update(_key(label) for label in labels if len(label) >= MIN_SITE_LABEL_CHARS)
    names -= {"", "www", "com", "co", "org", "net"}
    return names


# --------------------------------------------------------------------------- body


def extract_body(tree: Any, article: dict[str, Any] | None, reading: _Reading) -> list[str]:
    """The article's paragraphs, by trafilatura's own extractor alone (``fast``), favouring
    precision, without comments.

    When that gives fewer than ``MIN_BODY_WORDS`` words, ``body_fallback`` tries again.
    """
    paragraphs = _extract(tree, favor_precision=True, fast=True)
    if _words(paragraphs) < MIN_BODY_WORDS:
        paragraphs = body_fallback(tree, article, paragraphs, reading)
    if not paragraphs:
        reading.doubt(0.2, "no article text found", None)
    elif _words(paragraphs) < MIN_BODY_WORDS:
        reading.doubt(0.6, f"short article text ({_words(paragraphs)} words)", None)
    return paragraphs


def body_fallback(
    tree: Any, article: dict[str, Any] | None, paragraphs: list[str], reading: _Reading
) -> list[str]:
    """A short extraction is tried again with trafilatura's fallback extractors (its
    readability and jusText comparisons), then favouring recall; the JSON-LD ``articleBody``
    is taken when the best extraction holds less than ``ARTICLE_BODY_TAKEOVER`` of its words.
    """
    for options in ({"favor_precision": True}, {"favor_recall": True}):
        again = _extract(tree, fast=False, **options)
        if _words(again) > _words(paragraphs):
            paragraphs = again
        if _words(paragraphs) >= MIN_BODY_WORDS:
            break
    body = _ld_text(article, "articleBody")
    if body:
        stated = [p for p in (_clean(part) for part in body.split("\n")) if p]
        if _words(paragraphs) < ARTICLE_BODY_TAKEOVER * _words(stated):
            return stated
    return paragraphs


def _extract(tree: Any, **options: Any) -> list[str]:
    import trafilatura

    document = trafilatura.bare_extraction(
        tree, include_comments=False, with_metadata=False, **options
    )
    return _trafilatura_paragraphs(document)


def _trafilatura_paragraphs(document: Any) -> list[str]:
    if document is None or not document.text:
        return []
    return [p for p in (_clean(line) for line in document.text.split("\n")) if p]


def drop_title_repeat(
    paragraphs: list[str], title: str | None, title_line: int | None, reading: _Reading
) -> list[str]:
    """Paragraphs among the first ``TITLE_REPEAT_WITHIN`` that repeat the title are the
    title again, not text: dropped (reason ``duplicate``, at the title's line). Any before the
    last repeat come from outside the article (a teaser, a caption of another story): dropped
    too (reason ``furniture``)."""
    if not title:
        return paragraphs
    key = _key(title)
    repeats = [i for i, text in enumerate(paragraphs[:TITLE_REPEAT_WITHIN]) if _key(text) == key]
    if not repeats:
        return paragraphs
    for text in paragraphs[: repeats[-1] + 1]:
        reason = DropReason.DUPLICATE if _key(text) == key else DropReason.FURNITURE
        reading.dropped.append(Dropped(title_line or 1, text, reason))
    return paragraphs[repeats[-1] + 1 :]


def drop_link_lines(
    paragraphs: list[str], link_texts: list[str], lines: SourceLines, reading: _Reading
) -> list[str]:
    """A paragraph that is mostly the text of one link ("Read more: OTHER STORY", a list of
    related stories inside the article) points elsewhere: dropped (reason ``furniture``).
    "Mostly": the link's text is at least ``LINK_LINE_SHARE`` of the paragraph's."""
    keys = {_key(text) for text in link_texts}
    keys.discard("")
    if not keys:
        return paragraphs
    kept = []
    for text in paragraphs:
        key = _key(text)
        if any(len(link) >= LINK_LINE_SHARE * len(key) and link in key for link in keys):
            reading.dropped.append(Dropped(lines.line_of(text, 1), text, DropReason.FURNITURE))
            continue
        kept.append(text)
    return kept


def _numbered(paragraphs: list[str], lines: SourceLines, start: int) -> list[Paragraph]:
    out = []
    previous = start
    for text in paragraphs:
        line = lines.line_of(text, previous)
        out.append(Paragraph(text, line))
        previous = line
    return out


# --------------------------------------------------------------------------- date, source, author


def choose_date(page: PageMetadata, article: dict[str, Any] | None, tree: Any) -> str | None:
    """The publication date: JSON-LD ``datePublished``, then the meta tags of
    ``DATE_META_KEYS``, then the first ``<time datetime>``; ISO 8601 as in a header ``Date``."""
    candidates = [_ld_text(article, "datePublished"), _ld_text(article, "dateCreated")]
    candidates += [page.meta[key][0] for key in DATE_META_KEYS if key in page.meta]
    for element in tree.iter("time"):
        candidates.append(element.get("datetime"))
        break
    for value in candidates:
        if value:
            with warnings.catch_warnings():  # dateutil on "EST": a naive time is fine
                warnings.simplefilter("ignore")
                parsed = date_from_header(value.strip())
            if parsed is not None:
                return parsed
    return None


def choose_source(page: PageMetadata, article: dict[str, Any] | None) -> str | None:
    """The page's address: ``<link rel=canonical>``, ``og:url``, JSON-LD ``url``. Absolute
    http(s) addresses only."""
    candidates = [page.canonical, page.meta.get("og:url", (None,))[0], _ld_text(article, "url")]
    main = (article or {}).get("mainEntityOfPage")
    if isinstance(main, dict):
        candidates.append(main.get("@id"))
    elif isinstance(main, str):
        candidates.append(main)
    for value in candidates:
        if isinstance(value, str) and usable_base(value.strip()):
            return value.strip()
    return None


def choose_authors(page: PageMetadata, article: dict[str, Any] | None) -> tuple[str, ...]:
    """The authors' names: JSON-LD ``author`` (names, not addresses), else the author meta
    tags."""
    names: list[str] = []
    author = (article or {}).get("author")
    for item in author if isinstance(author, list) else [author]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and _is_name(name):
            names.append(_clean(name))
    if not names:
        for key in AUTHOR_META_KEYS:
            if key in page.meta and _is_name(page.meta[key][0]):
                names.extend(n.strip() for n in re.split(r",| and ", page.meta[key][0]))
                break
    seen: dict[str, None] = {}
    for name in names:
        if name:
            seen.setdefault(name, None)
    return tuple(seen)


def _is_name(value: str) -> bool:
    value = value.strip()
    return bool(value) and "://" not in value and len(value) <= 120


# --------------------------------------------------------------------------- links


def read_article_links(
    tree: Any,
    base: str | None,
    page_url: str | None,
    title: str | None,
    link_texts: list[str] | None = None,
) -> tuple[Headline, ...]:
    """The page's links to other articles, as headlines with their URLs, in page order.

    A link is kept when ``is_article_link`` says so; repeats of an address or a title are
    left out, and so is a link to the page itself. At most ``MAX_HEADLINES``.
    """
    seen_urls = {_url_key(page_url)} if page_url else set()
    seen_titles = {_key(title)} if title else set()
    out: list[Headline] = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if not names_an_article(href):
            continue
        text = _clean(anchor.text_content())
        if len(text.split()) < MIN_HEADLINE_WORDS or len(text) > HEADLINE_MAX_CHARS:
            continue
        if link_texts is not None:
            link_texts.append(text)
        try:
            url = urljoin(base, href) if base else href
            if not is_article_link(anchor, text, url, base):
                continue
        except ValueError:  # an address that is not one ("http://[bad")
            continue
        url_key, title_key = _url_key(url), _key(text)
        if url_key in seen_urls or title_key in seen_titles:
            continue
        seen_urls.add(url_key)
        seen_titles.add(title_key)
        if len(out) < MAX_HEADLINES:
            out.append(Headline(text, None, item_kind(text, None), (anchor.sourceline or 1,), url))
        if len(out) >= MAX_HEADLINES and link_texts is None:
            break
    return tuple(out)


def is_article_link(anchor: Any, text: str, url: str, base: str | None) -> bool:
    """A headline link: an absolute http(s) address on the page's own site whose path names
    an article (a long slug or a number), with headline-shaped text (``MIN_HEADLINE_WORDS``
    words or more, not a sentence inside a paragraph), outside the site's navigation."""
    words = len(text.split())
    if words < MIN_HEADLINE_WORDS or len(text) > HEADLINE_MAX_CHARS:
        return False
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    if base:
        home = urlsplit(base).netloc.lower().removeprefix("www.")
        host = parts.netloc.lower().removeprefix("www.")
        if home and not (host == home or host.endswith("." + home) or home.endswith("." + host)):
            return False
    if not names_an_article(parts.path):
        return False
    parent = anchor.getparent()
    hops = 0
    while parent is not None and hops < 12:
        tag = parent.tag if isinstance(parent.tag, str) else ""
        if tag in FURNITURE_TAGS:
            return False
        if tag == "p" and hops == 0 and len(_clean(parent.text_content())) > len(text) + 40:
            return False  # a link inside running text
        parent = parent.getparent()
        hops += 1
    return True


def usable_base(address: str | None) -> str | None:
    """The address that relative links are resolved against, when it is a valid absolute
    http(s) address; else None (relative links are then left out)."""
    if not address:
        return None
    try:
        parts = urlsplit(address)
    except ValueError:
        return None
    return address if parts.scheme in ("http", "https") and parts.netloc else None


def names_an_article(address: str) -> bool:
    """Whether an address's path names an article: a segment of ``ARTICLE_SLUG_CHARS`` or
    more (a slug), or a number of ``ARTICLE_ID_DIGITS`` digits or more (an id, a date)."""
    path = address.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = path.split("://", 1)[1].partition("/")[2]
    return any(
        len(segment) >= ARTICLE_SLUG_CHARS or ARTICLE_ID.search(segment)
        for segment in path.split("/")
    )


def _url_key(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}"


# --------------------------------------------------------------------------- confidence


def reading_confidence(reading: _Reading) -> float:
    """How sure the reading is, 0 to 1: the product of the doubts the rules raised (no title,
    a title from ``<title>`` alone, a short or empty body)."""
    confidence = 1.0
    for factor, _reason, _line in reading.doubts:
        confidence *= factor
    return max(0.0, min(1.0, confidence))


# --------------------------------------------------------------------------- helpers


def _ld_text(obj: dict[str, Any] | None, key: str) -> str | None:
    if not obj:
        return None
    value = obj.get(key)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, str):
        value = _clean(_unescape(value))
        return value or None
    return None


def _unescape(value: str) -> str:
    from html import unescape

    return unescape(value) if "&" in value else value


def _attr(tag: Any, name: str) -> str | None:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value


def _find_ci(text: str, needle: str) -> int:
    index = text.find(needle)
    if index < 0:
        index = text.find(needle.upper())
    if index < 0:
        index = text.lower().find(needle)
    return index


def _clean(text: str) -> str:
    """Spaces folded, control and zero-width characters gone, stripped."""
    from .decoding import normalise_line

    return normalise_line(SPACES.sub(" ", text))[0]


def _norm(text: str) -> str:
    return SPACES.sub(" ", text).strip().casefold()


def _key(text: str) -> str:
    return NON_ALNUM.sub("", text.casefold())


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)
