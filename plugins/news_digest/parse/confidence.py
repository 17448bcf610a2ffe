"""How sure a reading is, and why not: ``Digest.confidence`` and the ``unsure`` warning.

Each check below looks at the result, not at how it was reached, and names one reason a
reading is probably wrong. Each reason lowers the confidence by its weight; any reason makes
one warning (``WarningKind.UNSURE``) naming the line it is about and every reason found, so
that a doubtful reading is never silent: it shows in the build log, the parse report and
``news-digest check``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .languages import LanguageTables
from .model import InputKind, Lead

# A CMS dump's lead without a credit is doubtful when it has at least this many paragraphs
# and at least this share of them are short lines (a menu or a headline list read as prose).
MANY_PARAGRAPHS = 6
SHORT_PARAGRAPH_WORDS = 4
SHORT_SHARE = 0.5
# Menu-like lines kept in the lead (furniture or section words): this many is a sign.
MENU_LINES_MIN = 2
# No furniture or section entry of the tables is longer than this: longer lines are skipped.
MENU_LINE_MAX_CHARS = 60
# A page's article body with fewer prose words than this is probably a fragment.
SHORT_BODY_WORDS = 80
# A second block of prose outside the body this close in size makes the choice a guess.
RUNNER_UP_SHARE = 0.8

# What each reason takes off the confidence (1.0 = sure).
WEIGHTS = {
    "short-lines": 0.5,
    "menu-lines": 0.4,
    "section-title": 0.5,
    "no-title": 0.3,
    "short-body": 0.3,
    "two-bodies": 0.3,
}
# Below this, the reading is unsure even when no single reason is strong.
UNSURE_BELOW = 0.75


@dataclass(frozen=True, slots=True)
class Doubt:
    key: str
    message: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Assessment:
    confidence: float
    doubts: tuple[Doubt, ...]

    @property
    def unsure(self) -> bool:
        return bool(self.doubts) and self.confidence < UNSURE_BELOW

    def message(self) -> str:
        return "unsure reading: " + "; ".join(d.message for d in self.doubts)

    def line(self) -> int | None:
        return next((d.line for d in self.doubts if d.line is not None), None)


def _words(text: str) -> int:
    return len(text.split())


def check_short_lines(lead: Lead | None, kind: InputKind) -> Doubt | None:
    """No credit, and a lead of many short lines: a menu or list read as the article."""
    if lead is None or lead.credit is not None or kind is not InputKind.CMS:
        return None
    paragraphs = lead.paragraphs
    if len(paragraphs) < MANY_PARAGRAPHS:
        return None
    short = [p for p in paragraphs if _words(p.text) <= SHORT_PARAGRAPH_WORDS]
    if len(short) < SHORT_SHARE * len(paragraphs):
        return None
    return Doubt(
        "short-lines",
        f"no editor credit, and {len(short)} of the lead's {len(paragraphs)} paragraphs "
        "are short lines (a menu or a headline list read as the article?)",
        short[0].line,
    )


def check_menu_lines(lead: Lead | None, langs: LanguageTables) -> Doubt | None:
    """Furniture or section words kept as paragraphs."""
    if lead is None:
        return None
    menu = [
        p
        for p in lead.paragraphs
        if len(p.text) <= MENU_LINE_MAX_CHARS
        and (langs.is_whole_line_furniture(p.text) or langs.is_section_word(p.text))
    ]
    if len(menu) < MENU_LINES_MIN:
        return None
    shown = ", ".join(f"'{p.text}'" for p in menu[:3])
    return Doubt("menu-lines", f"menu-like lines kept in the lead: {shown}", menu[0].line)


def check_section_title(lead: Lead | None, langs: LanguageTables) -> Doubt | None:
    """A lead titled "Top stories" or "Most read" is a list, not an article."""
    if lead is None or not langs.is_section_word(lead.title):
        return None
    return Doubt(
        "section-title", f"the lead's title '{lead.title}' is a section name", lead.title_line
    )


def assess(
    kind: InputKind,
    lead: Lead | None,
    langs: LanguageTables,
    *,
    title_found: bool = True,
    body_words: float | None = None,
    runner_up_words: float = 0.0,
) -> Assessment:
    """Every doubt about one reading, and the confidence left."""
    doubts = [
        check_short_lines(lead, kind),
        check_menu_lines(lead, langs),
        check_section_title(lead, langs),
    ]
    if kind is not InputKind.CMS and lead is not None:
        first = lead.paragraphs[0].line if lead.paragraphs else lead.title_line
        if not title_found:
            doubts.append(Doubt("no-title", "no title line found before the article", first))
        if body_words is not None and body_words < SHORT_BODY_WORDS and kind is InputKind.PAGE_TEXT:
            doubts.append(
                Doubt("short-body", f"the article body is short ({int(body_words)} words)", first)
            )
        if body_words and runner_up_words >= RUNNER_UP_SHARE * body_words:
            doubts.append(
                Doubt(
                    "two-bodies",
                    "another block of prose on the page is about as long as the one read "
                    "as the article",
                    first,
                )
            )
    found = tuple(d for d in doubts if d is not None)
    confidence = 1.0
    for doubt in found:
        confidence -= WEIGHTS[doubt.key]
    return Assessment(max(0.0, round(confidence, 3)), found)
