"""Read one dump into a ``Digest``, rule by rule as ``docs/reading/cms.md`` gives them.

Pure Python: no Pelican, Jinja or settings import. Each rule of the spec lives in a function
named for it; ``parse_text`` runs them in the spec's order:

1. bytes to lines ........................ ``decoding.py``, ``read_lines``
2. metadata header ....................... ``read_metadata_header``
   lead title, paragraphs, credit ........ ``split_lead``, ``find_list_start``
4. page furniture ........................ ``strip_furniture``
3. headline items ........................ ``read_headline_items``, ``clean_summary``,
   ``repair_truncated_title``, ``drop_duplicate_items``, ``item_kind``
5. date and slug ......................... ``date_of_dump`` (the rules in ``dates.py``),
   ``make_slug``
6. nothing lost .......................... every line ends in the model or in ``dropped``

Soft problems are warnings on the model; only bytes that are not text raise ``DumpError``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePath

from .confidence import assess
from .dates import DateFrom, DumpDate, choose_date, date_from_header
from .decoding import decode_bytes, normalise_line, split_lines
from .kinds import classify_kind
from .languages import tables
from .live import read_live
from .model import (
    Credit,
    Digest,
    Dropped,
    DropReason,
    DumpError,
    Entry,
    Headline,
    InputKind,
    ItemKind,
    Lead,
    Metadata,
    Paragraph,
    ParseWarning,
    WarningKind,
)
from .pagetext import read_page_text

__all__ = ["parse_bytes", "parse_file", "parse_text"]

# --------------------------------------------------------------------------- constants

# Header keys that may open a dump (Pelican's names). Anything else at the top is content,
# so that a headline such as "Epstein: Deutsche Bank ..." is never taken for metadata.
HEADER_KEYS = frozenset(
    {
        "title",
        "date",
        "modified",
        "source",
        "tags",
        "category",
        "slug",
        "summary",
        "lang",
        "authors",
    }
)
HEADER_LINE = re.compile(r"(?P<key>[A-Za-z]+)[ \t]*:[ \t]*(?P<value>.*)")

# A headline is "short": the longest headline-shaped line that may end the lead, in
# characters. Tabloid headlines run to about 250 characters; lead paragraphs that lack a
# final full stop and exceed this are sentences, not titles.
HEADLINE_MAX_CHARS = 300
# A line ending in a single full stop, colon, semicolon or comma (before any closing quotes
# or brackets) reads as a sentence, not a headline. An ellipsis ("...", "…") is a cut title.
SENTENCE_END = re.compile(r"(?:(?<!\.)\.|[:;,])[\"'”’»)\]]*$")

# Items whose titles repeat an earlier one are compared on letters and digits alone.
NON_ALNUM = re.compile(r"[\W_]+")

# A title is repaired from its summary only when it has at least this many words: a cut-off
# title keeps most of its headline; a one- or two-word title that happens to start the
# summary ("Sudan" / "Sudan's army says ...") is a real title, not a truncation.
MIN_REPAIR_WORDS = 3

# --- line shapes
SEPARATOR = re.compile(r"[-–—•]+")
BULLET = re.compile(r"[-•](?:\s+(?P<spaced>\S.*)|(?P<glued>[^\s\d\-–—•].*))")
# The marker alone; the ellipsis and spaces before it are cut in clean_summary. (One pattern
# "\s*(?:...)?\s*[..." had two runs of \s* side by side: cubic time on a long run of spaces.)
ELLIPSES = ("...", "…")
# Credit forms, "read more" markers and furniture come from the language tables
# (``languages/*.json``): one union of every language, compiled once, when the first dump
# is parsed (``languages.tables()``), not when this module is imported: a build whose dumps
# all come from its caches never compiles them (about 0.2 s).
ABOUT_LINE = "About"

# --- reference items (section 3)
REFERENCE_TITLE = re.compile(
    r"(?P<subject>.+?)\s+(?:country\s+profile|media\s+guide|profile|timeline)",
    re.IGNORECASE,
)
REFERENCE_ENDINGS = ("profile", "guide", "timeline")  # a cheap test before the patterns
MEDIA_OVERVIEW = re.compile(r"An overview of the media in\b", re.IGNORECASE)
# A reference subject is a name: a few words, each capitalised but for these particles.
REFERENCE_SUBJECT_MAX_WORDS = 5
# Longest "X profile" title tried against REFERENCE_TITLE, in characters: five long words and
# the suffix fit well within it, and the pattern takes quadratic time on longer lines.
REFERENCE_TITLE_MAX_CHARS = 200
NAME_PARTICLES = frozenset(
    {"of", "and", "the", "de", "da", "du", "del", "al", "el", "la", "le", "van", "von", "y"}
)

NO_DATE_MESSAGE = "no date in the header, the file name, the folders or the text"
SLUG_MAX_LENGTH = 80
NO_LEAD_LIST = "no lead story: the dump starts with the headline list"
# Names that Windows reserves for devices, in any case and with any extension: a folder or
# file named so cannot be checked out there ("CON" is also a headline word).
WINDOWS_DEVICE_NAME = re.compile(r"(?:con|prn|aux|nul|com[0-9]|lpt[0-9])", re.IGNORECASE)

# --------------------------------------------------------------------------- line model


class LineKind(Enum):
    PLAIN = "plain"
    BULLET = "bullet"
    SEPARATOR = "separator"
    SUMMARY = "summary"
    CREDIT = "credit"


@dataclass(slots=True)
class Line:
    """One non-blank line of the body, furniture already taken out."""

    number: int
    text: str  # the line as kept (bullet and detail marker still in)
    kind: LineKind = LineKind.PLAIN
    content: str = ""  # bullet text, cleaned summary, credit name, or the text itself
    before: str = ""  # credit lines: text glued before the credit
    after: str = ""  # credit lines: text glued after the credit


@dataclass(slots=True)
class _Item:
    title: str
    lines: list[int]
    title_lines: list[int]
    summary: str | None = None
    summary_line: int | None = None


@dataclass(slots=True)
class _Log:
    """What the rules drop and warn about, gathered as they run."""

    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def drop(self, line: int, text: str, reason: DropReason) -> None:
        self.dropped.append(Dropped(line, text, reason))

    def warn(self, kind: WarningKind, message: str, line: int | None = None) -> None:
        self.warnings.append(ParseWarning(message, line, kind))


# --------------------------------------------------------------------------- entry points


def parse_file(path: str | os.PathLike[str], source: str | None = None) -> Digest:
    """Parse the dump at ``path``; ``Digest.source`` is ``source``, else the path as given."""
    source = os.fspath(path) if source is None else source
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as err:
        raise DumpError(source, err.strerror or str(err)) from None
    return parse_bytes(data, source)


def parse_bytes(data: bytes, source: str = "<bytes>") -> Digest:
    """Parse a dump's bytes. Raises ``DumpError`` when they are not text."""
    if is_html_bytes(data, source):
        return parse_html_bytes(data, source)
    decoded = decode_bytes(data, source)
    warnings = []
    if decoded.detected:
        warnings.append(
            ParseWarning(
                f"not valid UTF-8: decoded as {decoded.encoding}", None, WarningKind.ENCODING
            )
        )
    return parse_text(decoded.text, source, decoded.encoding, warnings)


def is_html_bytes(data: bytes, source: str) -> bool:
    """Whether the bytes are a saved HTML page (``parse.html.looks_like_html`` on their
    start, decoded leniently: the sniff needs ASCII only)."""
    from .html import HTML_SNIFF_CHARS, looks_like_html

    head = data[: HTML_SNIFF_CHARS * 4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16: decoded first, then sniffed by parse_text
    return looks_like_html(head.decode("utf-8", "replace")[:HTML_SNIFF_CHARS], source)


def parse_html_bytes(data: bytes, source: str) -> Digest:
    """Decode a saved HTML page: UTF-8, else the charset its ``<meta>`` declares, else by
    detection (as a dump), then read it with ``parse.html.parse_html``. Bytes that are not
    text raise ``DumpError`` as for any dump."""
    from .html import declared_charset, parse_html

    warnings = []
    declared = declared_charset(data)
    decoded = decode_bytes(data, source)
    if decoded.detected and declared not in (None, "utf-8"):  # a false "utf-8" is ignored
        text = data.decode(declared, errors="replace")
        encoding = declared
    else:
        text, encoding = decoded.text, decoded.encoding
        if decoded.detected:
            warnings.append(
                ParseWarning(f"not valid UTF-8: decoded as {encoding}", None, WarningKind.ENCODING)
            )
    return parse_html(text, source, encoding, warnings)


def parse_text(
    text: str,
    source: str = "<text>",
    encoding: str = "utf-8",
    warnings: list[ParseWarning] | None = None,
) -> Digest:
    """Parse decoded text (rules 2 to 6); a saved HTML page goes to ``parse.html``."""
    from .html import looks_like_html, parse_html

    if looks_like_html(text, source):
        return parse_html(text, source, encoding, warnings)
    log = _Log(warnings=list(warnings or ()))
    numbered = read_lines(text, log)
    if not numbered:
        log.warn(WarningKind.EMPTY, "empty dump: no text")
    header, metadata_lines, body_start = read_metadata_header(numbered, log)
    reading = read_by_kind(numbered[body_start:], header, metadata_lines, log)
    lead, headlines = reading.lead, reading.headlines

    dated = date_of_dump(header.get("date"), source, numbered[body_start:], log)
    metadata = Metadata(
        title=header.get("title"),
        date=dated.value if dated else None,
        date_from=dated.origin.value if dated else None,
        source=header.get("source"),
        tags=tuple(header.get("tags", ())),
        modified=header.get("modified"),
        category=header.get("category"),
        slug=header.get("slug"),
        summary=header.get("summary"),
        lang=header.get("lang"),
        authors=tuple(header.get("authors", ())),
    )
    return Digest(
        source=source,
        encoding=encoding,
        metadata=metadata,
        metadata_lines=tuple(metadata_lines),
        lead=lead,
        headlines=headlines,
        dropped=tuple(sorted(log.dropped, key=lambda d: d.line)),
        warnings=tuple(log.warnings),
        slug=make_slug(metadata.slug, lead, source),
        kind=reading.kind,
        lang=reading.lang,
        confidence=reading.confidence,
        entries=reading.entries,
    )


@dataclass(slots=True)
class KindReading:
    """The body of one dump, read by the rules of its kind."""

    kind: InputKind
    lead: Lead | None
    headlines: tuple[Headline, ...]
    entries: tuple[Entry, ...] = ()
    lang: str | None = None
    confidence: float = 1.0


def read_by_kind(
    lines: list[tuple[int, str]], header: dict, metadata_lines: list[int], log: _Log
) -> KindReading:
    """Recognise the dump's kind (``kinds.classify_kind``) and read its body by that kind's
    rules; record the page's language (header ``Lang``, else detected) and how sure the
    reading is (``confidence.assess``), with one ``unsure`` warning when it is doubtful."""
    header_title = header.get("title")
    kind = classify_kind(lines, tables())
    extra: dict = {}
    if kind is InputKind.CMS:
        body = classify_lines(strip_furniture(lines, log))
        body = consume_repeated_title(body, header_title, metadata_lines)
        lead, section = split_lead(body, header_title, log)
        reading = KindReading(kind, lead, read_headline_items(section, log))
    else:
        lines = _consume_repeated_title_line(lines, header_title, metadata_lines)
        if kind is InputKind.LIVE:
            live = read_live(lines, header_title, tables())
            reading = KindReading(kind, live.lead, live.headlines, live.entries)
            dropped, extra["title_found"] = live.dropped, live.title_found
        else:
            page = read_page_text(lines, header_title, tables())
            reading = KindReading(kind, page.lead, page.headlines)
            dropped = page.dropped
            extra.update(
                title_found=page.title_found,
                body_words=page.body_words,
                runner_up_words=page.runner_up_words,
            )
            if page.lead is None and lines:
                log.warn(
                    WarningKind.NO_LEAD,
                    "no lead story: the page holds no article body, only a list of headlines",
                    lines[0][0],
                )
        for number, text, reason in dropped:
            log.drop(number, text, reason)
    reading.lang = header.get("lang") or tables().detect(_language_sample(reading, lines))
    assessment = assess(kind, reading.lead, tables(), **extra)
    reading.confidence = assessment.confidence
    if assessment.unsure:
        log.warn(WarningKind.UNSURE, assessment.message(), assessment.line())
    return reading


def _language_sample(reading: KindReading, lines: list[tuple[int, str]]):
    """The text a language is detected from: the article's, when one was found (a page's
    menus are short words in any language), else every line."""
    lead = reading.lead
    if lead is not None and lead.paragraphs:
        yield lead.title
        yield from (p.text for p in lead.paragraphs)
    else:
        yield from (text for _, text in lines)
    yield from (e.text for e in reading.entries)


def _consume_repeated_title_line(
    lines: list[tuple[int, str]], header_title: str | None, metadata_lines: list[int]
) -> list[tuple[int, str]]:
    """A header ``Title`` that the first body line repeats consumes it (as in CMS dumps)."""
    if header_title is not None and lines and _key(lines[0][1]) == _key(header_title):
        metadata_lines.append(lines[0][0])
        return lines[1:]
    return lines


# --------------------------------------------------------------------------- rule 1


def read_lines(text: str, log: _Log) -> list[tuple[int, str]]:
    """Number the lines from 1, normalise each, and keep the non-blank ones.

    Control characters are dropped with reason ``control``; a line that held nothing but
    invisible characters is dropped whole with that reason, so it is still accounted for.
    """
    out = []
    for number, raw in enumerate(split_lines(text), start=1):
        line, controls = normalise_line(raw)
        if controls:
            log.drop(number, controls, DropReason.CONTROL)
        if line:
            out.append((number, line))
        elif not controls and raw.strip():
            log.drop(number, raw.strip(), DropReason.CONTROL)
    return out


# --------------------------------------------------------------------------- rule 2.1


def read_metadata_header(lines: list[tuple[int, str]], log: _Log) -> tuple[dict, list[int], int]:
    """Read Pelican-style ``Key: value`` lines at the very top, known keys only.

    The header runs from the first line while each line is a known key, and ends at a blank
    line (or at the first line that is not a known key). Returns the values, the header's
    line numbers, and the index of the first body line in ``lines``.
    """
    values: dict = {}
    numbers: list[int] = []
    index = 0
    previous = None
    for index, (number, text) in enumerate(lines):  # noqa: B007
        match = HEADER_LINE.fullmatch(text)
        if not match or match["key"].lower() not in HEADER_KEYS:
            break
        if previous is not None and number != previous + 1:
            break  # a blank line ended the header
        key, value = match["key"].lower(), match["value"].strip()
        numbers.append(number)
        previous = number
        if key in ("tags", "authors"):
            values[key] = [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
        elif key in ("date", "modified"):
            parsed = date_from_header(value)
            if parsed is None:
                log.warn(
                    WarningKind.HEADER_DATE,
                    f"{match['key']}: '{value}' is not a valid date; ignored",
                    number,
                )
            else:
                values[key] = parsed
        elif value:
            values[key] = value
    else:
        index = len(lines)
    return values, numbers, index


# --------------------------------------------------------------------------- rule 5: date


def date_of_dump(
    header_date: str | None, source: str, body: list[tuple[int, str]], log: _Log
) -> DumpDate | None:
    """The dump's date (``dates.choose_date``: header, file name, folders, then a date line
    in the text, which is warned about with its line); a warning when there is none."""
    dated = choose_date(header_date, source, body)
    if dated is None:
        log.warn(WarningKind.NO_DATE, NO_DATE_MESSAGE)
    elif dated.origin is DateFrom.TEXT:
        log.warn(
            WarningKind.TEXT_DATE,
            f"date {dated.value} read from the text '{dated.text}' (no date in the header, "
            "the file name or the folders)",
            dated.line,
        )
    return dated


# --------------------------------------------------------------------------- rule 4


def strip_furniture(lines: list[tuple[int, str]], log: _Log) -> list[Line]:
    """Take page furniture out of every line, glued or alone (reason ``furniture``).

    A line left empty is dropped; so is an ``About`` line right after a furniture line.
    """
    out: list[Line] = []
    after_furniture = False
    languages = tables()
    heads, whole_line = languages.furniture_heads, languages.furniture_line
    for number, text in lines:
        if (
            after_furniture
            and text == ABOUT_LINE
            or text[:2] in heads
            and whole_line.fullmatch(text)
        ):
            log.drop(number, text, DropReason.FURNITURE)
            after_furniture = True
            continue
        after_furniture = False
        if _may_hold_furniture(text):
            kept = text
            for match in reversed(list(languages.furniture_glued.finditer(text))):
                log.drop(number, match.group(), DropReason.FURNITURE)
                kept = _cut(kept, match.start(), match.end())
            if not kept:
                after_furniture = True
                continue
            text = kept
        out.append(Line(number, text))
    return out


def _may_hold_furniture(text: str) -> bool:
    return tables().furniture_hints.search(text) is not None


def _cut(text: str, start: int, end: int) -> str:
    """Remove ``text[start:end]``, leaving one space where words met on both sides."""
    left, right = text[:start].rstrip(), text[end:].lstrip()
    if left and right and not right.startswith(("...", "…", "[")):
        return f"{left} {right}"
    return f"{left}{' ' if left and right else ''}{right}".strip()


# --------------------------------------------------------------------------- shapes


def classify_lines(lines: list[Line]) -> list[Line]:
    """Give each line its shape: separator, bullet, summary, credit or plain."""
    for line in lines:
        classify_line(line)
    return lines


def classify_line(line: Line) -> Line:
    text = line.text
    if SEPARATOR.fullmatch(text):
        line.kind = LineKind.SEPARATOR
        return line
    credit = find_credit(text)
    if credit is not None:
        line.kind = LineKind.CREDIT
        line.content, line.before, line.after = credit
        return line
    bullet = BULLET.fullmatch(text)
    body = (bullet["spaced"] or bullet["glued"]).strip() if bullet else text
    summary = clean_summary(body)
    if summary is not None:
        line.kind, line.content = LineKind.SUMMARY, summary
    elif bullet:
        line.kind, line.content = LineKind.BULLET, body
    else:
        line.kind, line.content = LineKind.PLAIN, text
    return line


def find_credit(text: str) -> tuple[str, str, str] | None:
    """``(name, text before, text after)`` when the line is an editor credit.

    The credit may be glued to the end of the lead's last paragraph or to the start of the
    first headline; a credit-like phrase inside a sentence is not a credit.
    """
    if ":" not in text and "：" not in text:
        return None  # every credit form has its colon: no pattern to try
    for match in tables().find_credit(text):
        before, after = text[: match.start()].strip(), text[match.end() :].strip()
        if not before or not after:
            return match["name"].strip(), before, after
    return None


def is_headline_shaped(text: str) -> bool:
    """Short, and not ending like a sentence (a single full stop, colon, comma)."""
    return len(text) <= HEADLINE_MAX_CHARS and not SENTENCE_END.search(text)


# --------------------------------------------------------------------------- rule 2.2-2.5


def consume_repeated_title(
    body: list[Line], header_title: str | None, metadata_lines: list[int]
) -> list[Line]:
    """A header ``Title`` that the next line repeats consumes that line.

    The line becomes part of the header (it is named in ``metadata_lines``); the lead's title
    is the header's, so ``title_line`` is null. Repeats are compared like duplicate titles.
    """
    if (
        header_title is not None
        and body
        and body[0].kind is LineKind.PLAIN
        and _key(body[0].text) == _key(header_title)
    ):
        metadata_lines.append(body[0].number)
        return body[1:]
    return body


def split_lead(
    body: list[Line], header_title: str | None, log: _Log
) -> tuple[Lead | None, list[Line]]:
    """Cut the body into the lead story and the headline section.

    The lead is the header's Title or else the first content line, its paragraphs, and the
    credit line that ends it. Without a credit line the lead ends where the headline list
    begins (``find_list_start``). A dump that starts with the list has no lead.
    """
    if header_title is not None:
        title, title_line, start = header_title, None, 0
    elif not body or body[0].kind in (LineKind.BULLET, LineKind.SEPARATOR, LineKind.SUMMARY):
        if body:
            log.warn(WarningKind.NO_LEAD, NO_LEAD_LIST, body[0].number)
        return None, body
    elif body[0].kind is LineKind.CREDIT:
        log.warn(
            WarningKind.NO_LEAD,
            "no lead story: the dump starts with the editor credit",
            body[0].number,
        )
        return None, _credit_as_item(body[0], log) + body[1:]
    else:
        title, title_line, start = body[0].text, body[0].number, 1

    credit_at = next((i for i in range(start, len(body)) if body[i].kind is LineKind.CREDIT), None)
    credit = None
    if credit_at is not None:
        end = credit_at
        line = body[credit_at]
        credit = Credit(line.content, line.number)
        section = body[credit_at + 1 :]
        if line.after:
            section = [classify_line(Line(line.number, line.after))] + section
        if not line.content:
            log.warn(WarningKind.CREDIT, "editor credit without a name", line.number)
    else:
        end = find_list_start(body, start)
        section = body[end:]
        if end == start and section and header_title is None:
            log.warn(WarningKind.NO_LEAD, NO_LEAD_LIST, body[0].number)
            return None, body
    paragraphs = [Paragraph(line.text, line.number) for line in body[start:end]]
    if credit_at is not None and body[credit_at].before:
        paragraphs.append(Paragraph(body[credit_at].before, body[credit_at].number))
    return Lead(title, title_line, tuple(paragraphs), credit), section


def _credit_as_item(line: Line, log: _Log) -> list[Line]:
    log.drop(line.number, line.text, DropReason.OTHER)
    if line.after:
        return [classify_line(Line(line.number, line.after))]
    return []


def find_list_start(body: list[Line], start: int) -> int:
    """Where the headline list begins when no credit line ends the lead.

    At the first bullet line, separator or summary line, or earlier, at the run of
    headline-shaped lines that leads into it. ``len(body)`` when there is no list.
    """
    for index in range(start, len(body)):
        if body[index].kind in (LineKind.BULLET, LineKind.SEPARATOR, LineKind.SUMMARY):
            while (
                index - 1 >= start
                and body[index - 1].kind is LineKind.PLAIN
                and is_headline_shaped(body[index - 1].text)
            ):
                index -= 1
            return index
    return len(body)


# --------------------------------------------------------------------------- rule 3


def read_headline_items(section: list[Line], log: _Log) -> tuple[Headline, ...]:
    """Turn the headline section into items, in page order.

    ``- TEXT`` and plain lines are items; ``-`` alone separates blocks; a summary line gives
    its summary to the title line just before it in the same block, or else is an item of
    its own.
    """
    items: list[_Item] = []
    open_item: _Item | None = None  # the item a summary line right after may belong to
    for line in section:
        kind = line.kind
        if kind is LineKind.SEPARATOR:
            log.drop(line.number, line.text, DropReason.SEPARATOR)
            open_item = None
        elif kind is LineKind.SUMMARY:
            if not line.content:  # only the marker was left
                if open_item is not None:
                    open_item.lines.append(line.number)
                else:
                    log.drop(line.number, line.text, DropReason.OTHER)
            elif open_item is not None and open_item.summary is None:
                open_item.summary, open_item.summary_line = line.content, line.number
                open_item.lines.append(line.number)
            else:
                items.append(_Item(line.content, [line.number], [line.number]))
            open_item = None
        elif kind is LineKind.CREDIT:
            log.drop(line.number, line.text, DropReason.OTHER)
            log.warn(
                WarningKind.CREDIT, "a second editor credit, inside the headline list", line.number
            )
            open_item = None
        else:
            open_item = _Item(line.content, [line.number], [line.number])
            items.append(open_item)
    for item in items:
        settle_summary(item)
    texts = {line.number: line.text for line in section}
    kept = drop_duplicate_items(items, texts, log)
    return tuple(
        Headline(item.title, item.summary, item_kind(item.title, item.summary), tuple(item.lines))
        for item in kept
    )


def clean_summary(text: str) -> str | None:
    """The summary's text without the detail marker, or None if ``text`` has no marker.

    ``...[in detail]`` and ``…[in detail]`` go with the spaces before them; the sentence keeps
    its own final stop (``a trial....[in detail]`` gives ``a trial.``).
    """
    if not text.endswith(("]", "］")):
        return None
    match = tables().detail_marker.search(text)
    if match is None:
        return None
    body = text[: match.start()].rstrip()
    for ellipsis in ELLIPSES:
        if body.endswith(ellipsis):
            body = body[: -len(ellipsis)]
            break
    return body.strip()


def settle_summary(item: _Item) -> None:
    """A summary equal to its title is dropped; a cut-off title is repaired from it."""
    if item.summary is None:
        return
    if _key(item.summary) == _key(item.title):
        item.summary = None
    elif repair_truncated_title(item.title, item.summary):
        item.title, item.summary = item.summary, None


def repair_truncated_title(title: str, summary: str) -> bool:
    """True when ``title`` is a cut-off start of ``summary``.

    ``Epstein: Deutsche Bank to pay $75m over sex`` is the start of ``Epstein: Deutsche Bank
    to pay $75m over sex-trafficking lawsuit``. A trailing ellipsis on the title is ignored.
    """
    cut = _spaces(title.rstrip(" .…")).casefold()
    full = _spaces(summary).casefold()
    return len(cut.split()) >= MIN_REPAIR_WORDS and len(cut) < len(full) and full.startswith(cut)


def drop_duplicate_items(items: list[_Item], texts: dict[int, str], log: _Log) -> list[_Item]:
    """Drop items whose title repeats an earlier one (reason ``duplicate``).

    Titles are compared without case, spacing or punctuation. A summary the repeat had is
    kept on the first item when that one had none.
    """
    first_by_key: dict[str, _Item] = {}
    kept: list[_Item] = []
    for item in items:
        key = _key(item.title)
        first = first_by_key.get(key)
        if first is None:
            first_by_key[key] = item
            kept.append(item)
            continue
        moved = None
        if item.summary is not None and first.summary is None:
            first.summary, first.summary_line = item.summary, item.summary_line
            first.lines.append(item.summary_line)
            settle_summary(first)
            moved = item.summary_line
        for number in item.lines:
            if number != moved:
                log.drop(number, texts.get(number, item.title), DropReason.DUPLICATE)
    return kept


def item_kind(title: str, summary: str | None) -> ItemKind:
    """Reference pages (``X country profile``, ``X media guide``, ``X profile``,
    ``X timeline``, ``An overview of the media in X, ...``) are ``reference``; the rest news.
    """
    for text in (title, summary or ""):
        if not text[-8:].lower().endswith(REFERENCE_ENDINGS) and text[:2].lower() != "an":
            continue
        if MEDIA_OVERVIEW.match(text):
            return ItemKind.REFERENCE
        if len(text) > REFERENCE_TITLE_MAX_CHARS:
            continue
        match = REFERENCE_TITLE.fullmatch(text)
        if match and _is_name(match["subject"]):
            return ItemKind.REFERENCE
    return ItemKind.NEWS


def _is_name(subject: str) -> bool:
    words = subject.split()
    if not words or len(words) > REFERENCE_SUBJECT_MAX_WORDS or not words[0][:1].isupper():
        return False
    return all(
        word[:1].isupper()
        or word[:1].isdigit()
        or word.lower() in NAME_PARTICLES
        or word[:2].lower() in ("d'", "d’", "l'", "l’")
        for word in words
    )


# --------------------------------------------------------------------------- rule 5


def make_slug(header_slug: str | None, lead: Lead | None, source: str) -> str:
    """The header's Slug, else one made from the lead title (else the file name)."""
    from slugify import slugify

    for text in (header_slug, lead.title if lead else None, PurePath(source).stem):
        if text:
            slug = slugify(text, max_length=SLUG_MAX_LENGTH, word_boundary=True)
            if slug:
                return f"{slug}-1" if WINDOWS_DEVICE_NAME.fullmatch(slug) else slug
    return "dump"


# --------------------------------------------------------------------------- helpers


def _key(text: str) -> str:
    """Compare titles without case, spacing or punctuation."""
    key = NON_ALNUM.sub("", text.casefold())
    return key or _spaces(text).casefold()


def _spaces(text: str) -> str:
    return " ".join(text.split())
