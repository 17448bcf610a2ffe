"""``news-digest check FOLDER``: the parse report of a folder of dumps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_corpus import BY_KEY, CASES, good_dump
from news_digest.cli import main
from news_digest.parse.report import future_date_message, is_dump_name, readable_path

SMALL = [case for case in CASES if not case.big]


def write_corpus(folder: Path) -> None:
    (folder / "2023").mkdir(parents=True)
    (folder / "2023" / "2023-05-01-good.txt").write_text(good_dump(), encoding="utf-8")
    (folder / ".hidden.txt").write_bytes(b"\x00\x01")
    (folder / "notes.md").write_text("not a dump", encoding="utf-8")
    for case in SMALL:
        (folder / case.name).write_bytes(case.data())


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_check_reports_every_dump_and_fails_on_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_corpus(tmp_path)
    code, out, err = run(["check", str(tmp_path), "--json"], capsys)
    assert code == 1
    assert "Traceback" not in err
    report = json.loads(out)
    by_source = {entry["source"]: entry for entry in report["dumps"]}
    names = {readable_path(case.name) for case in SMALL}
    assert set(by_source) == names | {"2023/2023-05-01-good.txt"}
    for case in SMALL:
        entry = by_source[readable_path(case.name)]
        assert entry["status"] == case.build_outcome, case.key
        if case.outcome == "error":
            assert entry["error"]["line"] == case.line
            where = f"{case.name}:{case.line}" if case.line else case.name
            assert f"{where}: error: " in err
    good = by_source["2023/2023-05-01-good.txt"]
    assert good == {
        "source": "2023/2023-05-01-good.txt",
        "status": "ok",
        "error": None,
        "encoding": "utf-8",
        "lead": True,
        "paragraphs": 2,
        "headlines": 2,
        "references": 0,
        "dropped": {"separator": 1},
        "warnings": [],
        "kind": "cms",
        "lang": "en",
        "confidence": 1.0,
    }
    totals = report["totals"]
    assert totals["dumps"] == len(SMALL) + 1
    assert totals["errors"] == sum(case.outcome == "error" for case in SMALL)
    impossible = BY_KEY["impossible-date"]
    assert f"{impossible.name}:2: warning: Date: '2023-02-30'" in err
    assert err.rstrip("\n").splitlines()[-1].startswith(f"{totals['dumps']} dumps read: ")


def test_check_of_good_dumps_exits_0_with_one_line_per_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("2023-05-01-a.txt", "2023-05-02-b.TXT"):
        (tmp_path / name).write_text(good_dump(name), encoding="utf-8")
    code, out, err = run(["check", str(tmp_path)], capsys)
    assert code == 0
    assert out.splitlines() == [
        "2023-05-01-a.txt: OK utf-8, lead, 2 paragraphs, 2 headlines, 0 references, "
        "dropped 1 separator, 0 warnings",
        "2023-05-02-b.TXT: OK utf-8, lead, 2 paragraphs, 2 headlines, 0 references, "
        "dropped 1 separator, 0 warnings",
    ]
    assert err.splitlines() == [
        "2 dumps read: 2 clean, 0 with warnings, 0 not readable; 4 paragraphs, 4 headlines, "
        "0 references, 2 lines or pieces dropped, 0 warnings"
    ]


def test_check_of_a_missing_path_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check", str(tmp_path / "missing.txt")], capsys)
    assert code == 1
    assert "Traceback" not in err and "missing.txt: error: " in err


def test_check_of_an_empty_folder_reports_zero_dumps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", str(tmp_path), "--json"], capsys)
    assert code == 0
    assert json.loads(out)["totals"]["dumps"] == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.txt", True), ("A.TXT", True), ("a.Txt", True), (".a.txt", False), ("txt", False)],
)
def test_dump_names(name: str, expected: bool) -> None:
    assert is_dump_name(name) is expected


@pytest.mark.parametrize(
    ("date", "future"),
    [("2023-05-10", False), ("2023-05-11", False), ("2023-05-12", True), ("2999-01-01", True)],
)
def test_a_date_after_the_build_day_is_in_the_future(
    date: str, future: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1683720000")  # 2023-05-10 12:00 UTC
    assert (future_date_message(date) is not None) is future
    assert (future_date_message(date + "T23:30:00+05:00") is not None) is future


def test_check_takes_the_date_from_the_folders_as_the_build_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in ("2023-05-10", "2023/05/11", "undated"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "dump.txt").write_text(good_dump(), encoding="utf-8")
    code, out, err = run(["check", str(tmp_path), "--json"], capsys)
    assert code == 0
    status = {e["source"]: e["status"] for e in json.loads(out)["dumps"]}
    assert status == {
        "2023-05-10/dump.txt": "ok",
        "2023/05/11/dump.txt": "ok",
        "undated/dump.txt": "warning",
    }
    assert "undated/dump.txt: warning: no date in the header, the file name, the folders" in err
