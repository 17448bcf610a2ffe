"""What happens after every dump is read: URLs, then the "More headlines" pages.

- :func:`resolve_url_collisions` gives two dumps that would share a URL (same slug, same day)
  distinct slugs, deterministically: ordered by source path, the first keeps its slug, the
  next get ``-2``, ``-3``, ...
- :func:`assign_digest_urls` puts ``digest_url`` / ``digest_save_as`` on every article: the
  folder ``headlines/`` below the lead's URL. A dump without a lead has no lead page: its
  article's ``url`` is its digest page and its ``save_as`` is empty, so home, archives and
  the feed link straight to the digest.
- :func:`period_children` maps each year and month archive to the archives one level down.
- :class:`DigestGenerator` writes one digest page per dump with the ``headlines`` template.

Every step is linear in the number of dumps.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pelican.generators import Generator

from .settings import merged_settings

logger = logging.getLogger(__name__)

DIGEST_TEMPLATE = "headlines"


def _is_dump(article: Any) -> bool:
    return hasattr(article, "has_lead") and hasattr(article, "headlines")


def _base(article: Any, key: str) -> str:
    """The article's ``url`` or ``save_as`` from the URL settings, ignoring any override."""
    return article._expand_settings(key)


def resolve_url_collisions(articles: Iterable[Any]) -> list[tuple[str, str]]:
    """Give every article a distinct ``save_as`` by suffixing slugs; returns the renames.

    Articles are grouped by their settings-derived ``save_as``; within a group, ordered by
    source path, the first keeps its slug and the others get the first free ``-N`` (N >= 2).
    Idempotent: the slug the reader gave is kept in ``base_slug`` and the work restarts from it.
    """
    groups: dict[str, list[Any]] = defaultdict(list)
    for article in articles:
        if not hasattr(article, "base_slug"):
            article.base_slug = article.slug
        article.slug = article.base_slug
        groups[_base(article, "save_as")].append(article)

    taken = set(groups)
    renames: list[tuple[str, str]] = []
    for save_as in sorted(groups):
        group = groups[save_as]
        if len(group) < 2:
            continue
        group.sort(key=lambda a: a.relative_source_path or "")
        for article in group[1:]:
            number = 2
            while True:
                article.slug = f"{article.base_slug}-{number}"
                candidate = _base(article, "save_as")
                if candidate not in taken:
                    break
                number += 1
            taken.add(candidate)
            renames.append((article.relative_source_path, article.slug))
            logger.info(
                "%s: URL already used by %s; slug %s",
                article.relative_source_path,
                group[0].relative_source_path,
                article.slug,
            )
    return renames


def assign_digest_urls(articles: Iterable[Any], settings: Mapping[str, Any]) -> None:
    """Set ``digest_url`` and ``digest_save_as``; point lead-less articles at their digest."""
    dirname = merged_settings(settings)["digest_dirname"].strip("/")
    for article in articles:
        url = _base(article, "url")
        save_as = _base(article, "save_as")
        folder = save_as[: -len("index.html")] if save_as.endswith("index.html") else url
        article.digest_url = f"{url}{dirname}/" if url.endswith("/") else f"{url}/{dirname}/"
        article.digest_save_as = f"{folder.rstrip('/')}/{dirname}/index.html".lstrip("/")
        if article.has_lead:
            for key in ("override_url", "override_save_as"):
                if hasattr(article, key):
                    delattr(article, key)
        else:
            article.override_url = article.digest_url
            article.override_save_as = ""


def period_children(period_archives: Mapping[str, list[dict]]) -> dict[tuple, list[dict]]:
    """``{(year,): [month archives], (year, month): [day archives]}``, in archive order."""
    children: dict[tuple, list[dict]] = defaultdict(list)
    for granularity in ("month", "day"):
        for archive in period_archives.get(granularity, []):
            children[tuple(archive["period_num"][:-1])].append(archive)
    return dict(children)


def period_parents(period_archives: Mapping[str, list[dict]]) -> dict[tuple, dict]:
    """``{period_num: archive}`` for year and month archives, to link a day up to them."""
    return {
        tuple(archive["period_num"]): archive
        for granularity in ("year", "month")
        for archive in period_archives.get(granularity, [])
    }


def dump_articles(generator: Any) -> list[Any]:
    """Every dump article of an ArticlesGenerator that gets pages (not drafts)."""
    return [
        a
        for a in (
            *generator.articles,
            *generator.translations,
            *generator.hidden_articles,
            *generator.hidden_translations,
        )
        if _is_dump(a)
    ]


class DigestGenerator(Generator):
    """Writes each dump's "More headlines" page at ``article.digest_save_as``."""

    def generate_context(self) -> None:
        """Nothing to read: the articles come from the ArticlesGenerator's context."""

    def generate_output(self, writer: Any) -> None:
        template = self.get_template(DIGEST_TEMPLATE)
        articles = (*self.context.get("articles", ()), *self.context.get("hidden_articles", ()))
        for article in articles:
            if not _is_dump(article):
                continue
            writer.write_file(
                article.digest_save_as,
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=article.digest_url,
                article=article,
                page_name=article.digest_save_as.removesuffix("/index.html"),
            )
