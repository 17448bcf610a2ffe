"""Live pages: time-stamped entries become entries, not loose paragraphs
(plugins/news_digest/parse/live.py)."""

from __future__ import annotations

from pathlib import Path

from helpers import assert_nothing_lost
from news_digest.parse.live import find_stamp, is_live
from news_digest.parse.model import InputKind
from news_digest.parse.parser import parse_file

KINDS = Path(__file__).parent / "fixtures" / "kinds"


def test_live_page_entries_have_time_and_text() -> None:
    path = KINDS / "live-en.txt"
    digest = parse_file(path)
    assert digest.kind is InputKind.LIVE
    assert [(e.time, e.line) for e in digest.entries] == [
        ("11:05 GMT", 10),
        ("10:47 GMT", 15),
        ("10:32 GMT", 19),
    ]
    first = digest.entries[0].text.split("\n")
    assert first == [
        "Roads reopen in the harbour district",
        "Police say the coast road has reopened after fallen trees were cleared by council "
        "crews overnight.",
    ]
    lead = digest.lead
    assert lead is not None
    assert lead.title == "Storm Ciara: Flood warnings across the coast as winds reach 90mph"
    assert [p.line for p in lead.paragraphs] == [7, 8]
    every_text = " ".join(e.text for e in digest.entries) + " ".join(
        p.text for p in lead.paragraphs
    )
    # The case: "Copy link" and "Get involved" stayed, stamps were loose paragraphs.
    assert "Copy link" not in every_text and "Get involved" not in every_text
    assert not any("GMT" in p.text for p in lead.paragraphs)
    assert [h.title for h in digest.headlines] == [
        "Council votes to close two libraries despite protests",
        "Fishing fleet returns early as prices fall sharply at market",
    ]
    data = digest.to_dict()
    assert data["kind"] == "live" and data["entries"][0]["time"] == "11:05 GMT"
    assert_nothing_lost(path.read_bytes(), digest)


def test_stamp_shapes() -> None:
    assert find_stamp("10:32 GMT") == ("10:32 GMT", "")
    assert find_stamp("10.32 Uhr") == ("10.32 Uhr", "")
    assert find_stamp("10:32") == ("10:32", "")
    assert find_stamp("10:32 GMTRoads reopen") == ("10:32 GMT", "Roads reopen")
    assert find_stamp("Posted at 09:15") == ("09:15", "")
    assert find_stamp("10.50 euros were paid") is None
    assert find_stamp("2023 was a year") is None


def test_video_durations_in_no_order_are_not_a_live_page() -> None:
    lines = [(n, text) for n, text in enumerate(["23:05", "a", "08:51", "b", "10:48", "c"], 1)]
    assert not is_live(lines)
    ordered = [(n, text) for n, text in enumerate(["11:05", "a", "10:47", "b", "10:32", "c"], 1)]
    assert is_live(ordered)


def test_a_live_page_shows_its_entries_on_its_lead_page(tmp_path: Path) -> None:
    """Through a real build: each entry is a list item with its time, in page order, and the
    furniture between entries is not on the page."""
    import shutil

    from bs4 import BeautifulSoup
    from conftest import build

    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(KINDS / "live-en.txt", content / "2020-02-09-live.txt")
    site = build("pelicanconf.py", content, tmp_path / "output")
    pages = [p for p in site.html_files() if "Ferry crossings cancelled" in p.read_text("utf-8")]
    lead = next(p for p in pages if "headlines" not in p.parts)
    soup = BeautifulSoup(lead.read_text("utf-8"), "html.parser")
    items = [li.get_text(" ", strip=True) for li in soup.select("article ol.entries > li")]
    assert [item.split(" ", 2)[:2] for item in items] == [
        ["11:05", "GMT"],
        ["10:47", "GMT"],
        ["10:32", "GMT"],
    ]
    assert "Ferry crossings cancelled" in items[2]
    assert "Copy link" not in lead.read_text("utf-8")
