"""Pelican reader for dumps: one ``.txt`` file in, one article's ``(html, metadata)`` out.

The reader calls the parser, maps the typed model to plain, picklable metadata and picks no
URL (URLs are settled in :mod:`news_digest.site.generators` once every dump is read).

Metadata keys set on every dump article (templates read only these):

``title``, ``date``, ``slug``
    The lead's title (or a made-up title for a dump with no lead, see ``has_lead``), the date
    (header ``Date``, else date in the file name, else date in the folder path, else a date
    line in the text, see :mod:`news_digest.parse.dates`; else ``NEWS_DIGEST["undated_date"]``)
    and the slug (header ``Slug``, else from the lead title, else from the file name).
``has_lead``
    ``False`` when the dump starts with the headline list. Such an article has no lead page:
    its URL is its "More headlines" page.
``paragraphs``
    Tuple of the lead's paragraph texts (plain text, escaped by the templates).
``first_paragraph``
    The first of them, or ``""``.
``credit``
    The editor's name from the credit line, or ``None``.
``headlines``, ``news_headlines``, ``reference_headlines``
    Tuples of :class:`~news_digest.parse.view.HeadlineItem` (``title``, ``summary``, which may be
    ``None``, ``kind``, ``"news"`` or ``"reference"``, and ``url``, the article's address
    where a saved page linked it, else ``None``): all items in page order, then the two
    kinds apart.
``entries``
    A live page's time-stamped entries as ``(time, text)`` tuples in page order (``()`` for
    other dumps); the lead page lists them.
``headline_count``, ``headlines_left_out``
    ``len(headlines)``, and how many headlines past ``NEWS_DIGEST["max_headlines"]`` were
    left out of them (0 for nearly every dump; the build warns when it is not).
``date_source``
    Where the date came from: ``"dump"``, ``"folder"`` or ``"fallback"``.
``dump_source``, ``dump_encoding``, ``dump_lang``, ``dump_source_url``
    Path of the dump below ``PATH``, the encoding it was decoded with, the header's ``Lang``
    (else a saved page's ``<html lang>``) and ``Source`` (else a saved page's address), or
    ``None``.
``dump_kind``, ``dump_confidence``
    What kind of input the dump was (:class:`~news_digest.parse.model.InputKind` value:
    ``"cms"``, ``"html"`` ...) and how sure its reading is (0 to 1).
``dump_tags``, ``dump_category``, ``dump_authors``
    The header's ``Tags`` (a tuple of names), ``Category`` (or None) and ``Authors`` (a
    tuple; a saved page's own authors too), as given. The same values are also Pelican's
    ``tags``, ``category`` and ``authors`` (its ``Tag``, ``Category`` and ``Author``
    objects) when the header has them, so Pelican's tag, category and author pages list
    the dump when they are turned on; an article without an ``Authors`` header keeps
    Pelican's ``AUTHOR`` default, which the lead page does not show.
``dump_title_key``
    The lead title's key for finding repeated scrapes
    (:func:`news_digest.stories.scrapes.title_key_of`), or None without a lead.
``dump_sha1``
    sha1 of the dump's bytes: with the code and the settings, it decides everything the
    dump's own pages show (see :func:`news_digest.incremental.render.page_key`).

Set later, after all dumps are read: ``digest_url``, ``digest_save_as`` (and ``slug`` may get
a ``-2`` suffix, see :func:`news_digest.site.generators.resolve_url_collisions`), and the
article's ``content`` (the paragraphs as HTML) for the newest dumps, those the feeds show
(:func:`news_digest.site.generators.fill_feed_content`); it is empty for the others.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from html import escape
from typing import Any

from pelican.readers import BaseReader, HTMLReader
from pelican.utils import SafeDatetime, posixize_path, slugify

from ..incremental.cache import store_for, view_of
from ..parse.dates import DateFrom
from ..parse.model import DumpError, WarningKind
from ..parse.report import dump_entry
from ..parse.view import as_headline_item
from ..stories.scrapes import title_key_of
from .build_checks import build_entry, record_dump
from .session import session_of
from .settings import merged_settings

logger = logging.getLogger(__name__)

#: A date that starts a file name (``2023-05-10-``, ``20230510_``), left out of slugs.
LEADING_DATE_RE = re.compile(r"^\d{4}-?\d{2}-?\d{2}[-_ .]*")

#: ``2023-05-10``, ``2023-05-10 08:30[:00]`` or ``2023-05-10T08:30:00+01:00`` (the parser's
#: ISO dates): read without dateutil (see ``_parse_date``), whose ``tzoffset`` is unhashable.
ISO_DATE_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$"
)


#: The metadata that holds a dump's text: what :mod:`news_digest.incremental.snapshot` leaves
#: out of an article's snapshot and gives back, from the parse, when it is first read.
TEXT_FIELDS = ("paragraphs", "headlines", "news_headlines", "reference_headlines", "entries")


def is_dump(article: Any) -> bool:
    """Whether ``article`` was read from a dump (by its ``dump_sha1``, which, unlike the
    :data:`TEXT_FIELDS`, an article from the snapshot has without reading its text)."""
    return hasattr(article, "has_lead") and hasattr(article, "dump_sha1")


def headline_cap(settings: Any) -> int | None:
    """``NEWS_DIGEST["max_headlines"]``: the most headlines a dump's page shows (None: all)."""
    cap = merged_settings(settings)["max_headlines"]
    return int(cap) if cap else None


def text_fields(view: dict[str, Any], cap: int | None = None) -> dict[str, Any]:
    """The :data:`TEXT_FIELDS` of a dump, from its :func:`~news_digest.parse.view.dump_view`,
    with its first ``cap`` headlines only (all when ``cap`` is None)."""
    headlines = tuple(map(as_headline_item, view["headlines"][:cap]))
    return {
        "paragraphs": view["paragraphs"],
        "headlines": headlines,
        "news_headlines": tuple(h for h in headlines if h.kind == "news"),
        "reference_headlines": tuple(h for h in headlines if h.kind == "reference"),
        "entries": view["entries"],  # a live page's (time, text) entries
    }


def too_many(entry: dict[str, Any], relative: str, count: int, cap: int) -> None:
    """Log the one warning of a dump with more headlines than ``max_headlines``, and note it
    in its report entry (so that the snapshot does not keep the dump, and every build says
    it again)."""
    message = (
        f"{count} headlines, more than max_headlines ({cap}): the page shows the first "
        f"{cap}, {count - cap} are left out"
    )
    logger.warning("%s:-: %s", relative, message)
    entry["warnings"].append({"line": None, "message": message, "kind": "too-many-headlines"})
    entry["status"] = "warning"


def paragraphs_html(paragraphs: tuple[str, ...]) -> str:
    """The lead's paragraphs as HTML; every text is escaped."""
    return "".join(f"<p>{escape(text)}</p>\n" for text in paragraphs)


#: Extensions that Pelican's own HTMLReader reads; below ``PAGE_PATHS`` it still does.
PELICAN_HTML_EXTENSIONS = frozenset({"html", "htm"})


class DumpReader(BaseReader):
    """Reads a dump (``.txt``, or a saved page, ``.html``/``.htm``) with
    :func:`news_digest.parse.parser.parse_bytes`."""

    enabled = True
    file_extensions = tuple(merged_settings({})["extensions"])

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        options = merged_settings(self.settings)
        relative = self._relative(source_path)
        if self._is_pelican_page(relative):
            return HTMLReader(self.settings).read(source_path)
        store = store_for(self.settings)
        taken = store.take(relative) if store is not None else None
        try:
            if taken is not None:
                sha, view = taken
            else:
                data = self._read_bytes(source_path, relative)
                if data is None:
                    return "", {"status": "skip", "title": relative}
                sha = hashlib.sha1(data).hexdigest()
                view = view_of(data, relative, store)
            if isinstance(view, DumpError):
                raise view
        except DumpError as err:
            # The caller decides what a bad file costs: this one is left out, the build goes on.
            # A warning, not an error: `--fatal errors` (the deploy) keeps publishing the rest;
            # STRICT=1 (CI) fails the build on it once every problem is listed (build_checks).
            logger.warning("%s (dump skipped)", err)
            record_dump(self.settings, dump_entry(relative, None, err))
            return "", {"status": "skip", "title": relative}

        has_lead = view["lead_title"] is not None
        cap = headline_cap(self.settings)
        text = text_fields(view, cap)
        headlines = text["headlines"]
        if not has_lead and not headlines:
            # An empty dump (or one of separators only) would make an empty page: left out,
            # with the parser's first reason in one warning.
            reason = view["warnings"][0][1] if view["warnings"] else "no text"
            logger.warning("%s: nothing to publish: %s (dump skipped)", relative, reason)
            record_dump(self.settings, build_entry(view, "skipped", ""))
            return "", {"status": "skip", "title": relative}

        for line, message, kind in view["warnings"]:
            if kind == WarningKind.NO_DATE.value:
                continue  # the site's own date rule below says what it did instead
            logger.warning(
                "%s:%s: %s",
                relative,
                line or "-",
                message,
                extra={"limit_msg": "Further dump warnings are not shown"},
            )

        date, date_source = self._date(view, relative, options)
        entry = build_entry(view, date_source, date)
        left_out = len(view["headlines"]) - len(headlines)
        if left_out:
            too_many(entry, relative, len(view["headlines"]), cap or 0)
        record_dump(self.settings, entry)
        paragraphs = text["paragraphs"]
        stem = os.path.splitext(os.path.basename(relative))[0]
        stem = LEADING_DATE_RE.sub("", stem) or stem
        if has_lead:
            title = view["lead_title"]
        elif view["header_title"]:
            title = view["header_title"]
        elif headlines:
            title = options["leadless_title"].format(first=headlines[0].title, stem=stem)
        else:
            title = options["leadless_title_empty"].format(stem=stem)

        metadata: dict[str, Any] = {
            "title": title,
            "date": self._parse_date(date),
            "slug": self._slug(view, title, stem),
            "has_lead": has_lead,
            **text,
            "first_paragraph": paragraphs[0] if paragraphs else "",
            "credit": view["credit"],
            "headline_count": len(headlines),
            "headlines_left_out": left_out,
            "date_source": date_source,
            "dump_source": relative,
            "dump_encoding": view["encoding"],
            "dump_lang": view["lang"],
            "dump_source_url": view["source_url"],
            "dump_kind": view["kind"],
            "dump_confidence": view["confidence"],
            "dump_sha1": sha,
            **self._header_fields(view),
            # Kept with the article (snapshot), so a rebuild does not work it out again.
            "dump_title_key": title_key_of(title) if has_lead else None,
        }
        if paragraphs:
            metadata["summary"] = paragraphs_html(paragraphs[:1])
        # With the speed layer on, the content (the paragraphs as HTML) is made only for the
        # dumps the feeds show, once every dump is read
        # (news_digest.site.generators.fill_feed_content): the templates read ``paragraphs``,
        # and 10,000 copies of every lead as HTML cost ~40 MB.
        session = session_of(self.settings)
        if session is not None and not session.incremental:
            return paragraphs_html(paragraphs), metadata
        return "", metadata

    def _header_fields(self, view: dict[str, Any]) -> dict[str, Any]:
        """``Tags``, ``Category`` and ``Authors`` as given, and as Pelican's objects."""
        tags = tuple(t for t in view["tags"] if t.strip())
        authors = tuple(a for a in view["authors"] if a.strip())
        category = (view["category"] or "").strip() or None
        fields: dict[str, Any] = {
            "dump_tags": tags,
            "dump_category": category,
            "dump_authors": authors,
        }
        # Pelican's objects only for names that make a slug: Pelican hashes and files them
        # by slug, and warns for one it cannot make ("<>" makes none). Such a name is still
        # shown, as text.
        # (Pelican's processors give a marker object, not a list, for an empty list.)
        tag_objects = [
            t
            for t in (self.process_metadata("tags", list(tags)) if tags else ())
            if self._slugged(t)
        ]
        if tag_objects:
            fields["tags"] = tag_objects
        if category:
            wrapped = self.process_metadata("category", category)
            if self._slugged(wrapped):
                fields["category"] = wrapped
        author_objects = [
            a
            for a in (self.process_metadata("authors", list(authors)) if authors else ())
            if self._slugged(a)
        ]
        if author_objects:
            fields["authors"] = author_objects
        return fields

    def _slugged(self, wrapper: Any) -> bool:
        """Give a Pelican Tag, Category or Author its slug as Pelican would make it (with
        the ``<KIND>_REGEX_SUBSTITUTIONS``), without Pelican's warning for an empty one;
        whether it has one."""
        kind = type(wrapper).__name__.upper()
        subs = self.settings.get(
            f"{kind}_REGEX_SUBSTITUTIONS", self.settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
        )
        slug = slugify(
            wrapper.name,
            regex_subs=subs,
            preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False),
        )
        if slug:
            wrapper._slug = slug  # what Tag.slug would compute on first use
        return bool(slug)

    def _is_pelican_page(self, relative: str) -> bool:
        """An ``.html``/``.htm`` file below one of ``PAGE_PATHS``: a page of the site, which
        Pelican's HTMLReader reads, not a saved news page."""
        if relative.rpartition(".")[2].lower() not in PELICAN_HTML_EXTENSIONS:
            return False
        for folder in self.settings.get("PAGE_PATHS") or ():
            folder = posixize_path(os.path.normpath(folder)).strip("/")
            if folder not in ("", ".") and relative.startswith(folder + "/"):
                return True
        return False

    def _read_bytes(self, source_path: str, relative: str) -> bytes | None:
        try:
            with open(source_path, "rb") as handle:
                return handle.read()
        except OSError as err:  # a broken link, a file gone or unreadable: as for non-text
            failure = DumpError(relative, err.strerror or str(err))
            logger.warning("%s (dump skipped)", failure)
            record_dump(self.settings, dump_entry(relative, None, failure))
            return None

    def _parse_date(self, date: str) -> Any:
        """Pelican's date processing, without dateutil for the usual ISO forms (the same
        value: a naive date that Pelican then puts in ``TIMEZONE``, or an aware one with a
        ``datetime.timezone`` offset)."""
        if ISO_DATE_RE.match(date):
            try:
                return SafeDatetime.fromisoformat(date)
            except ValueError:
                pass
        return self.process_metadata("date", date)

    def _relative(self, source_path: str) -> str:
        base = os.path.abspath(self.settings.get("PATH") or os.getcwd())
        # Pelican passes absolute, normalised paths: the relpath below, without its cost.
        if source_path.startswith(base + os.sep) and source_path == os.path.normpath(source_path):
            return posixize_path(source_path[len(base) + 1 :])
        relative = os.path.relpath(os.path.abspath(source_path), base)
        if relative.startswith(".."):
            relative = os.path.basename(source_path)
        return posixize_path(relative)

    def _slug(self, view: dict[str, Any], title: str, stem: str) -> str:
        """Header Slug, else the parser's (from the lead title); a lead-less dump's comes from
        its file name without a leading date, so that the date is not in its URL twice."""
        if view["lead_title"] is None and not view["header_slug"]:
            return self._slugify(stem) or view["slug"] or "headlines"
        return view["slug"] or self._slugify(title) or self._slugify(stem) or "dump"

    def _slugify(self, value: str) -> str:
        return slugify(
            value,
            regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
            preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False),
        )

    @staticmethod
    def _date(view: dict[str, Any], relative: str, options: dict[str, Any]) -> tuple[str, str]:
        # The parser dated the dump by its path below the content folder (``relative``), as
        # ``news-digest parse`` does: header, file name, folders, then a date line in the text.
        if view["header_date"]:
            if view["date_from"] == DateFrom.FOLDER.value:
                logger.debug("%s: date %s from the folder path", relative, view["header_date"])
                return view["header_date"], "folder"
            return view["header_date"], "dump"
        fallback = str(options["undated_date"])
        logger.warning(
            "%s: no date in header, file name or folder; using %s",
            relative,
            fallback,
            extra={"limit_msg": "Further undated dumps are not shown"},
        )
        return fallback, "fallback"
