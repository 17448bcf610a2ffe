"""A dump's date: each rule of docs/reading/cms.md ("Dates"), the parse and the build agreeing,
and same-day dumps ordered by their time of day."""

from __future__ import annotations

import io
import logging
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from conftest import build
from news_digest.cli import main
from news_digest.parse.dates import (
    EPOCH_MAX,
    EPOCH_MIN,
    DateFrom,
    choose_date,
    date_from_file_name,
    date_from_folder,
    date_from_text,
)
from news_digest.parse.model import WarningKind
from news_digest.parse.parser import parse_bytes, parse_file

BODY = """\
Ferry services resume after the storm
Crossings to the islands restarted on the morning tide.
(editor-in-charge:Ann Lee)
- Harbour wall repairs to start in May
"""


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2023-05-10-anything.txt", "2023-05-10"),
        ("20230510_anything.txt", "2023-05-10"),
        ("frontpage_1710403200.txt", "2024-03-14T08:00:00+00:00"),
        ("dumps/1710403200.txt", "2024-03-14T08:00:00+00:00"),
        ("14-03-2024.txt", "2024-03-14"),
        ("14.03.2024-frontpage.txt", "2024-03-14"),
        ("front_14_03_2024.txt", "2024-03-14"),
        ("03-04-2024.txt", "2024-04-03"),  # day first, never month first
        ("2024-03-14_0830.txt", "2024-03-14T08:30:00"),
        ("2024-03-14_08-30-frontpage.txt", "2024-03-14T08:30:00"),
        ("20240314T083000.txt", "2024-03-14T08:30:00"),
        ("20240314T0830.txt", "2024-03-14T08:30:00"),
        ("14-03-2024_1642.txt", "2024-03-14T16:42:00"),
        ("2024-03-14_2575.txt", "2024-03-14"),  # not a time of day: the date alone
        ("2023-05-10-2000-words.txt", "2023-05-10"),  # "-" does not join a time
    ],
)
def test_date_from_file_name(name: str, expected: str) -> None:
    assert date_from_file_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "story_123456789.txt",  # 1973: before EPOCH_MIN
        "story_9999999999.txt",  # 2286: after EPOCH_MAX
        "story_12345678901.txt",  # eleven digits: an id
        "story_12345678.txt",  # eight digits that are no date
        "31-02-2024.txt",  # no such day
        "2024-13-01.txt",
        "ab1710403200.txt",  # glued to a word
    ],
)
def test_names_that_hold_no_date(name: str) -> None:
    assert date_from_file_name(name) is None


def test_epoch_bounds_are_plausible_news_years() -> None:
    assert date_from_file_name(f"x_{EPOCH_MIN}.txt").startswith("1995-01-01")
    assert date_from_file_name(f"x_{EPOCH_MAX - 1}.txt").startswith("2099-12-31")
    assert date_from_file_name(f"x_{EPOCH_MAX}.txt") is None


# --- folders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2023/05/10/x.txt", "2023-05-10"),
        ("2023-05-10/x.txt", "2023-05-10"),
        ("/srv/site/content/2023-05-10/x.txt", "2023-05-10"),
        ("content\\2023-05-10\\x.txt", "2023-05-10"),
        ("2021/01/02/2023-05-10/x.txt", "2023-05-10"),  # the last one wins
        ("2023-05-10-backup/x.txt", None),
        ("2023/02/30/x.txt", None),
    ],
)
def test_date_from_folder(path: str, expected: str | None) -> None:
    assert date_from_folder(path) == expected


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Stand: 13.03.2024 16:42 Uhr", "2024-03-13T16:42:00"),
        ("Published: 14 March 2024", "2024-03-14"),
        ("Published 14 March 2024", "2024-03-14"),
        ("Publicado el 14 de marzo de 2024", "2024-03-14"),
        ("2024年3月14日", "2024-03-14"),
        ("发布时间：2024年3月14日 16:42", "2024-03-14T16:42:00"),
        ("Mittwoch, 13. März 2024, 16.42 Uhr", "2024-03-13T16:42:00"),
        ("Updated March 14, 2024 at 4:42 p.m. EDT", "2024-03-14T16:42:00"),
        ("Mis à jour le 14 mars 2024 à 08h05", "2024-03-14T08:05:00"),
        ("Last updated: 2024-03-14 08:05 (GMT)", "2024-03-14T08:05:00"),
        ("14/03/2024", "2024-03-14"),
    ],
)
def test_date_line_in_the_text(line: str, expected: str) -> None:
    found = date_from_text([(3, line)])
    assert found is not None
    assert (found.value, found.origin, found.line, found.text) == (
        expected,
        DateFrom.TEXT,
        3,
        line,
    )


@pytest.mark.parametrize(
    "line",
    [
        "On 14 March 2024 the council voted to close the bridge.",
        "Council to vote on 14 March 2024",  # a headline that names a date
        "Published 2 hours ago",
        "Stand: 31.02.2024",  # no such day
        "Published: 14 Marchember 2024",
        "Score: 13.03.2024",  # not a label for a date
    ],
)
def test_lines_that_are_not_date_lines(line: str) -> None:
    assert date_from_text([(1, line)]) is None


def test_only_the_first_date_line_near_the_top_counts() -> None:
    lines = [(n, f"Paragraph {n} of the story.") for n in range(1, 60)]
    lines[50] = (51, "Stand: 13.03.2024")  # deep in the list: another story's date
    assert date_from_text(lines) is None
    lines[5] = (6, "Published: 14 March 2024")
    lines[7] = (8, "Stand: 13.03.2024")
    assert date_from_text(lines).line == 6


# --- the order of the rules ------------------------------------------------------------------


def test_rules_in_order_header_name_folder_text() -> None:
    text = [(1, "Stand: 13.03.2024")]
    assert choose_date("2020-01-01", "2021/01/01/2022-01-01-x.txt", text).origin is (
        DateFrom.HEADER
    )
    assert choose_date(None, "2021/01/01/2022-01-01-x.txt", text).value == "2022-01-01"
    assert choose_date(None, "2021/01/01/x.txt", text).origin is DateFrom.FOLDER
    assert choose_date(None, "x.txt", text).value == "2024-03-13"
    assert choose_date(None, "x.txt", [(1, "No date here")]) is None


def test_text_date_is_used_with_a_warning_naming_the_line() -> None:
    data = ("Stand: 13.03.2024 16:42 Uhr\n" + BODY).encode("utf-8")
    digest = parse_bytes(data, "frontpage.txt")
    assert (digest.metadata.date, digest.metadata.date_from) == ("2024-03-13T16:42:00", "text")
    (warning,) = [w for w in digest.warnings if w.kind is WarningKind.TEXT_DATE]
    assert warning.line == 1
    assert "Stand: 13.03.2024 16:42 Uhr" in warning.message
    assert not [w for w in digest.warnings if w.kind is WarningKind.NO_DATE]


def test_a_dump_with_no_date_anywhere_is_null_with_one_warning() -> None:
    digest = parse_bytes(BODY.encode("utf-8"), "frontpage.txt")
    assert digest.metadata.date is None
    assert [w.kind for w in digest.warnings] == [WarningKind.NO_DATE]


# --- parse and the build agree ---------------------------------------------------------------


def _summary(path: Path) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["parse", str(path)]) == 0
    return out.getvalue()


def test_parse_shows_the_folder_date_as_the_build_does(tmp_path: Path) -> None:
    dump = tmp_path / "2023-05-10" / "000_4017f763499f7360.txt"
    dump.parent.mkdir()
    dump.write_text(BODY, encoding="utf-8")
    assert "date:      2023-05-10 (from the folder)" in _summary(dump)
    digest = parse_file(dump)
    assert (digest.metadata.date, digest.warnings) == ("2023-05-10", ())


@pytest.fixture(scope="module")
def same_day_site(tmp_path_factory: pytest.TempPathFactory):
    """Four dumps of 14 March 2024, each timed by another rule; by path alone their order
    would be the reverse of their times."""
    content = tmp_path_factory.mktemp("same-day")
    dumps = {
        "a-2024-03-14_1630-market.txt": ("Market reopens after the fire", ""),
        "b-frontpage_1710410400.txt": ("Bridge reopens to traffic", ""),  # 10:00 UTC
        "c-2024-03-14-council.txt": ("Council meets on the budget", "Date: 2024-03-14 09:15\n\n"),
        "d-frontpage.txt": ("School roof repaired", ""),
    }
    for name, (title, top) in dumps.items():
        text = top + BODY.replace("Ferry services resume after the storm", title)
        if name == "d-frontpage.txt":  # the page's date line, under its title
            text = text.replace(title + "\n", title + "\nStand: 14.03.2024 08:05 Uhr\n")
        (content / name).write_text(text, encoding="utf-8")
    return build("pelicanconf.py", content, tmp_path_factory.mktemp("same-day-out"))


def test_same_day_dumps_are_ordered_by_their_time_of_day(same_day_site) -> None:
    day = same_day_site.soup("2024/03/14/")
    titles = [a.get_text(strip=True) for a in day.select("main ol.archive > li > a:first-child")]
    expected = [
        "Market reopens after the fire",  # 16:30, from the file name
        "Bridge reopens to traffic",  # 10:00, a Unix time
        "Council meets on the budget",  # 09:15, from the header
        "School roof repaired",  # 08:05, from the text
    ]
    assert [t for t in titles if t in expected] == expected


def test_the_build_warns_about_a_date_read_from_the_text(same_day_site) -> None:
    warnings = same_day_site.messages(logging.WARNING)
    assert any(m.startswith("d-frontpage.txt:2: date 2024-03-14T08:05:00") for m in warnings)
    assert not any("1970-01-01" in m for m in warnings)
