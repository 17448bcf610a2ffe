"""Repeated scrapes of one page in real builds: one lead with its versions, no copies; and
the header's Source, Category, Authors and Tags on the lead page, with the source pages."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from conftest import build
from site_edits import assert_same_as_clean, copy_theme

SOURCE = "https://news.example.com/world/harbour-bridge"
TITLE = "Harbour bridge closed after cracks found"
SLUG = "harbour-bridge-closed-after-cracks-found"
PARAGRAPHS = [
    "Engineers closed the Port Alden harbour bridge on Tuesday after finding cracks in its span.",
    "The council said ferries would run every twenty minutes while the bridge is shut.",
    "Drivers were told to expect delays of up to an hour on the coast road.",
]
HEADLINES = ["Floods force thousands from valley towns", "Museum returns bronzes to Benin"]
NO_SEARCH = {"pagefind": False}


def dump(
    date: str,
    paragraphs: list[str] = PARAGRAPHS,
    headlines: list[str] = HEADLINES,
    title: str = TITLE,
    source: str | None = SOURCE,
    extra_header: str = "",
) -> str:
    header = f"Date: {date}\n" + (f"Source: {source}\n" if source else "") + extra_header
    lines = "".join(f"- {h}\n" for h in headlines)
    return f"{header}\n{title}\n" + "\n".join(paragraphs) + f"\n(editor-in-charge:Jo Roe)\n{lines}"


def write(content: Path, files: dict[str, str | bytes]) -> None:
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")


def pages(output: Path) -> list[str]:
    """The lead pages of the page (its story's page, once it is seen twice, is not one)."""
    return sorted(
        p.relative_to(output).parent.as_posix() + "/"
        for p in output.rglob("index.html")
        if SLUG in p.as_posix()
        and "headlines" not in p.as_posix()
        and not p.as_posix().startswith((output / "stories").as_posix())
    )


def later_scrapes() -> dict[str, str]:
    """Three scrapes of one page on one day: a paragraph changed, headlines added."""
    second = [*PARAGRAPHS[:2], "Repairs will take at least three weeks, the council said."]
    third = [*second, "A temporary footbridge opens on Friday."]
    return {
        "0800.txt": dump("2023-05-10 08:00"),
        "1100.txt": dump("2023-05-10 11:00", second, [*HEADLINES, "Ferry fares rise"]),
        "1700.txt": dump("2023-05-10 17:00", third, ["Ferry fares rise", "Rail strike ends"]),
    }


@pytest.fixture(scope="module")
def three_scrapes(tmp_path_factory):
    work = tmp_path_factory.mktemp("scrapes")
    content = work / "content"
    files = later_scrapes()
    files["copy-of-0800.txt"] = files["0800.txt"]  # byte for byte
    files["2023-05-12-other.txt"] = dump("2023-05-12", title="Zoo welcomes twin red pandas")
    write(content, files)
    output = work / "output"
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("news_digest.site.scrapes")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        site = build("pelicanconf.py", content, output, CACHE_PATH=str(work / "cache"))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    return work, content, site, records


def test_three_scrapes_are_one_lead_showing_the_newest(three_scrapes):
    _, _, site, _ = three_scrapes
    assert pages(site.output) == [f"2023/05/10/{SLUG}/"]  # no -2/, no -3/
    lead = site.soup(f"2023/05/10/{SLUG}/")
    text = lead.select_one("article.lead").get_text(" ")
    assert "A temporary footbridge opens on Friday." in text
    assert "Repairs will take at least three weeks" in text


def test_the_versions_are_listed_with_their_times_and_changes(three_scrapes):
    _, _, site, _ = three_scrapes
    lead = site.soup(f"2023/05/10/{SLUG}/")
    versions = lead.select_one("section.versions")
    items = versions.select(":scope > ol > li")
    times = [li.find("time")["datetime"] for li in items]
    assert times == [
        "2023-05-10T17:00:00+00:00",
        "2023-05-10T11:00:00+00:00",
        "2023-05-10T08:00:00+00:00",
    ]
    assert "(shown)" in items[0].get_text()
    newest = [li.get_text(" ", strip=True) for li in items[0].select("li")]
    assert newest == ["Paragraph added: A temporary footbridge opens on Friday.", "1 new headline"]
    middle = items[1]
    assert [i.get_text() for i in middle.select("ins")] == [
        "Repairs will take at least three weeks, the council said."
    ]
    assert [d.get_text() for d in middle.select("del")] == [PARAGRAPHS[2]]
    assert "Paragraph removed:" in middle.get_text()
    assert "First saved." in items[2].get_text()


def test_the_headlines_are_merged_each_once(three_scrapes):
    _, _, site, _ = three_scrapes
    digest = site.soup(f"2023/05/10/{SLUG}/headlines/")
    titles = [h.get_text() for h in digest.select("section[aria-labelledby=news] h3")]
    assert titles == ["Ferry fares rise", "Rail strike ends", *HEADLINES]
    assert "3 versions of the page" in digest.get_text()
    home = site.soup("")
    assert "4 headlines" in home.get_text(" ")


def test_earlier_versions_are_in_no_list_or_feed(three_scrapes):
    _, _, site, _ = three_scrapes
    day = site.soup("2023/05/10/")
    assert len(day.select(".archive li")) == 1
    home = site.soup("")
    assert len(home.select("article.card")) == 2
    feed = json.loads(site.path("feed.json").read_text(encoding="utf-8"))
    assert [item["title"] for item in feed["items"]].count(TITLE) == 1
    atom = site.path("feeds/all.atom.xml").read_text(encoding="utf-8")
    assert atom.count(f"<title>{TITLE}</title>") == 1


def test_a_byte_identical_copy_is_skipped_with_one_line_naming_both(three_scrapes):
    _, _, site, records = three_scrapes
    lines = [r.getMessage() for r in records if "same bytes" in r.getMessage()]
    assert lines == ["copy-of-0800.txt: same bytes as 0800.txt; skipped"]
    assert [r.levelno for r in records if "same bytes" in r.getMessage()] == [logging.INFO]
    assert not site.messages(logging.WARNING)


def test_speed_layer_off_writes_the_same_bytes(three_scrapes):
    work, content, site, _ = three_scrapes
    assert_same_as_clean(work, content, site.output, CACHE_PATH=str(work / "cache"))


def test_scrapes_further_apart_than_the_window_are_two_leads(tmp_path):
    content = tmp_path / "content"
    write(
        content,
        {
            "a.txt": dump("2023-05-10 08:00"),
            "b.txt": dump("2023-05-11 09:00", headlines=["Ferry fares rise"]),  # 25 h later
        },
    )
    site = build("pelicanconf.py", content, tmp_path / "out", NEWS_DIGEST=NO_SEARCH)
    assert pages(site.output) == [f"2023/05/10/{SLUG}/", f"2023/05/11/{SLUG}/"]
    assert not site.soup(f"2023/05/11/{SLUG}/").select("section.versions")
    # A window of 48 hours makes them one lead, shown on the newer day.
    site = build(
        "pelicanconf.py",
        content,
        tmp_path / "wide",
        NEWS_DIGEST={**NO_SEARCH, "scrape_window_hours": 48},
    )
    assert pages(site.output) == [f"2023/05/11/{SLUG}/"]


def test_same_title_needs_near_identical_text_without_a_source(tmp_path):
    content = tmp_path / "content"
    other = ["Something else entirely: a marathon in the heat was cut short at the tenth mile."]
    write(
        content,
        {
            "a.txt": dump("2023-05-10 08:00", source=None),
            "b.txt": dump("2023-05-10 09:00", source=None, headlines=["Ferry fares rise"]),
            "c.txt": dump("2023-05-10 10:00", other, source=None),
        },
    )
    site = build("pelicanconf.py", content, tmp_path / "out", NEWS_DIGEST=NO_SEARCH)
    # a and b are one page; c shares the title only, so it is a lead of its own (-2).
    assert pages(site.output) == [f"2023/05/10/{SLUG}-2/", f"2023/05/10/{SLUG}/"]
    versions = site.soup(f"2023/05/10/{SLUG}/").select("section.versions > ol > li")
    assert len(versions) == 2


def test_a_bad_window_is_reported_and_the_default_used(tmp_path):
    content = tmp_path / "content"
    write(content, later_scrapes())
    site = build(
        "pelicanconf.py",
        content,
        tmp_path / "out",
        NEWS_DIGEST={**NO_SEARCH, "scrape_window_hours": "a day"},
    )
    warnings = site.messages(logging.WARNING)
    assert any("scrape_window_hours" in w and "'a day'" in w for w in warnings), warnings
    assert pages(site.output) == [f"2023/05/10/{SLUG}/"]


def test_a_dump_that_becomes_a_version_loses_its_pages(tmp_path):
    """The old page of a dump that a later scrape joins is removed as stale; the build
    equals a clean build with the speed layer off."""
    content = tmp_path / "content"
    output = tmp_path / "output"
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": NO_SEARCH}
    write(content, {"late.txt": dump("2023-05-10 22:00")})
    build("pelicanconf.py", content, output, **options)
    assert (output / f"2023/05/10/{SLUG}/headlines/index.html").is_file()
    write(content, {"next.txt": dump("2023-05-11 06:00", PARAGRAPHS[:2])})
    site = build("pelicanconf.py", content, output, **options)
    assert pages(output) == [f"2023/05/11/{SLUG}/"]
    assert not (output / "2023/05/10").exists()
    assert len(site.soup(f"2023/05/11/{SLUG}/").select("section.versions > ol > li")) == 2
    assert_same_as_clean(tmp_path, content, output, **options)


def test_adding_a_scrape_rewrites_that_lead_not_the_others(tmp_path):
    content = tmp_path / "content"
    output = tmp_path / "output"
    options = {"CACHE_PATH": str(tmp_path / "cache"), "NEWS_DIGEST": NO_SEARCH}
    others = {
        f"2023-05-0{n}-other-{n}.txt": dump(f"2023-05-0{n}", title=f"Other story number {n}")
        for n in range(1, 6)
    }
    write(content, {**others, "0800.txt": dump("2023-05-10 08:00")})
    build("pelicanconf.py", content, output, **options)
    stamps = {p: p.stat().st_mtime_ns for p in output.rglob("*.html")}
    write(content, {"1100.txt": dump("2023-05-10 11:00", headlines=["Ferry fares rise"])})
    build("pelicanconf.py", content, output, **options)
    changed = sorted(
        p.relative_to(output).as_posix()
        for p, stamp in stamps.items()
        if p.stat().st_mtime_ns != stamp
    )
    assert f"2023/05/10/{SLUG}/index.html" in changed
    assert f"2023/05/10/{SLUG}/headlines/index.html" in changed
    assert not [p for p in changed if "other-story" in p], changed
    assert_same_as_clean(tmp_path, content, output, **options)


# Source, Category, Authors, Tags


def test_source_category_authors_and_tags_on_the_lead_page(tmp_path):
    content = tmp_path / "content"
    header = "Category: World\nAuthors: Ana Diaz, Li Wei\nTags: Bridges, Port Alden\n"
    write(content, {"a.txt": dump("2023-05-10", extra_header=header)})
    site = build("pelicanconf.py", content, tmp_path / "out", NEWS_DIGEST=NO_SEARCH)
    meta = site.soup(f"2023/05/10/{SLUG}/").select_one("dl.meta")
    fields = {dt.get_text(): dt.find_next_sibling("dd") for dt in meta.find_all("dt")}
    assert fields["Authors"].get_text() == "Ana Diaz, Li Wei"
    assert fields["Category"].get_text() == "World"
    assert not fields["Authors"].find("a") and not fields["Category"].find("a")  # no such pages
    topics = [(a.get_text(), a["href"], a["rel"]) for a in fields["Topics"].find_all("a")]
    assert topics == [
        ("Bridges", "../../../../topics/bridges/", ["tag"]),
        ("Port Alden", "../../../../topics/port-alden/", ["tag"]),
    ]
    original, more = fields["Source"].find_all("a")
    assert (original.get_text(), original["href"]) == ("Read the original", SOURCE)
    assert set(original["rel"]) == {"external", "noopener"}
    assert more["href"] == "../../../../sources/news.example.com/"


def test_category_and_author_link_to_pelicans_pages_when_those_are_on(tmp_path):
    """The theme has no category or author page of its own (the site turns them off): a
    copy with two plain ones stands for a theme that has them."""
    content = tmp_path / "content"
    write(content, {"a.txt": dump("2023-05-10", extra_header="Category: World\nAuthors: Ana\n")})
    theme = copy_theme(tmp_path / "theme")
    listing = (
        '{% extends "base.html" %}{% block content %}<h1>{{ page_name }}</h1><ul>'
        "{% for a in articles %}<li>{{ a.title }}</li>{% endfor %}</ul>{% endblock %}"
    )
    for name in ("category", "author"):
        (theme / "templates" / f"{name}.html").write_text(listing, encoding="utf-8")
    site = build(
        "pelicanconf.py",
        content,
        tmp_path / "out",
        THEME=str(theme),
        NEWS_DIGEST=NO_SEARCH,
        CATEGORY_URL="category/{slug}/",
        CATEGORY_SAVE_AS="category/{slug}/index.html",
        AUTHOR_URL="author/{slug}/",
        AUTHOR_SAVE_AS="author/{slug}/index.html",
    )
    meta = site.soup(f"2023/05/10/{SLUG}/").select_one("dl.meta")
    links = {a.get_text(): a["href"] for a in meta.find_all("a")}
    assert links["World"] == "../../../../category/world/"
    assert links["Ana"] == "../../../../author/ana/"
    assert site.path("category/world/").is_file()
    assert site.path("author/ana/").is_file()


def test_a_source_that_is_not_a_web_address_is_never_a_link(tmp_path):
    content = tmp_path / "content"
    write(content, {"a.txt": dump("2023-05-10", source="javascript:alert(1)")})
    site = build("pelicanconf.py", content, tmp_path / "out", NEWS_DIGEST=NO_SEARCH)
    lead = site.soup(f"2023/05/10/{SLUG}/")
    assert not [a for a in lead.find_all("a") if "javascript" in a["href"]]
    assert lead.select_one("dl.meta") is None
    assert not (site.output / "sources").exists()


def test_a_source_page_lists_its_leads_newest_first_in_pages(tmp_path):
    content = tmp_path / "content"
    files = {
        f"2023-05-{n:02d}-s{n}.txt": dump(
            f"2023-05-{n:02d}",
            title=f"Story {n} from the harbour desk",
            source=f"https://www.News.Example.com/story-{n}",
        )
        for n in range(1, 6)
    }
    files["elsewhere.txt"] = dump("2023-05-09", title="Elsewhere", source="https://other.org/x")
    write(content, files)
    site = build(
        "pelicanconf.py", content, tmp_path / "out", NEWS_DIGEST=NO_SEARCH, DEFAULT_PAGINATION=2
    )
    first = site.soup("sources/news.example.com/")
    titles = [a.get_text() for a in first.select("ol.archive a")]
    assert titles == [f"Story {n} from the harbour desk" for n in (5, 4, 3)]
    older = site.soup("sources/news.example.com/page/1/")
    assert [a.get_text() for a in older.select("ol.archive a")] == [
        "Story 2 from the harbour desk",
        "Story 1 from the harbour desk",
    ]
    assert first.select_one('.pagination [aria-current="page"]').get_text() == "Latest"
    assert [a.get_text() for a in site.soup("sources/other.org/").select("ol.archive a")] == [
        "Elsewhere"
    ]


# The pre-selection of the dumps to compare


def _article(path: str, hours: float, url: str | None, title: str, text: str, sha: str):
    from types import SimpleNamespace

    from news_digest.parse.view import HeadlineItem
    from news_digest.stories.scrapes import title_key_of

    return SimpleNamespace(
        dump_source=path,
        date=dt.datetime(2023, 5, 10, tzinfo=dt.UTC) + dt.timedelta(hours=hours),
        dump_source_url=url,
        title=title,
        has_lead=True,
        dump_sha1=sha,
        dump_title_key=title_key_of(title),
        paragraphs=(text,),
        headlines=(HeadlineItem(f"Headline of {path}", None, "news"),),
    )


@pytest.mark.parametrize("seed", range(40))
def test_comparing_only_dumps_that_meet_groups_as_comparing_all(seed):
    """ScrapeMerger reads the text of the dumps that share a key within the window only;
    its leads are those of group_scrapes over every dump."""
    import random

    from news_digest.site.scrapes import ScrapeMerger, full_scrape, scrape_stub
    from news_digest.stories.scrapes import group_scrapes

    rng = random.Random(seed)
    texts = ["The bridge is shut.", "The bridge is shut!", "A marathon was cut short."]
    articles = [
        _article(
            f"{n:02d}.txt",
            rng.choice([0, 5, 20, 30, 45, 60, 100]) + rng.random(),
            rng.choice([None, None, "https://a.example/x", "https://a.example/y"]),
            rng.choice(["Bridge shut", "Bridge shut 2", "Marathon"]),
            rng.choice(texts),
            rng.choice(["s1", "s2"]) if rng.random() < 0.2 else f"sha{n}",
        )
        for n in range(rng.randint(2, 14))
    ]
    window = dt.timedelta(hours=24)
    kept = ScrapeMerger(window).merge(articles)
    every = [full_scrape(a, scrape_stub(a)) for a in articles]
    expected = sorted(lead.newest.path for lead in group_scrapes(every, window))
    assert sorted(a.dump_source for a in kept) == expected
    versions = {
        lead.newest.path: [v.path for v in lead.versions] for lead in group_scrapes(every, window)
    }
    for article in kept:
        listed = [v.source for v in reversed(getattr(article, "scrape_versions", ()))]
        assert (listed or [article.dump_source]) == versions[article.dump_source]


@pytest.mark.parametrize(
    ("url", "link", "domain"),
    [
        (
            "https://www.News.Example.com/x?a=1",
            "https://www.News.Example.com/x?a=1",
            "news.example.com",
        ),
        ("https://bücher.de/x", "https://bücher.de/x", "xn--bcher-kva.de"),
        ("https://a.example./x", "https://a.example./x", "a.example"),
        ("javascript:alert(1)", None, None),
        ("ftp://a.example/file", None, None),
        ("http://exa mple.com/", None, None),
        ("http://[::1", None, None),
        ("http://a.example:port/", None, None),
        ("https://-bad-.example/", None, None),
        ("http://", None, None),
        ("", None, None),
    ],
)
def test_only_web_addresses_with_a_host_are_links(url, link, domain):
    from news_digest.site.sources import original_url, source_domain

    assert original_url(url) == link
    assert source_domain(url) == domain
