"""What the search page downloads for its first query, measured in Chromium.

    .venv/bin/python bench/search_budget.py --dumps 10000 --query Ministers

Generates ``--dumps`` dumps with bench/generate.py (or takes ``--site``, a built output
folder), builds them with ``pelicanconf.py`` (Pagefind included), serves the output on
127.0.0.1 and opens ``search/?q=QUERY`` in a fresh Chromium (``/usr/bin/chromium``, empty
cache). It counts the bytes of every file from ``pagefind/`` that the page asked for until the
first results are shown (the sizes of the files served: the server sends them as they are, and
Pagefind compresses its index files itself; Chromium reports no body size for the worker's
script, so sizes are taken from the files), and the time from the query to the first result,
for each order (best match, newest first).

The result is printed as JSON and saved to ``bench/results/search-<dumps>.json``; docs/search.md
quotes it. The search page's budget is 300 KB for the first query of a 10,000-dump site.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHROMIUM = "/usr/bin/chromium"
#: The budget of the first query, in bytes (1 KB = 1,000 bytes).
BUDGET = 300_000
BUNDLE = "/pagefind/"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base's name)
        pass


def build(dumps: int, work: Path) -> Path:
    """Generate ``dumps`` dumps into ``work`` and build them; the output folder."""
    data = work / "data"
    if not (data / "dumps").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--dumps", str(dumps), "--out", str(data)],
            check=True,
        )
    output = work / "output"
    started = time.perf_counter()
    subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "pelican"),
            str(data / "dumps"),
            "-s",
            str(REPO / "pelicanconf.py"),
            "-o",
            str(output),
            "--cache-path",
            str(work / "cache"),
            "--fatal",
            "errors",
            "-q",
        ],
        check=True,
        cwd=REPO,
    )
    print(f"built {dumps} dumps in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return output


def served_size(output: Path, url: str) -> int:
    """The size of the file ``output`` serves for ``url``."""
    path = url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
    return (output / path).stat().st_size


def first_query(browser, origin: str, output: Path, query: str, order: str) -> dict:
    """Bytes and requests from ``pagefind/`` and milliseconds until the first result, for one
    query in a fresh browser context (empty cache)."""
    context = browser.new_context()
    sizes: dict[str, int] = {}

    def finished(request) -> None:
        if BUNDLE in request.url:
            sizes[request.url] = served_size(output, request.url)

    context.on("requestfinished", finished)
    page = context.new_page()
    sort = "&sort=newest" if order == "newest" else ""
    page.goto(f"{origin}/search/?q={query}{sort}")
    started = page.evaluate("performance.now()")
    page.wait_for_function(
        "() => document.querySelector('.search-result')"
        " || /^Nothing/.test(document.getElementById('search-status').textContent)",
        timeout=120_000,
    )
    shown = page.evaluate("performance.now()")
    status = page.locator("#search-status").inner_text()
    page.wait_for_load_state("networkidle")
    context.close()
    files = {"pagefind.js": 0, "worker": 0, "wasm": 0, "month directory": 0}
    files.update({"entry and meta": 0, "index": 0, "filter": 0, "fragment": 0, "shards.json": 0})
    months = set()
    for url, size in sizes.items():
        name = url.split(BUNDLE, 1)[1].split("?", 1)[0]
        if name[:7].count("-") == 1 and name[4:5] == "-":
            months.add(name[:7])
        if name.startswith("months/"):
            files["month directory"] += size
        elif name.endswith("pagefind.js"):
            files["pagefind.js"] += size
        elif name.endswith("pagefind-worker.js"):
            files["worker"] += size
        elif name.startswith("wasm."):
            files["wasm"] += size
        elif name.endswith((".pf_meta", "pagefind-entry.json")):
            files["entry and meta"] += size
        elif "/index/" in "/" + name:
            files["index"] += size
        elif "/filter/" in "/" + name:
            files["filter"] += size
        elif "/fragment/" in "/" + name:
            files["fragment"] += size
        else:
            files["shards.json"] += size
    return {
        "order": order,
        "bytes": sum(sizes.values()),
        "requests": len(sizes),
        "by_file": files,
        "months_loaded": len(months),
        "ms_to_first_result": round(shown - started),
        "status": status,
    }


def measure(output: Path, queries: list[str]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(QuietHandler, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                return [
                    {"query": query, **first_query(browser, origin, output, query, order)}
                    for query in queries
                    for order in ("relevance", "newest")
                ]
            finally:
                browser.close()
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dumps", type=int, default=10_000)
    parser.add_argument("--site", type=Path, help="a built output folder (no build)")
    parser.add_argument("--work", type=Path, default=HERE / "out" / "search")
    parser.add_argument("--query", action="append", help="repeatable (default: three words)")
    args = parser.parse_args(argv)
    queries = args.query or ["Ministers", "grain", "Bavaria", "Prigozhin"]
    output = args.site or build(args.dumps, args.work / str(args.dumps))
    pages = sum(1 for _ in output.rglob("index.html"))
    results = measure(output, queries)
    report = {"dumps": args.dumps, "html_pages": pages, "budget": BUDGET, "queries": results}
    print(json.dumps(report, indent=2))
    if not args.site:
        target = HERE / "results" / f"search-{args.dumps}.json"
        target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["bytes"] <= BUDGET for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
