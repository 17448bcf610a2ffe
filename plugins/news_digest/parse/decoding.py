"""Bytes to lines (docs/reading/cms.md, section 2).

Pure functions, no Pelican. ``decode_bytes`` picks the encoding, ``split_lines`` cuts the
text at ``\\n``, ``\\r\\n`` and ``\\r``, and ``normalise_line`` folds spaces and takes out
control characters, reporting what it removed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .model import DumpError

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# A decoded text in which more than this share of characters are control characters
# (other than tab and line ends) is taken for binary data, not text. Real dumps have none;
# 5 % leaves room for a few stray bytes in a long text while rejecting images and archives;
# below MIN_CONTROLS_FOR_BINARY control characters a text is never called binary.
MAX_CONTROL_SHARE = 0.05
MIN_CONTROLS_FOR_BINARY = 16

# Single-byte Western encodings that charset-normalizer may name for the same bytes. For
# news text cp1252 is the right reading of all of them (it is latin-1 plus printable
# characters in 0x80-0x9F, where latin-1 has only C1 controls).
WESTERN_SINGLE_BYTE = {
    "cp1252",
    "windows-1252",
    "latin_1",
    "latin-1",
    "iso8859_1",
    "iso-8859-1",
    "iso8859_15",
    "iso-8859-15",
    "cp1250",
    "mac_roman",
    "cp850",
    "cp437",
}
# Text in a non-Latin script (Cyrillic, Greek, Arabic, CJK...) is mostly non-ASCII bytes;
# Western text with a few accents or curly quotes is not (French about 4 %, a headline full
# of quotes and dashes under 15 %). Below this share charset-normalizer's guess of a
# non-Western encoding is not trusted: on a few bytes it names cp932 for "Ø".
MIN_NON_ASCII_SHARE_FOR_OTHER = 0.3
# Wide encodings are read only with a byte-order mark: without one, charset-normalizer may
# name them for a few bytes of cp1252 ("\xa3\n" is one UTF-16-BE character).
UNMARKED_WIDE = ("utf_16", "utf-16", "utf_32", "utf-32")
# Bytes that cp1252 leaves undefined; text containing them is read as latin-1.
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")

LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Spaces that fold to an ordinary space: no-break, narrow no-break, figure, ideographic, the
# other Unicode space separators, and tab.
FOLDED_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# Characters that vanish: zero-width space/joiners, word joiner, BOM inside text, LRM/RLM.
ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
# Control characters that are removed and reported: C0/C1 controls, DEL, and the bidi
# embedding/override/isolate controls that can disguise text.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
# The control characters that count towards calling a text binary: CONTROL less the
# carriage return, which ends lines (a CRLF dump of short lines is still text).
BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    detected: bool  # True when the bytes were not UTF-8 and the encoding was guessed


def decode_bytes(data: bytes, source: str) -> DecodedText:
    """Decode a dump: UTF-8 (with or without BOM), UTF-16 with BOM, else by detection.

    Raises ``DumpError`` for bytes that are not text (NUL bytes, images, archives).
    """
    if data.startswith(UTF16_BOMS):
        try:
            return _checked(data.decode("utf-16"), "utf-16", source, detected=False)
        except UnicodeDecodeError as err:
            raise DumpError(
                source, f"not valid UTF-16 despite its byte-order mark ({err.reason})"
            ) from None
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise DumpError(source, "not a text file (NUL byte)", line)
    if data.startswith(UTF8_BOM):
        try:
            return _checked(data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig", source, False)
        except UnicodeDecodeError:
            data = data[len(UTF8_BOM) :]
    else:
        try:
            return _checked(data.decode("utf-8"), "utf-8", source, detected=False)
        except UnicodeDecodeError:
            pass
    encoding = detect_encoding(data)
    return _checked(data.decode(encoding, errors="replace"), encoding, source, detected=True)


def detect_encoding(data: bytes) -> str:
    """Name the codec for bytes that are not UTF-8 (charset-normalizer, then a Western default)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    guess = (best.encoding if best is not None else "").lower()
    if (
        guess
        and guess not in WESTERN_SINGLE_BYTE
        and _non_ascii_share(data) >= MIN_NON_ASCII_SHARE_FOR_OTHER
        and not guess.startswith(UNMARKED_WIDE)
        and _decodes(data, guess)
    ):
        return guess
    return "latin-1" if CP1252_UNDEFINED.intersection(data) else "cp1252"


def _non_ascii_share(data: bytes) -> float:
    """The share of non-ASCII bytes among the bytes that are not spaces or line ends."""
    visible = len(data) - sum(data.count(byte) for byte in (b" ", b"\t", b"\r", b"\n"))
    if not visible:
        return 0.0
    ascii_visible = sum(1 for byte in data if 0x21 <= byte <= 0x7E)
    return (visible - ascii_visible) / visible


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _checked(text: str, encoding: str, source: str, detected: bool) -> DecodedText:
    # The share is taken over the characters between line breaks, so that it does not
    # depend on the newline style.
    size = len(text) - text.count("\r") - text.count("\n")
    if size:
        controls = len(BINARY_CONTROL.findall(text))
        if controls >= MIN_CONTROLS_FOR_BINARY and controls / size > MAX_CONTROL_SHARE:
            raise DumpError(source, "not a text file (mostly control bytes)")
    return DecodedText(text, encoding, detected)


def split_lines(text: str) -> list[str]:
    """Cut at ``\\n``, ``\\r\\n`` and ``\\r`` alone (not at the other Unicode breaks)."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def normalise_line(raw: str) -> tuple[str, str]:
    """Fold spaces, drop zero-width characters, remove control characters, strip.

    Returns ``(text, removed_controls)``; ``removed_controls`` is "" when there were none.
    """
    if raw.isascii() and raw.isprintable():
        return raw.strip(), ""
    removed = "".join(CONTROL.findall(raw))
    if removed:
        raw = CONTROL.sub("", raw)
    text = ZERO_WIDTH.sub("", FOLDED_SPACES.sub(" ", raw)).strip()
    return text, removed
