"""Whole-page text dumps: the article among menus, teasers and footers, and the page's lists
of other stories as its headlines (plugins/news_digest/parse/pagetext.py)."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest
from helpers import SHARED, assert_nothing_lost
from news_digest.parse.model import InputKind, WarningKind
from news_digest.parse.parser import parse_file, parse_text

KINDS = Path(__file__).parent / "fixtures" / "kinds"
REALPAGES = SHARED / "realpages" / "dev"


def test_page_without_credit_keeps_only_the_article() -> None:
    # The case: no editor credit once gave a 26-paragraph lead taking in
    # "Advertisement", "Most Read", "1", "2", "3" and the headline list, with 0 headlines.
    path = KINDS / "page-no-credit-en.txt"
    digest = parse_file(path)
    assert digest.kind is InputKind.PAGE_TEXT
    assert digest.lang == "en"
    lead = digest.lead
    assert lead is not None
    assert lead.title == "Ferry operator cancels winter timetable after fuel costs double"
    assert [p.line for p in lead.paragraphs] == list(range(15, 21))
    texts = {p.text for p in lead.paragraphs}
    assert not texts & {"Advertisement", "Most Read", "1", "2", "3", "Share", "Copy link"}
    titles = [h.title for h in digest.headlines]
    assert "Council votes to close two libraries despite protests" in titles
    assert "Island school wins national science prize for its tide study" in titles
    assert not any(t.startswith(("We use cookies", "©")) for t in titles)
    assert not [w for w in digest.warnings if w.kind is WarningKind.UNSURE]
    assert_nothing_lost(path.read_bytes(), digest)


def test_list_of_headlines_without_bullets_is_a_list_not_a_lead() -> None:
    # The case: such a list became a lead titled "Top stories".
    path = KINDS / "list-top-stories-en.txt"
    digest = parse_file(path)
    assert digest.kind is InputKind.PAGE_TEXT
    assert digest.lead is None
    assert len(digest.headlines) == 5
    assert [w.kind for w in digest.warnings if w.line == 1] == [WarningKind.NO_LEAD]
    assert_nothing_lost(path.read_bytes(), digest)


def test_hard_wrapped_paragraphs_are_prose() -> None:
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Contact"] * 2)
    wrapped = (
        "Veteran actress Kate Hollins, who in 2008 won the\n"
        "award for best actress in a leading role, has taken\n"
        "to her page to share some photos of herself at the\n"
        "festival, where she was one of the guests of honour.\n"
    )
    text = f"{menu}\nActress shares photos from the festival\n{wrapped}Advertisement\n{menu}\n"
    digest = parse_text(text, "wrapped.txt")
    assert digest.kind is InputKind.PAGE_TEXT
    assert digest.lead is not None
    assert digest.lead.title == "Actress shares photos from the festival"
    assert len(digest.lead.paragraphs) == 4


def test_comments_below_the_article_are_not_the_article() -> None:
    # Comments holding more text than the article (up to twice as much) come after it.
    article = [
        f"Paragraph {n} of the article says what happened at the harbour this week, and why "
        "it matters to the people who live on the islands."
        for n in range(1, 5)
    ]
    comments = [
        f"Comment {n}: I think the council should have acted much earlier, and everyone on "
        "the island knew that the ferry would not last another winter like this."
        for n in range(6)
    ]
    menu = ["Home", "News", "Sport", "Weather"] * 3
    text = "\n".join(
        [*menu, "Ferry service to end in November", *article, *menu, "Comments", *comments]
    )
    digest = parse_text(text, "comments.txt")
    assert digest.lead is not None
    assert [p.text for p in digest.lead.paragraphs] == article


def _shingles(text: str) -> Counter:
    words = re.findall(r"\w+", text.lower())
    return Counter(tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3)))


@pytest.mark.skipif(not REALPAGES.is_dir(), reason="the real pages are not next to the repo")
def test_real_pages_score_at_least_the_target() -> None:
    """The lead (title and paragraphs) against each page's annotated article body."""
    precisions, recalls = [], []
    for truth_path in sorted(REALPAGES.glob("*.truth.json")):
        want = _shingles(json.loads(truth_path.read_text(encoding="utf-8"))["articleBody"])
        digest = parse_file(truth_path.with_name(truth_path.name.replace(".truth.json", ".txt")))
        lead = digest.lead
        got = _shingles("\n".join([lead.title, *(p.text for p in lead.paragraphs)]) if lead else "")
        hit = sum((want & got).values())
        if sum(got.values()):
            precisions.append(hit / sum(got.values()))
        if sum(want.values()):
            recalls.append(hit / sum(want.values()))
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    assert 2 * p * r / (p + r) >= 0.85


@pytest.mark.parametrize(
    ("name", "lang", "title", "paragraphs", "headlines"),
    [
        (
            "page-de.txt",
            "de",
            "Fährbetrieb streicht den Winterfahrplan wegen hoher Treibstoffkosten",
            [12, 13, 14, 15],
            3,
        ),
        ("page-zh.txt", "zh", "渡轮公司因燃油成本翻倍取消冬季航班", [12, 13, 14, 15], 2),
    ],
)
def test_pages_in_other_languages(
    name: str, lang: str, title: str, paragraphs: list[int], headlines: int
) -> None:
    path = KINDS / name
    digest = parse_file(path)
    assert digest.kind is InputKind.PAGE_TEXT
    assert digest.lang == lang
    assert digest.lead is not None and digest.lead.title == title
    assert [p.line for p in digest.lead.paragraphs] == paragraphs
    assert len(digest.headlines) == headlines
    assert not [w for w in digest.warnings if w.kind is WarningKind.UNSURE]
    assert_nothing_lost(path.read_bytes(), digest)
