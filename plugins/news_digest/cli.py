"""``news-digest``: read dumps from the command line.

    news-digest parse FILE [--json]

Exit status: 0 on success, 1 when the file cannot be read as text (one line
``FILE: reason`` on stderr), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

from .model import Digest, DumpError
from .parser import parse_file

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE = 0, 1, 2


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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    try:
        digest = parse_file(args.file)
    except DumpError as err:
        print(err, file=sys.stderr)
        return EXIT_UNREADABLE
    text = (
        json.dumps(digest.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if args.json
        else summary(digest)
    )
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def summary(digest: Digest) -> str:
    """A short readable account of one parse."""
    out = [f"{digest.source} ({digest.encoding})"]
    meta = digest.metadata
    out.append(f"  date:      {meta.date or '(none)'}")
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
