"""The ``NEWS_DIGEST`` settings dict: documented defaults, merged with the user's values.

No Pelican import here, so the defaults can be read (and tested) without a build.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

logger = logging.getLogger(__name__)

SETTINGS_KEY = "NEWS_DIGEST"

#: Every key of ``NEWS_DIGEST``, with its default and what it does.
DEFAULTS: dict[str, Any] = {
    # The date given to a dump whose header, file name and folder path carry no date.
    # Fixed on purpose: a file's mtime is the checkout time on a CI machine.
    "undated_date": "1970-01-01",
    # Folder (below the lead's URL) that holds the "More headlines" page.
    "digest_dirname": "headlines",
    # File extensions read as dumps: text dumps and saved HTML pages (an .html or .htm file
    # under PAGE_PATHS stays a Pelican page). Pelican matches extensions case-sensitively.
    "extensions": ("txt", "TXT", "html", "htm", "HTML", "HTM"),
    # Title given to the article of a dump that has no lead story;
    # ``{first}`` is the first headline's title, ``{stem}`` the file name without extension.
    "leadless_title": "Headlines: {first}",
    "leadless_title_empty": "Headlines from {stem}",
    # Sharing and indexing (news_digest.publish.indexing). File names below OUTPUT_PATH; "" or None
    # turns one off. The sitemaps and robots.txt need an absolute SITEURL; the JSON Feed
    # takes SITEURL, else FEED_DOMAIN, like the Atom feed.
    "sitemap": "sitemap.xml",
    "news_sitemap": "news-sitemap.xml",
    "robots_txt": "robots.txt",
    "json_feed": "feed.json",
    # Items in the JSON Feed, newest first; None means FEED_MAX_ITEMS, as for the Atom feed.
    "json_feed_max_items": None,
    # The Google News sitemap lists leads published within this many days of the newest
    # lead (not of the build's clock, so that a build is reproducible), at most this many;
    # Google reads two days and 1,000 URLs.
    "news_sitemap_days": 2,
    "news_sitemap_max_items": 1000,
    # Publisher logo in the JSON-LD: an absolute URL or a path below SITEURL, or None.
    "publisher_logo": None,
    # Run Pagefind on the output folder after the build (news_digest.publish.search), so the search
    # page has an index. Off for quick builds that need no search.
    "pagefind": True,
    # Keep parsed dumps, the articles of clean dumps and the fingerprints of written pages in
    # CACHE_PATH/news_digest/, so that a rebuild reads only new or changed dumps and writes
    # only changed pages.
    "cache": True,
    # The speed layer as a whole (parse cache, article snapshot, page fingerprints); False
    # also turns "cache" off. Off or on, a build writes the same bytes (tests/test_differential.py).
    "incremental": True,
    # Processes that parse dumps and render pages; None means every core.
    "workers": None,
    # Seconds a build waits for another build of the same output folder to end before it
    # stops with one line and exit status 1 (news_digest.site.lock). A cold build of
    # 10,000 dumps takes about 20 s; ten minutes covers a slow machine without hanging.
    "lock_timeout": 600,
    # Headlines a "More headlines" page shows at most; a dump with more keeps the first ones
    # and the build logs one warning naming the file. A 5 MB dump of 32,673 headlines made a
    # 3.7 MB page whose search result took over 90 s to show: Pagefind makes the excerpt of
    # each matching headline from the whole page's text, so the time grows with the square
    # of the page. Measured in Chromium on a busy 2-core machine, the result of a word in one
    # headline of eight took 1.0 s at 2,000 headlines and 0.2-0.3 s at 1,000, more than any
    # news page lists. None or 0: no limit.
    "max_headlines": 1000,
    # Seconds one Pagefind run (one month's shard) may take before it is killed and the
    # build fails, naming the shard. A month of 150 dumps takes under a second.
    "pagefind_timeout": 300,
    # How pages write a date, in the site's language (DEFAULT_LANG), by Babel: "short",
    # "medium", "long" (10 May 2023, 10. Mai 2023, 2023年5月10日), "full", or a CLDR pattern.
    "date_format": "long",
    # Dumps of the same page (same Source URL, or same lead title with near-identical text)
    # at most this many hours after the page's newest version are versions of one lead
    # (news_digest.site.scrapes); 0 keeps every scrape apart (byte-identical copies are
    # still skipped). An hourly scraper's day of one page is one lead.
    "scrape_window_hours": 24,
    # The pages of the leads from one site (a dump's Source URL's domain), newest first,
    # paginated like the day archives; "" turns them off.
    "source_url": "sources/{domain}/",
    "source_save_as": "sources/{domain}/index.html",
    # Story, topic and day pages (news_digest.site.stories_pages): every headline and lead
    # title is matched into stories; False leaves them all out.
    "stories": True,
    # A story gets a page of its own (/stories/<id>/) only when it was carried by at least
    # this many dumps, or seen on at least this many days: a headline seen once is no story
    # to follow, and 250,000 headlines must not become 250,000 pages.
    "story_min_digests": 2,
    "story_min_days": 2,
}


def merged_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``DEFAULTS`` updated with ``settings["NEWS_DIGEST"]``; unknown keys are logged, ignored."""
    merged = dict(DEFAULTS)
    user = settings.get(SETTINGS_KEY) or {}
    if not isinstance(user, Mapping):
        logger.warning("%s must be a dict, got %s; using the defaults", SETTINGS_KEY, type(user))
        return merged
    for key, value in user.items():
        if key not in DEFAULTS:
            logger.warning("%s: unknown key %r ignored", SETTINGS_KEY, key)
            continue
        merged[key] = value
    merged["extensions"] = tuple(merged["extensions"])
    if not merged["incremental"]:
        merged["cache"] = False
    return merged


#: The settings under which the plugin keeps Pelican's settings of the pages it writes
#: itself (see :func:`take_over_pages`).
PAGES_KEY = "NEWS_DIGEST_PAGES"
#: Pelican's settings of the pages that grow with the dumps and are paginated the plugin's
#: way (home, archives, year/month/day archives): Pelican's ArticlesGenerator writes none of
#: them once these are emptied, and :class:`news_digest.site.generators.DigestGenerator`
#: writes them from the values kept under :data:`PAGES_KEY`.
TAKEN_OVER = (
    "DIRECT_TEMPLATES",
    "YEAR_ARCHIVE_SAVE_AS",
    "MONTH_ARCHIVE_SAVE_AS",
    "DAY_ARCHIVE_SAVE_AS",
)


def take_over_pages(settings: dict[str, Any]) -> None:
    """Keep the :data:`TAKEN_OVER` settings under :data:`PAGES_KEY` and empty them, so that
    Pelican's own writer of those pages has nothing to write (its documented way of turning
    a page off), without replacing any of Pelican's code. Done once per settings dict."""
    if PAGES_KEY in settings:
        return
    settings[PAGES_KEY] = {key: settings.get(key) for key in TAKEN_OVER}
    settings["DIRECT_TEMPLATES"] = []
    for key in TAKEN_OVER[1:]:
        settings[key] = ""


def page_setting(settings: Mapping[str, Any], key: str) -> Any:
    """A :data:`TAKEN_OVER` setting as the user gave it (also before :func:`take_over_pages`)."""
    pages = settings.get(PAGES_KEY)
    if isinstance(pages, Mapping) and key in pages:
        return pages[key]
    return settings.get(key)
