"""The typed model of one parsed dump.

Everything here is plain data: frozen dataclasses and Enums, no Pelican, no Jinja.
``Digest.to_dict()`` gives exactly the shape of ``digest.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class InputKind(Enum):
    """What kind of scrape a file is; the reader recognises it from the text, not the name."""

    CMS = "cms"  # a CMS-style dump like the example: lead, credit, then the headline list
    PAGE_TEXT = "page-text"  # all visible text of a page, one block a line
    HTML = "html"  # a saved HTML page (``.html``/``.htm``, or HTML under a ``.txt`` name)
    LIVE = "live"  # a live page: time-stamped entries


class ItemKind(Enum):
    """What a headline item points to."""

    NEWS = "news"
    REFERENCE = "reference"


class DropReason(Enum):
    """Why a line, or a piece of a line, was left out of the output."""

    SEPARATOR = "separator"
    DUPLICATE = "duplicate"
    FURNITURE = "furniture"
    CONTROL = "control"
    OTHER = "other"


class WarningKind(Enum):
    """What a parse warning is about, so that callers need not match its wording."""

    ENCODING = "encoding"  # not UTF-8: decoded by detection
    EMPTY = "empty"  # no text at all
    HEADER_DATE = "header-date"  # a header Date or Modified that is not a real date
    NO_DATE = "no-date"  # no date in the header, the file name, the folders or the text
    TEXT_DATE = "text-date"  # the date was read from a date line in the text
    NO_LEAD = "no-lead"  # the dump starts with the list or the credit
    CREDIT = "credit"  # a credit without a name, or a second credit
    UNSURE = "unsure"  # the reading is probably wrong (see Digest.confidence)


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Credit:
    """The editor credit that ends the lead, e.g. ``(editor-in-charge:NAME)``."""

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Lead:
    title: str
    title_line: int | None  # None only when the title came from the header
    paragraphs: tuple[Paragraph, ...] = ()
    credit: Credit | None = None


@dataclass(frozen=True, slots=True)
class Headline:
    title: str
    summary: str | None
    kind: ItemKind
    lines: tuple[int, ...]
    url: str | None = None  # the link's address, where the input had one (saved HTML)


@dataclass(frozen=True, slots=True)
class Entry:
    """One time-stamped entry of a live page."""

    time: str  # as the page wrote it, e.g. "10:32 GMT"
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Dropped:
    line: int
    text: str
    reason: DropReason


@dataclass(frozen=True, slots=True)
class ParseWarning:
    message: str
    line: int | None = None
    kind: WarningKind | None = None  # not in the JSON, whose shape the schema fixes

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True, slots=True)
class Metadata:
    """Header values and the dump's date. Keys follow Pelican's names, in lower case."""

    title: str | None = None
    date: str | None = None  # ISO 8601: "2023-05-10" or "2023-05-10T08:30:00+01:00"
    source: str | None = None
    tags: tuple[str, ...] = ()
    # Optional header keys, kept only when the header gives them.
    modified: str | None = None
    category: str | None = None
    slug: str | None = None
    summary: str | None = None
    lang: str | None = None
    authors: tuple[str, ...] = ()
    # Where ``date`` came from: "header", "file name", "folder", "text" (not in the JSON).
    date_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "tags": list(self.tags),
        }
        for key in ("modified", "category", "slug", "summary", "lang"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.authors:
            out["authors"] = list(self.authors)
        return out


@dataclass(frozen=True, slots=True)
class Digest:
    """One dump, read: its lead story and its "More headlines" digest."""

    source: str
    encoding: str
    metadata: Metadata = field(default_factory=Metadata)
    metadata_lines: tuple[int, ...] = ()
    lead: Lead | None = None
    headlines: tuple[Headline, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
    slug: str = ""  # from the header's Slug, else from the lead title (not in the JSON)
    kind: InputKind = InputKind.CMS
    lang: str | None = None  # the page's language: header Lang, <html lang>, else detected
    confidence: float = 1.0  # 0..1: how sure the reading is; an unsure one also warns
    entries: tuple[Entry, ...] = ()  # a live page's time-stamped entries, in page order

    @property
    def news(self) -> tuple[Headline, ...]:
        return tuple(h for h in self.headlines if h.kind is ItemKind.NEWS)

    @property
    def references(self) -> tuple[Headline, ...]:
        return tuple(h for h in self.headlines if h.kind is ItemKind.REFERENCE)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``digest.schema.json``."""
        lead = None
        if self.lead is not None:
            lead = {
                "title": self.lead.title,
                "title_line": self.lead.title_line,
                "paragraphs": [{"text": p.text, "line": p.line} for p in self.lead.paragraphs],
                "credit": (
                    {"name": self.lead.credit.name, "line": self.lead.credit.line}
                    if self.lead.credit
                    else None
                ),
            }
        return {
            "source": self.source,
            "encoding": self.encoding,
            "metadata": self.metadata.to_dict(),
            "metadata_lines": list(self.metadata_lines),
            "lead": lead,
            "headlines": [
                {
                    "title": h.title,
                    "summary": h.summary,
                    "kind": h.kind.value,
                    "lines": list(h.lines),
                    **({"url": h.url} if h.url else {}),
                }
                for h in self.headlines
            ],
            "dropped": [
                {"line": d.line, "text": d.text, "reason": d.reason.value} for d in self.dropped
            ],
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
            "kind": self.kind.value,
            "lang": self.lang,
            "confidence": round(self.confidence, 3),
            "entries": [{"time": e.time, "text": e.text, "line": e.line} for e in self.entries],
        }


class DumpError(Exception):
    """A dump that cannot be read as text at all. ``str()`` is ``file:line: reason``."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.message = message
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
