"""The theme's settings (docs/theme.md): real builds with and without them, read back.

Unset, the header and footer are what they were before the settings existed (the `site`
build of conftest.py); set, each shows up where the doc says, escaped.
"""

from __future__ import annotations

import pytest
from conftest import build_fixture_site

LEAD_URL = "2023/05/10/harbour-bridge-closed-after-cracks-found/"

THEME_SETTINGS = {
    "SITELOGO": "images/logo.svg",
    "SITELOGO_ALT": "Harbour <News> logo",
    "MENUITEMS": [("About us", "about/"), ("Elsewhere", "https://example.org/x?a=1&b=2")],
    "LINKS": [("Pelican <docs>", "https://getpelican.com/")],
    "SOCIAL": [("Mastodon", "https://mastodon.example/@news")],
    "FOOTER_TEXT": "<b>Our</b> newsroom & friends",
    "DISPLAY_PAGES_ON_MENU": False,
    "CUSTOM_CSS": "extra/custom.css",
}


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    """The fixture dumps built with every theme setting set."""
    return build_fixture_site(tmp_path_factory.mktemp("themed"), **THEME_SETTINGS)


def _menu(soup):
    return [(a.get_text(), a["href"]) for a in soup.select("body > header > nav > a")]


def test_unset_settings_give_the_plain_header_and_footer(site):
    soup = site.soup(LEAD_URL)
    header = soup.select_one("body > header")
    assert header.find("img") is None
    assert header.find("a").get_text() == "News Digest"
    menu = [text for text, _ in _menu(soup)]
    assert menu == ["Home", "Archives", "Search", "About", "Feed"]  # pages are on the menu
    footer = soup.select_one("body > footer")
    assert footer.find("nav") is None
    assert footer.get_text() == "Built with Pelican from saved news pages."
    assert [link["href"].rsplit("/", 1)[-1] for link in soup.select("link[rel=stylesheet]")] == [
        "site.css"
    ]


def test_logo_comes_before_the_site_name_with_its_alt_text(themed):
    soup = themed.soup(LEAD_URL)
    link = soup.select_one("body > header > a")
    img = link.find("img")
    assert img["src"] == "../../../../images/logo.svg"
    assert img["alt"] == "Harbour <News> logo"
    assert link.get_text() == "News Digest"
    raw = themed.path(LEAD_URL).read_text(encoding="utf-8")
    assert 'alt="Harbour &lt;News&gt; logo"' in raw


def test_logo_alt_text_is_empty_by_default(tmp_path):
    site = build_fixture_site(
        tmp_path, SITELOGO="https://cdn.example/logo.png", NEWS_DIGEST={"pagefind": False}
    )
    img = site.soup("").select_one("body > header > a > img")
    assert img["src"] == "https://cdn.example/logo.png"
    assert img["alt"] == ""


def test_menu_items_follow_the_built_in_links_and_pages_can_leave_the_menu(themed):
    soup = themed.soup(LEAD_URL)
    assert _menu(soup) == [
        ("Home", "../../../../"),
        ("Archives", "../../../../archives/"),
        ("Search", "../../../../search/"),
        ("About us", "../../../../about/"),
        ("Elsewhere", "https://example.org/x?a=1&b=2"),
        ("Feed", "../../../../feeds/all.atom.xml"),
    ]
    # DISPLAY_PAGES_ON_MENU = False: the page "About" (content/pages/about.md) is not listed.
    assert "About" not in [text for text, _ in _menu(soup)]


def test_links_social_and_footer_text_in_the_footer_escaped(themed):
    soup = themed.soup("")
    footer = soup.select_one("body > footer")
    navs = footer.find_all("nav")
    assert [nav["aria-label"] for nav in navs] == ["Links", "Social"]
    assert [(a.get_text(), a["href"]) for a in navs[0].find_all("a")] == [
        ("Pelican <docs>", "https://getpelican.com/")
    ]
    (social,) = navs[1].find_all("a")
    assert (social["href"], social["rel"]) == ("https://mastodon.example/@news", ["me"])
    assert footer.find("p").get_text() == "<b>Our</b> newsroom & friends"
    raw = themed.path("").read_text(encoding="utf-8")
    assert "&lt;b&gt;Our&lt;/b&gt; newsroom &amp; friends" in raw
    assert "<b>Our</b>" not in raw


def test_custom_css_comes_after_the_theme_stylesheet(themed):
    soup = themed.soup(LEAD_URL)
    hrefs = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assert hrefs == ["../../../../theme/css/site.css", "../../../../extra/custom.css"]


def test_every_page_gets_the_same_header_and_footer(themed):
    """The digest, archive, search and 404 pages come from other generators and writers
    (the plugin's page writer, Pelican's): each has the settings."""
    for path in themed.html_files():
        soup = themed.soup(str(path.relative_to(themed.output)))
        assert soup.select_one("body > header > a > img") is not None, path
        assert soup.select_one("body > footer > p").get_text() == THEME_SETTINGS["FOOTER_TEXT"]


def test_footer_text_empty_leaves_the_links_alone(tmp_path):
    site = build_fixture_site(
        tmp_path,
        LINKS=[("Pelican", "https://getpelican.com/")],
        FOOTER_TEXT="",
        NEWS_DIGEST={"pagefind": False},
    )
    footer = site.soup("").select_one("body > footer")
    assert footer.find("p") is None
    assert [a.get_text() for a in footer.find_all("a")] == ["Pelican"]
