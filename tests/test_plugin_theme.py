"""The plugin's theme in a site that did not choose one, and autoescape whatever the site
says (news_digest.site.theme), in real builds with this repository's settings."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import news_digest
import pytest
from conftest import REPO_ROOT, build_fixture_site
from news_digest.site import theme
from pelican.settings import DEFAULT_CONFIG

LEAD_URL = "2023/05/10/harbour-bridge-closed-after-cracks-found/"


def test_theme_path_in_a_checkout_is_the_repositorys_theme():
    assert Path(news_digest.theme_path()) == REPO_ROOT / "theme"


def test_theme_path_without_any_theme_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setattr(theme, "SHIPPED_THEME", tmp_path / "a")
    monkeypatch.setattr(theme, "SOURCE_THEME", tmp_path / "b")
    with pytest.raises(FileNotFoundError, match=r"no theme found at .*/a or .*/b"):
        theme.theme_path()


def test_a_theme_the_site_chose_is_kept():
    settings = {"THEME": "/somewhere/else"}
    theme.use_shipped_theme(settings)
    assert settings["THEME"] == "/somewhere/else"


def _build(tmp_path: Path, **override):
    return build_fixture_site(tmp_path, NEWS_DIGEST={"pagefind": False}, **override)


def test_pelicans_default_theme_is_replaced_by_the_plugins(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=theme.__name__)
    site = _build(tmp_path, THEME=DEFAULT_CONFIG["THEME"])
    assert site.path(LEAD_URL + "headlines/").is_file()
    css = site.output / "theme" / "css" / "site.css"
    assert css.read_bytes() == (REPO_ROOT / "theme" / "static" / "css" / "site.css").read_bytes()
    assert f"THEME not set; using the plugin's theme {REPO_ROOT / 'theme'}" in caplog.text


def test_autoescape_turned_off_by_the_site_is_turned_back_on_with_a_warning(tmp_path):
    jinja = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": False}
    site = _build(tmp_path, JINJA_ENVIRONMENT=jinja)
    raw = site.path(LEAD_URL).read_text(encoding="utf-8")
    assert "<script>alert" not in raw
    assert "&lt;script&gt;alert" in raw
    (warning,) = [m for m in site.messages(logging.WARNING) if "autoescape" in m]
    assert "replaced by True" in warning
    assert jinja["autoescape"] is False  # the site's dict is left as it was


def test_pelicans_default_jinja_settings_get_autoescape_silently():
    settings = {"JINJA_ENVIRONMENT": DEFAULT_CONFIG["JINJA_ENVIRONMENT"]}
    theme.require_autoescape(settings)
    assert settings["JINJA_ENVIRONMENT"]["autoescape"] is True
    assert "autoescape" not in DEFAULT_CONFIG["JINJA_ENVIRONMENT"]


def _guide_settings() -> dict:
    from test_plugin_install import _guide_settings as block

    settings: dict = {}
    exec(block(), {}, settings)
    return settings


def test_the_guides_settings_are_this_repositorys_own():
    """The guide's block is what pelicanconf.py says, key by key, so neither drifts."""
    from pelican.settings import read_settings

    ours = read_settings(str(REPO_ROOT / "pelicanconf.py"))
    guide = _guide_settings()
    assert len(guide) > 20
    for key, value in guide.items():
        expected = ours[key]
        if isinstance(value, tuple):  # Pelican reads PAGINATION_PATTERNS into a list
            value, expected = list(map(list, value)), list(map(list, expected))
        assert value == expected, key


def test_a_quickstart_site_without_the_guides_settings_stops_with_one_line(tmp_path):
    """Pelican's defaults write leads as "slug.html" and category, tag and author pages:
    the build stops before reading anything, naming each setting, with no traceback."""
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text(
        'SITENAME = "Quick"\nPATH = "content"\nTIMEZONE = "UTC"\nPLUGINS = ["news_digest"]\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "1000"},
    )
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    (line,) = [line for line in output.splitlines() if "news_digest:" in line]
    for key in ("ARTICLE_SAVE_AS", "DRAFT_SAVE_AS", "CATEGORY_SAVE_AS", "TAG_SAVE_AS"):
        assert key in line
    assert "AUTHOR_SAVE_AS = 'author/{slug}.html' writes pages the theme has no author.html" in line
    assert not (tmp_path / "output" / "index.html").exists()


def test_a_template_of_the_sites_own_makes_its_pages_acceptable(tmp_path):
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "tag.html").write_text("{{ tag }}", encoding="utf-8")
    settings = {
        "THEME": news_digest.theme_path(),
        "THEME_TEMPLATES_OVERRIDES": [str(overrides)],
        "ARTICLE_SAVE_AS": "{slug}/index.html",
        "TAG_SAVE_AS": "tag/{slug}/index.html",
        "CATEGORY_SAVE_AS": "",
    }
    assert theme.unusable_settings(settings) == []
