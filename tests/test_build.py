"""End-to-end: real Pelican builds of small fixture dumps (see conftest.py), read back."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlparse

from conftest import PUBLISH_SITEURL

LEAD_URL = "2023/05/10/harbour-bridge-closed-after-cracks-found/"
DIGEST_URL = LEAD_URL + "headlines/"


def _hrefs(soup):
    return [a["href"] for a in soup.find_all("a", href=True)]


def _resolve(page_url: str, href: str) -> str:
    """A relative href on the page at ``page_url`` as a site-relative URL."""
    return urlparse(urljoin("http://site.test/" + page_url, href)).path.lstrip("/")


def _paragraphs(article):
    """A lead's paragraphs: its <p> without a class, then those of its <div>."""
    return [p.get_text() for p in article.select(":scope > p:not([class]), :scope > div > p")]


def _editor(soup):
    """The credited editor of a lead page."""
    (credit,) = [p.get_text() for p in soup.select("article.lead > p.muted") if "Editor" in p.text]
    return credit.removeprefix("Editor in charge: ")


def _home_pages(site):
    """Every page of the paginated home, following the "Older" links."""
    url, pages = "", []
    while url is not None:
        soup = site.soup(url)
        pages.append((url, soup))
        older = soup.find("a", rel="next")
        url = _resolve(url, older["href"]) if older else None
    return pages


# Lead page


def test_lead_page_shows_title_date_paragraphs_and_credit(site):
    soup = site.soup(LEAD_URL)
    article = soup.find("main").find("article")
    assert article.find("h1").get_text(strip=True) == "Harbour bridge closed after cracks found"
    assert article.find("time")["datetime"] == "2023-05-10"
    paragraphs = _paragraphs(article)
    assert paragraphs[0].startswith("Engineers closed the Port Alden harbour bridge")
    assert len(paragraphs) == 2
    assert _editor(soup) == "Jane Roe"


def test_dump_text_is_escaped_not_markup(site):
    raw = site.path(LEAD_URL).read_text(encoding="utf-8")
    assert "<script>" not in raw
    soup = site.soup(LEAD_URL)
    # The only script that runs is the theme's colour-scheme toggle, from a file; nothing
    # inline (JSON-LD data blocks are not scripts that run).
    scripts = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
    assert [s.get("src", "").rsplit("/", 1)[-1] for s in scripts] == ["theme.js"]
    assert all(not s.string for s in scripts)
    assert '<script>alert("x")</script> & nothing else' in _paragraphs(soup.find("article"))[1]


# "More headlines" page


def test_digest_page_lists_news_items_in_page_order_with_summaries(site):
    soup = site.soup(DIGEST_URL)
    items = soup.select('article.digest [aria-labelledby="news"] > ol > li')
    titles = [li.find("h3").get_text(strip=True) for li in items]
    assert titles == [
        "Floods force thousands from valley towns",
        "Rail strike called off as talks resume",
        "Museum returns bronzes to Benin",
    ]
    summaries = [li.select_one("p") for li in items]
    assert summaries[0] is None
    assert summaries[1].get_text() == "Unions and operators agreed to meet again on Monday."


def test_reference_items_have_their_own_section(site):
    soup = site.soup(DIGEST_URL)
    refs = [h.get_text(strip=True) for h in soup.select('[aria-labelledby="refs"] li h3')]
    assert refs == ["Kenya media guide", "Togo country profile"]
    news = [h.get_text(strip=True) for h in soup.select('[aria-labelledby="news"] li h3')]
    assert not set(refs) & set(news)


def test_lead_and_digest_pages_link_to_each_other(site):
    lead_links = {_resolve(LEAD_URL, h) for h in _hrefs(site.soup(LEAD_URL))}
    digest_links = {_resolve(DIGEST_URL, h) for h in _hrefs(site.soup(DIGEST_URL))}
    assert DIGEST_URL in lead_links
    assert LEAD_URL in digest_links


# Home, pagination, archives


def test_home_lists_leads_with_headline_counts_across_pages(site):
    cards = {}
    for url, soup in _home_pages(site):
        for card in soup.select("article.card"):
            link = card.find(["h2"]).find("a")
            cards[_resolve(url, link["href"])] = card.select_one(".muted").get_text(" ")
    assert re.search(r"\b5 headlines\b", cards[LEAD_URL])  # 3 news + 2 reference items
    assert re.search(r"\b1 headline\b", cards["2023/06/01/zoo-welcomes-twin-red-pandas/"])
    assert len(cards) == 7  # every dump but the binary one


def test_pagination_uses_folder_urls_and_marks_the_current_page(site):
    # Pages are numbered from the oldest dump (so that a new dump does not renumber them):
    # 7 dumps, 2 a page: the home holds the newest 3, then page 2 and page 1 (the oldest).
    pages = _home_pages(site)
    assert [url for url, _ in pages] == ["", "page/2/", "page/1/"]
    assert [len(soup.select("article.card")) for _, soup in pages] == [3, 2, 2]
    current = pages[1][1].select('.pagination [aria-current="page"]')
    assert [a.get_text() for a in current] == ["Page 2"]
    first = pages[0][1].select('.pagination [aria-current="page"]')
    assert [a.get_text() for a in first] == ["Latest"]
    assert site.path("page/2/").is_file()


def test_day_archive_links_to_its_month_and_year(site):
    soup = site.soup("2023/05/10/")
    up = {_resolve("2023/05/10/", a["href"]) for a in soup.select(".breadcrumbs a")}
    assert {"2023/05/", "2023/", "archives/"} <= up
    listed = {_resolve("2023/05/10/", h) for h in _hrefs(soup.find("main"))}
    assert LEAD_URL in listed


def test_month_lists_its_days_and_year_its_months(site):
    month_nav = site.soup("2023/05/").select_one(".period-nav")
    month = {_resolve("2023/05/", h) for h in _hrefs(month_nav)}
    assert {"2023/05/10/", "2023/05/11/", "2023/05/12/"} <= month
    assert "2023/06/01/" not in month
    year = {_resolve("2023/", h) for h in _hrefs(site.soup("2023/").select_one(".period-nav"))}
    assert year == {"2023/05/", "2023/06/"}


def test_archives_list_every_month_with_its_count_and_link_the_years(site):
    soup = site.soup("archives/")
    years = {_resolve("archives/", h) for h in _hrefs(soup.select_one(".period-nav"))}
    assert {"1970/", "2022/", "2023/"} <= years
    months = {
        _resolve("archives/", li.find("a")["href"]): li.get_text(" ", strip=True)
        for li in soup.select(".archive-periods li")
    }
    assert set(months) == {"1970/01/", "2022/12/", "2023/05/", "2023/06/"}
    assert months["2023/05/"].endswith("(4)")


# Special dumps


def test_same_title_same_day_dumps_get_distinct_urls_by_source_order(site):
    first = site.soup("2023/05/11/council-approves-city-budget/")
    second = site.soup("2023/05/11/council-approves-city-budget-2/")
    assert _editor(first) == "First Editor"
    assert _editor(second) == "Second Editor"
    assert site.path("2023/05/11/council-approves-city-budget-2/headlines/").is_file()


def test_leadless_dump_has_a_digest_page_reached_from_home_and_its_day(site):
    day = site.output / "2023" / "05" / "12"
    pages = sorted(p.relative_to(site.output).as_posix() for p in day.rglob("index.html"))
    digest = [p for p in pages if p.endswith("/headlines/index.html")]
    assert len(digest) == 1
    digest_url = digest[0].removesuffix("index.html")
    lead_folder = digest_url.removesuffix("headlines/")
    assert not site.path(lead_folder).exists(), "a lead-less dump has no lead page"
    titles = [h.get_text(strip=True) for h in site.soup(digest_url).select(".digest li h3")]
    assert titles[0] == "Storm warning issued for the coast"
    assert digest_url == "2023/05/12/leadless/headlines/"
    home_links = {_resolve(u, h) for u, s in _home_pages(site) for h in _hrefs(s)}
    assert digest_url in home_links
    day_links = {_resolve("2023/05/12/", h) for h in _hrefs(site.soup("2023/05/12/"))}
    assert digest_url in day_links


def test_undated_dump_gets_the_fallback_date_and_a_warning(site):
    soup = site.soup("1970/01/01/town-hall-clock-stops-after-120-years/")
    assert soup.find("time")["datetime"] == "1970-01-01"
    warnings = site.messages(logging.WARNING)
    assert any("undated-clock.txt" in m and "1970-01-01" in m for m in warnings)


def test_folder_date_and_upper_case_extension(site):
    assert site.path("2023/06/01/zoo-welcomes-twin-red-pandas/").is_file()
    assert site.path("2022/12/31/lighthouse-keeper-retires-after-forty-years/").is_file()


def test_binary_dump_is_reported_as_a_warning_and_the_rest_builds(site):
    # A bad dump is a warning: `--fatal errors` (the deploy) still publishes the rest,
    # `--fatal warnings` (STRICT=1) stops on it.
    warnings = site.messages(logging.WARNING)
    broken = [m for m in warnings if re.search(r"2023-05-13-broken\.txt(:\d+)?:", m)]
    assert len(broken) == 1, warnings
    assert "dump skipped" in broken[0]
    assert site.messages(logging.ERROR) == []
    assert site.path(LEAD_URL).is_file()


# Markdown page, HTML structure


def test_markdown_page_is_rendered_by_markdown_it_without_raw_html(site):
    soup = site.soup("about/")
    main = soup.find("main")
    assert main.find("h1").get_text() == "About"
    assert main.find("strong").get_text() == "lead stories"
    assert main.find("h2").get_text() == "How it works"
    assert main.find("b") is None
    assert "<b>raw html</b>" in main.get_text()


def test_every_page_has_one_main_a_lang_and_no_heading_gaps(site):
    for path in site.html_files():
        soup = site.soup(path.relative_to(site.output).as_posix())
        assert soup.html.get("lang"), path
        assert len(soup.find_all("main")) == 1, path
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1, path
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, (path, levels)


# Published build: absolute URLs under a sub-path, feed


def test_published_links_all_stay_under_the_sub_path(published):
    prefix = urlparse(PUBLISH_SITEURL).path + "/"
    files = published.html_files()
    assert len(files) > 20
    for path in files:
        page_url = path.relative_to(published.output).as_posix()
        soup = published.soup(page_url)
        for tag in soup.find_all(href=True) + soup.find_all(src=True):
            link = tag.get("href") or tag.get("src")
            if link.startswith(("#", "mailto:")):
                continue
            if "external" in (tag.get("rel") or []):
                assert tag.get_text() == "Read the original", (path, link)
                continue  # a lead's Source, the one link that leaves the site
            absolute = urljoin(f"{PUBLISH_SITEURL}/{page_url}", link)
            parsed = urlparse(absolute)
            assert parsed.netloc == "example.org", (path, link)
            assert parsed.path.startswith(prefix), (path, link)


def test_published_build_reports_no_errors(published):
    assert published.messages(logging.ERROR) == []
    warnings = published.messages(logging.WARNING)
    assert any("2023-05-13-broken.txt" in m for m in warnings), warnings


def test_feed_parses_with_absolute_stable_ids(published):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.parse(published.output / "feeds" / "all.atom.xml").getroot()
    entries = root.findall("a:entry", ns)
    assert entries
    for entry in entries:
        assert entry.find("a:id", ns).text.startswith("tag:example.org,")
        link = entry.find("a:link", ns).get("href")
        assert link.startswith(PUBLISH_SITEURL + "/"), link
    titles = [e.find("a:title", ns).text for e in entries]
    assert "Harbour bridge closed after cracks found" in titles
