"""The parse report: what was read from each dump, as plain JSON-ready data.

Pure Python, no Pelican. ``news-digest check FOLDER`` prints it, and each site build writes
it (see :mod:`news_digest.site.pelican_adapter`). Nothing in it depends on the clock or on the
folder the content sits in: sources are paths relative to the content folder.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from .model import Digest, DropReason, DumpError, ItemKind, WarningKind

REPORT_VERSION = 1
# A dump dated up to this many days after the day of the check (UTC) is not "in the future":
# its time zone may be ahead of UTC.
FUTURE_SLACK_DAYS = 1


def readable_path(path: str) -> str:
    """``path`` as valid Unicode: a file name whose bytes are not UTF-8 reaches Python with
    lone surrogates, which no UTF-8 file can hold; each such byte becomes U+FFFD."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


#: Drop reasons in the order the report lists them, with their names in the report.
_DROP_REASONS = tuple((reason, reason.value) for reason in DropReason)


def dump_entry(source: str, digest: Digest | None, error: DumpError | None = None) -> dict:
    """One dump's line in the report: counts, dropped lines by reason, warnings, error."""
    source = readable_path(source)
    if digest is None:
        assert error is not None
        return {
            "source": source,
            "status": "error",
            "error": {"line": error.line, "message": error.message},
            "encoding": None,
            "lead": False,
            "paragraphs": 0,
            "headlines": 0,
            "references": 0,
            "dropped": {},
            "warnings": [],
            "kind": None,
            "lang": None,
            "confidence": None,
        }
    # Counted with list.count, which compares by identity first: an Enum's hash and
    # equality are Python code, so a Counter of them costs several times more.
    reasons = [item.reason for item in digest.dropped]
    dropped = {}
    if reasons:
        for reason, name in _DROP_REASONS:
            count = reasons.count(reason)
            if count:
                dropped[name] = count
    kinds = [headline.kind for headline in digest.headlines]
    lead = digest.lead
    return {
        "source": source,
        "status": "warning" if digest.warnings else "ok",
        "error": None,
        "encoding": digest.encoding,
        "lead": lead is not None,
        "paragraphs": len(lead.paragraphs) if lead is not None else 0,
        "headlines": kinds.count(ItemKind.NEWS),
        "references": kinds.count(ItemKind.REFERENCE),
        "dropped": dropped,
        "warnings": [
            {"line": w.line, "message": w.message, "kind": w.kind.value if w.kind else None}
            for w in digest.warnings
        ],
        "kind": digest.kind.value,
        "lang": digest.lang,
        "confidence": round(digest.confidence, 3),
    }


def drop_missing_date(entry: dict) -> None:
    """Take the parser's "no date" warning out of ``entry``: the site found a date of its
    own (folder path, or its fallback, which says so in a warning of its own)."""
    entry["warnings"] = [w for w in entry["warnings"] if w.get("kind") != WarningKind.NO_DATE.value]
    entry["status"] = "warning" if entry["warnings"] else "ok"


def build_day() -> dt.date:
    """Today in UTC, or the day of ``SOURCE_DATE_EPOCH`` when it is set (the reproducible-
    builds convention), so that a rebuild of old content can pin its clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = int(epoch) if epoch.isdigit() else time.time()
    return dt.datetime.fromtimestamp(moment, dt.UTC).date()


def future_date_message(date: str) -> str | None:
    """A warning for a date after the day of the build or check (one day of slack for time zones).

    Only the log and the report say it: the page is built as dated, so the site itself does
    not depend on the day of the build.
    """
    try:
        day = dt.date.fromisoformat(str(date)[:10])
    except ValueError:
        return None
    if day > build_day() + dt.timedelta(days=FUTURE_SLACK_DAYS):
        return f"date {day.isoformat()} is in the future; published as dated"
    return None


def with_future_date_warning(entry: dict, date: str | None) -> dict:
    """``entry`` with a warning added when ``date`` is in the future."""
    message = future_date_message(date) if date else None
    if message:
        entry["warnings"].append({"line": None, "message": message, "kind": "future-date"})
        entry["status"] = "warning"
    return entry


def build_report(entries: Iterable[dict]) -> dict[str, Any]:
    """The whole report: entries sorted by source, and totals."""
    dumps = sorted(entries, key=lambda e: e["source"])
    dropped: Counter[str] = Counter()
    for entry in dumps:
        dropped.update(entry["dropped"])
    return {
        "version": REPORT_VERSION,
        "totals": {
            "dumps": len(dumps),
            "ok": sum(e["status"] == "ok" for e in dumps),
            "with_warnings": sum(e["status"] == "warning" for e in dumps),
            "errors": sum(e["status"] == "error" for e in dumps),
            "paragraphs": sum(e["paragraphs"] for e in dumps),
            "headlines": sum(e["headlines"] for e in dumps),
            "references": sum(e["references"] for e in dumps),
            "dropped": dict(sorted(dropped.items())),
            "warnings": sum(len(e["warnings"]) for e in dumps),
        },
        "dumps": dumps,
    }


def summary_line(report: dict[str, Any]) -> str:
    """One line for the end of a build or a check."""
    t = report["totals"]
    dropped = sum(t["dropped"].values())
    return (
        f"{t['dumps']} dumps read: {t['ok']} clean, {t['with_warnings']} with warnings, "
        f"{t['errors']} not readable; {t['paragraphs']} paragraphs, {t['headlines']} headlines, "
        f"{t['references']} references, {dropped} lines or pieces dropped, "
        f"{t['warnings']} warnings"
    )


def problems(report: dict[str, Any]) -> Iterator[str]:
    """Every warning and error as ``file:line: message`` (``file: message`` without a line)."""
    for entry in report["dumps"]:
        items = [entry["error"]] if entry["error"] else []
        items += entry["warnings"]
        for item in items:
            where = f"{entry['source']}:{item['line']}" if item["line"] else entry["source"]
            kind = "error" if item is entry["error"] else "warning"
            yield f"{where}: {kind}: {item['message']}"


def is_dump_name(name: str, extensions: Iterable[str] = ("txt",)) -> bool:
    """A dump's file name: a known extension in any case, not a hidden file."""
    lowered = {ext.lower() for ext in extensions}
    stem, dot, ext = name.rpartition(".")
    return bool(stem) and bool(dot) and ext.lower() in lowered and not name.startswith(".")


#: File extensions ``check`` reads: text dumps and saved HTML pages.
DUMP_EXTENSIONS = ("txt", "html", "htm")


def find_dumps(folder: str) -> list[str]:
    """Paths of the dumps below ``folder``, sorted; hidden folders are not entered."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            os.path.join(root, name) for name in files if is_dump_name(name, DUMP_EXTENSIONS)
        )
    return sorted(found)
