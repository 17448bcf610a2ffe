"""How long a build spends making the month directory of the search index again.

    .venv/bin/python bench/search_directory.py bench/out/search/10000

Takes a folder that ``make bench-search`` built (``output/`` and ``cache/`` inside) and
times ``news_digest.publish.search.update_directory`` on it, in this process, three times
each: both parts made again (as after a new month), the ``recent`` part only (as after a
dump added to the newest month), and nothing to do. The words of each month come from the
cache, as in a build. docs/search.md quotes the result.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))

from news_digest.publish import search  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="a folder with output/ and cache/")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    output = args.root / "output"
    bundle = output / search.BUNDLE_DIR
    settings = {
        "NEWS_DIGEST": {},
        "DEFAULT_LANG": "en",
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(args.root / "cache"),
    }
    manifest = json.loads((bundle / search.MANIFEST).read_text(encoding="utf-8"))
    shards = {shard["id"]: shard["hash"] for shard in manifest["shards"]}
    executable = search.pagefind_executable()
    if executable is None:
        print("pagefind not found", file=sys.stderr)
        return 1
    salt = f"{search.LAYOUT_VERSION}\0{search.pagefind_version(executable)}\0en\0"

    def timed(previous: dict, label: str) -> dict:
        seconds = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as work:
                listings = search.ShardListings(settings)
                started = time.perf_counter()
                result = search.update_directory(
                    settings,
                    executable,
                    bundle,
                    Path(work),
                    salt,
                    shards,
                    {},
                    listings,
                    previous,
                    300,
                )
                seconds.append(time.perf_counter() - started)
            if not isinstance(result, dict):
                raise SystemExit(f"{label}: {result}")
        print(
            f"{label}: median {statistics.median(seconds):.2f} s of {args.runs} "
            f"({', '.join(f'{s:.2f}' for s in seconds)})"
        )
        return result

    both = timed({}, "both parts made again")
    parts = [{**p, "hash": "changed"} if p["id"] == "recent" else p for p in both["parts"]]
    timed({"directory": {"parts": parts}}, "the recent part made again")
    timed({"directory": both}, "nothing to do")
    shutil.rmtree(bundle / search.WORK_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
