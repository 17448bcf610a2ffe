"""Which kind of text dump a file is, from its lines alone (not its name).

Rules, in order:

1. A CMS-style dump has what only that template prints: an editor credit, or a summary line
   ending in a "read more" marker (``...[in detail]``, ``...[mehr]``). It is read by the
   rules of the dump format, unchanged.
2. A live page has time-stamped entries (``live.is_live``).
3. A whole-page text dump shows the page around the article: furniture or section lines from
   the language tables ("Advertisement", "Most read", "Top stories"), or many menu-like short
   lines.
4. Anything else is read as a CMS-style dump.
"""

from __future__ import annotations

from .languages import LanguageTables
from .live import is_live
from .model import InputKind

# Lines from the furniture and section tables that make a page: one "Related Topics" line
# can close a CMS dump's lead; two such lines are the page around it.
PAGE_TABLE_LINES = 2
# A dump of at least this many lines of which this share are menu-like (at most
# MENU_MAX_WORDS words) is a page; a CMS headline list has titles of five words or more.
PAGE_MIN_LINES = 30
MENU_MAX_WORDS = 3
MENU_SHARE = 0.3
# Lines opening with these are bullets or separators of a CMS headline list, never menus.
CMS_LIST_MARKS = ("-", "–", "—", "•")


def has_cms_marks(lines: list[tuple[int, str]], langs: LanguageTables) -> bool:
    """Rule 2: an editor credit or a "read more" summary line anywhere."""
    for _, text in lines:
        if text.endswith(("]", "］")) and langs.detail_marker.search(text):
            return True
        if (":" in text or "：" in text) and any(True for _ in langs.find_credit(text)):
            return True
    return False


def looks_like_page(lines: list[tuple[int, str]], langs: LanguageTables) -> bool:
    """Rule 3."""
    table_lines = 0
    menu_lines = 0
    plain_lines = 0
    for index, (_, text) in enumerate(lines):
        if langs.is_section_word(text):
            if index == 0:
                return True  # "Top stories" heading the dump: a list of stories
            table_lines += 1
        elif langs.is_whole_line_furniture(text):
            table_lines += 1
        if text[:1] in CMS_LIST_MARKS:
            continue  # bullets and separators are the CMS list's own shapes
        plain_lines += 1
        if len(text.split()) <= MENU_MAX_WORDS:
            menu_lines += 1
    if table_lines >= PAGE_TABLE_LINES:
        return True
    return plain_lines >= PAGE_MIN_LINES and menu_lines >= MENU_SHARE * plain_lines


def classify_kind(lines: list[tuple[int, str]], langs: LanguageTables) -> InputKind:
    """The kind of a dump's body lines (after the metadata header)."""
    if has_cms_marks(lines, langs):
        return InputKind.CMS
    if is_live(lines):
        return InputKind.LIVE
    if looks_like_page(lines, langs):
        return InputKind.PAGE_TEXT
    return InputKind.CMS
