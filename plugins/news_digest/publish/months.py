"""The month directory: which monthly shards of the search index hold a word.

A search page that merged every shard before its first search downloaded one index chunk of
each month for every query: 60 chunks, 1.3 MB, at 10,000 dumps, whatever the word. The
directory is made of small Pagefind indexes (``pagefind/months/recent/`` for the newest
months, ``pagefind/months/older/`` for the others) with one page for each shard, language and
kind of page: its text is every distinct word that Pagefind indexed on
those pages (read back from the shard's fragments), its ``of`` filter the kind (``lead``,
``headline``) and its ``month`` filter the shard.

Pagefind indexes a directory page in the shard's own language, so it stems and splits each
word as it did in the shard (a word keeps its inner capitals, which Pagefind splits at),
and the search page stems a query the same way for both: a query that matches a word of a
month's shard matches that month's directory page (a quoted query is looked up without its
quotes: the directory's words are not in their order). The search page searches the
directory first (one entry, one meta file and one index chunk per part and language), then
merges only the months that hold the query, newest first, a few at a time
(theme/static/js/search.js). A dump added to the newest month makes the
``recent`` part again, whose few months cost little to index, and leaves ``older`` alone.

The words of each shard are kept in ``CACHE_PATH/news_digest/search-words/<shard>.json``
with the shard's fingerprint and a checksum, so a build that indexes one month again reads
that month's fragments alone; a missing or damaged file is made again from the installed
shard.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..site.lock import write_whole
from ..site.settings import merged_settings
from . import pagefind_files

logger = logging.getLogger(__name__)

#: The directory's folder below ``pagefind/`` (shards are named ``YYYY-MM``).
DIRECTORY = "months"
#: The directory is two indexes: ``recent`` holds the newest months, which new dumps change,
#: and ``older`` the others, made again only when one of them changes (or a new month
#: moves the boundary), so a dump added to the newest month indexes a few months' words.
RECENT_MONTHS = 3
#: Changes whenever the words kept of a shard or the directory's pages change: every words
#: record is read again and every part made again.
#: 2: words in lower case only when that splits them as Pagefind does; every kind of a page.
VERSION = 2
#: Where the words of each shard are kept between builds, below ``CACHE_PATH``.
WORDS_CACHE = ("news_digest", "search-words")
#: The kind of a page that carries no ``kind`` filter (a theme of the user's own).
NO_KIND = "page"

#: Punctuation taken off the ends of a word (Pagefind indexes "Ministers," as "ministers").
EDGE_PUNCTUATION = ".,;:!?\"'()[]{}«»“”‘’„‚‹›…"

#: What reading a damaged index raises.
UNREADABLE = (
    OSError,
    EOFError,
    zlib.error,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
)

#: ``{(language, kind): sorted words}`` of one shard.
Words = dict[tuple[str, str], list[str]]


def shard_words(folder: Path) -> Words:
    """Every distinct word of the pages of the Pagefind index in ``folder``, by language and
    kind: the whitespace-separated words of each fragment's ``content`` (the text Pagefind
    indexed), see :func:`plain_words`. Raises ``OSError``, ``EOFError``, ``zlib.error`` or
    ``ValueError`` (and the like, :data:`UNREADABLE`) when the index cannot be read."""
    entry = json.loads((folder / pagefind_files.ENTRY_FILE).read_text(encoding="utf-8"))
    found: dict[tuple[str, str], set[str]] = {}
    for language, info in sorted(entry["languages"].items()):
        payload = pagefind_files.read_pagefind(folder / f"pagefind.{info['hash']}.pf_meta")
        meta, _ = pagefind_files.decode(payload)
        for page in meta[1]:
            fragment = folder / "fragment" / f"{page[0]}.pf_fragment"
            data = json.loads(pagefind_files.read_pagefind(fragment))
            kinds = (data.get("filters") or {}).get("kind") or [NO_KIND]
            words = data["content"].split()
            for kind in kinds:
                found.setdefault((language, kind), set()).update(words)
    return {key: plain_words(words) for key, words in sorted(found.items())}


def plain_words(words: set[str]) -> list[str]:
    """``words`` without punctuation at their ends (Pagefind takes it off too), sorted, each
    once. A word is put in lower case only when it has no capital after its first letter:
    Pagefind also indexes the parts of a word with an inner capital ("JPMorgan": "jp",
    "morgan"), which it would not find in "jpmorgan"."""
    plain = set()
    for word in words:
        word = word.strip(EDGE_PUNCTUATION)
        if word[1:] == word[1:].lower():
            word = word.lower()
        if word:
            plain.add(word)
    return sorted(plain)


def words_text(words: Words) -> str:
    """The words of a shard as JSON, in the one spelling their checksum is taken of."""
    return json.dumps(
        [[language, kind, list(items)] for (language, kind), items in sorted(words.items())],
        ensure_ascii=False,
        separators=(",", ":"),
    )


class WordCache:
    """The words of each shard, kept between builds as
    ``search-words/<shard>.json`` = ``{"fingerprint", "sha256", "words"}``; a file whose
    fingerprint is not the shard's, or whose checksum does not match, is not used."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        cache_path = settings.get("CACHE_PATH")
        self.folder: Path | None = None
        if cache_path and merged_settings(settings).get("cache", True):
            self.folder = Path(cache_path).joinpath(*WORDS_CACHE)

    def _path(self, shard: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{shard}.json"

    def get(self, shard: str, fingerprint: str) -> Words | None:
        path = self._path(shard)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            text = json.dumps(data["words"], ensure_ascii=False, separators=(",", ":"))
            if data["fingerprint"] != fingerprint or data.get("version") != VERSION:
                return None
            if data["sha256"] != hashlib.sha256(text.encode("utf-8")).hexdigest():
                logger.debug("news_digest: %s not used: its checksum does not match", path)
                return None
            return {(language, kind): list(items) for language, kind, items in data["words"]}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.debug("news_digest: %s not used: %s", path, error)
            return None

    def put(self, shard: str, fingerprint: str, words: Words) -> None:
        path = self._path(shard)
        if path is None:
            return
        text = words_text(words)
        record = (
            f'{{"fingerprint":{json.dumps(fingerprint)},"version":{VERSION},'
            f'"sha256":"{hashlib.sha256(text.encode("utf-8")).hexdigest()}",'
            f'"words":{text}}}'
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_whole(path, record.encode("utf-8"))
        except OSError as error:
            logger.warning("news_digest: could not save %s: %s", path, error)

    def keep_only(self, shards: set[str]) -> None:
        """Remove the files of shards that are gone, and the temporary files of a build killed
        while it wrote one."""
        if self.folder is None or not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            gone = entry.suffix == ".json" and entry.stem not in shards
            if gone or entry.suffix == ".tmp":
                with contextlib.suppress(OSError):
                    entry.unlink()


def directory_page(shard: str, language: str, kind: str, words: list[str]) -> str:
    """The directory's page for the words of one shard's pages of one language and kind. It
    has no title: Pagefind matches a query against a page's metadata too, and a title "2023-05"
    would list every month for the query "2023"."""
    return (
        f'<!DOCTYPE html><html lang="{html.escape(language)}"><head>'
        f'<meta data-pagefind-filter="month[content]" content="{html.escape(shard)}">'
        "</head><body>"
        f'<main data-pagefind-body data-pagefind-filter="of:{html.escape(kind)}">'
        f"{html.escape(' '.join(words), quote=False)}</main></body></html>"
    )


def directory_pages(words: Mapping[str, Words]) -> dict[str, str]:
    """Path (``<language>/<kind>/<shard>.html``) -> page, for the words of every shard."""
    pages = {}
    for shard in sorted(words):
        for (language, kind), items in sorted(words[shard].items()):
            pages[f"{language}/{kind}/{shard}.html"] = directory_page(shard, language, kind, items)
    return pages


def directory_parts(shards: Iterable[str]) -> dict[str, list[str]]:
    """The parts of the directory (``recent``, ``older``), each with its shards, newest
    first; a part with no shard is left out."""
    names = sorted(shards, reverse=True)
    parts = {"recent": names[:RECENT_MONTHS], "older": names[RECENT_MONTHS:]}
    return {part: items for part, items in parts.items() if items}


def directory_fingerprint(salt: str, shards: Mapping[str, str]) -> str:
    """A digest of ``salt`` and every shard's name and fingerprint (which fix its words)."""
    digest = hashlib.sha256(f"directory\0{VERSION}\0{salt}".encode())
    for name in sorted(shards):
        digest.update(f"{name}\0{shards[name]}\0".encode())
    return digest.hexdigest()[:20]


def write_site(site: Path, pages: Mapping[str, str]) -> None:
    for rel, text in pages.items():
        path = site / rel
        os.makedirs(path.parent, exist_ok=True)
        write_whole(path, text.encode("utf-8"))


def directory_languages(folder: Path) -> list[str]:
    try:
        entry = json.loads((folder / pagefind_files.ENTRY_FILE).read_text(encoding="utf-8"))
        return sorted(entry["languages"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
