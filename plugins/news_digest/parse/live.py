"""Read a live page: a title, perhaps a summary, then time-stamped entries.

A live page's dump shows each entry as a time stamp ("10:32 GMT", "10:32", "10.32 Uhr",
"10h32") on a line of its own or glued before the entry's first words, then the entry's
lines, with share furniture ("Copy link", "Share") between entries. Rules:

1. ``find_stamp``: a line that is a time stamp, alone or with the entry's text glued after it
   (then the stamp needs a zone or "Uhr", so that "10.50 euros" in prose is not a stamp).
2. ``is_live``: a dump with at least ``LIVE_MIN_STAMPS`` stamp lines is a live page.
3. ``read_entries``: each stamp opens an entry that takes the lines up to the next stamp,
   furniture and section lines left out; a section word ("Most read") ends the last one.
4. The page's title, summary and other stories are read as for a whole-page text dump, from
   the lines before the first stamp and after the last entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .languages import LanguageTables
from .model import DropReason, Entry, Headline, Lead, Paragraph
from .pagetext import Shape, describe_lines, find_page_headlines, find_title

# Three stamps make a live page: one or two times in a story are quotes or schedules.
LIVE_MIN_STAMPS = 3
# Of the steps from one stamp to the next, this share must go the same way (a live page is
# newest first or oldest first; a turn past midnight is one step the other way).
LIVE_ORDERED_SHARE = 0.8
_TIME = r"(?:[01]?\d|2[0-3])[:.h][0-5]\d(?:\s*[AaPp]\.?[Mm]\.?)?"
_ZONE = (
    r"(?:GMT|BST|UTC|CET|CEST|EET|EEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|MEZ|MESZ|Uhr"
    r"|JST|IST|AEST|AEDT)"
)
STAMP_ALONE = re.compile(rf"(?P<time>{_TIME}(?:\s*{_ZONE})?)")
STAMP_GLUED = re.compile(rf"(?P<time>{_TIME}\s*{_ZONE})(?P<rest>\S.*)")
# "Posted at 10:32", "Updated 10:32 GMT": a word or two of furniture before the stamp.
STAMP_PREFIX = re.compile(r"(?:(?:Posted|Updated|Published)(?:\s+at)?\s+)")


@dataclass(slots=True)
class LiveReading:
    lead: Lead | None
    entries: tuple[Entry, ...]
    headlines: tuple[Headline, ...]
    dropped: list[tuple[int, str, DropReason]] = field(default_factory=list)
    title_found: bool = False


def find_stamp(text: str) -> tuple[str, str] | None:
    """``(time, text after it)`` when the line opens a live entry, else None."""
    prefix = STAMP_PREFIX.match(text)
    body = text[prefix.end() :] if prefix else text
    if not body[:1].isdigit():
        return None
    match = STAMP_ALONE.fullmatch(body)
    if match:
        return match["time"], ""
    match = STAMP_GLUED.fullmatch(body)
    if match:
        return match["time"].strip(), match["rest"].strip()
    return None


def is_live(lines: list[tuple[int, str]]) -> bool:
    """Rule 2: enough stamps, in the order of a live page (newest first, or oldest first).

    Video durations and schedules ("23:05", "08:51", "10:48") are times in no order."""
    minutes = []
    for _, text in lines:
        if text[:1].isdigit() or text[:1] in "PU":
            stamp = find_stamp(text)
            if stamp is not None:
                minutes.append(_minutes(stamp[0]))
    if len(minutes) < LIVE_MIN_STAMPS:
        return False
    pairs = list(zip(minutes, minutes[1:], strict=False))
    down = sum(1 for a, b in pairs if b <= a)
    up = sum(1 for a, b in pairs if b >= a)
    return max(down, up) >= LIVE_ORDERED_SHARE * len(pairs)


def _minutes(time: str) -> int:
    hours, minutes = re.match(r"(\d+)[:.h](\d+)", time).groups()
    value = int(hours) * 60 + int(minutes)
    if re.search(r"[Pp]\.?[Mm]", time) and int(hours) < 12:
        value += 12 * 60
    return value


def read_live(
    lines: list[tuple[int, str]], header_title: str | None, langs: LanguageTables
) -> LiveReading:
    """Read a live page into its lead (title and summary), entries and other stories."""
    from .parser import _key

    described = describe_lines(lines, langs)
    stamps = [i for i, line in enumerate(described) if find_stamp(line.text) is not None]
    first_stamp = stamps[0]
    entries: list[Entry] = []
    used: set[int] = set()
    for position, index in enumerate(stamps):
        time, rest = find_stamp(described[index].text)
        stop = stamps[position + 1] if position + 1 < len(stamps) else len(described)
        texts = [rest] if rest else []
        used.add(described[index].number)
        for line in described[index + 1 : stop]:
            if line.shape is Shape.SECTION:
                break  # "Most read" after the last entry: the page's other stories
            if line.shape is Shape.FURNITURE:
                continue
            texts.append(line.text)
            used.add(line.number)
        entries.append(Entry(time, "\n".join(texts), described[index].number))

    title_index = find_title(described, first_stamp, langs)
    summary_from = title_index + 1 if title_index is not None else 0
    summary = [line for line in described[summary_from:first_stamp] if line.shape is Shape.PROSE]
    if header_title is not None:
        title, title_line = header_title, None
    elif title_index is not None:
        title, title_line = described[title_index].text, described[title_index].number
    elif summary:
        title, title_line = summary[0].text, summary[0].number
        summary = summary[1:]
    else:
        title, title_line = entries[0].text.split("\n")[0] or entries[0].time, None
    lead = Lead(title, title_line, tuple(Paragraph(s.text, s.number) for s in summary), None)
    taken = set(used) | {line.number for line in described[summary_from:first_stamp]}
    if title_line is not None:
        taken.add(title_line)
    headlines, in_items = find_page_headlines(described, taken, _key(title))
    in_lead = {p.line for p in lead.paragraphs} | ({title_line} if title_line else set())
    dropped = [
        (
            line.number,
            line.text,
            DropReason.FURNITURE if line.shape is Shape.FURNITURE else DropReason.OTHER,
        )
        for line in described
        if line.number not in in_lead and line.number not in used and line.number not in in_items
    ]
    return LiveReading(
        lead, tuple(entries), tuple(headlines), dropped, title_found=title_index is not None
    )
