"""``news-digest``: read dumps from the command line.

    news-digest parse FILE [--json]
    news-digest check FOLDER... [--json]
    news-digest schema

Exit status: 0 on success, 1 when the file cannot be read as text (one line
``FILE: reason`` on stderr) or, for ``check``, when any dump has an error; 2 on usage
errors. No input gives a traceback: an unexpected failure is one line naming the file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from importlib import resources

from .parse.model import Digest, DumpError
from .parse.parser import parse_file
from .parse.report import (
    build_report,
    dump_entry,
    find_dumps,
    problems,
    readable_path,
    summary_line,
    with_future_date_warning,
)

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE = 0, 1, 2

#: The schema's file name inside the ``news_digest.parse`` package.
SCHEMA_NAME = "digest.schema.json"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="news-digest", description="Read scraped news-page dumps."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parse = commands.add_parser("parse", help="parse one dump and print what was read")
    parse.add_argument("file", metavar="FILE", help="the dump (.txt)")
    parse.add_argument(
        "--json", action="store_true", help="print the parse as JSON (digest.schema.json)"
    )
    check = commands.add_parser(
        "check", help="parse every dump in folders and report; exit 1 if any has an error"
    )
    check.add_argument("folders", metavar="FOLDER", nargs="+", help="folder (or dump) to check")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    commands.add_parser("schema", help="print the JSON schema that parse --json follows")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    try:
        if args.command == "check":
            return check(args.folders, args.json)
        if args.command == "schema":
            _write(schema_text())
            return EXIT_OK
        return parse(args.file, args.json)
    except Exception as err:  # a bug must still not show the user a traceback
        target = getattr(args, "file", None) or " ".join(getattr(args, "folders", []))
        print(f"{target}: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_UNREADABLE


def parse(file: str, as_json: bool) -> int:
    try:
        digest = parse_file(file, readable_path(file))
    except DumpError as err:
        print(err, file=sys.stderr)
        return EXIT_UNREADABLE
    text = (
        json.dumps(digest.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if as_json
        else summary(digest)
    )
    _write(text)
    return EXIT_OK


def schema_text() -> str:
    """The JSON schema of ``parse --json`` (``digest.schema.json``, shipped in the package)."""
    return resources.files("news_digest.parse").joinpath(SCHEMA_NAME).read_text(encoding="utf-8")


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def check(targets: list[str], as_json: bool) -> int:
    """Parse every dump under ``targets``; print the parse report; 1 if any dump has an error.

    Sources in the report are relative to the folder given (a file given alone keeps its
    name). Warnings and errors go to stderr as ``file:line: ...``, the summary line last.
    """
    entries = []
    for target in targets:
        if os.path.isdir(target):
            paths = [(path, os.path.relpath(path, target)) for path in find_dumps(target)]
        else:
            paths = [(target, target)]
        for path, source in paths:
            source = source.replace(os.sep, "/")
            try:
                digest = parse_file(path, source)
                entry = dump_entry(source, digest)
                entries.append(with_future_date_warning(entry, digest.metadata.date))
            except DumpError as err:
                entries.append(dump_entry(source, None, err))
    report = build_report(entries)
    if as_json:
        _write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        _write("".join(_entry_line(entry) + "\n" for entry in report["dumps"]))
    for problem in problems(report):
        print(problem, file=sys.stderr)
    print(summary_line(report), file=sys.stderr)
    return EXIT_UNREADABLE if report["totals"]["errors"] else EXIT_OK


def _entry_line(entry: dict) -> str:
    if entry["error"]:
        return f"{entry['source']}: ERROR"
    dropped = ", ".join(f"{n} {reason}" for reason, n in entry["dropped"].items())
    return (
        f"{entry['source']}: {entry['status'].upper()} {entry['encoding']}, "
        f"{'lead' if entry['lead'] else 'no lead'}, {entry['paragraphs']} paragraphs, "
        f"{entry['headlines']} headlines, {entry['references']} references, "
        f"dropped {dropped or 'nothing'}, {len(entry['warnings'])} warnings"
    )


def _date_line(date: str | None, date_from: str | None) -> str:
    """``2023-05-10 (from the folder)``: the date the site will give the dump, and its rule."""
    if date is None:
        return "(none: the site uses its undated_date)"
    return f"{date} (from the {date_from})" if date_from else date


def summary(digest: Digest) -> str:
    """A short readable account of one parse."""
    out = [f"{digest.source} ({digest.encoding})"]
    meta = digest.metadata
    out.append(f"  date:      {_date_line(meta.date, meta.date_from)}")
    if digest.lead is None:
        out.append("  lead:      (none)")
    else:
        lead = digest.lead
        out.append(f"  lead:      {lead.title}")
        out.append(f"  paragraphs: {len(lead.paragraphs)}")
        out.append(f"  credit:    {lead.credit.name if lead.credit else '(none)'}")
    out.append(f"  headlines: {len(digest.news)} news, {len(digest.references)} reference")
    for item in digest.headlines:
        mark = "*" if item.kind.value == "reference" else "-"
        out.append(f"    {mark} {item.title}")
    reasons = Counter(d.reason.value for d in digest.dropped)
    dropped = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    out.append(f"  dropped:   {dropped or 'nothing'}")
    for warning in digest.warnings:
        out.append(f"  warning:   {warning}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
