"""Saved HTML pages: detection, and each reading rule of parse/html.py on small pages.

The fixtures under tests/fixtures/html/ have their expected reading beside them
(``NAME.expected.json``, written by hand from the page, not from the parser's output).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SCHEMA
from news_digest.parse.html import (
    MAX_HEADLINES,
    MIN_BODY_WORDS,
    UNSURE_BELOW,
    looks_like_html,
)
from news_digest.parse.model import DropReason, InputKind, WarningKind
from news_digest.parse.parser import parse_bytes, parse_file, parse_text

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))

BODY = " ".join(
    f"Sentence {n} of the story says what the council decided about the harbour and why."
    for n in range(12)
)


def page(
    body: str = f"<article><h1>Council votes on harbour plan</h1><p>{BODY}</p></article>",
    head: str = "<title>Council votes on harbour plan | Valley Post</title>",
    lang: str = "en",
    charset: str = "utf-8",
) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n{head}\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def fixture(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    [found] = [p for p in FIXTURES.glob(stem + ".*") if p != expected]
    return found


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    "start",
    [
        "<!DOCTYPE html><html><body>x</body></html>",
        "<!doctype HTML>\n<title>x</title>",
        "\ufeff  <html lang=en><body>x</body></html>",
        "<!-- saved from url=(0042)https://example.org/ -->\n<html><body>x</body></html>",
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
        "<head><title>x</title></head>",
    ],
)
def test_html_is_recognised_by_its_start_whatever_the_name(start):
    assert looks_like_html(start, "dump.txt")
    assert looks_like_html(start, "dump")


@pytest.mark.parametrize(
    "text",
    [
        "Harbour bridge closed\nThe <html> tag was shown on the council's site.\n",
        "Title: <!DOCTYPE html> explained\nDate: 2023-05-10\n\nBody text.\n",
        "<b>Bold</b> headline in a text dump\n- item\n",
        "",
    ],
)
def test_a_text_dump_that_quotes_tags_is_not_html(text):
    assert not looks_like_html(text, "2023-05-10-dump.txt")


def test_an_html_named_file_with_any_tag_is_html_and_without_one_is_not():
    assert looks_like_html("<div><p>Fragment</p></div>", "saved.html")
    assert looks_like_html("<div><p>Fragment</p></div>", "SAVED.HTM")
    assert not looks_like_html("<div><p>Fragment</p></div>", "saved.txt")
    assert not looks_like_html("Just text, no tags.\n", "saved.html")


def test_a_cms_dump_is_still_read_as_one():
    digest = parse_text("Lead title\nA paragraph.\n(editor-in-charge:Ann)\n- Item\n", "x.txt")
    assert digest.kind is InputKind.CMS
    assert digest.lead is not None and digest.lead.title == "Lead title"


# --------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name)
def test_each_fixture_is_read_as_expected(expected):
    want = json.loads(expected.read_text(encoding="utf-8"))
    path = fixture(expected)
    digest = parse_file(path, path.name)
    assert digest.kind is InputKind.HTML
    assert digest.lead is not None
    assert digest.lead.title == want["title"]
    assert [p.text for p in digest.lead.paragraphs] == want["paragraphs"]
    assert digest.metadata.date == want["date"]
    assert digest.metadata.source == want["source"]
    assert digest.lang == want["lang"]
    assert list(digest.metadata.authors) == want["authors"]
    assert [(h.title, h.url) for h in digest.headlines] == [
        (h["title"], h["url"]) for h in want["headlines"]
    ]
    assert digest.confidence >= UNSURE_BELOW
    assert not [w for w in digest.warnings if w.kind is WarningKind.UNSURE]


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name)
def test_line_numbers_are_the_source_lines_of_the_text(expected):
    path = fixture(expected)
    source_lines = path.read_text(encoding="utf-8").splitlines()
    digest = parse_file(path, path.name)
    assert digest.lead is not None
    assert digest.lead.title in source_lines[digest.lead.title_line - 1]
    for paragraph in digest.lead.paragraphs:
        assert paragraph.text[:20] in source_lines[paragraph.line - 1], paragraph
    for headline in digest.headlines:
        assert headline.title in source_lines[headline.lines[0] - 1], headline


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name)
def test_the_json_of_a_saved_page_fits_the_schema(expected):
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = SCHEMA
    if not schema_file.is_file():
        pytest.skip("the shared schema is absent")
    path = fixture(expected)
    data = parse_file(path, path.name).to_dict()
    jsonschema.validate(data, json.loads(schema_file.read_text(encoding="utf-8")))
    assert data["kind"] == "html"
    assert all(h["url"].startswith("https://") for h in data["headlines"])


def test_the_command_line_prints_a_saved_page_as_json():
    path = FIXTURES / "2023-08-21-saved-as-text.txt"
    done = subprocess.run(
        [sys.executable, "-m", "news_digest.cli", "parse", str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    assert data["kind"] == "html" and data["lang"] == "en"
    assert data["lead"]["title"] == "Library keeps late opening after petition"
    assert "<" not in json.dumps(data["lead"])


# --------------------------------------------------------------------------- title


def test_the_h1_wins_when_the_page_states_the_same_title():
    head = '<meta property="og:title" content="Council votes on harbour plan - Valley Post">'
    digest = parse_text(page(head=head), "x.html")
    assert digest.lead.title == "Council votes on harbour plan"
    assert digest.lead.title_line == 8


def test_a_logo_h1_loses_to_the_stated_title():
    body = f"<header><h1>Valley Post</h1></header><article><p>{BODY}</p></article>"
    head = '<meta property="og:title" content="Council votes on harbour plan">'
    digest = parse_text(page(body=body, head=head), "x.html")
    assert digest.lead.title == "Council votes on harbour plan"


def test_the_json_ld_headline_counts_as_a_stated_title():
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Harbour plan approved"}</script>'
    )
    body = f"<header><h1>Valley Post</h1></header><article><p>{BODY}</p></article>"
    assert parse_text(page(body=body, head=head), "x.html").lead.title == "Harbour plan approved"


def test_a_title_tag_alone_loses_the_site_name_and_lowers_confidence():
    body = f"<article><p>{BODY}</p></article>"
    head = (
        '<meta property="og:site_name" content="Valley Post">'
        "<title>Council votes on harbour plan | Valley Post</title>"
    )
    digest = parse_text(page(body=body, head=head), "x.html")
    assert digest.lead.title == "Council votes on harbour plan"
    assert digest.confidence < 1.0


def test_a_first_paragraph_that_repeats_the_title_is_dropped_as_a_duplicate():
    body = (
        "<article><div>Council votes on harbour plan</div>"
        f"<h1>Council votes on harbour plan</h1><p>{BODY}</p></article>"
    )
    digest = parse_text(page(body=body), "x.html")
    texts = [p.text for p in digest.lead.paragraphs]
    assert "Council votes on harbour plan" not in texts
    assert texts[0].startswith("Sentence 0")


# --------------------------------------------------------------------------- body


def test_a_paragraph_that_is_one_link_to_another_story_is_dropped():
    body = (
        f"<article><h1>Council votes on harbour plan</h1><p>{BODY}</p>"
        '<p>Read more: <a href="/news/2023/05/01/harbour-plan-first-draft-published">'
        "Harbour plan first draft published</a></p>"
        f"<p>{BODY.replace('Sentence', 'Line')}</p></article>"
    )
    head = '<link rel="canonical" href="https://post.example/news/2023/05/10/council-votes">'
    digest = parse_text(page(body=body, head=head), "x.html")
    texts = [p.text for p in digest.lead.paragraphs]
    assert not any("first draft" in t for t in texts)
    assert len(texts) == 2
    assert [d.reason for d in digest.dropped if "first draft" in d.text] == [DropReason.FURNITURE]
    assert digest.headlines[0].url == (
        "https://post.example/news/2023/05/01/harbour-plan-first-draft-published"
    )


def test_json_ld_article_body_stands_in_for_a_failed_extraction():
    stated = " ".join(f"Word{n} of the stated body." for n in range(40))
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        f'"@type": "NewsArticle", "headline": "Stated", "articleBody": "{stated}"}}</script>'
    )
    digest = parse_text(page(body="<div>Loading...</div>", head=head), "x.html")
    assert [p.text for p in digest.lead.paragraphs] == [stated]


def test_broken_json_ld_is_skipped():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    digest = parse_text(page(head=head), "x.html")
    assert digest.lead.title == "Council votes on harbour plan"


def test_an_empty_page_has_no_lead_and_says_why():
    digest = parse_text("<html></html>", "empty.html")
    assert digest.kind is InputKind.HTML
    assert digest.lead is None
    assert digest.warnings and digest.warnings[0].kind is WarningKind.EMPTY


# --------------------------------------------------------------------------- confidence


def test_a_page_without_article_text_warns_once_that_it_is_unsure():
    digest = parse_file(FIXTURES / "cookie-wall.html", "cookie-wall.html")
    unsure = [w for w in digest.warnings if w.kind is WarningKind.UNSURE]
    assert digest.confidence < UNSURE_BELOW
    assert len(unsure) == 1
    assert unsure[0].line == 7  # the <body>
    assert "probably read wrong" in unsure[0].message and "words" in unsure[0].message


def test_the_cli_check_lists_the_unsure_reading_with_file_and_line(tmp_path):
    (tmp_path / "cookie-wall.html").write_bytes((FIXTURES / "cookie-wall.html").read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "news_digest.cli", "check", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert "cookie-wall.html:7: warning: probably read wrong" in done.stderr
    [entry] = json.loads(done.stdout)["dumps"]
    assert entry["kind"] == "html" and entry["confidence"] < UNSURE_BELOW


def test_a_full_article_is_read_with_confidence():
    digest = parse_text(page(), "x.html")
    assert sum(len(p.text.split()) for p in digest.lead.paragraphs) >= MIN_BODY_WORDS
    assert digest.confidence == 1.0


# --------------------------------------------------------------------------- links


def _links(body: str, base: str = "https://post.example/news/2023/05/10/council-votes"):
    head = f'<link rel="canonical" href="{base}">'
    return [(h.title, h.url) for h in parse_text(page(body=page_body(body), head=head)).headlines]


def page_body(extra: str) -> str:
    return f"<article><h1>Council votes on harbour plan</h1><p>{BODY}</p></article>{extra}"


def test_links_to_other_articles_of_the_site_become_headlines_with_absolute_urls():
    links = _links(
        '<ul><li><a href="/news/2023/05/09/ferry-timetable-changes-for-summer">'
        "Ferry timetable changes for summer</a></li>"
        '<li><a href="https://www.post.example/sport/local-club-wins-the-valley-cup-4711">'
        "Local club wins the valley cup</a></li></ul>"
    )
    assert links == [
        (
            "Ferry timetable changes for summer",
            "https://post.example/news/2023/05/09/ferry-timetable-changes-for-summer",
        ),
        (
            "Local club wins the valley cup",
            "https://www.post.example/sport/local-club-wins-the-valley-cup-4711",
        ),
    ]


FERRY_LINK = (
    '<a href="/news/2023/05/09/ferry-timetable-changes">Ferry timetable changes for summer</a>'
)


@pytest.mark.parametrize(
    "link",
    [
        f"<nav>{FERRY_LINK}</nav>",
        f"<footer>{FERRY_LINK}</footer>",
        FERRY_LINK.replace('"/news', '"https://other.example/news'),
        '<a href="/news/2023/05/09/ferry">Ferry</a>',
        '<a href="/news/">Read all the news from the valley</a>',
        '<a href="javascript:void(0)">Ferry timetable changes for summer 2023</a>',
        '<a href="mailto:news@post.example">Write to the newsroom about this story</a>',
        "<p>The council said, in a long statement released on Tuesday evening, that "
        '<a href="/news/2023/05/01/harbour-plan-first-draft-published">the first draft of '
        "the plan</a> had been changed after the public consultation closed.</p>",
    ],
    ids=[
        "nav",
        "footer",
        "other-site",
        "short-text",
        "section-page",
        "javascript",
        "mailto",
        "in-running-text",
    ],
)
def test_links_that_are_not_headlines_are_left_out(link):
    assert _links(link) == []


def test_the_page_itself_and_repeated_links_are_listed_once():
    same = (
        '<a href="/news/2023/05/09/ferry-timetable-changes">Ferry timetable changes for summer</a>'
    )
    links = _links(
        same
        + same.replace("changes for summer", "changes for the summer")
        + '<a href="/news/2023/05/10/council-votes/">Council votes on the harbour plan today</a>'
    )
    assert len(links) == 1


def test_at_most_max_headlines_are_kept():
    many = "".join(
        f'<a href="/news/2023/05/09/story-number-{n}-of-the-day">Story number {n} of the day</a>'
        for n in range(MAX_HEADLINES + 10)
    )
    assert len(_links(many)) == MAX_HEADLINES


# --------------------------------------------------------------------------- bytes


def test_a_page_in_a_declared_single_byte_charset_is_decoded_with_it():
    html = page(
        body=f"<article><h1>Café reopens on the quay</h1><p>{BODY} Déjà vu.</p></article>",
        head="<title>Café reopens on the quay</title>",
        charset="windows-1252",
    )
    digest = parse_bytes(html.encode("cp1252"), "cafe.html")
    assert digest.kind is InputKind.HTML
    assert digest.encoding == "cp1252"
    assert digest.lead.title == "Café reopens on the quay"
    assert digest.lead.paragraphs[-1].text.endswith("Déjà vu.")


def test_a_page_with_a_byte_order_mark_and_an_xml_declaration_is_read():
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page()
    digest = parse_bytes(b"\xef\xbb\xbf" + html.encode("utf-8"), "x.txt")
    assert digest.kind is InputKind.HTML
    assert digest.lead.title == "Council votes on harbour plan"


def test_the_page_language_comes_from_the_html_element():
    assert parse_text(page(lang="de-AT"), "x.html").lang == "de-AT"
    assert parse_text(page(lang="de-AT"), "x.html").metadata.lang == "de-AT"


def test_text_before_the_titles_repeat_is_not_the_articles():
    body = (
        "<div>Teaser of another story on the site</div>"
        "<article><h2>Council votes on harbour plan</h2>"
        f"<h1>Council votes on harbour plan</h1><p>{BODY}</p></article>"
    )
    digest = parse_text(page(body=body), "x.html")
    texts = [p.text for p in digest.lead.paragraphs]
    assert texts and texts[0].startswith("Sentence 0")
    assert not any("Teaser" in t for t in texts)


# --------------------------------------------------------------------------- hostile pages


@pytest.mark.parametrize(
    "head",
    [
        '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>",
        '<script type="application/ld+json">{"@type": ["NewsArticle"], "headline": ["A", 3],'
        ' "author": {"name": 5}, "datePublished": {"x": 1}, "url": 7}</script>',
        '<base href="http://[::1">',
        '<link rel="canonical" href="javascript:alert(1)">',
    ],
    ids=["deep-json-ld", "odd-json-ld-types", "bad-base", "script-canonical"],
)
def test_odd_metadata_never_stops_the_reading(head):
    body = (
        f"<article><h1>Council votes on harbour plan</h1><p>{BODY}</p></article>"
        '<a href="http://[bad/news/2023/01/01/story-long-slug">Story number one of the day</a>'
        '<a href="/news/2023/01/01/story-with-a-long-slug">Story number two of the day</a>'
    )
    digest = parse_text(page(body=body, head=head), "x.html")
    assert digest.lead is not None and digest.lead.paragraphs
    assert digest.metadata.source is None or digest.metadata.source.startswith("http")
    assert all(h.url.startswith("http") for h in digest.headlines)


def test_a_page_without_any_text_is_unsure_before_it_is_undated():
    digest = parse_text("<html><body><div></div></body></html>", "x.html")
    assert digest.lead is None
    assert [w.kind for w in digest.warnings] == [WarningKind.UNSURE, WarningKind.NO_DATE]
    assert digest.warnings[0].message == "probably read wrong: no article text found"


def test_a_stated_title_loses_a_site_name_that_the_host_name_spells():
    head = (
        '<meta property="og:title" content="Reviews are here — and they are not great - Digg">'
        '<link rel="canonical" href="https://digg.com/2019/reviews-are-here">'
    )
    body = f"<header><h1>Digg</h1></header><article><p>{BODY}</p></article>"
    digest = parse_text(page(body=body, head=head), "x.html")
    assert digest.lead.title == "Reviews are here — and they are not great"


def test_a_stated_title_with_a_dash_of_its_own_is_kept_whole():
    head = '<meta property="og:title" content="Jedi review – shoots for the moon">'
    body = f"<header><h1>Games Weekly</h1></header><article><p>{BODY}</p></article>"
    digest = parse_text(page(body=body, head=head), "x.html")
    assert digest.lead.title == "Jedi review – shoots for the moon"


def test_the_extractor_logs_nothing_of_its_own(caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        for text in ("<html><body></body></html>", "<html><body><p>x</p></body></html>", page()):
            parse_text(text, "x.html")
    assert [r for r in caplog.records if r.name.startswith("trafilatura")] == []
    assert logging.getLogger("trafilatura").level == logging.NOTSET  # set back
