"""The benchmark's report: versions that are right, ratios against a baseline commit, and
only the figures of the run it names."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402


def summary(wall: float, cpu: float, rss: float) -> dict:
    scenario = {
        "wall": wall,
        "cpu": cpu,
        "rss_mb": rss,
        "html_written": 0,
        "pages_per_s": 0.0,
        "bytes_per_dump": 1024.0,
        "output_bytes": 1024,
        "output_files": 1,
        "bytes_by_kind": {},
    }
    return {"summary": {s: dict(scenario) for s in run.SCENARIOS}, "runs": {}}


def result() -> dict:
    return {
        "dumps": 100,
        "runs": 3,
        "date": "2026-12-03 14:25 UTC",
        "input_mb": 1.0,
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "ram": "1 GiB",
            "os": "Linux",
            "versions": {"Python": "3.11.7", "Pelican": "4.12.0"},
        },
        "checkouts": {
            "ours": {"commit": "abc1234", "subject": "new"},
            "baseline": {"commit": "1842502", "subject": "old"},
        },
        "builders": {"ours": summary(2.0, 3.0, 110), "baseline": summary(4.0, 2.0, 100)},
        "parser": None,
        "notes": [],
    }


def test_ratios_against_the_baseline_name_both_commits():
    rows = run.ratios(result())
    cold = next(row for row in rows if "cold build" in row)
    assert "ours / baseline (1842502)" in cold
    assert "| 0.50× | 1.50× | 1.10× |" in cold
    table = "\n".join(run.fmt_table(result()))
    assert "ours (abc1234)" in table and "baseline (1842502)" in table


def test_the_report_says_what_was_built_and_when(tmp_path):
    out = tmp_path / "benchmarks.md"
    run.write_report(out, {100: result()})
    text = out.read_text(encoding="utf-8")
    assert "Measured 2026-12-03 14:25 UTC" in text
    assert "`1842502` (old)" in text and "`abc1234` (new)" in text
    assert "Python 3.11.7; Pelican 4.12.0." in text
    assert "Python-Markdown" not in text, "no version of what the run did not use"


def test_an_old_result_shows_no_traceback_for_a_missing_package():
    machine = {
        "python": "Python 3.11.7",
        "pelican": "Pelican 4.12.0",
        "markdown": "Traceback (most recent call last):",
        "hugo": "not installed",
    }
    assert run.versions_of(machine) == ["Python 3.11.7", "Pelican 4.12.0", "not installed"]
