"""Saved HTML pages through a real Pelican build: an ``.html`` dump, an ``.htm`` dump in German,
HTML saved under a ``.txt`` name, next to a CMS dump and a Pelican page written in HTML.

Each is read as a dump (title, paragraphs, date, language, headlines linked to their
articles), its text is escaped, no tag of the saved page reaches the output, and the page
under ``pages/`` is still Pelican's.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from conftest import LEAD_DUMP, Site, build

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
FERRY_URL = "2023/06/02/harbour-ferry-returns-after-three-month-repair/"
LIBRARY_URL = "2023/08/21/library-keeps-late-opening-after-petition/"
GERMAN_URL = "2023/07/14/hochwasser-stadtwerke-offnen-notbrunnen/"

PELICAN_PAGE = """\
<html>
<head><title>Contact</title><meta name="slug" content="contact"></head>
<body><p>Write to the newsroom.</p></body>
</html>
"""


@pytest.fixture(scope="module")
def html_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    top = tmp_path_factory.mktemp("html-site")
    content = top / "content"
    content.mkdir()
    for name in (
        "2023-06-02-harbour-ferry.html",
        "stadtwerke-hochwasser.htm",
        "2023-08-21-saved-as-text.txt",
    ):
        shutil.copy(FIXTURES / name, content / name)
    shutil.copy(FIXTURES / "cookie-wall.html", content / "2023-09-01-cookie-wall.html")
    (content / "2023-05-10-harbour.txt").write_text(LEAD_DUMP, encoding="utf-8")
    (content / "pages").mkdir()
    (content / "pages" / "contact.html").write_text(PELICAN_PAGE, encoding="utf-8")
    site = build(
        "pelicanconf.py",
        content,
        top / "output",
        CACHE_PATH=str(top / "cache"),
        NEWS_DIGEST={"pagefind": False},
    )
    site.report = json.loads((top / "cache" / "parse-report.json").read_text(encoding="utf-8"))
    return site


def _expected(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _lead_paragraphs(site: Site, url: str) -> list[str]:
    article = site.soup(url).find("main").find("article")
    return [p.get_text() for p in article.select(":scope > p:not([class]), :scope > div > p")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (FERRY_URL, "2023-06-02-harbour-ferry.expected.json"),
        (LIBRARY_URL, "2023-08-21-saved-as-text.expected.json"),
        (GERMAN_URL, "stadtwerke-hochwasser.expected.json"),
    ],
)
def test_a_saved_page_becomes_a_lead_page_with_its_title_and_paragraphs(html_site, url, expected):
    want = _expected(expected)
    soup = html_site.soup(url)
    assert soup.find("main").find("h1").get_text() == want["title"]
    assert _lead_paragraphs(html_site, url) == want["paragraphs"]
    assert soup.find("html")["lang"] == want["lang"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (FERRY_URL, "2023-06-02-harbour-ferry.expected.json"),
        (LIBRARY_URL, "2023-08-21-saved-as-text.expected.json"),
        (GERMAN_URL, "stadtwerke-hochwasser.expected.json"),
    ],
)
def test_headlines_of_a_saved_page_link_to_their_articles(html_site, url, expected):
    want = _expected(expected)["headlines"]
    items = html_site.soup(url + "headlines/").select("section[aria-labelledby=news] li h3")
    got = [
        (h.get_text(), h.a["href"] if h.a else None, h.a.get("rel") if h.a else None) for h in items
    ]
    assert got == [(w["title"], w["url"], ["noopener"]) for w in want]


def test_a_cms_dump_beside_them_keeps_unlinked_headlines(html_site):
    items = html_site.soup("2023/05/10/harbour-bridge-closed-after-cracks-found/headlines/").select(
        "section[aria-labelledby=news] li h3"
    )
    assert items and all(h.a is None for h in items)


def test_no_tag_of_a_saved_page_reaches_the_output(html_site):
    for path in html_site.html_files():
        text = path.read_text(encoding="utf-8")
        assert "<!DOCTYPE html>\n<html lang" not in text[20:], path
        assert "&lt;meta" not in text and "&lt;p&gt;" not in text and "&lt;!DOCTYPE" not in text
        assert "<b>closed</b>" not in text, path  # the page's own escaped text stays text


def test_text_that_looks_like_markup_is_escaped(html_site):
    raw = html_site.path(FERRY_URL).read_text(encoding="utf-8")
    assert (
        "&#34;&lt;b&gt;closed&lt;/b&gt;&#34;" in raw
        or "&quot;&lt;b&gt;closed&lt;/b&gt;&quot;" in raw
    )
    assert '"<b>closed</b>"' in _lead_paragraphs(html_site, FERRY_URL)[3]


def test_the_page_under_pages_is_still_pelicans(html_site):
    soup = html_site.soup("contact/")
    assert "Write to the newsroom." in soup.find("main").get_text()
    sources = {entry["source"] for entry in html_site.report["dumps"]}
    assert "pages/contact.html" not in sources


def test_the_parse_report_gives_each_dump_its_kind(html_site):
    kinds = {entry["source"]: entry["kind"] for entry in html_site.report["dumps"]}
    assert kinds == {
        "2023-05-10-harbour.txt": "cms",
        "2023-06-02-harbour-ferry.html": "html",
        "2023-08-21-saved-as-text.txt": "html",
        "2023-09-01-cookie-wall.html": "html",
        "stadtwerke-hochwasser.htm": "html",
    }


def test_an_unsure_reading_warns_once_in_the_log_and_the_report(html_site):
    warnings = [m for m in html_site.messages(logging.WARNING) if "probably read wrong" in m]
    assert warnings == [
        "2023-09-01-cookie-wall.html:7: probably read wrong: short article text (11 words)"
    ]
    [entry] = [e for e in html_site.report["dumps"] if e["source"].endswith("cookie-wall.html")]
    assert entry["status"] == "warning" and entry["confidence"] < 0.5
    assert [w["kind"] for w in entry["warnings"]] == ["unsure"]
    sure = [e for e in html_site.report["dumps"] if not e["source"].endswith("cookie-wall.html")]
    assert all(e["confidence"] == 1.0 for e in sure)
