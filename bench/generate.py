"""Deterministic generator of synthetic news-page dumps for the benchmark.

Each dump follows the style of the scraped pages the site is built from: a lead title, 12-20
paragraph lines, an editor credit ``(editor-in-charge:NAME)``, then 20-30 other headlines in
three styles (plain lines, ``- bullet`` lines, and ``-``-separated blocks of a title line and a
summary line ending in `` ...[in detail]``), with page furniture glued in, a truncated title
repaired by its summary, a summary-only block, a repeat and reference items.

The same content is also written as Markdown for stock Pelican and as a minimal Hugo site, so
that the three builds render comparable pages.

    python bench/generate.py --dumps 200 --out bench/out/data

No network, no clock: the same seed and count give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

START_DATE = dt.date(2021, 1, 4)
PER_DAY = (3, 8)  # dumps per day, inclusive range

SUBJECTS = [
    "Ministers",
    "Police",
    "Regulators",
    "Scientists",
    "Doctors",
    "Farmers",
    "Voters",
    "Investors",
    "Teachers",
    "Rescuers",
    "Judges",
    "Engineers",
    "Pilots",
    "Firefighters",
    "Astronomers",
    "Lawmakers",
    "Unions",
    "Retailers",
    "Banks",
    "Airlines",
    "Carmakers",
    "Fishermen",
    "Nurses",
    "Diplomats",
    "Prosecutors",
    "Residents",
    "Students",
    "Rebels",
]
VERBS = [
    "warn over",
    "push back on",
    "call for",
    "reject",
    "agree on",
    "clash over",
    "probe",
    "back",
    "delay",
    "unveil",
    "scrap",
    "defend",
    "question",
    "celebrate",
    "brace for",
    "approve",
    "criticise",
    "welcome",
    "investigate",
    "plan",
    "halt",
    "resume",
    "rethink",
]
OBJECTS = [
    "fuel price rise",
    "new border rules",
    "record heatwave",
    "river flood defences",
    "rail strike",
    "school funding plan",
    "port expansion",
    "drought measures",
    "tax reform",
    "hospital waiting lists",
    "wildfire response",
    "election timetable",
    "housing targets",
    "grain export deal",
    "power grid upgrade",
    "fishing quotas",
    "airport noise limits",
    "mining licence",
    "water tariffs",
    "space launch",
    "vaccine rollout",
    "data privacy law",
    "steel tariffs",
    "budget cuts",
    "minimum wage increase",
    "coastal erosion plan",
]
PLACES = [
    "Sudan",
    "Kenya",
    "Peru",
    "Vietnam",
    "Australia",
    "Canada",
    "Norway",
    "Chile",
    "Ghana",
    "Japan",
    "Mexico",
    "Poland",
    "Brazil",
    "Nepal",
    "Morocco",
    "Ireland",
    "Turkey",
    "Togo",
    "Madagascar",
    "Pakistan",
    "Portugal",
    "Indonesia",
    "Finland",
    "Egypt",
    "Colombia",
    "Scotland",
    "Texas",
    "Bavaria",
    "Queensland",
    "Alberta",
    "Sicily",
    "Patagonia",
]
NAMES = [
    "Maria Santos",
    "John Kirby",
    "Aiko Tanaka",
    "Samuel Okoro",
    "Elena Petrova",
    "David Chen",
    "Fatima Haddad",
    "Lars Nilsson",
    "Priya Raman",
    "Tomas Novak",
]
EDITORS = ["Press center6", "Liu Wei", "Desk 3", "N. Ortega", "Press center2", "Web desk"]
ADJ = [
    "sharp",
    "sudden",
    "long-awaited",
    "controversial",
    "modest",
    "unexpected",
    "costly",
    "temporary",
    "sweeping",
    "limited",
    "historic",
    "cautious",
    "fresh",
    "renewed",
]
NOUNS = [
    "decision",
    "announcement",
    "report",
    "inquiry",
    "agreement",
    "proposal",
    "warning",
    "shortage",
    "increase",
    "protest",
    "review",
    "ruling",
    "investment",
    "campaign",
]
FILLER = [
    "officials said on Tuesday",
    "according to local media",
    "the ministry said in a statement",
    "witnesses told reporters",
    "figures released this week show",
    "the company confirmed",
    "a spokesperson said",
    "campaigners say",
    "analysts expect",
    "the report found",
]
FURNITURE = [
    "Published2 minutes agoShare page",
    "Published 3 hours agoShare page",
    "Published1 day agoShare pageAbout",
    "Published 5 minutes ago",
]


@dataclass
class Headline:
    title: str
    summary: str | None = None
    kind: str = "news"


@dataclass
class Dump:
    index: int
    date: dt.date
    title: str
    slug: str
    paragraphs: list[str]
    editor: str
    text: str = ""
    headlines: list[Headline] = field(default_factory=list)  # cleaned, for Markdown/Hugo

    width: int = 4

    @property
    def stem(self) -> str:
        """File name without extension: date, a short slug, the dump's number."""
        short = self.slug[:48].rstrip("-")
        return f"{self.date.isoformat()}-{short}-{self.index:0{self.width}d}"


def slugify(text: str, limit: int = 200) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-")


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(5)
    subj, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
    place = rng.choice(PLACES)
    if kind == 0:
        return f"{subj} in {place} {verb} the {rng.choice(ADJ)} {obj}, {rng.choice(FILLER)}."
    if kind == 1:
        n = rng.randrange(2, 900)
        return (
            f"The {rng.choice(ADJ)} {rng.choice(NOUNS)} affects more than {n:,} people "
            f"in {place}, and {rng.choice(FILLER)} that the {obj} will take months."
        )
    if kind == 2:
        return (
            f'"We will not {verb.split()[0]} the {obj} without a {rng.choice(ADJ)} '
            f'{rng.choice(NOUNS)}," {rng.choice(NAMES)} told reporters.'
        )
    if kind == 3:
        year = rng.randrange(2009, 2023)
        return (
            f"In {year}, a similar {rng.choice(NOUNS)} in {place} led to a "
            f"{rng.choice(ADJ)} {rng.choice(NOUNS)} - but {rng.choice(FILLER)} that this "
            f"time the {obj} is different. It cost about ${rng.randrange(2, 99)}m "
            f"(£{rng.randrange(2, 80)}m)."
        )
    return (
        f"{rng.choice(NAMES)} said the {obj} was a {rng.choice(ADJ)} {rng.choice(NOUNS)}, "
        f"while {subj.lower()} {verb} it."
    )


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 2)))


def _title(rng: random.Random) -> str:
    form = rng.randrange(4)
    subj, verb, obj = rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)
    place = rng.choice(PLACES)
    if form == 0:
        return f"{place} {subj.lower()} {verb} {obj}"
    if form == 1:
        return f"{subj} {verb} {obj} in {place}"
    if form == 2:
        return f"{place}: {rng.choice(ADJ)} {rng.choice(NOUNS)} as {subj.lower()} {verb} {obj}"
    return f"What the {obj} means for {place}"


def _summary(rng: random.Random) -> str:
    s = _sentence(rng)
    return f"The {rng.choice(ADJ)} {rng.choice(NOUNS)} comes as {s[0].lower()}{s[1:]}"


def make_dump(index: int, date: dt.date, rng: random.Random, used: set[str]) -> Dump:
    """One dump: text in the scraped style plus the cleaned content it stands for."""
    while True:
        title = _title(rng)
        slug = slugify(title)
        if slug not in used:
            used.add(slug)
            break
        # Same words twice: vary the title the way a desk would.
        title = f"{title} - {rng.choice(['live', 'latest', 'update', 'analysis'])}"
        slug = slugify(title)
        if slug not in used:
            used.add(slug)
            break
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(12, 20))]
    editor = rng.choice(EDITORS)

    count = rng.randint(20, 30)
    place = rng.choice(PLACES)
    # Special items, each at least once per dump.
    truncated_full = f"{_title(rng)} after {rng.choice(ADJ)} {rng.choice(NOUNS)}"
    cut = truncated_full.rsplit(" ", 2)[0]
    reference = rng.choice(
        [f"{place} country profile", f"{place} media guide", f"{place} timeline"]
    )
    overview = (
        f"An overview of the media in {rng.choice(PLACES)}, including links to broadcasters "
        "and newspapers."
    )
    titles: list[str] = []
    seen: set[str] = {slugify(truncated_full), slugify(reference)}
    while len(titles) < count - 5:
        t = _title(rng)
        if slugify(t) not in seen:
            seen.add(slugify(t))
            titles.append(t)

    out: list[str] = [title, *paragraphs]
    # Furniture glued into one lead paragraph, as scraping does.
    k = rng.randrange(1, len(paragraphs))
    out[k + 1] = out[k + 1] + rng.choice(FURNITURE)
    out.append(f"(editor-in-charge:{editor})")

    clean: list[Headline] = []
    pool = iter(titles)
    # Plain lines.
    for _ in range(rng.randint(3, 5)):
        t = next(pool)
        out.append(t)
        clean.append(Headline(t))
    # Bullets, the first repeating the last plain line (a duplicate).
    out.append(f"- {clean[-1].title}")
    for _ in range(rng.randint(5, 8)):
        t = next(pool)
        out.append(f"- {t}")
        clean.append(Headline(t))
    # Blocks of title + summary, with the special cases mixed in.
    out.append("-")
    out.append(truncated_full)
    out.append(f"{truncated_full}{rng.choice(FURNITURE)} ...[in detail]")
    clean.append(Headline(truncated_full))
    out.append("-")
    out.append(cut)
    repaired = f"{truncated_full} that {rng.choice(FILLER)}"
    out.append(f"{repaired} ...[in detail]")
    clean.append(Headline(repaired))
    out.append("-")
    out.append(f"{overview} ...[in detail]")
    clean.append(Headline(overview, kind="reference"))
    remaining = list(pool)
    n_blocks = max(1, len(remaining) - rng.randint(2, 4))
    for t in remaining[:n_blocks]:
        s = _summary(rng)
        out.append("-")
        out.append(t)
        if rng.random() < 0.15:
            out.append(f"{s[:-1]}....[in detail]")
        else:
            out.append(f"{s} ...[in detail]")
        clean.append(Headline(t, s))
    for t in remaining[n_blocks:]:
        out.append(f"- {t}")
        clean.append(Headline(t))
    out.append(f"- {reference}")
    clean.append(Headline(reference, kind="reference"))

    dump = Dump(index, date, title, slug, paragraphs, editor, "\n".join(out) + "\n", clean)
    return dump


def generate(count: int, seed: int = 20230510) -> list[Dump]:
    """``count`` dumps, dated across many days, several per day, oldest first."""
    rng = random.Random(seed)
    used: set[str] = set()
    dumps: list[Dump] = []
    day = START_DATE
    while len(dumps) < count:
        for _ in range(rng.randint(*PER_DAY)):
            if len(dumps) == count:
                break
            dumps.append(make_dump(len(dumps) + 1, day, rng, used))
        day += dt.timedelta(days=1)
    width = max(4, len(str(count)))
    for d in dumps:
        d.width = width
    return dumps


def dump_filename(d: Dump) -> str:
    return f"{d.stem}.txt"


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


def markdown_body(d: Dump) -> str:
    parts = [_md_escape(p) for p in d.paragraphs]
    parts.append(f"*Editor: {_md_escape(d.editor)}*")
    parts.append("## More headlines")
    items = []
    for h in d.headlines:
        line = f"- **{_md_escape(h.title)}**"
        if h.summary:
            line += f" — {_md_escape(h.summary)}"
        if h.kind == "reference":
            line += " *(reference)*"
        items.append(line)
    parts.append("\n".join(items))
    return "\n\n".join(parts) + "\n"


def _hour(d: Dump) -> str:
    return f"{6 + d.index % 14:02d}:{(d.index * 7) % 60:02d}"


def pelican_markdown(d: Dump) -> str:
    head = f"Title: {d.title}\nDate: {d.date.isoformat()} {_hour(d)}\nSlug: {d.slug}\n\n"
    return head + markdown_body(d)


def hugo_markdown(d: Dump) -> str:
    title = d.title.replace("\\", "\\\\").replace('"', '\\"')
    head = (
        f'---\ntitle: "{title}"\ndate: {d.date.isoformat()}T{_hour(d)}:00Z\nslug: {d.slug}\n---\n\n'
    )
    return head + markdown_body(d)


HUGO_CONFIG = """\
baseURL = "http://localhost/"
languageCode = "en"
title = "News digest benchmark"
disableKinds = ["taxonomy", "term"]
paginate = 10

[services.rss]
limit = 100

[permalinks]
posts = "/:year/:month/:slug/"

[markup.goldmark.renderer]
unsafe = false
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" \
href="{{ .RelPermalink }}">{{ end }}
</head><body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
"""

HUGO_SINGLE = """\
{{ define "title" }}{{ .Title }}{{ end }}
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ .Content }}</article>{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ $p := .Paginate .Pages }}{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">\
{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary }}</p></li>
{{ end }}</ul>
{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}">Newer</a>{{ end }}
{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">Older</a>{{ end }}{{ end }}
"""

HUGO_INDEX = """\
{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>
{{ $p := .Paginate .Site.RegularPages }}{{ range $p.Pages }}\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}\
</time><p>{{ .Summary }}</p></li>
{{ end }}</ul>
{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}">Newer</a>{{ end }}
{{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">Older</a>{{ end }}{{ end }}
"""


def write_hugo_skeleton(site: Path) -> None:
    (site / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (site / "content" / "posts").mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = site / "layouts"
    (layouts / "_default" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (layouts / "index.html").write_text(HUGO_INDEX, encoding="utf-8")


@dataclass
class Layout:
    """Where the generated files live. ``extra_*`` hold the one dump kept back for the
    "add one dump" rebuild: copy it into the matching content folder to add it."""

    root: Path
    dumps: Path
    markdown: Path
    hugo: Path
    extra_dump: Path
    extra_markdown: Path
    extra_hugo: Path

    @classmethod
    def at(cls, root: Path) -> Layout:
        extra = root / "extra"
        return cls(
            root,
            root / "dumps",
            root / "markdown",
            root / "hugo",
            extra / "dump",
            extra / "markdown",
            extra / "hugo",
        )


def write_all(count: int, root: Path, seed: int = 20230510) -> tuple[Layout, list[Dump]]:
    """Write ``count`` dumps (+ one kept back) in all three forms under ``root``.

    Returns the layout and the ``count`` dumps (not the kept-back one)."""
    lay = Layout.at(root)
    if root.exists():
        shutil.rmtree(root)
    for p in (lay.dumps, lay.markdown, lay.extra_dump, lay.extra_markdown, lay.extra_hugo):
        p.mkdir(parents=True)
    write_hugo_skeleton(lay.hugo)
    posts = lay.hugo / "content" / "posts"
    dumps = generate(count + 1, seed)
    for d in dumps:
        last = d.index == count + 1
        (lay.extra_dump if last else lay.dumps).joinpath(dump_filename(d)).write_text(
            d.text, encoding="utf-8"
        )
        (lay.extra_markdown if last else lay.markdown).joinpath(f"{d.stem}.md").write_text(
            pelican_markdown(d), encoding="utf-8"
        )
        (lay.extra_hugo if last else posts).joinpath(f"{d.stem}.md").write_text(
            hugo_markdown(d), encoding="utf-8"
        )
    return lay, dumps[:count]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dumps", type=int, default=200, help="how many dumps (default 200)")
    ap.add_argument("--out", type=Path, default=Path("bench/out/data"), help="output folder")
    ap.add_argument("--seed", type=int, default=20230510)
    args = ap.parse_args(argv)
    lay, dumps = write_all(args.dumps, args.out, args.seed)
    size = sum(len(d.text.encode()) for d in dumps)
    print(
        f"{len(dumps)} dumps ({size / 1e6:.1f} MB), {dumps[0].date} .. {dumps[-1].date}, "
        f"in {lay.root}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
