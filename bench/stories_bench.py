"""Time stories, days and places at the scale of 10,000 dumps (about 250,000 headlines).

    python bench/stories_bench.py                 # 10,000 dumps, 5 runs, medians
    python bench/stories_bench.py --dumps 2000 --runs 3
    python bench/stories_bench.py --fresh         # generate.py's headlines as they are

The dumps are ``bench/generate.py``'s: its dates, lead titles and headline counts. Its
headlines are drawn from a vocabulary of about 150 words and almost never repeat, which no
news portal does: a portal keeps a headline up for hours or days, and each new story names
someone or somewhere new. So by default each dump's headline slots are filled the way a
scraped portal's are: ``REPEAT_SHARE`` of them from the stories still running (as written,
cut with "…", with "Live:" in front, with words and a count added, or re-worded), the rest
new stories, each naming one of 1,500 made-up places and people. ``--fresh`` times
generate.py's own headlines instead, reported apart.

"Clustering" is: file every dump's lead title and headlines into a new ``StoryIndex`` and
read out the stories. "Cold" is that, then load the gazetteer, build every story's
timeline, pick the developing ones, and read the places of every distinct title. "One
dump" is: add one more dump's titles to that index, read their story ids, and the
timelines and places of those stories. Times are CPU seconds of this process (the machine
may be shared), medians of the runs. No network, no clock in the data: the same seed gives
the same headlines.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
from news_digest.stories.match import Appearance, StoryIndex  # noqa: E402
from news_digest.stories.places import Gazetteer  # noqa: E402
from news_digest.stories.timeline import developing_stories, timeline  # noqa: E402

# Share of a dump's headlines that are stories already running on the portal.
REPEAT_SHARE = 0.7
# How long a story stays in the running pool, in dumps (a few days at 3-8 dumps a day).
RUNNING_DUMPS = (5, 40)
SYLLABLES = ("ka", "lo", "ve", "mar", "os", "try", "tes", "sel", "har", "wick", "lan", "ford")


def made_up_names(rng: random.Random, count: int) -> list[str]:
    """``count`` made-up names (at most 1,872 exist: 12 syllables, two or three of them)."""
    names: set[str] = set()
    while len(names) < count:
        n = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        names.add(n.capitalize())
    return sorted(names)


def variant(title: str, rng: random.Random) -> str:
    """A running headline as a later dump may show it: as written, cut, with a desk label,
    with words and a count added, or re-worded (its place moved to the front, a word
    dropped)."""
    r = rng.random()
    if r < 0.65:
        return title
    if r < 0.75:
        words = title.split()
        return " ".join(words[: max(4, len(words) - 2)]) + "…"
    if r < 0.85:
        return "Live: " + title
    if r < 0.93:
        return title + f" as toll reaches {rng.randint(2, 400)}"
    head, sep, place = title.rpartition(" near ")
    words = head.split()
    if not sep or len(words) < 6:
        return title
    del words[rng.randrange(1, len(words))]
    return f"{place}: " + " ".join(words)


def portal_appearances(dumps: list[generate.Dump], seed: int = 7) -> list[list[Appearance]]:
    """Each dump's appearances, with running stories repeated across dumps."""
    rng = random.Random(seed)
    names = made_up_names(rng, 1500)
    running: list[tuple[str, int]] = []  # (title, last dump index it may appear in)
    out = []
    for d in dumps:
        path, day = generate.dump_filename(d), f"{d.date.isoformat()}T{d.index % 24:02d}:00"
        running = [(t, end) for t, end in running if end >= d.index]
        apps = [Appearance(d.title, path, day, is_lead=True)]
        for h in d.headlines:
            if h.kind != "news":
                continue
            if running and rng.random() < REPEAT_SHARE:
                title = variant(rng.choice(running)[0], rng)
            else:
                title = f"{h.title} near {rng.choice(names)}"
                running.append((title, d.index + rng.randint(*RUNNING_DUMPS)))
            apps.append(Appearance(title, path, day))
        out.append(apps)
    return out


def fresh_appearances(dumps: list[generate.Dump]) -> list[list[Appearance]]:
    """generate.py's own headlines, unchanged."""
    out = []
    for d in dumps:
        path, day = generate.dump_filename(d), d.date.isoformat()
        apps = [Appearance(d.title, path, day, is_lead=True)]
        apps.extend(Appearance(h.title, path, day) for h in d.headlines if h.kind == "news")
        out.append(apps)
    return out


def cpu() -> float:
    """CPU seconds of this process: the machine may be shared, so wall time says less."""
    return time.process_time()


def cold(per_dump: list[list[Appearance]]) -> tuple[float, float, StoryIndex, Gazetteer, dict]:
    """CPU seconds to cluster (index and stories), and for the whole cold build."""
    gc.collect()
    start = cpu()
    index = StoryIndex()
    for apps in per_dump:
        index.add_many(apps)
    stories = index.stories()
    clustered = cpu() - start
    gazetteer = Gazetteer.load()
    timelines = [timeline(sid, apps) for sid, apps in stories.items()]
    today = max(t.last_seen for t in timelines)
    developing_stories(timelines, today)
    for title in index.by_title:
        gazetteer.find(title)
    return clustered, cpu() - start, index, gazetteer, stories


def one_dump(index: StoryIndex, gazetteer: Gazetteer, stories: dict, apps: list) -> float:
    """CPU seconds to add one dump, read its stories, their timelines and places."""
    start = cpu()
    index.add_many(apps)
    for a in apps:
        sid = index.story_of(a.title)
        timeline(sid, [*stories.get(sid, []), a])
        gazetteer.find(a.title)
    return cpu() - start


def median_s(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dumps", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--fresh", action="store_true", help="generate.py's headlines unchanged")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.dumps < 2:
        ap.error("--runs must be at least 1 and --dumps at least 2")
    dumps = generate.generate(args.dumps + 1)
    per_dump = fresh_appearances(dumps) if args.fresh else portal_appearances(dumps)
    body, last = per_dump[:-1], per_dump[-1]
    clusters, colds, ones = [], [], []
    for _ in range(args.runs):
        clustered, seconds, index, gazetteer, stories = cold(body)
        clusters.append(clustered)
        colds.append(seconds)
        ones.append(one_dump(index, gazetteer, stories, last))
    kind = "generate.py's headlines" if args.fresh else "headlines repeated as a portal does"
    print(
        f"stories, {args.dumps} dumps ({kind}): {sum(len(a) for a in body)} titles, "
        f"{len(index.keys)} distinct keys, {len(stories)} stories, "
        f"{index.comparisons} comparisons"
    )
    print(f"  clustering (index, stories): median {median_s(clusters)} CPU s of {args.runs} runs")
    print(
        f"  cold (and places, timelines, developing): median {median_s(colds)} CPU s"
        f" of {args.runs} runs"
    )
    print(
        f"  one dump added ({len(last)} titles): median {statistics.median(ones) * 1000:.1f} ms CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
