"""A headline's matching key: the rules that make two spellings of one headline compare equal.

Each rule is a function named for it; ``headline_key`` applies them in order. Plain Python:
no Pelican, no Jinja, no settings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Labels a desk puts in front of a headline, lower case, as data: English, French, German,
# Spanish, Portuguese, Italian. Matched only before ":", "|", "-" or "–" at the start.
PREFIXES = (
    "live",
    "live updates",
    "watch",
    "video",
    "breaking",
    "breaking news",
    "update",
    "updated",
    "latest",
    "exclusive",
    "analysis",
    "opinion",
    "explainer",
    "en direct",
    "direct",
    "vidéo",
    "exclusif",
    "eilmeldung",
    "liveticker",
    "aktuell",
    "en vivo",
    "en directo",
    "última hora",
    "urgente",
    "ao vivo",
    "ultima ora",
    "diretta",
)
# The same labels after the headline: "Rail strike talks - live".
SUFFIXES = ("live", "latest", "update", "updates", "analysis", "as it happened", "video")
TRUNCATION_MARKS = ("…", "...", "[…]", "[...]", "(…)")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words too common to tell stories apart; they still count in the fuzzy ratio.
STOPWORDS = _words(
    """a an the of in on at to for from by with as and or but is are was were be been has have
    had it its this that these those after before over under into about than what why how who
    will would can could should says say said new more most all its their de la le les des du et
    en un une der die das und im am ein eine el los las y del por para con o e da do dos das per il
    di che"""
)
NUMBER_TOKEN = "#"
# Counts written as words are counts too: "five hours" and "5 hours", "thousands" and "4,000".
NUMBER_WORDS = _words(
    """one two three four five six seven eight nine ten eleven twelve twenty thirty forty
    fifty hundred hundreds thousand thousands million millions dozen dozens first second third
    fourth fifth sixth seventh eighth ninth tenth"""
)

_PREFIX_RE = re.compile(
    r"^\s*(?:" + "|".join(re.escape(p) for p in sorted(PREFIXES, key=len, reverse=True)) + r")"
    r"\s*(?::|\||-|–|—)\s*",
    re.IGNORECASE,
)
_SUFFIX_RE = re.compile(
    r"\s+(?:-|–|—|\|)\s*(?:"
    + "|".join(re.escape(s) for s in sorted(SUFFIXES, key=len, reverse=True))
    + r")\s*$",
    re.IGNORECASE,
)
_GLUED_NUMBER_RE = re.compile(r"(?<=[^\W\d_])[-‑](?=\d)|(?<=\d)[-‑](?=[^\W\d_])")
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*(?:st|nd|rd|th|s|m|bn|k|c|km|%)?$")
_WORD_RE = re.compile(r"[^\W_]+(?:[.,]\d+)*%?", re.UNICODE)


@dataclass(frozen=True, slots=True)
class HeadlineKey:
    """What the matcher compares: ``text`` with numbers as ``#``, its tokens, the content
    tokens (no stopwords, no numbers), the numbers apart, and whether the title was cut."""

    text: str
    tokens: tuple[str, ...]
    content: frozenset[str]
    numbers: tuple[str, ...]
    truncated: bool
    stemmed: tuple[tuple[str, str], ...] = ()  # (content word, its stem), in sorted order
    stems: frozenset[str] = frozenset()


def strip_prefixes(title: str) -> str:
    """Drop desk labels in front ("Live: ", "BREAKING - ", "En direct :"), repeatedly."""
    while True:
        cut = _PREFIX_RE.sub("", title, count=1)
        if cut == title or not cut.strip():
            return title
        title = cut


def strip_suffixes(title: str) -> str:
    """Drop desk labels after the headline ("... - live")."""
    cut = _SUFFIX_RE.sub("", title)
    return cut if cut.strip() else title


def strip_truncation_marks(title: str) -> tuple[str, bool]:
    """Remove a trailing "…" or "..." and say whether there was one."""
    text = title.rstrip()
    for mark in TRUNCATION_MARKS:
        if text.endswith(mark):
            return text[: -len(mark)].rstrip(), True
    return text, False


def fold_case_and_accents(text: str) -> str:
    """NFKC, case-folded, accents removed: "Última" and "ultima" compare equal."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def glue_numbers_to_words(text: str) -> str:
    """ "covid-19" -> "covid19", "g-20" -> "g20": a number joined to a word is part of a
    name, not a count, so it never becomes the number placeholder."""
    return _GLUED_NUMBER_RE.sub("", text)


def split_words(text: str) -> list[str]:
    """Words without punctuation; "5.9%" and "1,000" stay one token."""
    return _WORD_RE.findall(text)


def separate_numbers(words: list[str]) -> tuple[list[str], list[str]]:
    """Counts become ``#`` (so "kills 17" and "kills 20" compare equal), kept apart."""
    tokens: list[str] = []
    numbers: list[str] = []
    for w in words:
        if (w[0].isdigit() and _NUMBER_RE.match(w)) or w in NUMBER_WORDS:
            tokens.append(NUMBER_TOKEN)
            numbers.append(w)
        else:
            tokens.append(w)
    return tokens, numbers


def content_tokens(tokens: list[str]) -> frozenset[str]:
    """The tokens that carry the story: no stopwords, no numbers, no single letters."""
    return frozenset(t for t in tokens if len(t) > 1 and t not in STOPWORDS and t != NUMBER_TOKEN)


def stem(word: str) -> str:
    """A crude English stem: "returns", "returned", "returning" -> "return"."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


def headline_key(title: str) -> HeadlineKey:
    """All the rules, in order."""
    text, truncated = strip_truncation_marks(title)
    text = strip_suffixes(strip_prefixes(text))
    text = glue_numbers_to_words(fold_case_and_accents(text))
    text = text.replace("'s ", " ").replace("’s ", " ")
    tokens, numbers = separate_numbers(split_words(text))
    content = content_tokens(tokens)
    stemmed = tuple((w, stem(w)) for w in sorted(content))
    return HeadlineKey(
        text=" ".join(tokens),
        tokens=tuple(tokens),
        content=content,
        numbers=tuple(numbers),
        truncated=truncated,
        stemmed=stemmed,
        stems=frozenset(s for _, s in stemmed),
    )
