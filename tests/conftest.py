"""Real Pelican builds for the site tests, built once per session into temporary folders.

A build is a ``Site``: its output folder, the records logged while it ran, and helpers to read
pages back with BeautifulSoup. Within one process Pelican keeps a plugin's signals connected
from build to build (see PELICAN.md); every build here uses the same plugin, so that is fine.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

REPO_ROOT = Path(__file__).resolve().parents[1]
PUBLISH_SITEURL = "https://example.org/repo"

# Small dumps whose parse docs/reading/cms.md fixes; each one exercises one site rule.
LEAD_DUMP = """\
Harbour bridge closed after cracks found
Engineers closed the Port Alden harbour bridge on Tuesday after finding cracks in its main span.
A note left on the gate read <script>alert("x")</script> & nothing else.
(editor-in-charge:Jane Roe)
- Floods force thousands from valley towns
-
Rail strike called off as talks resume
Unions and operators agreed to meet again on Monday. ...[in detail]
- Kenya media guide
- Museum returns bronzes to Benin
- Togo country profile
"""

#: Two stories under one title on one day: their texts differ, so they are not two scrapes
#: of one page (news_digest.site.scrapes) but two leads whose URLs collide.
SAME_TITLE_DUMP = """\
Council approves city budget
{text}
(editor-in-charge:{editor})
- Library opening hours extended
"""

LEADLESS_DUMP = """\
- Storm warning issued for the coast
- Ferry services suspended
- Schools to open late on Friday
"""

UNDATED_DUMP = """\
Town hall clock stops after 120 years
The clock on the town hall stopped at ten past four on Sunday.
(editor-in-charge:Sam Poe)
- Market traders move to new square
"""

FOLDER_DATED_DUMP = """\
Zoo welcomes twin red pandas
Keepers said the cubs, born last month, are feeding well.
(editor-in-charge:Ann Lee)
- Bus fares frozen for another year
"""

UPPER_EXT_DUMP = """\
Lighthouse keeper retires after forty years
The last keeper of the Skerry light handed over the keys on Saturday.
(editor-in-charge:Bo Tan)
- New cycle lane opens
"""

ABOUT_MD = """\
Title: About
Slug: about

This site shows **lead stories** and their headlines.

## How it works

- one dump, two pages
- <b>raw html</b> stays text
"""

# Text that would end a <script> element, an HTML comment or an XML element if any output
# (JSON-LD, sitemaps, feeds) wrote it unescaped; the newest lead of the published build.
SCRIPT_TITLE_DUMP = """\
Title: Minister quits over "</script><script>alert(1)</script>" & <!-- row
Date: 2023-06-02 18:45
Source: https://news.example.com/politics/minister?id=7&ref=home

Minister quits over "</script><script>alert(1)</script>" & <!-- row
The minister resigned after a row over a leaked memo <b>marked</b> secret & urgent.
(editor-in-charge:Ana "Al" O'Neil)
- Budget vote delayed
"""

BINARY_DUMP = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


def write_fixture_content(root: Path) -> None:
    """The test site's content folder."""
    files = {
        "2023-05-10-harbour.txt": LEAD_DUMP,
        "2023/05/11/a-council.txt": SAME_TITLE_DUMP.format(
            editor="First Editor",
            text="The council approved next year's budget by nine votes to four.",
        ),
        "2023/05/11/b-council.txt": SAME_TITLE_DUMP.format(
            editor="Second Editor",
            text="Rural district members backed a smaller spending plan after a night of debate.",
        ),
        "2023-05-12-leadless.txt": LEADLESS_DUMP,
        "undated-clock.txt": UNDATED_DUMP,
        "2023-06-01/pandas.txt": FOLDER_DATED_DUMP,
        "2022-12-31-lighthouse.TXT": UPPER_EXT_DUMP,
        "pages/about.md": ABOUT_MD,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "2023-05-13-broken.txt").write_bytes(BINARY_DUMP)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Site:
    output: Path
    records: list[logging.LogRecord] = field(default_factory=list)

    def path(self, url: str) -> Path:
        """The file served for a site-relative URL (``2023/05/10/x/`` or ``404.html``)."""
        target = self.output / url.lstrip("/")
        return target / "index.html" if url == "" or url.endswith("/") else target

    def soup(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.path(url).read_text(encoding="utf-8"), "html.parser")

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))

    def messages(self, level: int) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno == level]


def build(settings_file: str, content: Path, output: Path, **override) -> Site:
    """Run Pelican once with ``settings_file`` from the repository, collecting the log."""
    from pelican import Pelican
    from pelican.log import LimitFilter
    from pelican.settings import read_settings

    settings = read_settings(
        str(REPO_ROOT / settings_file),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), **override},
    )
    # Pelican drops a log message it has already shown in this process; each build here
    # must see its own warnings, whatever ran before it.
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        Pelican(settings=settings).run()
    finally:
        root.removeHandler(handler)
    return Site(output=output, records=handler.records)


def build_fixture_site(folder: Path, **settings: Any) -> Site:
    """The fixture dumps written to ``folder/content`` and built with pelicanconf.py into
    ``folder/output``, with ``settings`` on top."""
    content = folder / "content"
    write_fixture_content(content)
    return build("pelicanconf.py", content, folder / "output", **settings)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture dumps built with pelicanconf.py (relative URLs), two leads per page."""
    content = tmp_path_factory.mktemp("content")
    write_fixture_content(content)
    return build(
        "pelicanconf.py",
        content,
        tmp_path_factory.mktemp("output"),
        DEFAULT_PAGINATION=2,
    )


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Fixture dumps, the repository's own dumps and SCRIPT_TITLE_DUMP, built with
    publishconf.py under /repo/."""
    content = tmp_path_factory.mktemp("content-published")
    write_fixture_content(content)
    shutil.copytree(
        REPO_ROOT / "content",
        content / "demo",
        ignore=shutil.ignore_patterns("pages"),
    )
    (content / "2023-06-02-minister.txt").write_text(SCRIPT_TITLE_DUMP, encoding="utf-8")
    return build(
        "publishconf.py",
        content,
        tmp_path_factory.mktemp("output-published"),
        SITEURL=PUBLISH_SITEURL,
        FEED_DOMAIN=PUBLISH_SITEURL,
        RELATIVE_URLS=False,
        DELETE_OUTPUT_DIRECTORY=False,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One Chromium (Debian's, never downloaded) for every browser test of the session:
    Playwright's sync API cannot start a second one while the first is open."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, require

    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
