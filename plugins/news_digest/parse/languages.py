"""Per-language words of news pages, read from the data tables in ``languages/*.json``.

Each table names, for one language: common words (to detect the page's language), the forms
of the editor credit, the "read more" markers that end a summary, the words of "Published 2
minutes ago" and "Share", whole-line furniture ("Advertisement", "Copy link"), section words
that head lists of other stories ("Most read", "Top stories"), cookie words and byline words.
Adding a language is adding a table; no code changes.

The reader matches the union of all tables (pages mix languages: an English menu on a German
page), and records the page's language separately (:func:`LanguageTables.detect`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["LanguageTables", "tables"]

# Spaces, hyphens or underscores between the words of a credit label, or none at all
# ("editor-in-charge", "editor in charge", "EDITOR_IN_CHARGE", "editorincharge").
_LABEL_GAP = r"[\s\-_－‐]*"
# A CJK character: Chinese text has no spaces, so its words are counted from its characters.
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Detection reads at most this many characters of a page: enough words for a clear count,
# cheap on a page of any size.
DETECT_MAX_CHARS = 300
# A language is detected only with at least this many hits of its common words, and with
# this margin over the runner-up: fewer is a guess, and a guess is recorded as null.
DETECT_MIN_HITS = 5
DETECT_MIN_MARGIN = 1.3
# ... and only when its common words are at least this share of the sample's words: in text
# of a table's language they are a third or more; 4-5 % is chance (Indonesian "dan", "di").
DETECT_MIN_SHARE = 0.12
# Text the tables cannot name goes to the library only with this many letters.
LIBRARY_MIN_LETTERS = 40
# Text whose share of CJK characters among its letters reaches this is Chinese.
CJK_MIN_SHARE = 0.3
# Marks around a furniture or section line that do not change what it is.
FOLD_MARKS = " :：.…»«›‹>|•·-–—→←▶►"
# Punctuation turned into spaces before words are looked up ("l'eau" gives "l" and "eau").
WORD_EDGES = str.maketrans(dict.fromkeys(".,;:!?\"'()[]«»“”‘’„–—…", " "))


@dataclass(frozen=True, slots=True)
class Table:
    """One language's table, as in its JSON file."""

    code: str
    name: str
    stopwords: frozenset[str]
    credit_labels: tuple[str, ...]
    read_more: tuple[str, ...]
    published: tuple[str, ...]
    ago: tuple[str, ...]
    numbers: tuple[str, ...]
    units: tuple[str, ...]
    just_now: tuple[str, ...]
    share: tuple[str, ...]
    furniture_glued: tuple[str, ...]
    furniture_lines: tuple[str, ...]
    section_words: tuple[str, ...]
    cookie_words: tuple[str, ...]
    byline_words: tuple[str, ...]


def _alternation(words, *, flexible_spaces: bool = True) -> str:
    """A non-capturing group matching any of ``words``, longest first (so that "Minuten"
    wins over "Minute" and nothing is left glued behind)."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word)
        if flexible_spaces:
            escaped = escaped.replace(r"\ ", r"\s*")
        parts.append(escaped)
    return "(?:" + "|".join(parts) + ")"


def _fold(text: str) -> str:
    """Whole-line table entries are compared without case, spacing, or marks around them
    ("You may also like...", "Most read:", "» Related", "Related ›")."""
    return " ".join(text.casefold().split()).strip(FOLD_MARKS)


class LanguageTables:
    """All tables, and the patterns made from their union."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        every = list(tables.values())

        def union(attribute: str) -> list[str]:
            return [word for table in every for word in getattr(table, attribute)]

        labels = sorted(set(union("credit_labels")), key=len, reverse=True)
        label_group = (
            "(?:" + "|".join(_LABEL_GAP.join(map(re.escape, lab.split())) for lab in labels) + ")"
        )
        self.credit = re.compile(
            r"[(（]\s*" + label_group + r"\s*[:：](?P<name>[^()（）]*)[)）]", re.IGNORECASE
        )
        # Chinese pages print the credit without brackets too: "责任编辑：张三", a line alone.
        cjk_labels = [lab for lab in labels if CJK.search(lab)]
        self.bare_credit = re.compile(
            _alternation(cjk_labels) + r"\s*[:：]\s*(?P<name>[^\s()（）:：][^()（）:：]{0,39})"
        )
        self.detail_marker = re.compile(
            r"[\[［]\s*" + _alternation(union("read_more")) + r"\s*[\]］]$", re.IGNORECASE
        )

        number = r"(?:\d+|" + _alternation(union("numbers"))[3:]
        unit = _alternation(union("units"))
        ages = []
        for template in sorted(set(union("ago")), key=len, reverse=True):
            pieces = re.split(r"(\{n\}|\{unit\})", template)
            regex = ""
            for piece in pieces:
                if piece == "{n}":
                    regex += number
                elif piece == "{unit}":
                    regex += unit
                else:
                    regex += re.escape(piece).replace(r"\ ", r"\s*")
            ages.append(regex.replace(r"\s*\s*", r"\s*"))
        # "2 minutes" / "2minutes": a template's spaces are optional, as scraping glues words.
        age = "(?:" + "|".join(ages) + ")"
        months = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
        published = (
            _alternation(union("published"))
            + rf"\s*(?:{age}|{_alternation(union('just_now'))}|\d{{1,2}}\s*{months}(?:\s*\d{{4}})?)"
        )
        shares = union("share")
        multi_share = [word for word in shares if " " in word]
        single_share = [word for word in shares if " " not in word]
        share = _alternation(shares) + r"(?![a-zà-ÿ])"
        about = r"About(?=\s*(?:$|\.\.\.|…|\[)|[A-Z])"
        captions = [
            word.rstrip(",，") for word in union("furniture_glued") if word.endswith((",", "，"))
        ]
        topics = [word for word in union("furniture_glued") if not word.endswith((",", "，"))]
        self.furniture_glued = re.compile(
            rf"{published}(?:\s*{share})?(?:\s*{about})?"
            rf"|{_alternation(captions)}\s*[,，].*$"
            rf"|{_alternation(multi_share)}(?:\s*{about})?\s*$"
            rf"|(?<=[a-zà-ÿß.?!'\"’”)]){_alternation(single_share)}(?:About)?$"
            rf"|{_alternation(topics)}"
        )
        self.furniture_line = re.compile(
            rf"(?:{published}|{share}|{_alternation(topics)})(?:\s*(?:{published}|{share}|About))*"
        )
        # Literal words that any glued furniture starts with: a cheap test before the patterns.
        hints = {word.split()[0] for word in union("published") + shares}
        hints |= {word.split()[0] for word in captions + topics}
        self.furniture_hints = re.compile("|".join(map(re.escape, sorted(hints))))
        # The first two characters of every word a furniture line can start with: a set
        # lookup per line before the pattern.
        self.furniture_heads = frozenset(word[:2] for word in hints)
        # One pass over the sample's words finds every language's common words in it.
        stopword_index: dict[str, list[str]] = {}
        for code, table in tables.items():
            for word in table.stopwords:
                stopword_index.setdefault(word, []).append(code)
        self.stopword_index = {word: tuple(codes) for word, codes in stopword_index.items()}
        self.whole_line_furniture = frozenset(_fold(word) for word in union("furniture_lines"))
        self.section_words = frozenset(_fold(word) for word in union("section_words"))
        self.cookie = re.compile(r"\b" + _alternation(union("cookie_words")) + r"\b", re.IGNORECASE)
        self.byline = re.compile(
            r"(?:" + _alternation(union("byline_words")) + r")(?:\s|$)", re.IGNORECASE
        )

    # ------------------------------------------------------------------ line tests

    def is_whole_line_furniture(self, text: str) -> bool:
        """ "Advertisement", "Copy link", "Anzeige": a line that is furniture in any table."""
        return _fold(text) in self.whole_line_furniture

    def is_section_word(self, text: str) -> bool:
        """ "Most read", "Top stories", "Meistgelesen": a line that heads a list of stories."""
        return _fold(text) in self.section_words

    def find_credit(self, text: str):
        """The credit match in ``text`` (bracketed, or a bare Chinese credit line), or None."""
        if ":" not in text and "：" not in text:
            return  # every credit form has its colon
        if "(" in text or "（" in text:
            for match in self.credit.finditer(text):
                yield match
        match = self.bare_credit.fullmatch(text)
        if match is not None:
            yield match

    # ------------------------------------------------------------------ detection

    def detect(self, texts) -> str | None:
        """The language code whose common words the text uses most, or None when unclear."""
        sample_parts = []
        size = 0
        for text in texts:
            sample_parts.append(text)
            size += len(text)
            if size >= DETECT_MAX_CHARS:
                break
        sample = "\n".join(sample_parts)[:DETECT_MAX_CHARS]
        if not sample.isascii() and CJK.search(sample):
            cjk = len(CJK.findall(sample))
            if cjk / len(sample) >= CJK_MIN_SHARE:
                return "zh" if "zh" in self.tables else identify_other_language(sample)
        counts = dict.fromkeys(self.tables, 0)
        index = self.stopword_index
        words = sample.casefold().translate(WORD_EDGES).split()
        for word, times in Counter(words).items():
            codes = index.get(word)
            if codes:
                for code in codes:
                    counts[code] += times
        ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
        best_code, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        if (
            best < DETECT_MIN_HITS
            or best < DETECT_MIN_MARGIN * runner_up
            or best < DETECT_MIN_SHARE * len(words)
        ):
            return identify_other_language(sample)
        return best_code


def identify_other_language(sample: str) -> str | None:
    """A language no table covers (Korean, Russian, Indonesian...), named by py3langid, or
    None when the sample is too short or the library is not installed. Its model loads once,
    on the first page that needs it; pages in the tables' languages never do."""
    if sum(1 for ch in sample if ch.isalpha()) < LIBRARY_MIN_LETTERS:
        return None
    try:
        import py3langid
    except ImportError:
        return None
    code, _ = py3langid.classify(sample)
    return code or None


def _load_table(code: str, data: dict) -> Table:
    return Table(
        code=code,
        name=data["name"],
        stopwords=frozenset(word.casefold() for word in data["stopwords"]),
        **{
            key: tuple(data.get(key, ()))
            for key in (
                "credit_labels",
                "read_more",
                "published",
                "ago",
                "numbers",
                "units",
                "just_now",
                "share",
                "furniture_glued",
                "furniture_lines",
                "section_words",
                "cookie_words",
                "byline_words",
            )
        },
    )


@cache
def tables() -> LanguageTables:
    """The tables shipped in the package, loaded once per process."""
    folder = resources.files(__package__).joinpath("languages")
    loaded = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            code = entry.name[: -len(".json")]
            loaded[code] = _load_table(code, json.loads(entry.read_text(encoding="utf-8")))
    return LanguageTables(loaded)
