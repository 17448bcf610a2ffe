"""The search index: monthly shards, indexed again only when their pages change, reproducible."""

from __future__ import annotations

import gzip
import hashlib
import json
import marshal
import os
import posixpath
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from news_digest.publish import months, pagefind_files, search

SETTINGS = {"NEWS_DIGEST": {}, "DEFAULT_LANG": "en"}


def page(title: str, date: str, kind: str = "lead", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head><body>'
        f'<article data-pagefind-body data-pagefind-filter="kind:{kind}" '
        f'data-pagefind-sort="date:{date}"><h1>{title}</h1><p>Some words about {title}.</p>'
        "</article></body></html>"
    )


def write_site(root: Path, pages: dict[str, str]) -> None:
    for rel, html in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")


def site_pages() -> dict[str, str]:
    return {
        "2023/04/30/a/index.html": page("Alpha", "2023-04-30"),
        "2023/04/30/a/headlines/index.html": page("Alpha news", "2023-04-30", "headline"),
        "2023/05/01/b/index.html": page("Bravo", "2023-05-01"),
        "2023/05/01/b/headlines/index.html": page("Bravo news", "2023-05-01", "headline"),
        "index.html": "<!DOCTYPE html><html><body><p>Home, not indexed</p></body></html>",
    }


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


needs_pagefind = pytest.mark.skipif(
    search.pagefind_executable() is None, reason="pagefind is not installed"
)


def test_indexed_pages_are_grouped_by_the_month_of_their_date_sort(tmp_path):
    write_site(tmp_path, site_pages())
    assert search.indexed_pages(tmp_path) == {
        "2023-04": ["2023/04/30/a/headlines/index.html", "2023/04/30/a/index.html"],
        "2023-05": ["2023/05/01/b/headlines/index.html", "2023/05/01/b/index.html"],
    }


def test_the_date_sort_may_carry_the_time_of_day():
    assert search.page_shard(page("Alpha", "2023-05-10T08:30").encode()) == "2023-05"
    assert search.page_shard(page("Alpha", "2023-05-10").encode()) == "2023-05"
    assert search.page_shard(page("Alpha", "2023-05-10Tx").encode()) == ""


@needs_pagefind
def test_each_page_is_indexed_in_the_language_of_its_html_lang(tmp_path):
    """No language forced: a German page goes to the shard's German index, which
    shards.json names, so that the search page merges it."""
    out = tmp_path / "out"
    write_site(
        out,
        {
            "2023/05/01/a/index.html": page("Heizungen bleiben kalt", "2023-05-01", lang="de"),
            "2023/05/02/b/index.html": page("He's back home", "2023-05-02"),
            "2023/04/02/c/index.html": page("Alpha", "2023-04-02"),
        },
    )
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(out)})
    bundle = out / "pagefind"
    manifest = json.loads((bundle / "shards.json").read_text())
    assert {s["id"]: s["languages"] for s in manifest["shards"]} == {
        "2023-05": ["de", "en"],
        "2023-04": ["en"],
    }
    entry = json.loads((bundle / "2023-05" / "pagefind-entry.json").read_text())
    assert entry["languages"]["de"]["page_count"] == 1
    assert entry["languages"]["en"]["page_count"] == 1
    # The German page's words are in the German index (stemmed in German: "heizung").
    german = b"".join(map(pagefind_data, (bundle / "2023-05" / "index").glob("de_*.pf_index")))
    english = b"".join(map(pagefind_data, (bundle / "2023-05" / "index").glob("en_*.pf_index")))
    assert b"heizung" in german and b"heizungen" not in german
    assert b"heizung" not in english and b"back" in english and b"back" not in german
    # The primary holds the site's language only, and the script's WebAssembly for it.
    primary = json.loads((bundle / "pagefind-entry.json").read_text())
    assert set(primary["languages"]) == {"en"}
    assert not (bundle / "2023-05" / "wasm.de.pagefind").exists()


def pagefind_data(path: Path) -> bytes:
    """A Pagefind file's CBOR bytes (its words are text strings in them)."""
    return gzip.decompress(path.read_bytes())[len(pagefind_files.SIGNATURE) :]


def test_manifest_lists_shards_newest_first():
    data = json.loads(
        search.manifest_json("p", {"2023-04": "x", "2023-05": "y"}, {"2023-05": ["de", "en"]})
    )
    assert data == {
        "primary": "p",
        "shards": [
            {"id": "2023-05", "hash": "y", "languages": ["de", "en"]},
            {"id": "2023-04", "hash": "x", "languages": []},
        ],
    }


def test_filter_values_are_sorted_and_the_files_renamed_to_match(tmp_path):
    filters = tmp_path / "filter"
    filters.mkdir()
    payload = pagefind_files.encode(["kind", [["lead", [0, 2]], ["headline", [1, 3]]]])
    (filters / "en_1234567.pf_filter").write_bytes(pagefind_files.pagefind_bytes(payload))
    # [version, pages, index chunks, filters, sorts, meta fields], as Pagefind 1.5 writes it,
    # its filters in the order of a hash map.
    meta = pagefind_files.encode(
        [
            "1.5.2",
            [["en_89abcde", 7]],
            [["a", "z", "en_2222222"]],
            [["of", "en_7654321"], ["kind", "en_1234567"]],
            [],
            ["title"],
        ]
    )
    (tmp_path / "pagefind.en_0123456789.pf_meta").write_bytes(pagefind_files.pagefind_bytes(meta))
    (tmp_path / "pagefind-entry.json").write_text(
        json.dumps({"languages": {"en": {"hash": "en_0123456789"}}})
    )
    assert pagefind_files.canonical_filters(tmp_path)
    [written] = filters.iterdir()
    data = gzip.decompress(written.read_bytes())[len(pagefind_files.SIGNATURE) :]
    assert pagefind_files.decode(data)[0] == ["kind", [["headline", [1, 3]], ["lead", [0, 2]]]]
    entry = json.loads((tmp_path / "pagefind-entry.json").read_text())
    [meta_file] = tmp_path.glob("*.pf_meta")
    assert meta_file.name == f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    new_name = written.name.removesuffix(".pf_filter")
    meta_data = gzip.decompress(meta_file.read_bytes())
    assert new_name.encode() in meta_data and b"en_1234567" not in meta_data
    listed = pagefind_files.decode(meta_data[len(pagefind_files.SIGNATURE) :])[0][3]
    assert listed == [["kind", new_name], ["of", "en_7654321"]]  # sorted by name


@needs_pagefind
def test_shards_are_indexed_again_only_when_their_pages_change(tmp_path):
    out = tmp_path / "out"
    write_site(out, site_pages())
    bundle = out / "pagefind"
    (bundle / "pagefind-ui.js").parent.mkdir(parents=True)
    (bundle / "pagefind-ui.js").write_text("from an older layout")
    settings = {**SETTINGS, "OUTPUT_PATH": str(out), "CACHE_PATH": str(tmp_path / "cache")}
    assert search.build_index(settings)
    assert (tmp_path / "cache").joinpath(*search.PAGE_CACHE).is_file()
    first = tree(bundle)
    assert "pagefind-ui.js" not in first  # stale files are removed
    assert {"pagefind.js", "pagefind-worker.js", "shards.json"} <= set(first)
    assert not any(n.startswith(("2023-04/pagefind.js", "2023-04/wasm")) for n in first)
    manifest = json.loads(first["shards.json"])
    assert [s["id"] for s in manifest["shards"]] == ["2023-05", "2023-04"]

    shard = bundle / "2023-04"
    stamp = {p: p.stat().st_mtime_ns for p in shard.rglob("*")}
    write_site(out, {"2023/05/02/c/index.html": page("Charlie", "2023-05-02")})
    assert search.build_index(settings)
    assert {p: p.stat().st_mtime_ns for p in shard.rglob("*")} == stamp  # untouched
    second = tree(bundle)
    assert second["shards.json"] != first["shards.json"]
    old_may = {n for n in first if n.startswith("2023-05/")}
    assert old_may - set(second), "the May shard was rewritten, its old files removed"

    # Same pages, fresh output: the same bytes (Pagefind's filter order made stable).
    again = tmp_path / "again"
    write_site(again, {**site_pages(), "2023/05/02/c/index.html": page("Charlie", "2023-05-02")})
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(again)})
    assert tree(again / "pagefind") == second


@needs_pagefind
def test_a_month_with_no_pages_left_loses_its_shard(tmp_path):
    out = tmp_path / "out"
    write_site(out, site_pages())
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(out)})
    for rel in ("2023/04/30/a/index.html", "2023/04/30/a/headlines/index.html"):
        (out / rel).unlink()
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(out)})
    assert not (out / "pagefind" / "2023-04").exists()


def test_a_shard_is_read_in_place_only_from_a_folder_of_its_own():
    shards = {
        "2023-04": ["2023/04/30/a/headlines/index.html", "2023/04/30/a/index.html"],
        "2023-05": ["2023/05/01/b/index.html", "2023/05/02/c/index.html"],
        "2023-06": ["stories/d/index.html"],
        "2023-07": ["stories/e/index.html", "stories/f/index.html"],
    }
    assert search.own_folders(shards) == {
        "2023-04": "2023/04/30/a",
        "2023-05": "2023/05",
        "2023-06": "stories/d",
    }  # 2023-07's pages share "stories" with 2023-06: they are linked into a folder


def own_folders_by_ancestors(shards: dict[str, list[str]]) -> dict[str, str]:
    """The plain statement of own_folders: every folder's set of shards with a page below it."""
    owners: dict[str, set[str]] = {}
    for name, paths in shards.items():
        for rel in paths:
            folder = posixpath.dirname(rel)
            while folder:
                owners.setdefault(folder, set()).add(name)
                folder = posixpath.dirname(folder)
    own = {}
    for name, paths in shards.items():
        folder = posixpath.commonpath([posixpath.dirname(rel) for rel in paths])
        if folder and owners.get(folder) == {name} and not search.GLOB_CHARS.search(folder):
            own[name] = folder
    return own


# Folder names that sort around "/" ("-" and "." before it, "0" right after), so that a page
# of one shard can sit next to another shard's folder ("a-b/", "a.b/", "a0/" next to "a/").
PARTS = st.sampled_from(["a", "a-b", "a.b", "a0", "b", "2023", "05", "x[1]"])
PAGES = st.lists(st.lists(PARTS, min_size=0, max_size=4), min_size=1, max_size=12, unique_by=tuple)


@examples(max_examples=300, deadline=None)
@given(
    pages=PAGES,
    shard_of=st.lists(st.sampled_from(["2023-04", "2023-05", "2023-06"]), min_size=12),
)
def test_own_folders_agrees_with_the_plain_statement(pages, shard_of):
    shards: dict[str, list[str]] = {}
    for parts, name in zip(pages, shard_of, strict=False):
        shards.setdefault(name, []).append("/".join([*parts, "index.html"]))
    for paths in shards.values():
        paths.sort()
    expected = own_folders_by_ancestors(shards)
    assert search.own_folders(shards) == expected
    for name in shards:  # asked for one shard, as a rebuild that indexes one month does
        assert search.own_folders(shards, [name]) == {
            k: v for k, v in expected.items() if k == name
        }
    assert search.own_folders(shards, []) == {}


def test_the_page_cache_is_saved_with_its_checksum_and_read_back(tmp_path):
    pages = {
        "2023/05/01/a/index.html": [120, 1_700_000_000_000_000_000, "2023-05", "ab" * 32],
        'odd "name"/ü/index.html': [7, 1, "", "cd" * 32],
    }
    settings = {**SETTINGS, "CACHE_PATH": str(tmp_path)}
    path, known = search.load_page_cache(settings)
    assert known == {}
    old = path.with_name(search.OLD_PAGE_CACHE)
    old.parent.mkdir(parents=True)
    old.write_text('{"sha256":"","pages":{}}', encoding="utf-8")  # an earlier version's
    search.save_page_cache(path, pages)
    assert not old.exists()
    head, _, body = path.read_bytes().partition(b"\n")
    key = search.page_cache_key().encode()
    assert head == key + b" " + hashlib.sha256(body).hexdigest().encode()
    assert marshal.loads(body) == pages
    assert search.load_page_cache(settings) == (path, pages)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data.replace(b"2023-05", b"2023-07", 1), id="flipped byte"),
        pytest.param(lambda data: data[: len(data) - 9], id="cut short"),
        pytest.param(lambda data: data.replace(b"-marshal-", b"-marshal-9", 1), id="format"),
        pytest.param(
            lambda data: search.page_cache_bytes({"a/index.html": [1, 2, "2023-05"]}),
            id="another shape",
        ),
        pytest.param(
            lambda data: search.page_cache_bytes({b"a/index.html": [1, 2, "", "ab"]}),
            id="a name not text",
        ),
        pytest.param(lambda data: b"not ours\n" + data, id="foreign"),
    ],
)
def test_a_damaged_page_cache_is_not_used(tmp_path, damage):
    pages = {"2023/05/01/a/index.html": [120, 17, "2023-05", "ab" * 32]}
    settings = {**SETTINGS, "CACHE_PATH": str(tmp_path)}
    path, _ = search.load_page_cache(settings)
    search.save_page_cache(path, pages)
    assert search.load_page_cache(settings) == (path, pages)
    path.write_bytes(damage(path.read_bytes()))
    assert search.load_page_cache(settings) == (path, {})


def indexed_site(tmp_path: Path) -> tuple[Path, Path, dict]:
    """The test site written and indexed once: ``(output, cache, settings)``."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    write_site(out, site_pages())
    settings = {**SETTINGS, "OUTPUT_PATH": str(out), "CACHE_PATH": str(cache)}
    assert search.build_index(settings)
    return out, cache, settings


@needs_pagefind
def test_an_unchanged_site_rewrites_no_index_and_no_page_cache(tmp_path):
    out, cache, settings = indexed_site(tmp_path)
    page_cache = cache.joinpath(*search.PAGE_CACHE)
    os.utime(page_cache, ns=(1_000_000_000, 1_000_000_000))
    before = tree(out / "pagefind")
    stamps = {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert search.build_index(settings)
    assert page_cache.stat().st_mtime_ns == 1_000_000_000, "unchanged page cache written again"
    assert tree(out / "pagefind") == before
    stamps.pop(out / "pagefind" / "shards.json")
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


@needs_pagefind
def test_a_page_edited_by_hand_indexes_its_shard_again(tmp_path):
    """Even when the edit keeps the page's size: the page cache compares size and mtime."""
    out, cache, settings = indexed_site(tmp_path)
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    april = {p: p.stat().st_mtime_ns for p in (out / "pagefind" / "2023-04").rglob("*")}

    edited = out / "2023/05/01/b/index.html"
    html = edited.read_text(encoding="utf-8")
    assert "Some words" in html
    stat = edited.stat()
    edited.write_text(html.replace("Some words", "Other word"), encoding="utf-8")
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert edited.stat().st_size == stat.st_size
    assert search.build_index(settings)

    again = json.loads((out / "pagefind" / "shards.json").read_text())
    hashes = {s["id"]: s["hash"] for s in manifest["shards"]}
    new_hashes = {s["id"]: s["hash"] for s in again["shards"]}
    assert new_hashes["2023-04"] == hashes["2023-04"]
    assert new_hashes["2023-05"] != hashes["2023-05"]
    assert {p: p.stat().st_mtime_ns for p in (out / "pagefind" / "2023-04").rglob("*")} == april
    _, cached = search.load_page_cache(settings)
    assert cached["2023/05/01/b/index.html"][1] == edited.stat().st_mtime_ns


@needs_pagefind
def test_pages_outside_dated_folders_are_indexed_from_links(tmp_path):
    out = tmp_path / "out"
    write_site(
        out,
        {
            "stories/a/index.html": page("Alpha", "2023-04-30"),
            "stories/b/index.html": page("Bravo", "2023-05-01"),
        },
    )
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(out)})
    for shard in ("2023-04", "2023-05"):
        entry = json.loads((out / "pagefind" / shard / "pagefind-entry.json").read_text())
        assert entry["languages"]["en"]["page_count"] == 1, shard
    assert not (out / "pagefind" / ".work").exists()


def test_pages_the_build_wrote_are_not_read_again_by_the_scan(tmp_path):
    write_site(tmp_path, site_pages())
    rel = "2023/05/01/b/index.html"
    stat = (tmp_path / rel).stat()
    told = [stat.st_size, stat.st_mtime_ns, "2023-05", "told by the page writer"]
    pages = search.scan_pages(tmp_path, {}, {rel: told})
    assert pages[rel] is told
    # A record that no longer matches the file (size, mtime) is not trusted.
    stale = [stat.st_size + 1, *told[1:]]
    data = (tmp_path / rel).read_bytes()
    assert search.scan_pages(tmp_path, {}, {rel: stale})[rel] == search.page_record(data, stat)


def test_the_page_writer_tells_the_scan_what_it_would_have_read(tmp_path):
    """The records of a real build's pages, written by the page writer, are the scan's."""
    from conftest import build, write_fixture_content

    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    _, saved = search.load_page_cache({**SETTINGS, "CACHE_PATH": str(cache)})
    assert saved == search.scan_pages(output, {})
    assert sum(1 for record in saved.values() if record[2]) > 10  # pages in a shard


# The month directory: which months hold a word


def directory_pages_of(bundle: Path) -> dict[str, dict]:
    """The month directory's pages (of every part), by URL: their words and filters."""
    folder = bundle / months.DIRECTORY
    pages = {}
    for fragment in sorted(folder.glob("*/fragment/*.pf_fragment")):
        data = json.loads(pagefind_data(fragment))
        words = set(data["content"].split())
        pages[data["url"]] = {"words": words, "filters": data["filters"]}
    return pages


@needs_pagefind
def test_the_month_directory_holds_each_months_words_by_language_and_kind(tmp_path):
    out = tmp_path / "out"
    write_site(
        out,
        {
            "2023/05/01/a/index.html": page("Heizungen bleiben kalt", "2023-05-01", lang="de"),
            "2023/05/02/b/index.html": page("Lighthouse &lt;b&gt;x", "2023-05-02"),
            "2023/05/02/b/headlines/index.html": page("Ferry news", "2023-05-02", "headline"),
            "2023/04/02/c/index.html": page("Alpha", "2023-04-02"),
        },
    )
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(out)})
    bundle = out / "pagefind"
    manifest = json.loads((bundle / "shards.json").read_text())
    [part] = manifest["directory"]["parts"]  # two months: both recent
    assert part["id"] == "recent" and part["languages"] == ["de", "en"]
    pages = directory_pages_of(bundle)
    assert set(pages) == {
        "/de/lead/2023-05.html",
        "/en/lead/2023-05.html",
        "/en/headline/2023-05.html",
        "/en/lead/2023-04.html",
    }
    assert pages["/de/lead/2023-05.html"]["filters"] == {"month": ["2023-05"], "of": ["lead"]}
    assert "heizungen" in pages["/de/lead/2023-05.html"]["words"]
    assert "heizungen" not in pages["/en/lead/2023-05.html"]["words"]
    assert "ferry" in pages["/en/headline/2023-05.html"]["words"]
    assert "ferry" not in pages["/en/lead/2023-05.html"]["words"]
    assert "alpha" in pages["/en/lead/2023-04.html"]["words"]
    # Words are the text Pagefind read: an escaped tag in a title arrives as text, and is
    # escaped again in the directory's page.
    assert "<b>x" in pages["/en/lead/2023-05.html"]["words"]
    html = months.directory_page("2023-05", "en", "lead", ["<script>x</script>", "a&b"])
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; a&amp;b" in html
    # The directory's German page is in its German index, stemmed in German.
    german = b"".join(
        map(pagefind_data, (bundle / months.DIRECTORY / "recent" / "index").glob("de_*.pf_index"))
    )
    assert b"heizung" in german and b"heizungen" not in german


@needs_pagefind
def test_the_directory_reads_again_only_the_words_of_months_indexed_again(tmp_path):
    out = tmp_path / "out"
    write_site(out, site_pages())
    cache = tmp_path / "cache"
    settings = {**SETTINGS, "OUTPUT_PATH": str(out), "CACHE_PATH": str(cache)}
    assert search.build_index(settings)
    words = cache.joinpath(*months.WORDS_CACHE)
    assert sorted(p.name for p in words.iterdir()) == ["2023-04.json", "2023-05.json"]
    april = words / "2023-04.json"
    stamp = april.stat().st_mtime_ns
    directory = json.loads((out / "pagefind" / "shards.json").read_text())["directory"]

    write_site(out, {"2023/05/02/c/index.html": page("Charlie", "2023-05-02")})
    assert search.build_index(settings)
    assert april.stat().st_mtime_ns == stamp  # April's words were not read again
    again = json.loads((out / "pagefind" / "shards.json").read_text())["directory"]
    assert again["parts"][0]["hash"] != directory["parts"][0]["hash"]
    assert "charlie" in directory_pages_of(out / "pagefind")["/en/lead/2023-05.html"]["words"]

    # A damaged record is not used: April's words are read again from its shard.
    april.write_text(april.read_text().replace("alpha", "alphx"))
    write_site(out, {"2023/05/03/d/index.html": page("Delta", "2023-05-03")})
    assert search.build_index(settings)
    assert "alphx" not in april.read_text()
    clean = tmp_path / "clean"
    write_site(
        clean,
        {
            **site_pages(),
            "2023/05/02/c/index.html": page("Charlie", "2023-05-02"),
            "2023/05/03/d/index.html": page("Delta", "2023-05-03"),
        },
    )
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(clean)})
    assert tree(out / "pagefind") == tree(clean / "pagefind")

    # A month that is gone loses its words.
    for rel in ("2023/04/30/a/index.html", "2023/04/30/a/headlines/index.html"):
        (out / rel).unlink()
    assert search.build_index(settings)
    assert sorted(p.name for p in words.iterdir()) == ["2023-05.json"]
    assert "/en/lead/2023-04.html" not in directory_pages_of(out / "pagefind")


@needs_pagefind
def test_a_directory_that_fails_stops_the_build_and_the_next_build_makes_it(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_site(out, site_pages())
    settings = {**SETTINGS, "OUTPUT_PATH": str(out), "CACHE_PATH": str(tmp_path / "cache")}
    monkeypatch.setattr(search, "index_directory", lambda *args: "exit 1: disk full")
    with pytest.raises(search.BuildStopped, match=r"month directory: exit 1: disk full"):
        search.build_index(settings)
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    # Without a directory the search page merges every shard, which are all there.
    assert "directory" not in manifest and len(manifest["shards"]) == 2
    assert not (out / "pagefind" / months.DIRECTORY).exists()
    monkeypatch.undo()
    assert search.build_index(settings)
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    assert "directory" in manifest
    recent = out / "pagefind" / months.DIRECTORY / "recent"
    assert pagefind_files.index_problem(recent) is None
    # A directory whose files were lost is made again, with the shards untouched.
    [chunk] = (recent / "index").glob("*.pf_index")
    chunk.unlink()
    assert search.build_index(settings)
    assert pagefind_files.index_problem(recent) is None


@needs_pagefind
def test_a_dump_in_the_newest_month_makes_only_the_recent_part_again(tmp_path):
    """Five months: May, April and March are the directory's recent part, February and
    January the older part, which a page added in May leaves alone; a page in February makes
    it again; a new month moves March to it. Each build gives the bytes of a clean one."""

    def month_pages(months_: list[str]) -> dict[str, str]:
        return {f"2023/{m}/10/{m}/index.html": page(f"Story{m}", f"2023-{m}-10") for m in months_}

    out = tmp_path / "out"
    pages = month_pages(["01", "02", "03", "04", "05"])
    write_site(out, pages)
    settings = {**SETTINGS, "OUTPUT_PATH": str(out), "CACHE_PATH": str(tmp_path / "cache")}
    assert search.build_index(settings)
    folder = out / "pagefind" / months.DIRECTORY
    parts = json.loads((out / "pagefind" / "shards.json").read_text())["directory"]["parts"]
    assert [part["id"] for part in parts] == ["recent", "older"]
    older = {p: p.stat().st_mtime_ns for p in (folder / "older").rglob("*")}
    recent = {p: p.stat().st_mtime_ns for p in (folder / "recent").rglob("*")}

    def same_as_clean(pages: dict[str, str]) -> None:
        clean = tmp_path / f"clean{len(pages)}"
        write_site(clean, pages)
        assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(clean)})
        assert tree(out / "pagefind") == tree(clean / "pagefind")

    added = {"2023/05/11/late/index.html": page("Latecomer", "2023-05-11")}
    write_site(out, added)
    pages.update(added)
    assert search.build_index(settings)
    assert {p: p.stat().st_mtime_ns for p in (folder / "older").rglob("*")} == older
    assert {p: p.stat().st_mtime_ns for p in (folder / "recent").rglob("*")} != recent
    assert "latecomer" in directory_pages_of(out / "pagefind")["/en/lead/2023-05.html"]["words"]
    same_as_clean(pages)

    added = {"2023/02/11/old/index.html": page("Oldtimer", "2023-02-11")}
    write_site(out, added)
    pages.update(added)
    assert search.build_index(settings)
    assert {p: p.stat().st_mtime_ns for p in (folder / "older").rglob("*")} != older
    same_as_clean(pages)

    added = month_pages(["06"])
    write_site(out, added)
    pages.update(added)
    assert search.build_index(settings)
    urls = set(directory_pages_of(out / "pagefind"))
    assert "/en/lead/2023-03.html" in urls and "/en/lead/2023-06.html" in urls
    older_pages = {json.loads(pagefind_data(f))["url"] for f in folder.glob("older/fragment/*")}
    assert older_pages == {
        "/en/lead/2023-01.html",
        "/en/lead/2023-02.html",
        "/en/lead/2023-03.html",
    }
    same_as_clean(pages)


def test_a_word_with_an_inner_capital_keeps_it_so_pagefind_splits_it_as_in_the_shard():
    words = {
        "JPMorgan,",
        "Ministers.",
        "ministers",
        "(Bavaria)",
        "YouTube",
        "«Bonjour»",
        "...",
        "e-mail",
    }
    assert months.plain_words(words) == [
        "JPMorgan",
        "YouTube",
        "bavaria",
        "bonjour",
        "e-mail",
        "ministers",
    ]


@needs_pagefind
def test_the_directory_finds_the_parts_of_a_word_with_an_inner_capital(tmp_path):
    """Pagefind indexes "morgan" for "JPMorgan" in the shard; the directory too."""
    out = tmp_path / "out"
    write_site(out, {"2023/05/01/a/index.html": page("JPMorgan buys YouTube", "2023-05-01")})
    assert search.build_index({**SETTINGS, "OUTPUT_PATH": str(out)})
    folder = out / "pagefind"
    shard = b"".join(map(pagefind_data, (folder / "2023-05" / "index").glob("*.pf_index")))
    directory = b"".join(
        map(pagefind_data, (folder / months.DIRECTORY / "recent" / "index").glob("*.pf_index"))
    )
    for part in (b"morgan", b"tube"):
        assert part in shard and part in directory, part


@needs_pagefind
def test_a_shard_whose_words_cannot_be_read_is_indexed_again_by_the_next_build(tmp_path):
    out = tmp_path / "out"
    write_site(out, site_pages())
    cache = tmp_path / "cache"
    settings = {**SETTINGS, "OUTPUT_PATH": str(out), "CACHE_PATH": str(cache)}
    assert search.build_index(settings)
    clean = tree(out / "pagefind")
    # April's words are not in the cache, and one of its fragments is damaged (there, not
    # empty: the check of an unchanged shard does not read it); a page added in May makes
    # the directory again, which reads April's words from its fragments.
    (cache.joinpath(*months.WORDS_CACHE) / "2023-04.json").unlink()
    [fragment, *_] = sorted((out / "pagefind" / "2023-04" / "fragment").iterdir())
    fragment.write_bytes(b"\x1f\x8b not gzip")
    write_site(out, {"2023/05/02/c/index.html": page("Charlie", "2023-05-02")})
    with pytest.raises(search.BuildStopped, match=r"shard 2023-04 cannot be read .*next build"):
        search.build_index(settings)
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    assert [shard["id"] for shard in manifest["shards"]] == ["2023-05"]
    assert "directory" not in manifest
    assert search.build_index(settings)
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    assert [shard["id"] for shard in manifest["shards"]] == ["2023-05", "2023-04"]
    assert "/en/lead/2023-04.html" in directory_pages_of(out / "pagefind")
    assert (
        tree(out / "pagefind")["2023-04/pagefind-entry.json"]
        == clean["2023-04/pagefind-entry.json"]
    )
