"""``make eval`` (bench/eval.py): the score it computes, and what it prints per kind of input."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT, SHARED

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
REALPAGES = SHARED / "realpages" / "dev"


@pytest.fixture(scope="module")
def evaluation():
    spec = importlib.util.spec_from_file_location("bench_eval", REPO_ROOT / "bench" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_eval"] = module
    spec.loader.exec_module(module)
    return module


def _figures(output: str, name: str) -> tuple[int, float, float, float]:
    line = next(line for line in output.splitlines() if line.startswith(name + " "))
    match = re.search(r"(\d+) pages\s+F1 ([\d.]+)\s+P ([\d.]+)\s+R ([\d.]+)", line)
    assert match, line
    pages, f1, p, r = match.groups()
    return int(pages), float(f1), float(p), float(r)


def test_the_score_is_shingle_precision_and_recall(evaluation):
    score = evaluation.Score("x")
    score.add("one two three four five", "one two three four five")
    assert score.figures == (1.0, 1.0, 1.0)
    score = evaluation.Score("x")
    score.add("one two three four five six", "one two three four five")  # 3 shingles, 2 right
    p, r, f1 = score.figures
    assert (round(p, 3), r) == (0.667, 1.0)
    assert f1 == pytest.approx(0.8)
    score = evaluation.Score("x")
    score.add("", "one two three four five")
    assert score.figures == (0.0, 0.0, 0.0)


def test_without_real_pages_it_scores_the_fixtures_of_each_kind(evaluation, capsys):
    assert evaluation.main([]) == 0
    output = capsys.readouterr().out
    assert _figures(output, "fixtures, html") == (3, 1.0, 1.0, 1.0)
    assert _figures(output, "fixtures, cms") == (1, 1.0, 1.0, 1.0)
    assert "real pages" not in output


def test_a_missing_real_pages_folder_is_said_and_skipped(evaluation, capsys, tmp_path):
    assert evaluation.main(["--realpages", str(tmp_path / "absent")]) == 0
    captured = capsys.readouterr()
    assert "no such folder" in captured.err
    assert "real pages" not in captured.out


def test_real_pages_are_scored_as_html_and_as_text_with_the_time_per_page(
    evaluation, capsys, tmp_path
):
    want = json.loads((FIXTURES / "2023-06-02-harbour-ferry.expected.json").read_text())
    shutil.copy(FIXTURES / "2023-06-02-harbour-ferry.html", tmp_path / "abc.html")
    text = "\n".join(["Port Alden Courier", want["title"], *want["paragraphs"], "Contact"])
    (tmp_path / "abc.txt").write_text(text + "\n", encoding="utf-8")
    body = "\n\n".join(want["paragraphs"])
    (tmp_path / "abc.truth.json").write_text(
        json.dumps({"url": want["source"], "articleBody": body}), encoding="utf-8"
    )
    assert evaluation.main(["--realpages", str(tmp_path), "--trafilatura"]) == 0
    output = capsys.readouterr().out
    pages, f1, p, r = _figures(output, "real pages, saved HTML")
    assert pages == 1 and r == 1.0 and 0.9 < p < 1.0  # the title is not in the body
    assert re.search(r"real pages, saved HTML .* [\d.]+ ms/page", output)
    assert _figures(output, "real pages, HTML, trafilatura alone")[0] == 1
    assert _figures(output, "real pages, page text")[0] == 1
    assert evaluation.main(["--realpages", str(tmp_path), "--min-html", "0.999"]) == 1


@pytest.mark.skipif(not REALPAGES.is_dir(), reason="the real pages are absent")
def test_on_the_real_pages_saved_html_beats_the_bar(evaluation, capsys):
    """The development pages: F1 at least 0.95 (trafilatura alone: 0.945)."""
    assert evaluation.main(["--realpages", str(REALPAGES), "--min-html", "0.95"]) == 0
    pages, f1, _, _ = _figures(capsys.readouterr().out, "real pages, saved HTML")
    assert pages == 88 and f1 >= 0.95
