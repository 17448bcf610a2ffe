"""Pelican's contract kept with the speed layer on and off: other plugins see every page
(``content_written``), the speed layer off installs no patch of the speed layer, and
``WITH_FUTURE_DATES = False`` and ``--ignore-cache`` build."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, build, write_fixture_content
from site_edits import differences

TEST_PLUGINS = Path(__file__).resolve().parent / "fixtures" / "plugins"
PLUGINS = {
    "PLUGIN_PATHS": [str(REPO_ROOT / "plugins"), str(TEST_PLUGINS)],
    "PLUGINS": ["news_digest", "listener"],
}
#: A dump dated long after any build: a draft when WITH_FUTURE_DATES is False.
FUTURE_DUMP = """\
Title: Tidal barrage opens
Date: 2099-01-01

Tidal barrage opens
The barrage opened.
- Ferry timetable changes
"""


def _heard():
    import listener

    return listener.heard


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write_fixture_content(tmp_path / "content")
    return tmp_path / "content"


def _pages(output: Path) -> set[str]:
    """Every HTML page, sitemap and JSON Feed of the output (the search index aside)."""
    return {
        str(p.relative_to(output))
        for p in output.rglob("*")
        if p.is_file()
        and p.suffix in {".html", ".json", ".xml"}
        and not str(p.relative_to(output)).startswith(("pagefind/", "feeds/"))
    }


@pytest.mark.parametrize("incremental", [True, False], ids=["speed-layer-on", "off"])
def test_content_written_fires_for_every_page_even_unchanged_ones(
    tmp_path: Path, content: Path, incremental: bool
) -> None:
    options = {
        **PLUGINS,
        "CACHE_PATH": str(tmp_path / "cache"),
        "DEFAULT_PAGINATION": 2,
        "NEWS_DIGEST": {"incremental": incremental},
    }
    output = tmp_path / "output"
    for _ in range(2):  # the second build finds every page unchanged
        build("pelicanconf.py", content, output, **options)
        heard = _heard()
        written = [os.path.relpath(path, output) for path, _ in heard["content_written"]]
        assert sorted(written) == sorted(set(written)), "a page announced twice"
        assert set(written) == _pages(output)
        # Each with its context, as Pelican's writer sends it.
        assert all(name == os.path.relpath(path, output) for path, name in heard["content_written"])
        assert [os.path.relpath(p, output) for p in heard["feed_written"]] == ["feeds/all.atom.xml"]
        # Pelican's article writer's signal, for every published dump article.
        assert len(heard["write_article"]) == 7


def test_with_the_speed_layer_off_no_speed_patch_is_installed(
    tmp_path: Path, content: Path
) -> None:
    from news_digest.incremental.patches import BY_NAME

    before = gc.get_threshold()
    options = {**PLUGINS, "CACHE_PATH": str(tmp_path / "cache")}
    build(
        "pelicanconf.py", content, tmp_path / "off", NEWS_DIGEST={"incremental": False}, **options
    )
    heard = _heard()
    session = heard["settings"]["NEWS_DIGEST_SESSION"]
    assert [name for name in session.patches if not BY_NAME[name].always] == []
    assert heard["gc"] == before
    # No method of the ArticlesGenerator replaced on the instance.
    assert not [
        a for a in heard["generator_overrides"] if a.startswith(("generate_", "get_", "cache_"))
    ]

    build("pelicanconf.py", content, tmp_path / "on", **options)
    heard = _heard()
    installed = set(heard["settings"]["NEWS_DIGEST_SESSION"].patches)
    assert {"article_pages_by_plugin", "gc_thresholds", "jinja_tuning"} <= installed
    assert "generate_articles" in heard["generator_overrides"]
    assert differences(tmp_path / "on", tmp_path / "off") == []


@pytest.mark.parametrize("incremental", [True, False], ids=["speed-layer-on", "off"])
def test_future_dumps_are_drafts_with_with_future_dates_off(
    tmp_path: Path, content: Path, incremental: bool
) -> None:
    (content / "2099-01-01-barrage.txt").write_text(FUTURE_DUMP, encoding="utf-8")
    site = build(
        "pelicanconf.py",
        content,
        tmp_path / "output",
        CACHE_PATH=str(tmp_path / "cache"),
        WITH_FUTURE_DATES=False,
        NEWS_DIGEST={"incremental": incremental},
    )
    draft = site.path("drafts/tidal-barrage-opens/")
    assert draft.is_file()
    assert site.path("drafts/tidal-barrage-opens/headlines/").is_file()
    assert "tidal-barrage" not in site.path("").read_text(encoding="utf-8")
    assert not (tmp_path / "output" / "2099").exists()


def test_ignore_cache_builds_the_same_site(tmp_path: Path, content: Path) -> None:
    """``pelican --ignore-cache`` (Pelican's own cache; the plugin's is keyed on content)."""

    def pelican(output: str, *extra: str) -> None:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("pelican")),
                str(content),
                "-o",
                str(tmp_path / output),
                "-s",
                str(REPO_ROOT / "pelicanconf.py"),
                "-e",
                f'CACHE_PATH="{tmp_path / "cache"}"',
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    pelican("output")
    pelican("output", "--ignore-cache")
    pelican("fresh", "--ignore-cache")
    assert differences(tmp_path / "output", tmp_path / "fresh") == []


#: Pelican's default Jinja settings: Pelican's simple theme reads settings it may lack.
PELICAN_JINJA = {"trim_blocks": True, "lstrip_blocks": True, "extensions": []}


def test_pelicans_simple_theme_builds_the_site_on_and_off(tmp_path: Path, content: Path) -> None:
    """Templates written for Pelican's pagination objects work; the digest, 404 and search
    pages fall back to the plugin's own templates."""
    outputs = {}
    for incremental in (True, False):
        output = tmp_path / f"simple-{incremental}"
        site = build(
            "pelicanconf.py",
            content,
            output,
            CACHE_PATH=str(tmp_path / "cache"),
            THEME="simple",
            JINJA_ENVIRONMENT=PELICAN_JINJA,
            DEFAULT_PAGINATION=2,
            NEWS_DIGEST={"incremental": incremental},
        )
        home = site.path("").read_text(encoding="utf-8")
        # Pelican's pagination.html: next page and last page (pages count from the oldest).
        assert '<a href="./page/2/">&rang;</a>' in home
        assert '<a href="./page/1/">&Rang;</a>' in home
        # Pelican's numbers: the first page is page 1 of 3, its oldest page 3 of 3.
        assert "<li>Page 1 / 3</li>" in home
        assert "<li>Page 3 / 3</li>" in site.path("page/1/").read_text(encoding="utf-8")
        digest = site.soup("2023/05/10/harbour-bridge-closed-after-cracks-found/headlines/")
        assert digest.find("article").find("h1").get_text() == "More headlines"
        assert "<script>alert" not in str(digest)
        assert site.path("404.html").is_file() and site.path("search/").is_file()
        outputs[incremental] = output
    assert differences(outputs[True], outputs[False]) == []


def test_templates_get_pelicans_pagination_objects(tmp_path: Path) -> None:
    from news_digest.site.pagination import stable_pages
    from pelican.paginator import Page, Paginator

    settings = {
        "PAGINATION_PATTERNS": (
            (1, "{url}", "{save_as}"),
            (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
        )
    }
    pages = stable_pages(list(range(9, 0, -1)), 3, "", "index.html", settings)
    first, second, last = pages
    assert all(isinstance(p, Page) for p in pages)
    assert isinstance(first.paginator, Paginator) and first.paginator.num_pages == 3
    assert first.has_next() and not first.has_previous() and first.has_other_pages()
    assert first.paginator.page(1) is first and first.paginator.page(3).url == "page/1/"
    # Pelican's numbers count pages from the first; the URLs count from the oldest page.
    assert [p.number for p in pages] == [1, 2, 3]
    assert (second.stable_number, second.url, second.save_as) == (
        2,
        "page/2/",
        "page/2/index.html",
    )
    assert last.has_previous() and not last.has_next()
