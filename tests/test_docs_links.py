"""Every relative link in README.md and docs/ leads to a file of the repository (and to a
heading of it, when it names one), and no document points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import REPO_ROOT

DOCUMENTS = sorted([REPO_ROOT / "README.md", *(REPO_ROOT / "docs").rglob("*.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def prose(markdown: str) -> str:
    """The text without fenced code blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", markdown))


def link_targets(markdown: str) -> list[str]:
    text = prose(markdown)
    return [m[1] for m in INLINE_LINK.finditer(text)] + REFERENCE_DEFINITION.findall(text)


def heading_anchor(heading: str) -> str:
    """The anchor a heading gets on GitHub: lower case, punctuation dropped, spaces to -."""
    heading = re.sub(r"[`*_]", "", heading)
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def anchors_of(document: Path) -> set[str]:
    return {heading_anchor(h) for h in HEADING.findall(prose(document.read_text("utf-8")))}


def broken_links(document: Path, root: Path = REPO_ROOT) -> list[str]:
    """Each relative link of ``document`` that does not lead to a file (or heading) of
    ``root``, with the reason."""
    broken = []
    for target in link_targets(document.read_text(encoding="utf-8")):
        if EXTERNAL.match(target):
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (document.parent / unquote(path_part)).resolve() if path_part else document
        if not resolved.is_relative_to(root.resolve()):
            broken.append(f"{target}: outside the repository")
        elif not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors_of(resolved):
            broken.append(f"{target}: no heading #{anchor} in {resolved.name}")
    return broken


def _id(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def test_the_documents_are_found() -> None:
    names = {_id(path) for path in DOCUMENTS}
    assert {"README.md", "docs/site.md", "docs/reading/README.md", "docs/reading/cms.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=_id)
def test_every_relative_link_resolves(document: Path) -> None:
    assert broken_links(document) == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=_id)
def test_no_document_points_outside_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert "../shared" not in text
    assert "PARSING.md" not in text


def test_readme_links_to_the_reading_docs() -> None:
    targets = link_targets((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert "docs/reading/README.md" in targets
    assert "docs/reading/cms.md" in targets


def test_the_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "there.md").write_text("# A heading\n", encoding="utf-8")
    page = tmp_path / "README.md"
    page.write_text(
        "[ok](docs/there.md) [ok too](docs/there.md#a-heading) [web](https://example.org/x)\n"
        "[gone](docs/gone.md) [no heading](docs/there.md#nothing) [out](../elsewhere.md)\n"
        "`[in code](docs/gone-too.md)`\n\n```\n[in a block](docs/gone-three.md)\n```\n"
        "[ref]: docs/missing.md\n",
        encoding="utf-8",
    )
    assert broken_links(page, tmp_path) == [
        "docs/gone.md: no such file",
        "docs/there.md#nothing: no heading #nothing in there.md",
        "../elsewhere.md: outside the repository",
        "docs/missing.md: no such file",
    ]
