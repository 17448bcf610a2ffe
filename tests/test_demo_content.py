"""The demo dumps in content/ look like real ones and read cleanly.

They are the site's sample content and what `make html STRICT=1` builds in CI, so each
one must give a dated lead story with its editor credit and a full headline list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLE
from news_digest.parse.dates import date_from_folder
from news_digest.parse.model import DropReason, ItemKind
from news_digest.parse.parser import parse_file

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DUMPS = sorted(CONTENT.rglob("*.txt"))
EXAMPLE_NAME = "000_4017f763499f7360.txt"

MIN_HEADLINES = 20
PARAGRAPHS = range(8, 21)  # lead paragraphs in a demo dump, as on the real pages


def _id(path: Path) -> str:
    return path.relative_to(CONTENT).as_posix()


def _date(path: Path) -> str | None:
    """The date the site gives the dump: header, file name or folder, as the parser reads it."""
    return parse_file(path).metadata.date


def test_there_are_six_demo_dumps_and_the_example():
    assert len(DUMPS) >= 7
    assert any(path.name == EXAMPLE_NAME for path in DUMPS)


def test_the_example_is_copied_unchanged():
    (copy,) = [path for path in DUMPS if path.name == EXAMPLE_NAME]
    assert copy.read_bytes() == EXAMPLE.read_bytes()
    assert date_from_folder(_id(copy)) is not None


@pytest.mark.parametrize("path", DUMPS, ids=_id)
def test_dump_has_a_date(path):
    assert _date(path) is not None


@pytest.mark.parametrize("path", DUMPS, ids=_id)
def test_dump_has_a_lead_with_paragraphs_and_a_credit(path):
    digest = parse_file(path)
    assert digest.lead is not None
    assert digest.lead.title
    assert len(digest.lead.paragraphs) in PARAGRAPHS
    assert digest.lead.credit is not None
    assert digest.lead.credit.name


@pytest.mark.parametrize("path", DUMPS, ids=_id)
def test_dump_has_a_full_headline_list(path):
    digest = parse_file(path)
    assert len(digest.headlines) >= MIN_HEADLINES
    assert any(item.summary for item in digest.headlines)
    assert any(item.kind is ItemKind.REFERENCE for item in digest.headlines)


@pytest.mark.parametrize("path", DUMPS, ids=_id)
def test_dump_has_the_scraping_noise_of_a_real_page(path):
    reasons = {dropped.reason for dropped in parse_file(path).dropped}
    assert {DropReason.FURNITURE, DropReason.DUPLICATE, DropReason.SEPARATOR} <= reasons


def test_demo_dates_span_two_months():
    months = {_date(path)[:7] for path in DUMPS}
    assert len(months) >= 2


def test_dates_come_from_each_source_the_site_reads():
    digests = {path: parse_file(path) for path in DUMPS}
    origins = {path: digest.metadata.date_from for path, digest in digests.items()}
    assert None not in origins.values()
    from_header = [p for p, origin in origins.items() if origin == "header"]
    from_folder = [p for p, origin in origins.items() if origin == "folder"]
    from_name = [p for p, origin in origins.items() if origin == "file name"]
    assert from_header, "no dump with a metadata header"
    assert from_folder, "no dump dated by its folder"
    assert from_name, "no dump dated by its file name"


def test_credit_lines_come_in_several_spellings():
    spellings = set()
    for path in DUMPS:
        digest = parse_file(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        credit_line = lines[digest.lead.credit.line - 1]
        spellings.add(credit_line.replace(digest.lead.credit.name, "NAME"))
    assert len(spellings) >= 4


def test_the_example_page_is_saved_again_and_copied():
    """The demo shows repeated scrapes (docs/scrapes.md): two later saves of the example's
    page on its day, with the same title and other paragraphs and headlines, and one copy
    byte for byte."""
    folder = CONTENT / "2023-05-10"
    example = parse_file(folder / EXAMPLE_NAME)
    later = [parse_file(p) for p in sorted(folder.glob("00[12]_*.txt"))]
    assert [d.metadata.date for d in later] == ["2023-05-10T09:00:00", "2023-05-10T14:00:00"]
    for version in later:
        assert version.lead.title == example.lead.title
        assert [p.text for p in version.lead.paragraphs] != [
            p.text for p in example.lead.paragraphs
        ]
        assert len(version.news) > len(example.news)
    (copy,) = folder.glob("003_*_copy.txt")
    assert copy.read_bytes() == (folder / EXAMPLE_NAME).read_bytes()


# Stories: the demo shows headlines followed across days.


def _stories():
    from news_digest.stories.match import StoryIndex, appearances_of
    from news_digest.stories.timeline import timeline

    index = StoryIndex()
    for path in DUMPS:
        index.add_many(appearances_of(parse_file(path)))
    return {story: timeline(story, apps) for story, apps in index.stories().items()}


def test_demo_headlines_recur_across_days_with_cuts_and_edits():
    timelines = _stories()
    newest = max(t.last_seen for t in timelines.values())
    followed = [t for t in timelines.values() if t.days >= 3]
    assert len(followed) >= 5
    developing = [t for t in timelines.values() if t.developing(newest)]
    assert len(developing) >= 3, "the home page shows developing stories"
    # Spelt differently on different days: cut with a mark, a desk label, a count changed.
    variants = [{a.title for a in t.appearances} for t in followed]
    assert any(any(v.endswith("...") for v in titles) for titles in variants)
    assert any(any(v.startswith("Live:") for v in titles) for titles in variants)
    assert any(len(titles) >= 3 for titles in variants)


def test_a_demo_lead_was_announced_by_earlier_headlines():
    joined = [
        t
        for t in _stories().values()
        if any(a.is_lead for a in t.appearances) and t.appearances[0].is_lead is False
    ]
    assert len(joined) >= 2


def test_demo_days_follow_each_other_with_a_gap():
    days = sorted({_date(path)[:10] for path in DUMPS})
    assert len(days) >= 10
    assert "2023-05-28" not in days and "2023-05-29" in days  # prev/next skip empty days
