"""Pelican settings for local builds (``make html``); publishconf.py builds on these."""

from jinja2 import StrictUndefined

SITENAME = "News Digest"
SITESUBTITLE = "Lead stories and their headlines, from saved news pages"
AUTHOR = SITENAME  # feed entries need an author; no author pages are written
SITEURL = ""
RELATIVE_URLS = True  # the local build works from any folder; publishconf.py turns it off

PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["pages"]
STATIC_PATHS = ["images", "extra"]
IGNORE_FILES = [".#*", "*~", ".*"]
OUTPUT_PATH = "output"

THEME = "theme"
# The theme's settings (docs/theme.md), all optional; unset, the header has the site's name
# and its links and the footer one line.
# SITELOGO = "images/logo.svg"  # a path below the site's root (STATIC_PATHS) or an http(s) URL
# SITELOGO_ALT = ""  # empty: the site's name follows the logo in the same link
# MENUITEMS = [("About", "about/"), ("Elsewhere", "https://example.org/")]
# DISPLAY_PAGES_ON_MENU = True  # the pages of content/pages/ in the header
# LINKS = [("Pelican", "https://getpelican.com/")]
# SOCIAL = [("Mastodon", "https://mastodon.example/@news")]
# FOOTER_TEXT = "Saved pages of our newsroom."  # plain text; "" for none
# CUSTOM_CSS = "extra/custom.css"  # after the theme's stylesheet, e.g. to set its colours
# THEME_TEMPLATES_OVERRIDES = ["templates"]  # your own copies of single templates
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["news_digest"]

# Settings of the news_digest plugin, merged over the defaults in
# plugins/news_digest/settings.py (DEFAULTS documents every key).
NEWS_DIGEST = {
    "undated_date": "1970-01-01",
}

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# Dates come from the dump (header or file name), else its folders, else the plugin's fixed
# fallback; never from the file system and not from Pelican's file-name pattern.
DEFAULT_DATE = None
FILENAME_METADATA = r"(?!)"
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "news"
SLUGIFY_SOURCE = "title"

# Folder-style URLs. Slugs of news items often end in digits, so Pelican's default
# "name2.html" pagination would collide with real slugs.
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS

YEAR_ARCHIVE_URL = "{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
DAY_ARCHIVE_URL = "{date:%Y}/{date:%m}/{date:%d}/"
DAY_ARCHIVE_SAVE_AS = DAY_ARCHIVE_URL + "index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
INDEX_URL = ""
INDEX_SAVE_AS = "index.html"

# No category, tag or author pages: dumps carry none worth a page.
CATEGORY_URL = CATEGORY_SAVE_AS = ""
CATEGORIES_URL = CATEGORIES_SAVE_AS = ""
TAG_URL = TAG_SAVE_AS = ""
TAGS_URL = TAGS_SAVE_AS = ""
AUTHOR_URL = AUTHOR_SAVE_AS = ""
AUTHORS_URL = AUTHORS_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "archives", "404", "search"]
# Pelican names a direct template's output after the template: 404 -> 404.html.
# The search page; Pagefind's index is written to pagefind/ after the build.
SEARCH_URL = "search/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"

DEFAULT_PAGINATION = 20
# Home and the year/month/day archives are paginated (a year can hold thousands of dumps).
PAGINATED_TEMPLATES = {"index": None, "period_archives": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# One Atom feed of the leads; no per-category/author/tag feeds.
FEED_ALL_ATOM = "feeds/all.atom.xml"
# Local builds have no SITEURL; feed links need a domain (publishconf.py sets the real one).
FEED_DOMAIN = "http://localhost:8000"
FEED_ATOM = None
FEED_RSS = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50

# Dump text is escaped by the templates; a missing variable is an error, not "".
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "undefined": StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
}

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
