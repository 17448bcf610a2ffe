"""Pagefind search index, written into the output folder after every build, one shard a month.

Pagefind (https://pagefind.app) reads built HTML and writes a static index that the search
page loads with ``pagefind.js``. Only elements marked ``data-pagefind-body`` are indexed (the
title and text of a lead, every headline and summary of a "More headlines" page); the
templates tag them with a ``kind`` filter, a ``date:YYYY-MM-DDTHH:MM`` sort and metadata.

Each page is indexed in the language of its ``<html lang>`` (the dump's language): Pagefind
writes one index per language in a shard, and ``shards.json`` lists each shard's languages, so
that the search page merges every one of them.

One index over the whole site costs memory and time in proportion to the site (about 3 GiB
at 10,000 dumps) and is rebuilt whole on every build. So the pages are split by the month of
their ``date`` sort into shards, ``pagefind/<yyyy-mm>/``, each indexed by its own Pagefind run
over that month's pages only (in place when the month has a folder of its own, else over a
folder of hard links to them), two runs at a time:

- a shard is indexed again only when its fingerprint changed: the bytes and paths of its
  pages, Pagefind's version and the options (kept in ``pagefind/shards.json`` with the
  shard's languages, which the search page reads as well);
- a shard is written to a fresh folder and swapped in, and whatever is not part of the
  current index is removed from ``pagefind/`` (old shards, files of older layouts);
- ``pagefind/`` itself holds the one copy of ``pagefind.js``, its worker and WebAssembly, and
  a one-page "primary" index (filter ``kind:none``) that the search page opens before
  merging the shards into it (Pagefind's ``mergeIndex``);
- ``pagefind/months/`` is the month directory (:mod:`.months`): which months hold a word, so
  that the search page merges only those shards, not all of them. It is made again after
  the shards whenever one of them changed.

Pagefind writes its filter index from a hash map, so two runs over the same pages may order
the filter values differently. ``canonical_filters`` rewrites each shard's filter file with
the values sorted (and the files that name it), so a build is reproducible byte for byte.

Every run is checked (``pagefind_files.index_problem``: each file its entry and meta files
name is there and not empty, and decompresses) and bounded in time
(``NEWS_DIGEST["pagefind_timeout"]``); an installed shard found damaged (a file missing or
empty) is indexed again. The files each installed shard names are kept between builds
(:class:`ShardListings`), so an unchanged shard costs a ``stat`` of each, not a reading of
its meta file. A run that fails, times out or leaves a broken
index fails the build with one line naming the shard, after the shards that worked are
installed; the failed ones lose their fingerprint, so the next build indexes them again.

The binary comes from the ``pagefind-bin`` wheel (the ``pagefind[bin]`` dependency), so a
build needs no download. Turned off with ``NEWS_DIGEST = {"pagefind": False}``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import marshal
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..site.lock import DISK_ERRNOS, BuildStopped, write_whole
from ..site.sealed import read_sealed, sealed, write_sealed
from ..site.session import session_of
from ..site.settings import merged_settings
from . import months, pagefind_files

logger = logging.getLogger(__name__)

#: Folder below OUTPUT_PATH that holds the index; the search page's ``data-bundle``.
BUNDLE_DIR = "pagefind"
#: The list of shards, newest first, with their fingerprints.
MANIFEST = "shards.json"
#: Changes whenever the layout or the way shards are made changes: every shard is redone.
#: 3: each page indexed in its own language, the whole lead indexed.
LAYOUT_VERSION = 3
#: Pagefind runs at a time; each is itself multi-threaded, so more does not pay on 2 cores.
MAX_PARALLEL_RUNS = 2
#: What a shard keeps of Pagefind's output: the index alone (the script, its worker and
#: WebAssembly are shared from ``pagefind/``; Pagefind's own UI files are not used).
SHARD_FILES = ("pagefind-entry.json", "index", "fragment", "filter")
SHARED_FILES = ("pagefind.js", "pagefind-worker.js")
BODY_MARK = b"data-pagefind-body"
#: The ``date`` sort of a page: ``YYYY-MM-DD``, with the time of day (``THH:MM``) or not.
SORT_DATE = re.compile(rb'data-pagefind-sort="date:(\d{4})-(\d{2})-\d{2}(?:T[0-9:]+)?"')
WORK_DIR = ".work"
#: Characters with a meaning in Pagefind's ``--glob``.
GLOB_CHARS = re.compile(r"[*?\[\]{}!\\]")


def pagefind_executable() -> str | None:
    """The binary shipped in the ``pagefind_bin`` package, else ``pagefind`` on PATH."""
    try:
        import pagefind_bin
    except ImportError:
        return shutil.which("pagefind")
    try:
        return str(pagefind_bin.get_executable())
    except (FileNotFoundError, OSError):
        return shutil.which("pagefind")


def pagefind_version(executable: str) -> str:
    """The wheel's version when the binary is the wheel's, else the executable's path."""
    try:
        from importlib.metadata import version

        return "pagefind-bin " + version("pagefind_bin")
    except Exception:  # noqa: BLE001 - any failure: fall back to the path
        return executable


def pagefind_command(executable: str, site: str, output_path: str) -> list[str]:
    """The command line that indexes the pages under ``site`` into ``output_path``.

    No ``--force-language``: Pagefind reads each page's ``<html lang>`` (the dump's language,
    else ``DEFAULT_LANG``) and indexes, stems and segments it in that language, one index per
    language; the search page merges them all (``shards.json`` names them).
    """
    return [executable, "--site", site, "--output-path", output_path, "--silent"]


def primary_page(language: str) -> str:
    """The one page of the primary index; its ``kind:none`` keeps it out of every search."""
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><title>-</title></head>'
        '<body><main data-pagefind-body data-pagefind-filter="kind:none">none</main>'
        "</body></html>"
    )


# Which pages go to which shard


#: Per page of the output: ``[size, mtime_ns, shard or "", sha256]``, kept between builds in
#: ``CACHE_PATH/news_digest/``, so that an unchanged page (same size and mtime) is not read;
#: written again only when a page was added, removed or read again. A page edited by hand is
#: read again unless the edit kept both its size and its nanosecond mtime. The file is a
#: sealed file (:mod:`news_digest.site.sealed`, keyed by :func:`page_cache_key`) of the
#: records written by ``marshal``, which reads and writes them four to ten times as fast as
#: JSON.
PAGE_CACHE = ("news_digest", "search-pages.marshal")
#: The file earlier versions wrote; removed when the new one is written.
OLD_PAGE_CACHE = "search-pages.json"


def page_shard(data: bytes) -> str:
    """The shard of a page: the month of its ``date`` sort; "" when it is not indexed."""
    if BODY_MARK not in data:
        return ""
    match = SORT_DATE.search(data)
    if match is None:
        return ""
    return f"{match.group(1).decode()}-{match.group(2).decode()}"


def html_files(output: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(path relative to ``output`` with ``/``, stat) of every HTML file, the index skipped."""
    stack = [(str(output), "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel != BUNDLE_DIR:
                        stack.append((entry.path, rel + "/"))
                elif entry.name.endswith(".html"):
                    yield rel, entry.stat()


def page_record(data: bytes, stat: os.stat_result) -> list[Any]:
    """``[size, mtime_ns, shard, sha256]`` of a page with the bytes ``data`` and ``stat``."""
    return [stat.st_size, stat.st_mtime_ns, page_shard(data), hashlib.sha256(data).hexdigest()]


def note_written(settings: Mapping[str, Any], written: Mapping[str, list[Any]]) -> None:
    """Remember the records of pages a build wrote as it wrote them (the page writer knows
    their bytes), so that :func:`build_index` does not read them again. They are kept in the
    build's session, so what a build that failed before its search step left goes with it."""
    session = session_of(settings)
    if session is not None:
        session.written_pages.update(written)


def scan_pages(
    output: Path, known: Mapping[str, Any], fresh: Mapping[str, Any] | None = None
) -> dict[str, list[Any]]:
    """Every HTML page's ``[size, mtime_ns, shard, sha256]``; pages whose size and mtime
    match their record in ``fresh`` (written by this build) or ``known`` (the last scan) are
    not read again."""
    pages: dict[str, list[Any]] = {}
    fresh = fresh or {}
    for rel, stat in html_files(output):
        record = fresh.get(rel) or known.get(rel)
        if (
            isinstance(record, list)
            and len(record) == 4
            and record[:2] == [stat.st_size, stat.st_mtime_ns]
        ):
            pages[rel] = record
            continue
        pages[rel] = page_record((output / rel).read_bytes(), stat)
    return pages


def shards_of(pages: Mapping[str, list[Any]]) -> dict[str, list[str]]:
    """Shard name -> the sorted paths of its pages."""
    shards: dict[str, list[str]] = {}
    for rel in sorted(pages):
        if pages[rel][2]:
            shards.setdefault(pages[rel][2], []).append(rel)
    return shards


def indexed_pages(output: Path) -> dict[str, list[str]]:
    """Shard name -> sorted paths (relative, with ``/``) of the pages Pagefind indexes.

    A page is indexed when it has a ``data-pagefind-body`` element; its shard is the month
    of its ``date`` sort. The index folder itself is skipped.
    """
    return shards_of(scan_pages(output, {}))


def fingerprint(pages: Mapping[str, list[Any]], paths: Iterable[str], salt: str) -> str:
    """A digest of ``salt`` and every page's path and bytes (their sha256)."""
    digest = hashlib.sha256(salt.encode())
    for rel in paths:
        digest.update(f"{rel}\0{pages[rel][3]}\0".encode())
    return digest.hexdigest()[:20]


def listing_text(listings: Mapping[str, list[Any]]) -> str:
    """The shard listings as JSON, in the one spelling their checksum is taken of."""
    return json.dumps(listings, separators=(",", ":"))


def listing_checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_page_record(record: Any) -> bool:
    """``[size, mtime_ns, shard, sha256]``, as :func:`page_record` makes it."""
    return (
        isinstance(record, list)
        and len(record) == 4
        and all(isinstance(n, int) and not isinstance(n, bool) for n in record[:2])
        and all(isinstance(text, str) for text in record[2:])
    )


def page_cache_key() -> str:
    """The page cache's key: its format and ``marshal``'s version (its format is Python's
    own)."""
    return f"search-pages-1-marshal-{marshal.version}"


def page_cache_bytes(pages: Mapping[str, Any]) -> bytes:
    """The page cache file holding ``pages``."""
    return sealed(page_cache_key(), marshal.dumps(dict(pages)))


def load_page_cache(settings: Mapping[str, Any]) -> tuple[Path | None, dict[str, Any]]:
    """The page records of the last build; none when the file is missing, or damaged (its
    checksum does not match, or a record has another shape): every page is then read."""
    cache_path = settings.get("CACHE_PATH")
    if not cache_path or not merged_settings(settings).get("cache", True):
        return None, {}
    path = Path(cache_path).joinpath(*PAGE_CACHE)
    body, problem = read_sealed(path, page_cache_key())
    if body is None:
        if problem is not None:
            logger.debug("news_digest: %s not used: %s", path, problem)
        return path, {}
    try:
        pages = marshal.loads(body)
    except (EOFError, ValueError, TypeError) as error:  # passed the checksum, yet not ours
        logger.debug("news_digest: %s not used: %s", path, error)
        return path, {}
    if not isinstance(pages, dict) or not all(
        isinstance(name, str) and is_page_record(record) for name, record in pages.items()
    ):
        logger.debug("news_digest: %s not used: a record has another shape", path)
        return path, {}
    return path, pages


def save_page_cache(path: Path | None, pages: Mapping[str, list[Any]]) -> None:
    if path is None:
        return
    try:
        write_sealed(path, page_cache_key(), marshal.dumps(dict(pages)))
    except OSError as error:
        logger.warning("news_digest: could not save the search page cache: %s", error)
        return
    try:
        (path.parent / OLD_PAGE_CACHE).unlink(missing_ok=True)
    except OSError as error:
        logger.debug("news_digest: %s not removed: %s", path.parent / OLD_PAGE_CACHE, error)


def read_manifest(bundle: Path) -> dict[str, Any]:
    try:
        data = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def manifest_json(
    primary: str,
    shards: Mapping[str, str],
    languages: Mapping[str, list[str]] | None = None,
    directory: Mapping[str, Any] | None = None,
) -> str:
    """``shards.json``: the primary's fingerprint and the shards, newest month first, each
    with its fingerprint and the languages of its pages (sorted); and, when it is installed,
    the month directory's parts, each with its fingerprint and languages (``directory``, see
    :mod:`.months`)."""
    languages = languages or {}
    data: dict[str, Any] = {
        "primary": primary,
        "shards": [
            {"id": name, "hash": shards[name], "languages": languages.get(name, [])}
            for name in sorted(shards, reverse=True)
        ],
    }
    if directory is not None:
        data["directory"] = {"parts": list(directory["parts"])}
    return json.dumps(data, separators=(",", ":")) + "\n"


def shard_languages(folder: Path) -> list[str]:
    """The languages of an installed shard, as its ``pagefind-entry.json`` names them."""
    try:
        entry = json.loads((folder / SHARD_FILES[0]).read_text(encoding="utf-8"))
        return sorted(entry["languages"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


# Running Pagefind


def mirror(output: Path, site: Path, paths: Iterable[str]) -> None:
    """Hard links (copies across file systems) to ``paths`` of ``output`` under ``site``."""
    made: set[str] = set()
    src_root, dst_root = str(output), str(site)
    for rel in paths:
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(os.path.join(dst_root, folder), exist_ok=True)
            made.add(folder)
        source, target = os.path.join(src_root, rel), os.path.join(dst_root, rel)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def run_pagefind(command: list[str], timeout: float | None = None) -> str | None:
    """Run one Pagefind command for at most ``timeout`` seconds (then it is killed); the
    error text, or None when it succeeded."""
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:g} s (killed)"
    except OSError as error:
        if error.errno in DISK_ERRNOS:
            raise
        return str(error)
    if result.returncode != 0:
        return f"exit {result.returncode}: {(result.stderr or result.stdout).strip()}"
    return None


def own_folders(
    shards: Mapping[str, list[str]], names: Iterable[str] | None = None
) -> dict[str, str]:
    """Shard name -> the folder (relative, with ``/``) that holds all of its pages and no page
    of another shard, when there is one that needs no escaping in a glob; for the shards
    ``names`` only (default: all).

    With dated URLs (``YYYY/MM/DD/slug/``) a month's folder is its shard's own, and Pagefind
    can read the pages in place (``--glob "YYYY/MM/**/*.html"``), walking that folder only.
    A folder is a shard's own when the pages below it are exactly that shard's: counted in
    the sorted list of every indexed page, where the paths below ``F/`` are those from
    ``"F/"`` up to ``"F0"`` (``"0"`` follows ``"/"``).
    """
    wanted = list(shards if names is None else names)
    if not wanted:
        return {}
    every = sorted(rel for paths in shards.values() for rel in paths)
    own = {}
    for name in wanted:
        paths = shards[name]
        folder = os.path.commonpath([os.path.dirname(rel) for rel in paths])
        folder = folder.replace(os.sep, "/")
        if not folder or GLOB_CHARS.search(folder):
            continue
        below = bisect.bisect_left(every, folder + "0") - bisect.bisect_left(every, folder + "/")
        if below == len(paths):
            own[name] = folder
    return own


def index_shard(
    executable: str,
    output: Path,
    work: Path,
    name: str,
    paths: list[str],
    folder: str | None = None,
    timeout: float | None = None,
) -> str | None:
    """Index one month's ``paths`` into ``work/name/out`` and check the result; the error
    text, or None.

    Pagefind reads them in place when the shard has a ``folder`` of its own, else from a
    folder of hard links (which costs a directory per page).
    """
    out = work / name / "out"
    if folder:
        command = pagefind_command(executable, str(output), str(out))
        error = run_pagefind([*command, "--glob", f"{folder}/**/*.html"], timeout)
    else:
        site = work / name / "site"
        mirror(output, site, paths)
        error = run_pagefind(pagefind_command(executable, str(site), str(out)), timeout)
        shutil.rmtree(site, ignore_errors=True)
    if error is None:
        pagefind_files.canonical_filters(out)
        error = pagefind_files.index_problem(out, deep=True)
    return error


def words_of_new_shard(error: str | None, out: Path) -> tuple[str | None, months.Words | None]:
    """After :func:`index_shard` gave ``error``: (error text or None, the words of the shard
    just written to ``out``, for the month directory, or None)."""
    if error is not None:
        return error, None
    try:
        return None, months.shard_words(out)
    except months.UNREADABLE as problem:
        return f"its words cannot be read: {problem}", None


def index_directory(
    executable: str, work: Path, part: str, pages: Mapping[str, str], timeout: float | None = None
) -> str | None:
    """Index the ``pages`` of a part of the month directory into ``work/months/<part>/out``;
    the error or None."""
    site = work / months.DIRECTORY / part / "site"
    months.write_site(site, pages)
    out = work / months.DIRECTORY / part / "out"
    error = run_pagefind(pagefind_command(executable, str(site), str(out)), timeout)
    if error is None:
        pagefind_files.canonical_filters(out)
        error = pagefind_files.index_problem(out, deep=True)
    return error


def index_primary(
    executable: str, work: Path, language: str, timeout: float | None = None
) -> str | None:
    site = work / "primary" / "site"
    site.mkdir(parents=True, exist_ok=True)
    write_whole(site / "index.html", primary_page(language).encode("utf-8"))
    out = work / "primary" / "out"
    error = run_pagefind(pagefind_command(executable, str(site), str(out)), timeout)
    if error is None:
        pagefind_files.canonical_filters(out)
        error = pagefind_files.index_problem(out, primary=True, deep=True)
    return error


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def install_shard(out: Path, target: Path) -> None:
    """Move the index files of ``out`` to ``target``, replacing what was there."""
    fresh = target.with_name(target.name + ".new")
    remove(fresh)
    fresh.mkdir()
    for entry in out.iterdir():
        if entry.name in SHARD_FILES or entry.name.endswith(".pf_meta"):
            entry.rename(fresh / entry.name)
    remove(target)
    fresh.rename(target)


def primary_files(out: Path) -> list[Path]:
    return [
        entry
        for entry in out.iterdir()
        if entry.name in SHARD_FILES
        or entry.name in SHARED_FILES
        or entry.name.endswith((".pf_meta", ".pagefind"))
    ]


def install_primary(out: Path, bundle: Path, shards: Iterable[str]) -> None:
    """Replace the top-level files of ``bundle`` (everything but the shards) by ``out``'s."""
    keep = set(shards) | {WORK_DIR}
    for entry in bundle.iterdir():
        if entry.name not in keep:
            remove(entry)
    for entry in primary_files(out):
        entry.rename(bundle / entry.name)


def primary_names(bundle: Path) -> set[str]:
    """The top-level entries of ``bundle`` that belong to the primary index and the script."""
    names = {*SHARED_FILES, *SHARD_FILES}
    names.update(p.name for p in bundle.glob("wasm.*.pagefind"))
    try:
        entry = json.loads((bundle / SHARD_FILES[0]).read_text(encoding="utf-8"))
        names.update(f"pagefind.{lang['hash']}.pf_meta" for lang in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return names


def remove_stale(bundle: Path, keep: Iterable[str]) -> list[str]:
    """Remove every entry of ``bundle`` not named in ``keep``; returns the names removed."""
    wanted = set(keep)
    removed = []
    for entry in sorted(bundle.iterdir()):
        if entry.name not in wanted:
            remove(entry)
            removed.append(entry.name)
    return removed


#: ``CACHE_PATH/news_digest/search-shards.json``: per installed shard (``""`` for the primary
#: index), the files its index names, so that a shard that is not indexed again is checked
#: by a ``stat`` of each file, without reading its meta file again.
SHARD_CACHE = ("news_digest", "search-shards.json")


def _entry_stat(folder: Path) -> list[int] | None:
    """``[size, mtime_ns, ctime_ns, inode]`` of the index's entry file (which names its meta
    files): a shard whose entry is another file, or was written since, is read again."""
    try:
        stat = os.stat(folder / pagefind_files.ENTRY_FILE)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _is_listing(record: Any) -> bool:
    return (
        isinstance(record, list)
        and len(record) == 3
        and isinstance(record[0], str)
        and isinstance(record[1], list)
        and all(isinstance(n, int) for n in record[1])
        and isinstance(record[2], list)
        and all(isinstance(name, str) for name in record[2])
    )


class ShardListings:
    """What each installed shard's index names, kept between builds: ``{shard: [fingerprint,
    entry stat, files]}``. A shard whose fingerprint and entry file are those recorded is
    checked by its files alone (every one there, none empty); any other is read whole
    (:func:`news_digest.publish.pagefind_files.index_problem`). The file carries a checksum;
    a damaged one is not used (every shard is then read whole)."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        cache_path = settings.get("CACHE_PATH")
        self.path: Path | None = None
        if cache_path and merged_settings(settings).get("cache", True):
            self.path = Path(cache_path).joinpath(*SHARD_CACHE)
        self.known: dict[str, list[Any]] = self._load()
        #: The listings of the shards installed after this build.
        self.current: dict[str, list[Any]] = {}

    def _load(self) -> dict[str, list[Any]]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            logger.debug("news_digest: %s not used: %s", self.path, error)
            return {}
        shards = data.get("shards") if isinstance(data, dict) else None
        if not isinstance(shards, dict) or data.get("sha256") != listing_checksum(
            listing_text(shards)
        ):
            logger.debug("news_digest: %s not used: its checksum does not match", self.path)
            return {}
        if not all(_is_listing(record) for record in shards.values()):
            logger.debug("news_digest: %s not used: a record has another shape", self.path)
            return {}
        return shards

    def damage(self, bundle: Path, name: str, fingerprint: str) -> str | None:
        """What is wrong with the installed shard ``name`` (None when it is whole): a shard
        whose files were lost is indexed again even when its pages did not change."""
        folder = bundle / name if name else bundle
        known = self.known.get(name)
        entry = _entry_stat(folder)
        if known is not None and entry is not None and known[:2] == [fingerprint, entry]:
            problem = pagefind_files.files_problem(folder, known[2])
            files = known[2]
        else:
            problem, files = pagefind_files.checked_files(folder, primary=not name)
        if problem is not None:
            logger.debug(
                "news_digest: search index %s: %s; indexed again", name or "primary", problem
            )
        elif entry is not None:
            self.current[name] = [fingerprint, entry, files]
        return problem

    def installed(self, bundle: Path, name: str, fingerprint: str) -> None:
        """Shard ``name`` was just indexed, checked and installed: record what it names."""
        folder = bundle / name if name else bundle
        problem, files = pagefind_files.checked_files(folder, primary=not name)
        entry = _entry_stat(folder)
        if problem is None and entry is not None:
            self.current[name] = [fingerprint, entry, files]
        else:
            self.current.pop(name, None)

    def save(self) -> None:
        if self.path is None or self.current == self.known:
            return
        text = listing_text(self.current)
        data = {"sha256": listing_checksum(text), "shards": self.current}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_whole(self.path, json.dumps(data, separators=(",", ":")).encode("utf-8"))
        except OSError as error:
            logger.warning("news_digest: could not save %s: %s", self.path, error)


def part_name(name: str) -> str:
    """How a build's message names a part of the index."""
    if not name:
        return "shard primary"
    if name == months.DIRECTORY:
        return "month directory"
    return f"shard {name}"


def update_directory(
    settings: Mapping[str, Any],
    executable: str,
    bundle: Path,
    work: Path,
    salt: str,
    shards: Mapping[str, str],
    fresh_words: Mapping[str, months.Words],
    listings: ShardListings,
    previous: Mapping[str, Any],
    timeout: float | None,
) -> dict[str, Any] | str | None:
    """Make each part of the month directory (:mod:`.months`) of the installed ``shards``
    again when its shards changed or it is damaged: the manifest entry (``parts``, each with
    ``id``, ``hash`` and ``languages``); None when there is no shard; the error text when a
    part could not be made (the search page then merges every shard)."""
    cache = months.WordCache(settings)
    cache.keep_only(set(shards))
    if not shards:
        return None
    before = previous.get("directory")
    known = {}
    if isinstance(before, dict) and isinstance(before.get("parts"), list):
        known = {p.get("id"): p.get("hash") for p in before["parts"] if isinstance(p, dict)}
    folder = bundle / months.DIRECTORY
    parts = []
    for part, names in months.directory_parts(shards).items():
        name = f"{months.DIRECTORY}/{part}"
        print_ = months.directory_fingerprint(f"{part}\0{salt}", {n: shards[n] for n in names})
        if known.get(part) != print_ or listings.damage(bundle, name, print_) is not None:
            error = make_directory_part(
                executable,
                work,
                part,
                {n: shards[n] for n in names},
                fresh_words,
                cache,
                bundle,
                timeout,
            )
            if error is not None:
                return error
            folder.mkdir(exist_ok=True)
            install_shard(work / months.DIRECTORY / part / "out", folder / part)
            listings.installed(bundle, name, print_)
        languages = months.directory_languages(folder / part)
        parts.append({"id": part, "hash": print_, "languages": languages})
    for entry in sorted(folder.iterdir()):
        if entry.name not in {part["id"] for part in parts}:
            remove(entry)  # a part with no month left, or a file of an older layout
    return {"parts": parts}


def make_directory_part(
    executable: str,
    work: Path,
    part: str,
    shards: Mapping[str, str],
    fresh_words: Mapping[str, months.Words],
    cache: months.WordCache,
    bundle: Path,
    timeout: float | None,
) -> str | None:
    """Index the words of ``shards`` as the directory's ``part``: from the shards just
    indexed, else the cache, else the installed shard's fragments; the error or None."""
    words: dict[str, months.Words] = {}
    for name in sorted(shards):
        found = fresh_words.get(name)
        if found is None:
            found = cache.get(name, shards[name])
            if found is not None:
                words[name] = found
                continue
            try:
                found = months.shard_words(bundle / name)
            except months.UNREADABLE as error:
                # Its files are there but damaged: it goes, and the next build indexes it
                # again (its fingerprint is left out of shards.json).
                remove(bundle / name)
                return (
                    f"the words of shard {name} cannot be read ({error}); "
                    "the next build indexes it again"
                )
        cache.put(name, shards[name], found)
        words[name] = found
    return index_directory(executable, work, part, months.directory_pages(words), timeout)


def build_index(settings: Mapping[str, Any]) -> bool:
    """Index ``OUTPUT_PATH`` with Pagefind, shard by shard; returns whether an index exists.

    A missing binary is logged as a warning (so ``--fatal warnings`` stops). A run that
    fails, times out or leaves a broken index raises :class:`BuildStopped` naming the shard,
    once the shards that worked are installed and the failed ones have lost their
    fingerprint (the next build indexes them again).
    """
    session = session_of(settings)
    fresh: dict[str, list[Any]] = {}
    if session is not None:
        fresh, session.written_pages = session.written_pages, {}
    options = merged_settings(settings)
    if not options["pagefind"]:
        return False
    timeout = float(options["pagefind_timeout"])
    output = Path(settings["OUTPUT_PATH"])
    executable = pagefind_executable()
    if executable is None:
        logger.warning("news_digest: pagefind not found; the site has no search index")
        return False
    language = str(settings.get("DEFAULT_LANG") or "en")
    salt = f"{LAYOUT_VERSION}\0{pagefind_version(executable)}\0{language}\0"
    bundle = output / BUNDLE_DIR
    bundle.mkdir(parents=True, exist_ok=True)
    work = bundle / WORK_DIR
    remove(work)

    cache_file, known = load_page_cache(settings)
    scanned = scan_pages(output, known, fresh)
    pages = shards_of(scanned)
    prints = {name: fingerprint(scanned, paths, salt) for name, paths in pages.items()}
    primary_print = hashlib.sha256((salt + primary_page(language)).encode()).hexdigest()[:20]
    previous = read_manifest(bundle)
    before = {s.get("id"): s.get("hash") for s in previous.get("shards", []) if isinstance(s, dict)}
    listings = ShardListings(settings)
    todo = sorted(
        name
        for name in pages
        if before.get(name) != prints[name]
        or listings.damage(bundle, name, prints[name]) is not None
    )
    redo_primary = (
        previous.get("primary") != primary_print
        or listings.damage(bundle, "", primary_print) is not None
    )

    errors: dict[str, str] = {}
    fresh_words: dict[str, months.Words] = {}
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_RUNS, os.cpu_count() or 1)) as pool:
        folders = own_folders(pages, todo)

        def index_and_read(name: str) -> tuple[str | None, months.Words | None]:
            error = index_shard(
                executable, output, work, name, pages[name], folders.get(name), timeout
            )
            return words_of_new_shard(error, work / name / "out")

        jobs = {name: pool.submit(index_and_read, name) for name in todo}
        primary_job = None
        if redo_primary:
            primary_job = pool.submit(index_primary, executable, work, language, timeout)
        for name, job in jobs.items():
            error, words = job.result()
            if error is not None:
                errors[name] = error
            elif words is not None:
                fresh_words[name] = words
        if primary_job is not None and (error := primary_job.result()) is not None:
            errors[""] = error

    for name in todo:
        if name not in errors:
            install_shard(work / name / "out", bundle / name)
            listings.installed(bundle, name, prints[name])
    if redo_primary and "" not in errors:
        install_primary(work / "primary" / "out", bundle, [*pages, months.DIRECTORY])
        listings.installed(bundle, "", primary_print)
    # A shard that failed keeps no fingerprint: the next build indexes it again.
    kept = {name: value for name, value in prints.items() if name not in errors}
    directory = update_directory(
        settings, executable, bundle, work, salt, kept, fresh_words, listings, previous, timeout
    )
    if isinstance(directory, str):
        errors[months.DIRECTORY] = directory
        directory = None
        # A shard whose words could not be read was removed: it keeps no fingerprint.
        kept = {name: value for name, value in kept.items() if (bundle / name).is_dir()}
    remove(work)
    keep = {*pages, *primary_names(bundle), MANIFEST}
    if directory is not None:
        keep.add(months.DIRECTORY)
    stale = remove_stale(bundle, keep)
    languages = {name: shard_languages(bundle / name) for name in kept}
    manifest = manifest_json("" if "" in errors else primary_print, kept, languages, directory)
    write_whole(bundle / MANIFEST, manifest.encode("utf-8"))
    if scanned != known:
        save_page_cache(cache_file, scanned)
    # Shards gone or failed keep no listing.
    listings.current = {
        name: listing
        for name, listing in listings.current.items()
        if name not in errors
        and (name == "" or name in kept or name.startswith(f"{months.DIRECTORY}/"))
    }
    if directory is None:
        for name in [n for n in listings.current if n.startswith(f"{months.DIRECTORY}/")]:
            del listings.current[name]
    listings.save()
    if errors:
        raise BuildStopped(
            f"search index in {bundle} not built: "
            + "; ".join(f"{part_name(name)}: {errors[name]}" for name in sorted(errors))
        )
    logger.info(
        "news_digest: search index in %s: %d shards, %d indexed again, %d stale entries removed",
        bundle,
        len(pages),
        len(todo),
        len(stale),
    )
    return True
