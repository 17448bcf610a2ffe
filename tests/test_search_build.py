"""What a real build gives the search index: the whole lead, the headline cap, the languages."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import REPO_ROOT, build
from news_digest.publish import search

needs_pagefind = pytest.mark.skipif(
    search.pagefind_executable() is None, reason="pagefind is not installed"
)

CAP = 40  # above the 33 items of the example dump
HEADLINES = 60


def many_headlines_dump() -> str:
    lines = ["Harbour crane collapses in storm", "The crane fell onto an empty quay at night."]
    lines.append("(editor-in-charge:Jane Roe)")
    lines += [f"- Ferry number {n} sails again after the storm" for n in range(1, HEADLINES + 1)]
    return "\n".join(lines) + "\n"


GERMAN_DUMP = """\
Lang: de

Heizungen in der Schule bleiben kalt
Die Heizungen der Grundschule sind seit Montag ausgefallen, sagte die Stadt am Dienstag.
Die Kinder lernen in Jacken, bis ein Techniker die Anlage repariert hat.
(editor-in-charge:Eva Berg)
- Stadtrat beschließt neuen Haushalt
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    content = tmp_path_factory.mktemp("content-search")
    (content / "2023-05-20-crane.txt").write_text(many_headlines_dump(), encoding="utf-8")
    (content / "2023-05-21-heizung.txt").write_text(GERMAN_DUMP, encoding="utf-8")
    example = REPO_ROOT / "content" / "2023-05-10" / "000_4017f763499f7360.txt"
    (content / "2023-05-10").mkdir()
    (content / "2023-05-10" / example.name).write_bytes(example.read_bytes())
    output = tmp_path_factory.mktemp("output-search")
    return build(
        "pelicanconf.py",
        content,
        output,
        CACHE_PATH=str(output.parent / (output.name + "-cache")),
        NEWS_DIGEST={"max_headlines": CAP},
    )


def test_a_dump_past_the_cap_keeps_its_first_headlines_with_one_warning(built):
    digest = built.soup("2023/05/20/harbour-crane-collapses-in-storm/headlines/")
    items = digest.select("section[aria-labelledby=news] li h3")
    assert [h.get_text() for h in items] == [
        f"Ferry number {n} sails again after the storm" for n in range(1, CAP + 1)
    ]
    warnings = [m for m in built.messages(logging.WARNING) if "max_headlines" in m]
    assert warnings == [
        f"2023-05-20-crane.txt:-: {HEADLINES} headlines, more than max_headlines ({CAP}): "
        f"the page shows the first {CAP}, {HEADLINES - CAP} are left out"
    ]
    cache = built.output.parent / (built.output.name + "-cache")
    report = json.loads((cache / "parse-report.json").read_text())
    entry = next(e for e in report["dumps"] if e["source"] == "2023-05-20-crane.txt")
    assert entry["status"] == "warning"
    assert [w["kind"] for w in entry["warnings"]] == ["too-many-headlines"]


def test_the_whole_lead_is_indexed_but_not_the_credit(built):
    lead = built.soup("2023/05/10/" + _slug_of(built, "2023/05/10/"))
    body = lead.select_one("[data-pagefind-body]")
    ignored = " ".join(e.get_text(" ") for e in body.select("[data-pagefind-ignore]"))
    indexed = body.get_text(" ")
    for word in ("Prigozhin", "Kirby"):
        assert word in indexed and word not in ignored
    assert "Editor in charge" in ignored
    assert body.select_one("h1")["data-pagefind-weight"] == "10"
    stamp = body["data-pagefind-meta"].removeprefix("stamp:")
    assert body["data-pagefind-sort"] == f"date:{stamp}" and stamp.startswith("2023-05-10T")


@needs_pagefind
def test_a_german_dump_is_indexed_as_german(built):
    page = built.soup("2023/05/21/heizungen-in-der-schule-bleiben-kalt/")
    assert page.html["lang"] == "de"
    manifest = json.loads((built.output / "pagefind" / "shards.json").read_text())
    assert {s["id"]: s["languages"] for s in manifest["shards"]} == {"2023-05": ["de", "en"]}
    entry = json.loads((built.output / "pagefind" / "2023-05" / "pagefind-entry.json").read_text())
    assert entry["languages"]["de"]["page_count"] == 2  # its lead and its headlines


def _slug_of(site, day: str) -> str:
    [folder] = [p for p in site.path(day).parent.iterdir() if p.is_dir()]
    return folder.name + "/"
