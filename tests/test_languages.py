"""Language tables: credit forms, "read more" markers and furniture per language, and the
page's language recorded (plugins/news_digest/parse/languages.py, languages/*.json)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from helpers import assert_nothing_lost
from news_digest.parse.languages import tables
from news_digest.parse.model import DropReason, InputKind
from news_digest.parse.parser import parse_file, parse_text

KINDS = Path(__file__).parent / "fixtures" / "kinds"
LANGUAGES = ["de", "es", "fr", "it", "nl", "pl", "pt", "zh"]
CREDITS = {
    "de": "Anna Berger",
    "es": "Lucía Romero",
    "fr": "Claire Dubois",
    "it": "Marco Bianchi",
    "nl": "Pieter de Vries",
    "pl": "Katarzyna Nowak",
    "pt": "João Almeida",
    "zh": "王小明",
}
REQUIRED_KEYS = {
    "name",
    "stopwords",
    "credit_labels",
    "read_more",
    "published",
    "ago",
    "units",
    "share",
    "furniture_lines",
    "section_words",
    "cookie_words",
    "byline_words",
}


def test_every_required_language_has_a_complete_table() -> None:
    folder = resources.files("news_digest.parse").joinpath("languages")
    codes = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))
    assert set(codes) >= {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "zh"}
    for code in codes:
        data = json.loads(folder.joinpath(f"{code}.json").read_text(encoding="utf-8"))
        missing = REQUIRED_KEYS - data.keys()
        assert not missing, f"{code}.json lacks {sorted(missing)}"
        assert all(data[key] for key in REQUIRED_KEYS - {"name"}), code


@pytest.mark.parametrize("code", LANGUAGES)
def test_credit_marker_and_furniture_are_read_in_each_language(code: str) -> None:
    path = KINDS / f"cms-credit-{code}.txt"
    digest = parse_file(path)
    assert digest.kind is InputKind.CMS
    assert digest.lang == code
    lead = digest.lead
    assert lead is not None and lead.credit is not None
    assert lead.credit.name == CREDITS[code]
    assert lead.credit.line == 6
    # "Veröffentlicht vor 2 MinutenTeilen" and the like: the whole line is furniture
    assert [p.line for p in lead.paragraphs] == [3, 4, 5]
    assert [(d.line, d.reason) for d in digest.dropped] == [(2, DropReason.FURNITURE)]
    # "...[mehr]", "...[leer más]": the marker goes, the summary stays
    assert len(digest.headlines) == 2
    summary = digest.headlines[1].summary
    assert summary and "[" not in summary and not summary.endswith(("...", "…"))
    assert not digest.warnings or all(w.kind.value == "no-date" for w in digest.warnings)
    assert_nothing_lost(path.read_bytes(), digest)


def test_german_furniture_glued_to_a_paragraph_is_cut_out() -> None:
    text = (
        "Bahnstreik geht weiter\n"
        "Die Gewerkschaft hat den Streik verlängert.Veröffentlicht vor 3 StundenTeilen\n"
        "(Verantwortlicher Redakteur: Anna Berger)\n"
    )
    digest = parse_text(text, "de.txt")
    assert digest.lead is not None
    assert [p.text for p in digest.lead.paragraphs] == [
        "Die Gewerkschaft hat den Streik verlängert."
    ]
    assert digest.dropped[0].text == "Veröffentlicht vor 3 StundenTeilen"


def test_bare_chinese_credit_line() -> None:
    digest = parse_text("标题\n第一段文字。\n责任编辑：李四\n另一条新闻标题\n", "zh.txt")
    assert digest.lead is not None and digest.lead.credit is not None
    assert digest.lead.credit.name == "李四"
    assert [h.title for h in digest.headlines] == ["另一条新闻标题"]


def test_header_lang_wins_over_detection() -> None:
    path = KINDS / "cms-credit-de.txt"
    digest = parse_text("Lang: fr\n\n" + path.read_text(encoding="utf-8"), "de.txt")
    assert digest.lang == "fr"
    assert digest.to_dict()["lang"] == "fr"


def test_detection_names_no_language_for_too_little_text() -> None:
    assert tables().detect(["Home", "Menu"]) is None
    assert parse_text("Hello\n", "short.txt").lang is None


def test_english_credit_forms_still_match() -> None:
    langs = tables()
    for text in ("(editor-in-charge:Press center6)", "(EDITOR IN CHARGE: X)", "（Editor：X）"):
        assert any(True for _ in langs.find_credit(text)), text


def test_a_language_without_a_table_is_named_by_the_library_not_guessed() -> None:
    pytest.importorskip("py3langid")
    # Indonesian shares a few short words with Dutch ("dan", "di"): chance, not Dutch.
    indonesian = (
        "Pemerintah daerah mengumumkan bahwa jembatan di pelabuhan akan ditutup selama dua "
        "minggu untuk perbaikan, dan warga diminta menggunakan jalan lain selama pekerjaan "
        "berlangsung. Kepala dinas mengatakan bahwa keselamatan warga adalah prioritas utama."
    )
    assert tables().detect([indonesian]) == "id"
    russian = (
        "Власти города объявили, что мост в порту будет закрыт на две недели для ремонта, "
        "а жителей просят пользоваться другими дорогами, пока идут работы."
    )
    assert tables().detect([russian]) == "ru"
