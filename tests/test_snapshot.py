"""The article snapshot (news_digest.snapshot): unchanged dumps' articles from the last build."""

from __future__ import annotations

import logging
import pickle
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import build, write_fixture_content
from news_digest import snapshot
from news_digest.snapshot import ArticleSnapshot, SnapshotArticle

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
    assert (tmp_path / "cache" / "news_digest" / snapshot.SNAPSHOT_FILE).is_file()
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
    from news_digest.cache import view_of
    from news_digest.reader import text_fields

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


def _records(cache: Path) -> set[str]:
    path = cache / "news_digest" / snapshot.SNAPSHOT_FILE
    with open(path, "rb") as handle:
        pickle.load(handle)  # the header
        names = set()
        while (record := pickle.load(handle)) is not None:
            names.add(record[0].removeprefix("./"))
    return names


def test_the_snapshot_follows_gone_and_new_dumps_and_is_left_alone_otherwise(tmp_path, snapshots):
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert _records(cache) == CLEAN
    (content / "2023-06-01" / "pandas.txt").unlink()
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert _records(cache) == CLEAN - {"2023-06-01/pandas.txt"}
    stamp = (cache / "news_digest" / snapshot.SNAPSHOT_FILE).stat().st_mtime_ns
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert snapshots[2].hits == len(CLEAN) - 1
    assert (cache / "news_digest" / snapshot.SNAPSHOT_FILE).stat().st_mtime_ns == stamp
    shutil.copy(content / "2023-05-10-harbour.txt", content / "2023-07-01-harbour.txt")
    build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert snapshots[3].hits == len(CLEAN) - 1
    assert _records(cache) == CLEAN - {"2023-06-01/pandas.txt"} | {"2023-07-01-harbour.txt"}


def test_a_snapshot_that_cannot_be_written_costs_one_warning(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot.tempfile, "mkstemp", full)
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    write_fixture_content(content)
    site = build("pelicanconf.py", content, output, CACHE_PATH=str(cache))
    assert site.path("2023/05/10/harbour-bridge-closed-after-cracks-found/").is_file()
    warnings = [m for m in site.messages(logging.WARNING) if "article snapshot" in m]
    assert len(warnings) == 1 and "No space left" in warnings[0]
    assert not (cache / "news_digest" / snapshot.SNAPSHOT_FILE).exists()
