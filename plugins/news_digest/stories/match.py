"""Headlines (and lead titles) clustered into stories, with rapidfuzz and blocking.

Each distinct matching key is compared only with the keys that share a block with it (the
first content words, the last ones, the longest ones), never with all others, so adding one
dump costs about the size of that dump. Matches join stories through a union-find, so the
result does not depend on the order in which dumps are added. A story's id comes from the
key of its earliest appearance (date, then path), so adding unrelated dumps never changes it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz, process

from ..parse.model import Digest
from .normalise import HeadlineKey, headline_key, stem

# A key with fewer content words than this matches only exactly: "Bus fares frozen" says
# too little to be joined to anything by similarity.
MIN_CONTENT_WORDS = 3
# Below this ``token_sort_ratio`` (0-100) a candidate is not looked at again: a first cut
# done in C by rapidfuzz before the word rules in Python. A headline with words added keeps
# at least ADDED_MIN_SHARE of the longer one's content words, which puts the ratio above
# about 67; cut titles (prefixes) are checked apart, since a short cut scores lower.
CANDIDATE_CUTOFF = 65
# Two words are one word spelled differently ("organise"/"organize", "Australia"/
# "Australian") at this rapidfuzz ``ratio`` of their letters, when their digits agree.
WORD_RATIO = 85
WORD_RATIO_MIN_LENGTH = 5
# One headline adds words to the other ("... after cracks found" + "in main span"): joined
# when they share this many content words, and these are this share of the longer one's.
ADDED_MIN_SHARED = 3
ADDED_MIN_SHARE = 0.6
# One word swapped for another is usually another story ("Sudan"/"Kenya", "bus"/"train"):
# allowed only when this many other content words are shared ("closes"/"shuts" in a long
# headline), and only one word on each side. Seven shared words are not enough: "Teachers"
# and "Nurses vote to accept pay offer after year-long dispute" are two stories.
SWAP_MIN_SHARED = 8
# A cut headline is joined to a longer one it is the start of when it keeps this many
# content words (fewer with a truncation mark, which says the title was cut).
PREFIX_WORDS = 5
PREFIX_WORDS_MARKED = 3
# Words that turn a headline into its opposite; one side having one the other lacks vetoes.
NEGATIONS = frozenset(
    ("no", "not", "never", "without", "pas", "kein", "keine", "nicht", "sin", "nao")
)
# Opposite verbs and nouns, as data: swapping one for its partner is another story.
OPPOSITES = (
    ("accept", "reject"),
    ("approve", "reject"),
    ("open", "close"),
    ("reopen", "close"),
    ("rise", "fall"),
    ("raise", "cut"),
    ("add", "cut"),
    ("begin", "end"),
    ("start", "end"),
    ("suspend", "resume"),
    ("win", "lose"),
    ("hold", "raise"),
    ("charge", "jail"),
)
# Blocking: a key is filed under its first words, and under every three of its longest
# content words. Two keys that share their first three content words (a cut title), or three
# of their four longest (words added, dropped or swapped elsewhere), meet in a block.
BLOCK_FIRST = 3
BLOCK_LONGEST = 4
BLOCK_SIZE = 3
# A block this full says nothing any more (a template repeated thousands of times): it is
# no longer searched or added to, which keeps each new key's cost bounded.
BLOCK_LIMIT = 50


def block_keys(key: HeadlineKey) -> list[str]:
    """The blocks a key is filed under; two keys are compared only when they share one."""
    if len(key.content) < MIN_CONTENT_WORDS:
        return []
    words = [t for t in key.tokens if t in key.content]
    out = ["p:" + " ".join(words[:BLOCK_FIRST])]
    longest = sorted(key.content, key=lambda t: (-len(t), t))[:BLOCK_LONGEST]
    out.extend("l:" + " ".join(sorted(group)) for group in combinations(longest, BLOCK_SIZE))
    return out


_DIGITS = re.compile(r"\d+")
# Two words of lengths m <= n can reach a ratio of WORD_RATIO only when 2m / (m + n) does.
_MIN_LENGTH_SHARE = WORD_RATIO / (200 - WORD_RATIO)


@lru_cache(maxsize=1 << 18)
def words_match(a: str, b: str) -> bool:
    """One word in two spellings: same stem, a compound ending in the other, or close
    letters with the same digits."""
    if a == b or stem(a) == stem(b):
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < WORD_RATIO_MIN_LENGTH:
        return False
    da, db = _DIGITS.findall(a), _DIGITS.findall(b)
    if da and db and da != db:
        return False
    if long.endswith(short):  # a compound: "walkers", "hillwalkers"
        return True
    la, lb = _DIGITS.sub("", a), _DIGITS.sub("", b)
    if la == lb:  # "covid19", "covid"
        return True
    if min(len(la), len(lb)) < _MIN_LENGTH_SHARE * max(len(la), len(lb)):
        return False
    return fuzz.ratio(la, lb) >= WORD_RATIO


def unmatched(a: HeadlineKey, b: HeadlineKey) -> list[str]:
    """The content words of ``a`` with no spelling of them in ``b``: not the same word, not
    the same stem, not a close spelling (only the last needs a string comparison)."""
    left = [w for w, s in a.stemmed if w not in b.content and s not in b.stems]
    if not left:
        return left
    others = [o for o, s in b.stemmed if o not in a.content and s not in a.stems]
    return [w for w in left if not any(words_match(w, o) for o in others)]


def is_prefix(short: HeadlineKey, long: HeadlineKey) -> bool:
    """``short`` is ``long`` cut off after some words (a truncated title)."""
    n = len(short.tokens)
    if n >= len(long.tokens) or long.tokens[:n] != short.tokens:
        return False
    need = PREFIX_WORDS_MARKED if short.truncated else PREFIX_WORDS
    return len(short.content) >= need


def opposite(extra_a: list[str], extra_b: list[str]) -> bool:
    """A negation on one side only, or a word swapped for its opposite."""
    if NEGATIONS.intersection(extra_a) or NEGATIONS.intersection(extra_b):
        return True
    sa, sb = {stem(w) for w in extra_a}, {stem(w) for w in extra_b}
    return any((x in sa and y in sb) or (y in sa and x in sb) for x, y in OPPOSITES)


def same_story(a: HeadlineKey, b: HeadlineKey) -> bool:
    """Whether two keys are one story: exact, cut, with words added, or one word swapped;
    never when one says the opposite of the other."""
    if a.text == b.text:
        return True
    if len(a.content) < MIN_CONTENT_WORDS or len(b.content) < MIN_CONTENT_WORDS:
        return False
    extra_a = unmatched(a, b)
    extra_b = unmatched(b, a)
    short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
    if is_prefix(short, long):
        joined = True
    elif not extra_a or not extra_b:
        shared = len(a.content) - len(extra_a)
        larger = max(len(a.content), len(b.content))
        joined = shared >= ADDED_MIN_SHARED and shared / larger >= ADDED_MIN_SHARE
    else:
        shared = len(a.content) - len(extra_a)
        joined = len(extra_a) == 1 and len(extra_b) == 1 and shared >= SWAP_MIN_SHARED
    return joined and not opposite(extra_a, extra_b)


@dataclass(frozen=True, slots=True)
class Appearance:
    """One headline (or lead title) in one dump."""

    title: str
    path: str
    date: str  # ISO 8601 date or datetime of the dump
    is_lead: bool = False


@dataclass
class _Key:
    key: HeadlineKey
    first: tuple[str, str]  # (date, path) of its earliest appearance
    first_title: str


@dataclass
class StoryIndex:
    """Stories so far; ``add`` files appearances in, ``stories`` reads them out."""

    keys: list[_Key] = field(default_factory=list)
    by_text: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, list[int]] = field(default_factory=dict)
    parent: list[int] = field(default_factory=list)
    members: dict[int, list[int]] = field(default_factory=dict)  # root -> its keys
    appearances: list[tuple[int, Appearance]] = field(default_factory=list)
    comparisons: int = 0

    def _find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def _union(self, i: int, j: int) -> None:
        a, b = self._find(i), self._find(j)
        if a != b:
            root, child = min(a, b), max(a, b)
            self.parent[child] = root
            self.members[root].extend(self.members.pop(child))

    def _key_id(self, title: str, date: str, path: str) -> int:
        known = self.by_title.get(title)
        if known is None:
            key = headline_key(title)
            known = self.by_text.get(key.text)
            if known is None:
                known = self._new_key(key, title, date, path)
            self.by_title[title] = known
        rec = self.keys[known]
        if (date, path) < rec.first:
            rec.first, rec.first_title = (date, path), title
        return known

    def _new_key(self, key: HeadlineKey, title: str, date: str, path: str) -> int:
        i = len(self.keys)
        self.keys.append(_Key(key, (date, path), title))
        self.parent.append(i)
        self.members[i] = [i]
        self.by_text[key.text] = i
        candidates: set[int] = set()
        for b in block_keys(key):
            members = self.blocks.get(b)
            if members is None:
                self.blocks[b] = [i]
            elif len(members) < BLOCK_LIMIT:
                if b.startswith("p:"):
                    self._join_prefixes(i, key, members)
                candidates.update(members)
                members.append(i)
        if candidates:
            ids = list(candidates)
            self.comparisons += len(ids)
            texts = [self.keys[j].key.text for j in ids]
            for _, _, pos in process.extract(
                key.text,
                texts,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=CANDIDATE_CUTOFF,
                limit=None,
            ):
                j = ids[pos]
                if same_story(key, self.keys[j].key):
                    self._union(i, j)
        return i

    def _join_prefixes(self, i: int, key: HeadlineKey, members: list[int]) -> None:
        """Cut titles and the titles they were cut from, in the first-words block."""
        for j in members:
            other = self.keys[j].key
            short, long = (key, other) if len(key.tokens) <= len(other.tokens) else (other, key)
            if is_prefix(short, long) and same_story(key, other):
                self._union(i, j)

    def add(self, appearance: Appearance) -> None:
        """File one headline or lead title; costs about one lookup when seen before."""
        i = self._key_id(appearance.title, appearance.date, appearance.path)
        self.appearances.append((i, appearance))

    def add_many(self, appearances) -> None:
        for a in appearances:
            self.add(a)

    def story_of(self, title: str) -> str | None:
        """The story id of a title already added, or None; costs the size of its story."""
        i = self.by_title.get(title)
        if i is None:
            return None
        first = min(
            (*self.keys[j].first, self.keys[j].key.text) for j in self.members[self._find(i)]
        )
        return story_id(first[2], first[1])

    def story_ids(self) -> dict[int, str]:
        """Root key -> story id, from the key and path of the story's earliest appearance."""
        first: dict[int, tuple[str, str, str]] = {}
        for i, rec in enumerate(self.keys):
            root = self._find(i)
            cand = (*rec.first, rec.key.text)
            if root not in first or cand < first[root]:
                first[root] = cand
        return {root: story_id(text, path) for root, (_, path, text) in first.items()}

    def stories(self) -> dict[str, list[Appearance]]:
        """Story id -> its appearances, oldest first (ties by path)."""
        ids = self.story_ids()
        out: dict[str, list[Appearance]] = {}
        for i, app in self.appearances:
            out.setdefault(ids[self._find(i)], []).append(app)
        for apps in out.values():
            apps.sort(key=lambda a: (a.date, a.path, a.title))
        return out


def story_id(key_text: str, path: str) -> str:
    """A short, stable id: a slug of the first key's words and a hash of key and path."""
    words = "-".join(key_text.replace("#", "n").split()[:8])
    digest = hashlib.sha1(f"{key_text}\0{path}".encode()).hexdigest()[:8]
    return f"{words[:60].rstrip('-')}-{digest}"


def appearances_of(digest: Digest) -> list[Appearance]:
    """A parsed dump's lead title and news headlines, dated by the dump."""
    date = digest.metadata.date
    if not date:
        raise ValueError(f"{digest.source}: the dump has no date, so its headlines have none")
    out = []
    if digest.lead is not None:
        out.append(Appearance(digest.lead.title, digest.source, date, is_lead=True))
    out.extend(Appearance(h.title, digest.source, date) for h in digest.news)
    return out
