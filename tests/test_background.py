"""Cache files written by a forked child while the build goes on
(``news_digest.incremental.background``), alone and in real builds: the story index."""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from conftest import build
from news_digest.incremental import background, story_cache
from news_digest.incremental.background import BackgroundWrites
from test_stories_pages import story_urls, written_content


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_write_runs_in_a_child_and_the_build_waits_for_it(tmp_path, caplog):
    target = tmp_path / "file"

    def write():
        time.sleep(0.3)
        target.write_text(str(os.getpid()))
        return None

    writes = BackgroundWrites()
    writes.start("file", write)
    assert not target.exists()  # the build went on
    writes.finish()
    assert int(target.read_text()) != os.getpid()
    assert writes.running == [] and multiprocessing.active_children() == []
    assert warnings_of(caplog) == []


def test_what_a_write_says_is_logged_once_when_the_build_waits(tmp_path, caplog):
    writes = BackgroundWrites()
    writes.start("a.marshal", lambda: "a.marshal: story cache not saved: No space left")
    writes.start("b.marshal", lambda: None)
    assert warnings_of(caplog) == []
    writes.finish()
    writes.finish()
    assert warnings_of(caplog) == ["a.marshal: story cache not saved: No space left"]


def test_a_write_that_fails_or_dies_is_one_warning_naming_the_file(caplog):
    def fails():
        raise RuntimeError("boom")

    def dies():
        os._exit(3)

    writes = BackgroundWrites()
    writes.start("first.marshal", fails)
    writes.start("second.marshal", dies)
    writes.finish()
    assert warnings_of(caplog) == [
        "first.marshal: not saved (RuntimeError: boom)",
        "second.marshal: not saved (its writer ended with status 3)",
    ]
    assert multiprocessing.active_children() == []


def test_a_write_that_does_not_end_is_killed(monkeypatch, caplog):
    monkeypatch.setattr(background, "WRITE_SECONDS", 0.3)
    writes = BackgroundWrites()
    writes.start("slow.marshal", lambda: time.sleep(60))
    started = time.monotonic()
    writes.finish()
    assert time.monotonic() - started < 10
    assert warnings_of(caplog) == ["slow.marshal: not saved (not written after 0.3 s)"]
    assert multiprocessing.active_children() == []


def test_without_fork_the_write_is_made_in_place(tmp_path, monkeypatch, caplog):
    monkeypatch.delattr(os, "fork")
    target = tmp_path / "file"

    def write():
        target.write_text(str(os.getpid()))
        return "file: said"

    writes = BackgroundWrites()
    writes.start("file", write)
    assert int(target.read_text()) == os.getpid()
    assert writes.running == []
    assert warnings_of(caplog) == ["file: said"]


def _options(tmp_path: Path) -> dict:
    return {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": {"pagefind": False}}


def test_a_build_writes_the_story_index_in_a_child_and_waits_for_it(tmp_path, monkeypatch):
    """The index is written by another process, whole, before the build returns; it is the
    index the build made (the next build with one more dump extends it)."""
    log = tmp_path / "writers"  # a child's memory is its own: it says who wrote in a file
    real = story_cache._unwritten

    def recording(folder, name, *args, **kwargs):
        with log.open("a") as out:
            out.write(f"{name} {os.getpid()}\n")
        return real(folder, name, *args, **kwargs)

    monkeypatch.setattr(story_cache, "_unwritten", recording)
    content = written_content(tmp_path, {"2023-03-01-dam.txt", "2023-03-02-fuel.txt"})
    build("pelicanconf.py", content, tmp_path / "out", **_options(tmp_path))
    folder = tmp_path / "cache" / "news_digest"
    cache = folder / story_cache.CACHE_FILE
    writers = dict(line.split() for line in log.read_text().splitlines())
    assert int(writers[story_cache.CACHE_FILE]) != os.getpid()  # by a child
    assert int(writers[story_cache.PLACES_FILE]) == os.getpid()  # small: written in place
    assert multiprocessing.active_children() == []
    assert not list(folder.glob("*.tmp"))
    key = cache.read_bytes().partition(b" ")[0].decode()
    record = story_cache.load(folder, key)
    assert record is not None
    assert [entry[1] for entry in record.entries] == ["2023-03-01-dam.txt", "2023-03-02-fuel.txt"]


def test_a_story_index_that_cannot_be_written_is_one_warning_and_the_site_is_built(tmp_path):
    content = written_content(tmp_path)
    folder = tmp_path / "cache" / "news_digest"
    folder.mkdir(parents=True)
    blocked = folder / story_cache.CACHE_FILE
    blocked.mkdir()  # the index cannot replace a folder
    site = build("pelicanconf.py", content, tmp_path / "out", **_options(tmp_path))
    saved = [m for m in site.messages(30) if "not saved" in m]
    assert saved == [f"{blocked}: story cache not saved: Is a directory"]
    assert len(story_urls(site)) == 3
    assert multiprocessing.active_children() == []


def test_a_build_that_fails_after_the_index_still_waits_for_it(tmp_path, monkeypatch):
    from news_digest.site import stories_pages

    def broken(*args, **kwargs):
        raise RuntimeError("the front page broke")

    monkeypatch.setattr(stories_pages, "front_page", broken)
    real = story_cache._unwritten

    def slow(*args, **kwargs):  # still writing when the build fails
        time.sleep(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(story_cache, "_unwritten", slow)
    content = written_content(tmp_path)
    with pytest.raises(RuntimeError, match="front page broke"):
        build("pelicanconf.py", content, tmp_path / "out", **_options(tmp_path))
    folder = tmp_path / "cache" / "news_digest"
    assert multiprocessing.active_children() == []
    assert (folder / story_cache.CACHE_FILE).is_file()
    assert not list(folder.glob("*.tmp"))


def test_a_child_that_cannot_be_started_leaves_the_write_to_the_build(tmp_path, monkeypatch):
    import errno

    def no_memory():
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setattr(os, "fork", no_memory)
    target = tmp_path / "file"
    writes = BackgroundWrites()
    writes.start("file", lambda: target.write_text(str(os.getpid())) and None)
    assert int(target.read_text()) == os.getpid() and writes.running == []


def test_a_killed_child_leaves_no_temporary_file(tmp_path, monkeypatch, caplog):
    from news_digest.site.lock import temporary_name

    monkeypatch.setattr(background, "WRITE_SECONDS", 0.5)
    path = tmp_path / "stories.marshal"

    def write():
        Path(temporary_name(path, os.getpid())).write_bytes(b"half an index")
        time.sleep(60)

    writes = BackgroundWrites()
    writes.start(str(path), write, str(path))
    time.sleep(0.2)
    writes.finish()
    assert list(tmp_path.iterdir()) == []
    assert warnings_of(caplog) == [f"{path}: not saved (not written after 0.5 s)"]


def test_an_interrupted_wait_kills_the_children_left(monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(background, "_wait", interrupted)
    writes = BackgroundWrites()
    for name in ("a", "b"):
        writes.start(name, lambda: time.sleep(60))
    with pytest.raises(KeyboardInterrupt):
        writes.finish()
    assert writes.running == [] and multiprocessing.active_children() == []
