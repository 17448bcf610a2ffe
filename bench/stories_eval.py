"""Score the story matcher on the labelled headline pairs.

    python bench/stories_eval.py            # the tuning part (two thirds of the pairs)
    python bench/stories_eval.py --held-out # the third kept aside, scored only at the end
    python bench/stories_eval.py --all --errors

Prints precision, recall, F1 and the confusion counts. Which third of ``pairs.tsv`` a pair
belongs to is fixed by a hash of its two titles, so adding pairs never moves the others
between parts. ``held_out.tsv`` holds pairs written after the rules and thresholds were
chosen, from the example dumps and in German, French and Spanish: all of them are held out.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "fixtures" / "stories" / "pairs.tsv"
HELD_OUT = ROOT / "tests" / "fixtures" / "stories" / "held_out.tsv"
# One pair in three is held out: never looked at while choosing rules and thresholds.
HELD_OUT_EVERY = 3


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    note: str
    line: int
    kept_aside: bool = False  # from a file of held-out pairs

    @property
    def held_out(self) -> bool:
        if self.kept_aside:
            return True
        digest = hashlib.sha1(f"{self.a}\t{self.b}".encode()).digest()
        return digest[0] % HELD_OUT_EVERY == 0


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn}, tn {self.tn}; "
            f"{self.tp + self.fp + self.fn + self.tn} pairs)"
        )


def read_pairs(path: Path = PAIRS, kept_aside: bool = False) -> list[Pair]:
    """The labelled pairs of one file; a malformed line stops with its file and line
    number. ``kept_aside``: every pair of the file is held out."""
    pairs = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header != ["a", "b", "same", "note"]:
            raise ValueError(f"{path}:1: header must be a, b, same, note; got {header}")
        for number, row in enumerate(reader, start=2):
            if len(row) != 4 or row[2] not in ("0", "1") or not row[0] or not row[1]:
                raise ValueError(f"{path}:{number}: expected a, b, same (0 or 1), note: {row}")
            pairs.append(Pair(row[0], row[1], row[2] == "1", row[3], number, kept_aside))
    return pairs


def all_pairs() -> list[Pair]:
    """Every labelled pair: ``pairs.tsv`` (a third held out by hash), then ``held_out.tsv``."""
    return read_pairs(PAIRS) + read_pairs(HELD_OUT, kept_aside=True)


def score(pairs: list[Pair], same: Callable[[str, str], bool]) -> tuple[Score, list[Pair]]:
    """Confusion counts of ``same`` on ``pairs``, and the pairs it got wrong."""
    tp = fp = fn = tn = 0
    wrong = []
    for p in pairs:
        said = same(p.a, p.b)
        if said and p.same:
            tp += 1
        elif said:
            fp += 1
        elif p.same:
            fn += 1
        else:
            tn += 1
        if said != p.same:
            wrong.append(p)
    return Score(tp, fp, fn, tn), wrong


def titles_match(a: str, b: str) -> bool:
    """The matcher's answer for two titles."""
    from news_digest.stories.match import same_story
    from news_digest.stories.normalise import headline_key

    return same_story(headline_key(a), headline_key(b))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    part = ap.add_mutually_exclusive_group()
    part.add_argument("--held-out", action="store_true", help="score the held-out third")
    part.add_argument("--all", action="store_true", help="score every pair")
    ap.add_argument("--errors", action="store_true", help="list the pairs it got wrong")
    args = ap.parse_args(argv)
    pairs = all_pairs()
    if args.held_out:
        chosen, name = [p for p in pairs if p.held_out], "held-out"
    elif args.all:
        chosen, name = pairs, "all"
    else:
        chosen, name = [p for p in pairs if not p.held_out], "tuning"
    result, wrong = score(chosen, titles_match)
    print(f"{name}: {result}")
    if args.errors:
        for p in wrong:
            label = "missed" if p.same else "false match"
            name = HELD_OUT.name if p.kept_aside else PAIRS.name
            print(f"  {name}:{p.line}: {label} ({p.note}): {p.a!r} / {p.b!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
