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
