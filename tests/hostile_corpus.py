"""Bad inputs that scrapers produce, each with the behaviour it must get.

Every case is made by code (the big ones would be megabytes in the repository): ``name`` is
the file name the dump is saved under, ``data()`` its bytes. ``outcome`` says what the
parser and the build must do with it:

``error``    the dump is not text: one error ``FILE:LINE: reason`` (or ``FILE: reason``),
             the dump is left out, the build goes on.
``warning``  the dump is read, with one warning that matches ``message``.
``ok``       the dump is read without a warning.

``line`` is the line the message names (None when it names none). Used by the parser tests
(tests/test_hostile_parser.py) and the build tests (tests/test_hostile_build.py).
"""

from __future__ import annotations

import codecs
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

# The three payloads that must stay text wherever they are put.
XSS_SCRIPT = "</script><script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ 7*7 }}"
PAYLOADS = (XSS_SCRIPT, XSS_ATTR, TEMPLATE)
# A credit name cannot hold brackets (they end the credit): the same attacks without them.
CREDIT_PAYLOAD = '</script><script>alert`1`</script>"><img src=x onerror=alert`1`>{{ 7*7 }}'

LEAD = (
    "Harbour bridge reopens after repairs\n"
    "The bridge reopened to traffic on Monday after six weeks of repairs.\n"
    "Engineers said the work finished ahead of schedule.\n"
    "(editor-in-charge:Jane Roe)\n"
    "- Council approves new budget\n"
    "-\n"
    "Storm warning for the coast\n"
    "Forecasters expect strong winds overnight....[in detail]\n"
)


#: The text of another story (for two dumps with one title that are not one page).
OTHER = "A ferry ran aground in thick fog off the north pier late on Friday evening."


def good_dump(title: str = "Harbour bridge reopens after repairs") -> str:
    return LEAD.replace("Harbour bridge reopens after repairs", title, 1)


def tiny_png() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def markup_everywhere() -> str:
    """The payloads in every field of a dump: header values, title, paragraphs, credit,
    headlines and summaries."""
    a, b, c = PAYLOADS
    return (
        f"Title: {a} {b} {c}\n"
        "Date: 2023-05-10\n"
        f"Tags: {a}, {b}, {c}\n"
        f"Source: https://example.com/{b}\n"
        f"Summary: {a} {b} {c}\n"
        f"Authors: {a}; {c}\n"
        "\n"
        f"{a} {b} {c}\n"
        f"First paragraph {a} and {b} and {c}.\n"
        f"<p onclick=alert(1)>{c}</p> {{% include 'base.html' %}} ${{7*7}}.\n"
        f"(editor-in-charge:{CREDIT_PAYLOAD})\n"
        f"- {a}\n"
        "-\n"
        f"{b}\n"
        f"{c} and {a}...[in detail]\n"
        f"- {c} {b}\n"
        f"{a}{b}{c} country profile\n"
    )


def ten_megabytes() -> bytes:
    paragraph = (
        "The committee heard evidence from residents, engineers and the operator over "
        "three days of hearings, and will report in the autumn.\n"
    )
    count = 10 * 1024 * 1024 // len(paragraph) + 1
    return ("Ten megabyte dump\n" + paragraph * count).encode()


def one_megabyte_line() -> bytes:
    sentence = "A single line that goes on and on without a break. "
    return ("One megabyte line\n" + sentence * (1024 * 1024 // len(sentence) + 1) + "\n").encode()


def many_headlines(count: int = 100_000) -> bytes:
    items = "".join(f"- Headline number {i} about the news\n" for i in range(count))
    return (LEAD + items).encode()


@dataclass(frozen=True)
class Case:
    key: str
    name: str  # the file name it is saved under
    data: Callable[[], bytes]
    outcome: str  # "error", "warning" or "ok"
    message: str = ""  # a regular expression the one message must match
    line: int | None = None
    big: bool = False  # megabytes: the build tests skip these (the parser tests time them)
    # When the build says more than the parser: its (outcome, message) instead.
    build: tuple[str, str] | None = None

    @property
    def build_outcome(self) -> str:
        return self.build[0] if self.build else self.outcome

    @property
    def build_message(self) -> str:
        return self.build[1] if self.build else self.message


CASES: tuple[Case, ...] = (
    Case("empty", "2023-05-10-empty.txt", lambda: b"", "warning", r"empty dump"),
    Case(
        "whitespace",
        "2023-05-10-whitespace.txt",
        lambda: b"  \n\t\n\r\n \xc2\xa0\n",
        "warning",
        r"empty dump",
    ),
    Case("bom-only", "2023-05-10-bom-only.txt", lambda: codecs.BOM_UTF8, "warning", "empty dump"),
    Case("png", "2023-05-10-photo.txt", tiny_png, "error", r"not a text file", 3),
    Case(
        "nul-bytes",
        "2023-05-10-nul.txt",
        lambda: good_dump().replace("Engineers", "Engi\x00neers").encode(),
        "error",
        r"not a text file \(NUL byte\)",
        3,
    ),
    Case("utf-16", "2023-05-10-utf16.txt", lambda: good_dump().encode("utf-16"), "ok"),
    Case(
        "utf-16-truncated",
        "2023-05-10-utf16-cut.txt",
        lambda: good_dump().encode("utf-16")[:-1],
        "error",
        r"not valid UTF-16 despite its byte-order mark",
    ),
    Case(
        "cp1252",
        "2023-05-10-cp1252.txt",
        lambda: good_dump("Café “owner” wins – at last").encode("cp1252"),
        "warning",
        r"decoded as cp1252",
    ),
    Case(
        "latin-1",
        "2023-05-10-latin1.txt",
        lambda: good_dump("Señor Müller's façade ¡olé! 20°C").encode("latin-1"),
        "warning",
        r"decoded as (cp1252|latin-1)",
    ),
    Case(
        "mixed-newlines",
        "2023-05-10-newlines.txt",
        lambda: b"Mixed line ends\r\nFirst paragraph.\rSecond paragraph.\nThird.\r\n",
        "ok",
    ),
    Case(
        "crlf-short-lines",
        "2023-05-10-crlf-short.txt",
        lambda: good_dump().replace("\n", "\r\n").encode() + b"-\r\n- Item\r\n" * 30,
        "ok",
    ),
    Case("10-megabytes", "2023-05-10-ten-mb.txt", ten_megabytes, "ok", big=True),
    Case("1-megabyte-line", "2023-05-10-long-line.txt", one_megabyte_line, "ok", big=True),
    Case("100k-headlines", "2023-05-10-many.txt", many_headlines, "ok", big=True),
    Case("markup", "2023-05-10-markup.txt", lambda: markup_everywhere().encode(), "ok"),
    Case(
        "markup-file-name",
        f"2023-05-10-{XSS_ATTR.replace('/', '')}{TEMPLATE}.txt",
        lambda: good_dump("Markup in the file name").encode(),
        "ok",
    ),
    Case(
        "punctuation-title",
        "2023-05-10-punctuation.txt",
        lambda: good_dump("?!... --- !!!").encode(),
        "ok",
    ),
    Case("emoji-title", "2023-05-10-emoji.txt", lambda: good_dump("🔥🌊🚒").encode(), "ok"),
    Case(
        "same-title-a",
        "2023-05-10-same-a.txt",
        lambda: good_dump("Two dumps share this title").encode(),
        "ok",
    ),
    Case(
        "same-title-b",
        "2023-05-10-same-b.txt",
        # Another story under the same title (a copy of the same text would be a repeated
        # scrape of one page, shown as one lead: docs/scrapes.md).
        lambda: (
            good_dump("Two dumps share this title")
            .replace("The bridge reopened to traffic on Monday after six weeks of repairs.", OTHER)
            .replace("Engineers said the work finished ahead of schedule.", "Nobody was hurt.")
            .encode()
        ),
        "ok",
    ),
    Case(
        "path-title",
        "2023-05-10-passwd.txt",
        lambda: good_dump("../../etc/passwd").encode(),
        "ok",
    ),
    Case(
        "path-slug-header",
        "2023-05-10-slug.txt",
        lambda: ("Slug: ../../../../tmp/evil\n\n" + good_dump("A slug that climbs")).encode(),
        "ok",
    ),
    Case("con-title", "2023-05-10-con.txt", lambda: good_dump("CON").encode(), "ok"),
    Case("con-name", "CON.txt", lambda: good_dump("Date: 2023-05-10\n\nCON").encode(), "ok"),
    Case(
        "spaces-non-ascii-name",
        "2023-05-10 Ünïcödé news 東京.txt",
        lambda: good_dump("Spaces and Ünïcödé in the file name").encode(),
        "ok",
    ),
    # Bytes that are not UTF-8 in the file name itself (a Latin-1 machine saved it).
    Case(
        "latin-1-file-name",
        os.fsdecode(b"2023-05-10-caf\xe9 cr\xe8me.txt"),
        lambda: good_dump("Latin-1 bytes in the file name").encode(),
        "ok",
    ),
    Case(
        "impossible-date",
        "2023-05-10-impossible-date.txt",
        lambda: ("Title: Impossible date\nDate: 2023-02-30\n\n" + good_dump()).encode(),
        "warning",
        r"Date: '2023-02-30' is not a valid date",
        2,
    ),
    Case(
        "future-date",
        "future-date.txt",
        lambda: ("Date: 2999-01-01\n\n" + good_dump("From the future")).encode(),
        "ok",
        build=("warning", r"date 2999-01-01 is in the future; published as dated"),
    ),
    Case("upper-case-ext", "2023-05-10-SHOUTING.TXT", lambda: good_dump("Loud").encode(), "ok"),
)

BY_KEY = {case.key: case for case in CASES}
