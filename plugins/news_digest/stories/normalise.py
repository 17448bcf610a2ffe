"""A headline's matching key: the rules that make two spellings of one headline compare equal.

Each rule is a function named for it; ``headline_key`` applies them in order. Plain Python:
no Pelican, no Jinja, no settings.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import NamedTuple

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
# A hyphen between a letter and a digit. It starts with the hyphen, so the engine scans for
# hyphens first and looks around only there.
_GLUED_NUMBER_RE = re.compile(r"[-‑](?:(?<=[^\W\d_][-‑])(?=\d)|(?<=\d[-‑])(?=[^\W\d_]))")
_NUMBER_RE = re.compile(r"^\d+(?:[.,]\d+)*(?:st|nd|rd|th|s|m|bn|k|c|km|%)?$")
_WORD_RE = re.compile(r"[^\W_]+(?:[.,]\d+)*%?", re.UNICODE)
# The same words in an ASCII title, where the Unicode classes are not needed.
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*%?")
# The characters a desk label is followed by, and those before a label after the headline:
# a title without any of them has no label to strip.
_PREFIX_MARKS = frozenset(":|-–—")
_SUFFIX_MARKS = frozenset("|-–—")


class HeadlineKey(NamedTuple):
    """What the matcher compares: ``text`` with numbers as ``#``, its tokens, the content
    tokens (no stopwords, no numbers), the numbers apart, and whether the title was cut.
    Immutable; a named tuple because a site has hundreds of thousands of them. The content
    words and their stems are sorted tuples, not sets: a headline has a handful, a look-up
    in a tuple that short is as quick, and a set of more than four words takes 728 bytes
    (a site's keys held 200 MB of them)."""

    text: str
    tokens: tuple[str, ...]
    content: tuple[str, ...]  # sorted
    numbers: tuple[str, ...]
    truncated: bool
    stemmed: tuple[tuple[str, str], ...] = ()  # (content word, its stem), in sorted order
    stems: tuple[str, ...] = ()  # the distinct stems, sorted


def strip_prefixes(title: str) -> str:
    """Drop desk labels in front ("Live: ", "BREAKING - ", "En direct :"), repeatedly."""
    if _PREFIX_MARKS.isdisjoint(title):
        return title
    while True:
        cut = _PREFIX_RE.sub("", title, count=1)
        if cut == title or not cut.strip():
            return title
        title = cut


def strip_suffixes(title: str) -> str:
    """Drop desk labels after the headline ("... - live")."""
    if _SUFFIX_MARKS.isdisjoint(title):
        return title
    cut = _SUFFIX_RE.sub("", title)
    return cut if cut.strip() else title


def strip_truncation_marks(title: str) -> tuple[str, bool]:
    """Remove a trailing "…" or "..." and say whether there was one."""
    text = title.rstrip()
    if not text.endswith(TRUNCATION_MARKS):
        return text, False
    for mark in TRUNCATION_MARKS:
        if text.endswith(mark):
            return text[: -len(mark)].rstrip(), True
    return text, False


def fold_case_and_accents(text: str) -> str:
    """NFKC, case-folded, accents removed: "Última" and "ultima" compare equal."""
    text = text.casefold()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def glue_numbers_to_words(text: str) -> str:
    """ "covid-19" -> "covid19", "g-20" -> "g20": a number joined to a word is part of a
    name, not a count, so it never becomes the number placeholder."""
    if "-" not in text and "‑" not in text:
        return text
    return _GLUED_NUMBER_RE.sub("", text)


def split_words(text: str) -> list[str]:
    """Words without punctuation; "5.9%" and "1,000" stay one token."""
    if text.isascii():
        return _ASCII_WORD_RE.findall(text)
    return _WORD_RE.findall(text)


def separate_numbers(words: list[str]) -> tuple[list[str], list[str]]:
    """Counts become ``#`` (so "kills 17" and "kills 20" compare equal), kept apart."""
    tokens = [
        NUMBER_TOKEN if w in NUMBER_WORDS or (w[0].isdigit() and _NUMBER_RE.match(w)) else w
        for w in words
    ]
    if NUMBER_TOKEN not in tokens:
        return tokens, []
    return tokens, [w for w, t in zip(words, tokens, strict=True) if t == NUMBER_TOKEN]


def content_tokens(tokens: list[str]) -> frozenset[str]:
    """The tokens that carry the story: no stopwords, no numbers, no single letters."""
    content = frozenset(tokens).difference(STOPWORDS, (NUMBER_TOKEN,))
    if content and min(map(len, content)) < 2:
        return frozenset(t for t in content if len(t) > 1)
    return content


@lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """A crude English stem: "returns", "returned", "returning" -> "return"."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


@lru_cache(maxsize=1 << 17)
def word_and_stem(word: str) -> tuple[str, str]:
    """``(word, its stem)``, one tuple per word however many keys hold it."""
    return word, sys.intern(stem(word))


def headline_key(title: str) -> HeadlineKey:
    """All the rules, in order.

    The words are interned: a site has hundreds of thousands of keys made of a few tens of
    thousands of words, so each word is held once, in memory and in the story cache (which
    writes a shared string once)."""
    text, truncated = strip_truncation_marks(title)
    text = strip_suffixes(strip_prefixes(text))
    text = glue_numbers_to_words(fold_case_and_accents(text))
    if "'" in text or "’" in text:
        text = text.replace("'s ", " ").replace("’s ", " ")
    tokens, numbers = separate_numbers(split_words(text))
    tokens = [sys.intern(t) for t in tokens]
    content = tuple(sorted(content_tokens(tokens)))
    stemmed = tuple(map(word_and_stem, content))
    return HeadlineKey(
        " ".join(tokens),
        tuple(tokens),
        content,
        tuple(numbers),
        truncated,
        stemmed,
        tuple(sorted({s for _, s in stemmed})),
    )
