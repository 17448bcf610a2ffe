"""Fast tests of the Pelican side without a build: settings, dates, URLs, import hygiene."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import REPO_ROOT
from news_digest.parse.dates import date_from_folder
from news_digest.site.generators import assign_digest_urls, period_children, resolve_url_collisions
from news_digest.site.markdown_reader import split_front_matter
from news_digest.site.settings import DEFAULTS, merged_settings


def test_importing_the_package_does_not_import_pelican():
    code = "import sys, news_digest; print('pelican' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2023/05/10/x.txt", "2023-05-10"),
        ("2023-05-10/x.txt", "2023-05-10"),
        ("archive/2021/01/02/sub/x.txt", "2021-01-02"),
        ("x.txt", None),
        ("2023/13/40/x.txt", None),
        ("2023-05-10-x.txt", None),  # the file name is the parser's business
    ],
)
def test_date_from_folder(path, expected):
    assert date_from_folder(path) == expected


def test_settings_merge_over_defaults_and_ignore_unknown_keys(caplog):
    merged = merged_settings({"NEWS_DIGEST": {"undated_date": "2000-01-01", "nope": 1}})
    assert merged["undated_date"] == "2000-01-01"
    assert merged["digest_dirname"] == DEFAULTS["digest_dirname"]
    assert "nope" not in merged
    assert "nope" in caplog.text


def test_front_matter_split():
    meta, body = split_front_matter("Title: About\nSlug: about\n\n# Hi\n")
    assert meta == {"title": "About", "slug": "about"}
    assert body.strip() == "# Hi"
    assert split_front_matter("Just text: no\nmore\n\nx")[0] == {}


def _article(slug: str, source: str, *, has_lead: bool = True, day: int = 10):
    from pelican.contents import Article
    from pelican.settings import read_settings

    settings = read_settings(str(REPO_ROOT / "pelicanconf.py"))
    metadata = {
        "title": slug,
        "slug": slug,
        "date": dt.datetime(2023, 5, day),
        "has_lead": has_lead,
        "headlines": (),
        "dump_sha1": "0" * 40,
    }
    return Article("", metadata=metadata, settings=settings, source_path=source)


def test_collisions_get_numbered_suffixes_in_source_order_and_skip_taken_slugs():
    b = _article("same", "/c/b.txt")
    a = _article("same", "/c/a.txt")
    c = _article("same", "/c/c.txt")
    taken = _article("same-2", "/c/z.txt")
    other_day = _article("same", "/c/d.txt", day=11)
    resolve_url_collisions([b, a, c, taken, other_day])
    assert (a.slug, b.slug, c.slug, taken.slug, other_day.slug) == (
        "same",
        "same-3",
        "same-4",
        "same-2",
        "same",
    )
    # Idempotent: running again (a cached article) gives the same answer.
    resolve_url_collisions([c, b, a, taken, other_day])
    assert (a.slug, b.slug, c.slug) == ("same", "same-3", "same-4")


def test_digest_urls_and_leadless_articles_pointing_at_their_digest():
    lead = _article("story", "/c/a.txt")
    leadless = _article("list", "/c/b.txt", has_lead=False)
    assign_digest_urls([lead, leadless], {})
    assert lead.url == "2023/05/10/story/"
    assert lead.digest_url == "2023/05/10/story/headlines/"
    assert lead.digest_save_as == "2023/05/10/story/headlines/index.html"
    assert leadless.url == leadless.digest_url == "2023/05/10/list/headlines/"
    assert leadless.save_as == ""


def test_period_children():
    archives = {
        "year": [{"period_num": (2023,)}],
        "month": [{"period_num": (2023, 5)}, {"period_num": (2023, 4)}],
        "day": [{"period_num": (2023, 5, 2)}, {"period_num": (2023, 5, 1)}],
    }
    children = period_children(archives)
    assert [m["period_num"] for m in children[(2023,)]] == [(2023, 5), (2023, 4)]
    assert [d["period_num"] for d in children[(2023, 5)]] == [(2023, 5, 2), (2023, 5, 1)]


def test_markdown_outside_the_page_folders_is_skipped_with_a_warning(tmp_path, caplog):
    from news_digest.site.markdown_reader import MarkdownItReader
    from pelican.settings import DEFAULT_CONFIG

    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "about.md"
    stray = tmp_path / "stray.md"
    for path in (page, stray):
        path.write_text("Title: T\n\nHello *world*.\n", encoding="utf-8")
    reader = MarkdownItReader({**DEFAULT_CONFIG, "PATH": str(tmp_path), "PAGE_PATHS": ["pages"]})

    html, metadata = reader.read(str(page))
    assert "<em>world</em>" in html and "status" not in metadata

    with caplog.at_level("WARNING"):
        html, metadata = reader.read(str(stray))
    assert (html, metadata["status"]) == ("", "skip")
    assert any("stray.md" in r.getMessage() and "skipped" in r.getMessage() for r in caplog.records)


def test_each_run_gives_the_last_runs_objects_back_to_the_collector(tmp_path):
    """The objects frozen when a build ends are unfrozen when the next run starts (what
    ``pelican -r`` does after one ``initialized``), and the collector's thresholds are
    restored after each run."""
    import gc

    from conftest import build, write_fixture_content
    from news_digest.incremental import cache, patches
    from news_digest.site import pelican_adapter, progress

    content = tmp_path / "content"
    write_fixture_content(content)
    before = gc.get_threshold()
    build("pelicanconf.py", content, tmp_path / "output", CACHE_PATH=str(tmp_path / "cache"))
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before

    class Run:
        settings = {"NEWS_DIGEST": {"cache": False}, "CACHE_PATH": str(tmp_path / "cache")}
        output_path = str(tmp_path / "output")

    pelican_adapter.get_generators(Run())
    try:
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == patches.GC_THRESHOLDS
        # A run that fails before its end; the next one still knows the real thresholds.
        pelican_adapter.get_generators(Run())
        assert Run.settings["NEWS_DIGEST_SESSION"].saved_gc == before
    finally:
        gc.set_threshold(*before)
        progress.stop(Run.settings)
        cache.finish(Run.settings)
        Run.settings["NEWS_DIGEST_SESSION"].close()


def test_dumps_are_listed_once_and_pelican_takes_no_idle_file_stamps(tmp_path, monkeypatch):
    """With the content cache off, a build stats no dump for Pelican's cache stamps, and
    the content folder is walked once for the articles."""
    import os

    from conftest import build, write_fixture_content
    from pelican.generators import Generator

    content = tmp_path / "content"
    write_fixture_content(content)
    stamped: list[str] = []
    walks: list[object] = []
    getmtime = os.path.getmtime
    get_files = Generator.get_files

    def counting_getmtime(path):
        stamped.append(str(path))
        return getmtime(path)

    def counting_get_files(self, paths, exclude=None, extensions=None):
        walks.append((type(self).__name__, tuple(paths) if isinstance(paths, list) else paths))
        return get_files(self, paths, exclude=exclude, extensions=extensions)

    monkeypatch.setattr(os.path, "getmtime", counting_getmtime)
    monkeypatch.setattr(Generator, "get_files", counting_get_files)
    site = build("pelicanconf.py", content, tmp_path / "output", CACHE_PATH=str(tmp_path / "c"))
    assert site.path("2023/05/10/harbour-bridge-closed-after-cracks-found/").is_file()
    assert not [p for p in stamped if p.lower().endswith(".txt")]
    assert walks.count(("ArticlesGenerator", ("",))) == 1
