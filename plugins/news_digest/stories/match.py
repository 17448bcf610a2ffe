"""Headlines (and lead titles) clustered into stories, with rapidfuzz and blocking.

Each distinct matching key is compared only with the keys it shares a block with (a pair
of its rarest stems, no block larger than COMMON_STEM_KEYS keys) and with the keys it is
the start of or that are the start of it (cut titles, found exactly in the sorted key
texts), never with all others, so adding one dump costs about the size of that dump.
Matches join stories through a union-find, so the stories of a set of dumps do not depend
on the order they were added in. A story's id comes from the key of its earliest
appearance (date, then path), so dumps that do not join a story never change its id.
"""

from __future__ import annotations

import gc
import hashlib
import math
import re
from bisect import bisect_left, insort
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, combinations
from operator import attrgetter
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from ..parse.model import Digest
from .normalise import HeadlineKey, headline_key, stem

# A key with fewer content words than this matches only exactly: "Bus fares frozen" says
# too little to be joined to anything by similarity.
MIN_CONTENT_WORDS = 3
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
# Blocking. Keys are compared when they share a *pair* of their rarest stems: rarity is the
# number of distinct keys of the index holding the stem (its document frequency), ties by
# the stem itself. Two keys where one adds or swaps a few words keep their rarest shared
# stems, so they meet in a block, while unrelated keys almost never share two rare words.
# A key of n stems uses its rarest n - o + 2 stems, o being the fewest stems it can share
# with a key it joins by the "words added" rule (ADDED_MIN_SHARED, ADDED_MIN_SHARE of n):
# then the two rarest shared stems are among both keys' rarest (prefix filtering).
# One more stem is taken for a shared word spelled differently on the two sides.
SPELLING_SLACK = 1
# At most this many rarest stems make pairs (15 pairs): a very long headline that adds many
# words to another is then found only when the words added are not its rarest.
BLOCK_RAREST_MAX = 6
# A stem held by more than this many distinct keys is "very common" ("police", a place in
# the news for months, "near" in the benchmark): every block pairs a key's stem with one
# held by at most this many keys, so no block ever holds more keys than this, whatever the
# size of the site. Absolute, not a share of the site, so that adding dumps that do not use
# a word never changes the blocks of a key using it.
COMMON_STEM_KEYS = 200


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


def spelled_apart(a: HeadlineKey, b: HeadlineKey) -> list[str]:
    """The content words of ``a`` that are neither a word of ``b`` nor its stem."""
    return [w for w, s in a.stemmed if w not in b.content and s not in b.stems]


def without_close_spelling(left: list[str], others: list[str]) -> list[str]:
    """The words of ``left`` with no close spelling among ``others`` (see ``words_match``;
    both words then have at least WORD_RATIO_MIN_LENGTH letters)."""
    longer = [o for o in others if len(o) >= WORD_RATIO_MIN_LENGTH]
    if not longer:
        return left
    return [
        w
        for w in left
        if len(w) < WORD_RATIO_MIN_LENGTH or not any(words_match(w, o) for o in longer)
    ]


def unmatched(a: HeadlineKey, b: HeadlineKey) -> list[str]:
    """The content words of ``a`` with no spelling of them in ``b``: not the same word, not
    the same stem, not a close spelling (only the last needs a string comparison)."""
    left = spelled_apart(a, b)
    if not left:
        return left
    return without_close_spelling(left, spelled_apart(b, a))


def could_join(a: HeadlineKey, b: HeadlineKey, left_a: list[str], left_b: list[str]) -> bool:
    """Whether the "words added" or "one word swapped" rule could still join ``a`` and ``b``
    once close spellings are looked for, counting as unmatched for sure only the words too
    short to have one. False saves the string comparisons; it never changes an answer."""
    sure_a = sum(1 for w in left_a if len(w) < WORD_RATIO_MIN_LENGTH)
    sure_b = sum(1 for w in left_b if len(w) < WORD_RATIO_MIN_LENGTH)
    shared = len(a.content) - sure_a
    larger = max(len(a.content), len(b.content))
    added = (
        (sure_a == 0 or sure_b == 0)
        and shared >= ADDED_MIN_SHARED
        and shared / larger >= ADDED_MIN_SHARE
    )
    swapped = (
        sure_a <= 1
        and sure_b <= 1
        and bool(left_a)
        and bool(left_b)
        and len(a.content) - 1 >= SWAP_MIN_SHARED
    )
    return added or swapped


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
    never when one says the opposite of the other. Symmetric: the keys are looked at in
    the order of their texts, whichever order they are given in."""
    if a.text == b.text:
        return True
    if b.text < a.text:
        a, b = b, a
    if len(a.content) < MIN_CONTENT_WORDS or len(b.content) < MIN_CONTENT_WORDS:
        return False
    left_a = spelled_apart(a, b)
    left_b = spelled_apart(b, a)
    short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
    cut = is_prefix(short, long)
    if not cut and not could_join(a, b, left_a, left_b):
        return False
    extra_a = without_close_spelling(left_a, left_b) if left_a else left_a
    extra_b = without_close_spelling(left_b, left_a) if left_b else left_b
    if cut:
        joined = True
    elif not extra_a or not extra_b:
        shared = len(a.content) - len(extra_a)
        larger = max(len(a.content), len(b.content))
        joined = shared >= ADDED_MIN_SHARED and shared / larger >= ADDED_MIN_SHARE
    else:
        shared = len(a.content) - len(extra_a)
        joined = len(extra_a) == 1 and len(extra_b) == 1 and shared >= SWAP_MIN_SHARED
    return joined and not opposite(extra_a, extra_b)


class Appearance(NamedTuple):
    """One headline (or lead title) in one dump. A named tuple: a site has hundreds of
    thousands, kept in the story cache."""

    title: str
    path: str
    date: str  # ISO 8601 date or datetime of the dump
    is_lead: bool = False


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused, as it was before afterwards. Filing a site's
    headlines makes hundreds of thousands of small objects that all live on; the collector
    would go through all of them again and again (half the time of a cold build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def rarest_stems(key: HeadlineKey, doc_freq: Counter[str]) -> list[str]:
    """The stems of ``key`` whose pairs are its blocks: the rarest first (fewest keys holding
    them, then alphabetical), as many as prefix filtering needs for the "words added" rule."""
    n = len(key.stems)
    overlap = max(ADDED_MIN_SHARED, math.ceil(ADDED_MIN_SHARE * n))
    take = min(n - overlap + 2 + SPELLING_SLACK, BLOCK_RAREST_MAX)
    return sorted(key.stems, key=doc_freq.__getitem__)[:take]  # stems are sorted


def block_pairs(key: HeadlineKey, doc_freq: Counter[str]) -> list[str]:
    """The blocks a key is filed under: pairs of its rarest stems, not both very common,
    each written "stem stem" in alphabetical order."""
    if len(key.content) < MIN_CONTENT_WORDS:
        return []
    rare, common = [], []
    for s in rarest_stems(key, doc_freq):
        (rare if doc_freq[s] <= COMMON_STEM_KEYS else common).append(s)
    pairs = [f"{a} {b}" if a < b else f"{b} {a}" for a, b in combinations(rare, 2)]
    pairs.extend(f"{a} {b}" if a < b else f"{b} {a}" for a in rare for b in common)
    return pairs


def worth_comparing(a: HeadlineKey, b: HeadlineKey) -> bool:
    """Whether two keys met in a block could be joined by the "words added" rule (one side's
    stems all in the other's, enough of them) or the "one word swapped" rule (one stem apart
    on each side, many shared), allowing SPELLING_SLACK shared words spelled apart. Set
    arithmetic, where ``same_story`` compares words one by one."""
    shared = len(set(a.stems).intersection(b.stems))
    apart_a, apart_b = len(a.stems) - shared, len(b.stems) - shared
    larger = max(len(a.stems), len(b.stems))
    added = (
        min(apart_a, apart_b) <= SPELLING_SLACK
        and shared >= max(ADDED_MIN_SHARED, math.ceil(ADDED_MIN_SHARE * larger)) - SPELLING_SLACK
    )
    swapped = max(apart_a, apart_b) <= 1 + SPELLING_SLACK and shared >= (
        SWAP_MIN_SHARED - SPELLING_SLACK
    )
    return added or swapped


def cut_joins(short: HeadlineKey, long: HeadlineKey) -> bool:
    """``same_story`` for a key and a longer key it is the start of (``is_prefix``): all the
    short one's words are in the long one, so the answer is only the negation veto."""
    return NEGATIONS.isdisjoint(spelled_apart(long, short))


def can_be_cut(key: HeadlineKey) -> bool:
    """Whether ``key`` keeps enough content words to be joined as the start of a longer one."""
    need = PREFIX_WORDS_MARKED if key.truncated else PREFIX_WORDS
    return len(key.content) >= max(need, MIN_CONTENT_WORDS)


class LazyKeys:
    """The keys of an index read back from the story cache, each made again from the title
    that first gave it (``headline_key`` of that title, cut when any of its titles was) when
    first used. Adding a dump to a site uses the keys of a few hundred stories at most, so a
    rebuild neither reads nor holds the keys of all the others (a third of a gigabyte at
    10,000 dumps). Keys added after the load are held as they are."""

    __slots__ = ("titles", "read", "cut", "made", "added")

    def __init__(self, titles: list[str], cut: bytes) -> None:
        self.titles = titles  # the index's list: the title that first gave each key
        self.read = len(cut)  # keys read back; those after them were added since
        self.cut = cut  # 1 for a key counted as cut
        self.made: dict[int, HeadlineKey] = {}
        self.added: list[HeadlineKey] = []

    def __len__(self) -> int:
        return self.read + len(self.added)

    def __getitem__(self, i: int) -> HeadlineKey:
        if i >= self.read:
            return self.added[i - self.read]
        key = self.made.get(i)
        if key is None:
            key = headline_key(self.titles[i])
            if self.cut[i] and not key.truncated:
                key = key._replace(truncated=True)
            self.made[i] = key
        return key

    def __setitem__(self, i: int, key: HeadlineKey) -> None:
        if i >= self.read:
            self.added[i - self.read] = key
        else:
            self.made[i] = key

    def append(self, key: HeadlineKey) -> None:
        self.added.append(key)

    def cut_flags(self) -> bytes:
        flags = bytearray(self.cut)
        for i, key in self.made.items():
            flags[i] = key.truncated
        flags.extend(key.truncated for key in self.added)
        return bytes(flags)


@dataclass
class StoryIndex:
    """Stories so far; ``add`` files appearances in, ``stories`` reads them out.

    Adding only records titles; they are filed, and their new keys compared with the others,
    all at once when stories are next read (``stories``, ``story_ids``, ``story_of``,
    ``settle``), so
    that the blocks of a whole site are chosen from the whole site's word counts. A new key
    is compared with the keys it shares a block with (``block_pairs``) and with the keys it
    is the start of or that are the start of it (cut titles, found exactly in the sorted key
    texts), by ``same_story``; matches join stories through a union-find. The stories of a
    set of dumps read at once do not depend on the order in which they were added.

    The state is kept in flat lists and dictionaries of strings and numbers, which Python's
    garbage collector does not have to go through (a site has hundreds of thousands)."""

    keys: list[HeadlineKey] | LazyKeys = field(default_factory=list)  # by key number
    key_titles: list[str] = field(default_factory=list)  # the title that first gave each key
    texts: list[str] = field(default_factory=list)  # each key's text, by key number
    first: list[tuple[str, str]] = field(default_factory=list)  # (date, path), by key number
    by_text: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, int | list[int]] = field(default_factory=dict)  # "stem stem" -> keys
    parent: list[int] = field(default_factory=list)
    members: dict[int, list[int]] = field(default_factory=dict)  # root -> its keys, if > 1
    appearances: list[Appearance] = field(default_factory=list)  # filed, in order added
    appearance_keys: list[int] = field(default_factory=list)  # the key of each of them
    doc_freq: Counter[str] = field(default_factory=Counter)  # stem -> keys holding it
    sorted_texts: list[str] = field(default_factory=list)  # every key text, sorted
    pending: list[Appearance] = field(default_factory=list)  # added, not yet filed
    now_cut: list[int] = field(default_factory=list)  # filed keys a new title showed cut
    comparisons: int = 0  # pairs of keys given to same_story
    ids: dict[int, str] = field(default_factory=dict)  # root -> story id, once made
    changed: set[int] = field(default_factory=set)  # keys whose story's id may have changed

    def __getstate__(self) -> dict[str, Any]:
        """The index as plain data (strings, numbers, bytes, and lists, tuples, sets and
        dictionaries of them, so ``marshal`` can write it): the keys as the title that first
        gave each and whether it counts as cut (read back as :class:`LazyKeys`), the
        appearances as four columns (written at the speed of lists of strings, where one
        object each costs ten times as much)."""
        state = dict(self.__dict__)
        keys = state.pop("keys")
        if isinstance(keys, LazyKeys):
            state["key_cut"] = keys.cut_flags()
        else:
            state["key_cut"] = bytes(key.truncated for key in keys)
        apps = state.pop("appearances")
        state["appearance_columns"] = (
            [a.title for a in apps],
            [a.path for a in apps],
            [a.date for a in apps],
            bytes(a.is_lead for a in apps),
        )
        state["doc_freq"] = dict(self.doc_freq)
        state["pending"] = [tuple(a) for a in self.pending]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        titles, paths, dates, leads = state.pop("appearance_columns")
        state["appearances"] = list(map(Appearance, titles, paths, dates, map(bool, leads)))
        state["keys"] = LazyKeys(state["key_titles"], state.pop("key_cut"))
        state["doc_freq"] = Counter(state["doc_freq"])
        state["pending"] = [Appearance(*a) for a in state["pending"]]
        self.__dict__.update(state)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> StoryIndex:
        """The index whose :meth:`__getstate__` gave ``state``."""
        index = cls.__new__(cls)
        index.__setstate__(dict(state))
        return index

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
            self.ids.pop(child, None)
            self.changed.add(root)
            joined = self.members.pop(root, None) or [root]
            joined.extend(self.members.pop(child, None) or [child])
            self.members[root] = joined

    def _key_number(self, title: str, date: str, path: str) -> int:
        known = self.by_title.get(title)
        if known is None:
            key = headline_key(title)
            known = self.by_text.get(key.text)
            if known is None:
                known = len(self.keys)
                self.keys.append(key)
                self.key_titles.append(title)
                self.texts.append(key.text)
                self.first.append((date, path))
                self.changed.add(known)
                self.parent.append(known)
                self.by_text[key.text] = known
            elif key.truncated and not self.keys[known].truncated:
                # One title of the key was cut: the key counts as cut, whichever came first.
                self.keys[known] = self.keys[known]._replace(truncated=True)
                if known < len(self.sorted_texts):
                    self.now_cut.append(known)
            self.by_title[title] = known
        if (date, path) < self.first[known]:
            self.first[known] = (date, path)
            self.changed.add(known)
        return known

    def _compare(self, i: int, j: int) -> None:
        """Join ``i`` and ``j`` when they are one story (nothing to do when already one)."""
        if self._find(i) != self._find(j):
            self.comparisons += 1
            if same_story(self.keys[i], self.keys[j]):
                self._union(i, j)

    def _flush(self) -> None:
        """File the appearances added since the last read, and compare their new keys with
        all the others."""
        if not self.pending:
            return
        with collector_paused():
            added, self.pending = self.pending, []
            first_new = len(self.keys)
            number = self._key_number
            self.appearance_keys.extend([number(a.title, a.date, a.path) for a in added])
            self.appearances.extend(added)
            self._compare_new(range(first_new, len(self.keys)))
            for i in self.now_cut:
                if can_be_cut(self.keys[i]):
                    self._join_longer(i, self.keys[i])
            self.now_cut.clear()

    def _compare_new(self, batch: range) -> None:
        keys = self.keys
        before = len(self.sorted_texts)
        self.doc_freq.update(chain.from_iterable(keys[i].stems for i in batch))
        texts = [keys[i].text for i in batch]
        if len(batch) > before:
            self.sorted_texts.extend(texts)
            self.sorted_texts.sort()
        else:
            for text in texts:
                insort(self.sorted_texts, text)
        if before:
            for i in batch:
                key = keys[i]
                if can_be_cut(key):
                    self._join_longer(i, key)
                self._join_shorter(i, key)
        else:
            self._join_all_longer()
        for i in batch:
            self._join_blocks(i, keys[i])

    def _join_all_longer(self) -> None:
        """Every key and the keys it is the start of, in one pass over the sorted texts: the
        texts starting with "<text> " come right after "<text>" (no token holds a character
        sorting before the space)."""
        texts, by_text, keys = self.sorted_texts, self.by_text, self.keys
        for at, text in enumerate(texts):
            nxt = at + 1
            if nxt == len(texts) or not texts[nxt].startswith(text):
                continue
            i = by_text[text]
            if not can_be_cut(keys[i]):
                continue
            start = text + " "
            while nxt < len(texts) and texts[nxt].startswith(start):
                j = by_text[texts[nxt]]
                if self._find(i) != self._find(j):
                    self.comparisons += 1
                    if cut_joins(keys[i], keys[j]):
                        self._union(i, j)
                nxt += 1

    def _join_longer(self, i: int, key: HeadlineKey) -> None:
        """The keys ``key`` is the start of: a range of the sorted texts."""
        start = key.text + " "
        texts, by_text = self.sorted_texts, self.by_text
        at = bisect_left(texts, start)
        while at < len(texts) and texts[at].startswith(start):
            self._compare(i, by_text[texts[at]])
            at += 1

    def _join_shorter(self, i: int, key: HeadlineKey) -> None:
        """The keys filed before that are the start of ``key`` (a later, longer title)."""
        tokens = key.tokens
        for n in range(MIN_CONTENT_WORDS, len(tokens)):
            j = self.by_text.get(" ".join(tokens[:n]))
            if j is not None and j != i and can_be_cut(self.keys[j]):
                self._compare(i, j)

    def _join_blocks(self, i: int, key: HeadlineKey) -> None:
        """The keys sharing a block with ``key`` and worth comparing; then ``key`` joins
        those blocks."""
        candidates: set[int] = set()
        blocks = self.blocks
        for b in block_pairs(key, self.doc_freq):
            members = blocks.get(b)
            if members is None:
                blocks[b] = i
            elif type(members) is int:
                candidates.add(members)
                blocks[b] = [members, i]
            else:
                candidates.update(members)
                members.append(i)
        keys, stems = self.keys, frozenset(key.stems)
        for j in candidates:
            other = keys[j].stems
            shared = len(stems.intersection(other))
            # neither rule can join keys with more than two stems apart on both sides
            if min(len(stems), len(other)) - shared <= 1 + SPELLING_SLACK and (
                worth_comparing(key, keys[j])
            ):
                self._compare(i, j)

    def add(self, appearance: Appearance) -> None:
        """Add one headline or lead title; it is filed when stories are next read."""
        self.pending.append(appearance)

    def add_many(self, appearances) -> None:
        self.pending.extend(appearances)

    def _story_members(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def _story_id(self, root: int) -> str:
        """The id of the story rooted at ``root``: see ``story_id``."""
        texts, first = self.texts, self.first
        _, path, text = min((*first[j], texts[j]) for j in self._story_members(root))
        return story_id(text, path)

    def story_of(self, title: str) -> str | None:
        """The story id of a title already added, or None; costs the size of its story."""
        self._flush()
        i = self.by_title.get(title)
        return None if i is None else self._story_id(self._find(i))

    def story_ids(self) -> dict[int, str]:
        """Root key -> story id, from the key and path of the story's earliest appearance."""
        self._flush()
        with collector_paused():
            return dict(self._story_ids())

    def _story_ids(self) -> dict[int, str]:
        """Root key -> story id, kept between reads: only the stories that gained a key, an
        earlier appearance or another story since the last read get their id made again."""
        ids, texts, first, members = self.ids, self.texts, self.first, self.members
        find = self._find
        for root in {find(i) for i in self.changed}:
            if root in members:
                ids[root] = self._story_id(root)
            else:
                ids[root] = story_id(texts[root], first[root][1])
        self.changed.clear()
        return ids

    def settle(self) -> list[str]:
        """File what was added, make the ids of the stories that changed, and point every
        key at its story's root: the state :meth:`stories` reads from (and leaves), without
        the stories themselves. The story id of each key number."""
        self._flush()
        with collector_paused():
            ids, find = self._story_ids(), self._find
            return [ids[find(i)] for i in range(len(self.keys))]

    def stories(self) -> dict[str, list[Appearance]]:
        """Story id -> its appearances, oldest first (ties by path)."""
        return self.grouped(self.settle())

    def grouped(self, of_key: list[str]) -> dict[str, list[Appearance]]:
        """:meth:`stories` from ``of_key``, what :meth:`settle` gave with nothing added
        since."""
        if self.pending or len(of_key) != len(self.keys):
            raise ValueError("titles were added since the index was settled")
        with collector_paused():
            out: dict[str, list[Appearance]] = {}
            for i, app in zip(self.appearance_keys, self.appearances, strict=True):
                sid = of_key[i]
                apps = out.get(sid)
                if apps is None:
                    out[sid] = [app]
                else:
                    apps.append(app)
            order = attrgetter("date", "path", "title")
            for apps in out.values():
                if len(apps) > 1:
                    apps.sort(key=order)
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
