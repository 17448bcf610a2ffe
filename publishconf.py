"""Pelican settings for the published site: absolute URLs from SITEURL.

SITEURL comes from the environment (or ``--extra-settings SITEURL=...``); the placeholder
below only keeps a bare ``pelican -s publishconf.py`` from producing a broken feed.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://example.invalid").rstrip("/")
RELATIVE_URLS = False

# Feed entry ids are tag: URIs built from FEED_DOMAIN and each article's URL, so they stay
# the same from build to build.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"

DELETE_OUTPUT_DIRECTORY = True
