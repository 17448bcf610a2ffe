#!/usr/bin/env python3
"""Score the parser's reading of article text, per kind of input (``make eval``).

    python bench/eval.py [--realpages DIR] [--trafilatura] [--min-html F1]

Two sets of pages:

- the project's own fixtures, always: each ``tests/fixtures/KIND/NAME.*`` that has a
  ``NAME.expected.json`` beside it (saved pages under ``html/``, the example CMS dump under
  ``cms/``);
- real pages, when ``--realpages DIR`` exists: ``ID.html`` (saved page), ``ID.txt`` (the
  page's whole text, one block a line) and ``ID.truth.json`` (the annotated article body).

The score: the lead's title and paragraphs against the expected text, as 4-word shingles
(word n-grams, case folded); precision and recall per page, averaged over the pages; F1 of
the two means. The milliseconds per saved HTML page are the parser's own CPU time (one
process, so one core; the page read from memory; the first page, which pays for the
imports, is read once before the clock starts).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from news_digest.parse.model import Digest, WarningKind  # noqa: E402
from news_digest.parse.parser import parse_bytes  # noqa: E402

SHINGLE_WORDS = 4  # the benchmark's measure: 4-word shingles
WORD = re.compile(r"\w+")
HTML_LANG = re.compile(rb"<html[^>]*?\slang=[\"']?([A-Za-z-]+)", re.IGNORECASE)


def shingles(text: str, n: int = SHINGLE_WORDS) -> Counter:
    words = WORD.findall(text.lower())
    if not words:
        return Counter()
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)))


def lead_text(digest: Digest) -> str:
    """What is scored: the lead's title and paragraphs, one a line."""
    if digest.lead is None:
        return ""
    return "\n".join([digest.lead.title] + [p.text for p in digest.lead.paragraphs])


@dataclass
class Score:
    """Precision and recall per page; F1 of their means."""

    name: str
    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    unsure: int = 0  # pages whose reading warned that it is probably wrong

    def add(self, got: str, want: str) -> None:
        truth, guess = shingles(want), shingles(got)
        hits = sum((truth & guess).values())
        extra, missed = sum(guess.values()) - hits, sum(truth.values()) - hits
        if hits + extra:
            self.precisions.append(hits / (hits + extra))
        elif not missed:
            self.precisions.append(1.0)
        if hits + missed:
            self.recalls.append(hits / (hits + missed))

    @property
    def figures(self) -> tuple[float, float, float]:
        p = statistics.mean(self.precisions or [0.0])
        r = statistics.mean(self.recalls or [0.0])
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def line(self) -> str:
        p, r, f1 = self.figures
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.kinds.items()))
        timing = f", {1000 * statistics.mean(self.seconds):.1f} ms/page" if self.seconds else ""
        return (
            f"{self.name:<36} {len(self.recalls):>3} pages  F1 {f1:.3f}  P {p:.3f}  R {r:.3f}"
            f"{timing}  (read as: {kinds or '-'}; {self.unsure} unsure)"
        )


def score_pages(
    name: str,
    pages: Iterable[tuple[Path, str]],
    reader: Callable[[bytes, str], tuple[str, str, bool]],
    timed: bool = False,
    other_languages: Score | None = None,
) -> Score:
    """Score each page; pages whose language (``<html lang>``) is not English are also
    added to ``other_languages`` when given."""
    score = Score(name)
    pages = list(pages)
    if timed and pages:
        reader(pages[0][0].read_bytes(), pages[0][0].name)  # imports and first-call set-up
    for path, want in pages:
        data = path.read_bytes()
        started = time.process_time()
        got, kind, unsure = reader(data, path.name)
        if timed:
            score.seconds.append(time.process_time() - started)
        score.kinds[kind] += 1
        score.unsure += unsure
        score.add(got, want)
        if other_languages is not None and not page_language(data).startswith(("en", "?")):
            other_languages.kinds[kind] += 1
            other_languages.unsure += unsure
            other_languages.add(got, want)
    return score


def page_language(data: bytes) -> str:
    """The page's ``<html lang>`` (lower case), ``"?"`` when it has none."""
    match = HTML_LANG.search(data[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else "?"


def read_with_parser(data: bytes, name: str) -> tuple[str, str, bool]:
    digest = parse_bytes(data, name)
    unsure = any(w.kind is WarningKind.UNSURE for w in digest.warnings)
    return lead_text(digest), digest.kind.value, unsure


def read_with_trafilatura(data: bytes, name: str) -> tuple[str, str, bool]:
    """trafilatura alone, defaults, title from its own metadata: the baseline."""
    import trafilatura

    document = trafilatura.bare_extraction(data.decode("utf-8", "replace"), with_metadata=True)
    if document is None:
        return "", "trafilatura", False
    return f"{document.title or ''}\n{document.text or ''}", "trafilatura", False


def real_pages(folder: Path, suffix: str) -> list[tuple[Path, str]]:
    pages = []
    for truth in sorted(folder.glob("*.truth.json")):
        page = truth.with_name(truth.name.replace(".truth.json", suffix))
        if page.is_file():
            pages.append((page, json.loads(truth.read_text(encoding="utf-8"))["articleBody"]))
    return pages


def fixture_pages(folder: Path) -> list[tuple[Path, str]]:
    """Fixtures with ``NAME.expected.json`` (``{"title", "paragraphs"}``) beside them."""
    pages = []
    for expected in sorted(folder.glob("*.expected.json")):
        stem = expected.name.removesuffix(".expected.json")
        found = [p for p in folder.glob(stem + ".*") if p != expected]
        if not found:
            continue
        data = json.loads(expected.read_text(encoding="utf-8"))
        lead = data.get("lead", data)
        want = "\n".join(
            [lead.get("title") or ""]
            + [p["text"] if isinstance(p, dict) else p for p in lead.get("paragraphs", [])]
        )
        pages.append((found[0], want))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realpages", type=Path, help="folder of ID.html/ID.txt/ID.truth.json")
    parser.add_argument(
        "--trafilatura", action="store_true", help="also score trafilatura alone on the HTML"
    )
    parser.add_argument(
        "--min-html", type=float, default=0.0, help="exit 1 when the real HTML F1 is below"
    )
    args = parser.parse_args(argv)

    scores = []
    fixtures = ROOT / "tests" / "fixtures"
    for folder in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        pages = fixture_pages(folder)
        if pages:
            scores.append(score_pages(f"fixtures, {folder.name}", pages, read_with_parser))
    html_score = None
    if args.realpages and args.realpages.is_dir():
        html_pages = real_pages(args.realpages, ".html")
        others = Score("  of which not in English")
        html_score = score_pages(
            "real pages, saved HTML", html_pages, read_with_parser, True, others
        )
        scores.append(html_score)
        if others.recalls:
            scores.append(others)
        if args.trafilatura:
            scores.append(
                score_pages(
                    "real pages, HTML, trafilatura alone", html_pages, read_with_trafilatura, True
                )
            )
        scores.append(
            score_pages(
                "real pages, page text", real_pages(args.realpages, ".txt"), read_with_parser
            )
        )
    elif args.realpages:
        print(f"{args.realpages}: no such folder; real pages not scored", file=sys.stderr)
    for score in scores:
        print(score.line())
    if html_score is not None and html_score.figures[2] < args.min_html:
        print(f"real pages, saved HTML: F1 below {args.min_html}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
