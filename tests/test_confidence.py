"""Say when unsure: each dump's confidence, and one warning naming file, line and reason for
a reading that is probably wrong, in the parse, ``check``, the report and a real build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import build
from news_digest.cli import main
from news_digest.parse.confidence import assess
from news_digest.parse.languages import tables
from news_digest.parse.model import InputKind, Lead, Paragraph, WarningKind
from news_digest.parse.parser import parse_file

KINDS = Path(__file__).parent / "fixtures" / "kinds"
REPO = Path(__file__).resolve().parent.parent
UNSURE = "unsure-short-lines.txt"


def unsure_warnings(digest):
    return [w for w in digest.warnings if w.kind is WarningKind.UNSURE]


def test_a_lead_of_short_lines_without_credit_warns_once_with_line_and_reason() -> None:
    digest = parse_file(KINDS / UNSURE)
    warnings = unsure_warnings(digest)
    assert len(warnings) == 1
    assert warnings[0].line == 2
    assert "no editor credit" in warnings[0].message and "short lines" in warnings[0].message
    assert digest.confidence < 0.75


def test_section_name_as_title_and_menu_lines_are_doubts() -> None:
    lead = Lead(
        "Most read",
        1,
        (Paragraph("Advertisement", 2), Paragraph("Copy link", 3), Paragraph("Text.", 4)),
    )
    result = assess(InputKind.CMS, lead, tables())
    keys = {d.key for d in result.doubts}
    assert keys == {"section-title", "menu-lines"}
    assert result.unsure and result.line() == 2  # the first doubt's line
    assert "'Most read' is a section name" in result.message()


@pytest.mark.parametrize("path", sorted(p.name for p in KINDS.glob("*.txt") if p.name != UNSURE))
def test_fixtures_read_right_are_not_unsure(path: str) -> None:
    digest = parse_file(KINDS / path)
    assert not unsure_warnings(digest)
    assert digest.confidence == 1.0


def test_no_demo_dump_warns_or_is_unsure() -> None:
    for path in sorted((REPO / "content").rglob("*.txt")):
        digest = parse_file(path)
        assert digest.kind is InputKind.CMS, path
        assert not unsure_warnings(digest), path
        assert digest.confidence == 1.0, path


def test_check_names_file_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(KINDS / UNSURE, tmp_path / f"2024-01-02-{UNSURE}")
    main(["check", str(tmp_path)])
    _, err = capsys.readouterr()
    assert f"2024-01-02-{UNSURE}:2: warning: unsure reading: no editor credit" in err
    main(["check", str(tmp_path), "--json"])
    out, _ = capsys.readouterr()
    entry = json.loads(out)["dumps"][0]
    assert entry["status"] == "warning" and entry["kind"] == "cms"
    assert [w["kind"] for w in entry["warnings"]] == ["unsure"]
    assert entry["confidence"] < 0.75


def test_real_build_reads_every_kind_and_logs_the_unsure_one(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for path in KINDS.glob("*.txt"):
        shutil.copy(path, content / f"2024-01-02-{path.name}")
    site = build("pelicanconf.py", content, tmp_path / "output")
    warnings = site.messages(30)
    unsure = [m for m in warnings if "unsure reading" in m]
    assert len(unsure) == 1 and unsure[0].startswith(f"2024-01-02-{UNSURE}:2: ")
    assert not [m for m in warnings if "unsure" in m and UNSURE not in m]
    pages = {p.read_text(encoding="utf-8") for p in site.html_files()}
    page = next(text for text in pages if "The island ferry operator said on Monday" in text)
    assert "Ferry operator cancels winter timetable" in page
    assert "Advertisement" not in page and "Copy link" not in page
    assert any("Anna Berger" in text for text in pages)
    assert any("Storm Ciara: Flood warnings" in text for text in pages)
