"""news_digest: read scraped news-page dumps, and publish them with Pelican.

The parser (:mod:`news_digest.parse.parser`) and the model are plain Python. Pelican is imported
only by :func:`register`, which Pelican calls when ``"news_digest"`` is in ``PLUGINS``.
"""

from __future__ import annotations


def register() -> None:
    """Connect the reader, URL handling and digest pages to Pelican's signals."""
    from .site import build_checks, pelican_adapter

    pelican_adapter.connect()
    build_checks.connect()
