"""The build's parse report, its summary, strict mode, and a stable order of articles.

While Pelican runs, the dump reader records each dump's report entry here and a logging
handler notes every other warning and error. Articles of the same date are ordered by their
path (:func:`newest_first`), not in the order Pelican happened to find them. When the build
has finished (``finalized``):

- the report (:mod:`news_digest.parse.report`) is written to ``CACHE_PATH/<NEWS_DIGEST_REPORT>``
  (default ``parse-report.json``, so ``cache/parse-report.json``; an absolute path is used
  as it is; an empty value writes none), as JSON with sorted keys and one line per dump, and
  only when its bytes change (:func:`write_report`). It is for the site's owner, not its
  readers, so it is not published with the site. It holds nothing that depends on the
  checkout folder or, but for a warning about a date in the future, on the clock;
- one summary line is printed, then the dumps' problems as ``file:line: kind: reason``
  (at most ``LISTED_PROBLEMS`` of them; the report has all);
- with ``NEWS_DIGEST_STRICT = True`` (``make html STRICT=1``) a build that met any warning or
  error lists every one and exits with status 1. Pelican's own ``--fatal warnings`` stops at
  the first one and shows a traceback instead.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from ..parse.report import (
    build_report,
    drop_missing_date,
    future_date_message,
    problems,
    summary_line,
)

logger = logging.getLogger(__name__)

REPORT_SETTING = "NEWS_DIGEST_REPORT"
STRICT_SETTING = "NEWS_DIGEST_STRICT"
DEFAULT_REPORT_NAME = "parse-report.json"
# Problems listed at the end of a build that is not strict; the report has them all.
LISTED_PROBLEMS = 50
# The loggers whose warnings are dump problems, already in the report.
DUMP_LOGGERS = ("news_digest.site.reader", __name__)


class BuildRecorder(logging.Handler):
    """The dump entries and the warnings and errors of one build."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.entries: dict[str, dict] = {}
        self.others: list[str] = []
        #: Set when a run starts with this recorder (see :func:`on_run`).
        self.in_use = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(DUMP_LOGGERS):
            return
        try:
            message = record.getMessage()
        except Exception:  # a bad log call must not break the build
            message = str(record.msg)
        self.others.append(f"{logging.getLevelName(record.levelno).lower()}: {message}")


#: The settings key under which a running build keeps its recorder (the reader has only the
#: settings), as it keeps its session (:mod:`news_digest.site.session`).
RECORDER_KEY = "NEWS_DIGEST_RECORDER"


def recorder_for(settings: Any) -> BuildRecorder | None:
    recorder = settings.get(RECORDER_KEY)
    return recorder if isinstance(recorder, BuildRecorder) else None


def record_dump(settings: Any, entry: dict) -> None:
    """Called by the reader for each dump it read or rejected."""
    recorder = recorder_for(settings)
    if recorder is not None:
        recorder.entries[entry["source"]] = entry


def build_entry(view: dict, date_source: str, date: str) -> dict:
    """The parser's entry (from a :func:`news_digest.parse.view.dump_view`), with the build's own
    date rules: its fallback in place of "no date" warnings, and a warning for a date in the
    future (logged here too)."""
    entry = {**view["entry"]}
    entry["warnings"] = list(entry["warnings"])
    if not view["header_date"]:
        drop_missing_date(entry)
    if date_source == "fallback":
        message = f"no date in header, file name or folder; using {date}"
        entry["warnings"].append({"line": None, "message": message, "kind": "fallback-date"})
        entry["status"] = "warning"
    future = future_date_message(date) if date else None
    if future:
        logger.warning("%s: %s", entry["source"], future)
        entry["warnings"].append({"line": None, "message": future, "kind": "future-date"})
        entry["status"] = "warning"
    return entry


def newest_first(content: Any) -> tuple[float, str]:
    """Sort key for ``ARTICLE_ORDER_BY``: newest first, then by path below the content folder.

    Pelican's ``reversed-date`` keeps the order in which it found files for articles of the
    same date, and it finds them in a set, whose order changes from process to process.
    """
    return (-content.date.timestamp(), content.relative_source_path or "")


def on_initialized(pelican: Any) -> None:
    if pelican.settings.get("ARTICLE_ORDER_BY") == "reversed-date":
        pelican.settings["ARTICLE_ORDER_BY"] = newest_first
    start(pelican.settings)


def on_run(pelican: Any) -> None:
    """At the start of every run (``get_generators``): a run after the first in one process
    (``pelican -r``) records its dumps and problems anew, also after a run that failed before
    it finished. Adds no generator."""
    recorder = recorder_for(pelican.settings)
    if recorder is None or recorder.in_use:
        start(pelican.settings)
        recorder = recorder_for(pelican.settings)
    recorder.in_use = True


def start(settings: Any) -> None:
    """Record the dumps and problems of a build: from ``initialized`` on, so that problems
    with the settings count too, until ``finalized``."""
    stale = [r for r in logging.getLogger().handlers if isinstance(r, BuildRecorder)]
    for handler in stale:  # left by a build that crashed before it finished
        logging.getLogger().removeHandler(handler)
    recorder = BuildRecorder()
    settings[RECORDER_KEY] = recorder
    logging.getLogger().addHandler(recorder)


def on_finalized(pelican: Any) -> None:
    settings = pelican.settings
    recorder = recorder_for(settings)
    settings.pop(RECORDER_KEY, None)
    if recorder is None:
        return
    logging.getLogger().removeHandler(recorder)
    report = build_report(recorder.entries.values())
    path = report_path(settings)
    if path:
        write_report(report, path)
    _print_summary(summary_line(report))
    found = list(problems(report))
    strict = settings.get(STRICT_SETTING)
    if strict:
        found += recorder.others
    # Pelican's log shows the first few dump warnings only; the list is whole in strict mode
    # and in the report, and cut at LISTED_PROBLEMS lines otherwise.
    shown = found if strict else found[:LISTED_PROBLEMS]
    for line in shown:
        _print_summary(line)
    if len(shown) < len(found):
        _print_summary(f"... and {len(found) - len(shown)} more in {path or 'the report'}")
    if strict and found:
        # CRITICAL is the one level that Pelican's --fatal option never turns into an
        # exception (and a traceback), so the build ends on this line and status 1.
        logger.critical("strict build failed: %d warnings or errors, listed above", len(found))
        raise SystemExit(1)


def _print_summary(line: str) -> None:
    """One unwrapped line on Pelican's console (not a log record, so never counted)."""
    try:
        from pelican.log import console

        console.print(line, soft_wrap=True, markup=False, highlight=False)
    except ImportError:  # pragma: no cover - Pelican always has it
        print(line)


def report_path(settings: Any) -> str | None:
    """Where the build writes its parse report: ``NEWS_DIGEST_REPORT`` below ``CACHE_PATH``
    (Pelican's default ``cache``), or None when the setting is empty."""
    name = settings.get(REPORT_SETTING, DEFAULT_REPORT_NAME)
    if not name:
        return None
    return os.path.join(settings.get("CACHE_PATH") or "cache", name)


def report_text(report: dict) -> str:
    """``report`` as JSON with sorted keys, one line per dump entry:

    .. code-block:: text

        {"dumps": [
        {"dropped": {"separator": 12}, "encoding": "utf-8", ..., "warnings": []},
        ...
        ],
        "totals": {...},
        "version": 1}

    Each part goes through the C encoder (``json.dump`` with ``indent`` uses the pure-Python
    one, several times slower at 10,000 dumps); ``json.loads`` gives back ``report``.
    """
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    parts = []
    for key in sorted(report):
        value = report[key]
        if isinstance(value, list) and value:
            text = "[\n" + ",\n".join(map(encode, value)) + "\n]"
        else:
            text = encode(value)
        parts.append(f"{encode(key)}: {text}")
    return "{" + ",\n".join(parts) + "}\n"


def write_report(report: dict, path: str) -> None:
    """Write ``report`` to ``path``, unless the file already holds exactly these bytes (a
    rebuild with nothing changed leaves it, and its modification time, alone)."""
    data = report_text(report).encode("utf-8")
    try:
        with open(path, "rb") as handle:
            if handle.read(len(data) + 1) == data:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def connect() -> None:
    from pelican import signals

    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(on_run)
    signals.finalized.connect(on_finalized)
