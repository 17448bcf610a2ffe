"""news_digest: read scraped news-page dumps, and publish them with Pelican.

The parser (:mod:`news_digest.parse.parser`) and the model are plain Python. Pelican is imported
only by :func:`register`, which Pelican calls when ``"news_digest"`` is in ``PLUGINS``.
:func:`theme_path` names the folder of the theme that ships with the plugin.
"""

from __future__ import annotations

from .site.theme import theme_path

__all__ = ["register", "theme_path"]


def register() -> None:
    """Connect the reader, URL handling and digest pages to Pelican's signals."""
    from .site import build_checks, pelican_adapter

    pelican_adapter.connect()
    build_checks.connect()
