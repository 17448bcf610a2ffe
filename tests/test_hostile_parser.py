"""The hostile corpus (tests/hostile_corpus.py) through the parser and the command line."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from helpers import assert_nothing_lost
from hostile_corpus import BY_KEY, CASES, CREDIT_PAYLOAD, PAYLOADS, XSS_ATTR, Case
from news_digest.cli import main
from news_digest.parse.model import DumpError
from news_digest.parse.parser import parse_bytes

# Seconds one megabyte-sized case may take to parse on this project's 2-core machines
# (measured: about 1.5 s for 10 MB or 100,000 headlines); a regression to quadratic time
# takes minutes.
# A guard against hangs (backtracking, quadratic loops), not a speed target: speed is
# measured by `make bench`. The big inputs parse in about a second; a hang takes minutes.
BIG_PARSE_SECONDS = 30.0

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WINDOWS_RESERVED = re.compile(r"(?:con|prn|aux|nul|com\d|lpt\d)", re.IGNORECASE)

DATA: dict[str, bytes] = {}


def data_of(case: Case) -> bytes:
    if case.key not in DATA:
        DATA[case.key] = case.data()
    return DATA[case.key]


def decoded(case: Case) -> str:
    """The text of a case, decoded the way its bytes were made."""
    raw = data_of(case)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_each_bad_input_gets_its_one_message(case: Case) -> None:
    started = time.perf_counter()
    if case.outcome == "error":
        with pytest.raises(DumpError) as info:
            parse_bytes(data_of(case), case.name)
        where = f"{case.name}:{case.line}" if case.line else case.name
        assert str(info.value).startswith(f"{where}: ")
        assert re.search(case.message, str(info.value))
        assert "\n" not in str(info.value)
        return
    digest = parse_bytes(data_of(case), case.name)
    elapsed = time.perf_counter() - started
    if case.big:
        assert elapsed < BIG_PARSE_SECONDS, f"{case.key} took {elapsed:.1f} s"
    messages = [str(w) for w in digest.warnings]
    if case.outcome == "ok":
        assert messages == []
    else:
        assert len(messages) == 1, messages
        assert re.search(case.message, messages[0]), messages
        assert digest.warnings[0].line == case.line
    if not case.big:
        assert_nothing_lost(decoded(case), digest)


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_slug_is_a_safe_file_name(case: Case) -> None:
    if case.outcome == "error":
        return
    slug = parse_bytes(data_of(case), case.name).slug
    assert SLUG.fullmatch(slug), slug
    assert not WINDOWS_RESERVED.fullmatch(slug), slug
    assert len(slug) <= 80


def test_utf16_reads_like_utf8() -> None:
    case = BY_KEY["utf-16"]
    as_utf16 = parse_bytes(data_of(case), case.name).to_dict()
    as_utf8 = parse_bytes(decoded(case).encode(), case.name).to_dict()
    assert as_utf16.pop("encoding") == "utf-16"
    as_utf8.pop("encoding")
    assert as_utf16 == as_utf8


@pytest.mark.parametrize("key", ["cp1252", "latin-1"])
def test_single_byte_western_text_is_decoded_without_replacement_characters(key: str) -> None:
    case = BY_KEY[key]
    digest = parse_bytes(data_of(case), case.name)
    assert digest.lead is not None
    assert digest.lead.title == decoded(case).splitlines()[0]
    assert "\ufffd" not in str(digest.to_dict())


def test_short_cp1252_text_is_not_taken_for_an_asian_or_wide_encoding() -> None:
    # charset-normalizer names utf_16_be for "£\n" and cp1006 for "00 00 00é00".
    for text in ("Prices in £ rise\n", "00 00 00é00\n", "Café owner wins\n"):
        digest = parse_bytes(text.encode("cp1252"), "short.txt")
        assert digest.encoding == "cp1252"
        assert digest.lead is not None and digest.lead.title == text.strip()


def test_crlf_dump_of_short_lines_is_text() -> None:
    # Each \r of a CRLF dump once counted as a control byte, so a list of short bullets
    # looked like binary data.
    data = b"Title\r\nA paragraph.\r\n" + b"- Short one\r\n-\r\n" * 20
    digest = parse_bytes(data, "crlf.txt")
    assert len(digest.headlines) == 1
    assert digest.lead is not None and digest.lead.title == "Title"


def test_mixed_newlines_number_lines_like_each_style() -> None:
    case = BY_KEY["mixed-newlines"]
    digest = parse_bytes(data_of(case), case.name)
    assert digest.lead is not None
    assert digest.lead.title_line == 1
    assert [(p.line, p.text) for p in digest.lead.paragraphs] == [
        (2, "First paragraph."),
        (3, "Second paragraph."),
        (4, "Third."),
    ]


def test_markup_is_kept_as_text_in_every_field() -> None:
    digest = parse_bytes(data_of(BY_KEY["markup"]), "markup.txt")
    data = digest.to_dict()
    meta = data["metadata"]
    lead = data["lead"]
    fields = [
        meta["title"],
        meta["summary"],
        meta["source"],
        " ".join(meta["tags"]),
        " ".join(meta["authors"]),
        lead["title"],
        lead["paragraphs"][0]["text"],
        lead["credit"]["name"],
        " ".join(h["title"] + " " + (h["summary"] or "") for h in data["headlines"]),
    ]
    for text in fields:
        assert any(payload in text for payload in (*PAYLOADS, CREDIT_PAYLOAD)), text
    assert lead["credit"]["name"] == CREDIT_PAYLOAD
    assert XSS_ATTR in [h["title"] for h in data["headlines"]]


@pytest.mark.parametrize("key", ["punctuation-title", "emoji-title"])
def test_title_without_letters_is_kept_and_slug_comes_from_the_file_name(key: str) -> None:
    case = BY_KEY[key]
    digest = parse_bytes(data_of(case), case.name)
    assert digest.lead is not None
    assert digest.lead.title == decoded(case).splitlines()[0]
    assert digest.slug == case.name.removesuffix(".txt")


def test_path_like_title_gives_a_plain_slug() -> None:
    case = BY_KEY["path-title"]
    digest = parse_bytes(data_of(case), case.name)
    assert digest.lead is not None and digest.lead.title == "../../etc/passwd"
    assert digest.slug == "etc-passwd"


def test_path_like_header_slug_gives_a_plain_slug() -> None:
    case = BY_KEY["path-slug-header"]
    assert parse_bytes(data_of(case), case.name).slug == "tmp-evil"


@pytest.mark.parametrize("key", ["con-title", "con-name"])
def test_windows_device_name_is_not_a_slug(key: str) -> None:
    case = BY_KEY[key]
    digest = parse_bytes(data_of(case), case.name)
    assert digest.lead is not None and digest.lead.title == "CON"
    assert digest.slug == "con-1"


def test_dumps_with_the_same_title_and_date_get_the_same_slug_from_the_parser() -> None:
    # The parser is per dump; the build gives the second one a suffix (test_hostile_build).
    a, b = BY_KEY["same-title-a"], BY_KEY["same-title-b"]
    assert parse_bytes(data_of(a), a.name).slug == parse_bytes(data_of(b), b.name).slug


def test_file_name_with_spaces_and_non_ascii_keeps_its_date() -> None:
    case = BY_KEY["spaces-non-ascii-name"]
    assert parse_bytes(data_of(case), case.name).metadata.date == "2023-05-10"


def test_future_date_is_kept_as_written() -> None:
    # The parser does not read the clock; whether a future date is published is the build's.
    case = BY_KEY["future-date"]
    assert parse_bytes(data_of(case), case.name).metadata.date == "2999-01-01"


def test_big_inputs_are_read_whole() -> None:
    ten = parse_bytes(data_of(BY_KEY["10-megabytes"]), "ten.txt")
    assert ten.lead is not None and len(ten.lead.paragraphs) > 70_000
    long = parse_bytes(data_of(BY_KEY["1-megabyte-line"]), "long.txt")
    assert long.lead is not None and len(long.lead.paragraphs[0].text) > 1_000_000
    many = parse_bytes(data_of(BY_KEY["100k-headlines"]), "many.txt")
    assert len(many.headlines) == 100_000 + 2


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_cli_parse_never_shows_a_traceback(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if case.big:
        pytest.skip("the parser test above covers the big inputs")
    path = tmp_path / case.name
    path.write_bytes(data_of(case))
    for argv in (["parse", str(path)], ["parse", str(path), "--json"]):
        code = main(argv)
        err = capsys.readouterr().err
        assert "Traceback" not in err
        if case.outcome == "error":
            assert code == 1
            assert err.count("\n") == 1 and err.startswith(f"{path}:")
        else:
            assert code == 0


@pytest.mark.parametrize("target", ["missing.txt", "."])
def test_cli_parse_of_a_missing_file_or_a_folder_is_one_line(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["parse", str(tmp_path / target)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err


# Lines that made the parser's patterns backtrack: cubic time on a run of spaces before a
# "]" or inside an unclosed credit (3,000 spaces took about 30 s; 20,000 would take hours),
# quadratic in dateutil on a long header date.
PATHOLOGICAL = {
    "spaces-before-bracket": "Title\n- a" + " " * 3000 + "a]\n",
    "unclosed-credit": "Title\nPara.\n(editor:" + " " * 3000 + "x\n",
    "spaced-reference": "Title\n(editor-in-charge:x)\nX" + " " * 3000 + "x profile\n",
    "long-header-date": "Date: " + "1" * 1_000_000 + "\n\nTitle\n",
}


@pytest.mark.parametrize("key", sorted(PATHOLOGICAL))
def test_pathological_lines_parse_in_linear_time(key: str) -> None:
    started = time.perf_counter()
    parse_bytes(PATHOLOGICAL[key].encode(), "slow.txt")
    # A hang guard, not a speed target: milliseconds when linear, minutes when not.
    assert time.perf_counter() - started < 5.0


def test_summary_marker_cut_keeps_the_sentence_stop() -> None:
    text = "Title\n(editor-in-charge:x)\nA title here\n"
    for line, summary in [
        ("Sentence of a trial....[in detail]", "Sentence of a trial."),
        ("Sentence … [in detail]", "Sentence"),
        ("Sentence ….[in detail]", "Sentence …."),
        ("Sentence   ...   [ In Detail ]", "Sentence"),
    ]:
        digest = parse_bytes((text + line + "\n").encode(), "m.txt")
        assert digest.headlines[0].summary == summary, line


def test_every_parser_warning_says_what_it_is_about() -> None:
    # Callers (the site's date rules, the report) act on the kind, never on the wording.
    kinds = set()
    for case in CASES:
        if case.outcome != "error" and not case.big:
            for warning in parse_bytes(data_of(case), case.name).warnings:
                assert warning.kind is not None, (case.key, warning.message)
                kinds.add(warning.kind.value)
    undated = parse_bytes(b"Title\nPara.\n", "undated.txt").warnings
    kinds.update(w.kind.value for w in undated)
    assert {"empty", "encoding", "header-date", "no-date"} <= kinds
