"""Read a whole-page text dump: all visible text of a page, one block a line.

Such a dump holds the article among menus, teasers, share buttons, cookie notes, comments and
footers. The reader works on the shape of the lines alone, rule by rule:

1. ``describe_lines``: each line's word count, and whether it is furniture from the language
   tables ("Advertisement", "Copy link", a cookie note), a section word ("Most read"), or
   prose (long, or a full sentence).
2. ``find_body``: the article body is the one stretch of the page that is mostly prose: the
   contiguous run of lines with the largest score, where a prose line scores its words and
   every other line costs a penalty (a maximum-sum run, as in boilerpipe-style readers).
3. ``trim_body``: furniture and section lines inside the run are dropped; short lines between
   prose lines stay (sub-headings).
4. ``find_title``: the title is the headline-shaped line closest before the body, preferring
   one that the page repeats (its breadcrumb or window title).
5. ``find_page_headlines``: the page's own lists of other stories (teasers, "Related",
   "Most read") are the headline-shaped lines outside the title and body.

Every line ends in the lead, a headline or ``dropped``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from .languages import CJK, LanguageTables
from .model import DropReason, Headline, ItemKind, Lead, Paragraph

# --- line shapes
# A line of at least this many words is prose wherever it ends: article paragraphs run to
# 20-60 words, menu entries and teaser titles rarely pass a dozen.
PROSE_MIN_WORDS = 14
# A shorter line is prose when it is a sentence (ends in . ! ? or a closing quote after one)
# of at least this many words: short paragraphs and one-sentence quotes.
SENTENCE_MIN_WORDS = 7
SENTENCE_END = re.compile(r"[.!?。！？][\"'”’»)\]]*$")
# A CJK character counts as this many words (Chinese words are one to two characters).
CJK_WORDS_PER_CHAR = 0.6

# --- the body run (rule 2): what a non-prose line costs inside it
SHORT_LINE_PENALTY = 4  # a short line: a sub-heading costs little, a long menu a lot
FURNITURE_PENALTY = 10  # "Advertisement", "Share", a cookie note: seldom inside the body
SECTION_PENALTY = 30  # "Most read", "Related": a list of other stories starts here
# Non-prose lines costing more than this in a row end the body: some eight short lines, three
# furniture lines, or a section word and a line or two more.
GAP_BREAK = 32
# The first block with at least this share of the best block's score is the article.
FIRST_BLOCK_SHARE = 0.5
# A page whose best run holds fewer prose words than this has no article: it is a list.
MIN_BODY_WORDS = 40

# --- title (rule 4)
TITLE_LOOKBACK = 25  # lines before the body searched for the title
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 30
# A repeated line is preferred as the title only with this many words: a menu entry
# ("Latin America") repeats too.
TITLE_REPEAT_MIN_WORDS = 4

# --- other stories (rule 5)
HEADLINE_MIN_WORDS = 4  # "Home", "World news" are menus; a story title has a few words more
HEADLINE_MAX_WORDS = 25
SUMMARY_MAX_WORDS = 60

DATE_LIKE = re.compile(
    r"(?:\d{1,2}[./ -]){1,2}\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}",
)
COOKIE_NOTE_CONTEXT = re.compile(
    r"website|web site|site|browser|browsing|consent|experience|navigat|privacy|"
    r"Webseite|Website|Seite|Browser|Einwilligung|Datenschutz|"
    r"navigateur|consentement|navegador|consentimiento|navigazione|consenso|"
    r"navegação|consentimento|toestemming|zgod|przeglądar|网站|網站|浏览",
    re.IGNORECASE,
)
COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|copyright", re.IGNORECASE)


class Shape(Enum):
    PROSE = "prose"
    SHORT = "short"
    FURNITURE = "furniture"
    SECTION = "section"


@dataclass(slots=True)
class PageLine:
    number: int
    text: str
    words: float
    shape: Shape
    sentence: bool


@dataclass(slots=True)
class PageReading:
    """What the page-text reader found; the parser turns it into the Digest."""

    lead: Lead | None
    headlines: tuple[Headline, ...]
    dropped: list[tuple[int, str, DropReason]] = field(default_factory=list)
    body_words: float = 0.0
    title_found: bool = False
    runner_up_words: float = 0.0  # the prose words of the best run outside the body


def count_words(text: str) -> float:
    """Words in ``text``; CJK characters count as a fraction of a word each."""
    cjk = len(CJK.findall(text)) if not text.isascii() else 0
    if cjk:
        return len(CJK.sub(" ", text).split()) + cjk * CJK_WORDS_PER_CHAR
    return len(text.split())


def describe_lines(lines: list[tuple[int, str]], langs: LanguageTables) -> list[PageLine]:
    """Rule 1: the shape of each line."""
    out = []
    for number, text in lines:
        words = count_words(text)
        sentence = bool(SENTENCE_END.search(text))
        if langs.is_section_word(text):
            shape = Shape.SECTION
        elif (
            langs.is_whole_line_furniture(text)
            or langs.furniture_line.fullmatch(text)
            or (langs.cookie.search(text) and COOKIE_NOTE_CONTEXT.search(text))
            or COPYRIGHT.search(text)
        ):
            shape = Shape.FURNITURE
        elif words >= PROSE_MIN_WORDS or (sentence and words >= SENTENCE_MIN_WORDS):
            shape = Shape.PROSE
        else:
            shape = Shape.SHORT
        out.append(PageLine(number, text, words, shape, sentence))
    join_wrapped_prose(out)
    return out


def join_wrapped_prose(lines: list[PageLine]) -> None:
    """Hard-wrapped text: a run of lines each cut mid-sentence (no end mark, the next line
    going on in lower case) is one paragraph; when the run holds prose's words, each of its
    lines is prose."""
    index = 0
    while index < len(lines):
        end = index
        while end + 1 < len(lines) and _continues(lines[end], lines[end + 1]):
            end += 1
        if end > index:
            run = lines[index : end + 1]
            if sum(line.words for line in run) >= PROSE_MIN_WORDS:
                for line in run:
                    if line.shape is Shape.SHORT:
                        line.shape = Shape.PROSE
        index = end + 1


def _continues(line: PageLine, following: PageLine) -> bool:
    return (
        line.shape in (Shape.SHORT, Shape.PROSE)
        and not line.sentence
        and not line.text.endswith(":")
        and following.shape in (Shape.SHORT, Shape.PROSE)
        and following.text[:1].islower()
    )


def line_score(line: PageLine) -> float:
    if line.shape is Shape.PROSE:
        return line.words
    if line.shape is Shape.SECTION:
        return -SECTION_PENALTY
    if line.shape is Shape.FURNITURE:
        return -FURNITURE_PENALTY
    return -SHORT_LINE_PENALTY


def prose_blocks(lines: list[PageLine]) -> list[tuple[int, int, float]]:
    """Every block of the page: ``(first, last, score)`` of each maximum-sum run, where a
    gap of non-prose lines costing more than ``GAP_BREAK`` ends a block however long the
    text before it (comments and teasers far below the article are blocks of their own)."""
    blocks = []
    best = None
    total, first, gap = 0.0, 0, 0.0
    for index, line in enumerate(lines):
        score = line_score(line)
        if score > 0:
            if total <= 0 or gap > GAP_BREAK:
                if best is not None:
                    blocks.append(best)
                best, total, first = None, 0.0, index
            gap = 0.0
        else:
            gap -= score
        total += score
        if total > 0 and (best is None or total > best[2]):
            best = (first, index, total)
    if best is not None:
        blocks.append(best)
    return blocks


def find_body(lines: list[PageLine]) -> tuple[int, int, float, float] | None:
    """Rule 2: ``(first, last, prose words, runner-up words)`` of the article body, or None
    for a page that is a list.

    The body is the first block scoring at least ``FIRST_BLOCK_SHARE`` of the best one: the
    article comes before its comments and the teasers below it, which can hold more text."""
    blocks = prose_blocks(lines)
    if not blocks:
        return None
    top = max(score for _, _, score in blocks)
    first, last, _ = next(block for block in blocks if block[2] >= FIRST_BLOCK_SHARE * top)
    words = _prose_words(lines, first, last)
    if words < MIN_BODY_WORDS:
        return None
    others = [_prose_words(lines, a, b) for a, b, _ in blocks if a != first]
    return first, last, words, max(others, default=0.0)


def trim_body(lines: list[PageLine], first: int, last: int) -> list[PageLine]:
    """Rule 3: drop furniture and section lines inside the body; keep the rest in order."""
    return [
        line
        for line in lines[first : last + 1]
        if line.shape is Shape.PROSE or line.shape is Shape.SHORT
    ]


def _title_shaped(line: PageLine, langs: LanguageTables) -> bool:
    if line.shape is not Shape.SHORT and not (
        line.shape is Shape.PROSE and not line.sentence and line.words <= TITLE_MAX_WORDS
    ):
        return False
    text = line.text
    return (
        TITLE_MIN_WORDS <= line.words <= TITLE_MAX_WORDS
        and not text.endswith((".", ",", ":", ";"))
        and not langs.byline.match(text)
        and not DATE_LIKE.fullmatch(text)
        and not any(ch.isdigit() for ch in text[:1])
    )


def find_title(lines: list[PageLine], first: int, langs: LanguageTables) -> int | None:
    """Rule 4: the index of the title line before ``first``, or None.

    Among headline-shaped lines within ``TITLE_LOOKBACK`` lines before the body, the one the
    page repeats (inside another line: breadcrumb, window title) wins; else the closest of
    ``TITLE_REPEAT_MIN_WORDS`` words or more ("Transport correspondent" is a byline); else
    the closest.
    """
    low = max(0, first - TITLE_LOOKBACK)
    candidates = [i for i in range(first - 1, low - 1, -1) if _title_shaped(lines[i], langs)]
    if not candidates:
        return None
    others = [line.text.casefold() for line in lines]
    for index in candidates:
        if lines[index].words < TITLE_REPEAT_MIN_WORDS:
            continue
        key = lines[index].text.casefold()
        if any(key in other for j, other in enumerate(others) if j != index):
            return index
    full = [i for i in candidates if lines[i].words >= TITLE_REPEAT_MIN_WORDS]
    return full[0] if full else candidates[0]


def _headline_shaped(line: PageLine) -> bool:
    return (
        line.shape is not Shape.FURNITURE
        and line.shape is not Shape.SECTION
        and HEADLINE_MIN_WORDS <= line.words <= HEADLINE_MAX_WORDS
        and not (line.sentence and line.text.endswith("."))
        and not line.text.endswith((",", ":", ";"))
        and not DATE_LIKE.search(line.text[:12])
    )


def find_page_headlines(
    lines: list[PageLine], taken: set[int], title_key: str | None
) -> tuple[list[Headline], set[int]]:
    """Rule 5: headline-shaped lines outside the lead become items, with a teaser sentence
    right after one as its summary. Repeats are left out (the caller drops them)."""
    from .parser import _key

    items: list[Headline] = []
    used: set[int] = set()
    seen = {title_key} if title_key else set()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.number in taken or not _headline_shaped(line):
            index += 1
            continue
        key = _key(line.text)
        if key in seen:
            index += 1
            continue
        seen.add(key)
        summary, numbers = None, [line.number]
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            following is not None
            and following.number not in taken
            and following.sentence
            and following.shape is Shape.PROSE
            and following.words <= SUMMARY_MAX_WORDS
        ):
            summary = following.text
            numbers.append(following.number)
            index += 1
        items.append(Headline(line.text, summary, ItemKind.NEWS, tuple(numbers)))
        used.update(numbers)
        index += 1
    return items, used


def read_page_text(
    lines: list[tuple[int, str]], header_title: str | None, langs: LanguageTables
) -> PageReading:
    """Read a whole-page text dump into its lead and its other stories."""
    from .parser import _key

    described = describe_lines(lines, langs)
    body = find_body(described)
    taken: set[int] = set()
    lead = None
    reading = PageReading(None, ())
    if body is not None:
        first, last, words, runner_up = body
        reading.body_words, reading.runner_up_words = words, runner_up
        kept = trim_body(described, first, last)
        title_index = find_title(described, first, langs)
        if header_title is not None:
            title, title_line = header_title, None
        elif title_index is not None:
            title, title_line = described[title_index].text, described[title_index].number
            taken.add(title_line)
        else:
            title, title_line = kept[0].text, kept[0].number
            kept = kept[1:]
            taken.add(title_line)
        reading.title_found = header_title is not None or title_index is not None
        paragraphs = tuple(Paragraph(line.text, line.number) for line in kept)
        lead = Lead(title, title_line, paragraphs, None)
        taken.update(line.number for line in described[first : last + 1])
        if title_index is not None:
            # standfirst, byline and date between the title and the body are not headlines
            taken.update(line.number for line in described[title_index:first])
    reading.lead = lead
    title_key = _key(lead.title) if lead is not None else None
    headlines, used = find_page_headlines(described, taken, title_key)
    reading.headlines = tuple(headlines)
    in_lead = set()
    if lead is not None:
        in_lead = {p.line for p in lead.paragraphs}
        if lead.title_line is not None:
            in_lead.add(lead.title_line)
    for line in described:
        if line.number in in_lead or line.number in used:
            continue
        reason = DropReason.FURNITURE if line.shape is Shape.FURNITURE else DropReason.OTHER
        reading.dropped.append((line.number, line.text, reason))
    return reading


def _prose_words(lines: list[PageLine], first: int, last: int) -> float:
    return sum(line.words for line in lines[first : last + 1] if line.shape is Shape.PROSE)
