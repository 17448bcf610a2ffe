"""Sharing and indexing: JSON-LD, Open Graph, canonical links, sitemaps, robots.txt, feeds.

End-to-end tests read the session builds of conftest.py back (``published`` is under
``https://example.org/repo``); unit tests feed :mod:`news_digest.publish.indexing` hostile text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from urllib.parse import urlparse

import feedparser
import pytest
from conftest import PUBLISH_SITEURL
from news_digest.publish import indexing

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
LEAD_URL = "2023/05/10/harbour-bridge-closed-after-cracks-found/"
SCRIPT_TITLE = 'Minister quits over "</script><script>alert(1)</script>" & <!-- row'
LEAD_PATH_RE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
DIGEST_PATH_RE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/headlines/index\.html$")


def _pages(site, pattern):
    """Site-relative URLs of the output files whose path matches ``pattern``."""
    paths = (p.relative_to(site.output).as_posix() for p in site.html_files())
    return sorted(p.removesuffix("index.html") for p in paths if pattern.match(p))


def _json_ld(soup):
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1, scripts
    return json.loads(scripts[0].string)


def _meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def _has_offset(value: str) -> bool:
    return dt.datetime.fromisoformat(value).utcoffset() is not None


def _sitemap(site, name="sitemap.xml"):
    return ET.parse(site.output / name).getroot()


# JSON-LD


def test_every_lead_page_has_a_news_article_json_ld(published):
    leads = _pages(published, LEAD_PATH_RE)
    assert len(leads) >= 12
    for url in leads:
        data = _json_ld(published.soup(url))
        page_url = f"{PUBLISH_SITEURL}/{url}"
        assert data["@context"] == "https://schema.org", url
        assert data["@type"] == "NewsArticle", url
        assert data["headline"], url
        assert _has_offset(data["datePublished"]), url
        assert _has_offset(data["dateModified"]), url
        assert data["dateModified"] >= data["datePublished"], url
        assert data["author"]["@type"] in {"Person", "Organization"}, url
        assert data["author"]["name"], url
        assert data["publisher"] == {
            "@type": "Organization",
            "name": "News Digest",
            "url": PUBLISH_SITEURL + "/",
        }
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": page_url}, url
        assert data["url"] == page_url


def test_json_ld_author_is_the_credited_editor_and_is_based_on_the_source(published):
    lead = _json_ld(published.soup(LEAD_URL))
    assert lead["author"] == {"@type": "Person", "name": "Jane Roe"}
    assert lead["headline"] == "Harbour bridge closed after cracks found"
    assert lead["datePublished"] == "2023-05-10T00:00:00+00:00"
    assert "isBasedOn" not in lead  # the dump had no Source header
    floods = _json_ld(
        published.soup("2023/04/19/thousands-leave-homes-as-river-tessel-bursts-its-banks/")
    )
    assert floods["isBasedOn"] == "https://news.example.com/world/tessel-valley-floods"
    assert floods["datePublished"] == "2023-04-19T08:30:00+00:00"


def test_json_ld_cannot_be_closed_by_a_title(published):
    [url] = [u for u in _pages(published, LEAD_PATH_RE) if u.startswith("2023/06/02/")]
    raw = published.path(url).read_text(encoding="utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S)
    assert block, "no JSON-LD block"
    assert "<" not in block.group(1) and ">" not in block.group(1) and "&" not in block.group(1)
    data = json.loads(block.group(1))
    assert data["headline"] == SCRIPT_TITLE
    assert data["author"] == {"@type": "Person", "name": 'Ana "Al" O\'Neil'}
    assert data["isBasedOn"] == "https://news.example.com/politics/minister?id=7&ref=home"
    soup = published.soup(url)
    holders = [s.get("type") for s in soup.find_all("script") if "alert(1)" in (s.string or "")]
    assert holders == ["application/ld+json"], "the title made a script of its own"


def test_digest_pages_have_no_json_ld(published):
    """An ItemList would repeat every headline title; the page and sitemap suffice."""
    digests = _pages(published, DIGEST_PATH_RE)
    assert len(digests) >= 13
    for url in digests:
        assert published.soup(url).find("script", type="application/ld+json") is None, url


def test_local_build_has_json_ld_but_no_relative_canonical_or_sitemap(site):
    soup = site.soup(LEAD_URL)
    data = _json_ld(soup)
    assert data["@type"] == "NewsArticle"
    assert "mainEntityOfPage" not in data and "url" not in data
    for path in site.html_files():
        page = site.soup(path.relative_to(site.output).as_posix())
        assert page.find("link", rel="canonical") is None, path
        assert _meta(page, "og:url") is None, path
    assert not (site.output / "sitemap.xml").exists()
    assert not (site.output / "news-sitemap.xml").exists()
    assert not (site.output / "robots.txt").exists()


# Open Graph, Twitter card, canonical


def test_every_page_has_an_absolute_canonical_link_and_sharing_tags(published):
    files = [p.relative_to(published.output).as_posix() for p in published.html_files()]
    assert len(files) > 30
    for path in files:
        soup = published.soup(path)
        canonical = soup.find("link", rel="canonical")
        if path == "404.html":
            assert canonical is None  # served at every missing address
            continue
        expected = f"{PUBLISH_SITEURL}/{path.removesuffix('index.html')}"
        assert canonical["href"] == expected, path
        assert _meta(soup, "og:url") == expected, path
        assert _meta(soup, "og:title"), path
        assert _meta(soup, "og:description"), path
        assert _meta(soup, "og:site_name") == "News Digest", path
        assert _meta(soup, "twitter:card") == "summary", path
        assert _meta(soup, "twitter:title") is None, path  # Twitter reads og:title
        is_lead = bool(LEAD_PATH_RE.match(path))
        assert _meta(soup, "og:type") == ("article" if is_lead else "website"), path
        published_time = _meta(soup, "article:published_time")
        assert (published_time is not None) == is_lead, path
        if is_lead:
            assert _has_offset(published_time), path


def test_lead_sharing_tags_use_the_title_and_first_paragraph(published):
    soup = published.soup(LEAD_URL)
    assert _meta(soup, "og:title") == "Harbour bridge closed after cracks found"
    assert _meta(soup, "og:description").startswith("Engineers closed the Port Alden harbour")
    assert _meta(soup, "article:published_time") == "2023-05-10T00:00:00+00:00"


def test_lead_descriptions_are_one_short_excerpt_of_the_first_paragraph(published):
    for url in _pages(published, LEAD_PATH_RE):
        soup = published.soup(url)
        first = " ".join(soup.select_one("article.lead > p:not([class])").get_text().split())
        description = _meta(soup, "description")
        assert description == _meta(soup, "og:description") == _json_ld(soup)["description"]
        assert len(description) <= indexing.DESCRIPTION_MAX_CHARS, url
        if description.endswith("\u2026"):
            assert first.startswith(description[:-1].rstrip()), url
            assert len(first) > indexing.DESCRIPTION_MAX_CHARS, url
        else:
            assert description == first, url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Short  text\n here.", "Short text here."),
        ("a" * 160, "a" * 160),
        ("word " * 40, "word " * 31 + "word\u2026"),
        ("Cut here, " + "x" * 150 + " tail", "Cut here\u2026"),
        ("y" * 200, "y" * 159 + "\u2026"),
    ],
)
def test_excerpt_cuts_at_a_word_boundary_with_an_ellipsis(text, expected):
    assert indexing.excerpt(text) == expected
    assert len(indexing.excerpt(text)) <= indexing.DESCRIPTION_MAX_CHARS


def test_feeds_are_linked_from_the_head(published):
    head = published.soup("").head
    types = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert types["application/atom+xml"] == f"{PUBLISH_SITEURL}/feeds/all.atom.xml"
    assert types["application/feed+json"] == f"{PUBLISH_SITEURL}/feed.json"


# sitemap.xml, news sitemap, robots.txt


def test_sitemap_lists_every_html_page_with_absolute_locs(published):
    root = _sitemap(published)
    assert root.tag == f"{SM}urlset"
    locs = [url.findtext(f"{SM}loc") for url in root.findall(f"{SM}url")]
    assert locs == sorted(set(locs)), "sorted, no duplicates"
    for loc in locs:
        assert urlparse(loc).netloc == "example.org" and loc.startswith(PUBLISH_SITEURL + "/")
    files = {
        f"{PUBLISH_SITEURL}/{p.relative_to(published.output).as_posix().removesuffix('index.html')}"
        for p in published.html_files()
        if p.name != "404.html"
    }
    assert set(locs) == files
    for url in (LEAD_URL, LEAD_URL + "headlines/", "", "archives/", "2023/05/", "about/"):
        assert f"{PUBLISH_SITEURL}/{url}" in locs, url


def test_sitemap_lastmods_are_content_dates(published):
    root = _sitemap(published)
    lastmods = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root}
    lead_dates = {
        f"{PUBLISH_SITEURL}/{url}": _json_ld(published.soup(url))["dateModified"]
        for url in _pages(published, LEAD_PATH_RE)
    }
    for loc, date in lead_dates.items():
        assert lastmods[loc] == date, loc
        assert lastmods[loc + "headlines/"] == date, loc
    newest = max(lead_dates.values())
    assert newest == "2023-06-02T18:45:00+00:00"
    assert lastmods[PUBLISH_SITEURL + "/"] == newest
    # The example's page was saved at 00:00, 09:00 and 14:00: one lead, the newest version.
    assert lastmods[PUBLISH_SITEURL + "/2023/05/10/"] == "2023-05-10T14:00:00+00:00"
    dated = [d for d in lastmods.values() if d]
    assert all(_has_offset(d) and d <= newest for d in dated)


def test_news_sitemap_lists_the_leads_of_the_last_two_days(published):
    raw = (published.output / "news-sitemap.xml").read_text(encoding="utf-8")
    assert 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in raw
    root = ET.fromstring(raw)
    urls = root.findall(f"{SM}url")
    assert 0 < len(urls) <= 1000
    entries = {}
    for url in urls:
        news = url.find(f"{NEWS}news")
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == "News Digest"
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
        entries[url.findtext(f"{SM}loc")] = (
            news.findtext(f"{NEWS}publication_date"),
            news.findtext(f"{NEWS}title"),
        )
    leads = {
        f"{PUBLISH_SITEURL}/{url}": _json_ld(published.soup(url))
        for url in _pages(published, LEAD_PATH_RE)
    }
    newest = max(dt.datetime.fromisoformat(d["datePublished"]) for d in leads.values())
    in_window = {
        loc
        for loc, d in leads.items()
        if dt.datetime.fromisoformat(d["datePublished"]) >= newest - dt.timedelta(days=2)
    }
    assert set(entries) == in_window
    assert len(in_window) == 2  # 2 June 18:45 and 1 June; not 24 May
    for loc, (date, title) in entries.items():
        assert date == leads[loc]["datePublished"]
        assert title == leads[loc]["headline"]
    assert SCRIPT_TITLE in [title for _, title in entries.values()]


def test_robots_txt_names_both_sitemaps(published):
    lines = (published.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {PUBLISH_SITEURL}/sitemap.xml" in lines
    assert f"Sitemap: {PUBLISH_SITEURL}/news-sitemap.xml" in lines


# Atom feed, JSON Feed


def test_atom_feed_is_well_formed_with_absolute_stable_ids(published):
    feed = feedparser.parse((published.output / "feeds" / "all.atom.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.entries
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids)
    for entry in feed.entries:
        assert re.match(r"^tag:example\.org,\d{4}-\d{2}-\d{2}:/repo/", entry.id), entry.id
        assert entry.link.startswith(PUBLISH_SITEURL + "/")
        assert entry.updated_parsed is not None
    titles = [entry.title for entry in feed.entries]
    assert SCRIPT_TITLE in titles
    newest = feed.entries[0]
    assert newest.published == "2023-06-02T18:45:00+00:00"
    assert feed.feed.updated == "2023-06-02T18:45:00+00:00"  # a content date, not build time


def test_json_feed_has_the_required_keys(published):
    data = json.loads((published.output / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "News Digest"
    assert data["home_page_url"] == PUBLISH_SITEURL + "/"
    assert data["feed_url"] == PUBLISH_SITEURL + "/feed.json"
    items = data["items"]
    assert 13 <= len(items) <= 50
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)
    published_dates = [item["date_published"] for item in items]
    assert published_dates == sorted(published_dates, reverse=True)
    for item in items:
        assert item["id"] == item["url"] and item["url"].startswith(PUBLISH_SITEURL + "/")
        assert item["title"]
        assert item.get("content_html") or item.get("content_text"), item["id"]
        assert _has_offset(item["date_published"])
        for author in item.get("authors", data["authors"]):
            assert author["name"]
    first = items[0]
    assert first["title"] == SCRIPT_TITLE
    assert first["authors"] == [{"name": 'Ana "Al" O\'Neil'}]
    assert "&lt;b&gt;marked&lt;/b&gt;" in first["content_html"]
    leadless = [i for i in items if i["url"].endswith("/2023/05/12/leadless/headlines/")]
    assert leadless and "<li>Storm warning issued for the coast</li>" in leadless[0]["content_html"]


def test_local_json_feed_uses_the_feed_domain(site):
    data = json.loads((site.output / "feed.json").read_text(encoding="utf-8"))
    assert data["feed_url"] == "http://localhost:8000/feed.json"
    assert all(item["id"].startswith("http://localhost:8000/") for item in data["items"])


# Unit tests: escaping, windows, caps


@pytest.mark.parametrize(
    "text",
    [SCRIPT_TITLE, "a</SCRIPT>b", "<!--", "x & y > z", "line\u2028sep\u2029end", "é ü 中文"],
)
def test_script_json_round_trips_and_never_contains_markup(text):
    encoded = indexing.script_json({"headline": text})
    assert json.loads(encoded) == {"headline": text}
    assert not set("<>&\u2028\u2029") & set(encoded)


def test_sitemap_xml_escapes_text_and_drops_characters_xml_cannot_hold():
    hostile = "Q&A: <b>x</b> ]]> \x00\x0b\x1f end"
    text = indexing.news_sitemap_xml(
        [indexing.NewsEntry("https://e.org/a?x=1&y=2", hostile, "2023-05-01T00:00:00+00:00", "en")],
        publication='Sam & "Co" <News>',
    )
    root = ET.fromstring(text.encode("utf-8"))
    url = root.find(f"{SM}url")
    assert url.findtext(f"{SM}loc") == "https://e.org/a?x=1&y=2"
    assert url.findtext(f"{NEWS}news/{NEWS}title") == "Q&A: <b>x</b> ]]>  end"
    name = url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name")
    assert name == 'Sam & "Co" <News>'
    plain = indexing.sitemap_xml([indexing.SitemapEntry("https://e.org/<&>", None)])
    assert ET.fromstring(plain).find(f"{SM}url/{SM}loc").text == "https://e.org/<&>"
    assert ET.fromstring(plain).find(f"{SM}url/{SM}lastmod") is None


def test_recent_window_is_relative_to_the_newest_item_and_capped():
    newest = dt.datetime(2023, 5, 10, 12, tzinfo=dt.UTC)
    dated = [(newest - dt.timedelta(hours=h), h) for h in range(0, 100)]
    assert indexing.recent_window(dated, 2, 1000) == list(range(0, 49))
    many = [(newest - dt.timedelta(seconds=s), s) for s in range(1500)]
    assert indexing.recent_window(many, 2, 1000) == list(range(1000))
    assert indexing.recent_window([], 2, 1000) == []


def test_iso_datetime_always_has_an_offset():
    assert indexing.iso_datetime(dt.datetime(2023, 5, 10, 8, 30), "Europe/London") == (
        "2023-05-10T08:30:00+01:00"
    )
    assert indexing.iso_datetime(dt.date(2023, 1, 2)) == "2023-01-02T00:00:00+00:00"


def test_json_feed_keeps_the_newest_items_up_to_the_limit():
    from news_digest.publish.indexing_generator import IndexingGenerator

    generator = IndexingGenerator.__new__(IndexingGenerator)
    generator.settings = {
        "SITEURL": "https://e.org/site",
        "SITENAME": "S",
        "FEED_MAX_ITEMS": 3,
        "TIMEZONE": "UTC",
    }
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    articles = [
        SimpleNamespace(
            url=f"{n}/", title=f"T{n}", content="<p>x</p>", date=start + dt.timedelta(days=n)
        )
        for n in range(10)
    ]
    options = {"json_feed_max_items": None}
    newest_first = articles[::-1]
    feed = json.loads(generator.json_feed(newest_first, options, "feed.json"))
    assert [i["id"] for i in feed["items"]] == [f"https://e.org/site/{n}/" for n in (9, 8, 7)]
    feed = json.loads(generator.json_feed(newest_first, {"json_feed_max_items": 5}, "f.json"))
    assert len(feed["items"]) == 5


@pytest.mark.parametrize(
    ("siteurl", "output_file", "expected"),
    [
        ("https://e.org/repo", "2023/05/10/x/index.html", "https://e.org/repo/2023/05/10/x/"),
        ("https://e.org/repo/", "index.html", "https://e.org/repo/"),
        ("https://e.org", "404.html", ""),  # served at every missing address
        ("", "2023/05/10/x/index.html", ""),  # a relative canonical is no use
        ("../..", "2023/05/10/x/index.html", ""),
    ],
)
def test_canonical_url_is_absolute_or_absent(siteurl, output_file, expected):
    from news_digest.publish.indexing_generator import TemplateHelpers

    helpers = TemplateHelpers({"SITEURL": siteurl, "TIMEZONE": "UTC"})
    # A page of a RELATIVE_URLS build has a relative SITEURL in its context; the helper
    # uses the configured one.
    assert helpers.canonical_url({"output_file": output_file, "SITEURL": "../.."}) == expected
