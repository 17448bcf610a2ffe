"""The parse report: one dump's entry, the build's date rules, and the file a build writes."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from news_digest.parse.model import (
    Digest,
    Dropped,
    DropReason,
    Headline,
    ItemKind,
    Lead,
    Metadata,
    Paragraph,
    ParseWarning,
    WarningKind,
)
from news_digest.parse.report import build_report, dump_entry, readable_path
from news_digest.parse.view import dump_view
from news_digest.site.build_checks import build_entry, report_text, write_report


def headline(title: str, kind: ItemKind) -> Headline:
    return Headline(title=title, summary=None, kind=kind, lines=(1,))


def digest(**fields) -> Digest:
    base = {
        "source": "x.txt",
        "encoding": "utf-8",
        "metadata": Metadata(date="2023-05-10"),
        "lead": Lead("Title", 1, (Paragraph("One", 2), Paragraph("Two", 3))),
        "headlines": (
            headline("A", ItemKind.NEWS),
            headline("B", ItemKind.REFERENCE),
            headline("C", ItemKind.NEWS),
            headline("D", ItemKind.NEWS),
        ),
        "dropped": (
            Dropped(4, "Share page", DropReason.FURNITURE),
            Dropped(5, "----", DropReason.SEPARATOR),
            Dropped(6, "A", DropReason.DUPLICATE),
            Dropped(7, "====", DropReason.SEPARATOR),
            Dropped(8, "?", DropReason.OTHER),
        ),
    }
    return Digest(**{**base, **fields})


def test_an_entry_counts_headlines_by_kind_and_dropped_lines_by_reason_in_reason_order():
    entry = dump_entry("2023/x.txt", digest())
    assert entry == {
        "source": "2023/x.txt",
        "status": "ok",
        "error": None,
        "encoding": "utf-8",
        "lead": True,
        "paragraphs": 2,
        "headlines": 3,
        "references": 1,
        "dropped": {"separator": 2, "duplicate": 1, "furniture": 1, "other": 1},
        "warnings": [],
        "kind": "cms",
        "lang": None,
        "confidence": 1.0,
    }
    # `news-digest check --json` prints entries without sorting their keys.
    assert list(entry) == [
        "source",
        "status",
        "error",
        "encoding",
        "lead",
        "paragraphs",
        "headlines",
        "references",
        "dropped",
        "warnings",
        "kind",
        "lang",
        "confidence",
    ]
    assert list(entry["dropped"]) == [r.value for r in DropReason if r.value in entry["dropped"]]


def test_an_entry_without_lead_headlines_or_dropped_lines_counts_zero():
    entry = dump_entry("x.txt", digest(lead=None, headlines=(), dropped=()))
    assert (entry["lead"], entry["paragraphs"], entry["headlines"], entry["references"]) == (
        False,
        0,
        0,
        0,
    )
    assert entry["dropped"] == {}


def test_an_entry_lists_warnings_with_their_kind():
    warnings = (
        ParseWarning("odd credit", 3, WarningKind.CREDIT),
        ParseWarning("something", None, None),
    )
    entry = dump_entry("x.txt", digest(warnings=warnings))
    assert entry["status"] == "warning"
    assert entry["warnings"] == [
        {"line": 3, "message": "odd credit", "kind": "credit"},
        {"line": None, "message": "something", "kind": None},
    ]


def test_readable_path_keeps_text_and_replaces_bytes_that_are_not_utf8():
    assert readable_path("2023/plain.txt") == "2023/plain.txt"
    assert readable_path("2023/café.txt") == "2023/café.txt"
    assert readable_path(os.fsdecode(b"caf\xe9.txt")) == "caf\ufffd.txt"


def test_build_entry_warns_once_about_a_date_in_the_future(caplog):
    with caplog.at_level(logging.WARNING, logger="news_digest.site.build_checks"):
        entry = build_entry(dump_view(digest(), "x.txt"), "dump", "2999-01-01")
    assert entry["status"] == "warning"
    assert entry["warnings"] == [
        {
            "line": None,
            "message": "date 2999-01-01 is in the future; published as dated",
            "kind": "future-date",
        }
    ]
    assert [r.getMessage() for r in caplog.records] == [
        "x.txt: date 2999-01-01 is in the future; published as dated"
    ]


def test_build_entry_replaces_no_date_by_its_fallback_warning(caplog):
    no_date = ParseWarning("no date in header or file name", None, WarningKind.NO_DATE)
    parsed = digest(metadata=Metadata(), warnings=(no_date,))
    with caplog.at_level(logging.WARNING, logger="news_digest.site.build_checks"):
        entry = build_entry(dump_view(parsed, "x.txt"), "fallback", "1970-01-01")
    assert entry["warnings"] == [
        {
            "line": None,
            "message": "no date in header, file name or folder; using 1970-01-01",
            "kind": "fallback-date",
        }
    ]
    assert entry["status"] == "warning"
    assert caplog.records == []
    assert build_entry(dump_view(parsed, "x.txt"), "folder", "2023-05-10")["status"] == "ok"


def sample_report() -> dict:
    odd = dump_entry(
        'é/"quoted"\nname.txt',
        digest(warnings=(ParseWarning('a "quote",\nnew line; ünïcode ✓', 2, None),)),
    )
    return build_report([dump_entry("b.txt", digest()), odd, dump_entry("a.txt", digest())])


def test_report_text_is_the_report_with_sorted_keys_and_one_line_per_dump():
    report = sample_report()
    text = report_text(report)
    assert json.loads(text) == report
    lines = text.splitlines()
    assert lines[0] == '{"dumps": ['
    entries = lines[1 : 1 + len(report["dumps"])]
    assert [json.loads(line.rstrip(",")) for line in entries] == report["dumps"]
    assert lines[1 + len(report["dumps"]) :] == [
        "],",
        '"totals": ' + json.dumps(report["totals"], sort_keys=True) + ",",
        '"version": 1}',
    ]
    for line in entries:  # keys in sorted order, like json.dump(sort_keys=True)
        keys = list(json.loads(line.rstrip(",")))
        assert keys == sorted(keys)
        assert line.index('"dropped"') < line.index('"source"') < line.index('"warnings"')
    assert "ünïcode ✓" in text and "\\u" not in text  # written as UTF-8, not escaped
    assert text.endswith("}\n")


def test_report_text_of_no_dumps():
    report = build_report([])
    text = report_text(report)
    assert json.loads(text) == report
    assert text.startswith('{"dumps": [],\n"totals": ')


def test_the_report_file_is_written_only_when_its_bytes_change(tmp_path: Path):
    path = tmp_path / "cache" / "parse-report.json"
    report = sample_report()
    write_report(report, str(path))
    assert path.read_bytes() == report_text(report).encode("utf-8")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    write_report(sample_report(), str(path))
    assert path.stat().st_mtime_ns == 1_000_000_000, "unchanged report written again"

    with path.open("ab") as handle:  # same bytes and more: written again
        handle.write(b"\n")
    write_report(report, str(path))
    assert path.read_bytes() == report_text(report).encode("utf-8")

    report["dumps"][0]["paragraphs"] += 1
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    write_report(report, str(path))
    assert path.stat().st_mtime_ns != 1_000_000_000
    assert json.loads(path.read_text(encoding="utf-8")) == report


@pytest.mark.parametrize("name", ["parse-report.json", "deeper/report.json"])
def test_the_report_folder_is_made_when_missing(tmp_path: Path, name: str):
    path = tmp_path / "new" / name
    write_report(build_report([]), str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["totals"]["dumps"] == 0
