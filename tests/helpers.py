"""Test helpers written from the reading rules (docs/reading/cms.md), independent of the
parser's code."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "parsing"
# The user's example dump and its exact expected parse (also in content/2023-05-10/).
EXAMPLE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "example"
EXAMPLE = EXAMPLE_FIXTURES / "000_4017f763499f7360.txt"
EXPECTED = EXAMPLE_FIXTURES / "000_4017f763499f7360.expected.json"
# The JSON schema of `news-digest parse --json`, as the package ships it.
#: The real-page corpus beside a checkout (optional: only the real-page scores need it).
SHARED = REPO_ROOT.parent / "shared"
SCHEMA = REPO_ROOT / "plugins" / "news_digest" / "parse" / "digest.schema.json"

# Section 1: "\n, \r\n and \r all end lines" (and nothing else does, unlike str.splitlines).
_LINE_END = re.compile(r"\r\n|\r|\n")
# Section 1: zero-width spaces vanish (U+200B..U+200D, word joiner, BOM used as ZWNBSP).
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def decode_for_tests(raw: bytes | str) -> str:
    """Bytes to text the way section 1 describes, close enough to number lines."""
    if isinstance(raw, str):
        return raw
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Line ends are ASCII in every 8-bit encoding, so numbering does not depend on it.
        return raw.decode("cp1252", errors="replace")


def split_lines(text: str) -> list[str]:
    """1-based line i of the dump is ``split_lines(text)[i - 1]``."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "" and text:
        lines.pop()  # a final line end does not start another line
    return lines


def clean_line(line: str) -> str:
    """Strip, fold NBSP, drop zero-width spaces and other control characters."""
    line = line.replace("\u00a0", " ").translate(_ZERO_WIDTH)
    line = "".join(ch for ch in line if ch in " \t" or unicodedata.category(ch) != "Cc")
    return line.strip()


def non_blank_line_numbers(raw: bytes | str) -> list[int]:
    return [i for i, line in enumerate(split_lines(decode_for_tests(raw)), 1) if clean_line(line)]


def covered_line_numbers(data: dict[str, Any]) -> set[int]:
    """Every line number the JSON shape names (schema description of the top object)."""
    covered: set[int] = set(data["metadata_lines"])
    lead = data["lead"]
    if lead is not None:
        if lead["title_line"] is not None:
            covered.add(lead["title_line"])
        covered.update(p["line"] for p in lead["paragraphs"])
        if lead["credit"] is not None:
            covered.add(lead["credit"]["line"])
    for item in data["headlines"]:
        covered.update(item["lines"])
    covered.update(d["line"] for d in data["dropped"])
    # A live page's entry covers its stamp line and its text lines up to the next entry.
    entries = sorted(e["line"] for e in data.get("entries", ()))
    for start, stop in zip(entries, entries[1:] + [None], strict=False):
        covered.add(start)
        number = start + 1
        while (stop is None or number < stop) and number not in covered:
            covered.add(number)
            number += 1
    return covered


def as_dict(digest: Any) -> dict[str, Any]:
    return digest if isinstance(digest, dict) else digest.to_dict()


def assert_nothing_lost(raw: bytes | str, digest: Any) -> None:
    """Section 6: every non-blank input line appears at least once in the output.

    Also checks the converse: no output names a line that does not exist or is blank.
    """
    data = as_dict(digest)
    lines = split_lines(decode_for_tests(raw))
    wanted = non_blank_line_numbers(raw)
    covered = covered_line_numbers(data)
    lost = [n for n in wanted if n not in covered]
    assert not lost, "lines lost: " + "; ".join(f"{n}: {lines[n - 1]!r}" for n in lost)
    bogus = sorted(n for n in covered if not 1 <= n <= len(lines))
    assert not bogus, f"line numbers outside the dump (1..{len(lines)}): {bogus}"
    named = covered - {d["line"] for d in data["dropped"]}
    blank = sorted(n for n in named if not clean_line(lines[n - 1]))
    assert not blank, f"output names blank lines: {blank}"
