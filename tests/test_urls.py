"""news_digest.incremental.urls.expand gives what Pelican's own URL formatting gives, for any
pattern."""

from __future__ import annotations

import copy
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from news_digest.incremental import urls
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category
from pelican.utils import SafeDatetime

PATTERNS = [
    "{date:%Y}/{date:%m}/{date:%d}/{slug}/",
    "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html",
    "{slug}.html",
    "{category}/{slug}.html",
    "{author}/{date:%B %-d}/{slug}",
    "{path}",
    "{lang}/{slug}/",
    "{date.year}/{date.month:02d}/{slug}/",
    "{date}/{slug}",
    "{date:%Y-%m-%dT%H:%M%z}/{slug}",
    "{dump_source}/{slug}",
    "posts/{slug}/{{braces}}/",
    "{missing}/{slug}",
    "{}/{slug}",
    "{date:{fmt}}/{slug}",
    "{date!s}/{slug}",
    "{slug",
]

LONDON = ZoneInfo("Europe/London")
DATES = [
    SafeDatetime(2023, 5, 10),
    SafeDatetime(2023, 5, 10, 8, 30, tzinfo=LONDON),
    SafeDatetime(2021, 12, 31, 23, 59, tzinfo=dt.UTC),
    # The hour that happens twice when the clocks go back: +01:00, then +00:00.
    SafeDatetime(2023, 10, 29, 1, 30, tzinfo=LONDON, fold=0),
    SafeDatetime(2023, 10, 29, 1, 30, tzinfo=LONDON, fold=1),
]


def make_article(pattern: str, date: SafeDatetime, status: str = "published") -> Article:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings["PATH"] = "/site/content"
    settings["ARTICLE_URL"] = pattern
    settings["ARTICLE_SAVE_AS"] = pattern + ("index.html" if pattern.endswith("/") else "")
    settings["DRAFT_URL"] = "drafts/{slug}.html"
    settings["DRAFT_SAVE_AS"] = "drafts/{slug}.html"
    metadata = {
        "title": "A title",
        "date": date,
        "slug": "a-title",
        "status": status,
        "category": Category("World News", settings),
        "author": Author("Desk Three", settings),
        "dump_source": "2023/05/10/a.txt",
        "has_lead": True,
        "headlines": (),
        "dump_sha1": "0" * 40,
    }
    return Article(
        "", metadata=metadata, settings=settings, source_path="/site/content/2023/a b.txt"
    )


def pelican_value(article: Article, key: str) -> tuple[str, object]:
    try:
        return "value", article._expand_settings(key)
    except Exception as error:  # noqa: BLE001 - the same error is expected
        return "error", type(error)


def ours(article: Article, key: str) -> tuple[str, object]:
    try:
        return "value", urls.expand(article, key)
    except Exception as error:  # noqa: BLE001
        return "error", type(error)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("date", DATES, ids=str)
@pytest.mark.parametrize("key", ["url", "save_as"])
def test_expand_equals_pelican(pattern: str, date: SafeDatetime, key: str) -> None:
    article = make_article(pattern, date)
    expected = pelican_value(article, key)
    assert ours(article, key) == expected
    assert ours(article, key) == expected  # the memoized dates give the same


def test_draft_is_left_to_pelican() -> None:
    article = make_article("{slug}/", DATES[0], status="draft")
    assert urls.expand(article, "url") == "drafts/a-title.html"


def test_dates_are_formatted_once() -> None:
    formatter = urls.UrlFormatter()
    for _ in range(3):
        formatter.expand(make_article("{date:%Y}/{date:%m}/{slug}/", DATES[0]), "url")
    assert len(formatter.dates) == 2


def test_future_article_is_not_preset() -> None:
    future = SafeDatetime.now() + dt.timedelta(days=30)
    article = make_article("{slug}/", future)
    article.settings["WITH_FUTURE_DATES"] = False
    assert not urls.will_stay_published(article)
    article.settings["WITH_FUTURE_DATES"] = True
    assert urls.will_stay_published(article)
    past = make_article("{slug}/", DATES[0])
    past.settings["WITH_FUTURE_DATES"] = False
    assert urls.will_stay_published(past)


def test_a_page_keeps_the_page_settings() -> None:
    """A .txt among the pages is read as a Page: no article URL is preset on it."""
    from news_digest.site.generators import preset_urls
    from pelican.contents import Page

    article = make_article("{slug}/", DATES[0])
    page = Page("", metadata=dict(article.metadata), settings=article.settings)
    preset_urls(page)
    assert not hasattr(page, "override_url")
    preset_urls(article)
    assert article.override_url == "a-title/"
