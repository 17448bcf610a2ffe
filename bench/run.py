"""Build-speed benchmark: our Pelican site vs stock Pelican vs Hugo on the same content.

    .venv/bin/python bench/run.py --dumps 2000 --runs 3

Generates ``--dumps`` synthetic dumps (bench/generate.py), then for each builder measures, as
medians over ``--runs`` runs, a cold build (no output, no cache), a rebuild with nothing
changed and a rebuild after adding one dump: wall time, HTML pages written per second, the
child's peak RSS (os.wait4) and output bytes per dump. It also times the parser in-process on
all the dumps (one core). Figures are saved as JSON in bench/results/ (one file per dump
count) and docs/benchmarks.md is rewritten from every saved result, with the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

VENV_BIN = REPO / ".venv" / "bin"
nan = float("nan")
SCENARIOS = ("cold", "noop", "add_one")
SCENARIO_LABEL = {
    "cold": "cold build",
    "noop": "rebuild, nothing changed",
    "add_one": "rebuild, one dump added",
}
BUILDER_LABEL = {
    "ours": "news-digest (our Pelican site)",
    "baseline": "news-digest at the commit of --against",
    "stock": "stock Pelican, simple theme, Markdown",
    "hugo": "Hugo, minimal layouts, Markdown",
}


def venv_tool(name: str) -> str:
    p = VENV_BIN / name
    if p.exists():
        return str(p)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (looked in .venv/bin and PATH)")
    return found


def venv_python() -> str:
    p = VENV_BIN / "python"
    return str(p) if p.exists() else sys.executable


# --------------------------------------------------------------------------- measuring


@dataclass
class Measure:
    wall: float
    cpu: float  # user + system CPU seconds of the child (all its threads)
    rss_mb: float  # peak resident set of the child, MiB
    html_written: int
    output_bytes: int
    output_files: int
    rc: int
    bytes_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float:
        return self.html_written / self.wall if self.wall else 0.0


#: Runs a build as the child of a small process and reports its wall time and rusage. Linux
#: keeps the high-water RSS of the process a child was forked from across ``exec``; a build
#: started straight from this benchmark (which holds every generated dump) would report the
#: benchmark's own peak as its floor.
MEASURE = r"""
import json, os, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as handle:
    json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
               "maxrss_kib": usage.ru_maxrss, "rc": os.waitstatus_to_exitcode(status)}, handle)
"""


def run_child(
    cmd: list[str], log: Path, cwd: Path, timeout: float
) -> tuple[float, float, float, int]:
    """Run ``cmd``; return (wall s, CPU s, peak RSS MiB, exit code) of that child alone."""
    report = log.with_suffix(".rusage.json")
    report.unlink(missing_ok=True)
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-c", MEASURE, str(report), *cmd],
            cwd=cwd,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, 9))
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
    if not report.is_file():
        return float("nan"), float("nan"), float("nan"), proc.returncode or 1
    data = json.loads(report.read_text(encoding="utf-8"))
    return data["wall"], data["cpu"], data["maxrss_kib"] / 1024.0, data["rc"]


def output_kind(rel: str) -> str:
    """Which part of the site an output file belongs to, for the size breakdown."""
    if rel.startswith(("pagefind/", "pagefind\\")):
        return "search index"
    if rel.endswith(".html"):
        return "html"
    if rel.endswith(".xml"):
        return "feeds, sitemap"
    return "other"


def scan_output(out: Path, since: float) -> tuple[int, int, int, dict[str, int]]:
    """(HTML files modified at or after ``since``, total bytes, total files, bytes by kind)
    under ``out``."""
    html = size = files = 0
    kinds: dict[str, int] = {}
    for dirpath, _, names in os.walk(out):
        for n in names:
            full = os.path.join(dirpath, n)
            st = os.stat(full)
            files += 1
            size += st.st_size
            kind = output_kind(os.path.relpath(full, out))
            kinds[kind] = kinds.get(kind, 0) + st.st_size
            if n.endswith(".html") and st.st_mtime >= since:
                html += 1
    return html, size, files, kinds


# --------------------------------------------------------------------------- builders


class Builder:
    name = ""

    def __init__(self, work: Path, lay: generate.Layout, timeout: float):
        self.work = work / self.name
        self.lay = lay
        self.timeout = timeout
        self.out = self.work / "output"
        self.cache = self.work / "cache"
        self.logs = self.work / "logs"

    # content folder and the one file kept back for the add-one rebuild
    def content_dir(self) -> Path:
        raise NotImplementedError

    def extra_file(self) -> Path:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)

    def clean(self) -> None:
        """Move the last output and cache out of the way; they are deleted once the builder's
        runs are over (:meth:`empty_trash`).

        Deleted right before a cold build, their tens of thousands of inodes slowed that
        build down: this machine's ext4 has no journal, and there the inode allocator skips
        (reading each one's deletion time) every inode freed in the last 60 seconds, so the
        system CPU of a cold build grew from run to run, for every builder alike."""
        for p in (self.out, self.cache):
            if p.exists():
                trash = self.work / "trash"
                trash.mkdir(exist_ok=True)
                p.rename(trash / f"{p.name}-{time.time_ns()}")

    def empty_trash(self) -> None:
        shutil.rmtree(self.work / "trash", ignore_errors=True)

    def added_path(self) -> Path:
        return self.content_dir() / self.extra_file().name

    def add_one(self) -> None:
        shutil.copy2(self.extra_file(), self.added_path())

    def remove_one(self) -> None:
        self.added_path().unlink(missing_ok=True)

    #: The folder a build runs in.
    cwd = REPO

    def build(self, label: str) -> Measure:
        # File systems keep mtimes at a coarser grain than perf_counter; step back a little.
        since = time.time() - 0.01
        log = self.logs / f"{label}.log"
        wall, cpu, rss, rc = run_child(self.command(), log, self.cwd, self.timeout)
        if rc != 0:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{self.name} build failed ({rc}):\n{tail}")
        html, size, files, kinds = scan_output(self.out, since)
        return Measure(wall, cpu, rss, html, size, files, rc, kinds)


class OursBuilder(Builder):
    """Our site, built by the checkout at ``repo`` (this one, or the baseline of
    ``--against``) with its own ``.venv`` and settings."""

    name = "ours"

    def __init__(
        self, work, lay, timeout, settings: Path, subdir: str, extra=(), repo=REPO, name="ours"
    ):
        self.name = name
        super().__init__(work, lay, timeout)
        self.extra = list(extra)
        self.settings = settings
        self.content_root = self.work / "content"
        self.subdir = subdir
        self.repo = repo
        self.cwd = repo

    def prepare(self) -> None:
        super().prepare()
        # The repo's settings may read dumps from a sub-folder of PATH (ARTICLE_PATHS).
        if self.content_root.exists() or self.content_root.is_symlink():
            if self.content_root.is_symlink():
                self.content_root.unlink()
            else:
                shutil.rmtree(self.content_root)
        if self.subdir:
            target = self.content_root / self.subdir
            target.parent.mkdir(parents=True, exist_ok=True)
        else:
            target = self.content_root
        shutil.copytree(self.lay.dumps, target)

    def content_dir(self) -> Path:
        return self.content_root / self.subdir if self.subdir else self.content_root

    def extra_file(self) -> Path:
        return next(self.lay.extra_dump.iterdir())

    def command(self) -> list[str]:
        pelican = self.repo / ".venv" / "bin" / "pelican"
        return [
            str(pelican) if pelican.exists() else venv_tool("pelican"),
            str(self.content_root),
            "-s",
            str(self.settings),
            "-o",
            str(self.out),
            "--cache-path",
            str(self.cache),
            "--fatal",
            "errors",
            "-q",
            *(["-e", *self.extra] if self.extra else []),
        ]


STOCK_SETTINGS = """\
# Stock Pelican for the benchmark baseline: built-in "simple" theme, Markdown content.
AUTHOR = "Bench"
SITENAME = "News digest benchmark"
SITEURL = "http://localhost"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "simple"
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "mtime"
"""


class StockBuilder(Builder):
    name = "stock"

    def prepare(self) -> None:
        super().prepare()
        self.settings = self.work / "stockconf.py"
        self.settings.write_text(STOCK_SETTINGS, encoding="utf-8")

    def content_dir(self) -> Path:
        return self.lay.markdown

    def extra_file(self) -> Path:
        return next(self.lay.extra_markdown.iterdir())

    def command(self) -> list[str]:
        return [
            venv_tool("pelican"),
            str(self.lay.markdown),
            "-s",
            str(self.settings),
            "-o",
            str(self.out),
            "--cache-path",
            str(self.cache),
            "--fatal",
            "errors",
            "-q",
        ]


class HugoBuilder(Builder):
    name = "hugo"

    def clean(self) -> None:
        super().clean()
        res = self.lay.hugo / "resources"
        if res.exists():
            (self.work / "trash").mkdir(exist_ok=True)
            res.rename(self.work / "trash" / f"resources-{time.time_ns()}")

    def content_dir(self) -> Path:
        return self.lay.hugo / "content" / "posts"

    def extra_file(self) -> Path:
        return next(self.lay.extra_hugo.iterdir())

    def command(self) -> list[str]:
        return [
            shutil.which("hugo") or "hugo",
            "--quiet",
            "-s",
            str(self.lay.hugo),
            "-d",
            str(self.out),
            "--cacheDir",
            str(self.cache),
        ]


# --------------------------------------------------------------------------- setup and probes


def ensure_markdown() -> str:
    """Python-Markdown is needed by stock Pelican for .md files: install it on demand."""
    py = venv_python()
    probe = [py, "-c", "import markdown; print(markdown.__version__)"]
    r = subprocess.run(probe, capture_output=True, text=True)
    if r.returncode != 0:
        print("installing Python-Markdown into the venv (bench-only dependency) ...")
        subprocess.run([py, "-m", "pip", "install", "-q", "markdown>=3.5"], check=True)
        r = subprocess.run(probe, capture_output=True, text=True, check=True)
    return r.stdout.strip()


def ours_status() -> str | None:
    """None when the plugin looks buildable, else the reason it does not."""
    conf = REPO / "pelicanconf.py"
    if not conf.exists():
        return "pelicanconf.py is missing"
    init = REPO / "plugins" / "news_digest" / "__init__.py"
    if not init.exists() or "def register" not in init.read_text(encoding="utf-8"):
        return "plugins/news_digest/__init__.py has no register()"
    return None


def ours_subdir(conf: Path) -> str:
    """The folder under PATH where the repo's settings expect dumps ("" for PATH itself)."""
    code = (
        "import json, sys\n"
        "from pelican.settings import read_settings\n"
        "s = read_settings(sys.argv[1])\n"
        "print(json.dumps(list(s.get('ARTICLE_PATHS') or [''])))\n"
    )
    r = subprocess.run(
        [venv_python(), "-c", code, str(conf)], capture_output=True, text=True, cwd=REPO
    )
    if r.returncode != 0:
        return ""
    paths = json.loads(r.stdout.strip().splitlines()[-1])
    return "" if not paths or paths[0] in ("", ".") else paths[0]


def parser_throughput(files: list[Path], runs: int) -> dict:
    """MB/s of news_digest.parse.parser.parse_bytes over all the dumps, in this process."""
    sys.path.insert(0, str(REPO / "plugins"))
    from news_digest.parse.parser import parse_bytes  # type: ignore[import-not-found]

    blobs = [(f.name, f.read_bytes()) for f in files]
    total = sum(len(b) for _, b in blobs)

    def call(name: str, data: bytes):
        try:
            return parse_bytes(data, name)
        except TypeError:
            return parse_bytes(data)

    for name, data in blobs[:20]:  # warm-up
        call(name, data)
    times, cpus = [], []
    for _ in range(max(1, runs)):
        t0, c0 = time.perf_counter(), time.process_time()
        for name, data in blobs:
            call(name, data)
        cpus.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
    t, c = statistics.median(times), statistics.median(cpus)
    # Per core: MB per CPU second of this (single-threaded) process; wall figure beside it.
    return {
        "bytes": total,
        "files": len(blobs),
        "seconds": t,
        "cpu_seconds": c,
        "mb_per_s": total / 1e6 / c,
        "wall_mb_per_s": total / 1e6 / t,
        "dumps_per_s": len(blobs) / c,
    }


def first_line(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "n/a"
    out = (r.stdout or r.stderr).strip().splitlines()
    return out[0] if out else "n/a"


def package_version(python: str, package: str) -> str:
    """The version of ``package`` installed for ``python`` ("not installed" when it is not)."""
    code = (
        "import importlib.metadata as m, sys\n"
        "try:\n    print(m.version(sys.argv[1]))\n"
        "except m.PackageNotFoundError:\n    print('not installed')\n"
    )
    try:
        r = subprocess.run(
            [python, "-c", code, package], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = r.stdout.strip().splitlines()
    return lines[-1] if r.returncode == 0 and lines else "unknown"


def machine_info(builders: list[str]) -> dict:
    """The machine, and the versions of what the ``builders`` of this run used."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    py = venv_python()
    versions = {"Python": first_line([py, "--version"]).removeprefix("Python ")}
    if "ours" in builders or "stock" in builders:
        versions["Pelican"] = package_version(py, "pelican")
    if "ours" in builders:
        versions["Jinja2"] = package_version(py, "jinja2")
        versions["pagefind-bin"] = package_version(py, "pagefind-bin")
    if "stock" in builders:
        versions["Python-Markdown"] = package_version(py, "markdown")
    if "hugo" in builders:
        hugo = shutil.which("hugo")
        versions["Hugo"] = first_line([hugo, "version"]) if hugo else "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
    }


def describe_checkout(repo: Path) -> dict:
    """The commit a checkout is at: short hash and subject."""
    r = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%h%x00%s"],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0 or "\0" not in r.stdout:
        return {"commit": "unknown", "subject": ""}
    commit, subject = r.stdout.strip().split("\0", 1)
    dirty = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {"commit": commit + ("+changes" if dirty else ""), "subject": subject}


def plugin_source(repo: Path) -> Path | None:
    """Where the checkout's own ``.venv`` imports the plugin from (None if it cannot): a
    ``.venv`` copied or linked from another checkout imports that checkout's code through
    its editable install, and the comparison would measure one commit twice."""
    r = subprocess.run(
        [
            str(repo / ".venv" / "bin" / "python"),
            "-c",
            "import news_digest; print(news_digest.__file__)",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    return Path(r.stdout.strip()).resolve() if r.returncode == 0 and r.stdout.strip() else None


# --------------------------------------------------------------------------- running


@dataclass
class BuilderResult:
    runs: dict[str, list[dict]] = field(default_factory=lambda: {s: [] for s in SCENARIOS})
    html_total: int = 0

    def median(self, scenario: str, key: str) -> float:
        vals = [r[key] for r in self.runs[scenario]]
        return statistics.median(vals) if vals else float("nan")


#: Whether the kernel's caches could be dropped before the last cold build.
CACHES_DROPPED: list[bool] = []


def settle_disk() -> None:
    """Before a cold build: write out what is pending and, where allowed (root), drop the
    kernel's page, dentry and inode caches, as for a cold-cache benchmark.

    A slab of cached dentries and inodes left by earlier builds made the system CPU of a cold
    build grow from run to run (ours, Hugo's and stock Pelican's alike: 12 s, then 32 s of
    system time for the same 10,000-dump build, back to 13 s once the caches were dropped);
    so did deleting the last output right before it (see :meth:`Builder.clean`). Each
    builder's cold runs start alike.
    """
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as handle:
            handle.write("3\n")
        CACHES_DROPPED.append(True)
    except OSError:
        CACHES_DROPPED.append(False)


def run_builders(builders: list[Builder], runs: int, n: int) -> dict[str, dict]:
    """Measure ``builders`` over ``runs`` runs; several builders are interleaved, each step
    of a run (cold build, no change, one added) by one builder right after the other, and
    the order swapped from one run to the next, so that the load of a shared machine falls
    on them alike."""
    results = {b.name: BuilderResult() for b in builders}
    for b in builders:
        b.prepare()
    try:
        for r in range(runs):
            order = builders if r % 2 == 0 else builders[::-1]
            for b in order:
                b.remove_one()
                b.clean()
            for scen in SCENARIOS:
                for b in order:
                    if scen == "cold":
                        settle_disk()
                    if scen == "add_one":
                        b.add_one()
                    m = b.build(f"run{r + 1}-{scen}")
                    rec = asdict(m)
                    rec["pages_per_s"] = m.pages_per_s
                    rec["bytes_per_dump"] = m.output_bytes / (n + (scen == "add_one"))
                    rec["when"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                    results[b.name].runs[scen].append(rec)
                    print(
                        f"  {b.name:8} run {r + 1} {scen:7} {m.wall:7.2f} s  cpu {m.cpu:7.2f} s"
                        f"  {m.rss_mb:7.1f} MiB  {m.html_written:6d} html  "
                        f"{rec['bytes_per_dump'] / 1024:6.1f} KiB/dump",
                        flush=True,
                    )
    finally:
        for b in builders:
            b.remove_one()
            b.empty_trash()
    return {name: summarise(res) for name, res in results.items()}


def summarise(res: BuilderResult) -> dict:
    summary = {}
    for scen in SCENARIOS:
        summary[scen] = {
            k: res.median(scen, k)
            for k in (
                "wall",
                "cpu",
                "rss_mb",
                "html_written",
                "pages_per_s",
                "bytes_per_dump",
                "output_bytes",
                "output_files",
            )
        }
        summary[scen]["bytes_by_kind"] = res.runs[scen][-1].get("bytes_by_kind", {})
    return {"summary": summary, "runs": res.runs}


#: The order of the builders in the tables.
BUILDER_ORDER = ("ours", "baseline", "hugo", "stock")


def builder_label(result: dict, name: str) -> str:
    """A builder's name in the tables; our site's with the commit it was built from."""
    checkout = result.get("checkouts", {}).get(name)
    if checkout:
        return f"{name} ({checkout['commit']})"
    return name


def fmt_table(result: dict) -> list[str]:
    rows = [
        "| builder | build | wall s | CPU s | pages/s | peak RSS MiB | output KiB/dump "
        "| HTML written |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = [b for b in BUILDER_ORDER if b in result["builders"]]
    for name in order:
        br = result["builders"][name]
        label = builder_label(result, name)
        for scen in SCENARIOS:
            s = br["summary"][scen]
            rows.append(
                f"| {label} | {SCENARIO_LABEL[scen]} | {s['wall']:.2f} | {s.get('cpu', nan):.2f} "
                f"| {s['pages_per_s']:.0f} "
                f"| {s['rss_mb']:.0f} | {s['bytes_per_dump'] / 1024:.1f} "
                f"| {s['html_written']:.0f} |"
            )
    return rows


def output_breakdown(result: dict) -> list[str]:
    """One line per builder: output bytes per dump of the cold build, by kind of file."""
    n = result["dumps"]
    out = []
    for name in BUILDER_ORDER:
        br = result["builders"].get(name)
        kinds = br and br["summary"]["cold"].get("bytes_by_kind")
        if kinds:
            parts = ", ".join(
                f"{k} {v / n / 1024:.1f}" for k, v in sorted(kinds.items(), key=lambda x: -x[1])
            )
            out.append(f"- {builder_label(result, name)}: {parts} KiB per dump")
    return ["Output of the cold build by kind of file:", "", *out, ""] if out else []


def ratios(result: dict) -> list[str]:
    b = result["builders"]
    if "ours" not in b:
        return []
    rows = []
    for other in ("baseline", "hugo", "stock"):
        if other not in b:
            continue
        for scen in SCENARIOS:
            o, x = b["ours"]["summary"][scen], b[other]["summary"][scen]
            rows.append(
                f"| ours / {builder_label(result, other)} | {SCENARIO_LABEL[scen]} "
                f"| {o['wall'] / x['wall']:.2f}× "
                f"| {o.get('cpu', nan) / x.get('cpu', nan):.2f}× "
                f"| {o['rss_mb'] / x['rss_mb']:.2f}× "
                f"| {o['bytes_per_dump'] / x['bytes_per_dump']:.2f}× |"
            )
    if not rows:
        return []
    return [
        "| ratio | build | wall time | CPU time | peak RSS | output per dump |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        *rows,
    ]


# --------------------------------------------------------------------------- report


def load_results(results_dir: Path) -> dict[int, dict]:
    out = {}
    for p in sorted(results_dir.glob("results-*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        out[int(data["dumps"])] = data
    return out


def targets(all_results: dict[int, dict]) -> list[str]:
    def ours(n: int, scen: str, key: str):
        r = all_results.get(n)
        if not r or "ours" not in r["builders"]:
            return None
        return r["builders"]["ours"]["summary"][scen][key]

    rows = ["| target | measured | when | status |", "| --- | --- | --- | --- |"]

    def row(text: str, value, ok, unit_fmt: str, n: int = 10000) -> None:
        if value is None:
            rows.append(f"| {text} | not measured yet | — | — |")
        else:
            when = all_results[n].get("date", "?")
            rows.append(
                f"| {text} | {unit_fmt.format(value)} | {when} | {'met' if ok else 'not met'} |"
            )

    c = ours(2000, "cold", "wall")
    h = hc = None
    if 2000 in all_results and "hugo" in all_results[2000]["builders"]:
        h = all_results[2000]["builders"]["hugo"]["summary"]["cold"]["wall"]
        hc = all_results[2000]["builders"]["hugo"]["summary"]["cold"].get("cpu")
    if c is not None and h:
        cc = ours(2000, "cold", "cpu")
        cpu_note = f"; CPU time {cc / hc:.2f} ×" if cc and hc else ""
        row(
            "cold build, 2,000 dumps ≤ 1.5 × Hugo",
            c / h,
            c / h <= 1.5,
            "{:.2f} × Hugo (" + f"{c:.2f} s vs {h:.2f} s wall{cpu_note})",
            2000,
        )
    else:
        row("cold build, 2,000 dumps ≤ 1.5 × Hugo", None, False, "")
    v = ours(10000, "cold", "wall")
    row("cold build, 10,000 dumps ≤ 20 s", v, v is not None and v <= 20, "{:.2f} s")
    v = ours(10000, "cold", "rss_mb")
    row(
        "peak memory, 10,000 dumps ≤ 300 MB", v, v is not None and v * 1.048576 <= 300, "{:.0f} MiB"
    )
    v = ours(10000, "add_one", "wall")
    row("add one dump to 10,000: rebuild ≤ 2 s", v, v is not None and v <= 2, "{:.2f} s")
    v = ours(10000, "cold", "bytes_per_dump")
    row(
        "output ≤ 10 KB per dump at 10,000 (all files)",
        v,
        v is not None and v <= 10_000,
        "{:,.0f} bytes",
    )
    best = None
    for n in sorted(all_results, reverse=True):
        p = all_results[n].get("parser")
        if p:
            best = (n, p["mb_per_s"])
            break
    if best:
        row(
            "parser ≥ 10 MB/s per core",
            best[1],
            best[1] >= 10,
            "{:.1f} MB per CPU s" + f" ({best[0]:,} dumps)",
            best[0],
        )
    else:
        row("parser ≥ 10 MB/s per core", None, False, "")
    return rows


def versions_of(machine: dict) -> list[str]:
    """The versions a saved result names ("Pelican 4.12.0"); results saved before
    ``versions`` existed keep theirs in other keys, where a missing Python-Markdown showed
    as an error's first line: that one is left out."""
    if "versions" in machine:
        return [f"{name} {version}" for name, version in machine["versions"].items()]
    versions = []
    for key, prefix in (("python", ""), ("pelican", ""), ("markdown", "Python-Markdown ")):
        value = str(machine.get(key, ""))
        if value and value != "n/a" and not value.startswith("Traceback"):
            versions.append(prefix + value)
    if machine.get("hugo"):
        versions.append(str(machine["hugo"]))
    return versions


def checkout_lines(result: dict) -> list[str]:
    """What each of our builds was built from, when a baseline was measured beside it."""
    checkouts = result.get("checkouts", {})
    if "baseline" not in checkouts:
        return []
    return [
        "Our site was built by two commits in the same run, interleaved step by step "
        "(`--against`): "
        + "; ".join(
            f"{name}: `{c['commit']}` ({c['subject']})" for name, c in sorted(checkouts.items())
        )
        + ".",
        "",
    ]


def write_report(path: Path, all_results: dict[int, dict]) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Build speed of the news-digest site against stock Pelican and Hugo on the same",
        "synthetic content. Reproduce with `make bench N=2000` (or",
        "`.venv/bin/python bench/run.py --dumps 2000 --runs 3`); the dumps come from",
        "`bench/generate.py` (seeded, so the same N gives the same files): dated across many",
        "days, 12–20 paragraphs and 20–30 headlines per dump in all three styles, with page",
        "furniture, a truncated title, a summary-only block, a repeat and reference items.",
        "",
        "What is measured, for each builder (medians over the runs):",
        "",
        "- **cold build**: empty output folder, no cache, the disk synced and (as root) the "
        "kernel's page, dentry and inode caches dropped; the last run's output is moved "
        "aside, and deleted only after the builder's runs (see `Builder.clean`);",
        "- **rebuild, nothing changed**: the same command again (caches kept);",
        "- **rebuild, one dump added**: one more dump in the content, then the same command.",
        "",
        "*wall s* is the child process's wall time; *CPU s* its user + system CPU time (all",
        "threads; less sensitive than wall time to other load on the machine; Hugo's may",
        "spread over the cores); *pages/s* is HTML files written by that",
        "build per second; *peak RSS* is the child's maximum resident set (`os.wait4` in",
        "a small parent process, so that the benchmark's own memory is not counted);",
        "*output KiB/dump* is every byte in the output folder (pages, archives, feeds, static",
        "files) divided by the number of dumps. The parser figure is",
        "`news_digest.parse.parser.parse_bytes` over all dumps in one process: MB per CPU second "
        "of",
        "that single-threaded process (its wall-clock figure is in the JSON).",
        "",
        "Baselines: stock Pelican with its built-in `simple` theme reading the same content as",
        "Markdown (title, date, slug; body = paragraphs + a list of headlines; content cache on,",
        "pagination 10), and Hugo with three tiny layouts (single, list, index; pagination 10,",
        "RSS of 100 items). Pelican builds on one core; Hugo may use all cores. Our build also",
        "runs the Pagefind search indexer (a subprocess, counted in our CPU time and peak RSS,",
        "its files in our output); the baselines have no search.",
        "",
        "Other options: `--runs R`, `--skip-hugo`, `--skip-pelican`, `--skip-ours`, `--keep`",
        "(keep the generated content and outputs in bench/out/), `--profile` (one cold build",
        "of our site under cProfile), `--report-only` (rewrite this page from",
        "bench/results/*.json), `--against CHECKOUT` (our site built by another checkout of",
        "this repository too, with its own `.venv`, which must import the plugin from that",
        "checkout; interleaved with this one step by step: see the ratios). Each",
        "section holds only the figures measured in the run it names, with its date; a run",
        "replaces the saved figures for its number of dumps, builders it skipped included.",
        "",
        "## Targets",
        "",
        *targets(all_results),
        "",
    ]
    for n in sorted(all_results):
        r = all_results[n]
        m = r["machine"]
        lines += [
            f"## {n:,} dumps",
            "",
            f"Measured {r['date']}, {r['runs']} run(s) per figure (median); "
            f"{r['input_mb']:.1f} MB of dumps; load average {r.get('load_before', nan):.2f} "
            f"before the run, {r.get('load_after', nan):.2f} after"
            + (
                " (the machine was busy around the run: trust CPU s over wall s)."
                if max(r.get("load_before", 0), r.get("load_after", 0)) > 1.0
                else "."
            ),
            "",
            *(
                []
                if "caches_dropped" not in r
                else [
                    "Before each cold build the disk was synced and the kernel's caches dropped."
                    if r["caches_dropped"]
                    else "Before each cold build the disk was synced (the kernel's caches "
                    "could not be dropped: not root).",
                    "",
                ]
            ),
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, {m['os']}; "
            + "; ".join(versions_of(m))
            + ".",
            "",
            *checkout_lines(r),
            *fmt_table(r),
            "",
        ]
        lines += output_breakdown(r)
        rt = ratios(r)
        if rt:
            lines += ["Ratios (below 1 means ours is smaller or faster):", "", *rt, ""]
        if r.get("parser"):
            p = r["parser"]
            lines += [
                f"Parser: {p['mb_per_s']:.1f} MB per CPU second, {p['dumps_per_s']:.0f} dumps "
                f"per CPU second ({p['bytes'] / 1e6:.1f} MB in {p.get('cpu_seconds', nan):.2f} "
                f"CPU s, {p['seconds']:.2f} s wall, one core).",
                "",
            ]
        for note in r.get("notes", []):
            lines += [f"Note: {note}", ""]
    profile = HERE / "profile.md"
    if profile.exists():  # hand-written notes from `run.py --profile`, kept across runs
        lines += [profile.read_text(encoding="utf-8").strip(), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


PROFILE_SCRIPT = """\
import cProfile, resource, sys, time
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["pelican", *args]
from pelican import main
prof = cProfile.Profile(time.process_time)  # CPU time: other load does not count
c0 = time.process_time()
prof.enable()
try:
    main()
except SystemExit:
    pass
prof.disable()
prof.dump_stats(out)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"pelican CPU {time.process_time() - c0:.2f} s; its subprocesses' CPU "
      f"{ru.ru_utime + ru.ru_stime:.2f} s")
"""


def profile_ours(b: OursBuilder, out: Path, top: int) -> None:
    """Cold build of our site under cProfile (CPU-time clock); prints the top functions.
    Work done in subprocesses of the build is reported as one CPU total."""
    import pstats

    b.prepare()
    b.clean()
    prof = out / "ours.prof"
    cmd = [venv_python(), "-c", PROFILE_SCRIPT, str(prof), *b.command()[1:]]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    print(f"profiled cold build: {time.perf_counter() - t0:.1f} s wall (rc {r.returncode})")
    print(r.stdout.strip()[-2000:])
    if r.returncode != 0:
        print(r.stderr[-2000:])
        return
    for key in ("tottime", "cumulative"):
        print(f"--- top {top} by {key}")
        pstats.Stats(str(prof)).sort_stats(key).print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dumps", type=int, default=2000, help="number of dumps (default 2000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per figure, median (default 3)")
    ap.add_argument(
        "--out",
        type=Path,
        default=REPO / "docs" / "benchmarks.md",
        help="report to write (default docs/benchmarks.md)",
    )
    ap.add_argument(
        "--results-dir",
        type=Path,
        default=HERE / "results",
        help="where the JSON results are kept (default bench/results)",
    )
    ap.add_argument("--work", type=Path, default=None, help="work folder (default bench/out/run-N)")
    ap.add_argument("--skip-hugo", action="store_true", help="do not build with Hugo")
    ap.add_argument(
        "--skip-pelican", action="store_true", help="do not build the stock Pelican baseline"
    )
    ap.add_argument("--skip-ours", action="store_true", help="do not build our site")
    ap.add_argument("--skip-parser", action="store_true", help="do not time the parser")
    ap.add_argument(
        "--ours-setting",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="extra Pelican setting for our build (pelican -e), repeatable; "
        "e.g. NEWS_DIGEST='{\"pagefind\": false}'",
    )
    ap.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="CHECKOUT",
        help="also build our site with another checkout of this repository (its own .venv, "
        "from make install there), interleaved with this one step by step, and report "
        "the ratios",
    )
    ap.add_argument("--keep", action="store_true", help="keep generated dumps and outputs")
    ap.add_argument(
        "--no-report",
        action="store_true",
        help="print only: save no JSON, leave docs/benchmarks.md alone",
    )
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="only rewrite the report from the saved JSON results",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="only profile one cold build of our site with cProfile",
    )
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per build")
    ap.add_argument("--seed", type=int, default=20230510)
    args = ap.parse_args(argv)

    if args.report_only:
        write_report(args.out, load_results(args.results_dir))
        print("\n".join(targets(load_results(args.results_dir))))
        return 0
    n = args.dumps
    work = (args.work or HERE / "out" / f"run-{n}").resolve()
    print(f"generating {n} dumps in {work} ...", flush=True)
    lay, dumps = generate.write_all(n, work / "data", args.seed)
    input_bytes = sum(f.stat().st_size for f in lay.dumps.iterdir())

    notes: list[str] = []
    conf = REPO / "pelicanconf.py"
    status = None if args.skip_ours else ours_status()
    ours = None
    if not args.skip_ours and status is None:
        ours = OursBuilder(work, lay, args.timeout, conf, ours_subdir(conf), args.ours_setting)
        if args.ours_setting:
            notes.append("our build ran with " + ", ".join(f"`{x}`" for x in args.ours_setting))
    elif status:
        print(f"skipping our site: {status}")
        notes.append(f"our site was not built: {status}.")

    if args.profile:
        if not ours:
            raise SystemExit("nothing to profile")
        profile_ours(ours, work, 30)
        return 0

    # Builders measured together (interleaved): ours and its baseline.
    groups: list[list[Builder]] = []
    checkouts: dict[str, dict] = {}
    if ours:
        groups.append([ours])
        checkouts["ours"] = describe_checkout(REPO)
        if args.against is not None:
            baseline_repo = args.against.resolve()
            if not (baseline_repo / ".venv" / "bin" / "pelican").exists():
                raise SystemExit(
                    f"{baseline_repo} has no .venv/bin/pelican (run make install there)"
                )
            found = plugin_source(baseline_repo)
            if found is None or baseline_repo not in found.parents:
                raise SystemExit(
                    f"{baseline_repo}/.venv imports the plugin from {found}, not from that"
                    " checkout (give it a .venv of its own: make install there)"
                )
            conf_b = baseline_repo / "pelicanconf.py"
            baseline = OursBuilder(
                work,
                lay,
                args.timeout,
                conf_b,
                ours_subdir(conf_b),
                args.ours_setting,
                repo=baseline_repo,
                name="baseline",
            )
            groups[0].append(baseline)
            checkouts["baseline"] = describe_checkout(baseline_repo)
    builders: list[Builder] = []
    if not args.skip_pelican:
        ensure_markdown()
        builders.append(StockBuilder(work, lay, args.timeout))
    if not args.skip_hugo:
        if shutil.which("hugo"):
            builders.append(HugoBuilder(work, lay, args.timeout))
        else:
            print("hugo is not on PATH: skipping it")
            notes.append("Hugo was not on PATH.")

    groups += [[b] for b in builders]
    measured = [b.name for group in groups for b in group]
    result: dict = {
        "dumps": n,
        "runs": args.runs,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "input_mb": input_bytes / 1e6,
        "machine": machine_info(measured),
        "checkouts": checkouts,
        "load_before": os.getloadavg()[0],
        "builders": {},
        "parser": None,
        "notes": notes,
    }
    if ours and not args.skip_parser:
        try:
            result["parser"] = parser_throughput(sorted(lay.dumps.iterdir()), args.runs)
            p = result["parser"]
            print(
                f"parser: {p['mb_per_s']:.1f} MB per CPU s ({p['dumps_per_s']:.0f} dumps/s), "
                f"{p['wall_mb_per_s']:.1f} MB/s wall"
            )
        except ImportError as exc:
            print(f"parser not timed: {exc}")
            notes.append(f"parser not timed: {exc}.")

    for group in groups:
        for b in group:
            print(f"{b.name}: {BUILDER_LABEL[b.name]}", flush=True)
        result["builders"].update(run_builders(group, args.runs, n))
        if group[0].name == "ours":
            html = result["builders"]["ours"]["summary"]["cold"]["html_written"]
            if html < n:
                notes.append(f"our cold build wrote {html:.0f} HTML files for {n} dumps.")

    result["load_after"] = os.getloadavg()[0]
    result["caches_dropped"] = bool(CACHES_DROPPED) and all(CACHES_DROPPED)
    print()
    print("\n".join(fmt_table(result)))
    rt = ratios(result)
    if rt:
        print()
        print("\n".join(rt))
    for note in notes:
        print("note:", note)

    if not args.no_report:
        args.results_dir.mkdir(parents=True, exist_ok=True)
        (args.results_dir / f"results-{n}.json").write_text(
            json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        all_results = load_results(args.results_dir)
        write_report(args.out, all_results)
        print(f"\nwrote {args.out} and {args.results_dir}/results-{n}.json")
        print("\n".join(targets(all_results)))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
