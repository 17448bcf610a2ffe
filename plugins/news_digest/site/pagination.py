"""The pagination of the home page and the archives.

:func:`stable_pages` gives fixed-size pages counted from the oldest dump, so a new dump
changes the first page (and, once in a while, the few pages that link to a new one);
:func:`pagers` gives each page's navigation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pelican.paginator import Page, Paginator

#: Links around the current page in the pagination (the newest and oldest are always there).
PAGINATION_WINDOW = 2


class PageSlice(Page):
    """One page of a paginated listing.

    A Pelican :class:`pelican.paginator.Page`, so that templates written for Pelican's
    pagination (``articles_page.number``, ``articles_page.has_next()``,
    ``articles_paginator.page(1).url`` ...) work as with Pelican's own pages: ``number`` is
    the page's position, 1 for the first (newest) page. Its ``url`` and ``save_as`` are those
    of :func:`stable_pages`, and ``stable_number`` is the number in them, counted from the
    oldest page (None for the first page, which has no number in its URL)."""

    def __init__(
        self, stable_number: int | None, url: str, save_as: str, object_list: list[Any]
    ) -> None:
        self.full_name = save_as
        self.name, self.extension = os.path.splitext(save_as)
        self.base_url = url
        self.object_list = object_list
        self.stable_number = stable_number
        self.position = 1
        self.paginator: Any = None
        self.settings: Any = None
        self._url = url
        self._save_as = save_as

    @property
    def url(self) -> str:  # type: ignore[override]
        return self._url

    @property
    def save_as(self) -> str:  # type: ignore[override]
        return self._save_as

    def __repr__(self) -> str:
        return f"<PageSlice {self.stable_number} at {self._url!r}>"

    @property
    def number(self) -> int:  # type: ignore[override]
        """The page's position among the pages, as in Pelican (1 for the first)."""
        return self.position

    def _count(self) -> int:
        return self.paginator.num_pages if self.paginator is not None else 1

    def has_next(self) -> bool:
        return self.position < self._count()

    def has_previous(self) -> bool:
        return self.position > 1

    def next_page_number(self) -> int:
        return self.position + 1

    def previous_page_number(self) -> int:
        return self.position - 1


class StablePaginator(Paginator):
    """Pelican's :class:`pelican.paginator.Paginator` over the pages of :func:`stable_pages`:
    ``page(n)`` is the ``n``-th page from the newest (1 is the first page)."""

    def __init__(self, pages: Sequence[PageSlice], settings: Mapping[str, Any]) -> None:
        items = [item for page in pages for item in page.object_list]
        super().__init__(pages[0].save_as, pages[0].url, items, settings)
        self.pages = list(pages)
        self._num_pages = len(self.pages)
        for position, page in enumerate(self.pages, 1):
            page.position, page.paginator, page.settings = position, self, settings

    def page(self, number: int) -> PageSlice:
        return self.pages[number - 1]


def pelican_context(prefix: str, page: PageSlice) -> dict[str, Any]:
    """What Pelican's writer gives a paginated template besides ``<prefix>_page``:
    ``<prefix>_paginator``, ``<prefix>_previous_page`` and ``<prefix>_next_page``."""
    paginator = page.paginator
    return {
        f"{prefix}_paginator": paginator,
        f"{prefix}_previous_page": paginator.page(page.position - 1)
        if page.has_previous()
        else None,
        f"{prefix}_next_page": paginator.page(page.position + 1) if page.has_next() else None,
    }


class PageLabel(NamedTuple):
    """What a page link says, for the template to put in words in the site's language:
    ``kind`` is ``"latest"`` (the first page, which has no number) or ``"page"``, with its
    ``number``."""

    kind: str
    number: int | None = None


#: The first page's label: it holds the newest dumps and has no number.
LATEST = PageLabel("latest")


@dataclass
class Pager:
    """What the pagination partial shows: ``links`` are ``(label, url, is_current)``, each
    label a :class:`PageLabel`."""

    links: list[tuple[PageLabel, str, bool]] = field(default_factory=list)
    previous_url: str | None = None
    next_url: str | None = None

    def key(self) -> tuple:
        """What it shows, as plain data (for a page's fingerprint)."""
        links = [(tuple(label), url, current) for label, url, current in self.links]
        return (links, self.previous_url, self.next_url)


def page_location(settings: Mapping[str, Any], save_as: str, url: str, number: int) -> tuple:
    """``(url, save_as)`` of page ``number`` (>= 1) of a listing, from the pagination rule for
    second and later pages (``PAGINATION_PATTERNS``); the first rule is the listing itself."""
    rule = None
    for pattern in settings["PAGINATION_PATTERNS"]:
        min_page = pattern[0]
        if min_page != -1 and min_page <= max(number, 2):
            rule = pattern
    if rule is None:
        raise ValueError("PAGINATION_PATTERNS has no rule for a second page")
    name, extension = os.path.splitext(save_as)
    folder, file_name = os.path.split(save_as)
    values = {
        "save_as": save_as,
        "url": url,
        "name": name,
        "base_name": folder if file_name in ("index.htm", "index.html") else name,
        "extension": extension,
        "number": number,
    }
    return tuple(str(part).format(**values).removeprefix("/") for part in rule[1:3])


def stable_pages(
    items: Sequence[Any], per_page: int, url: str, save_as: str, settings: Mapping[str, Any]
) -> list[PageSlice]:
    """Pages of ``items`` (newest first): the first page at ``url``, then numbered pages.

    Pages are ``per_page`` items counted from the *oldest*: page 1 holds the oldest items,
    page 2 the next ones, and so on. The first page at ``url`` holds the newest full page
    plus the newer items that do not fill a page yet (``per_page`` to ``2 * per_page - 1``
    items). A new dump therefore changes the first page only, until the newest items fill a
    page: then that page gets its number, once and for all. Returned newest first.
    """
    if not per_page or len(items) <= per_page:
        pages = [PageSlice(None, url, save_as, list(items))]
        StablePaginator(pages, settings)
        return pages
    oldest_first = list(reversed(items))
    full = len(oldest_first) // per_page
    numbered = [oldest_first[k * per_page : (k + 1) * per_page] for k in range(full - 1)]
    first = oldest_first[(full - 1) * per_page :]
    pages = [PageSlice(None, url, save_as, first[::-1])]
    for number in range(len(numbered), 0, -1):
        page_url, page_save_as = page_location(settings, save_as, url, number)
        pages.append(PageSlice(number, page_url, page_save_as, numbered[number - 1][::-1]))
    StablePaginator(pages, settings)
    return pages


def pagers(pages: Sequence[PageSlice]) -> list[Pager]:
    """The navigation of each page of :func:`stable_pages`: Newer/Older, the first and last
    pages and the pages within :data:`PAGINATION_WINDOW` of the current one."""
    result = []
    last = len(pages) - 1
    for position in range(len(pages)):
        if last == 0:
            result.append(Pager())
            continue
        links = []
        for other, target in enumerate(pages):
            if other in (0, last) or abs(other - position) <= PAGINATION_WINDOW:
                number = target.stable_number
                label = LATEST if number is None else PageLabel("page", number)
                links.append((label, target.url, other == position))
        result.append(
            Pager(
                links=links,
                previous_url=pages[position - 1].url if position > 0 else None,
                next_url=pages[position + 1].url if position < last else None,
            )
        )
    return result
