"""Repeated scrapes of one page become one lead with its versions.

A scraper saves the same portal every hour: dumps of the same page (the same source URL, or
the same lead title with near-identical text) within a window are one lead. The newest
version is shown; the earlier ones are listed with their times and what changed between
them (paragraphs added or removed); their headlines are merged; byte-identical copies are
reported and skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..parse.model import Digest
from .normalise import (
    fold_case_and_accents,
    glue_numbers_to_words,
    headline_key,
    separate_numbers,
    split_words,
    strip_prefixes,
    strip_suffixes,
    strip_truncation_marks,
)

# Scrapes of one page further apart than this are separate leads (the default).
DEFAULT_WINDOW = dt.timedelta(hours=24)
# Without a source URL, two dumps with the same lead title are one page when their lead
# texts are at least this similar (rapidfuzz ``ratio``, 0-100): an hourly update changes a
# paragraph or two, a different story under a recycled title changes most of them.
SAME_TEXT_RATIO = 80


@dataclass(frozen=True, slots=True)
class Scrape:
    """A dump as this module needs it: plain values, no parser objects."""

    path: str
    when: dt.datetime
    source: str | None
    title: str
    paragraphs: tuple[str, ...]
    headlines: tuple[str, ...]
    sha1: str  # of the file's bytes


@dataclass(frozen=True, slots=True)
class Change:
    """What changed from one version to the next."""

    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass
class Lead:
    """One page's scrapes: the newest is shown, the others listed."""

    versions: list[Scrape] = field(default_factory=list)  # oldest first, one per content
    copies: list[tuple[Scrape, Scrape]] = field(default_factory=list)  # (copy, kept)

    @property
    def newest(self) -> Scrape:
        return self.versions[-1]

    @property
    def changes(self) -> list[Change]:
        """Paragraphs added and removed between each version and the one before it."""
        return [
            paragraph_changes(a, b) for a, b in zip(self.versions, self.versions[1:], strict=False)
        ]

    @property
    def headlines(self) -> list[str]:
        """All versions' headlines, newest version's first, each story once."""
        seen: set[str] = set()
        out: list[str] = []
        for v in reversed(self.versions):
            for h in v.headlines:
                key = headline_key(h).text
                if key not in seen:
                    seen.add(key)
                    out.append(h)
        return out


def paragraph_changes(old: Scrape, new: Scrape) -> Change:
    """The paragraphs ``new`` has that ``old`` has not, and the reverse, in page order."""
    before, after = set(old.paragraphs), set(new.paragraphs)
    return Change(
        added=tuple(p for p in new.paragraphs if p not in before),
        removed=tuple(p for p in old.paragraphs if p not in after),
    )


def url_key(scrape: Scrape) -> str | None:
    """The page's source URL without a trailing slash, query or fragment, or None."""
    if not scrape.source:
        return None
    url = scrape.source.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return "url:" + url.lower()


def title_key(scrape: Scrape) -> str | None:
    """The lead title's matching key: two pages of one title are one only with one text.
    None for a scrape without a lead title (a page saved without its lead story), which
    joins another only by its URL or its bytes.

    Unlike a story's key, it keeps the title's numbers: "Story 4 ..." and "Story 5 ..." with
    near-identical text are two pages, not two versions of one (a page whose count changes
    needs its source URL to be followed)."""
    return title_key_of(scrape.title)


def title_key_of(title: str) -> str | None:
    """:func:`title_key` of a scrape with this lead title ("" for none)."""
    if not title:
        return None
    text, numbers = title_words(title)
    return f"title:{text}|{numbers}"


def title_words(title: str) -> tuple[str, str]:
    """``headline_key(title)``'s ``text`` and its numbers (space-separated), by the same
    rules, without the content words and stems that only the story matcher needs: a build
    computes this for every dump, and it costs a third of the whole key."""
    text, _ = strip_truncation_marks(title)
    text = strip_suffixes(strip_prefixes(text))
    # An ASCII title has no accents and NFKD leaves it as it is.
    text = text.casefold() if text.isascii() else fold_case_and_accents(text)
    text = glue_numbers_to_words(text).replace("'s ", " ").replace("’s ", " ")
    tokens, numbers = separate_numbers(split_words(text))
    return " ".join(tokens), " ".join(numbers)


def same_text(a: Scrape, b: Scrape) -> bool:
    """Near-identical lead text: what tells two scrapes of one page from two stories that
    happen to share a title."""
    return fuzz.ratio("\n".join(a.paragraphs), "\n".join(b.paragraphs)) >= SAME_TEXT_RATIO


def group_scrapes(scrapes: list[Scrape], window: dt.timedelta = DEFAULT_WINDOW) -> list[Lead]:
    """Scrapes grouped into leads, in order of each lead's first scrape.

    A scrape joins the latest lead with the same source URL, or else with the same lead
    title and near-identical text, whose newest version is at most ``window`` older. A
    byte-identical copy of a scrape already kept is recorded on that scrape's lead and
    skipped, however far apart they are.
    """
    leads: list[Lead] = []
    by_key: dict[str, list[Lead]] = {}
    kept: dict[str, tuple[Scrape, Lead]] = {}
    for s in sorted(scrapes, key=lambda s: (s.when, s.path)):
        if s.sha1 in kept:
            original, lead = kept[s.sha1]
            lead.copies.append((s, original))
            continue
        lead = _open_lead(s, by_key, window)
        if lead is None:
            lead = Lead()
            leads.append(lead)
        lead.versions.append(s)
        kept[s.sha1] = (s, lead)
        for key in (url_key(s), title_key(s)):
            if key is not None:
                bucket = by_key.setdefault(key, [])
                if lead not in bucket:
                    bucket.append(lead)
    return leads


def _open_lead(s: Scrape, by_key: dict[str, list[Lead]], window: dt.timedelta) -> Lead | None:
    """The lead ``s`` continues, if any: same URL first, then same title and text."""
    url = url_key(s)
    if url is not None:
        for lead in reversed(by_key.get(url, [])):
            if s.when - lead.newest.when <= window:
                return lead
    title = title_key(s)
    for lead in reversed(by_key.get(title, []) if title is not None else []):
        newest = lead.newest
        if s.when - newest.when > window:
            continue
        other = url_key(newest)
        if url is not None and other is not None and other != url:
            continue  # two addresses: two pages, whatever their titles
        if same_text(newest, s):
            return lead
    return None


def scrape_of(digest: Digest, data: bytes) -> Scrape:
    """A parsed dump and its file's bytes as a ``Scrape``."""
    date = digest.metadata.date
    if not date:
        raise ValueError(f"{digest.source}: the dump has no date, so it cannot be placed")
    when = dt.datetime.fromisoformat(date)
    if when.tzinfo is None:  # a date without a zone: compared as given, like its siblings
        when = when.replace(tzinfo=dt.UTC)
    lead = digest.lead
    return Scrape(
        path=digest.source,
        when=when,
        source=digest.metadata.source,
        title=lead.title if lead else (digest.metadata.title or ""),
        paragraphs=tuple(p.text for p in lead.paragraphs) if lead else (),
        headlines=tuple(h.title for h in digest.news),
        sha1=hashlib.sha1(data).hexdigest(),
    )
