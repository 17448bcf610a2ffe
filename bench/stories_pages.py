"""What the story, topic and front pages cost a build: cold, nothing changed, one dump added.

    .venv/bin/python bench/stories_pages.py --dumps 10000 --work /tmp/stories-pages

Generates ``--dumps`` dumps (bench/generate.py, whose headlines are the worst case for the
matching: few words, many near-repeats), builds them three times with Pelican in this
process (cold; again with nothing changed; again with one more, newer dump) and prints, for
each build, its wall time and the times the stories part logs: the index (the core's
matching, or loading and extending the cached index), the story model with the pages and
topics, and the story and topic pages written.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import generate  # noqa: E402
from conftest import build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dumps", type=int, default=2000)
    ap.add_argument("--work", type=Path, required=True, help="a folder for dumps and output")
    ap.add_argument("--seed", type=int, default=20230510)
    args = ap.parse_args(argv)
    work = args.work.resolve()
    lay, _ = generate.write_all(args.dumps, work / "data", args.seed)
    content = work / "content"
    for folder in (content, work / "output", work / "cache"):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(lay.dumps, content)
    newest = sorted(content.iterdir())[-1]  # file names start with the date
    kept = work / newest.name
    shutil.move(newest, kept)
    logging.getLogger("news_digest.site.stories_pages").setLevel(logging.DEBUG)
    options = {"CACHE_PATH": str(work / "cache"), "NEWS_DIGEST": {"pagefind": False}}
    for label in ("cold", "nothing changed", "one dump added"):
        if label == "one dump added":
            shutil.move(kept, newest)
        start = time.perf_counter()
        site = build("pelicanconf.py", content, work / "output", **options)
        wall = time.perf_counter() - start
        print(f"{label}: build {wall:.1f} s", flush=True)
        for record in site.records:
            message = record.getMessage()
            if "news_digest: stories:" in message:
                print("   ", message.removeprefix("news_digest: "), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
