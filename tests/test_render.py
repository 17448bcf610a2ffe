"""Stable pagination, page fingerprints and the parse cache (news_digest.incremental.render,
.cache)."""

from __future__ import annotations

import datetime as dt
import logging
import marshal
import shutil
import sys
from pathlib import Path

from conftest import REPO_ROOT, build, write_fixture_content
from news_digest.incremental import render
from news_digest.incremental.render import fingerprint
from news_digest.site.pagination import LATEST, PageLabel, pagers, stable_pages

SETTINGS = {
    "PAGINATION_PATTERNS": (
        (1, "{url}", "{save_as}"),
        (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
    )
}


def _pages(count: int, per_page: int = 3):
    items = list(range(count, 0, -1))  # newest first: 7, 6, ..., 1
    return stable_pages(items, per_page, "", "index.html", SETTINGS)


def test_pages_are_counted_from_the_oldest_and_the_first_holds_the_rest():
    pages = _pages(8)
    assert [(p.stable_number, p.url, p.object_list) for p in pages] == [
        (None, "", [8, 7, 6, 5, 4]),
        (1, "page/1/", [3, 2, 1]),
    ]
    assert pages[1].save_as == "page/1/index.html"


def test_a_new_dump_changes_the_first_page_only_until_it_fills():
    before = {p.url: p.object_list for p in _pages(10)}
    after = {p.url: p.object_list for p in _pages(11)}
    changed = {url for url in after if before.get(url) != after[url]}
    assert changed == {""}
    # 12 items: the newest full page gets its number; older pages keep theirs.
    grown = {p.url: p.object_list for p in _pages(12)}
    assert {url for url in grown if after.get(url) != grown[url]} == {"", "page/3/"}


def test_few_items_make_one_page_without_navigation():
    pages = _pages(3)
    assert [p.stable_number for p in pages] == [None]
    assert pagers(pages)[0].links == []


def test_pager_marks_the_current_page_and_links_newer_and_older():
    pages = _pages(20)  # first page + pages 5, 4, 3, 2, 1
    nav = pagers(pages)
    assert nav[0].previous_url is None and nav[0].next_url == "page/5/"
    labels = [(label, current) for label, _, current in nav[2].links]
    assert (PageLabel("page", 4), True) in labels and labels[0] == (LATEST, False)
    assert labels[-1] == (PageLabel("page", 1), False)
    assert nav[-1].next_url is None and nav[-1].previous_url == "page/2/"


def test_a_fingerprint_hashes_equal_values_alike_and_tells_others_apart():
    one = ("2023/05/01/a/", ["".join(["Bridge", " closed"]), 3, True, None], {"k": 1.5})
    shared = "Bridge closed"
    other = ("2023/05/01/a/", [sys.intern(shared), 3, True, None], {"k": 1.5})
    assert fingerprint(one, (shared, shared)) == fingerprint(other, ("Bridge closed", shared))
    assert fingerprint(one) != fingerprint(("2023/05/01/a/", ["Bridge closed", 3, 1, None]))
    assert fingerprint([1]) != fingerprint((1,))
    # Not plain data: hashed by its repr, the same for equal values.
    day = dt.date(2023, 5, 1)
    assert fingerprint(day, "x") == fingerprint(dt.date(2023, 5, 1), "x")
    assert fingerprint(day, "x") != fingerprint("2023-05-01", "x")


def test_every_page_key_of_a_build_is_plain_data(tmp_path: Path, monkeypatch):
    """Page keys are hashed by their marshal bytes; an object that is not plain data (a
    dataclass, a date, a named tuple) makes a key hashed by its repr, three times slower."""
    not_plain: list[str] = []

    class Recording:
        @staticmethod
        def dumps(value, version):
            try:
                return marshal.dumps(value, version)
            except ValueError:
                not_plain.append(repr(value)[:300])
                raise

    monkeypatch.setattr(render, "marshal", Recording)
    content = tmp_path / "content"
    write_fixture_content(content)
    shutil.copytree(REPO_ROOT / "content", content / "demo")  # stories, topics, sources
    options = {"CACHE_PATH": str(tmp_path / "cache"), "DEFAULT_PAGINATION": 2}
    site = build("pelicanconf.py", content, tmp_path / "output", **options)
    assert any(site.output.glob("stories/*/index.html")), "no story page to check"
    assert any(site.output.glob("topics/*/index.html")), "no topic page to check"
    assert site.path("page/1/").is_file(), "no second page of the home page to check"
    assert not_plain == []


def test_a_rebuild_writes_only_what_changed(tmp_path: Path):
    content = tmp_path / "content"
    write_fixture_content(content)
    output = tmp_path / "output"
    cache = tmp_path / "cache"
    options = {"CACHE_PATH": str(cache), "DEFAULT_PAGINATION": 2}
    build("pelicanconf.py", content, output, **options)
    lead = output / "2023/05/10/harbour-bridge-closed-after-cracks-found/index.html"
    stamp = lead.stat().st_mtime_ns
    assert (cache / "news_digest" / "parse.pickle").is_file()

    again = build("pelicanconf.py", content, output, **options)
    assert lead.stat().st_mtime_ns == stamp, "an unchanged page is not written again"
    # A dump that is not text is reported again when its parse comes from the cache.
    broken = [m for m in again.messages(logging.WARNING) if "2023-05-13-broken.txt" in m]
    assert len(broken) == 1 and "dump skipped" in broken[0]

    # A new dump that shares no story with it (a copy would: its lead page then names the
    # story, seen on two days; tests/test_stories_pages.py).
    (content / "2023-06-03-pier.txt").write_text(
        "Pier reopens after winter repairs\nThe pier reopened on Saturday.\n"
        "(editor-in-charge:Kim Oh)\n- Beach huts for rent\n",
        encoding="utf-8",
    )
    site = build("pelicanconf.py", content, output, **options)
    assert lead.stat().st_mtime_ns == stamp
    assert site.path("2023/06/03/pier-reopens-after-winter-repairs/").is_file()
    home = site.path("").read_text(encoding="utf-8")
    assert "2023/06/03/pier-reopens-after-winter-repairs/" in home


def test_summary_line_counts_dumps_pages_and_warnings():
    from news_digest.incremental.render import RenderStats
    from news_digest.site.progress import summary

    line = summary(10000, RenderStats(pages=22362, written=7, unchanged=22355), 1, 1.94)
    assert line == (
        "Built 10000 dumps, 22362 pages (7 written, 22355 unchanged), 1 warning in 1.9 s"
    )


def test_an_edited_dump_rewrites_its_pages(tmp_path: Path):
    content = tmp_path / "content"
    write_fixture_content(content)
    output = tmp_path / "output"
    options = {"CACHE_PATH": str(tmp_path / "cache")}
    build("pelicanconf.py", content, output, **options)
    dump = content / "2023-05-10-harbour.txt"
    digest = output / "2023/05/10/harbour-bridge-closed-after-cracks-found/headlines/index.html"
    text = dump.read_text(encoding="utf-8")
    old = "Museum returns bronzes to Benin"
    assert old in text and old in digest.read_text(encoding="utf-8")
    dump.write_text(text.replace(old, "Museum keeps its bronzes"), encoding="utf-8")

    build("pelicanconf.py", content, output, **options)
    page = digest.read_text(encoding="utf-8")
    assert "Museum keeps its bronzes" in page and old not in page


def test_parse_cache_trusts_an_unchanged_stat_but_not_a_rewrite_or_a_recent_one(
    tmp_path: Path, monkeypatch
):
    import os

    from news_digest.incremental import cache
    from news_digest.incremental.cache import RACY_NS, ParseStore

    def later_store() -> ParseStore:
        """A store of a build that starts well after the file was written."""
        store = ParseStore(cache_file)
        store.started_ns += 10 * RACY_NS
        return store

    dump = tmp_path / "a.txt"
    dump.write_bytes(b"Title one\n\nA paragraph of the lead story that is long enough.\n")
    cache_file = tmp_path / "parse.pickle"
    first = later_store()
    first.fill([("a.txt", str(dump))], workers=1)
    first.close()
    assert "a.txt" in first.stats

    # Unchanged stat: the file is not hashed again.
    second = later_store()
    with monkeypatch.context() as patch:
        patch.setattr(cache.hashlib, "sha1", None)  # any hashing would fail
        second.fill([("a.txt", str(dump))], workers=1)
    assert second.keys["a.txt"] == first.keys["a.txt"]
    second.close()

    # Same size and mtime, other bytes (as cp -p or touch -r leave it): the ctime tells.
    stat = dump.stat()
    dump.write_bytes(dump.read_bytes().replace(b"one", b"two"))
    os.utime(dump, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    third = later_store()
    third.fill([("a.txt", str(dump))], workers=1)
    key = third.keys["a.txt"]
    assert key != first.keys["a.txt"]
    sha, view = third.take("a.txt")
    assert sha == key[1] and view["lead_title"] == "Title two"

    # A file changed moments before the build is hashed, and hashed again next time.
    recent = ParseStore(cache_file)
    recent.fill([("a.txt", str(dump))], workers=1)
    assert "a.txt" not in recent.stats


def test_parse_cache_holds_plain_views_with_the_report_entry(tmp_path: Path):
    import pickle

    from news_digest.incremental import records
    from news_digest.incremental.cache import MAGIC, parser_version
    from news_digest.parse.view import dump_view

    content = tmp_path / "content"
    write_fixture_content(content)
    cache = tmp_path / "cache"
    build("pelicanconf.py", content, tmp_path / "output", CACHE_PATH=str(cache))
    loaded = records.load(cache / "news_digest" / "parse.pickle", (MAGIC, parser_version()))
    views = {key[0]: pickle.loads(blob) for key, blob in loaded.records}
    harbour = views["2023-05-10-harbour.txt"]
    assert harbour["lead_title"] == "Harbour bridge closed after cracks found"
    assert harbour["entry"]["source"] == "2023-05-10-harbour.txt"
    assert [item[2] for item in harbour["headlines"]].count("reference") == 2

    from news_digest.parse.parser import parse_bytes

    data = (content / "2023-05-10-harbour.txt").read_bytes()
    assert harbour == dump_view(
        parse_bytes(data, "2023-05-10-harbour.txt"), "2023-05-10-harbour.txt"
    )


def test_many_dumps_are_parsed_by_workers_while_pelican_reads(tmp_path: Path, caplog):
    """Past MIN_PARALLEL_DUMPS, forked workers parse while the reader takes their answers;
    every dump gets its pages, and a rebuild takes every parse from the cache file."""
    from news_digest.incremental.cache import MIN_PARALLEL_DUMPS

    content = tmp_path / "content"
    count = MIN_PARALLEL_DUMPS + 16
    _many_dumps(content, count)
    output = tmp_path / "output"
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"workers": 2}}
    build("pelicanconf.py", content, output, **options)
    leads = sorted(output.glob("2023/05/*/story-number-*-makes-news/index.html"))
    assert len(leads) == count
    assert "Desk 17" in (output / "2023/05/18/story-number-17-makes-news/index.html").read_text()

    with caplog.at_level(logging.DEBUG, logger="news_digest.incremental.cache"):
        build("pelicanconf.py", content, output, **options)
    assert f"{count} dumps from the parse cache, 0 to parse" in caplog.text


def _many_dumps(content: Path, count: int) -> None:
    content.mkdir()
    for n in range(count):
        (content / f"2023-05-{1 + n % 28:02d}-story-{n}.txt").write_text(
            f"Story number {n} makes news\nThe first paragraph of story {n} says what happened.\n"
            f"(editor-in-charge:Desk {n})\n- Another headline for story {n}\n",
            encoding="utf-8",
        )


def test_a_parse_that_fails_in_a_worker_is_reported_on_its_own_file(tmp_path, monkeypatch):
    """An unforeseen exception in one worker's parse costs that dump only: the reader parses
    it again itself, and Pelican names that file; every other dump is built."""
    from news_digest.incremental import cache
    from news_digest.incremental.cache import MIN_PARALLEL_DUMPS

    real_view = cache._view
    bad = "2023-05-05-story-4.txt"

    def view(item):
        if item[1] == bad:
            raise RuntimeError("parser bug")
        return real_view(item)

    monkeypatch.setattr(cache, "_view", view)  # the forked workers inherit it
    content = tmp_path / "content"
    count = MIN_PARALLEL_DUMPS + 16
    _many_dumps(content, count)
    output = tmp_path / "output"
    site = build(
        "pelicanconf.py",
        content,
        output,
        CACHE_PATH=str(tmp_path / "cache"),
        NEWS_DIGEST={"workers": 2},
    )
    leads = list(output.glob("2023/05/*/story-number-*-makes-news/index.html"))
    assert len(leads) == count - 1
    errors = site.messages(logging.ERROR)
    assert len(errors) == 1 and bad in errors[0]


def test_a_cache_that_cannot_be_written_costs_one_warning(tmp_path, monkeypatch):
    from news_digest.incremental import cache, records

    def full(self, record):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(records.Writer, "add", full)
    content = tmp_path / "content"
    _many_dumps(content, cache.MIN_PARALLEL_DUMPS + 16)
    output = tmp_path / "output"
    folder = tmp_path / "cache"
    site = build("pelicanconf.py", content, output, CACHE_PATH=str(folder))
    assert len(list(output.glob("2023/05/*/story-number-*-makes-news/index.html"))) == 80
    warnings = [m for m in site.messages(logging.WARNING) if "parse cache" in m]
    assert len(warnings) == 1 and "No space left" in warnings[0]
    assert not list((folder / "news_digest").glob("*.tmp"))
    assert not (folder / "news_digest" / "parse.pickle").exists()


def test_a_new_run_stops_what_a_failed_run_left(tmp_path):
    """A run that failed before its end leaves its workers and its unfinished cache file;
    the next run's store stops them."""
    from news_digest.incremental import cache
    from news_digest.site.session import BuildSession

    content = tmp_path / "content"
    _many_dumps(content, cache.MIN_PARALLEL_DUMPS + 16)
    folder = tmp_path / "cache"
    failed = {"CACHE_PATH": str(folder), "NEWS_DIGEST": {"workers": 2}}
    BuildSession(failed, str(tmp_path / "output"))
    names = sorted(p.name for p in content.iterdir())
    store = cache.preparse(failed, str(content), names)
    assert store._pool is not None and list((folder / "news_digest").glob("*.tmp"))
    store.take(names[0])

    settings = {"CACHE_PATH": str(folder)}
    session = BuildSession(settings, str(tmp_path / "output"))  # the next run
    cache.start(settings)
    assert store._pool is None
    assert not list((folder / "news_digest").glob("*.tmp"))
    cache.finish(settings)
    session.close()


def test_a_dump_changed_between_hash_and_parse_is_not_taken(tmp_path):
    """The parse is of the bytes a worker read; if they are not those hashed, the reader is
    told to read the file itself (so the parse and its hash never disagree)."""
    from news_digest.incremental.cache import ParseStore

    dump = tmp_path / "a.txt"
    dump.write_bytes(b"Title one\n\nA paragraph of the lead story that is long enough.\n")
    store = ParseStore(None)
    store.fill([("a.txt", str(dump))], workers=1)  # one process: parsed when first asked
    dump.write_bytes(b"Title two\n\nA paragraph of the lead story that is long enough.\n")
    assert store.take("a.txt") is None


def test_every_view_has_exactly_the_keys_the_cache_accepts():
    """A key added to :func:`dump_view` but not to ``VIEW_KEYS`` would make the parse cache
    drop every entry as damaged."""
    from news_digest.parse.parser import parse_bytes
    from news_digest.parse.view import VIEW_KEYS, dump_view

    for text in (b"Title\nA paragraph.\n", b"", b"<!DOCTYPE html><html><title>T</title></html>"):
        digest = parse_bytes(text, "2023-05-10-x.txt")
        assert dump_view(digest, "2023-05-10-x.txt").keys() == VIEW_KEYS
