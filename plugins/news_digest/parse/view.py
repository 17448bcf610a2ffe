"""What a site build needs of a parsed dump, as plain data.

Pure Python, no Pelican. The parse cache stores a :func:`dump_view` instead of the
:class:`~news_digest.parse.model.Digest` itself: strings, tuples and small dicts unpickle several
times faster than the model's frozen dataclasses (a dump's parse holds some sixty of them,
dropped lines included), and the view carries the dump's parse-report entry, so a cached
dump costs the reader a lookup, not a walk over its parse.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

from .model import Digest, ItemKind
from .report import dump_entry


class HeadlineItem(NamedTuple):
    """One headline item of a dump, as templates read it: ``item.title``, ``item.summary``
    (or None), ``item.kind`` (``"news"`` or ``"reference"``), ``item.url`` (the article's
    address where the input had one, a saved HTML page's links; else None). A tuple, not a
    dict: a 10,000-dump site holds a quarter of a million of them (72 bytes each, not 232)."""

    title: str
    summary: str | None
    kind: str
    url: str | None = None


#: ``tuple -> HeadlineItem`` at C speed (``HeadlineItem._make`` is Python code).
as_headline_item = partial(tuple.__new__, HeadlineItem)


def headline_tuples(digest: Digest) -> tuple[tuple[str, str | None, str, str | None], ...]:
    """Every headline item as ``(title, summary, kind, url)``, in page order (plain tuples
    unpickle fastest; :data:`as_headline_item` makes them :class:`HeadlineItem`)."""
    return tuple(
        (h.title, h.summary, "reference" if h.kind is ItemKind.REFERENCE else "news", h.url)
        for h in digest.headlines
    )


#: The keys of every :func:`dump_view`: a cached view of another shape is not used.
VIEW_KEYS = frozenset(
    {
        "lead_title", "paragraphs", "credit", "headlines", "slug", "encoding", "header_title",
        "header_date", "date_from", "header_slug", "lang", "kind", "confidence", "source_url",
        "warnings", "entry", "page_lang", "entries", "tags",
    }
)  # fmt: skip


def dump_view(digest: Digest, source: str) -> dict[str, Any]:
    """The parse of the dump at ``source`` (its path below the content folder), as the
    reader and the parse report use it.

    ``kind`` is the :class:`~news_digest.parse.model.InputKind` value, ``lang`` the header's
    ``Lang`` else the page's own language (a saved page's ``<html lang>``), ``confidence``
    the parse's (0 to 1). ``warnings`` are ``(line, message, kind)`` with ``kind`` a
    :class:`WarningKind` value (or None); ``entry`` is :func:`news_digest.parse.report.dump_entry`.
    """
    lead = digest.lead
    header = digest.metadata
    return {
        "lead_title": lead.title if lead is not None else None,
        "paragraphs": tuple(p.text for p in lead.paragraphs) if lead is not None else (),
        "credit": lead.credit.name if lead is not None and lead.credit else None,
        "headlines": headline_tuples(digest),
        "slug": digest.slug,
        "encoding": digest.encoding,
        "header_title": header.title,
        "header_date": header.date,  # the parser's date: header, file name, folders or text
        "date_from": header.date_from,
        "header_slug": header.slug,
        "lang": header.lang or digest.lang,
        "kind": digest.kind.value,
        "confidence": digest.confidence,
        "source_url": header.source,
        "warnings": tuple(
            (w.line, w.message, w.kind.value if w.kind else None) for w in digest.warnings
        ),
        "entry": dump_entry(source, digest),
        # The detected language and a live page's entries (time, text): for templates.
        "page_lang": digest.lang,
        "entries": tuple((e.time, e.text) for e in digest.entries),
        "tags": tuple(header.tags),  # the header's Tags: topics (site/stories_pages.py)
    }
