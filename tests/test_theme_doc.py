"""docs/theme.md stays true: it lists every block, setting, template, helper and CSS custom
property of the theme, and its override example works in a real build."""

from __future__ import annotations

import re

import pytest
from conftest import REPO_ROOT, build_fixture_site
from jinja2 import Environment, nodes

DOC = REPO_ROOT / "docs" / "theme.md"
TEMPLATES = REPO_ROOT / "theme" / "templates"
CSS = REPO_ROOT / "theme" / "static" / "css" / "site.css"
I18N = "jinja2.ext.i18n"


def _section(title: str) -> str:
    """The text of the doc's ``## title`` section."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"{DOC.name}: no section '## {title}'"
    return match.group(1)


def _first_column(title: str) -> set[str]:
    """Every `code` name in the first column of the section's tables."""
    names: set[str] = set()
    for line in _section(title).splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return names


def _templates() -> dict[str, nodes.Template]:
    env = Environment(extensions=[I18N])
    return {
        str(path.relative_to(TEMPLATES)): env.parse(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES.rglob("*.html"))
    }


def test_doc_lists_every_block_of_the_templates():
    blocks = {b.name for ast in _templates().values() for b in ast.find_all(nodes.Block)}
    documented = _first_column("Blocks")
    assert blocks - documented == set(), "blocks missing from docs/theme.md"
    assert documented - blocks == set(), "docs/theme.md lists blocks no template has"


def test_doc_lists_every_setting_the_templates_read():
    read = {
        name.name
        for ast in _templates().values()
        for name in ast.find_all(nodes.Name)
        if name.ctx == "load" and name.name.isupper()
    }
    documented = _first_column("Settings")
    helpers = _first_column("Filters and functions")  # SITE_DIRECTION: the plugin's
    assert read - documented - helpers == set(), "settings missing from docs/theme.md"
    assert documented - read == set(), "docs/theme.md lists settings no template reads"


def test_doc_names_every_template_and_partial():
    documented = _first_column("What each template receives")
    assert set(_templates()) - documented == set(), "templates missing from docs/theme.md"


def test_doc_lists_every_helper_the_plugin_gives_the_templates():
    from news_digest.publish.indexing_generator import TemplateHelpers
    from news_digest.site.i18n import install_translations
    from pelican.settings import read_settings

    env = Environment()
    plain_globals, plain_filters = set(env.globals), set(env.filters)
    TemplateHelpers(read_settings(str(REPO_ROOT / "pelicanconf.py"))).install(env)
    install_translations(env)
    given = (set(env.globals) - plain_globals) | (set(env.filters) - plain_filters)
    used = {f.name for ast in _templates().values() for f in ast.find_all(nodes.Filter)}
    pelicans = {"strftime"}  # Pelican's own filter, which the page writer memoizes
    documented = _first_column("Filters and functions")
    assert given | (used - plain_filters) | pelicans <= documented
    assert documented - given - pelicans == set(), "docs/theme.md lists helpers nobody gives"


def test_doc_lists_every_css_custom_property():
    root = re.search(r"^:root \{(.*?)^\}", CSS.read_text(encoding="utf-8"), re.S | re.M)
    defined = set(re.findall(r"^\s*(--[\w-]+):", root.group(1), re.M))
    assert defined == _first_column("CSS custom properties")


def _example(language: str) -> str:
    """The doc's code block in ``language`` (the override example)."""
    (block,) = re.findall(
        rf"^```{language}\n(.*?)^```", _section("Overriding one template"), re.M | re.S
    )
    return block


def test_the_override_example_replaces_the_footer_on_every_page(tmp_path):
    """The doc's base.html, extending "!theme/base.html", in THEME_TEMPLATES_OVERRIDES: its
    footer is on every page, whichever writer wrote it (Pelican's or the plugin's)."""
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "base.html").write_text(_example("jinja"), encoding="utf-8")
    settings = {}
    exec(_example("python"), {}, settings)
    assert settings == {"THEME_TEMPLATES_OVERRIDES": ["templates"]}
    site = build_fixture_site(
        tmp_path,
        THEME_TEMPLATES_OVERRIDES=[str(overrides)],
        NEWS_DIGEST={"pagefind": False},
    )
    pages = site.html_files()
    assert len(pages) > 10
    for path in pages:
        soup = site.soup(str(path.relative_to(site.output)))
        footer = soup.select_one("body > footer")
        assert footer.get_text(" ", strip=True) == "Saved pages of our newsroom. About", path
        assert soup.select_one("body > header > nav") is not None, path  # the rest is kept


@pytest.mark.parametrize("name", ["header.html", "menu.html", "footer.html"])
def test_header_menu_and_footer_partials_use_gettext_for_their_words(name):
    """Their words are the theme's, so they go through ``_()``: no bare text between tags
    except what comes from settings or the page."""
    source = (TEMPLATES / "partials" / name).read_text(encoding="utf-8")
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    bare = [t for t in re.findall(r">([^<>{}]*\w[^<>{}]*)<", source) if t.strip()]
    assert bare == []
