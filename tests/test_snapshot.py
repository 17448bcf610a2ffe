"""The article snapshot (news_digest.incremental.snapshot): unchanged dumps' articles from the last
build."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import build, write_fixture_content
from news_digest.incremental import records, snapshot
from news_digest.incremental.snapshot import ArticleSnapshot, SnapshotArticle

#: Fixture dumps that the reader reads without a warning (the others are read every time).
CLEAN = {
    "2023-05-10-harbour.txt",
    "2023/05/11/a-council.txt",
    "2023/05/11/b-council.txt",
    "2023-06-01/pandas.txt",
    "2022-12-31-lighthouse.TXT",
}


@pytest.fixture
def snapshots(monkeypatch) -> list[SimpleNamespace]:
    """``hits`` and ``kept`` of the snapshot of every build that follows, in order, as
    they are when every dump is read."""
    seen: list[SimpleNamespace] = []
    finish = snapshot.finish

    def spy(generator):
        kept: ArticleSnapshot = generator.cache_data.__self__
        seen.append(SimpleNamespace(hits=kept.hits, kept=dict(kept.kept)))
        finish(generator)
        assert kept.kept == {} and kept.saved == {}, "let go once saved"

    monkeypatch.setattr(snapshot, "finish", spy)
    return seen


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "pagefind" not in p.parts
    }


def _sources(kept: SimpleNamespace) -> set[str]:
    return {name.removeprefix("./") for name in kept.kept}


def test_unchanged_dumps_come_from_the_snapshot_and_make_the_same_site(tmp_path, snapshots):
    content, output = tmp_path / "content", tmp_path / "output"
    write_fixture_content(content)
    options = {"CACHE_PATH": str(tmp_path / "cache"), "DEFAULT_PAGINATION": 2}
    first = build("pelicanconf.py", content, output, **options)
    assert snapshots[0].hits == 0 and _sources(snapshots[0]) == CLEAN
    assert _snapshot_file(tmp_path / "cache").is_file()
    before = _files(output)
    report = (tmp_path / "cache" / "parse-report.json").read_bytes()

    # Every page is rendered again, from articles out of the snapshot.
    shutil.rmtree(output)
    second = build("pelicanconf.py", content, output, **options)
    assert snapshots[1].hits == len(CLEAN)
    assert _files(output) == before
    assert (tmp_path / "cache" / "parse-report.json").read_bytes() == report
    # Dumps with warnings are read again, so every build reports them.
    for level in (logging.WARNING, logging.ERROR):
        assert second.messages(level) == first.messages(level)
    assert any("undated-clock.txt" in m for m in second.messages(logging.WARNING))


def test_a_changed_dump_or_setting_is_read_again(tmp_path, snapshots):
    content, output = tmp_path / "content", tmp_path / "output"
    write_fixture_content(content)
    options = {"CACHE_PATH": str(tmp_path / "cache")}
    build("pelicanconf.py", content, output, **options)
    dump = content / "2023-05-10-harbour.txt"
    dump.write_text(dump.read_text(encoding="utf-8").replace("Benin", "Nigeria"), "utf-8")

    build("pelicanconf.py", content, output, **options)
    assert snapshots[1].hits == len(CLEAN) - 1
    digest = output / "2023/05/10/harbour-bridge-closed-after-cracks-found/headlines/index.html"
    assert "Museum returns bronzes to Nigeria" in digest.read_text(encoding="utf-8")

    site = build(
        "pelicanconf.py",
        content,
        output,
        ARTICLE_URL="news/{slug}/",
        ARTICLE_SAVE_AS="news/{slug}/index.html",
        **options,
    )
    assert snapshots[2].hits == 0
    assert site.path("news/harbour-bridge-closed-after-cracks-found/").is_file()
    # Each set of settings has a snapshot of its own (make html, make publish).
    assert len(list((tmp_path / "cache" / "news_digest").glob(snapshot.SNAPSHOT_GLOB))) == 2
    build("pelicanconf.py", content, output, **options)
    assert snapshots[3].hits == len(CLEAN)


def test_an_article_another_plugin_made_unpicklable_is_read_every_time(tmp_path, snapshots):
    from pelican import signals

    def add_handle(article):
        article.handle = lambda: None  # a lambda cannot be pickled

    signals.content_object_init.connect(add_handle)
    try:
        content, output = tmp_path / "content", tmp_path / "output"
        write_fixture_content(content)
        options = {"CACHE_PATH": str(tmp_path / "cache")}
        build("pelicanconf.py", content, output, **options)
        site = build("pelicanconf.py", content, output, **options)
    finally:
        signals.content_object_init.disconnect(add_handle)
    assert snapshots[0].kept == {} and snapshots[1].hits == 0
    assert site.path("2023/05/10/harbour-bridge-closed-after-cracks-found/").is_file()


def _lazy(path: Path, blob: bytes | None) -> SnapshotArticle:
    article = SnapshotArticle.__new__(SnapshotArticle)
    article.__dict__.update(
        source_path=str(path), dump_source=path.name, metadata={}, _snapshot_view=blob
    )
    return article


def test_the_text_is_read_when_first_asked_for(tmp_path):
    from conftest import LEAD_DUMP
    from news_digest.incremental.cache import view_of
    from news_digest.site.reader import text_fields

    path = tmp_path / "2023-05-10-harbour.txt"
    path.write_text(LEAD_DUMP, encoding="utf-8")
    expected = text_fields(view_of(path.read_bytes(), path.name, None))
    assert expected["headlines"] and expected["paragraphs"]

    from_file = _lazy(path, None)
    assert not hasattr(from_file, "handle") and "_snapshot_view" in from_file.__dict__
    assert from_file.headlines == expected["headlines"]
    assert from_file.metadata["paragraphs"] == expected["paragraphs"]
    assert from_file.news_headlines == expected["news_headlines"]

    # The parse the build found is used before the file: here, another dump's.
    other = view_of(b"Other title\n\nOne paragraph of text here.\n", "b.txt", None)
    from_parse = _lazy(path, pickle.dumps(other))
    assert from_parse.paragraphs == ("One paragraph of text here.",)


def test_a_dump_gone_before_its_text_is_read_gives_an_empty_page_and_a_warning(tmp_path, caplog):
    article = _lazy(tmp_path / "gone.txt", None)
    with caplog.at_level(logging.WARNING):
        assert article.headlines == () and article.paragraphs == ()
    assert "gone.txt: could not be read again" in caplog.text


def test_a_second_run_in_one_process_reports_and_keeps_the_snapshot(tmp_path, snapshots):
    """``pelican -r`` runs one Pelican again and again after one ``initialized``."""
    from conftest import REPO_ROOT
    from pelican import Pelican
    from pelican.settings import read_settings

    content, cache = tmp_path / "content", tmp_path / "cache"
    write_fixture_content(content)
    settings = read_settings(
        str(REPO_ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "CACHE_PATH": str(cache),
        },
    )
    pelican = Pelican(settings=settings)
    pelican.run()
    report = cache / "parse-report.json"
    report.unlink()
    pelican.run()
    assert snapshots[1].hits == len(CLEAN) and _sources(snapshots[1]) == CLEAN
    assert '"undated-clock.txt"' in report.read_text(encoding="utf-8")


def _snapshot_file(cache: Path) -> Path:
    """The one snapshot file in ``cache``."""
    (file,) = (cache / "news_digest").glob(snapshot.SNAPSHOT_GLOB)
    return file


def _records_of(file: Path) -> list[str]:
    """The paths of a snapshot file's records, in file order."""
    header = records.read_header(file)
    assert header[0] == snapshot.MAGIC
    loaded = records.load(file, header)
    assert loaded is not None and loaded.whole
    return [name.removeprefix("./") for name, _, _ in loaded.records]


def test_the_snapshot_is_appended_to_and_left_alone_when_nothing_is_read(tmp_path, snapshots):
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    file = _snapshot_file(cache)
    assert sorted(_records_of(file)) == sorted(CLEAN)
    stamp = file.stat().st_mtime_ns

    (content / "2023-06-01" / "pandas.txt").unlink()  # its record stays, and is never taken
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert snapshots[1].hits == len(CLEAN) - 1
    assert file.stat().st_mtime_ns == stamp

    shutil.copy(content / "2023-05-10-harbour.txt", content / "2023-07-01-harbour.txt")
    dump = content / "2023-05-10-harbour.txt"
    dump.write_text(dump.read_text(encoding="utf-8").replace("Benin", "Togo"), "utf-8")
    parse_cache = cache / "news_digest" / "parse.pickle"
    before = (file.stat().st_ino, parse_cache.stat().st_ino, parse_cache.stat().st_size)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert snapshots[2].hits == len(CLEAN) - 2
    # Both files appended to in place, not replaced.
    assert (file.stat().st_ino, parse_cache.stat().st_ino) == before[:2]
    assert parse_cache.stat().st_size > before[2]
    names = _records_of(file)
    assert names[: len(CLEAN)] == sorted(CLEAN, key=names.index)  # the old file, untouched
    assert sorted(names[len(CLEAN) :]) == ["2023-05-10-harbour.txt", "2023-07-01-harbour.txt"]

    site = build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert snapshots[3].hits == len(CLEAN)  # the later record of a path wins
    digest = "2023/05/10/harbour-bridge-closed-after-cracks-found/headlines/"
    assert "Museum returns bronzes to Togo" in site.path(digest).read_text(encoding="utf-8")


def test_a_snapshot_with_too_many_dead_records_is_written_anew(tmp_path, snapshots, monkeypatch):
    monkeypatch.setattr(records, "MIN_DEAD", 0)
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    file = _snapshot_file(cache)
    (content / "2023-06-01" / "pandas.txt").unlink()
    (content / "2022-12-31-lighthouse.TXT").unlink()  # 2 dead of 3 live: over a quarter
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert sorted(_records_of(file)) == sorted(
        CLEAN - {"2023-06-01/pandas.txt", "2022-12-31-lighthouse.TXT"}
    )
    assert not list(file.parent.glob("*.tmp"))


def test_a_file_cut_short_keeps_its_whole_records(tmp_path):
    path = tmp_path / "records.pickle"
    writer = records.Writer(path, "header", None, append=False)
    for number in range(3):
        writer.add(("record", number))
    writer.finish({"stats": 1})
    whole = records.load(path, "header")
    assert whole.records == [("record", 0), ("record", 1), ("record", 2)]
    assert whole.trailer == {"stats": 1} and whole.whole
    assert records.load(path, "other header") is None

    appended = records.Writer(path, "header", whole, append=True)
    assert appended.appending
    appended.add(("record", 3))
    appended.finish({"stats": 2})
    again = records.load(path, "header")
    assert [r[1] for r in again.records] == [0, 1, 2, 3] and again.trailer == {"stats": 2}

    data = path.read_bytes()
    path.write_bytes(data[: again.end - 3])  # killed while appending record 3
    cut = records.load(path, "header")
    assert [r[1] for r in cut.records] == [0, 1, 2] and cut.trailer is None and not cut.whole
    assert not records.worth_appending(cut, 3)


def _one_record_file(path: Path) -> records.Loaded:
    """A finished record file at ``path`` holding ``("record", 0)``, as loaded."""
    writer = records.Writer(path, "header", None, append=False)
    writer.add(("record", 0))
    writer.finish()
    return records.load(path, "header")


def test_a_locked_file_is_not_appended_to(tmp_path):
    import fcntl

    path = tmp_path / "records.pickle"
    loaded = _one_record_file(path)
    with open(path, "rb") as other:
        fcntl.flock(other, fcntl.LOCK_EX)  # another build appends to it
        second = records.Writer(path, "header", loaded, append=True)
        assert not second.appending
        second.add(("record", 1))
        second.finish()
    assert [r[1] for r in records.load(path, "header").records] == [1]


def test_a_snapshot_that_cannot_be_written_costs_one_warning(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(records.tempfile, "mkstemp", full)  # the parse cache's too
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    site = build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert site.path("2023/05/10/harbour-bridge-closed-after-cracks-found/").is_file()
    warnings = [m for m in site.messages(logging.WARNING) if "article snapshot" in m]
    assert len(warnings) == 1 and "No space left" in warnings[0]
    assert not list((cache / "news_digest").glob(snapshot.SNAPSHOT_GLOB))


def test_a_file_changed_since_it_was_read_is_not_appended_to(tmp_path):
    path = tmp_path / "records.pickle"
    loaded = _one_record_file(path)
    other = records.Writer(path, "header", loaded, append=True)  # another build appends
    other.add(("record", 1))
    other.finish()
    late = records.Writer(path, "header", loaded, append=True)
    assert not late.appending, "the offset it read is no longer where the file ends"
    late.add(("record", 2))
    late.finish()
    assert [r[1] for r in records.load(path, "header").records] == [2]


def test_only_the_most_recent_snapshots_are_kept(tmp_path):
    folder = tmp_path / "news_digest"
    folder.mkdir()
    import os

    for number in range(6):
        path = snapshot.snapshot_file(folder, f"{number:016d}")
        path.write_bytes(b"")
        os.utime(path, ns=(number * 10**9, number * 10**9))
    current = snapshot.snapshot_file(folder, f"{0:016d}")  # the oldest, but this build's
    snapshot.prune(folder, current)
    left = sorted(p.name for p in folder.glob(snapshot.SNAPSHOT_GLOB))
    assert left == [
        current.name,
        *(snapshot.snapshot_file(folder, f"{n:016d}").name for n in (4, 5)),
    ]


def test_a_dump_dated_in_the_future_by_the_build_day_is_read_again(
    tmp_path, snapshots, monkeypatch
):
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1683720000")  # 10 May 2023: pandas is "future"
    site = build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert any("pandas.txt" in m and "future" in m for m in site.messages(logging.WARNING))
    assert "2023-06-01/pandas.txt" not in _sources(snapshots[1])


def test_a_run_after_a_failed_run_in_one_process_reports_afresh(tmp_path, monkeypatch):
    from conftest import REPO_ROOT
    from news_digest.site.generators import DigestGenerator
    from pelican import Pelican
    from pelican.settings import read_settings

    content, cache = tmp_path / "content", tmp_path / "cache"
    write_fixture_content(content)
    override = {"PATH": str(content), "OUTPUT_PATH": str(tmp_path / "out")}
    settings = read_settings(
        str(REPO_ROOT / "pelicanconf.py"), override={**override, "CACHE_PATH": str(cache)}
    )
    pelican = Pelican(settings=settings)
    write = DigestGenerator.generate_output

    def broken(self, writer):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(DigestGenerator, "generate_output", broken)
    with pytest.raises(RuntimeError):
        pelican.run()
    monkeypatch.setattr(DigestGenerator, "generate_output", write)
    (content / "2023-05-12-leadless.txt").unlink()
    pelican.run()
    report = (cache / "parse-report.json").read_text(encoding="utf-8")
    assert "2023-05-12-leadless.txt" not in report and "2023-05-10-harbour.txt" in report


def test_another_plugin_that_shapes_articles_keys_the_snapshot_with_its_code(tmp_path):
    import importlib.util

    from pelican import signals

    source = tmp_path / "other_plugin.py"
    source.write_text("def mark(article):\n    article.marked = 1\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("other_plugin", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    import sys

    sys.modules["other_plugin"] = module
    settings = {"PATH": "content"}
    before = snapshot.snapshot_version(settings)
    signals.content_object_init.connect(module.mark)
    try:
        connected = snapshot.snapshot_version(settings)
        source.write_text("def mark(article):\n    article.marked = 2\n", encoding="utf-8")
        edited = snapshot.snapshot_version(settings)
    finally:
        signals.content_object_init.disconnect(module.mark)
        del sys.modules["other_plugin"]
    assert len({before, connected, edited}) == 3


def test_a_broken_snapshot_or_parse_cache_only_makes_a_slower_build(tmp_path, snapshots):
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    _snapshot_file(cache).write_bytes(b"not a pickle")
    (cache / "news_digest" / "parse.pickle").write_bytes(b"\x80\x05 broken")
    site = build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert snapshots[1].hits == 0 and _sources(snapshots[1]) == CLEAN
    assert site.path("2023/05/10/harbour-bridge-closed-after-cracks-found/").is_file()
    assert not site.messages(logging.ERROR)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert snapshots[2].hits == len(CLEAN)


def test_a_record_is_read_back_from_its_place_even_once_the_file_is_replaced(tmp_path):
    """``records.load`` with ``shape`` keeps where each record is, in a file held open: the
    record read back is the one written, after the file is appended to or replaced, until
    the last place is gone; a damaged frame is refused."""
    path = tmp_path / "records.pickle"
    writer = records.Writer(path, "header", None, append=False)
    for number in range(3):
        writer.add(("record", number, "x" * 100))
    writer.finish()
    loaded = records.load(path, "header", shape=lambda record, offset, file: (offset, file))
    places = loaded.records
    file = places[0][1]
    assert isinstance(file, records.RecordFile) and all(p[1] is file for p in places)
    assert [file.read(offset) for offset, _ in places] == [
        ("record", n, "x" * 100) for n in range(3)
    ]

    appended = records.Writer(path, "header", loaded, append=True)
    appended.add(("record", 3, ""))
    appended.finish()
    replacing = records.Writer(path, "header", None, append=False)
    replacing.add(("another", 0, ""))
    replacing.finish()  # renamed over the file read
    assert file.read(places[1][0]) == ("record", 1, "x" * 100)

    damaged = tmp_path / "damaged.pickle"
    damaged.write_bytes(path.read_bytes())
    loaded = records.load(damaged, "header", shape=lambda record, offset, file: (offset, file))
    ((offset, file),) = loaded.records
    assert file.read(offset) == ("another", 0, "")
    with open(damaged, "r+b") as handle:
        handle.seek(offset + records.FRAME.size + 3)
        handle.write(b"\xff")
    with pytest.raises(records.Damaged):
        file.read(offset)
    fd = file.fd
    del loaded, file  # closed with its last place
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        target = None
    assert target != str(damaged)


def test_a_rebuild_keeps_the_places_of_unchanged_parses_not_their_bytes(tmp_path, monkeypatch):
    """The articles of unchanged dumps hold where their parse is in the cache file (a few
    bytes each, not some 5 KB), and read it back when their text is asked for; a place that
    no longer holds that parse gives the dump's text from the file itself."""
    from news_digest.incremental import cache
    from news_digest.site.reader import TEXT_FIELDS

    held, kept = [], []
    real = snapshot.ArticleSnapshot.get_cached_data

    def spy(self, filename, default=None):
        article = real(self, filename, default)
        if isinstance(article, SnapshotArticle):
            held.append(article)
            kept.append(article.__dict__["_snapshot_view"])
        return article

    monkeypatch.setattr(snapshot.ArticleSnapshot, "get_cached_data", spy)
    content, output = tmp_path / "content", tmp_path / "output"
    write_fixture_content(content)
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    build("pelicanconf.py", content, output, **options)
    build("pelicanconf.py", content, output, **options)
    assert {a.dump_source for a in held} == CLEAN
    assert all(isinstance(entry, cache.Kept) for entry in kept)
    for article, entry in zip(held, kept, strict=True):
        view = pickle.loads(cache.entry_bytes(entry))
        assert article.paragraphs == tuple(view["paragraphs"])  # read back, or already
        assert "_snapshot_view" not in article.__dict__

    # A place that holds another dump's parse (its key says so) is not used.
    wrong = kept[0]._replace(key=kept[1].key)
    assert cache.entry_bytes(wrong) is None
    article = held[1]
    for name in TEXT_FIELDS:  # as it was before its text was asked for
        article.__dict__.pop(name, None)
        article.metadata.pop(name, None)
    article.__dict__["_snapshot_view"] = wrong
    expected = cache.view_of(Path(article.source_path).read_bytes(), article.dump_source, None)
    assert article.paragraphs == tuple(expected["paragraphs"])


def test_the_stories_take_an_articles_headlines_without_keeping_its_text(tmp_path):
    """A build that makes the story index anew (a dump removed) reads every dump's
    headlines; an article of the snapshot gives them (``peek_text``) and keeps holding
    only the place of its parse, until a page asks for its text."""
    import datetime as dt

    from conftest import LEAD_DUMP
    from news_digest.incremental.cache import view_of
    from news_digest.site.reader import text_fields
    from news_digest.site.stories_pages import appearances

    path = tmp_path / "2023-05-10-harbour.txt"
    path.write_text(LEAD_DUMP, encoding="utf-8")
    view = view_of(path.read_bytes(), path.name, None)
    expected = text_fields(view)["news_headlines"]
    assert expected
    article = _lazy(path, pickle.dumps(view))
    article.__dict__.update(date=dt.datetime(2023, 5, 10), has_lead=True, title="Lead")
    titles = [a.title for a in appearances(article)]
    assert titles == ["Lead", *(item.title for item in expected)]
    assert "news_headlines" not in article.__dict__ and "_snapshot_view" in article.__dict__
    assert article.peek_text("news_headlines") == expected
    assert article.news_headlines == expected  # a page asks: now it is kept
    assert "_snapshot_view" not in article.__dict__
    assert article.peek_text("news_headlines") == expected
